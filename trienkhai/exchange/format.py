"""The exchange format, version 1: one definition read by the JSON checker, the XLSX writer and
the XLSX reader, so the two file kinds can never drift apart (docs/exchange.md describes it).

A package is flat on purpose: every section is a list of records whose values are text, a
number, a date, a key of another record, or a list of keys; a spreadsheet row holds one record.
Keys are opaque text ("<origin>:task:42"): a record refers to another by its key, never by a
database id, so a package means the same on any deployment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trienkhai.documents.models import ISSUED_STATES, RelationKind, System
from trienkhai.org.models import UnitKind
from trienkhai.plans.compliance import STATES as COMPLIANCE_STATES
from trienkhai.plans.models import Direction, Precision, Rollup, TaskStatus

FORMAT = "trienkhai.exchange"
VERSION = 1
LIST_SEPARATOR = ";"
MAX_RECORDS = 200_000


@dataclass(frozen=True)
class Field:
    name: str
    label: object
    kind: str = "text"  # text, key, keys, list, date, int, decimal, bool, choice, choices
    required: bool = False
    max_length: int | None = None
    choices: tuple = ()
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Section:
    name: str
    label: object
    fields: tuple[Field, ...]
    keyed: bool = True  # records carry their own "key"
    imported: bool = True  # False: written for the reader, recomputed on import
    help: object = ""


def _key():
    return Field("key", gettext_lazy("Mã"), "text", required=True, max_length=120)


def _ref(name, label, required=False):
    return Field(name, label, "key", required=required, max_length=120)


PRECISIONS = tuple(Precision.values)
SECTIONS: dict[str, Section] = {
    s.name: s
    for s in [
        Section(
            "units",
            gettext_lazy("Đơn vị"),
            (
                _key(),
                Field("name", gettext_lazy("Tên"), required=True, max_length=255),
                Field("kind", gettext_lazy("Loại"), "choice", True, choices=tuple(UnitKind.values)),
                Field("short_name", gettext_lazy("Tên viết tắt"), max_length=60),
                Field("official_code", gettext_lazy("Mã chính thức"), max_length=40),
                Field("source_key", gettext_lazy("Khóa nguồn"), max_length=120),
                Field("path", gettext_lazy("Các cấp trên (từ gốc)"), "list", max_length=255),
            ),
            help=gettext_lazy(
                "Đơn vị không được tạo khi nhập: mỗi đơn vị phải tìm được trong cây của nơi nhận "
                "(theo khóa nguồn, mã chính thức hoặc tên và các cấp trên)."
            ),
        ),
        Section(
            "documents",
            gettext_lazy("Văn bản"),
            (
                _key(),
                Field("system", gettext_lazy("Hệ thống"), "choice", choices=tuple(System.values)),
                Field("doc_type", gettext_lazy("Loại"), max_length=10),
                Field("number_text", gettext_lazy("Số, ký hiệu"), required=True, max_length=80),
                Field(
                    "issuer_name", gettext_lazy("Cơ quan ban hành"), required=True, max_length=255
                ),
                _ref("issuer_unit", gettext_lazy("Đơn vị ban hành")),
                _ref("owner_unit", gettext_lazy("Sổ đăng ký của"), required=True),
                Field("issued_on", gettext_lazy("Ngày ban hành"), "date", required=True),
                Field("summary", gettext_lazy("Trích yếu"), required=True, max_length=5000),
                Field(
                    "status",
                    gettext_lazy("Trạng thái"),
                    "choice",
                    choices=tuple(sorted(str(s) for s in ISSUED_STATES)),
                ),
                Field("signer_name", gettext_lazy("Người ký"), max_length=150),
                Field("signer_title", gettext_lazy("Chức vụ người ký"), max_length=200),
            ),
        ),
        Section(
            "relations",
            gettext_lazy("Quan hệ văn bản"),
            (
                _ref("source", gettext_lazy("Văn bản"), required=True),
                Field(
                    "kind",
                    gettext_lazy("Quan hệ"),
                    "choice",
                    True,
                    choices=tuple(RelationKind.values),
                ),
                _ref("target", gettext_lazy("Văn bản được liên kết"), required=True),
                Field("note", gettext_lazy("Ghi chú"), max_length=300),
            ),
            keyed=False,
        ),
        Section(
            "programmes",
            gettext_lazy("Chương trình"),
            (
                _key(),
                _ref("document", gettext_lazy("Thực hiện văn bản"), required=True),
                _ref("programme_document", gettext_lazy("Văn bản chương trình")),
                Field("title", gettext_lazy("Tên chương trình"), required=True, max_length=300),
                Field("field", gettext_lazy("Lĩnh vực"), required=True, max_length=150),
                _ref("owner_unit", gettext_lazy("Đơn vị chủ trì"), required=True),
                Field(
                    "start_year", gettext_lazy("Từ năm"), "int", True, minimum=1930, maximum=2200
                ),
                Field("end_year", gettext_lazy("Đến năm"), "int", True, minimum=1930, maximum=2200),
                Field("description", gettext_lazy("Mô tả"), max_length=20000),
                Field("created_on", gettext_lazy("Ngày lập"), "date"),
            ),
        ),
        Section(
            "indicators",
            gettext_lazy("Chỉ tiêu"),
            (
                _key(),
                _ref("programme", gettext_lazy("Chương trình")),
                _ref("document", gettext_lazy("Văn bản")),
                _ref("unit", gettext_lazy("Đơn vị"), required=True),
                Field("name", gettext_lazy("Tên chỉ tiêu"), required=True, max_length=300),
                Field("measure_unit", gettext_lazy("Đơn vị tính"), required=True, max_length=50),
                Field(
                    "direction",
                    gettext_lazy("Hướng"),
                    "choice",
                    True,
                    choices=tuple(Direction.values),
                ),
                Field("baseline_value", gettext_lazy("Giá trị gốc"), "decimal"),
                Field("baseline_year", gettext_lazy("Năm gốc"), "int", minimum=1930, maximum=2200),
                Field("target_value", gettext_lazy("Mục tiêu"), "decimal"),
                Field("target_date", gettext_lazy("Thời hạn đạt"), "date"),
                Field(
                    "target_precision",
                    gettext_lazy("Độ chính xác thời hạn"),
                    "choice",
                    choices=PRECISIONS,
                ),
                Field("by_subunits", gettext_lazy("Theo đơn vị trực thuộc"), "bool"),
                Field(
                    "rollup", gettext_lazy("Cách tổng hợp"), "choice", choices=tuple(Rollup.values)
                ),
                Field("position", gettext_lazy("Thứ tự"), "int", minimum=0, maximum=32000),
                Field("created_on", gettext_lazy("Ngày lập"), "date"),
            ),
        ),
        Section(
            "measurements",
            gettext_lazy("Số liệu"),
            (
                _ref("indicator", gettext_lazy("Chỉ tiêu"), required=True),
                _ref("unit", gettext_lazy("Đơn vị"), required=True),
                Field("measured_on", gettext_lazy("Ngày số liệu"), "date", required=True),
                Field("value", gettext_lazy("Giá trị"), "decimal", required=True),
                Field("source", gettext_lazy("Nguồn số liệu"), max_length=300),
            ),
            keyed=False,
        ),
        Section(
            "tasks",
            gettext_lazy("Nhiệm vụ"),
            (
                _key(),
                _ref("parent", gettext_lazy("Nhiệm vụ cha")),
                Field("title", gettext_lazy("Tên nhiệm vụ"), required=True, max_length=500),
                Field("description", gettext_lazy("Nội dung"), max_length=20000),
                _ref("programme", gettext_lazy("Chương trình")),
                _ref("assigned_by", gettext_lazy("Đơn vị giao"), required=True),
                _ref("assigning_document", gettext_lazy("Văn bản giao")),
                _ref("lead_unit", gettext_lazy("Đơn vị chủ trì"), required=True),
                Field("coordinating_units", gettext_lazy("Đơn vị phối hợp"), "keys"),
                Field("output_text", gettext_lazy("Sản phẩm"), max_length=300),
                Field("output_doc_type", gettext_lazy("Loại văn bản sản phẩm"), max_length=10),
                _ref("output_issuer", gettext_lazy("Đơn vị ban hành sản phẩm")),
                _ref("output_document", gettext_lazy("Văn bản sản phẩm")),
                Field("start_on", gettext_lazy("Ngày bắt đầu"), "date"),
                Field("deadline", gettext_lazy("Thời hạn"), "date"),
                Field(
                    "deadline_precision",
                    gettext_lazy("Độ chính xác thời hạn"),
                    "choice",
                    choices=PRECISIONS,
                ),
                Field(
                    "status", gettext_lazy("Trạng thái"), "choice", choices=tuple(TaskStatus.values)
                ),
                Field("progress", gettext_lazy("Tiến độ (%)"), "int", minimum=0, maximum=100),
                Field("weight", gettext_lazy("Trọng số"), "int", minimum=1, maximum=1000),
                Field("completed_on", gettext_lazy("Ngày hoàn thành"), "date"),
                Field("postponed_reason", gettext_lazy("Lý do tạm hoãn, lùi hạn"), max_length=500),
                Field("created_on", gettext_lazy("Ngày giao"), "date"),
            ),
        ),
        Section(
            "requirements",
            gettext_lazy("Yêu cầu"),
            (
                _key(),
                Field("title", gettext_lazy("Yêu cầu"), required=True, max_length=300),
                _ref("set_by", gettext_lazy("Đơn vị yêu cầu"), required=True),
                _ref("parent_unit", gettext_lazy("Áp dụng trong")),
                Field(
                    "unit_kinds",
                    gettext_lazy("Loại đơn vị phải thực hiện"),
                    "choices",
                    True,
                    choices=tuple(UnitKind.values),
                ),
                Field(
                    "doc_type",
                    gettext_lazy("Loại văn bản phải ban hành"),
                    required=True,
                    max_length=10,
                ),
                _ref("implements", gettext_lazy("Thực hiện văn bản")),
                Field("due_on", gettext_lazy("Thời hạn"), "date", required=True),
                Field("targets", gettext_lazy("Đơn vị phải thực hiện"), "keys"),
                Field("created_on", gettext_lazy("Ngày đặt yêu cầu"), "date"),
            ),
        ),
        Section(
            "compliance",
            gettext_lazy("Tuân thủ"),
            (
                _ref("requirement", gettext_lazy("Yêu cầu"), required=True),
                _ref("unit", gettext_lazy("Đơn vị"), required=True),
                Field(
                    "state", gettext_lazy("Tình trạng"), "choice", True, choices=COMPLIANCE_STATES
                ),
                _ref("document", gettext_lazy("Văn bản đáp ứng")),
                Field("issued_on", gettext_lazy("Ngày ban hành"), "date"),
            ),
            keyed=False,
            imported=False,
            help=gettext_lazy(
                "Tính từ sổ văn bản, không nhập: sau khi nhập, nơi nhận tự tính lại từ các văn "
                "bản trong gói."
            ),
        ),
    ]
}
META_FIELDS = ("format", "version", "exported_at", "origin", "origin_name", "scope")


@dataclass
class Problem:
    """Something wrong in the file, with where it is (section, row from 1, field)."""

    message: str
    section: str = ""
    row: int | None = None
    field: str = ""

    def as_dict(self) -> dict:
        return {
            "message": str(self.message),
            "section": self.section,
            "row": self.row,
            "field": self.field,
        }


class PackageInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message if problems else "")
        self.problems = problems


# --- values -------------------------------------------------------------------------------------
def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").strip()


def to_value(spec: Field, raw):
    """A value of the file in its Python form, or ValueError with the reason in Vietnamese."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        if spec.kind in ("keys", "list", "choices"):
            return []
        if spec.kind == "bool":
            return False
        return None if spec.kind not in ("text",) else ""
    kind = spec.kind
    if kind in ("text", "key", "choice"):
        if isinstance(raw, dict | list | bool):
            raise ValueError(_("phải là một chuỗi"))
        text = _text(raw)
        if spec.max_length and len(text) > spec.max_length:
            raise ValueError(_("dài quá %(n)d ký tự") % {"n": spec.max_length})
        if kind == "choice" and text not in spec.choices:
            raise ValueError(
                _("“%(value)s” không phải một trong: %(choices)s")
                % {"value": text[:40], "choices": ", ".join(spec.choices)}
            )
        return text
    if kind in ("keys", "list", "choices"):
        items = raw if isinstance(raw, list) else str(raw).split(LIST_SEPARATOR)
        out = []
        for item in items:
            if isinstance(item, dict | list):
                raise ValueError(_("phải là danh sách các chuỗi"))
            text = _text(item)
            if not text:
                continue
            if spec.max_length and len(text) > spec.max_length:
                raise ValueError(_("dài quá %(n)d ký tự") % {"n": spec.max_length})
            if kind == "choices" and text not in spec.choices:
                raise ValueError(
                    _("“%(value)s” không phải một trong: %(choices)s")
                    % {"value": text[:40], "choices": ", ".join(spec.choices)}
                )
            out.append(text)
        return out
    if kind == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(_text(raw)[:10])
        except ValueError:
            raise ValueError(
                _("“%(value)s” không phải ngày dạng YYYY-MM-DD") % {"value": _text(raw)[:20]}
            ) from None
    if kind == "int":
        if isinstance(raw, bool):
            raise ValueError(_("phải là một số nguyên"))
        try:
            number = int(Decimal(_text(raw)))
            if Decimal(_text(raw)) != number:
                raise InvalidOperation
        except (InvalidOperation, ValueError, OverflowError):  # OverflowError: "inf" in a cell
            raise ValueError(
                _("“%(value)s” không phải số nguyên") % {"value": _text(raw)[:20]}
            ) from None
        if (spec.minimum is not None and number < spec.minimum) or (
            spec.maximum is not None and number > spec.maximum
        ):
            raise ValueError(
                _("phải từ %(min)s đến %(max)s") % {"min": spec.minimum, "max": spec.maximum}
            )
        return number
    if kind == "decimal":
        if isinstance(raw, bool):
            raise ValueError(_("phải là một số"))
        try:
            number = Decimal(_text(raw))
        except InvalidOperation:
            raise ValueError(
                _("“%(value)s” không phải là số") % {"value": _text(raw)[:20]}
            ) from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
            raise ValueError(_("số quá lớn hoặc không hợp lệ"))
        return number
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = _text(raw).lower()
        if text in ("1", "true", "có", "x", "yes"):
            return True
        if text in ("0", "false", "không", "no"):
            return False
        raise ValueError(_("phải là “có” hoặc “không”"))
    raise AssertionError(kind)


