"""Reading .txt, .docx and .pdf files into text; every failure a clear ReadError, nothing else."""

import codecs
import contextlib
import io
import unicodedata
import zipfile
from pathlib import Path

import docx
import matplotlib
import pytest
from docx.enum.style import WD_STYLE_TYPE
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trienkhai.extraction import readers
from trienkhai.extraction.legacy import encode_legacy
from trienkhai.extraction.readers import ReadError, read_file, read_upload

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
PLAN = "Kế hoạch số 07-KH/ThU ngày 7-8-2020 của Ban Thường vụ Thành ủy"
TASK = (
    "Giao UBND thành phố chủ trì, phối hợp với các sở, ngành tỉnh; hoàn thành trong tháng 12-2020."
)


def tcvn3(text: str) -> str:
    """Text as a .VnTime run holds it: TCVN3 bytes seen as cp1252 characters."""
    return encode_legacy(text, "tcvn3").decode("cp1252")


def vni(text: str) -> str:
    return encode_legacy(text, "vni").decode("cp1252")


def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(*pages: str, owner: str | None = None, user: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.add_font("dejavu", fname=str(FONT))
    pdf.set_font("dejavu", size=12)
    if owner:
        pdf.set_encryption(owner_password=owner, user_password=user)
    for page in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, page)
    return bytes(pdf.output())


def code_of(data: bytes, filename: str) -> str:
    with pytest.raises(ReadError) as caught:
        read_upload(data, filename)
    return caught.value.code


# --- plain text


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("utf-8"),
        lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
        lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
        lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
        lambda s: s.encode("utf-16-le"),
        lambda s: encode_legacy(s, "vni"),
        lambda s: unicodedata.normalize("NFD", s).encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "vni", "nfd"],
)
def test_txt_in_any_encoding(tmp_path, encode):
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(encode(f"{PLAN}\r\n{TASK}\r\n"))
    assert read_file(path) == f"{PLAN}\n{TASK}\n"
    assert read_upload(path.read_bytes(), "ke-hoach.txt") == f"{PLAN}\n{TASK}\n"


def test_txt_in_cp1258_with_combining_tones():
    # cp1258 writes "ệ" as "ê" (0xEA) and a combining dot below (0xF2); "Ủ" as U + hook (0xD2).
    data = b"Vi\xea\xf2t Nam\r\nU\xd2y ban nh\xe2n d\xe2n"
    assert read_upload(data, "cu.txt") == "Việt Nam\nỦy ban nhân dân"


def test_txt_in_tcvn3_bytes():
    data = encode_legacy("Ủy ban nhân dân tỉnh Bến Tre\nĐẢNG BỘ TỈNH", "tcvn3")
    assert read_upload(data, "abc.txt") == "ủy ban nhân dân tỉnh Bến Tre\nĐẢNG BỘ TỈNH"


def test_txt_with_mojibake_saved_as_utf8_is_repaired():
    assert read_upload("Uû ban nh©n d©n tØnh".encode(), "a.txt") == "Uỷ ban nhân dân tỉnh"


def test_an_upload_without_a_name_is_read_by_its_bytes():
    assert read_upload(PLAN.encode(), "") == PLAN
    assert read_upload(pdf_bytes(PLAN), "").strip() == PLAN


# --- Word


def build_plan(document):
    document.add_paragraph(PLAN)
    table = document.add_table(rows=3, cols=3)
    for cells, row in zip(
        table.rows,
        [
            ("STT", "Nội dung", "Thời gian"),
            ("1", "Mở 11 lớp bồi dưỡng", "tháng 9-2020"),
            ("2", "Lấy 250 phiếu", "chậm nhất 20-9-2020"),
        ],
        strict=True,
    ):
        for cell, text in zip(cells.cells, row, strict=True):
            cell.text = text
    document.add_paragraph(TASK)


def test_docx_paragraphs_and_tables_in_document_order():
    text = read_upload(docx_bytes(build_plan), "ke-hoach.docx")
    assert text == "\n".join(
        [
            PLAN,
            "STT | Nội dung | Thời gian",
            "1 | Mở 11 lớp bồi dưỡng | tháng 9-2020",
            "2 | Lấy 250 phiếu | chậm nhất 20-9-2020",
            TASK,
        ]
    )


