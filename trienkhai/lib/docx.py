"""Word files laid out as Vietnamese official documents: Decree 30/2020/NĐ-CP (State) and
Hướng dẫn 36-HD/VPTW (Party). The python-docx helpers every module that writes a .docx shares.

The layout: A4, margins 20/20/30/15 mm (top, bottom, left, right), Times New Roman 13 pt with
the East Asian and complex-script fonts set too (Word otherwise picks another font for some
Vietnamese letters); a borderless two-column header (`official_header`); body paragraphs
justified with the first line indented; bordered tables whose header row repeats on every page;
the recipients and the signature at the foot (`signature`). Text goes through `clean`, so
characters pasted from elsewhere cannot break the file.

Domain-free: the callers work out the lines (the superior organisation, the number line, the
place and the date) and pass plain strings. Nothing here imports an app.
"""

import io
import math
import re
from collections.abc import Collection, Sequence

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, Twips

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FONT = "Times New Roman"
SIZE = Pt(13)  # body text
TITLE_SIZE = Pt(14)  # titles; the State motto
SMALL_SIZE = Pt(12)  # the State's name in the header; the tables of the reports
TEXT_WIDTH_MM = 165  # A4 portrait: 210 - 30 - 15
WIDE_WIDTH_MM = 252  # A4 landscape: 297 - 30 - 15

# The right column of the header.
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
STATE_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
STATE_MOTTO = "Độc lập - Tự do - Hạnh phúc"

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY

_FIRST_LINE_INDENT = Mm(10)
_RULE_INDENT_MM = 20

# Characters XML (and so DOCX and XLSX) cannot hold; pasted text sometimes carries them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """The text without the characters XML cannot hold (None gives "")."""
    return _CONTROL.sub("", text or "")


def mm(value: float) -> Twips:
    """A length Word stores in twips, rounded up so a 15 mm margin does not become 14.99 mm."""
    return Twips(math.ceil(value * 1440 / 25.4))


# --- the page ------------------------------------------------------------------------------------
def _page(section, *, wide: bool) -> None:
    long, short = Mm(297), Mm(210)
    section.page_width, section.page_height = (long, short) if wide else (short, long)
    section.top_margin, section.bottom_margin = mm(20), mm(20)
    section.left_margin, section.right_margin = mm(30), mm(15)


def new_document():
    """An empty Word document: A4 portrait, the margins above, Normal style in the body font."""
    word = WordDocument()
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = FONT, SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    _page(word.sections[0], wide=False)
    return word


def landscape(word, on: bool) -> None:
    """Start a new page section, landscape (`on`) or back to portrait, with the same margins."""
    section = word.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if on else WD_ORIENT.PORTRAIT
    _page(section, wide=on)


# --- text ----------------------------------------------------------------------------------------
def run(paragraph, text, *, bold=False, italic=False, underline=False, size: Length = SIZE):
    """Add `text` (anything, made a string and cleaned) to the paragraph in the body font."""
    added = paragraph.add_run(clean(str(text)))
    added.bold, added.italic, added.underline = bold, italic, underline
    added.font.name = FONT
    added.font.size = size
    # Word picks the East Asian font for some Vietnamese letters unless told.
    fonts = added._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)
    fonts.set(qn("w:cs"), FONT)
    return added


