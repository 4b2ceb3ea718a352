"""The organisation tree and its positions as XLSX: export, an empty template, and import.

No request objects here: the views pass a user, a unit and a file.

Conventions of the sheet "Đơn vị" (written out in the template's sheet "Hướng dẫn"):

* "Mã tham chiếu" empty: a new unit that no other row refers to.
* "Mã tham chiếu" a number: the unit with that id (what the export writes). The row updates
  that unit's name (a correction), short name, official code and notes.
* "Mã tham chiếu" any other text ("M1", "M2"): a new unit with a temporary reference that other
  rows may use as "Đơn vị cấp trên" and that positions may use as "Đơn vị".
* "Đơn vị cấp trên" empty: a new unit sits directly under the import target; an existing unit
  keeps its place (an import never moves units: that is a dated reorganisation).
* With `as_new` (copying a structure exported from another unit) every reference in the file
  is a temporary one, so every row creates a new unit and numbers point at rows of the file.

An import is all or nothing: every row is checked first, every problem is reported with its
sheet, row and column, and only a clean file is written, in one transaction, via the services.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record
from trienkhai.lib import upload
from trienkhai.lib.dates import format_vi
from trienkhai.lib.text import fold, normalize

from . import rules, services
from .forms import DATE_INPUT_FORMATS
from .models import Person, Position, PositionRole, Unit, UnitKind
from .widgets import MAX_ID

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD-MM-YYYY"
CHUNK = 2000
# Validation lists in the template reach this many rows.
TEMPLATE_ROWS = 5000

UNITS_SHEET = gettext_lazy("Đơn vị")
POSITIONS_SHEET = gettext_lazy("Chức vụ")
GUIDE_SHEET = gettext_lazy("Hướng dẫn")


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy string
    width: int
    help: object
    required: bool = False  # the header must be present
    date: bool = False


UNIT_COLUMNS = [
    Column(
        "ref",
        gettext_lazy("Mã tham chiếu"),
        16,
        gettext_lazy(
            "Để trống: thêm đơn vị mới. Một số: mã của đơn vị đã có (như trong tệp xuất), "
            "dòng này cập nhật đơn vị đó. Chữ, ví dụ M1, M2: mã tạm của đơn vị mới, để các "
            "dòng khác dùng làm đơn vị cấp trên hoặc để gắn chức vụ."
        ),
        required=True,
    ),
    Column(
        "name",
        gettext_lazy("Tên"),
        45,
        gettext_lazy("Tên đầy đủ của đơn vị. Bắt buộc."),
        required=True,
    ),
    Column(
        "short_name",
        gettext_lazy("Tên viết tắt"),
        14,
        gettext_lazy("Ví dụ: BTG, ThU. Tối đa 60 ký tự."),
    ),
    Column(
        "kind",
        gettext_lazy("Loại đơn vị"),
        34,
        gettext_lazy("Bắt buộc với đơn vị mới. Chọn một giá trị trong danh sách ở cuối trang này."),
        required=True,
    ),
    Column(
        "official_code",
        gettext_lazy("Mã chính thức"),
        14,
        gettext_lazy(
            "Mã hành chính hoặc mã tổ chức (nếu có). Không được trùng nhau trong cùng tệp."
        ),
    ),
    Column(
        "parent",
        gettext_lazy("Đơn vị cấp trên"),
        16,
        gettext_lazy(
            "Mã tham chiếu của đơn vị cấp trên: số của một đơn vị đã có (thuộc phạm vi đơn vị "
            "nhận dữ liệu) hoặc mã tạm (M1…) của một dòng khác trong tệp. Để trống: đơn vị mới "
            "trực thuộc trực tiếp đơn vị nhận dữ liệu. Nhập tệp không chuyển trực thuộc đơn vị đã có. "
            "Trong tệp xuất, ô này của dòng đầu để trống vì cấp trên của nó không nằm trong tệp."
        ),
        required=True,
    ),
    Column(
        "parent_name",
        gettext_lazy("Tên đơn vị cấp trên"),
        40,
        gettext_lazy("Chỉ để đọc cho dễ; khi nhập, cột này không được dùng."),
    ),
    Column(
        "established_on",
        gettext_lazy("Ngày thành lập"),
        14,
        gettext_lazy(
            "Dạng ngày-tháng-năm, ví dụ 07-08-2020 (cũng nhận 07/08/2020 hoặc 2020-08-07)."
        ),
        date=True,
    ),
    Column(
        "ended_on",
        gettext_lazy("Ngày kết thúc"),
        14,
        gettext_lazy(
            "Chỉ có trong tệp xuất. Đơn vị mới phải để trống; giải thể, sáp nhập đơn vị hãy làm "
            "trên trang của đơn vị."
        ),
        date=True,
    ),
    Column("notes", gettext_lazy("Ghi chú"), 40, gettext_lazy("Tùy ý.")),
]

POSITION_COLUMNS = [
    Column(
        "full_name",
        gettext_lazy("Họ và tên"),
        28,
        gettext_lazy(
            "Bắt buộc. Cán bộ trùng cả họ tên và thư điện tử với một cán bộ đã có trong phạm vi "
            "đơn vị nhận dữ liệu được dùng lại; nếu không, một cán bộ mới được tạo."
        ),
        required=True,
    ),
    Column(
        "email",
        gettext_lazy("Thư điện tử"),
        28,
        gettext_lazy("Tùy ý; dùng để phân biệt người trùng tên."),
    ),
    Column(
        "phone", gettext_lazy("Điện thoại"), 14, gettext_lazy("Tùy ý; chỉ dùng khi tạo cán bộ mới.")
    ),
    Column(
        "unit",
        gettext_lazy("Đơn vị"),
        14,
        gettext_lazy(
            "Mã tham chiếu của đơn vị: số của đơn vị đã có hoặc mã tạm (M1…) ở trang “Đơn vị”."
        ),
        required=True,
    ),
    Column(
        "unit_name",
        gettext_lazy("Tên đơn vị"),
        40,
        gettext_lazy("Chỉ để đọc; khi nhập không được dùng."),
    ),
    Column(
        "role",
        gettext_lazy("Chức vụ"),
        30,
        gettext_lazy("Bắt buộc. Chọn một giá trị trong danh sách ở cuối trang này."),
        required=True,
    ),
    Column(
        "title",
        gettext_lazy("Chức danh đầy đủ"),
        36,
        gettext_lazy("Ví dụ: Phó Trưởng Ban Tuyên giáo Thành ủy. Tùy ý."),
    ),
    Column(
        "start_on",
        gettext_lazy("Từ ngày"),
        12,
        gettext_lazy("Bắt buộc. Ngày bắt đầu giữ chức vụ, dạng ngày-tháng-năm."),
        required=True,
        date=True,
    ),
    Column(
        "end_on",
        gettext_lazy("Đến ngày"),
        12,
        gettext_lazy("Để trống nếu đang giữ chức vụ."),
        date=True,
    ),
    Column("note", gettext_lazy("Ghi chú"), 30, gettext_lazy("Tùy ý, tối đa 300 ký tự.")),
]

UNIT_MAX = {"name": 255, "short_name": 60, "official_code": 40}
POSITION_MAX = {"full_name": 150, "phone": 30, "email": 254, "title": 200, "note": 300}


# --- Cells --------------------------------------------------------------------------------------
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8EBEF")


def _clean_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _cell(ws, value, *, bold: bool = False, date: bool = False):
    """A write-only cell. Text is always text: a name starting with "=" is not a formula."""
    if value is None and not bold:
        return None  # no element at all for an empty cell
    if isinstance(value, str):
        value = _clean_text(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if bold:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    if date and value is not None:
        cell.number_format = DATE_FORMAT
    return cell


def _prepare_sheet(ws, columns: list[Column]) -> None:
    """Widths, frozen header and the bold header row; must precede the data rows."""
    for index, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, str(c.label), bold=True) for c in columns])


def _finish_sheet(ws, columns: list[Column], rows: int) -> None:
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(rows, 1) + 1}"


# --- Export -------------------------------------------------------------------------------------
def _scope_q(units: list[Unit], field_name: str = "path") -> Q:
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(**{f"{field_name}__startswith": unit.path})
    return q


def _outermost(units: Iterable[Unit]) -> list[Unit]:
    kept: list[Unit] = []
    for unit in sorted(units, key=lambda u: len(u.path)):
        if not any(unit.path.startswith(k.path) for k in kept):
            kept.append(unit)
    return sorted(kept, key=lambda u: u.path)


def export_workbook(units: Iterable[Unit], out) -> int:
    """Write the subtrees of `units` and their positions to the binary stream `out`.

    Streams: write-only sheets and chunked querysets, so a tree of tens of thousands of units
    is never held in memory. Returns the number of units written.
    """
    tops = _outermost(units)
    wb = Workbook(write_only=True)
    ws_units = wb.create_sheet(str(UNITS_SHEET))
    ws_positions = wb.create_sheet(str(POSITIONS_SHEET))
    _prepare_sheet(ws_units, UNIT_COLUMNS)
    _prepare_sheet(ws_positions, POSITION_COLUMNS)
    kind_labels = dict(UnitKind.choices)
    role_labels = dict(PositionRole.choices)

    count = 0
    if tops:
        # Parents of the tops are outside the file: show their names, leave the reference empty.
        parent_paths = {u.path[: -Unit.steplen] for u in tops if u.depth > 1}
        outside = dict(Unit.objects.filter(path__in=parent_paths).values_list("path", "name"))
        # Path order is depth-first: a parent always precedes its children, and the chain of
        # open ancestors is a stack indexed by depth.
        stack: dict[int, tuple[int, str]] = {}
        rows = (
            Unit.objects.filter(_scope_q(tops))
            .order_by("path")
            .only(
                "id",
                "path",
                "depth",
                "name",
                "short_name",
                "kind",
                "official_code",
                "established_on",
                "ended_on",
                "notes",
            )
            .iterator(chunk_size=CHUNK)
        )
        top_paths = {u.path for u in tops}
        for unit in rows:
            if unit.path in top_paths:
                parent_ref, parent_name = None, outside.get(unit.path[: -Unit.steplen], "")
            else:
                parent_ref, parent_name = stack.get(unit.depth - 1, (None, ""))
            stack[unit.depth] = (unit.pk, unit.name)
            ws_units.append(
                [
                    _cell(ws_units, unit.pk),
                    _cell(ws_units, unit.name),
                    _cell(ws_units, unit.short_name or None),
                    _cell(ws_units, str(kind_labels.get(unit.kind, unit.kind))),
                    _cell(ws_units, unit.official_code or None),
                    _cell(ws_units, parent_ref),
                    _cell(ws_units, parent_name or None),
                    _cell(ws_units, unit.established_on, date=True),
                    _cell(ws_units, unit.ended_on, date=True),
                    _cell(ws_units, unit.notes or None),
                ]
            )
            count += 1

        positions = (
            Position.objects.filter(_scope_q(tops, "unit__path"))
            .select_related("person", "unit")
            .order_by("unit__path", "role", "start_on", "id")
            .iterator(chunk_size=CHUNK)
        )
        position_count = 0
        for p in positions:
            ws_positions.append(
                [
                    _cell(ws_positions, p.person.full_name),
                    _cell(ws_positions, p.person.email or None),
                    _cell(ws_positions, p.person.phone or None),
                    _cell(ws_positions, p.unit_id),
                    _cell(ws_positions, p.unit.name),
                    _cell(ws_positions, str(role_labels.get(p.role, p.role))),
                    _cell(ws_positions, p.title or None),
                    _cell(ws_positions, p.start_on, date=True),
                    _cell(ws_positions, p.end_on, date=True),
                    _cell(ws_positions, p.note or None),
                ]
            )
            position_count += 1
        _finish_sheet(ws_positions, POSITION_COLUMNS, position_count)
    else:
        _finish_sheet(ws_positions, POSITION_COLUMNS, 0)
    _finish_sheet(ws_units, UNIT_COLUMNS, count)
    wb.save(out)
    return count


def export_filename(units: list[Unit], day: dt.date | None = None) -> str:
    """to-chuc-<short>-<yyyymmdd>.xlsx, ASCII only."""
    day = day or timezone.localdate()
    if len(units) == 1:
        unit = units[0]
        short = slugify(fold(unit.short_name or unit.name))[:40].strip("-") or str(unit.pk)
        return f"to-chuc-{short}-{day:%Y%m%d}.xlsx"
    return f"to-chuc-{day:%Y%m%d}.xlsx"


# --- Template -----------------------------------------------------------------------------------
def template_workbook(out) -> None:
    """The two sheets with headers only, and a guide with the allowed values."""
    wb = Workbook()
    ws_units = wb.active
    ws_units.title = str(UNITS_SHEET)
    ws_positions = wb.create_sheet(str(POSITIONS_SHEET))
    guide = wb.create_sheet(str(GUIDE_SHEET))
    for ws, columns in ((ws_units, UNIT_COLUMNS), (ws_positions, POSITION_COLUMNS)):
        for index, column in enumerate(columns, 1):
            cell = ws.cell(row=1, column=index, value=str(column.label))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            ws.column_dimensions[get_column_letter(index)].width = column.width
            if column.date or column.key in {"ref", "parent", "unit", "official_code", "phone"}:
                # Text cells: what is typed stays as typed, so 07-08-2020 is read day first
                # whatever the spreadsheet's locale, and codes keep their leading zeros.
                ws.column_dimensions[get_column_letter(index)].number_format = "@"
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"

    wrap = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 24
    guide.column_dimensions["C"].width = 12
    guide.column_dimensions["D"].width = 90
    lines = [
        _("Hướng dẫn nhập cơ cấu tổ chức và chức vụ"),
        _(
            "Mỗi dòng của trang “Đơn vị” là một đơn vị; mỗi dòng của trang “Chức vụ” là một người "
            "giữ một chức vụ tại một đơn vị. Dòng đầu của mỗi trang là tên cột, không được sửa."
        ),
        _(
            "Ví dụ thêm một đảng ủy và hai chi bộ trực thuộc: dòng 2 có Mã tham chiếu M1, Tên "
            "“Đảng ủy Phường 1”, Đơn vị cấp trên để trống; dòng 3 và 4 có Mã tham chiếu trống, "
            "Đơn vị cấp trên là M1."
        ),
        _(
            "Nếu có bất kỳ dòng nào sai, không dữ liệu nào được nhập; trang nhập sẽ liệt kê mọi "
            "lỗi theo trang tính, dòng và cột để sửa rồi nhập lại."
        ),
        _(
            "Để sao chép cơ cấu từ tệp xuất của một đơn vị khác, hãy chọn “Tạo mới toàn bộ” khi "
            "nhập: khi đó các mã tham chiếu trong tệp chỉ là mã tạm."
        ),
    ]
    row = 1
    for index, text in enumerate(lines):
        cell = guide.cell(row=row, column=1, value=text)
        if index == 0:
            cell.font = Font(bold=True, size=13)
        row += 1
    row += 1
    for col, text in enumerate([_("Trang tính"), _("Cột"), _("Bắt buộc"), _("Giải thích")], 1):
        cell = guide.cell(row=row, column=col, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    row += 1
    for sheet, columns in ((UNITS_SHEET, UNIT_COLUMNS), (POSITIONS_SHEET, POSITION_COLUMNS)):
        for column in columns:
            must = column.key in {"name", "full_name", "unit", "role", "start_on"}
            guide.cell(row=row, column=1, value=str(sheet))
            guide.cell(row=row, column=2, value=str(column.label))
            guide.cell(row=row, column=3, value=_("Có") if must else "")
            guide.cell(row=row, column=4, value=str(column.help)).alignment = wrap
            row += 1

    ranges = {}
    for title, choices, key in (
        (_("Các giá trị của cột “Loại đơn vị”"), UnitKind.choices, "kind"),
        (_("Các giá trị của cột “Chức vụ”"), PositionRole.choices, "role"),
    ):
        row += 1
        cell = guide.cell(row=row, column=1, value=title)
        cell.font = HEADER_FONT
        row += 1
        first = row
        for value, label in choices:
            guide.cell(row=row, column=1, value=str(label))
            guide.cell(row=row, column=4, value=_("(mã nội bộ: %(value)s)") % {"value": value})
            row += 1
        ranges[key] = f"{quote_sheetname(guide.title)}!$A${first}:$A${row - 1}"

    for ws, columns, key in (
        (ws_units, UNIT_COLUMNS, "kind"),
        (ws_positions, POSITION_COLUMNS, "role"),
    ):
        letter = get_column_letter(next(i for i, c in enumerate(columns, 1) if c.key == key))
        dv = DataValidation(
            type="list",
            formula1=ranges[key],
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Giá trị không có trong danh sách"),
            error=_("Hãy chọn một giá trị trong danh sách (xem trang “Hướng dẫn”)."),
        )
        dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
        ws.add_data_validation(dv)
    wb.save(out)


# --- Import: results and errors -----------------------------------------------------------------
@dataclass
class RowError:
    sheet: str  # empty for problems of the whole file
    row: int | None
    column: str  # a column letter, or empty
    message: str

    def sort_key(self, sheet_order: dict[str, int]):
        return (
            sheet_order.get(self.sheet, -1) if self.sheet else -1,
            self.row or 0,
            column_index_from_string(self.column) if self.column else 0,
        )


class ImportRejected(Exception):
    """The file was not imported; `errors` says why, every one of them."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} import errors")
        self.errors = errors


