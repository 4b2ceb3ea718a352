"""The exchange package as a workbook: one sheet per section, one row per record, and a first
sheet "Gói" with what the package is. Headers read "Label (field)": a person reads the label, the
reader goes by the field in brackets, so a header translated or reworded still imports."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from trienkhai.lib import upload

from . import format as fmt

META_SHEET = "Gói"
HEADER = re.compile(r"\(([a-z_]+)\)\s*$")
BOLD = Font(bold=True)
FILL = PatternFill("solid", fgColor="E8EBEF")


def _cell(spec: fmt.Field, value):
    if value is None:
        return None
    if spec.kind == "date":
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    if spec.kind == "decimal":
        number = Decimal(str(value))
        as_float = float(number)
        # A number where Excel keeps it exactly, the text otherwise (no rounding on the way).
        return as_float if Decimal(repr(as_float)) == number else str(number)
    if spec.kind in ("keys", "list", "choices"):
        return f"{fmt.LIST_SEPARATOR} ".join(value)
    if spec.kind == "bool":
        return _("có") if value else _("không")
    return value


def write_workbook(package: dict, out) -> None:
    """Write `package` (plain JSON values) to `out`."""
    with translation.override("vi"):
        book = Workbook(write_only=True)
        meta = book.create_sheet(META_SHEET)
        for name in fmt.META_FIELDS:
            meta.append([name, package.get(name)])
        for name, section in fmt.SECTIONS.items():
            sheet = book.create_sheet(str(section.label))
            sheet.append([f"{spec.label} ({spec.name})" for spec in section.fields])
            for row in package.get(name, []):
                sheet.append([_cell(spec, row.get(spec.name)) for spec in section.fields])
        book.save(out)


def read_workbook(data: bytes) -> dict:
    """The package a workbook holds, as the JSON reader would see it (values still unchecked)."""
    upload.check_xlsx(data)
    book = upload.open_workbook(data)
    labels = {}
    with translation.override("vi"):
        labels = {str(section.label): name for name, section in fmt.SECTIONS.items()}
    with translation.override("en"):
        labels |= {str(section.label): name for name, section in fmt.SECTIONS.items()}
    package: dict = {}
    for sheet in book.worksheets:
        if sheet.title == META_SHEET:
            for row in sheet.iter_rows(values_only=True):
                if row and row[0] in fmt.META_FIELDS:
                    package[row[0]] = row[1] if len(row) > 1 else None
            continue
        name = labels.get(sheet.title) or (sheet.title if sheet.title in fmt.SECTIONS else None)
        if name is None:
            continue
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        fields = [_field_of(cell) for cell in header]
        records = []
        for values in rows:
            if not values or all(
                v is None or (isinstance(v, str) and not v.strip()) for v in values
            ):
                continue
            records.append(
                {f: v for f, v in zip(fields, values, strict=False) if f and v is not None}
            )
        package[name] = records
    if isinstance(package.get("version"), float | str):
        with contextlib.suppress(ValueError):
            package["version"] = int(float(package["version"]))
    return package


def _field_of(header) -> str | None:
    if header is None:
        return None
    text = str(header).strip()
    match = HEADER.search(text)
    return match.group(1) if match else text


def to_bytes(package: dict) -> bytes:
    out = io.BytesIO()
    write_workbook(package, out)
    return out.getvalue()
