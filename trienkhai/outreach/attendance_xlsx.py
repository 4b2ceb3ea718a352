"""The attendee list of a class as XLSX: a template to fill in, and an all-or-nothing import.

No request objects here: the views pass a user, a class and a file.

The sheet "Danh sách" has one row a person: Họ và tên, Đơn vị công tác, Đối tượng (a target
group's name or code, read without diacritics: "dang vien" is "Đảng viên"), Điểm danh (Có mặt,
Vắng, Vắng có lý do; also x, v, p; empty means present) and Ghi chú. Every row is checked first
and every problem is reported with its sheet, row and column; only a clean file is written, in
one transaction, after which the class's counts per target group are computed from the list.

Reading the upload (size limit, content check, header matching) is the organisation importer's
(`org.xlsx`), so both importers refuse the same files with the same words.
"""

import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record
from trienkhai.lib.text import fold
from trienkhai.org.xlsx import (
    HEADER_FILL,
    HEADER_FONT,
    XLSX_CONTENT_TYPE,
    Column,
    ImportRejected,
    RowError,
    _aliases,
    _check_xlsx,
    _file_error,
    _open_workbook,
    _read_sheet,
    _read_upload,
    _Row,
)

from . import rules
from .attendance import class_counts_refresh
from .models import AttendanceStatus, Attendee, ClassSession, ClassStatus, TargetGroup

__all__ = ["XLSX_CONTENT_TYPE", "ImportRejected", "RowError"]

REPLACE, APPEND = "replace", "append"
MAX_ROWS = 10000
TEMPLATE_ROWS = 2000

LIST_SHEET = gettext_lazy("Danh sách")
GUIDE_SHEET = gettext_lazy("Hướng dẫn")

COLUMNS = [
    Column(
        "full_name",
        gettext_lazy("Họ và tên"),
        30,
        gettext_lazy("Bắt buộc. Tối đa 150 ký tự."),
        required=True,
    ),
    Column(
        "workplace",
        gettext_lazy("Đơn vị công tác"),
        36,
        gettext_lazy("Tùy ý; giúp phân biệt người trùng tên. Tối đa 300 ký tự."),
    ),
    Column(
        "target_group",
        gettext_lazy("Đối tượng"),
        28,
        gettext_lazy(
            "Bắt buộc. Tên hoặc mã của một đối tượng trong danh sách ở cuối trang này; "
            "gõ không dấu cũng được, ví dụ “dang vien”."
        ),
        required=True,
    ),
    Column(
        "status",
        gettext_lazy("Điểm danh"),
        16,
        gettext_lazy(
            "Có mặt, Vắng hoặc Vắng có lý do. Viết tắt: x = có mặt, v = vắng, p = vắng có lý do. "
            "Để trống: có mặt."
        ),
    ),
    Column("note", gettext_lazy("Ghi chú"), 36, gettext_lazy("Tùy ý, tối đa 300 ký tự.")),
]
MAX_LENGTH = {"full_name": 150, "workplace": 300, "note": 300}

# Folded spellings of each attendance mark, besides the labels themselves.
_STATUS_WORDS = {
    "": AttendanceStatus.PRESENT,
    "x": AttendanceStatus.PRESENT,
    "co": AttendanceStatus.PRESENT,
    "co mat": AttendanceStatus.PRESENT,
    "1": AttendanceStatus.PRESENT,
    "✓": AttendanceStatus.PRESENT,
    "v": AttendanceStatus.ABSENT,
    "vang": AttendanceStatus.ABSENT,
    "vang mat": AttendanceStatus.ABSENT,
    "khong": AttendanceStatus.ABSENT,
    "0": AttendanceStatus.ABSENT,
    "p": AttendanceStatus.EXCUSED,
    "vp": AttendanceStatus.EXCUSED,
    "co ly do": AttendanceStatus.EXCUSED,
    "vang co ly do": AttendanceStatus.EXCUSED,
    "vang co phep": AttendanceStatus.EXCUSED,
    "co phep": AttendanceStatus.EXCUSED,
    "vcld": AttendanceStatus.EXCUSED,
}


def _status_lookup() -> dict[str, str]:
    lookup = dict(_STATUS_WORDS)
    for value, label in AttendanceStatus.choices:
        lookup[fold(value)] = value
        for alias in _aliases(label):
            lookup[alias] = value
    return lookup