def to_plain(spec: Field, value):
    """The JSON form of a value."""
    if value is None:
        return None
    if spec.kind == "date":
        return value.isoformat()
    if spec.kind == "decimal":
        return format(Decimal(value).normalize(), "f")
    return value


# --- the whole package --------------------------------------------------------------------------
def check(payload) -> dict:
    """The package with every value in its Python form; PackageInvalid lists every problem."""
    problems: list[Problem] = []
    if not isinstance(payload, dict):
        raise PackageInvalid([Problem(_("Tệp không phải một gói dữ liệu Triển Khai."))])
    if payload.get("format") != FORMAT:
        raise PackageInvalid(
            [
                Problem(
                    _("Tệp không phải một gói dữ liệu Triển Khai (thiếu “format”: “%(f)s”).")
                    % {"f": FORMAT}
                )
            ]
        )
    version = payload.get("version")
    if version != VERSION:
        raise PackageInvalid(
            [
                Problem(
                    _(
                        "Gói dữ liệu phiên bản %(v)s: phiên bản này của Triển Khai đọc phiên bản %(ours)s."
                    )
                    % {"v": str(version)[:10], "ours": VERSION},
                    field="version",
                )
            ]
        )
    clean: dict = {name: payload.get(name) for name in META_FIELDS}
    total = 0
    for name, section in SECTIONS.items():
        rows = payload.get(name, [])
        if rows is None:
            rows = []
        if not isinstance(rows, list):
            problems.append(Problem(_("Phần “%(s)s” phải là một danh sách.") % {"s": name}, name))
            continue
        total += len(rows)
        out, seen = [], set()
        for index, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                problems.append(Problem(_("Mỗi dòng phải là một đối tượng."), name, index))
                continue
            record = {}
            for spec in section.fields:
                try:
                    record[spec.name] = to_value(spec, row.get(spec.name))
                except ValueError as error:
                    problems.append(Problem(f"{spec.label}: {error}", name, index, spec.name))
                    continue
                if spec.required and record[spec.name] in (None, "", []):
                    problems.append(
                        Problem(
                            _("%(label)s: bắt buộc.") % {"label": spec.label},
                            name,
                            index,
                            spec.name,
                        )
                    )
            if section.keyed and record.get("key"):
                if record["key"] in seen:
                    problems.append(
                        Problem(
                            _("Mã “%(key)s” xuất hiện hai lần.") % {"key": record["key"][:60]},
                            name,
                            index,
                            "key",
                        )
                    )
                seen.add(record["key"])
            record["_row"] = index
            out.append(record)
        clean[name] = out
    if total > MAX_RECORDS:
        problems.insert(
            0, Problem(_("Gói có %(n)d dòng, tối đa %(max)d.") % {"n": total, "max": MAX_RECORDS})
        )
    if problems:
        raise PackageInvalid(problems[:200])
    return clean


def plain(package: dict) -> dict:
    """The JSON form of a checked package (what export writes)."""
    out = {name: package.get(name) for name in META_FIELDS}
    for name, section in SECTIONS.items():
        out[name] = [
            {spec.name: to_plain(spec, row.get(spec.name)) for spec in section.fields}
            for row in package.get(name, [])
        ]
    return out