@dataclass
class ImportResult:
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    people_created: int = 0
    positions_created: int = 0
    positions_updated: int = 0
    positions_unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.units_created
            or self.units_updated
            or self.people_created
            or self.positions_created
            or self.positions_updated
        )


def _file_error(message: str) -> ImportRejected:
    return ImportRejected([RowError("", None, "", message)])


# --- Import: reading the file -------------------------------------------------------------------
NOT_XLSX = upload.NOT_XLSX


def _file_error(message: str) -> ImportRejected:
    return ImportRejected([RowError("", None, "", message)])


def _read_upload(file) -> bytes:
    try:
        return upload.read_upload(file)
    except upload.FileRejected as rejected:
        raise _file_error(rejected.message) from None


def _check_xlsx(data: bytes) -> None:
    try:
        upload.check_xlsx(data)
    except upload.FileRejected as rejected:
        raise _file_error(rejected.message) from None


@dataclass(eq=False)
class _Row:
    sheet: str
    number: int
    values: dict
    letters: dict

    def has(self, key: str) -> bool:
        return key in self.letters

    def raw(self, key: str):
        return self.values.get(key)

    def text(self, key: str) -> str:
        return _cell_text(self.values.get(key))

    def letter(self, key: str) -> str:
        return self.letters.get(key, "")


