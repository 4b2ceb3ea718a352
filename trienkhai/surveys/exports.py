"""A survey's results as files: the tables as a workbook, the anonymised raw data as a workbook
or CSV (streamed: a million forms in flat memory), and a Word report for the Standing
Committee. No request objects here: the views pass results and get bytes (or pieces of bytes)
back.

The small-cell rule holds in every file: a table whose base is under MIN_CELL forms carries the
message instead of numbers; raw rows show a respondent's group and unit only when that cell has
at least MIN_CELL forms. The raw data has no id column, is ordered by the random response key
(so not by arrival) and gives the month a form came in, not the day.
"""

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from trienkhai.documents.exports import XLSX_CONTENT_TYPE, header_date
from trienkhai.lib import charts, streaming
from trienkhai.lib.dates import format_vi
from trienkhai.lib.docx import (
    DOCX_CONTENT_TYPE,
    SMALL_SIZE,
    TEXT_WIDTH_MM,
    TITLE_SIZE,
    body_paragraph,
    centred,
    heading,
    new_document,
    official_header,
    paragraph,
    picture,
    signature,
    table,
)
from trienkhai.org.models import Sector, Unit
from trienkhai.outreach.models import TargetGroup
from trienkhai.plans.reviews import place_for, superior_line

from .models import MIN_CELL, QuestionKind, Response, Survey, Tally
from .results import CrossTab, GroupReturn, Quota, Results
from .structure import Structure

__all__ = ["DOCX_CONTENT_TYPE", "XLSX_CONTENT_TYPE"]  # re-exported for the views

RAW_CHUNK = 5000  # rows (a form's answer each) read at a time for the raw data
DOCX_TEXTS = 10  # free texts quoted per question in the report
HIDDEN_TEXT = "Dưới 5 phiếu: không hiển thị để bảo đảm ẩn danh"
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E8EBEF")
SINGLE_KINDS = {QuestionKind.SINGLE, QuestionKind.LIKERT, QuestionKind.YESNO}


def filename(survey: Survey, kind: str, extension: str = "") -> str:
    """ASCII: "ket-qua-khao-sat-12.xlsx", "bao-cao-khao-sat-12.docx", "du-lieu-khao-sat-12.csv"."""
    extension = extension or ("docx" if kind == "bao-cao" else "xlsx")
    return f"{kind}-khao-sat-{survey.pk}.{extension}"


def _label(q) -> str:
    return f"{q.code}. {q.text}" if q.code else q.text


def _selection_text(res: Results) -> str:
    parts = []
    if res.selection.group is not None:
        parts.append(_("đối tượng: %(name)s") % {"name": res.selection.group.name})
    if res.selection.unit is not None:
        parts.append(_("đơn vị: %(name)s và các đơn vị trực thuộc") % {"name": res.selection.unit})
    return "; ".join(parts)


