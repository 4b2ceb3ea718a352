"""The header block every Word file of the product starts with (Decree 30 / Party layout)."""

import io

from docx import Document as Word

from trienkhai.lib import docx


def _header_text(party: bool) -> tuple[str, str]:
    word = docx.new_document()
    docx.official_header(
        word,
        superior="ỦY BAN NHÂN DÂN TỈNH BẾN TRE" if not party else "ĐẢNG BỘ TỈNH BẾN TRE",
        name="Ủy ban nhân dân thành phố Bến Tre" if not party else "Thành ủy Bến Tre",
        party=party,
        number="Số:        /BC-UBND" if not party else "Số        -BC/ThU",
        place_date="Bến Tre, ngày 21 tháng 9 năm 2020",
    )
    out = io.BytesIO()
    word.save(out)
    left, right = Word(io.BytesIO(out.getvalue())).tables[0].rows[0].cells
    return left.text, right.text


def test_a_party_header_names_the_party_and_marks_the_issuer_with_a_star():
    left, right = _header_text(party=True)
    assert left.splitlines()[:3] == ["ĐẢNG BỘ TỈNH BẾN TRE", "THÀNH ỦY BẾN TRE", "*"]
    assert "Số        -BC/ThU" in left
    assert right.startswith("ĐẢNG CỘNG SẢN VIỆT NAM")
    assert "Bến Tre, ngày 21 tháng 9 năm 2020" in right


def test_a_state_header_carries_the_state_name_and_motto():
    left, right = _header_text(party=False)
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ BẾN TRE" in left and "*" not in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Độc lập - Tự do - Hạnh phúc" in right
