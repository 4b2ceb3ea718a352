"""Random and mangled input never makes the extractor raise, and spans always index its text."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trienkhai.extraction import extract

PIECES = [
    "07-KH/ThU", "123/QĐ-UBND", "45/2020/NĐ-CP", "ngày 7-8-2020", "ngày 05 tháng 02 năm 2021",
    "tháng 12-2020", "quý IV/2025", "năm 2025", "chậm nhất đến ngày", "trước ngày", "giao",
    "UBND thành phố", "chủ trì", "phối hợp với", "các sở, ngành", "11 lớp", "98,5%", "1.250",
    "tỷ đồng", "-", "/", ",", ".", ";", "\n", " | ", "\t", "“", "”", "Ð", "uỷ", "hoà", "0", "99999",
    "Số:", "Nơi nhận:", "1.", "- ", "đến", "từ", "31/2/2021", "ngày 32-13-2020", "quý V/2025",
]  # fmt: skip


def _check(text: str) -> None:
    result = extract(text)
    for item in result.doc_refs + result.deadlines + result.quantities + result.assignments:
        assert 0 <= item.start <= item.end <= len(result.text)
    for item in result.doc_refs + result.deadlines + result.quantities:
        assert " ".join(result.text[item.start : item.end].split()) == " ".join(item.text.split())
    result.as_json()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_unicode(text):
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map(" ".join))
def test_mangled_numbers_dates_and_phrases(text):
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_glued_pieces(text):
    _check(text)
