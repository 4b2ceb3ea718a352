"""The dashboard as a workbook: the same `Dashboard` the page shows, one sheet per table.

Sheets: the summary (task buckets, compliance states, the headline figures), the breakdown by
sub-unit, overdue tasks, tasks due soon, indicators off track, reports missing. Text cells stay
text (a title starting with "=" is no formula).
"""

import io

from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from trienkhai.lib.text import fold

from . import dashboard

LIST_ROWS = 1000  # rows of each list in the workbook (the page shows 20)
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E8EBEF")
DATE_FORMAT = "DD-MM-YYYY"


def _value(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _sheet(book, title: str, header: list[tuple[str, int]], rows) -> None:
    ws = book.create_sheet(title[:31])
    for i, (label, width) in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
        cell = ws.cell(row=1, column=i, value=label)
        cell.font, cell.fill = BOLD, HEAD_FILL
    ws.freeze_panes = "A2"
    n = 1
    for n, row in enumerate(rows, 2):
        for i, value in enumerate(row, 1):
            cell = ws.cell(row=n, column=i, value=_value(value))
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            if hasattr(value, "isoformat"):
                cell.number_format = DATE_FORMAT
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(n, 2)}"


def _task_rows(tasks):
    for t in tasks:
        yield [
            t.pk,
            t.title,
            t.lead_unit.name,
            t.deadline_text,
            t.deadline_end,
            t.get_status_display(),
            t.progress,
        ]


def workbook(board: dashboard.Dashboard) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = _("Tổng hợp")[:31]
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["B"].width = 14
    summary.column_dimensions["C"].width = 12
    lines = [
        (_("Đơn vị"), board.unit.name, None),
        (_("Số liệu đến ngày"), board.today, None),
        (None, None, None),
        (_("Nhiệm vụ theo tình trạng"), _("Số lượng"), _("Tỷ lệ (%)")),
        *[(b.label, b.count, b.percent) for b in board.status_buckets()],
        (_("Tổng số nhiệm vụ"), board.total, 100 if board.total else 0),
        (
            _("Đến hạn trong %(n)d ngày tới") % {"n": dashboard.DUE_SOON_DAYS},
            board.due_soon_count,
            None,
        ),
        (_("Đã hoàn thành (không tính nhiệm vụ hủy)"), board.closed_count, board.done_percent),
        (None, None, None),
        (_("Yêu cầu đối với đơn vị trực thuộc"), _("Số lượt"), _("Tỷ lệ (%)")),
        *[(b.label, b.count, b.percent) for b in dashboard.compliance_buckets(board.compliance)],
        (_("Tổng số lượt yêu cầu"), board.compliance.total, None),
        (
            _("Tỷ lệ đã thực hiện (đúng hạn và chậm)"),
            board.compliance.complied,
            board.compliance_percent,
        ),
        (None, None, None),
        (_("Chỉ tiêu không đạt, có nguy cơ không đạt"), len(board.indicators_off_track), None),
        (_("Báo cáo kỳ vừa qua chưa nộp"), board.reports_missing_count, None),
        (
            _("Báo cáo đã nhận trong năm %(year)d") % {"year": board.today.year},
            board.reports_received,
            None,
        ),
    ]
    for r, (a, b, c) in enumerate(lines, 1):
        for col, value in enumerate((a, b, c), 1):
            if value is None:
                continue
            cell = summary.cell(row=r, column=col, value=_value(str(value) if col == 1 else value))
            if hasattr(value, "isoformat"):
                cell.number_format = DATE_FORMAT
            if isinstance(b, str) and isinstance(c, str):
                cell.font, cell.fill = BOLD, HEAD_FILL

    _sheet(
        book,
        _("Theo đơn vị"),
        [
            (_("Đơn vị"), 44),
            (_("Nhiệm vụ"), 11),
            (_("Quá hạn"), 11),
            (_("Hoàn thành"), 12),
            (_("Hoàn thành (%)"), 14),
            (_("Lượt yêu cầu"), 13),
            (_("Đã thực hiện"), 13),
            (_("Đã thực hiện (%)"), 15),
        ],
        (
            [
                b.unit.name
                if b.unit
                else _("%(unit)s (trực tiếp chủ trì)") % {"unit": board.unit.name},
                b.tasks,
                b.overdue,
                b.closed,
                b.done_percent,
                b.cells,
                b.fulfilled,
                b.compliance_percent,
            ]
            for b in board.branches
        ),
    )
    task_header = [
        (_("Mã"), 8),
        (_("Nhiệm vụ"), 60),
        (_("Đơn vị chủ trì"), 36),
        (_("Thời hạn"), 16),
        (_("Ngày cuối của thời hạn"), 14),
        (_("Trạng thái"), 18),
        (_("Tiến độ (%)"), 10),
    ]
    _sheet(book, _("Quá hạn"), task_header, _task_rows(board.overdue))
    _sheet(book, _("Sắp đến hạn"), task_header, _task_rows(board.due_soon))
    _sheet(
        book,
        _("Chỉ tiêu chưa đạt"),
        [(_("Chỉ tiêu"), 60), (_("Đơn vị"), 36), (_("Đánh giá"), 22)],
        ([i.name, i.unit.name, str(i.assessment.label)] for i in board.indicators_off_track),
    )
    _sheet(
        book,
        _("Báo cáo chưa nộp"),
        [(_("Báo cáo"), 50), (_("Kỳ báo cáo"), 24), (_("Hạn nộp"), 12), (_("Đơn vị chưa nộp"), 44)],
        (
            [entry.schedule.title, str(entry.period.label), entry.period.due_on, unit.name]
            for entry in board.reports_missing
            for unit in entry.units.only("id", "name")[:LIST_ROWS]
        ),
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(board: dashboard.Dashboard) -> str:
    """tong-hop-<unit>-<yyyymmdd>.xlsx, ASCII only."""
    short = slugify(fold(board.unit.short_name or board.unit.name))[:40].strip("-")
    return f"tong-hop-{short or board.unit.pk}-{board.today:%Y%m%d}.xlsx"
