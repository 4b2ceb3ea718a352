"""Tables streamed as XLSX or CSV: what a spreadsheet reads back, and that text stays text."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

from openpyxl import load_workbook

from trienkhai.lib import streaming
from trienkhai.lib.streaming import Table, csv_stream, xlsx_stream


def read_xlsx(chunks):
    data = b"".join(chunks)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    return load_workbook(io.BytesIO(data))


def values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def read_csv(chunks):
    text = b"".join(chunks).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_xlsx_keeps_types_diacritics_and_text_as_text():
    rows = [
        [1, "Đảng ủy Phường An Hội", dt.date(2020, 12, 31), Decimal("13.50"), None, True],
        [2, '=HYPERLINK("http://x")', dt.datetime(2020, 9, 1, 8, 30), 2.5, "", False],
        [3, "A & B <c> \x07 chuông", None, -4, " cách đầu", None],
    ]
    book = read_xlsx(
        xlsx_stream([Table("Nhiệm vụ", ["Mã", "Tên", "Ngày", "Số", "Trống", "Có"], rows)])
    )
    sheet = book["Nhiệm vụ"]
    got = values(sheet)
    assert got[0] == ["Mã", "Tên", "Ngày", "Số", "Trống", "Có"]
    assert got[1] == [1, "Đảng ủy Phường An Hội", dt.datetime(2020, 12, 31), 13.5, None, True]
    assert got[2][:4] == [2, '=HYPERLINK("http://x")', dt.datetime(2020, 9, 1, 8, 30), 2.5]
    assert got[3][:5] == [3, "A & B <c>  chuông", None, -4, " cách đầu"]
    formula = sheet["B3"]
    assert formula.data_type == "s"  # shown as typed, never run
    assert sheet["C2"].number_format == "DD-MM-YYYY"
    header = sheet["A1"]
    assert header.font.b and header.fill.fgColor.rgb == "FFE8EBEF"
    assert sheet.freeze_panes == "A2"


def test_xlsx_widths_autofilter_and_several_sheets():
    tables = [
        Table("Dữ liệu", ["A", "B"], [[1, 2], [3, 4]], widths=[12, 40], autofilter=True),
        Table("Chú giải", ["Cột", "Nội dung"], [["A", "Mã"]]),
    ]
    book = read_xlsx(xlsx_stream(tables))
    assert book.sheetnames == ["Dữ liệu", "Chú giải"]
    data = book["Dữ liệu"]
    assert data.auto_filter.ref == "A1:B3"
    assert data.column_dimensions["B"].width == 40
    assert values(book["Chú giải"]) == [["Cột", "Nội dung"], ["A", "Mã"]]


def test_xlsx_goes_on_to_another_sheet_past_the_row_limit(monkeypatch):
    monkeypatch.setattr(streaming, "MAX_SHEET_ROWS", 4)  # a header and three rows a sheet
    rows = [[n, f"Phiếu {n}"] for n in range(1, 8)]
    book = read_xlsx(xlsx_stream([Table("Dữ liệu", ["Số", "Tên"], rows)]))
    assert book.sheetnames == ["Dữ liệu", "Dữ liệu (2)", "Dữ liệu (3)"]
    for name in book.sheetnames:  # each one starts with the header
        assert values(book[name])[0] == ["Số", "Tên"]
    got = [row for name in book.sheetnames for row in values(book[name])[1:]]
    assert got == rows


def test_xlsx_goes_on_to_another_sheet_past_the_size_limit(monkeypatch):
    monkeypatch.setattr(streaming, "MAX_SHEET_BYTES", 1)  # every row starts a new sheet
    book = read_xlsx(xlsx_stream([Table("Dữ liệu", ["Số"], [[1], [2]])]))
    assert [values(book[name]) for name in book.sheetnames] == [[["Số"], [1]], [["Số"], [2]]]


def test_xlsx_sheet_names_follow_excels_rules():
    title = "Tiến độ: thu phiếu/đơn vị [tháng 9] rất dài quá ba mươi mốt ký tự"
    tables = [Table(title, ["A"], [[1]]), Table(title, ["A"], [[2]]), Table("", ["A"], [])]
    names = read_xlsx(xlsx_stream(tables)).sheetnames
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert len(set(names)) == 3 and names[1].endswith("(2)")


def test_xlsx_is_sent_in_pieces_as_it_is_written(monkeypatch):
    monkeypatch.setattr(streaming, "SEND_BYTES", 1000)
    read = []

    def rows():
        for n in range(200):
            read.append(n)
            yield [n, "Nội dung của hàng"]

    chunks = xlsx_stream([Table("Dữ liệu", ["Số", "Nội dung"], rows())])
    first = next(chunks)
    assert first.startswith(b"PK") and len(read) < 200  # sent before all rows were read
    rest = list(chunks)
    assert len(rest) > 3
    assert len(values(read_xlsx([first, *rest])["Dữ liệu"])) == 201


def test_csv_has_a_bom_a_header_iso_dates_and_no_formulas():
    rows = [
        [1, "Đảng ủy Phường An Hội", dt.date(2020, 12, 31), Decimal("13.50"), None],
        [2, "=1+2", None, -4, "+84 912 345 678"],
        [3, "@SUM(A1)", None, 2.5, "-2+3"],
        [4, 'Có, dấu "ngoặc" và\nxuống dòng', None, None, "\tthụt"],
    ]
    got = read_csv(csv_stream(["Mã", "Tên", "Ngày", "Số", "Ghi chú"], rows))
    assert got[0] == ["Mã", "Tên", "Ngày", "Số", "Ghi chú"]
    assert got[1] == ["1", "Đảng ủy Phường An Hội", "2020-12-31", "13.5", ""]
    assert got[2] == ["2", "'=1+2", "", "-4", "'+84 912 345 678"]  # numbers stay numbers
    assert got[3] == ["3", "'@SUM(A1)", "", "2.5", "'-2+3"]
    assert got[4] == ["4", 'Có, dấu "ngoặc" và\nxuống dòng', "", "", "'\tthụt"]


def test_csv_is_sent_in_pieces(monkeypatch):
    monkeypatch.setattr(streaming, "SEND_BYTES", 500)
    chunks = list(csv_stream(["Số"], ([n, "Phường An Hội"] for n in range(300))))
    assert len(chunks) > 5
    assert len(read_csv(chunks)) == 301