def _is_number(text: str) -> bool:
    """A reference to an existing unit: ASCII digits only ("²" is a digit to Python)."""
    return text.isascii() and text.isdigit()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return normalize(str(value))


def _cell_multiline(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        return _cell_text(value)
    lines = [normalize(line) for line in value.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip()


class _BadDate(ValueError):
    pass


class _BadYear(ValueError):
    pass


def _cell_date(value) -> dt.date | None:
    """A real date cell or text as dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd (or dd.mm.yyyy)."""
    if value is None:
        return None
    day = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        for fmt in DATE_INPUT_FORMATS:
            try:
                day = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
    if day is None:
        raise _BadDate(value)
    # "01-01-0001" parses, but no record of this tree is that old: a typing slip.
    if day.year < 1000:
        raise _BadYear(day)
    return day


def _aliases(label) -> set[str]:
    """Folded spellings of a label: the active language and Vietnamese (the source text)."""
    names = {fold(str(label))}
    with translation.override("vi"):
        names.add(fold(str(label)))
    return names


def _choice_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices.choices:
        lookup[fold(value)] = value
        lookup[fold(value.replace("_", " "))] = value
        for alias in _aliases(label):
            lookup[alias] = value
    return lookup


def _read_sheet(ws, sheet_name: str, columns: list[Column], errors: list[RowError]) -> list[_Row]:
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or all(v is None or not str(v).strip() for v in header):
        errors.append(
            RowError(
                sheet_name,
                1,
                "",
                _("Trang tính “%(sheet)s” không có dòng tên cột.") % {"sheet": sheet_name},
            )
        )
        return []
    wanted = {}
    for column in columns:
        for alias in _aliases(column.label):
            wanted.setdefault(alias, column.key)
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        key = wanted.get(fold(_cell_text(value)))
        if key and key not in positions:
            positions[key] = index
    missing = [str(c.label) for c in columns if c.required and c.key not in positions]
    if missing:
        errors.append(
            RowError(
                sheet_name,
                1,
                "",
                _(
                    "Trang tính “%(sheet)s” thiếu cột: %(columns)s. Hãy dùng đúng tên cột như trong tệp mẫu."
                )
                % {"sheet": sheet_name, "columns": ", ".join(f"“{m}”" for m in missing)},
            )
        )
        return []
    letters = {key: get_column_letter(index + 1) for key, index in positions.items()}
    result = []
    for number, values in enumerate(rows, 2):
        picked = {
            key: values[index] if index < len(values) else None for key, index in positions.items()
        }
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in picked.values()):
            continue
        result.append(_Row(sheet_name, number, picked, letters))
    return result


def _open_workbook(data: bytes):
    try:
        return upload.open_workbook(data)
    except upload.FileRejected as rejected:
        raise _file_error(rejected.message) from None


def read_workbook(file) -> tuple[list[_Row], list[_Row]]:
    """The data rows of both sheets, or ImportRejected for problems of the file itself."""
    data = _read_upload(file)
    _check_xlsx(data)
    wb = _open_workbook(data)
    errors: list[RowError] = []
    try:
        by_name = {}
        for ws in wb.worksheets:
            by_name.setdefault(fold(ws.title), ws)
        found = {}
        for key, label in (("units", UNITS_SHEET), ("positions", POSITIONS_SHEET)):
            ws = next((by_name[a] for a in _aliases(label) if a in by_name), None)
            if ws is not None:
                found[key] = ws
        if not found:
            raise _file_error(
                _("Tệp không có trang tính “%(units)s” hay “%(positions)s”. Hãy dùng tệp mẫu.")
                % {"units": UNITS_SHEET, "positions": POSITIONS_SHEET}
            )
        try:
            unit_rows = (
                _read_sheet(found["units"], str(UNITS_SHEET), UNIT_COLUMNS, errors)
                if "units" in found
                else []
            )
            position_rows = (
                _read_sheet(found["positions"], str(POSITIONS_SHEET), POSITION_COLUMNS, errors)
                if "positions" in found
                else []
            )
        except Exception as exc:  # a damaged sheet inside a valid zip
            raise _file_error(_("Không đọc được nội dung tệp Excel: tệp bị hỏng.")) from exc
    finally:
        wb.close()
    if errors:
        raise ImportRejected(errors)
    if not unit_rows and not position_rows:
        raise _file_error(_("Tệp không có dòng dữ liệu nào (ngoài dòng tên cột)."))
    return unit_rows, position_rows


# --- Import: checking -----------------------------------------------------------------------------
@dataclass(eq=False)
class _UnitPlan:
    row: _Row
    ref: str = ""
    existing_id: int | None = None
    existing: Unit | None = None
    name: str = ""
    short_name: str = ""
    official_code: str = ""
    notes: str = ""
    kind: str | None = None
    established_on: dt.date | None = None
    ended_on: dt.date | None = None
    parent_plan: "_UnitPlan | None" = None
    parent_unit: Unit | None = None
    changes: dict = field(default_factory=dict)
    bad: bool = False
    created: Unit | None = None

    @property
    def is_new(self) -> bool:
        return self.existing_id is None


@dataclass(eq=False)
class _PositionPlan:
    row: _Row
    full_name: str = ""
    email: str = ""
    phone: str = ""
    unit_plan: _UnitPlan | None = None
    unit: Unit | None = None
    role: str | None = None
    title: str = ""
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    note: str = ""
    person: Person | None = None
    existing: Position | None = None
    changes: dict = field(default_factory=dict)
    bad: bool = False

    @property
    def person_key(self) -> tuple[str, str]:
        return (self.full_name, self.email.lower())


class _Importer:
    def __init__(self, *, actor, target: Unit, as_new: bool):
        self.actor = actor
        self.target = target
        self.as_new = as_new
        self.errors: list[RowError] = []
        self.unit_plans: list[_UnitPlan] = []
        self.position_plans: list[_PositionPlan] = []
        self.refs: dict[str, _UnitPlan] = {}
        self.units_by_id: dict[int, Unit] = {}
        self.existing_positions: dict[tuple, Position] = {}
        self.kinds = _choice_lookup(UnitKind)
        self.roles = _choice_lookup(PositionRole)

    # helpers
    def error(self, row: _Row, key: str | None, message: str) -> None:
        self.errors.append(RowError(row.sheet, row.number, row.letter(key) if key else "", message))

    def allowed(self, check, unit: Unit) -> bool:
        """Permission checks; an import without an actor is the system's own (CLI, fixtures)."""
        return self.actor is None or check(self.actor, unit)

    def in_scope(self, unit: Unit) -> bool:
        return unit.is_within(self.target) and self.allowed(rules.can_view_unit, unit)

    def _date(self, row: _Row, key: str) -> dt.date | None:
        try:
            return _cell_date(row.raw(key))
        except _BadYear as exc:
            self.error(
                row,
                key,
                _("Ngày không hợp lệ: năm %(year)s chắc là gõ nhầm.")
                % {"year": f"{exc.args[0].year:04d}"},
            )
            return None
        except _BadDate:
            self.error(
                row,
                key,
                _(
                    "“%(value)s” không phải là ngày. Hãy nhập theo dạng ngày-tháng-năm, ví dụ 07-08-2020."
                )
                % {"value": _cell_text(row.raw(key))},
            )
            return None

    def _length(self, row: _Row, key: str, value: str, limit: int) -> bool:
        if len(value) > limit:
            self.error(
                row,
                key,
                _("Quá dài: tối đa %(n)d ký tự (đang có %(len)d).")
                % {"n": limit, "len": len(value)},
            )
            return False
        return True

    def _resolve(
        self, row: _Row, key: str, text: str
    ) -> tuple[_UnitPlan | None, Unit | None, bool]:
        """A reference in a cell: a row of the file, or an existing unit in the target's scope.

        Returns (plan, unit, ok); reports what is wrong on (row, key).
        """
        if self.as_new or not _is_number(text):
            plan = self.refs.get(fold(text))
            if plan is not None:
                return plan, None, True
            if not _is_number(text):
                self.error(
                    row,
                    key,
                    _(
                        "Không tìm thấy mã tham chiếu “%(ref)s”: không có dòng nào ở trang “%(sheet)s” "
                        "mang mã này."
                    )
                    % {"ref": text, "sheet": UNITS_SHEET},
                )
                return None, None, False
        unit = self.units_by_id.get(int(text))
        if unit is None:
            self.error(row, key, _("Không có đơn vị nào có mã tham chiếu %(ref)s.") % {"ref": text})
            return None, None, False
        if not self.in_scope(unit):
            self.error(
                row,
                key,
                _(
                    "Đơn vị có mã tham chiếu %(ref)s không nằm trong phạm vi của “%(target)s” (đơn vị nhận dữ liệu)."
                )
                % {"ref": text, "target": self.target.name},
            )
            return None, None, False
        return None, unit, True

    def _kind(self, row: _Row, lookup: dict, key: str, required: bool, what: str) -> str | None:
        text = row.text(key)
        if not text:
            if required:
                self.error(row, key, _("Hãy nhập %(what)s.") % {"what": what})
            return None
        value = lookup.get(fold(text))
        if value is None:
            self.error(
                row,
                key,
                _(
                    "%(What)s “%(value)s” không có trong danh sách; xem các giá trị được chấp nhận ở trang “%(guide)s” của tệp mẫu."
                )
                % {"What": what[:1].upper() + what[1:], "value": text, "guide": GUIDE_SHEET},
            )
        return value

    # loading
    def load_units(self, unit_rows: list[_Row], position_rows: list[_Row]) -> None:
        ids = set()
        for row in unit_rows:
            for key in ("ref", "parent"):
                text = row.text(key)
                if _is_number(text) and int(text) <= MAX_ID:
                    ids.add(int(text))
        for row in position_rows:
            text = row.text("unit")
            if _is_number(text) and int(text) <= MAX_ID:
                ids.add(int(text))
        ids = sorted(ids)
        for start in range(0, len(ids), 500):
            self.units_by_id.update(Unit.objects.in_bulk(ids[start : start + 500]))

    # the sheet "Đơn vị"
    def check_units(self, rows: list[_Row]) -> None:
        for row in rows:
            plan = _UnitPlan(row=row)
            self.unit_plans.append(plan)
            plan.ref = row.text("ref")
            if plan.ref:
                if not self.as_new and _is_number(plan.ref):
                    plan.existing_id = int(plan.ref)
                key = fold(plan.ref)
                if key in self.refs:
                    self.error(
                        row,
                        "ref",
                        _("Mã tham chiếu “%(ref)s” bị lặp lại: đã dùng ở dòng %(row)d.")
                        % {"ref": plan.ref, "row": self.refs[key].row.number},
                    )
                    plan.bad = True
                else:
                    self.refs[key] = plan
            self._parse_unit(plan)
        for plan in self.unit_plans:
            if plan.is_new:
                self._check_new_unit(plan)
            else:
                self._check_existing_unit(plan)
        self._check_cycles()
        for plan in self.unit_plans:
            if plan.is_new and not plan.bad:
                self._check_new_unit_place(plan)
        self._check_official_codes()
        self._check_sibling_names()

    def _parse_unit(self, plan: _UnitPlan) -> None:
        row = plan.row
        errors_before = len(self.errors)
        plan.name = row.text("name")
        if not plan.name:
            self.error(row, "name", _("Thiếu tên đơn vị."))
        for key in ("name", "short_name", "official_code"):
            value = row.text(key)
            setattr(plan, key, value)
            self._length(row, key, value, UNIT_MAX[key])
        plan.notes = _cell_multiline(row.raw("notes"))
        plan.kind = self._kind(row, self.kinds, "kind", plan.is_new, _("loại đơn vị"))
        plan.established_on = self._date(row, "established_on")
        plan.ended_on = self._date(row, "ended_on")
        if plan.established_on and plan.established_on > timezone.localdate():
            self.error(row, "established_on", _("Ngày thành lập không thể ở tương lai."))
        if plan.established_on and plan.ended_on and plan.ended_on < plan.established_on:
            self.error(
                row,
                "ended_on",
                _("Ngày kết thúc %(end)s trước ngày thành lập %(start)s.")
                % {"end": format_vi(plan.ended_on), "start": format_vi(plan.established_on)},
            )
        if len(self.errors) > errors_before:
            plan.bad = True

    def _check_new_unit(self, plan: _UnitPlan) -> None:
        row = plan.row
        if plan.ended_on is not None:
            self.error(
                row,
                "ended_on",
                _(
                    "Đơn vị mới không thể có ngày kết thúc. Hãy để trống ô này, hoặc bỏ dòng này "
                    "nếu đơn vị đã giải thể."
                ),
            )
            plan.bad = True
        text = row.text("parent")
        if not text:
            plan.parent_unit = self.target
            return
        parent_plan, parent_unit, ok = self._resolve(row, "parent", text)
        if not ok:
            plan.bad = True
            return
        if parent_plan is plan:
            self.error(row, "parent", _("Một đơn vị không thể là cấp trên của chính nó."))
            plan.bad = True
            return
        if parent_plan is not None and not parent_plan.is_new:
            parent_unit, parent_plan = parent_plan.existing, None
        plan.parent_plan, plan.parent_unit = parent_plan, parent_unit

    def _check_existing_unit(self, plan: _UnitPlan) -> None:
        row = plan.row
        unit = self.units_by_id.get(plan.existing_id)
        if unit is None:
            self.error(
                row,
                "ref",
                _(
                    "Không có đơn vị nào có mã tham chiếu %(ref)s. Mã là số chỉ dùng cho đơn vị đã "
                    "có; với đơn vị mới hãy để trống hoặc dùng mã tạm như M1."
                )
                % {"ref": plan.ref},
            )
            plan.bad = True
            return
        if not self.in_scope(unit):
            self.error(
                row,
                "ref",
                _(
                    "Đơn vị có mã tham chiếu %(ref)s không nằm trong phạm vi của “%(target)s” (đơn vị "
                    "nhận dữ liệu). Để sao chép cơ cấu sang đơn vị khác, hãy chọn “Tạo mới toàn bộ”."
                )
                % {"ref": plan.ref, "target": self.target.name},
            )
            plan.bad = True
            return
        plan.existing = unit
        if plan.bad:
            return
        if plan.kind and plan.kind != unit.kind:
            self.error(
                row,
                "kind",
                _("Không thể đổi loại đơn vị “%(name)s” khi nhập tệp (hiện là “%(kind)s”).")
                % {"name": unit.name, "kind": unit.get_kind_display()},
            )
        if row.has("established_on") and plan.established_on != unit.established_on:
            self.error(
                row,
                "established_on",
                _(
                    "Không thể đổi ngày thành lập của “%(name)s” khi nhập tệp; hãy sửa trên trang của đơn vị."
                )
                % {"name": unit.name},
            )
        if row.has("ended_on") and plan.ended_on != unit.ended_on:
            self.error(
                row,
                "ended_on",
                _(
                    "Không thể đổi ngày kết thúc của “%(name)s” khi nhập tệp; giải thể, sáp nhập "
                    "hãy làm trên trang của đơn vị."
                )
                % {"name": unit.name},
            )
        parent_text = row.text("parent")
        parent_path = unit.path[: -Unit.steplen]
        if parent_text:
            current_parent = (
                self.units_by_id.get(int(parent_text)) if _is_number(parent_text) else None
            )
            if current_parent is None or current_parent.path != parent_path or unit.depth == 1:
                self.error(
                    row,
                    "parent",
                    _(
                        "Nhập tệp không chuyển trực thuộc đơn vị đã có (“%(name)s”). Hãy giữ nguyên "
                        "đơn vị cấp trên, và dùng chức năng “Chuyển trực thuộc” trên trang của đơn vị."
                    )
                    % {"name": unit.name},
                )
        for key in ("name", "short_name", "official_code", "notes"):
            if row.has(key) and getattr(plan, key) != getattr(unit, key):
                plan.changes[key] = getattr(plan, key)
        if plan.changes and not self.allowed(rules.can_edit_unit, unit):
            self.error(
                row,
                "ref",
                _(
                    "Bạn không có quyền biên tập đơn vị “%(name)s”, nên không thể sửa thông tin của đơn vị này."
                )
                % {"name": unit.name},
            )

    def _check_cycles(self) -> None:
        state: dict[_UnitPlan, int] = {}  # 1: on the current walk, 2: done
        for start in self.unit_plans:
            walk = []
            current = start
            while current is not None and current not in state:
                state[current] = 1
                walk.append(current)
                current = current.parent_plan
            if current is not None and state[current] == 1:
                cycle = walk[walk.index(current) :]
                shown = " → ".join(p.ref for p in [*cycle, cycle[0]])
                for plan in cycle:
                    self.error(
                        plan.row,
                        "parent",
                        _("Vòng lặp trong quan hệ cấp trên giữa các đơn vị mới: %(cycle)s.")
                        % {"cycle": shown},
                    )
                    plan.bad = True
            for plan in walk:
                state[plan] = 2

    def _anchor(self, plan: _UnitPlan) -> Unit | None:
        """The existing unit a new row will hang under, through other new rows of the file."""
        seen = set()
        current = plan
        while current.parent_plan is not None:
            if current in seen or (current.bad and current is not plan):
                return None
            seen.add(current)
            current = current.parent_plan
        return current.parent_unit

    def _check_new_unit_place(self, plan: _UnitPlan) -> None:
        row = plan.row
        anchor = self._anchor(plan)
        if anchor is None:
            return
        if plan.parent_unit is not None and plan.parent_unit.ended_on is not None:
            self.error(
                row,
                "parent",
                _("Đơn vị cấp trên “%(name)s” đã kết thúc hoạt động ngày %(day)s.")
                % {"name": plan.parent_unit.name, "day": format_vi(plan.parent_unit.ended_on)},
            )
        if not self.allowed(rules.can_manage_unit, anchor):
            self.error(
                row,
                "parent",
                _("Bạn không có quyền quản lý “%(name)s”, nên không thể thêm đơn vị trực thuộc.")
                % {"name": anchor.name},
            )
        parent_day = (plan.parent_plan or plan.parent_unit).established_on
        if plan.established_on and parent_day and plan.established_on < parent_day:
            self.error(
                row,
                "established_on",
                _("Ngày thành lập không thể trước ngày thành lập %(day)s của đơn vị cấp trên.")
                % {"day": format_vi(parent_day)},
            )

    def _check_official_codes(self) -> None:
        seen: dict[str, _UnitPlan] = {}
        for plan in self.unit_plans:
            if not plan.official_code:
                continue
            key = plan.official_code.casefold()
            if key in seen:
                self.error(
                    plan.row,
                    "official_code",
                    _("Mã chính thức “%(code)s” trùng với dòng %(row)d.")
                    % {"code": plan.official_code, "row": seen[key].row.number},
                )
                plan.bad = True
            else:
                seen[key] = plan

    def _check_sibling_names(self) -> None:
        """Two active units of one name under one parent are a mistake, most often a file
        imported twice: refuse a new unit that repeats a sibling's name."""
        new = [p for p in self.unit_plans if p.is_new and not p.bad and p.name]
        parents = {p.parent_unit.path: p.parent_unit for p in new if p.parent_unit is not None}
        taken: dict[tuple[str, str], tuple[int, str]] = {}
        paths = sorted(parents)
        for start in range(0, len(paths), 200):
            q = Q(pk__in=[])
            for path in paths[start : start + 200]:
                q |= Q(path__startswith=path, depth=parents[path].depth + 1)
            siblings = Unit.objects.filter(q, ended_on__isnull=True).values_list(
                "path", "name_folded", "pk"
            )
            for path, name_folded, pk in siblings:
                taken[(path[: -Unit.steplen], name_folded)] = (pk, path)
        in_file: dict[tuple, _UnitPlan] = {}
        for plan in new:
            name_key = fold(plan.name)
            if plan.parent_unit is not None:
                parent_name = plan.parent_unit.name
                found = taken.get((plan.parent_unit.path, name_key))
                if found is not None:
                    self.error(
                        plan.row,
                        "name",
                        _(
                            "“%(parent)s” đã có đơn vị trực thuộc tên “%(name)s” (mã tham chiếu "
                            "%(ref)d). Nếu muốn cập nhật đơn vị đó, hãy ghi %(ref)d ở cột “Mã tham "
                            "chiếu”; nếu tệp này đã được nhập, đừng nhập lại."
                        )
                        % {"parent": parent_name, "name": plan.name, "ref": found[0]},
                    )
                    continue
                key = (plan.parent_unit.path, name_key)
            else:
                key = (id(plan.parent_plan), name_key)
            if key in in_file:
                self.error(
                    plan.row,
                    "name",
                    _("Trùng tên với đơn vị mới ở dòng %(row)d, cùng đơn vị cấp trên.")
                    % {"row": in_file[key].row.number},
                )
            else:
                in_file[key] = plan

    # the sheet "Chức vụ"
    def check_positions(self, rows: list[_Row]) -> None:
        for row in rows:
            plan = _PositionPlan(row=row)
            self.position_plans.append(plan)
            self._parse_position(plan)
        self._match_people()
        seen: dict[tuple, _PositionPlan] = {}
        for plan in self.position_plans:
            if plan.bad:
                continue
            unit_key = plan.unit.pk if plan.unit else id(plan.unit_plan)
            key = (plan.person_key, unit_key, plan.role, plan.start_on)
            if key in seen:
                self.error(
                    plan.row,
                    "full_name",
                    _(
                        "Trùng với dòng %(row)d: cùng người, cùng đơn vị, cùng chức vụ và cùng ngày bắt đầu."
                    )
                    % {"row": seen[key].row.number},
                )
                continue
            seen[key] = plan
            self._check_position_change(plan)

    def _parse_position(self, plan: _PositionPlan) -> None:
        row = plan.row
        before = len(self.errors)
        plan.full_name = row.text("full_name")
        if not plan.full_name:
            self.error(row, "full_name", _("Thiếu họ và tên."))
        plan.email = row.text("email")
        if plan.email:
            try:
                validate_email(plan.email)
            except ValidationError:
                self.error(
                    row, "email", _("Thư điện tử “%(value)s” không hợp lệ.") % {"value": plan.email}
                )
        plan.phone = row.text("phone")
        plan.title = row.text("title")
        plan.note = _cell_multiline(row.raw("note"))
        for key in ("full_name", "email", "phone", "title", "note"):
            self._length(row, key, getattr(plan, key), POSITION_MAX[key])
        plan.role = self._kind(row, self.roles, "role", True, _("chức vụ"))
        plan.start_on = self._date(row, "start_on")
        plan.end_on = self._date(row, "end_on")
        if plan.start_on is None and not row.text("start_on"):
            self.error(row, "start_on", _("Hãy nhập ngày bắt đầu giữ chức vụ."))
        if plan.start_on and plan.end_on and plan.end_on < plan.start_on:
            self.error(
                row,
                "end_on",
                _("Ngày thôi giữ chức vụ %(end)s trước ngày bắt đầu %(start)s.")
                % {"end": format_vi(plan.end_on), "start": format_vi(plan.start_on)},
            )
        text = row.text("unit")
        if not text:
            self.error(row, "unit", _("Hãy nhập mã tham chiếu của đơn vị."))
        else:
            unit_plan, unit, ok = self._resolve(row, "unit", text)
            if ok:
                if unit_plan is not None and not unit_plan.is_new:
                    unit, unit_plan = unit_plan.existing, None
                plan.unit, plan.unit_plan = unit, unit_plan
                if unit_plan is not None and unit_plan.bad:
                    # The unit's own row is wrong and reported there; this row cannot be checked.
                    plan.bad = True
        if len(self.errors) > before:
            plan.bad = True
            return
        if plan.unit is not None:
            established, ended, name = plan.unit.established_on, plan.unit.ended_on, plan.unit.name
        elif plan.unit_plan is not None:
            established, ended, name = plan.unit_plan.established_on, None, plan.unit_plan.name
        else:
            return
        if established and plan.start_on < established:
            self.error(
                row,
                "start_on",
                _("Ngày bắt đầu trước ngày thành lập %(day)s của đơn vị “%(name)s”.")
                % {"day": format_vi(established), "name": name},
            )
        if ended and plan.start_on >= ended:
            self.error(
                row,
                "start_on",
                _("Đơn vị “%(name)s” đã kết thúc ngày %(day)s; không thể giữ chức vụ từ ngày này.")
                % {"name": name, "day": format_vi(ended)},
            )
        if len(self.errors) > before:
            plan.bad = True

    def _match_people(self) -> None:
        """Exact full name and e-mail among the people of the target's subtree."""
        wanted = {fold(p.full_name) for p in self.position_plans if not p.bad}
        if not wanted:
            return
        path = self.target.path
        people = Person.objects.filter(
            Q(home_unit__path__startswith=path) | Q(positions__unit__path__startswith=path)
        ).distinct()
        known: dict[tuple[str, str], Person] = {}
        folded = sorted(wanted)
        for start in range(0, len(folded), 500):
            for person in people.filter(name_folded__in=folded[start : start + 500]).order_by("id"):
                known.setdefault(
                    (normalize(person.full_name), person.email.strip().lower()), person
                )
        for plan in self.position_plans:
            plan.person = None if plan.bad else known.get(plan.person_key)
        ids = sorted({p.person.pk for p in self.position_plans if p.person is not None})
        for start in range(0, len(ids), 500):
            for position in Position.objects.filter(
                person_id__in=ids[start : start + 500]
            ).order_by("id"):
                key = (position.person_id, position.unit_id, position.role, position.start_on)
                self.existing_positions.setdefault(key, position)

    def _check_position_change(self, plan: _PositionPlan) -> None:
        row = plan.row
        if plan.person is not None and plan.unit is not None:
            plan.existing = self.existing_positions.get(
                (plan.person.pk, plan.unit.pk, plan.role, plan.start_on)
            )
        if plan.existing is not None:
            for key in ("title", "end_on", "note"):
                if row.has(key) and getattr(plan, key) != getattr(plan.existing, key):
                    plan.changes[key] = getattr(plan, key)
        changing = plan.existing is None or plan.changes
        if plan.unit is not None and changing and not self.allowed(rules.can_edit_unit, plan.unit):
            self.error(
                row,
                "unit",
                _(
                    "Bạn không có quyền biên tập đơn vị “%(name)s”, nên không thể thêm hoặc sửa chức vụ ở đó."
                )
                % {"name": plan.unit.name},
            )
            plan.bad = True

    # writing
    def apply(self) -> ImportResult:
        result = ImportResult()
        for plan in self._creation_order():
            parent = plan.parent_plan.created if plan.parent_plan is not None else plan.parent_unit
            plan.created = self._call(
                plan.row,
                services.unit_create,
                actor=self.actor,
                parent=parent,
                kind=plan.kind,
                name=plan.name,
                short_name=plan.short_name,
                official_code=plan.official_code,
                established_on=plan.established_on,
                notes=plan.notes,
            )
            result.units_created += 1
        for plan in self.unit_plans:
            if plan.is_new:
                continue
            if plan.changes:
                self._call(
                    plan.row,
                    services.unit_update,
                    actor=self.actor,
                    unit=plan.existing,
                    **plan.changes,
                )
                result.units_updated += 1
            else:
                result.units_unchanged += 1
        people: dict[tuple[str, str], Person] = {}
        for plan in self.position_plans:
            unit = plan.unit if plan.unit is not None else plan.unit_plan.created
            if plan.existing is not None:
                if plan.changes:
                    self._call(
                        plan.row,
                        services.position_save,
                        actor=self.actor,
                        position=plan.existing,
                        **plan.changes,
                    )
                    result.positions_updated += 1
                else:
                    result.positions_unchanged += 1
                continue
            person = plan.person or people.get(plan.person_key)
            if person is None:
                person = self._call(
                    plan.row,
                    services.person_save,
                    actor=self.actor,
                    full_name=plan.full_name,
                    email=plan.email,
                    phone=plan.phone,
                    home_unit=unit,
                )
                people[plan.person_key] = person
                result.people_created += 1
            self._call(
                plan.row,
                services.position_save,
                actor=self.actor,
                person=person,
                unit=unit,
                role=plan.role,
                title=plan.title,
                start_on=plan.start_on,
                end_on=plan.end_on,
                note=plan.note,
            )
            result.positions_created += 1
        return result

    def _creation_order(self) -> list[_UnitPlan]:
        """New rows, each after the new row it hangs under (iterative: chains may be long)."""
        depth: dict[_UnitPlan, int] = {}
        for plan in self.unit_plans:
            if not plan.is_new:
                continue
            chain = []
            current = plan
            while current is not None and current not in depth:
                chain.append(current)
                current = current.parent_plan
            base = depth[current] if current is not None else -1
            for step in reversed(chain):
                base += 1
                depth[step] = base
        return sorted(depth, key=lambda p: depth[p])

    def _call(self, row: _Row, service, **kwargs):
        try:
            return service(**kwargs)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, messages in exc.message_dict.items():
                    key = name if name in row.letters else None
                    for message in messages:
                        self.error(row, key, message)
            else:
                for message in exc.messages:
                    self.error(row, None, message)
            raise _Abort from exc


class _Abort(Exception):
    pass


def import_workbook(*, actor, target: Unit, file, as_new: bool = False) -> ImportResult:
    """Check the whole file, then write it in one transaction; or raise ImportRejected.

    `actor` is the user importing: creating a unit needs manager rights over its parent,
    changing a unit or adding positions needs editor rights on the unit. With actor None (a
    command-line import) no permission is checked.
    """
    target = Unit.objects.get(pk=target.pk)
    if actor is not None and not rules.can_edit_unit(actor, target):
        raise _file_error(_("Bạn không có quyền biên tập “%(name)s”.") % {"name": target.name})
    unit_rows, position_rows = read_workbook(file)
    importer = _Importer(actor=actor, target=target, as_new=as_new)
    importer.load_units(unit_rows, position_rows)
    importer.check_units(unit_rows)
    importer.check_positions(position_rows)
    order = {str(UNITS_SHEET): 0, str(POSITIONS_SHEET): 1}
    if importer.errors:
        raise ImportRejected(sorted(importer.errors, key=lambda e: e.sort_key(order)))
    try:
        with transaction.atomic():
            result = importer.apply()
            if result.changed:
                audit_record(
                    actor=actor,
                    obj=target,
                    action=AuditEntry.Action.IMPORT,
                    changes={},
                    note=_(
                        "Nhập từ tệp Excel: thêm %(uc)d đơn vị, cập nhật %(uu)d đơn vị, thêm %(pc)d "
                        "cán bộ, thêm %(qc)d chức vụ, cập nhật %(qu)d chức vụ."
                    )
                    % {
                        "uc": result.units_created,
                        "uu": result.units_updated,
                        "pc": result.people_created,
                        "qc": result.positions_created,
                        "qu": result.positions_updated,
                    },
                )
            return result
    except _Abort:
        raise ImportRejected(sorted(importer.errors, key=lambda e: e.sort_key(order))) from None
