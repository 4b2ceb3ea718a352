"""The synthesis table of a consultation round (bảng tổng hợp, tiếp thu, giải trình ý kiến) as
a Word file laid out after Decree 30/2020/NĐ-CP and Hướng dẫn 36-HD/VPTW, and as a spreadsheet.

No request objects here: the views pass a round and get bytes back.

The Word layout: A4, Times New Roman 13 pt, margins 20/20/30/15 mm (top, bottom, left, right);
a borderless two-column header (issuer on the left with "*" under a Party issuer or a short rule
under a State one, and the number line left blank for the clerk; the Party's name, or the State
motto, on the right with the place and date in italics), the bold centred title with the
draft's summary, then the table. The Word helpers are those of `trienkhai.lib.docx`.
"""

import datetime as dt
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from trienkhai.lib.dates import format_vi
from trienkhai.lib.docx import DOCX_CONTENT_TYPE as DOCX_CONTENT_TYPE  # for the views
from trienkhai.lib.docx import (
    FONT,
    JUSTIFY,
    TITLE_SIZE,
    centred,
    clean,
    new_document,
    official_header,
    paragraph,
    table,
)
from trienkhai.lib.text import fold
from trienkhai.org.models import UnitKind

from . import consultation as consult
from . import numbering
from .models import Consultation, Resolution

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TITLE = "BẢNG TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN"
COLUMNS = [
    ("STT", 10),
    ("Người góp ý / đơn vị", 32),
    ("Điều khoản", 20),
    ("Nội dung góp ý", 43),
    ("Tiếp thu / giải trình", 22),
    ("Nội dung tiếp thu, giải trình", 38),
]  # widths in mm: 165 = 210 - 30 - 15 (TEXT_WIDTH_MM)

# "Thành ủy Bến Tre" -> "Bến Tre"; the words before a place name in an issuer's name.
_PREFIXES = [
    "thanh uy",
    "tinh uy",
    "huyen uy",
    "quan uy",
    "thi uy",
    "dang uy",
    "dang bo",
    "uy ban nhan dan",
    "ubnd",
    "hoi dong nhan dan",
    "hdnd",
    "thanh pho",
    "tinh",
    "huyen",
    "quan",
    "thi xa",
    "thi tran",
    "phuong",
    "xa",
    "dac khu",
]
# The superior Party organisation written above a committee's name: "ĐẢNG BỘ TỈNH BẾN TRE".
_PARTY_SUPERIOR = {
    "tinh uy": "tỉnh",
    "thanh uy": "thành phố",
    "huyen uy": "huyện",
    "quan uy": "quận",
}


def place_of(name: str) -> str:
    """The place name in an issuer's name: "Thành ủy Bến Tre" -> "Bến Tre"."""
    words = (name or "").split()
    folded = fold(name or "").split()
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            size = len(prefix.split())
            # "Quận 1" keeps its word: a number alone is no place name.
            rest = words[size:]
            if folded[:size] == prefix.split() and rest and not rest[0].isdigit():
                words, folded, changed = words[size:], folded[size:], True
                break
    return " ".join(words)