def test_docx_merged_cells_are_read_once():
    def build(document):
        table = document.add_table(rows=3, cols=3)
        table.cell(0, 0).merge(table.cell(0, 2)).text = "TỔ CHỨC THỰC HIỆN"
        table.cell(1, 0).merge(table.cell(2, 0)).text = "Ban Tuyên giáo"
        table.cell(1, 1).text = "Việc một"
        table.cell(2, 1).text = "Việc hai"
        cell = table.cell(1, 2)
        cell.text = "tháng 9"
        cell.add_paragraph("năm 2020")

    lines = read_upload(docx_bytes(build), "bang.docx").split("\n")
    assert lines == [
        "TỔ CHỨC THỰC HIỆN",
        "Ban Tuyên giáo | Việc một | tháng 9 năm 2020",
        " | Việc hai |",  # the merged cell is empty below its first row
    ]


def test_docx_runs_in_legacy_fonts_are_converted():
    def build(document):
        paragraph = document.add_paragraph("Kính gửi: ")
        run = paragraph.add_run(tcvn3("Ủy ban nhân dân tỉnh Bến Tre"))
        run.font.name = ".VnTime"
        run = paragraph.add_run(tcvn3("đảng bộ tỉnh"))
        run.font.name = ".VnTimeH"  # the capitals font: small codes, drawn as capitals
        paragraph.add_run(" và ")
        run = paragraph.add_run(vni("Việt Nam"))
        run.font.name = "VNI-Times"

    text = read_upload(docx_bytes(build), "cu.docx")
    assert text == "Kính gửi: ủy ban nhân dân tỉnh Bến TreĐẢNG BỘ TỈNH và Việt Nam"


def test_docx_a_vni_letter_split_over_two_runs():
    def build(document):
        paragraph = document.add_paragraph()
        for piece in ("Vie", "ät Nam"):  # spell checking splits runs anywhere
            paragraph.add_run(piece).font.name = "VNI-Times"

    assert read_upload(docx_bytes(build), "vni.docx") == "Việt Nam"


def test_docx_font_from_the_style_and_from_the_document_defaults():
    def build(document):
        style = document.styles.add_style("Cu", WD_STYLE_TYPE.PARAGRAPH)
        style.font.name = ".VnTime"
        document.add_paragraph(tcvn3("Quyết định số 127-QĐ/TW"), style="Cu")
        document.styles["Normal"].font.name = "VNI-Times"
        document.add_paragraph(vni("Đảng bộ tỉnh"))

    assert read_upload(docx_bytes(build), "cu.docx") == "Quyết định số 127-QĐ/TW\nĐảng bộ tỉnh"


def test_docx_unicode_left_in_an_old_font_is_not_touched():
    def build(document):
        document.add_paragraph().add_run("Thành ủy Bến Tre: tôi có ý").font.name = ".VnTime"

    assert read_upload(docx_bytes(build), "moi.docx") == "Thành ủy Bến Tre: tôi có ý"


def test_docx_mojibake_in_an_ordinary_font_is_found_by_detection():
    def build(document):
        document.add_paragraph(PLAN)
        document.add_paragraph("Céng hoµ x· héi chñ nghÜa ViÖt Nam")

    text = read_upload(docx_bytes(build), "dan.docx")
    assert text == f"{PLAN}\nCộng hoà xã hội chủ nghĩa Việt Nam"


# --- PDF


def test_pdf_pages_are_joined_by_a_blank_line(tmp_path):
    path = tmp_path / "nghi-quyet.pdf"
    path.write_bytes(pdf_bytes(PLAN, TASK))
    pages = read_file(path).split("\n\n")
    assert [" ".join(page.split()) for page in pages] == [PLAN, TASK]  # lines wrap on the page


def test_pdf_locked_against_editing_only_is_read():
    assert read_upload(pdf_bytes(PLAN, owner="chu-so-huu"), "khoa.pdf") == PLAN


