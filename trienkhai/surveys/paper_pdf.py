"""The paper form as a print-ready PDF: A4, one copy per code, every copy starting on a new page.

Each copy carries its code twice: typed ("Mã phiếu: ABCDE-FGHJK", for the data-entry screen and
for answering online at /s/) and as a QR code of the personal link. Questions carry the numbers
shown online (`structure.question_numbers`), choices the numbers typed at data entry (their
`value`). The font is DejaVu Sans, shipped with matplotlib, which covers Vietnamese.

Page numbers restart with each copy ("Trang 1/2"): every copy has the same layout (the code
takes the same room whatever it is), so one copy is laid out first to count its pages.
"""

from pathlib import Path

import matplotlib
import segno
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from fpdf import FPDF

from .models import QuestionKind, Survey
from .respond import condition_note
from .responses import code_display
from .structure import Structure, load, question_numbers

MAX_COPIES = 1000
# A print job stays within what a request can build in seconds (a long form, many copies).
MAX_PAGES = 4000
FONT = "dejavu"
MARGIN = 15
LINE = 5.5
BOX = 3.6
QR_SIZE = 26


def font_dir() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def personal_link(code: str) -> str:
    return settings.TRIENKHAI_SITE_URL + reverse("respond:form", kwargs={"code": code})