def header_date(day: dt.date) -> str:
    """ "ngày 05 tháng 02 năm 2020": days under 10 and months under 3 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _superior_line(consultation: Consultation) -> str:
    unit = consultation.document.issuer_unit
    parent = unit.parent_unit() if unit is not None else None
    if parent is None:
        return ""
    if consultation.document.system == numbering.PARTY:
        folded = fold(parent.name)
        for prefix, level in _PARTY_SUPERIOR.items():
            if folded.startswith(prefix + " "):
                return f"Đảng bộ {level} {place_of(parent.name)}".upper()
        return ""
    return parent.name.upper() if unit.kind == UnitKind.DEPARTMENT else ""


def _number_line(consultation: Consultation) -> str:
    code = consultation.document.issuer_code or "..."
    if consultation.document.system == numbering.PARTY:
        return f"Số        -BTH/{code}"
    return f"Số:        /BTH-{code}"


def _round_day(consultation: Consultation) -> dt.date:
    if consultation.closed_at is not None:
        return timezone.localtime(consultation.closed_at).date()
    return timezone.localdate()


def _rows(consultation: Consultation) -> list[list[str]]:
    rows = []
    for n, comment in enumerate(consult.synthesis_rows(consultation), start=1):
        who = comment.recipient.person.full_name
        if comment.recipient.title:
            who += f"\n({comment.recipient.title})"
        if comment.is_late:
            who += "\n[gửi sau hạn]"
        response = comment.response
        if comment.answered_in_id:
            response += ("\n" if response else "") + (
                f"(Đã chỉnh sửa trong dự thảo phiên bản {comment.answered_in.number})"
            )
        label = (
            "" if comment.resolution == Resolution.PENDING else Resolution(comment.resolution).label
        )
        rows.append(
            [
                str(n),
                who,
                comment.section or "Chung",
                comment.text,
                str(label),
                response,
            ]
        )
    return [[clean(cell) for cell in row] for row in rows]


def _answers_summary(consultation: Consultation) -> tuple[str, list[str], list[str]]:
    stats = consult.round_stats(consultation)
    recipients = list(consultation.recipients.select_related("person").order_by("id"))
    none = [r.person.full_name for r in recipients if r.no_comment]
    missing = [r.person.full_name for r in recipients if r.answered_at is None]
    line = (
        f"Xin ý kiến {stats['total']} đồng chí; {stats['answered'] - stats['no_comment']} đồng chí "
        f"có {stats['comments']} ý kiến, {stats['no_comment']} đồng chí không có ý kiến, "
        f"{stats['missing']} đồng chí chưa trả lời."
    )
    return line, none, missing


def _round_line(consultation: Consultation) -> str:
    opened = timezone.localtime(consultation.opened_at).date()
    deadline = timezone.localtime(consultation.deadline).date()
    return (
        f"(Lấy ý kiến lần {consultation.round_number} đối với dự thảo phiên bản "
        f"{consultation.version.number}, từ ngày {format_vi(opened)} đến ngày {format_vi(deadline)})"
    )


# --- Word --------------------------------------------------------------------------------------
def synthesis_docx(consultation: Consultation, *, place: str = "", day: dt.date | None = None):
    """The synthesis table of a round as .docx bytes."""
    document = consultation.document
    day = day or _round_day(consultation)
    place = place or place_of(document.issuer_name)

    word = new_document()
    official_header(
        word,
        superior=_superior_line(consultation),
        name=document.issuer_name,
        party=document.system == numbering.PARTY,
        number=_number_line(consultation),
        place_date=f"{place}, {header_date(day)}",
    )

    centred(word, "", after=6)
    centred(word, TITLE, bold=True, size=TITLE_SIZE)
    centred(word, f"Đối với dự thảo {document.summary}", bold=True, size=TITLE_SIZE)
    centred(word, _round_line(consultation), italic=True)
    centred(word, "-----", after=6)
    line, none, missing = _answers_summary(consultation)
    paragraph(word, line, align=JUSTIFY, after=6)

    table(word, COLUMNS, _rows(consultation), centred_cols=(0, 4), after=6)
    if none:
        paragraph(
            word,
            "Các đồng chí không có ý kiến: " + ", ".join(none) + ".",
            align=JUSTIFY,
        )
    if missing:
        paragraph(
            word,
            "Các đồng chí chưa trả lời: " + ", ".join(missing) + ".",
            align=JUSTIFY,
        )

    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# --- Excel -------------------------------------------------------------------------------------
def synthesis_xlsx(consultation: Consultation) -> bytes:
    """The synthesis table of a round as .xlsx bytes: a few title lines, then one row a comment."""
    document = consultation.document
    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp ý kiến"
    bold = Font(name=FONT, bold=True, size=13)
    plain = Font(name=FONT, size=12)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    last = get_column_letter(len(COLUMNS))

    titles = [
        (clean(document.issuer_name.upper()), bold),
        (TITLE, Font(name=FONT, bold=True, size=14)),
        (clean(f"Đối với dự thảo {document.summary}"), bold),
        (_round_line(consultation), Font(name=FONT, italic=True, size=12)),
        (clean(_answers_summary(consultation)[0]), plain),
    ]
    for row, (text, font) in enumerate(titles, start=1):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font, cell.alignment = font, centre
    header_row = len(titles) + 2
    for col, (title, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=col, value=title)
        cell.font, cell.alignment, cell.border = bold, centre, box
        cell.fill = PatternFill("solid", fgColor="F0F2F5")
        sheet.column_dimensions[get_column_letter(col)].width = width * 0.75
    for r, values in enumerate(_rows(consultation), start=header_row + 1):
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=col, value=int(value) if col == 1 else value)
            cell.font, cell.border = plain, box
            cell.alignment = centre if col in (1, 5) else wrap
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def synthesis_filename(consultation: Consultation, extension: str) -> str:
    """An ASCII file name: "tong-hop-y-kien-du-thao-12-lan-1.docx"."""
    return (
        f"tong-hop-y-kien-du-thao-{consultation.document_id}-lan-{consultation.round_number}"
        f".{extension}"
    )
