"""Reading a text: taking it in, keeping what was found, and who assigns the work it names.

- `text_of_upload` reads an uploaded .txt, .docx or .pdf (extraction.readers), refusing with a
  message a clerk can act on;
- `reading_create` cleans and reads the text once and keeps what was found (`Reading.found`),
  which `extraction_of` gives back as the extractor's items;
- `assigner_for`, `issuer_for`, `text_day` and `assignment_day` say who speaks and assigns in
  the text, and when: what `proposals.py` matches against and `apply.py` creates with.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record
from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import ISSUED_STATES, Document
from trienkhai.extraction import extract
from trienkhai.extraction.items import (
    Assignment,
    Deadline,
    DocRef,
    Extraction,
    Quantity,
    Sentence,
)
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit

from . import rules
from .models import Reading

# About 150 pages of a resolution: more is not a text one reviews item by item.
MAX_TEXT_CHARS = 400_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def max_upload_bytes() -> int:
    return settings.TRIENKHAI_MAX_DOCUMENT_BYTES


def _actor(user):
    return user if user is not None and user.is_authenticated else None


# --- input ---------------------------------------------------------------------------------------
def _read_error_message(error) -> str:
    english = (translation.get_language() or "").startswith("en")
    text = getattr(error, "message_en", "") if english else ""
    return text or getattr(error, "message", "") or str(error)


def text_of_upload(uploaded) -> str:
    """The text of an uploaded .txt, .docx or .pdf; ValidationError({"file": ...}) otherwise.
    The content decides what the file is (extraction.readers), and says what to do instead."""
    name = getattr(uploaded, "name", "") or ""
    size = getattr(uploaded, "size", 0) or 0
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            {
                "file": _(
                    "Tệp “%(name)s” dung lượng %(size)s MB, vượt quá giới hạn %(limit)s MB. Hãy "
                    "chỉ gửi phần cần đọc, hoặc dán nội dung vào ô bên trên."
                )
                % {
                    "name": name,
                    "size": f"{size / 1048576:.1f}".replace(".", ","),
                    "limit": limit // 1048576,
                }
            }
        )
    from trienkhai.extraction.readers import ReadError, read_upload

    data = uploaded.read(limit + 1)
    try:
        return read_upload(data, name)
    except ReadError as error:
        raise ValidationError({"file": _read_error_message(error)}) from error
    except Exception as error:  # a reader must never turn a bad file into a server error
        raise ValidationError(
            {
                "file": _(
                    "Không đọc được nội dung tệp “%(name)s”: tệp bị hỏng hoặc không đúng định "
                    "dạng. Hãy mở tệp, lưu lại rồi gửi lại, hoặc dán nội dung vào ô bên trên."
                )
                % {"name": name}
            }
        ) from error


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _clean_input(text: str) -> str:
    # PostgreSQL refuses NUL in text; other control characters are noise from copying.
    return _CONTROL.sub("", text or "")


# --- the reading ---------------------------------------------------------------------------------
@transaction.atomic
def reading_create(
    *, actor, unit: Unit, text: str, document: Document | None = None, source_name: str = ""
) -> Reading:
    """Read `text` for `unit` (and its `document`) and keep what was found."""
    # actor=None is the system (the demo loader), as in the other services.
    if actor is not None and document is not None and not document_rules.can_edit(actor, document):
        raise ValidationError(_("Bạn không có quyền đọc văn bản này để lập kế hoạch."))
    if actor is not None and not rules.can_read_for(actor, unit):
        raise ValidationError(
            {"unit": _("Bạn không có quyền lập kế hoạch cho %(unit)s.") % {"unit": unit.name}}
        )
    raw = _clean_input(text)
    if not raw.strip():
        raise ValidationError({"text": _("Văn bản không có nội dung để đọc.")})
    if len(raw) > MAX_TEXT_CHARS:
        raise ValidationError(
            {
                "text": _(
                    "Văn bản dài %(n)s ký tự, vượt quá giới hạn %(limit)s ký tự. Hãy chỉ dán "
                    "phần cần lập kế hoạch (ví dụ: phần “Tổ chức thực hiện”)."
                )
                % {"n": _thousands(len(raw)), "limit": _thousands(MAX_TEXT_CHARS)}
            }
        )
    found = extract(raw)
    reading = Reading.objects.create(
        unit=unit,
        document=document,
        text=found.text,
        source_name=(source_name or "")[:255],
        found=found_as_json(found),
        created_by=_actor(actor),
    )
    audit_record(
        actor=actor,
        obj=reading,
        action=AuditEntry.Action.CREATE,
        changes={"text": [None, f"{len(found.text)} ký tự"]},
        note=source_name[:200],
    )
    return reading


def found_as_json(found: Extraction) -> dict:
    return {
        "doc_refs": [dataclasses.asdict(i) for i in found.doc_refs],
        "deadlines": [dataclasses.asdict(i) for i in found.deadlines],
        "quantities": [dataclasses.asdict(i) for i in found.quantities],
        "assignments": [dataclasses.asdict(i) for i in found.assignments],
        "sentences": [dataclasses.asdict(i) for i in found.sentences],
    }


def _rebuild(cls, rows) -> list:
    names = {f.name for f in dataclasses.fields(cls)}
    out = []
    for row in rows or []:
        data = {k: v for k, v in row.items() if k in names}
        if cls is Assignment:
            data["coordinators"] = tuple(data.get("coordinators") or ())
        try:
            out.append(cls(**data))
        except TypeError:
            continue  # a row written by another version of the extractor
    return out


def extraction_of(reading: Reading) -> Extraction:
    """What was found when the text was read, as the extractor's items."""
    found = reading.found or {}
    return Extraction(
        text=reading.text,
        doc_refs=_rebuild(DocRef, found.get("doc_refs")),
        deadlines=_rebuild(Deadline, found.get("deadlines")),
        quantities=_rebuild(Quantity, found.get("quantities")),
        assignments=_rebuild(Assignment, found.get("assignments")),
        sentences=_rebuild(Sentence, found.get("sentences")),
    )


def sentence_span(found: Extraction, start: int, end: int) -> tuple[int, int]:
    sentence = found.sentence_at(start)
    if sentence is None:
        return start, end
    return sentence.start, max(sentence.end, min(end, len(found.text)))


# --- who assigns, when ---------------------------------------------------------------------------
def assigner_for(reading: Reading, user) -> Unit:
    """The unit that assigns the tasks: the document's issuer when it is ours and the user may
    act for it, else the unit the text was read for."""
    document = reading.document
    if document is not None and document.issuer_unit_id is not None:
        issuer = document.issuer_unit
        if org_rules.can_edit_unit(user, issuer) and issuer.ended_on is None:
            return issuer
    return reading.unit


def issuer_for(reading: Reading) -> Unit:
    """Whose words the text speaks: "thành phố" in it is this unit's city."""
    document = reading.document
    if document is not None and document.issuer_unit_id is not None:
        return document.issuer_unit
    return reading.unit


def text_day(reading: Reading) -> dt.date:
    document = reading.document
    if document is not None and document.issued_on is not None:
        return document.issued_on
    return timezone.localdate()


def assignment_day(reading: Reading) -> dt.date | None:
    """The day the work was assigned: the issue date of the document read (work of 2020 recorded
    later keeps its 2020 date, when its units still existed)."""
    document = reading.document
    if (
        document is not None
        and document.issued_on is not None
        and document.issued_on <= timezone.localdate()
        and document.status in ISSUED_STATES
    ):
        return document.issued_on
    return None
