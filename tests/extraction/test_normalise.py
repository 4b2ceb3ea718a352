"""Cleaning the input: one spelling, whatever keyboard or converter produced the text."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trienkhai.extraction.normalise import normalise


@pytest.mark.parametrize(
    "typed, clean",
    [
        ("Uỷ ban nhân dân thành phố", "Ủy ban nhân dân thành phố"),
        ("UỶ BAN KIỂM TRA", "ỦY BAN KIỂM TRA"),
        ("cụ thể hoá nghị quyết", "cụ thể hóa nghị quyết"),
        ("thuỷ lợi, hoà giải, khoẻ mạnh", "thủy lợi, hòa giải, khỏe mạnh"),
        ("quý IV/2020, quỹ phòng chống thiên tai", "quý IV/2020, quỹ phòng chống thiên tai"),
        ("hoàn thành, khuyến khích, thuyền", "hoàn thành, khuyến khích, thuyền"),
        ("Ðảng ủy phường", "Đảng ủy phường"),
        ("07–KH/ThU ngày 7—8—2020", "07-KH/ThU ngày 7-8-2020"),
        ("số\u00a0250\u202fphiếu", "số 250 phiếu"),
    ],
)
def test_one_spelling(typed, clean):
    assert normalise(typed) == clean


def test_decomposed_input_comes_out_composed():
    decomposed = unicodedata.normalize("NFD", "Thành ủy Bến Tre")
    assert normalise(decomposed) == "Thành ủy Bến Tre"


def test_offsets_are_kept_character_for_character():
    text = "Giao Uỷ ban chủ trì, hoà giải xong trong tháng 12–2020."
    clean = normalise(text)
    assert len(clean) == len(unicodedata.normalize("NFC", text))
    start = text.index("tháng")
    assert clean[start : start + len("tháng 12-2020")] == "tháng 12-2020"


@given(st.text())
def test_any_text_keeps_its_length_and_a_second_pass_changes_nothing(text):
    text = unicodedata.normalize("NFC", text)
    once = normalise(text)
    assert len(once) == len(text)
    assert normalise(once) == once
