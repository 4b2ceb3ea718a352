"""The anonymised raw data, as XLSX and as CSV: one row per form in the order of the random
keys, no id, months only, group and unit only for cells of five; streamed, so that a million
forms leave in flat memory."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from trienkhai.surveys import exports
from trienkhai.surveys.models import Answer, Response

from .builders import congress_survey
from .test_results import SIBLING, WARD, submit

HIDDEN = "Dưới 5 phiếu: không hiển thị để bảo đảm ẩn danh"
HEAD = ["Tháng nhận phiếu", "Đối tượng", "Đơn vị", "C1", "C2.1", "C2.2", "C2.3", "C2.4"]
HEAD += ["C2 - khác", "C3", "C4.1", "C4.2", "C5", "C6", "C7", "C8"]


@pytest.fixture
def world(tree):
    w = congress_survey(tree)
    submit(w, WARD)
    submit(w, SIBLING, prefix="SIBL")
    return w


def body(response, content_type: str) -> bytes:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def raw_xlsx(client, w, **params):
    url = reverse("surveys:results_raw_xlsx", args=[w.survey.pk])
    response = client.get(url, params)
    book = load_workbook(io.BytesIO(body(response, exports.XLSX_CONTENT_TYPE)))
    assert f'filename="du-lieu-khao-sat-{w.survey.pk}.xlsx"' in response["Content-Disposition"]
    return book


def xlsx_rows(client, w):
    return [list(row) for row in raw_xlsx(client, w)["Dữ liệu"].iter_rows(values_only=True)]


def csv_rows(client, w):
    url = reverse("surveys:results_raw_csv", args=[w.survey.pk])
    response = client.get(url)
    text = body(response, "text/csv").decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8
    assert f'filename="du-lieu-khao-sat-{w.survey.pk}.csv"' in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(text[1:])))


def as_text(value) -> str:
    """A cell as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_raw_data_has_no_id_a_random_order_and_months_only(world, login, propaganda_officer):
    w = world
    rows = xlsx_rows(login(propaganda_officer), w)
    head, data = rows[0], rows[1:]
    assert head == HEAD
    assert not any("id" in str(h).lower() for h in head)
    assert len(data) == 10
    assert {r[0] for r in data} == {"09-2020"}
    ids = {str(pk) for pk in Response.objects.values_list("pk", flat=True)}
    assert not ids & {str(v) for r in rows for v in r}
    # The builder's codes repeat from part to part (C1.. in each): columns are numbered C1..C8.
    years = [r[head.index("C6")] for r in data]
    submitted = [float(spec[2]) for spec in WARD + SIBLING]
    assert sorted(years) == sorted(submitted)
    assert years != submitted  # ordered by the random keys, not by arrival
    by_key = Answer.objects.filter(question=w.q_years).order_by("response_id")
    assert years == [float(n) for n in by_key.values_list("number", flat=True)]
    # Multiple choice as 1/0 columns; the grid row by row; "other" texts in their column.
    assert {r[head.index("C2.1")] for r in data} <= {0, 1}
    assert "Qua bạn bè" in {r[head.index("C2 - khác")] for r in data}
    assert "Cần chọn người có đức, có tài" in {r[head.index("C8")] for r in data}


def test_raw_workbook_has_a_legend(world, login, propaganda_officer):
    book = raw_xlsx(login(propaganda_officer), world)
    assert book.sheetnames == ["Dữ liệu", "Chú giải"]
    legend = [list(row) for row in book["Chú giải"].iter_rows(values_only=True)]
    assert legend[0] == ["Cột", "Câu hỏi", "Mã số", "Nội dung"]
    assert ["C1", "C1. Đồng chí có được quán triệt Kế hoạch 07-KH/ThU không?", None, None] in legend
    assert ["C6", "C6. Số năm tuổi Đảng", None, None] in legend
    assert ["C4.1", "Xây dựng Đảng", None, None] in legend
    assert [None, None, 4, "Khác (ghi rõ)"] in legend
    notes = [r[0] for r in legend]
    assert "Nhóm đối tượng và đơn vị chỉ ghi khi nhóm đó có từ 5 phiếu trở lên." in notes


def test_raw_csv_has_the_same_header_and_rows_as_the_workbook(world, login, propaganda_officer):
    client = login(propaganda_officer)
    in_csv = csv_rows(client, world)
    in_xlsx = xlsx_rows(client, world)
    assert in_csv[0] == HEAD
    assert in_csv[1:] == [[as_text(v) for v in row] for row in in_xlsx[1:]]
    assert "Đảng ủy Phường An Hội" in {r[2] for r in in_csv}


@pytest.mark.parametrize("read", [xlsx_rows, csv_rows])
def test_raw_data_names_group_and_unit_only_for_cells_of_five(
    world, login, propaganda_officer, read
):
    data = read(login(propaganda_officer), world)[1:]
    named = [(r[1] or None, r[2] or None) for r in data]
    assert named.count(("Đảng viên", "Đảng ủy Phường An Hội")) == 6
    assert named.count((None, None)) == 4  # the sibling's four cadres are not named
    assert "Phường Phú Khương" not in str(data)


@pytest.mark.parametrize("read", [xlsx_rows, csv_rows])
def test_raw_data_of_fewer_than_five_forms_is_withheld(tree, login, propaganda_officer, read):
    w = congress_survey(tree)
    submit(w, WARD[:4])
    rows = read(login(propaganda_officer), w)
    assert rows[0] == HEAD
    assert len(rows) == 2 and rows[1][0] == HIDDEN and not any(rows[1][1:])


def test_raw_data_without_group_or_unit_has_no_such_columns(world, login, propaganda_officer):
    type(world.survey).objects.filter(pk=world.survey.pk).update(
        record_group=False, record_unit=False
    )
    rows = csv_rows(login(propaganda_officer), world)
    assert rows[0] == ["Tháng nhận phiếu", *HEAD[3:]]
    assert len(rows) == 11 and "Đảng ủy Phường An Hội" not in str(rows)


def test_formula_like_answers_stay_text(tree, login, propaganda_officer):
    w = congress_survey(tree)
    ideas = ["=1+2", "@SUM(A1:A9)", "+84 912 345 678", "-2+3", '=HYPERLINK("http://x")']
    specs = [(1, 4, "10", 1, [1], 3, idea) for idea in ideas]
    submit(w, specs)
    client = login(propaganda_officer)

    sheet = raw_xlsx(client, w)["Dữ liệu"]
    column = HEAD.index("C8") + 1
    cells = [sheet.cell(row=n, column=column) for n in range(2, 7)]
    assert sorted(c.value for c in cells) == sorted(ideas)
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula

    in_csv = [r[HEAD.index("C8")] for r in csv_rows(client, w)[1:]]
    assert sorted(in_csv) == sorted("'" + idea for idea in ideas)


def test_raw_data_groups_answers_across_chunks(world, login, propaganda_officer, monkeypatch):
    """Forms and answers are read in chunks, side by side; a form's answers that straddle two
    chunks still land in its one row."""
    whole = csv_rows(login(propaganda_officer), world)
    monkeypatch.setattr(exports, "RAW_CHUNK", 1)  # a form a chunk, four answers a chunk
    assert csv_rows(login(propaganda_officer), world) == whole


def test_raw_data_is_not_refused_for_many_forms(world, login, propaganda_officer):
    """There is no limit on the number of forms any more: the file is streamed."""
    assert not hasattr(exports, "RAW_LIMIT")
    assert len(xlsx_rows(login(propaganda_officer), world)) == 11