def _lines(paragraph, text: str, **style) -> None:
    """One run a line of `text`, with a line break after every line but the last."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        added = run(paragraph, line, **style)
        if i < len(lines) - 1:
            added.add_break()


def paragraph(container, text: str = "", *, align=LEFT, after: float = 0, **style):
    """A paragraph added to a document or a table cell: no space before, `after` points after,
    each line of `text` a run (`style`: bold, italic, underline, size, as `run` takes them)."""
    added = container.add_paragraph()
    added.alignment = align
    added.paragraph_format.space_before = Pt(0)
    added.paragraph_format.space_after = Pt(after)
    if text:
        _lines(added, text, **style)
    return added


def centred(container, text: str = "", *, after: float = 0, **style):
    """A centred paragraph, by default with no space after (header lines, titles)."""
    return paragraph(container, text, align=CENTER, after=after, **style)


def body_paragraph(
    container, text: str = "", *, align=JUSTIFY, after: float = 6, indent=True, **style
):
    """A paragraph of a report's body: justified with the first line indented 10 mm (no indent
    when `indent` is false or the paragraph is aligned otherwise), 6 points after."""
    added = paragraph(container, text, align=align, after=after, **style)
    if indent and align == JUSTIFY:
        added.paragraph_format.first_line_indent = _FIRST_LINE_INDENT
    return added


def heading(container, text: str, **style):
    """A numbered heading inside a report's body ("1. ..."): a bold body paragraph, 4 points
    after."""
    return body_paragraph(container, text, bold=True, after=4, **style)


def short_rule(paragraph, indent_mm: float = _RULE_INDENT_MM) -> None:
    """A short horizontal line under the paragraph (the rule under a State issuer's name): a
    bottom border, indented `indent_mm` from both sides."""
    paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.right_indent = Mm(indent_mm)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "auto"}.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


# --- tables and pictures -------------------------------------------------------------------------
def cell(table_cell, text: str, *, width_mm: float, align=LEFT, bold=False, size: Length = SIZE):
    """Fill a table cell's first paragraph with `text` (one run a line) and set its width."""
    table_cell.width = Mm(width_mm)
    first = table_cell.paragraphs[0]
    first.alignment = align
    _lines(first, text or "", bold=bold, size=size)


def repeat_header(row) -> None:
    """Mark a table row as the header row Word repeats at the top of every page."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def table(
    word,
    header: Sequence[tuple[str, float]],
    rows: Sequence[Sequence],
    *,
    centred_cols: Collection[int] = (),
    size: Length = SIZE,
    after: float | None = 4,
):
    """A bordered table, centred on the page. `header` is (title, width in mm) a column; its
    row is bold, centred and repeated on every page. A cell is centred when its value is a
    number or its column is in `centred_cols`, left-aligned otherwise; None is left blank.
    `size` is the text size of the whole table. An empty centred paragraph `after` points high
    follows the table (None: nothing follows)."""
    added = word.add_table(rows=1 + len(rows), cols=len(header))
    added.style = word.styles["Table Grid"]
    added.autofit = False
    added.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, (title, width) in enumerate(header):
        cell(added.rows[0].cells[i], title, width_mm=width, bold=True, align=CENTER, size=size)
    repeat_header(added.rows[0])
    for r, values in enumerate(rows, start=1):
        for i, value in enumerate(values):
            numeric = isinstance(value, int | float)
            cell(
                added.rows[r].cells[i],
                "" if value is None else str(value),
                width_mm=header[i][1],
                align=CENTER if numeric or i in centred_cols else LEFT,
                size=size,
            )
    if after is not None:
        centred(word, "", after=after)
    return added


def picture(word, png: bytes, *, width_mm: float = 150) -> None:
    """A PNG image (a chart) `width_mm` wide in a centred paragraph of its own."""
    word.add_picture(io.BytesIO(png), width=Mm(width_mm))
    word.paragraphs[-1].alignment = CENTER


# --- the header ----------------------------------------------------------------------------------
def official_header(
    word, *, superior: str, name: str, party: bool, number: str, place_date: str
) -> None:
    """The borderless two-column block at the top of an official document.

    Left: the superior organisation (`superior`, already in capitals; "" for none), the
    issuer's `name` in bold capitals, "*" under a Party issuer or a short rule under a State
    one, then the `number` line ("Số        -BC/ThU"). Right: "ĐẢNG CỘNG SẢN VIỆT NAM" underlined
    for a Party issuer, or the State's name and the underlined motto; an empty line; then
    `place_date` ("Bến Tre, ngày 05 tháng 02 năm 2024") in italics.
    """
    head = word.add_table(rows=1, cols=2)
    head.autofit = False
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    left.width, right.width = Mm(70), Mm(95)  # the issuer's column is the narrower one

    left.paragraphs[0].alignment = CENTER
    if superior:
        run(left.paragraphs[0], superior)
        centred(left, name.upper(), bold=True)
    else:
        run(left.paragraphs[0], name.upper(), bold=True)
    if party:
        centred(left, "*")
    else:
        short_rule(centred(left, ""))
    centred(left, number)

    right.paragraphs[0].alignment = CENTER
    if party:
        run(right.paragraphs[0], PARTY_NAME, bold=True, underline=True, size=Pt(15))
    else:
        run(right.paragraphs[0], STATE_NAME, bold=True, size=SMALL_SIZE)
        centred(right, STATE_MOTTO, bold=True, underline=True, size=TITLE_SIZE)
    centred(right, "")
    centred(right, place_date, italic=True)


def signature(word, recipients: Sequence[str]) -> None:
    """The borderless block at the foot of a report: "Nơi nhận:" and the `recipients` lines on
    the left; on the right, placeholders for the signer's title and signature."""
    block = word.add_table(rows=1, cols=2)
    block.autofit = False
    left, right = block.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    run(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=SMALL_SIZE)
    for line in recipients:
        paragraph(left, line, size=Pt(11))
    right.paragraphs[0].alignment = CENTER
    run(right.paragraphs[0], "(Chức vụ người ký)", bold=True)
    centred(right, "(Chữ ký, họ và tên)", italic=True)
