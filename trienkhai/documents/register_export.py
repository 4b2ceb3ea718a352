"""The register, as filtered on its page, written to an Excel workbook (one row per document)."""

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from trienkhai.org.xlsx import (
    CHUNK,
    XLSX_CONTENT_TYPE,
    Column,
    _cell,
    _finish_sheet,
    _prepare_sheet,
)

from .models import DocStatus, Document

__all__ = ["XLSX_CONTENT_TYPE", "filename", "write_register"]


def _columns() -> list[Column]:
    return [
        Column("number_text", _("Số, ký hiệu"), 18, ""),
        Column("doc_type", _("Loại"), 18, ""),
        Column("issuer_name", _("Cơ quan ban hành"), 30, ""),
        Column("issued_on", _("Ngày ban hành"), 13, "", date=True),
        Column("summary", _("Trích yếu"), 70, ""),
        Column("status", _("Trạng thái"), 20, ""),
        Column("signer", _("Người ký"), 28, ""),
    ]


def write_register(documents: QuerySet[Document], out) -> int:
    """Write `documents` (already filtered by what the user may see) to the stream `out`.

    Write-only sheet and a chunked queryset: a register of many thousands of rows is never held
    in memory. Returns the number of rows written.
    """
    columns = _columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Sổ văn bản"))
    _prepare_sheet(sheet, columns)
    labels = dict(DocStatus.choices)
    count = 0
    for doc in documents.iterator(chunk_size=CHUNK):
        signer = ", ".join(p for p in (doc.signer_name, doc.signer_title) if p)
        sheet.append(
            [
                _cell(sheet, doc.number_text or str(_("Dự thảo"))),
                _cell(sheet, f"{doc.doc_type} — {doc.type_name}"),
                _cell(sheet, doc.issuer_name or None),
                _cell(sheet, doc.issued_on, date=True),
                _cell(sheet, doc.summary),
                _cell(sheet, str(labels.get(doc.status, doc.status))),
                _cell(sheet, signer or None),
            ]
        )
        count += 1
    _finish_sheet(sheet, columns, count)
    workbook.save(out)
    return count


def filename(day: dt.date) -> str:
    return f"so-van-ban-{day:%Y%m%d}.xlsx"
