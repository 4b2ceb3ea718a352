"""The read text as HTML: sentences as targets, items marked, everything escaped."""

from tests.reading.conftest import TEXT, found_for_text
from trienkhai.extraction import extract
from trienkhai.extraction.items import Extraction, Quantity, Sentence
from trienkhai.reading.highlight import render


def test_sentences_are_targets_and_items_are_marked():
    html = render(found_for_text(), linked={0})
    second = TEXT.index("Thành phố")
    assert html.startswith('<span class="sentence hl-assignment linked" id="s0">Giao UBND')
    assert f'<span class="sentence" id="s{second}">Thành phố tổ chức' in html
    assert '<mark class="hl hl-quantity" title="Số lượng">11 lớp</mark>' in html
    assert (
        '<mark class="hl hl-doc_ref" title="Số hiệu văn bản">Kế hoạch số 07-KH/ThU</mark>' in html
    )
    assert "hoàn thành trước ngày 30-9-2020</mark>" in html


def test_overlapping_items_are_not_nested_and_text_is_escaped():
    text = "<b>Có 11 lớp & 250 phiếu</b>"
    found = Extraction(
        text=text,
        quantities=[
            Quantity("11 lớp", 6, 12, 11, "lớp"),
            Quantity("lớp &", 9, 14, 0, "x"),  # overlaps the first: left unmarked
            Quantity("250 phiếu", 15, 24, 250, "phiếu"),
        ],
        sentences=[Sentence(0, len(text))],
    )
    html = render(found)
    assert html.count("<mark") == 2
    assert "&lt;b&gt;Có " in html and " &amp; " in html and "&lt;/b&gt;" in html
    assert "<b>" not in html


def test_spans_outside_the_text_are_ignored():
    found = Extraction(
        text="Ngắn.",
        quantities=[Quantity("x", 3, 99, 1, "x")],
        sentences=[Sentence(0, 5), Sentence(2, 4), Sentence(7, 9)],
    )
    assert render(found) == '<span class="sentence" id="s0">Ngắn.</span>'


def test_a_fifty_page_text_is_drawn_whole():
    """Its speed is measured in benchmarks/bench_extraction.py."""
    found = extract((TEXT + "\n") * 600)  # about 115,000 characters
    html = render(found)
    assert html.count("<mark") >= 1200  # each deadline and quantity; a number once
    assert html.count('<span class="sentence') == len(found.sentences)