class _Form(FPDF):
    """Text goes through `para`: lines are broken once per text and width (`multi_cell` is ten
    times slower than `cell`, and every copy repeats the same texts), then drawn one by one.
    `memo` holds those lines (and the QR mask), shared by the documents of one print job."""

    def __init__(self, memo: dict | None = None):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.memo = {} if memo is None else memo
        fonts = font_dir()
        self.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, 12, MARGIN)
        self.set_auto_page_break(True, margin=16)
        self.set_creator("Triển Khai")
        self.set_lang("vi")
        self.copy_code = ""
        self.copy_first = 1
        self.copy_pages = 1

    def footer(self):
        self.set_y(-11)
        self.set_font(FONT, "", 8)
        self.set_text_color(90)
        number = self.page_no() - self.copy_first + 1
        code = code_display(self.copy_code) if self.copy_code else "........"
        self.cell(
            0,
            4,
            _("Mã phiếu %(code)s · Trang %(n)d/%(total)d")
            % {"code": code, "n": number, "total": self.copy_pages},
            align="C",
        )
        self.set_text_color(0)

    # --- small drawing helpers ----------------------------------------------------------------
    @property
    def right(self) -> float:
        return self.w - self.r_margin

    def room(self, height: float) -> bool:
        """Start a new page unless `height` fits below; True when a page was added."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
            return True
        return False

    def lines(self, text: str, width: float) -> list[str]:
        """`text` broken into lines of `width` in the current font."""
        key = (text, round(width, 3), self.font_family, self.font_style, self.font_size_pt)
        if key not in self.memo:
            self.memo[key] = [
                str(line) for line in self.multi_cell(width, 1, text, dry_run=True, output="LINES")
            ] or [""]
        return self.memo[key]

    def para(
        self, width: float, height: float, text: str, align: str = "L", x: float | None = None
    ) -> None:
        """What `multi_cell` does, from the cache: the lines of `text` left-aligned or centred
        in `width` (0: up to the right margin), one `height` each, then the next line. Lines are
        placed with `text`, five times cheaper than `cell`: a copy is mostly text."""
        x = self.l_margin if x is None else x
        width = width or self.right - x
        for line in self.lines(text, width):
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
            # Where `cell` would put it: padded left, or centred; baseline mid-line.
            left = x + self.c_margin
            if align == "C":
                left = x + (width - self.get_string_width(line)) / 2
            self.text(left, self.get_y() + 0.5 * height + 0.3 * self.font_size, line)
            self.set_y(self.get_y() + height)
        self.set_x(self.l_margin)

    def box(self, x: float, y: float) -> None:
        self.rect(x, y + (LINE - BOX) / 2, BOX, BOX)

    def rule(self, x1: float, x2: float, y: float) -> None:
        self.set_draw_color(110)
        self.set_dash_pattern(dash=0.4, gap=0.8)
        self.line(x1, y, x2, y)
        self.set_dash_pattern()
        self.set_draw_color(0)

    def qr(self, data: str, x: float, y: float, size: float) -> None:
        """The QR code as filled rectangles (one per run of dark modules in a row): sharp at
        any printer resolution, and no image to embed per copy."""
        # Choosing the best mask is most of the cost of a QR code; the links differ only in
        # their code, so the mask chosen for the first copy suits the others.
        if self.memo.get("qr-mask") is None:
            self.memo["qr-mask"] = segno.make(data, error="m", micro=False).mask
        matrix = segno.make(data, error="m", micro=False, mask=self.memo["qr-mask"]).matrix
        module = size / len(matrix)
        self.set_fill_color(0)
        for r, row in enumerate(matrix):
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                # A hair taller than a module, so screens show no seam between rows.
                self.rect(
                    x + start * module, y + r * module, (c - start) * module, module + 0.04, "F"
                )


# --- one copy -------------------------------------------------------------------------------------
def _header(pdf: _Form, survey: Survey, code: str) -> None:
    top = pdf.get_y()
    left_w = pdf.epw - QR_SIZE - 6
    if code:
        pdf.qr(personal_link(code), pdf.right - QR_SIZE, top, QR_SIZE)
    pdf.set_font(FONT, "B", 10.5)
    pdf.para(min(left_w, 100), 5, survey.owner_unit.name.upper(), align="C")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    shown = code_display(code) if code else "................"
    pdf.cell(left_w, 6, _("Mã phiếu: %(code)s") % {"code": shown})
    pdf.ln(7)
    pdf.set_font(FONT, "", 8.5)
    site = settings.TRIENKHAI_SITE_URL + reverse("respond:enter")
    hint = (
        _("Có thể trả lời trực tuyến: quét mã QR, hoặc vào %(site)s và nhập mã phiếu.")
        if code
        else _("Có thể trả lời trực tuyến: vào %(site)s và nhập mã phiếu.")
    )
    pdf.para(left_w, 4, hint % {"site": site})
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE) + 5)
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, _("PHIẾU KHẢO SÁT"), align="C")
    pdf.ln(8)
    pdf.set_font(FONT, "B", 12)
    pdf.para(0, 6, survey.title, align="C")
    pdf.ln(3)
    if survey.intro:
        pdf.set_font(FONT, "", 10)
        pdf.para(0, 5, survey.intro)
        pdf.ln(2)
    pdf.set_font(FONT, "", 9)
    pdf.para(
        0,
        4.5,
        _(
            "Cách trả lời: đánh dấu X vào ô vuông bên cạnh ý được chọn; viết câu trả lời vào "
            "chỗ có dòng chấm; viết số vào các ô số. Câu có dấu * là câu bắt buộc trả lời."
        ),
    )
    pdf.ln(3)


def _notes(structure: Structure, q, numbers: dict[int, str]) -> list[str]:
    notes = []
    if q.kind == QuestionKind.SINGLE:
        notes.append(_("Chọn một ý."))
    elif q.kind == QuestionKind.MULTI:
        notes.append(_("Có thể chọn nhiều ý."))
    elif q.kind == QuestionKind.GRID:
        notes.append(_("Mỗi hàng chọn một ô."))
    if q.condition_question_id:
        notes.append(condition_note(structure, q, numbers))
    if q.kind == QuestionKind.NUMBER and (q.min_value is not None or q.max_value is not None):
        low = _plain(q.min_value) if q.min_value is not None else "…"
        high = _plain(q.max_value) if q.max_value is not None else "…"
        notes.append(_("Từ %(low)s đến %(high)s.") % {"low": low, "high": high})
    if q.help_text:
        notes.append(q.help_text)
    return [n for n in notes if n]


def _plain(number) -> str:
    return format(number.normalize(), "f").replace(".", ",")


def _choices_flow(pdf: _Form, choices) -> None:
    """Choices side by side, wrapping like words; an over-long label gets lines of its own."""
    indent = pdf.l_margin + 4
    pdf.set_font(FONT, "", 10)
    x, y = indent, pdf.get_y()
    for c in choices:
        label = f"{c.value}. {c.label}"
        width = BOX + 1.5 + pdf.get_string_width(label)
        if x > indent and x + width > pdf.right:
            x, y = indent, y + LINE + 0.8
        pdf.set_y(y)
        if pdf.room(LINE):
            x, y = indent, pdf.get_y()
        pdf.box(x, y)
        if width > pdf.right - x:
            pdf.set_xy(x + BOX + 1.5, y)
            pdf.para(pdf.right - x - BOX - 1.5, LINE, label, x=x + BOX + 1.5)
            x, y = indent, pdf.get_y() + 0.8
            continue
        pdf.set_xy(x + BOX + 1.5, y)
        pdf.cell(width - BOX - 1.5, LINE, label)
        x += width + 8
    pdf.set_xy(pdf.l_margin, y + (LINE + 0.8 if x > indent else 0))


def _choices_columns(pdf: _Form, choices) -> None:
    """A scale (Likert): one column per point, the box above its label."""
    indent = pdf.l_margin + 4
    col = (pdf.right - indent) / max(1, len(choices))
    pdf.set_font(FONT, "", 8.5)
    labels = [f"{c.value}. {c.label}" for c in choices]
    lines = max(len(pdf.lines(t, col - 2)) for t in labels)
    pdf.room(BOX + 2 + lines * 4)
    y = pdf.get_y()
    for i, text in enumerate(labels):
        x = indent + i * col
        pdf.rect(x + (col - BOX) / 2, y, BOX, BOX)
        pdf.set_xy(x + 1, y + BOX + 1)
        pdf.para(col - 2, 4, text, align="C", x=x + 1)
    pdf.set_xy(pdf.l_margin, y + BOX + 1 + lines * 4 + 1)


def _other_line(pdf: _Form, choice) -> None:
    indent = pdf.l_margin + 4
    pdf.set_font(FONT, "", 10)
    pdf.room(2 * LINE + 3)
    y = pdf.get_y()
    label = f"{choice.value}. {choice.label}:"
    pdf.box(indent, y)
    pdf.set_xy(indent + BOX + 1.5, y)
    pdf.cell(pdf.get_string_width(label) + 1, LINE, label)
    pdf.rule(pdf.get_x() + 1, pdf.right, y + LINE - 0.5)
    pdf.rule(indent, pdf.right, y + 2 * LINE + 1)
    pdf.set_xy(pdf.l_margin, y + 2 * LINE + 3)


def _grid(pdf: _Form, q) -> None:
    left = pdf.l_margin + 4
    total = pdf.right - left
    label_w = total * 0.42
    col = (total - label_w) / max(1, len(q.choice_list))
    heads = [f"{c.value}. {c.label}" for c in q.choice_list]

    def header() -> float:
        pdf.set_font(FONT, "B", 8)
        lines = max([len(pdf.lines(t, col - 1.5)) for t in heads] + [1])
        height = lines * 3.6 + 2
        y = pdf.get_y()
        pdf.rect(left, y, label_w, height)
        for i, text in enumerate(heads):
            x = left + label_w + i * col
            pdf.rect(x, y, col, height)
            pdf.set_xy(x + 0.75, y + 1)
            pdf.para(col - 1.5, 3.6, text, align="C", x=x + 0.75)
        pdf.set_xy(left, y + height)
        return height

    pdf.room(20)
    header()
    for row in q.row_list:
        pdf.set_font(FONT, "", 9.5)
        lines = len(pdf.lines(row.label, label_w - 2))
        height = max(7.0, lines * 4.5 + 2)
        if pdf.room(height):
            header()
            pdf.set_font(FONT, "", 9.5)
        y = pdf.get_y()
        pdf.rect(left, y, label_w, height)
        pdf.set_xy(left + 1, y + (height - lines * 4.5) / 2)
        pdf.para(label_w - 2, 4.5, row.label, x=left + 1)
        for i in range(len(q.choice_list)):
            x = left + label_w + i * col
            pdf.rect(x, y, col, height)
            pdf.rect(x + (col - BOX) / 2, y + (height - BOX) / 2, BOX, BOX)
        pdf.set_xy(pdf.l_margin, y + height)
    pdf.ln(1.5)


def _number(pdf: _Form, q) -> None:
    """One box per digit the largest allowed number needs."""
    digits = 6
    if q.max_value is not None:
        biggest = max(abs(q.max_value), abs(q.min_value or 0))
        digits = len(str(int(biggest))) + (1 if (q.min_value or 0) < 0 else 0)
        if q.max_value != q.max_value.to_integral_value():
            digits += 2
    digits = min(max(digits, 2), 14)
    pdf.room(9)
    y = pdf.get_y()
    x = pdf.l_margin + 4
    pdf.set_font(FONT, "", 10)
    label = _("Trả lời:")
    pdf.set_xy(x, y + 0.75)
    pdf.cell(pdf.get_string_width(label) + 2, LINE, label)
    x = pdf.get_x() + 1
    for i in range(digits):
        pdf.rect(x + i * 6, y, 6, 7)
    pdf.set_xy(pdf.l_margin, y + 9)


def _lines(pdf: _Form, count: int) -> None:
    for _i in range(count):
        pdf.room(7.5)
        y = pdf.get_y() + 6.5
        pdf.rule(pdf.l_margin + 4, pdf.right, y)
        pdf.set_y(y + 1)
    pdf.ln(1.5)


def _question(pdf: _Form, structure: Structure, q, numbers: dict[int, str]) -> None:
    pdf.room(22)
    number = numbers[q.pk]
    pdf.set_font(FONT, "B", 10.5)
    lead = _("Câu %(n)s.") % {"n": number} if number.isdigit() else f"{number}."
    pdf.para(0, LINE, f"{lead} {q.text}" + (" *" if q.required else ""))
    pdf.ln(0.5)
    notes = _notes(structure, q, numbers)
    if notes:
        pdf.set_font(FONT, "", 8.5)
        indent = pdf.l_margin + 4
        pdf.para(pdf.right - indent, 4, "(" + " ".join(notes) + ")", x=indent)
        pdf.ln(0.5)
    kind = q.kind
    if kind == QuestionKind.GRID:
        _grid(pdf, q)
    elif kind == QuestionKind.LIKERT:
        _choices_columns(pdf, q.choice_list)
    elif kind in (QuestionKind.SINGLE, QuestionKind.MULTI, QuestionKind.YESNO):
        _choices_flow(pdf, [c for c in q.choice_list if not c.is_other])
        for c in q.choice_list:
            if c.is_other:
                _other_line(pdf, c)
    elif kind == QuestionKind.NUMBER:
        _number(pdf, q)
    elif kind == QuestionKind.SHORT_TEXT:
        _lines(pdf, 2)
    else:
        _lines(pdf, 5)
    pdf.ln(2.5)


def _copy(pdf: _Form, structure: Structure, numbers: dict[int, str], code: str) -> None:
    pdf.add_page()  # draws the previous copy's last footer, so the copy changes after it
    pdf.copy_code = code
    pdf.copy_first = pdf.page_no()
    _header(pdf, structure.survey, code)
    for section in structure.pages():
        pdf.room(30)
        pdf.set_font(FONT, "B", 11)
        pdf.para(0, 6, section.title)
        if section.description:
            pdf.set_font(FONT, "", 9.5)
            pdf.para(0, 4.8, section.description)
        pdf.ln(2)
        for q in section.question_list:
            _question(pdf, structure, q, numbers)
    pdf.room(12)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 6, _("Xin trân trọng cảm ơn!"), align="C")


class TooManyPages(ValueError):
    """The job would pass MAX_PAGES; `copies` is how many copies fit in one file."""

    def __init__(self, copies: int):
        super().__init__(f"at most {copies} copies of this form per file")
        self.copies = copies


def form_pdf(survey: Survey, codes: list[str], structure: Structure | None = None) -> bytes:
    """The PDF of one copy of the form per code in `codes`; an empty code ("") makes a blank
    specimen copy, without QR code. Raises TooManyPages when the file would be too long."""
    if not codes:
        raise ValueError("no copy to print")
    if len(codes) > MAX_COPIES:
        raise TooManyPages(MAX_COPIES)
    structure = structure or load(survey)
    numbers = question_numbers(structure)
    # One copy laid out on its own tells how many pages every copy takes.
    memo: dict = {}
    sample = _Form(memo)
    _copy(sample, structure, numbers, codes[0])
    pages = sample.page_no() - sample.copy_first + 1
    if pages * len(codes) > MAX_PAGES:
        raise TooManyPages(max(1, MAX_PAGES // pages))
    pdf = _Form(memo)
    pdf.set_title(survey.title)
    pdf.set_subject(_("Phiếu khảo sát"))
    pdf.copy_pages = pages
    for code in codes:
        _copy(pdf, structure, numbers, code)
    return bytes(pdf.output())
