"""The results leave the system as files: tables and the Word report (the anonymised raw data:
test_raw_data.py)."""

import io

import pytest
from django.urls import reverse
from docx import Document as WordDocument
from openpyxl import load_workbook

from .builders import congress_survey
from .test_results import SIBLING, WARD, submit

HIDDEN = "Dưới 5 phiếu: không hiển thị để bảo đảm ẩn danh"


@pytest.fixture
def world(tree):
    w = congress_survey(tree)
    submit(w, WARD)
    submit(w, SIBLING, prefix="SIBL")
    return w


def cells(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content))


def test_results_workbook_has_a_sheet_per_table_with_the_numbers(world, login, city_secretary):
    w = world
    url = reverse("surveys:results_xlsx", args=[w.survey.pk])
    book = workbook(login(city_secretary).get(url))
    assert book.sheetnames[:3] == ["Tiến độ thu phiếu", "Theo đơn vị", "Câu 1"]
    assert book.sheetnames[-1] == "Theo đối tượng"
    quota = cells(book["Tiến độ thu phiếu"])
    assert ["Đảng ủy Phường An Hội", "Đảng viên", 10, 10, 6, 60.0] in [r[:6] for r in quota]
    aware = cells(book["Câu 1"])
    assert ("1. Có", 8, 80.0) in [tuple(r[:3]) for r in aware]
    assert ("2. Không", 2, 20.0) in [tuple(r[:3]) for r in aware]
    years = {r[0]: r[1] for r in cells(book["Câu 6"]) if r[0]}
    assert (years["Trung bình"], years["Trung vị"], years["Lớn nhất"]) == (15.9, 13.5, 30.0)
    why = cells(book["Câu 5"])  # asked of the two who were not disseminated
    assert HIDDEN in [r[0] for r in why]
    assert not [v for r in why for v in r if isinstance(v, int | float)]
    cross = cells(book["Theo đối tượng"])
    flat = [v for row in cross for v in row if v is not None]
    assert HIDDEN in flat
    # The four key cadres of the sibling ward: no count of theirs below five in the cross-tab.
    header = next(r for r in cross if r[0] == "Lựa chọn")
    cadres = header.index("Cán bộ chủ chốt")
    for row in cross:
        value = row[cadres] if len(row) > cadres else None
        assert not (isinstance(value, int | float) and 0 < value < 5), row


def test_results_workbook_of_a_small_group_carries_no_numbers(world, login, city_secretary):
    w = world
    url = reverse("surveys:results_xlsx", args=[w.survey.pk])
    book = workbook(login(city_secretary).get(url, {"group": w.cadres.pk}))
    assert "Câu 1" not in book.sheetnames and "Theo đối tượng" not in book.sheetnames
    assert cells(book["Kết quả"]) == [[HIDDEN]]


def test_word_report_has_the_numbers_tables_and_charts(world, login, city_secretary):
    w = world
    response = login(city_secretary).get(reverse("surveys:results_docx", args=[w.survey.pk]))
    assert response.status_code == 200
    doc = WordDocument(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and w.survey.title.upper() in text.upper()
    assert "số phiếu thu về: 10 (50%)" in text
    assert "Cần chọn người có đức, có tài" in text
    assert HIDDEN in text  # the question asked of two people
    tables = ["\n".join(c.text for row in t.rows for c in row.cells) for t in doc.tables]
    assert any("1. Có" in t and "80" in t for t in tables)
    assert any("Đảng viên" in t and "6" in t for t in tables)  # forms returned by group
    assert len(doc.inline_shapes) >= 4  # the charts


def test_word_report_of_a_small_group_hides_the_results(world, login, city_secretary):
    w = world
    url = reverse("surveys:results_docx", args=[w.survey.pk])
    response = login(city_secretary).get(url, {"group": w.cadres.pk})
    doc = WordDocument(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert HIDDEN in text and "Phát huy dân chủ" not in text
    assert len(doc.inline_shapes) == 0