def test_pdf_with_a_password_to_open():
    error = pytest.raises(ReadError, read_upload, pdf_bytes(PLAN, owner="o", user="u"), "m.pdf")
    assert error.value.code == "encrypted_pdf"
    assert "mật khẩu" in error.value.message


def test_scanned_pdf_has_no_text_layer():
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 160, style="F")  # a page that is only a picture
    with pytest.raises(ReadError) as caught:
        read_upload(bytes(pdf.output()), "ban-quet.pdf")
    assert caught.value.code == "no_text_layer"
    assert caught.value.message == (
        "Tệp PDF này không có lớp chữ (có thể là bản quét); hãy dùng bản PDF xuất từ Word "
        "hoặc dán nội dung."
    )


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\nrubbish",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer<</Root 1 0 R>>\n%%EOF",
        b"not a pdf at all",
        pdf_bytes(PLAN)[:400],
    ],
    ids=["rubbish", "no-pages", "not-pdf", "truncated"],
)
def test_broken_pdf(data):
    assert code_of(data, "hong.pdf") in {"broken_pdf", "no_text_layer"}


# --- what cannot be read


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ReadError) as caught:
        read_file(tmp_path / "khong-co.txt")
    assert caught.value.code == "not_found"
    assert "khong-co.txt" in caught.value.message
    with pytest.raises(ReadError) as caught:
        read_file(tmp_path)
    assert caught.value.code == "not_a_file"
    with pytest.raises(ReadError) as caught:
        read_file("a\x00b.txt")
    assert caught.value.code in {"not_found", "unreadable"}


def test_files_over_the_limit(tmp_path, monkeypatch):
    assert code_of(b"a" * (readers.MAX_BYTES + 1), "lon.txt") == "too_large"
    monkeypatch.setattr(readers, "MAX_BYTES", 10)
    path = tmp_path / "lon.txt"
    path.write_bytes(b"a" * 11)
    with pytest.raises(ReadError) as caught:
        read_file(path)
    assert caught.value.code == "too_large"


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def zip_with(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, filename, code",
    [
        (OLE, "cu.doc", "old_doc"),
        (OLE, "doi-ten.docx", "old_doc"),  # a .doc renamed .docx
        (b"{\\rtf1 ...}", "cu.doc", "old_doc"),
        (OLE, "bang.xls", "unsupported"),
        (zip_with("xl/workbook.xml"), "bang.xlsx", "unsupported"),
        (zip_with("content.xml"), "van-ban.docx", "broken_docx"),
        (zip_with("word/document.xml"), "hong.docx", "broken_docx"),
        (b"PK\x03\x04 cut short", "hong.docx", "broken_docx"),
        (b"just text", "hong.docx", "broken_docx"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "anh.png", "unsupported"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "anh.txt", "not_text"),
        (b"", "rong.txt", "empty"),
        (b" \r\n\t\n", "rong.txt", "empty"),
        (docx_bytes(lambda d: d.add_paragraph("   ")), "rong.docx", "empty"),
    ],
)
def test_what_cannot_be_read(data, filename, code):
    assert code_of(data, filename) == code


def test_read_error_speaks_both_languages():
    with pytest.raises(ValueError) as caught:  # a ValueError, for callers that catch those
        read_upload(OLE, "C:\\Tai lieu\\cu.doc")
    error = caught.value
    assert isinstance(error, ReadError)
    assert str(error) == error.message
    assert "“cu.doc”" in error.message and ".docx" in error.message
    assert "Word" in error.message_en
    for vi, en in readers._MESSAGES.values():
        assert unicodedata.is_normalized("NFC", vi)
        assert vi.endswith(".") and en.endswith(".")


@given(
    st.binary(max_size=2000),
    st.sampled_from(["a.txt", "a.pdf", "a.docx", "a.doc", "a", "a.png"]),
    st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", OLE[:8]]),
)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_bytes_give_text_or_a_read_error(data, filename, head):
    with contextlib.suppress(ReadError):
        assert isinstance(read_upload(head + data, filename), str)