def _group_lookup() -> dict[str, TargetGroup]:
    lookup: dict[str, TargetGroup] = {}
    for group in TargetGroup.objects.all():
        lookup.setdefault(fold(group.code), group)
        lookup.setdefault(fold(group.code.replace("-", " ")), group)
    # Names win over codes: a group named like another's code is found by its name.
    for group in TargetGroup.objects.all():
        lookup[fold(group.name)] = group
    return lookup


def _key(full_name: str, workplace: str) -> tuple[str, str]:
    return fold(full_name), fold(workplace)


# --- template -----------------------------------------------------------------------------------
def template_workbook(session: ClassSession, out) -> None:
    """The list sheet, filled with the class's current list (edit it and import it back with
    "replace"), and a guide with the accepted values, which also feed the drop-down lists."""
    wb = Workbook()
    ws = wb.active
    ws.title = str(LIST_SHEET)
    guide = wb.create_sheet(str(GUIDE_SHEET))
    for index, column in enumerate(COLUMNS, 1):
        cell = ws.cell(row=1, column=index, value=str(column.label))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    labels = dict(AttendanceStatus.choices)
    attendees = session.attendees.select_related("target_group").order_by("full_name", "id")
    for row, person in enumerate(attendees, 2):
        values = [
            person.full_name,
            person.workplace,
            person.target_group.name,
            str(labels[person.status]),
            person.note,
        ]
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=row, column=col, value=value or None)
            if value and value.startswith("="):
                cell.data_type = "s"  # a name is text, never a formula
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(ws.max_row, 2)}"

    wrap = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 26
    guide.column_dimensions["C"].width = 80
    lines = [
        _("Hướng dẫn nhập danh sách người tham dự lớp quán triệt"),
        _("Lớp: %(title)s") % {"title": session.title},
        _(
            "Mỗi dòng của trang “Danh sách” là một người. Dòng đầu là tên cột, không được sửa. "
            "Tệp tải về đã có sẵn danh sách hiện tại của lớp (nếu có): sửa rồi nhập lại và chọn "
            "“Thay thế danh sách”."
        ),
        _(
            "Nếu có bất kỳ dòng nào sai, không dữ liệu nào được nhập; trang nhập liệt kê mọi lỗi "
            "theo trang tính, dòng và cột để sửa rồi nhập lại."
        ),
    ]
    row = 1
    for index, text in enumerate(lines):
        cell = guide.cell(row=row, column=1, value=text)
        if index == 0:
            cell.font = Font(bold=True, size=13)
        row += 1
    row += 1
    for col, text in enumerate([_("Cột"), _("Bắt buộc"), _("Giải thích")], 1):
        cell = guide.cell(row=row, column=col, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    row += 1
    for column in COLUMNS:
        guide.cell(row=row, column=1, value=str(column.label))
        guide.cell(row=row, column=2, value=_("Có") if column.required else "")
        guide.cell(row=row, column=3, value=str(column.help)).alignment = wrap
        row += 1

    # The class's own groups first: they are the ones most rows will name.
    own = [g.target_group for g in session.groups.select_related("target_group")]
    groups = own + [g for g in TargetGroup.objects.all() if g not in own]
    ranges = {}
    for key, title, values in (
        (
            "target_group",
            _("Các giá trị của cột “Đối tượng” (tên; hoặc mã ở cột bên)"),
            [(g.name, g.code) for g in groups],
        ),
        (
            "status",
            _("Các giá trị của cột “Điểm danh”"),
            [(str(label), "") for _value, label in AttendanceStatus.choices],
        ),
    ):
        row += 1
        guide.cell(row=row, column=1, value=title).font = HEADER_FONT
        row += 1
        first = row
        for name, code in values:
            guide.cell(row=row, column=1, value=name)
            if code:
                guide.cell(row=row, column=2, value=code)
            row += 1
        ranges[key] = f"{quote_sheetname(guide.title)}!$A${first}:$A${row - 1}"

    for key, range_ in ranges.items():
        letter = get_column_letter(next(i for i, c in enumerate(COLUMNS, 1) if c.key == key))
        # A warning, not a stop: codes, "x" and "v" are accepted too.
        dv = DataValidation(
            type="list",
            formula1=range_,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=_("Giá trị không có trong danh sách"),
            error=_("Giá trị này không có trong danh sách (xem trang “Hướng dẫn”)."),
        )
        dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
        ws.add_data_validation(dv)
    wb.save(out)


def template_filename(session: ClassSession) -> str:
    return f"diem-danh-lop-{session.pk}.xlsx"


# --- reading ------------------------------------------------------------------------------------
def read_rows(file) -> list[_Row]:
    """The data rows of the list sheet, or ImportRejected for problems of the file itself."""
    data = _read_upload(file)
    _check_xlsx(data)
    wb = _open_workbook(data)
    errors: list[RowError] = []
    try:
        names = _aliases(LIST_SHEET)
        ws = next((w for w in wb.worksheets if fold(w.title) in names), None)
        if ws is None:
            ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise _file_error(_("Tệp không có trang tính nào."))
        try:
            rows = _read_sheet(ws, ws.title, COLUMNS, errors)
        except Exception as exc:  # a damaged sheet inside a valid zip
            raise _file_error(_("Không đọc được nội dung tệp Excel: tệp bị hỏng.")) from exc
    finally:
        wb.close()
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise _file_error(_("Tệp không có dòng dữ liệu nào (ngoài dòng tên cột)."))
    if len(rows) > MAX_ROWS:
        raise _file_error(
            _("Tệp có %(n)d dòng; mỗi lần nhập tối đa %(max)d dòng.")
            % {"n": len(rows), "max": MAX_ROWS}
        )
    return rows


# --- checking -----------------------------------------------------------------------------------
@dataclass
class _Line:
    row: _Row
    full_name: str
    workplace: str
    target_group: TargetGroup | None
    status: str | None
    note: str

    @property
    def key(self) -> tuple[str, str]:
        return _key(self.full_name, self.workplace)


@dataclass
class ImportResult:
    mode: str
    created: int = 0
    updated: int = 0
    removed: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # by attendance status, after

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _check(rows: list[_Row], session: ClassSession, mode: str) -> tuple[list[_Line], list]:
    errors: list[RowError] = []
    groups = _group_lookup()
    statuses = _status_lookup()

    def error(row: _Row, key: str, message: str) -> None:
        errors.append(RowError(row.sheet, row.number, row.letter(key), message))

    lines: list[_Line] = []
    seen: dict[tuple[str, str], int] = {}
    existing = {}
    if mode == APPEND:
        existing = {
            _key(a.full_name, a.workplace): a
            for a in session.attendees.only("full_name", "workplace")
        }
    for row in rows:
        values = {key: row.text(key) for key in ("full_name", "workplace", "note")}
        for key, limit in MAX_LENGTH.items():
            if len(values[key]) > limit:
                error(
                    row,
                    key,
                    _("Dài %(n)d ký tự; tối đa %(max)d ký tự.")
                    % {"n": len(values[key]), "max": limit},
                )
        if not values["full_name"]:
            error(row, "full_name", _("Thiếu họ và tên."))
        group_text = row.text("target_group")
        group = groups.get(fold(group_text)) if group_text else None
        if not group_text:
            error(row, "target_group", _("Thiếu đối tượng."))
        elif group is None:
            error(
                row,
                "target_group",
                _("Không có đối tượng “%(value)s”. Các đối tượng: %(names)s.")
                % {
                    "value": group_text,
                    "names": ", ".join(
                        f"“{g.name}”"
                        for g in sorted(set(groups.values()), key=lambda g: g.position)
                    ),
                },
            )
        status_text = row.text("status")
        status = statuses.get(fold(status_text).strip(" ."))
        if status is None:
            error(
                row,
                "status",
                _(
                    "Không hiểu giá trị điểm danh “%(value)s”: hãy ghi Có mặt, Vắng hoặc Vắng có "
                    "lý do (hoặc x, v, p)."
                )
                % {"value": status_text},
            )
        line = _Line(row, values["full_name"], values["workplace"], group, status, values["note"])
        if line.full_name:
            if line.key in seen:
                error(
                    row,
                    "full_name",
                    _(
                        "Trùng họ tên và đơn vị công tác với dòng %(row)d. Nếu là hai người khác "
                        "nhau, hãy ghi rõ đơn vị công tác."
                    )
                    % {"row": seen[line.key]},
                )
            else:
                seen[line.key] = row.number
            if line.key in existing:
                error(
                    row,
                    "full_name",
                    _(
                        "“%(name)s” đã có trong danh sách của lớp. Nếu tệp là danh sách đầy đủ, "
                        "hãy chọn “Thay thế danh sách”."
                    )
                    % {"name": line.full_name},
                )
        lines.append(line)
    return lines, errors


# --- writing ------------------------------------------------------------------------------------
def _status_counts(session: ClassSession) -> dict[str, int]:
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    rows = session.attendees.values("status").annotate(n=Count("id")).order_by()
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def _write(session: ClassSession, lines: list[_Line], mode: str, result: ImportResult) -> set:
    """Apply the checked lines; returns the ids of other classes whose counts may change (a
    removed or now present person had made up there)."""
    touched: set[int] = set()
    kept: dict[tuple[str, str], Attendee] = {}
    if mode == REPLACE:
        # A person already listed keeps their row (and so their make-up class and link to a
        # person record); the others are removed.
        wanted = {line.key for line in lines}
        gone = []
        for attendee in session.attendees.all():
            key = _key(attendee.full_name, attendee.workplace)
            if key in wanted and key not in kept:
                kept[key] = attendee
                continue
            gone.append(attendee.pk)
            if attendee.made_up_in_id:
                touched.add(attendee.made_up_in_id)
        for start in range(0, len(gone), 500):
            Attendee.objects.filter(pk__in=gone[start : start + 500]).delete()
        result.removed = len(gone)
    new = []
    for line in lines:
        attendee = kept.get(line.key)
        if attendee is None:
            new.append(
                Attendee(
                    session=session,
                    full_name=line.full_name,
                    workplace=line.workplace,
                    target_group=line.target_group,
                    status=line.status,
                    note=line.note,
                )
            )
            continue
        changed = False
        for name in ("full_name", "workplace", "target_group", "status", "note"):
            if getattr(attendee, name) != getattr(line, name):
                setattr(attendee, name, getattr(line, name))
                changed = True
        if attendee.status == AttendanceStatus.PRESENT and attendee.made_up_in_id:
            # Present at the class itself: no make-up is owed any more.
            touched.add(attendee.made_up_in_id)
            attendee.made_up_in = None
            changed = True
        if changed:
            attendee.save()
            result.updated += 1
    Attendee.objects.bulk_create(new, batch_size=500)
    result.created = len(new)
    return touched


def attendance_import(*, actor, session: ClassSession, file, mode: str) -> ImportResult:
    """Check the whole file, then write it in one transaction; or raise ImportRejected.

    `mode` REPLACE makes the class's list exactly the file's; APPEND adds the file's people
    to it (a person already listed is an error: nothing is imported twice by mistake).
    `actor` None (a command-line import) skips the permission check.
    """
    if mode not in (REPLACE, APPEND):
        raise ValueError(f"unknown mode {mode!r}")
    session = ClassSession.objects.select_related("campaign", "organiser").get(pk=session.pk)
    if actor is not None and not rules.can_edit_class(actor, session):
        raise PermissionDenied
    if session.status == ClassStatus.CANCELLED:
        raise _file_error(_("Lớp này đã hủy: không nhập danh sách người tham dự cho lớp đã hủy."))
    rows = read_rows(file)
    lines, errors = _check(rows, session, mode)
    if errors:
        raise ImportRejected(errors)
    result = ImportResult(mode=mode)
    with transaction.atomic():
        before = _status_counts(session)
        touched = _write(session, lines, mode, result)
        class_counts_refresh(session)
        for other in ClassSession.objects.filter(pk__in=touched - {session.pk}):
            class_counts_refresh(other)
        result.counts = _status_counts(session)
        after = result.counts
        audit_record(
            actor=actor,
            obj=session,
            action=AuditEntry.Action.IMPORT,
            changes={
                "attendee_count": [sum(before.values()), sum(after.values())],
                "present_count": [before["present"], after["present"]],
                "absent_count": [before["absent"], after["absent"]],
                "excused_count": [before["excused"], after["excused"]],
            },
            note=import_summary(result),
        )
    return result


def import_summary(result: ImportResult) -> str:
    """One Vietnamese sentence for the audit log and the page's message."""
    how = _("thay thế danh sách") if result.mode == REPLACE else _("bổ sung vào danh sách")
    return _(
        "Nhập danh sách người tham dự từ tệp Excel (%(how)s): thêm %(created)d, cập nhật "
        "%(updated)d, bỏ %(removed)d; danh sách có %(total)d người: %(present)d có mặt, "
        "%(absent)d vắng, %(excused)d vắng có lý do."
    ) % {
        "how": how,
        "created": result.created,
        "updated": result.updated,
        "removed": result.removed,
        "total": result.total,
        "present": result.counts.get("present", 0),
        "absent": result.counts.get("absent", 0),
        "excused": result.counts.get("excused", 0),
    }


def template_bytes(session: ClassSession) -> bytes:
    out = io.BytesIO()
    template_workbook(session, out)
    return out.getvalue()
