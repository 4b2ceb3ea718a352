"""A survey's results as files: the tables as a workbook, the anonymised raw data as a workbook,
and a Word report for the Standing Committee. No request objects here: the views pass results
and get bytes back.

The small-cell rule holds in every file: a table whose base is under MIN_CELL forms carries the
message instead of numbers; raw rows show a respondent's group and unit only when that cell has
at least MIN_CELL forms. The raw data has no id column, is ordered by the random response key
(so not by arrival) and gives the month a form came in, not the day.
"""

import datetime as dt
import io

from django.utils.translation import gettext as _
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from trienkhai.documents.exports import XLSX_CONTENT_TYPE, header_date
from trienkhai.lib import charts
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

from .models import MIN_CELL, Answer, QuestionKind, Response, Survey, Tally
from .results import CrossTab, GroupReturn, Quota, Results
from .structure import Structure

__all__ = ["DOCX_CONTENT_TYPE", "XLSX_CONTENT_TYPE"]  # re-exported for the views

RAW_LIMIT = 100_000  # forms in one raw export, built within a request
DOCX_TEXTS = 10  # free texts quoted per question in the report
HIDDEN_TEXT = "Dưới 5 phiếu: không hiển thị để bảo đảm ẩn danh"
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E8EBEF")
SINGLE_KINDS = {QuestionKind.SINGLE, QuestionKind.LIKERT, QuestionKind.YESNO}


def filename(survey: Survey, kind: str) -> str:
    """ASCII: "ket-qua-khao-sat-12.xlsx", "bao-cao-khao-sat-12.docx"."""
    extension = "docx" if kind == "bao-cao" else "xlsx"
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
# A form's answers to one question: a list of (row id, choice id, number, text).


def _codes(structure: Structure) -> dict[int, str]:
    """Column names: the questions' own codes when they tell them apart, else C1, C2, ..."""
    codes = [q.code.strip() for q in structure.questions]
    if all(codes) and len(set(codes)) == len(codes):
        return {q.pk: code for q, code in zip(structure.questions, codes, strict=True)}
    return {q.pk: f"C{n}" for n, q in enumerate(structure.questions, 1)}


def _columns(structure: Structure) -> list[tuple[str, int, object]]:
    """(header, question id, how to read the form's answers to it) for every column."""
    cols: list[tuple[str, int, object]] = []
    codes = _codes(structure)
    for q in structure.questions:
        code = codes[q.pk]
        value = {c.pk: c.value for c in q.choice_list}
        if q.kind in SINGLE_KINDS:
            cols.append((code, q.pk, lambda a, v=value: next((v[x[1]] for x in a), None)))
        elif q.kind == QuestionKind.MULTI:
            for c in q.choice_list:
                cols.append((f"{code}.{c.value}", q.pk, lambda a, c=c.pk: _picked(a, c)))
        elif q.kind == QuestionKind.GRID:
            for i, row in enumerate(q.row_list, 1):
                cols.append((f"{code}.{i}", q.pk, lambda a, r=row.pk, v=value: _cell(a, r, v)))
        elif q.kind == QuestionKind.NUMBER:
            cols.append((code, q.pk, lambda a: a[0][2] if a else None))
        else:
            cols.append((code, q.pk, lambda a: a[0][3] if a else None))
        if q.allow_other:
            cols.append((f"{code} - {_('khác')}", q.pk, _other))
    return cols


def _picked(answers, choice_id):
    """1 picked, 0 not picked, blank when the question was not answered."""
    if not answers:
        return None
    return 1 if any(x[1] == choice_id for x in answers) else 0


def _cell(answers, row_id, value):
    return next((value[x[1]] for x in answers if x[0] == row_id), None)


def _other(answers):
    return next((x[3] for x in answers if x[3]), None)


def _forms(survey: Survey):
    """(month, group id, unit id) and {question id: answers} of each form, in the order of the
    random keys: two ordered reads walked side by side, a chunk at a time."""
    forms = (
        Response.objects.filter(survey=survey)
        .order_by("id")
        .values_list("id", "submitted_on", "target_group_id", "unit_id")
        .iterator(chunk_size=5000)
    )
    answers = (
        Answer.objects.filter(response__survey=survey)
        .order_by("response_id")
        .values_list("response_id", "question_id", "row_id", "choice_id", "number", "text")
        .iterator(chunk_size=20000)
    )
    pending = next(answers, None)
    for pk, day, group, unit in forms:
        given: dict[int, list] = {}
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk:
                given.setdefault(pending[1], []).append(pending[2:])
            pending = next(answers, None)
        yield (f"{day.month:02d}-{day.year}", group, unit), given


def _legend(book, structure: Structure) -> None:
    sheet = book.create_sheet(_("Chú giải"))
    sheet.append([_("Cột"), _("Câu hỏi"), _("Mã số"), _("Nội dung")])
    codes = _codes(structure)
    for q in structure.questions:
        code = codes[q.pk]
        sheet.append([code, _value(_label(q))])
        for i, row in enumerate(q.row_list, 1):
            sheet.append([f"{code}.{i}", _value(row.label)])
        for c in q.choice_list:
            sheet.append(["", "", c.value, _value(c.label)])
    sheet.append([])
    sheet.append([_("Nhóm đối tượng và đơn vị chỉ ghi khi nhóm đó có từ 5 phiếu trở lên.")])
    sheet.append([_("Chọn nhiều: 1 là có chọn, 0 là không chọn.")])


def raw_workbook(survey: Survey, structure: Structure) -> bytes:
    """One row per form in the order of the random response keys, no id; a legend sheet."""
    book = Workbook(write_only=True)
    data = book.create_sheet(_("Dữ liệu"))
    columns = _columns(structure)
    head = [_("Tháng nhận phiếu")]
    if survey.record_group:
        head.append(_("Đối tượng"))
    if survey.record_unit:
        head.append(_("Đơn vị"))
    data.append(head + [h for h, _qid, _read in columns])
    if Response.objects.filter(survey=survey).count() < MIN_CELL:
        data.append([HIDDEN_TEXT])
    else:
        shown = _cells_shown(survey)
        groups = dict(TargetGroup.objects.values_list("pk", "name"))
        units = dict(Unit.objects.filter(pk__in={u for _g, u in shown}).values_list("pk", "name"))
        for (month, group, unit), given in _forms(survey):
            named = (group or 0, unit or 0) in shown
            row = [month]
            if survey.record_group:
                row.append(groups.get(group) if named else None)
            if survey.record_unit:
                row.append(units.get(unit) if named else None)
            row += [_value(read(given.get(qid, []))) for _h, qid, read in columns]
            data.append(row)
    _legend(book, structure)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
