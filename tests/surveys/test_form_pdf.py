"""The print-ready paper form: A4, Vietnamese that survives, one copy per unused code, each copy
on its own pages with its code, a QR code of its personal link and page numbers of its own."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from trienkhai.surveys import paper_pdf
from trienkhai.surveys.models import Code, Section
from trienkhai.surveys.structure import load

from .builders import congress_survey

A4 = (595.28, 841.89)


@pytest.fixture
def w(tree):
    return congress_survey(tree, codes_per_allocation=3)


def url(w, **query) -> str:
    base = reverse("surveys:form_pdf", kwargs={"pk": w.survey.pk})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def read(content: bytes) -> PdfReader:
    assert content.startswith(b"%PDF")
    return PdfReader(io.BytesIO(content))


def copies(reader: PdfReader) -> list[str]:
    """The text of each copy: pages joined, split where a page restarts at "Trang 1/"."""
    out: list[str] = []
    for page in reader.pages:
        text = page.extract_text()
        if "Trang 1/" in text:
            out.append(text)
        else:
            out[-1] += "\n" + text
    return out


def test_one_copy_per_unused_code_each_with_its_code(login, propaganda_officer, w):
    Code.objects.filter(pk=w.codes[1].pk).update(used=True)
    response = login(propaganda_officer).get(url(w))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = read(b"".join(response.streaming_content))
    texts = copies(reader)
    assert len(texts) == 5
    shown = ["WARD0-00000", "WARD0-00002", "SIBL0-00000", "SIBL0-00001", "SIBL0-00002"]
    for text, code in zip(texts, shown, strict=True):
        assert f"Mã phiếu: {code}" in text
    assert "WARD0-00001" not in "".join(texts)


def test_vietnamese_text_survives_in_the_pdf(w):
    reader = read(paper_pdf.form_pdf(w.survey, ["WARD000000"]))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for words in (
        "THÀNH ỦY BẾN TRE",
        "PHIẾU KHẢO SÁT",
        "Khảo sát dư luận xã hội về Đại hội Đảng bộ thành phố",
        "Phần I. Đánh giá chung",
        "Đồng chí có được quán triệt Kế hoạch 07-KH/ThU không?",
        "Hoàn toàn đồng ý",
        "Trình độ lý luận chính trị",
        "Khác (ghi rõ)",
        "Xây dựng Đảng",
        "Xin trân trọng cảm ơn!",
        "Mã phiếu: WARD0-00000",
    ):
        assert words in text, words


def test_questions_and_choices_carry_the_numbers_typed_at_data_entry(w):
    text = "\n".join(p.extract_text() for p in read(paper_pdf.form_pdf(w.survey, ["X"])).pages)
    assert "C1. Đồng chí có được quán triệt" in text
    assert "1. Có" in text and "2. Không" in text
    assert "Chỉ trả lời nếu câu C1 chọn “Không”." in text
    assert "Từ 0 đến 80." in text


def test_pages_are_a4_and_numbered_per_copy(w):
    # Enough sections to take two pages per copy.
    for i in range(3, 8):
        section = Section.objects.create(survey=w.survey, title=f"Phần {i}", position=i)
        for q in (w.q_grid, w.q_idea, w.q_why):
            q.pk = None
            q.section = section
            q.condition_question = None
            q.save()
    structure = load(w.survey)
    reader = read(paper_pdf.form_pdf(w.survey, ["AAAAA11111", "BBBBB22222"], structure))
    assert len(reader.pages) % 2 == 0 and len(reader.pages) >= 4
    per_copy = len(reader.pages) // 2
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9)
    first_of_second = reader.pages[per_copy].extract_text()
    assert f"Trang 1/{per_copy}" in first_of_second and "Mã phiếu: BBBBB-22222" in first_of_second
    last = reader.pages[-1].extract_text()
    assert f"Mã phiếu BBBBB-22222 · Trang {per_copy}/{per_copy}" in last


def test_the_qr_code_points_at_the_personal_link(settings, w):
    settings.TRIENKHAI_SITE_URL = "https://khaosat.example.vn"
    assert paper_pdf.personal_link("WARD000000") == "https://khaosat.example.vn/s/WARD000000/"
    # A QR code is drawn as black squares on the first page of each copy, not on a blank one.
    with_code = read(paper_pdf.form_pdf(w.survey, ["WARD000000"])).pages[0]
    blank = read(paper_pdf.form_pdf(w.survey, [""])).pages[0]
    assert with_code.get_contents().get_data().count(b" re") > (
        blank.get_contents().get_data().count(b" re") + 50
    )


def test_one_allocation_prints_its_own_codes(login, city_secretary, w):
    response = login(city_secretary).get(url(w, allocation=w.sibling_alloc.pk))
    texts = copies(read(b"".join(response.streaming_content)))
    assert len(texts) == 3 and all("SIBL0" in t for t in texts)


def test_copies_limits_how_many_are_printed(login, city_secretary, w):
    response = login(city_secretary).get(url(w, copies=2))
    assert len(copies(read(b"".join(response.streaming_content)))) == 2


def test_a_blank_specimen_has_no_code(login, city_secretary, w):
    response = login(city_secretary).get(url(w, blank=1))
    text = read(b"".join(response.streaming_content)).pages[0].extract_text()
    assert "WARD" not in text and "Mã phiếu: ....." in text


def test_too_many_copies_are_refused_with_a_clear_message(login, city_secretary, w, monkeypatch):
    monkeypatch.setattr(paper_pdf, "MAX_COPIES", 4)
    client = login(city_secretary)
    response = client.get(url(w))
    assert response.status_code == 400
    assert "tối đa 4 bản" in response.content.decode()
    assert client.get(url(w, copies=4)).status_code == 200
    assert client.get(url(w, copies="abc")).status_code == 400


def test_no_unused_code_left_is_said_not_printed(login, city_secretary, w):
    Code.objects.filter(survey=w.survey).update(used=True)
    response = login(city_secretary).get(url(w))
    assert (
        response.status_code == 200 and "Không còn mã phiếu chưa dùng" in response.content.decode()
    )


def test_a_hundred_copies_print_one_form_each(w):
    """Their speed is measured in benchmarks/bench_survey.py."""
    structure = load(w.survey)
    content = paper_pdf.form_pdf(w.survey, [f"C{i:09d}" for i in range(100)], structure)
    assert len(read(content).pages) >= 100


def test_a_long_form_prints_fewer_copies_per_file(login, city_secretary, w, monkeypatch):
    monkeypatch.setattr(paper_pdf, "MAX_PAGES", 5)  # each copy of the form takes two pages
    response = login(city_secretary).get(url(w))
    assert response.status_code == 400
    assert "mỗi lần chỉ in được 2 bản" in response.content.decode()
