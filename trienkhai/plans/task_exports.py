"""The task list as a file, XLSX or CSV: one definition of the columns and the rows for both,
streamed (rows read from the database in chunks, the file sent while it is written)."""

import datetime as dt
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trienkhai.lib import streaming
from trienkhai.lib.dates import format_deadline_vi

from . import selectors_tasks as selectors
from .models import OPEN_STATUSES, TaskStatus

COLUMNS = [
    (gettext_lazy("Mã"), 8),
    (gettext_lazy("Tên nhiệm vụ"), 60),
    (gettext_lazy("Đơn vị giao"), 28),
    (gettext_lazy("Văn bản giao"), 16),
    (gettext_lazy("Đơn vị chủ trì"), 28),
    (gettext_lazy("Đơn vị phối hợp"), 40),
    (gettext_lazy("Chương trình"), 30),
    (gettext_lazy("Ngày bắt đầu"), 12),
    (gettext_lazy("Thời hạn"), 16),
    (gettext_lazy("Hạn cuối"), 12),
    (gettext_lazy("Trạng thái"), 18),
    (gettext_lazy("Quá hạn"), 9),
    (gettext_lazy("Tiến độ (%)"), 10),
    (gettext_lazy("Trọng số"), 9),
    (gettext_lazy("Ngày hoàn thành"), 14),
    (gettext_lazy("Sản phẩm"), 40),
    (gettext_lazy("Văn bản sản phẩm"), 16),
    (gettext_lazy("Nhiệm vụ cha (mã)"), 10),
]


def header() -> list[str]:
    return [str(label) for label, _width in COLUMNS]


def rows(qs, day: dt.date) -> Iterator[list]:
    """A row of plain values (text, numbers, dates) per task of `qs`, in its order. The labels
    are translated here, once (a million gettext calls show in the profile), and in the
    request's language; the rows are read later, while the file is sent."""
    labels = {value: str(label) for value, label in TaskStatus.choices}
    return _rows(qs, day, labels, _("Quá hạn"), _("(văn bản loại %(code)s)"))


def _rows(qs, day, status_labels, overdue_label, output_type_text) -> Iterator[list]:
    open_statuses = {str(s) for s in OPEN_STATUSES}
    deadlines: dict[tuple, str] = {}  # many tasks share a deadline: each written once
    for row, coordinators in selectors.export_rows(qs):
        (pk, title, assigner, assigning_number, lead, programme, start_on, deadline, precision,
         deadline_end, status, progress, weight, completed_on, output_text, output_type,
         output_number, parent_id) = row  # fmt: skip
        overdue = status in open_statuses and deadline_end is not None and deadline_end < day
        output = output_text or ""
        if output_type:
            output = (output + " " if output else "") + output_type_text % {"code": output_type}
        written = deadlines.get((deadline, precision))
        if written is None:
            written = deadlines[(deadline, precision)] = format_deadline_vi(deadline, precision)
            if len(deadlines) > 10_000:  # bounded: a few years of days and months
                deadlines.clear()
        yield [
            pk,
            title,
            assigner,
            assigning_number,
            lead,
            "; ".join(coordinators),
            programme,
            start_on,
            written,
            deadline_end,
            status_labels.get(status, status),
            overdue_label if overdue else None,
            progress,
            weight,
            completed_on,
            output,
            output_number,
            parent_id,
        ]


def xlsx(qs, day: dt.date) -> Iterator[bytes]:
    """The sheet "Nhiệm vụ": bold header, frozen, with an autofilter; dates as dates."""
    widths = [width for _label, width in COLUMNS]
    table = streaming.Table(_("Nhiệm vụ"), header(), rows(qs, day), widths, autofilter=True)
    return streaming.in_one_snapshot(streaming.xlsx_stream([table]))


def csv(qs, day: dt.date) -> Iterator[bytes]:
    return streaming.in_one_snapshot(streaming.csv_stream(header(), rows(qs, day)))