# --- the tables ----------------------------------------------------------------------------------
def _value(value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


class _Sheet:
    """Rows written one after another; a header row is bold and shaded; text is never a formula."""

    def __init__(self, book, title: str, widths: list[int], *, first: bool = False):
        if first:  # the sheet a new workbook comes with
            self.ws = book.active
            self.ws.title = title[:31]
        else:
            self.ws = book.create_sheet(title[:31])
        self.row = 1
        for i, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = width

    def line(self, *values, head: bool = False) -> None:
        for col, value in enumerate(values, 1):
            if value is None:
                continue
            cell = self.ws.cell(row=self.row, column=col, value=_value(value))
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            if head:
                cell.font, cell.fill = BOLD, HEAD_FILL
        self.row += 1

    def gap(self) -> None:
        self.row += 1


def _quota_sheets(book, quota: Quota) -> None:
    header = [_("Đơn vị"), _("Đối tượng"), _("Số phiếu phân bổ"), _("Mã đã tạo")]
    header += [_("Phiếu đã nhận"), _("Tỷ lệ (%)")]
    s = _Sheet(book, _("Tiến độ thu phiếu"), [44, 28, 16, 12, 14, 11], first=True)
    s.line(quota.survey.title, head=True)
    s.line(_("Tổng số phiếu theo kế hoạch"), None, quota.survey.total_forms)
    s.gap()
    s.line(*header, head=True)
    for line in quota.lines:
        group = line.group.name if line.group else ""
        s.line(line.unit.name, group, line.forms, line.codes, line.used, line.percent)
    if quota.unallocated:
        u = quota.unallocated
        s.line(_("Mã không thuộc phần phân bổ nào"), "", None, u.codes, u.used)
    t = quota.total
    s.line(_("Tổng cộng"), "", t.forms, t.codes, t.used, t.percent, head=True)
    units = _Sheet(book, _("Theo đơn vị"), [50, 16, 12, 14, 11])
    units.line(_("Đơn vị"), *header[2:], head=True)
    for line in quota.units:
        name = line.indent + (line.unit.name if line.unit else "")
        units.line(name, line.forms, line.codes, line.used, line.percent)


def _question_sheet(book, number: int, r, res: Results) -> None:
    q = r.question
    s = _Sheet(book, _("Câu %(n)d") % {"n": number}, [50, 14, 12, 14, 12, 14, 12, 14, 12, 14])
    s.line(_label(q), head=True)
    if res.selection.filtered:
        s.line(_selection_text(res))
    if r.hidden:  # not even how many: no figure under five leaves the file
        s.line(HIDDEN_TEXT)
        return
    s.line(_("Số phiếu trả lời câu này"), r.answered)
    s.gap()
    if r.is_counted:
        s.line(_("Lựa chọn"), _("Số phiếu"), _("Tỷ lệ (%)"), head=True)
        for c in r.choices:
            s.line(f"{c.choice.value}. {c.choice.label}", c.n, c.percent)
        if r.is_multi:
            s.line(_("Chọn được nhiều lựa chọn: tổng tỷ lệ có thể vượt 100%."))
        if r.mean is not None:
            s.line(_("Điểm trung bình (1–5)"), r.mean)
    elif r.is_grid:
        head = [_("Hàng")]
        for c in q.choice_list:
            head += [f"{c.value}. {c.label}", "%"]
        s.line(*head, _("Số phiếu"), _("Điểm trung bình"), head=True)
        for row in r.rows:
            cells = [v for c in row.cells for v in (c.n, c.percent)]
            s.line(row.row.label, *cells, row.answered, row.mean)
    elif r.is_number and r.numbers:
        n = r.numbers
        for label, value in (
            (_("Số phiếu trả lời"), n.count),
            (_("Trung bình"), n.mean),
            (_("Nhỏ nhất"), n.minimum),
            (_("Lớn nhất"), n.maximum),
            (_("Trung vị"), n.median),
        ):
            s.line(label, value)
    if r.has_texts:
        s.line(_("Số ý kiến ghi bằng chữ"), r.text_count)


def _cross_sheet(book, tabs: list[CrossTab]) -> None:
    s = _Sheet(book, _("Theo đối tượng"), [44] + [12] * 20)
    for tab in tabs:
        s.line(_label(tab.question), head=True)
        head = [_("Lựa chọn")]
        for col in tab.columns:
            name = col.group.name if col.group else _("Chung")
            head += [name, "%"]
        s.line(*head, head=True)
        answered = [HIDDEN_TEXT if col.hidden else col.answered for col in tab.columns]
        s.line(_("Số phiếu trả lời"), *[v for n in answered for v in (n, None)])
        for choice, cells in tab.rows:
            values = []
            for cell in cells:
                values += [HIDDEN_TEXT, None] if cell is None else list(cell)
            s.line(f"{choice.value}. {choice.label}", *values)
        s.gap()


def results_workbook(res: Results, quota: Quota, tabs: list[CrossTab]) -> bytes:
    """One sheet per table: the quota, each question, the cross-tabulation by group."""
    book = Workbook()
    _quota_sheets(book, quota)
    if res.hidden:
        s = _Sheet(book, _("Kết quả"), [60])
        s.line(HIDDEN_TEXT)
    else:
        for number, r in enumerate(res.questions, 1):
            _question_sheet(book, number, r, res)
        if tabs:
            _cross_sheet(book, tabs)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the raw data --------------------------------------------------------------------------------
# How a question's answers fill a raw row: where each answer goes is worked out once per file,
# then every answer read is put straight into its cell (a million forms, 25 million answers).
_ONE, _MULTI, _GRID, _NUMBER, _TEXT = range(5)


@dataclass
class _Place:
    kind: int
    column: int  # the first of the question's columns in the row
    values: dict[int, int]  # choice id -> its value (the code written in the cell)
    columns: dict[int, int]  # multiple choice: choice id -> column; grid: row id -> column
    other: int | None  # the column of "other, specify", when the question has one


def _codes(structure: Structure) -> dict[int, str]:
    """Column names: the questions' own codes when they tell them apart, else C1, C2, ..."""
    codes = [q.code.strip() for q in structure.questions]
    if all(codes) and len(set(codes)) == len(codes):
        return {q.pk: code for q, code in zip(structure.questions, codes, strict=True)}
    return {q.pk: f"C{n}" for n, q in enumerate(structure.questions, 1)}


def _layout(structure: Structure, first: int) -> tuple[list[str], dict[int, _Place]]:
    """The answer columns' headers and, per question, where its answers go; the answer columns
    start at `first` in the row. Single choice, Likert, yes/no: the choice's value; multiple
    choice: a column per choice, 1 picked and 0 not (blank when the question was not answered);
    grid: a column per row with the value chosen; numbers and texts as given; "other" texts in
    a column of their own."""
    headers: list[str] = []
    places: dict[int, _Place] = {}
    codes = _codes(structure)
    other_label = _("khác")
    for q in structure.questions:
        code = codes[q.pk]
        column = first + len(headers)
        values = {c.pk: c.value for c in q.choice_list}
        columns: dict[int, int] = {}
        if q.kind in SINGLE_KINDS:
            kind = _ONE
            headers.append(code)
        elif q.kind == QuestionKind.MULTI:
            kind = _MULTI
            for i, c in enumerate(q.choice_list):
                columns[c.pk] = column + i
                headers.append(f"{code}.{c.value}")
        elif q.kind == QuestionKind.GRID:
            kind = _GRID
            for i, row in enumerate(q.row_list):
                columns[row.pk] = column + i
                headers.append(f"{code}.{i + 1}")
        else:
            kind = _NUMBER if q.kind == QuestionKind.NUMBER else _TEXT
            headers.append(code)
        other = None
        if q.allow_other:
            other = first + len(headers)
            headers.append(f"{code} - {other_label}")
        places[q.pk] = _Place(kind, column, values, columns, other)
    return headers, places


def raw_table(survey: Survey, structure: Structure) -> tuple[list[str], Iterator[list]]:
    """The header and the rows of the raw data, shared by the XLSX and the CSV file. The rows
    are read when the file is sent, a chunk at a time; the labels are translated now."""
    head = [_("Tháng nhận phiếu")]
    if survey.record_group:
        head.append(_("Đối tượng"))
    if survey.record_unit:
        head.append(_("Đơn vị"))
    headers, places = _layout(structure, len(head))
    return head + headers, _raw_rows(survey, places, len(headers), HIDDEN_TEXT)


def _raw_rows(survey: Survey, places: dict[int, _Place], width: int, hidden: str):
    """One row per form in the order of the random response keys, no id; group and unit only
    for cells of at least MIN_CELL forms; under MIN_CELL forms in all, only the message.

    One read of the forms joined to their answers, ordered by the form's key and streamed a
    chunk at a time (`streaming.read_rows`): memory holds a chunk and a row, not the survey."""
    if Response.objects.filter(survey=survey).count() < MIN_CELL:
        yield [hidden]
        return
    shown = _cells_shown(survey)
    groups = dict(TargetGroup.objects.values_list("pk", "name"))
    units = dict(Unit.objects.filter(pk__in={u for _g, u in shown}).values_list("pk", "name"))
    named = {(g, u): (groups.get(g), units.get(u)) for g, u in shown}
    nobody = (None, None)
    record_group, record_unit = survey.record_group, survey.record_unit
    blank = [None] * width
    months: dict[tuple[int, int], str] = {}
    rows = streaming.read_rows(
        Response.objects.filter(survey=survey)
        .order_by("id")
        .values_list(
            "id",
            "submitted_on",
            "target_group_id",
            "unit_id",
            "answers__question_id",
            "answers__row_id",
            "answers__choice_id",
            "answers__number",
            "answers__text",
        ),  # fmt: skip
        RAW_CHUNK,
    )
    row, current = None, None
    for pk, day, group, unit, question_id, row_id, choice_id, number, text in rows:
        if pk != current:  # a form's answers come one after another: its row is done
            if row is not None:
                yield row
            current = pk
            month = months.get((day.year, day.month))
            if month is None:
                month = months[(day.year, day.month)] = f"{day.month:02d}-{day.year}"
            row = [month]
            if record_group or record_unit:
                group_name, unit_name = named.get((group or 0, unit or 0), nobody)
                if record_group:
                    row.append(group_name)
                if record_unit:
                    row.append(unit_name)
            row += blank
        if question_id is not None:  # None: a form with no answer at all
            _place(row, places.get(question_id), row_id, choice_id, number, text)
    if row is not None:
        yield row


def _place(row: list, place: _Place | None, row_id, choice_id, number, text) -> None:
    """Put one answer in the form's row. The first answer wins where one cell could take
    several (a grid row answered twice, say)."""
    if place is None:  # a question no longer in the survey
        return
    kind = place.kind
    if kind == _ONE:
        if row[place.column] is None:
            row[place.column] = place.values.get(choice_id)
    elif kind == _MULTI:
        columns = place.columns
        if columns and row[place.column] is None:  # its first answer: every choice 0 first
            for column in columns.values():
                row[column] = 0
        column = columns.get(choice_id)
        if column is not None:
            row[column] = 1
    elif kind == _GRID:
        column = place.columns.get(row_id)
        if column is not None and row[column] is None:
            row[column] = place.values.get(choice_id)
    elif row[place.column] is None:
        row[place.column] = number if kind == _NUMBER else (text or None)
    if text and place.other is not None and row[place.other] is None:
        row[place.other] = text


def _legend(structure: Structure) -> streaming.Table:
    """The sheet that says what each column and each code means."""
    rows = []
    codes = _codes(structure)
    for q in structure.questions:
        code = codes[q.pk]
        rows.append([code, _label(q)])
        for i, row in enumerate(q.row_list, 1):
            rows.append([f"{code}.{i}", row.label])
        for c in q.choice_list:
            rows.append(["", "", c.value, c.label])
    rows.append([])
    rows.append([_("Nhóm đối tượng và đơn vị chỉ ghi khi nhóm đó có từ 5 phiếu trở lên.")])
    rows.append([_("Chọn nhiều: 1 là có chọn, 0 là không chọn.")])
    head = [_("Cột"), _("Câu hỏi"), _("Mã số"), _("Nội dung")]
    return streaming.Table(_("Chú giải"), head, rows, widths=[10, 60, 8, 40])


def raw_xlsx(survey: Survey, structure: Structure) -> Iterator[bytes]:
    """The sheet "Dữ liệu" (continued on further sheets past Excel's million rows) and the
    legend, streamed."""
    head, rows = raw_table(survey, structure)
    tables = [streaming.Table(_("Dữ liệu"), head, rows), _legend(structure)]
    return streaming.in_one_snapshot(streaming.xlsx_stream(tables))


def raw_csv(survey: Survey, structure: Structure) -> Iterator[bytes]:
    """The same rows as CSV, streamed; the legend is in the XLSX file."""
    head, rows = raw_table(survey, structure)
    return streaming.in_one_snapshot(streaming.csv_stream(head, rows))


def _cells_shown(survey: Survey) -> set[tuple[int, int]]:
    """(group, unit) cells with at least MIN_CELL forms: only those are named in raw rows."""
    return set(
        Tally.objects.filter(survey=survey, question_id=0, row_id=0, choice_id=0, n__gte=MIN_CELL)
        .exclude(group_id=0, unit_id=0)
        .values_list("group_id", "unit_id")
    )


# --- the Word report -------------------------------------------------------------------------------
def _number(value) -> str:
    """12.5 -> "12,5"; whole numbers without decimals."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = round(value, 2)
        text = f"{value:.2f}".rstrip("0").rstrip(".") if not value.is_integer() else f"{value:.0f}"
        return text.replace(".", ",")
    return str(value)


def _table(word, header: list[tuple[str, int]], rows: list[list]) -> None:
    """The report's tables: text in the first column, centred figures in the others, written
    the Vietnamese way (`_number`)."""
    figures = [[_number(value) for value in row] for row in rows]
    table(word, header, figures, centred_cols=range(1, len(header)), size=SMALL_SIZE)


def _chart(word, labels: list[str], values: list[float]) -> None:
    if not values or not any(values):
        return
    png = charts.bar_chart([label[:60] for label in labels], values, fmt="png")
    picture(word, png, width_mm=140)


def _header(word, survey: Survey, day: dt.date) -> None:
    unit = survey.owner_unit
    party = unit.sector != Sector.STATE
    code = unit.short_name or "..."
    official_header(
        word,
        superior=superior_line(unit, party),
        name=unit.name,
        party=party,
        number=f"Số        -BC/{code}" if party else f"Số:        /BC-{code}",
        place_date=f"{place_for(unit)}, {header_date(day)}",
    )


def _question_part(word, r) -> None:
    q = r.question
    body_paragraph(word, f"Câu {_label(q)}", bold=True, after=2)
    if r.hidden:
        body_paragraph(word, f"{HIDDEN_TEXT}.", italic=True)
        return
    body_paragraph(word, f"Số phiếu trả lời câu này: {r.answered}.", italic=True, after=2)
    if r.is_counted:
        _table(
            word,
            [("Lựa chọn", 105), ("Số phiếu", 30), ("Tỷ lệ (%)", 30)],
            [[f"{c.choice.value}. {c.choice.label}", c.n, c.percent] for c in r.choices],
        )
        if r.is_multi:
            body_paragraph(
                word, "Câu chọn nhiều lựa chọn: tổng tỷ lệ có thể vượt 100%.", italic=True
            )
        if r.mean is not None:
            body_paragraph(word, f"Điểm trung bình: {_number(r.mean)} (thang 1–5).")
        _chart(word, *r.chart())
    elif r.is_grid:
        width = max(12, 100 // max(1, len(q.choice_list)))
        header = [("Nội dung", TEXT_WIDTH_MM - width * len(q.choice_list) - 20)]
        header += [(f"{c.value}. {c.label}", width) for c in q.choice_list]
        header.append(("Điểm TB", 20))
        rows = []
        for row in r.rows:
            cells = [f"{c.n} ({_number(c.percent)}%)" if c.n else "0" for c in row.cells]
            rows.append([row.row.label, *cells, row.mean])
        _table(word, header, rows)
        _chart(word, *r.chart())
    elif r.is_number and r.numbers:
        n = r.numbers
        _table(
            word,
            [("Số phiếu", 33), ("Trung bình", 33), ("Nhỏ nhất", 33), ("Lớn nhất", 33)]
            + [("Trung vị", 33)],
            [[n.count, n.mean, n.minimum, n.maximum, n.median]],
        )
    if r.texts:
        label = "Một số ý kiến khác" if not r.is_text else "Một số ý kiến"
        body_paragraph(word, f"{label} ({r.text_count} ý kiến):", italic=True, after=2)
        for text in r.texts:
            paragraph(word, f"- “{text}”", after=2, size=Pt(12))


def results_docx(res: Results, groups: list[GroupReturn], *, day: dt.date) -> bytes:
    """The report as .docx bytes: header, purpose, forms returned by group, each question with
    its table and chart, quoted free texts."""
    survey = res.survey
    word = new_document()
    _header(word, survey, day)
    body_paragraph(word, "", after=6)
    centred(word, "BÁO CÁO", bold=True, size=TITLE_SIZE)
    centred(word, f"Kết quả {survey.title}".upper(), bold=True, size=TITLE_SIZE)
    centred(word, "-----")
    body_paragraph(word, "", after=0)

    heading(word, "I. MỤC ĐÍCH, PHẠM VI KHẢO SÁT")
    body_paragraph(
        word,
        survey.intro
        or f"{survey.owner_unit.name} tổ chức {survey.title[:1].lower()}"
        f"{survey.title[1:]} nhằm nắm bắt tình hình tư tưởng, dư luận trong cán bộ, đảng viên.",
    )
    if survey.opens_on and survey.closes_on:
        body_paragraph(
            word,
            f"Thời gian khảo sát: từ ngày {format_vi(survey.opens_on)} đến ngày "
            f"{format_vi(survey.closes_on)}.",
        )
    names = [g.group.name for g in groups if g.group]
    if names:
        body_paragraph(word, "Đối tượng khảo sát: " + "; ".join(names) + ".")
    if res.selection.filtered:
        body_paragraph(
            word, f"Báo cáo này chỉ tính các phiếu của {_selection_text(res)}.", italic=True
        )

    heading(word, "II. SỐ PHIẾU THU VỀ")
    share = f" ({_number(res.percent_of_quota)}%)" if res.percent_of_quota is not None else ""
    body_paragraph(
        word,
        f"Số phiếu phát ra theo kế hoạch: {survey.total_forms}; số phiếu thu về: "
        f"{res.forms}{share}.",
    )
    if groups:
        _table(
            word,
            [("Đối tượng", 85), ("Kế hoạch", 25), ("Thu về", 25), ("Tỷ lệ (%)", 30)],
            [
                [
                    g.group.name if g.group else "Không phân theo đối tượng",
                    g.planned,
                    "" if g.returned is None else g.returned,
                    g.percent,
                ]
                for g in groups
            ],
        )

    heading(word, "III. KẾT QUẢ KHẢO SÁT")
    if res.hidden:
        body_paragraph(word, HIDDEN_TEXT + ".", italic=True)
    else:
        for section_obj, items in res.sections():
            heading(word, section_obj.title, italic=True)
            for r in items:
                _question_part(word, r)

    signature(word, ("- Thường trực, Ban Thường vụ (để báo cáo),", "- Lưu."))
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
