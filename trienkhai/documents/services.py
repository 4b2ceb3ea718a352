"""Writes to the document register: registering, drafting, signing, relations, status.

Numbering rules (see ../shared/design/numbering.md):
- Party issuers number per document type and restart every term; there is no year in the
  number, so a number is unique per (issuer, type, number, term) — or per issue date when the
  term is not known (external issuers).
- State bodies number per calendar year in one series; legal normative documents (those with the
  year in the number, 45/2020/NĐ-CP) keep a series of their own.
An issuer is the unit itself when it is ours, or its name when external: every city committee
writes "ThU", so the code alone identifies nobody.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record, diff, snapshot
from trienkhai.lib.dates import format_vi
from trienkhai.lib.text import fold
from trienkhai.org.models import Term, Unit
from trienkhai.org.selectors import period_of

from . import numbering
from .models import (
    DRAFT_STATES,
    ISSUED_STATES,
    DocStatus,
    Document,
    DocumentRelation,
    DocumentVersion,
    RelationKind,
    StatusChange,
    System,
)
from .signals import document_issued

RECORD_FIELDS = [
    "system",
    "doc_type",
    "number",
    "year",
    "number_text",
    "issuer_code",
    "issuer_name",
    "issuer_unit",
    "term",
    "signer_name",
    "signer_title",
    "issued_on",
    "summary",
    "status",
]


# --- issuers and numbers -------------------------------------------------------------------------
def issuer_as_of(unit: Unit, day: dt.date | None) -> tuple[str, str]:
    """(name, abbreviation) of our unit as they were on `day`: a 2020 plan keeps its 2020 name."""
    period = period_of(unit, day) if day else None
    if period is not None:
        return period.name, period.short_name or unit.short_name
    return unit.name, unit.short_name


def term_for(unit: Unit | None, day: dt.date | None) -> Term | None:
    """The term of office of `unit` that covers `day`."""
    if unit is None or day is None:
        return None
    return (
        Term.objects.filter(unit=unit, start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .order_by("-start_on")
        .first()
    )


def _same_issuer(issuer_unit: Unit | None, issuer_name: str, issuer_code: str = "") -> Q:
    if issuer_unit is not None:
        return Q(issuer_unit=issuer_unit)
    # External names are compared folded ("ỦY BAN NHÂN DÂN" as printed in a header, "Uỷ ban"
    # with the old tone mark): SQLite's iexact only folds ASCII, so match in Python among the
    # few names written with this issuer code.
    key = fold(issuer_name)
    written = (
        Document.objects.filter(issuer_unit__isnull=True, issuer_code=issuer_code)
        .values_list("issuer_name", flat=True)
        .distinct()
    )
    names = {name for name in written if fold(name) == key} | {issuer_name.strip()}
    return Q(issuer_unit__isnull=True, issuer_name__in=names)


def _series(
    *,
    system: str,
    issuer_unit: Unit | None,
    issuer_name: str,
    issuer_code: str,
    doc_type: str,
    term: Term | None,
    issued_on: dt.date | None,
    normative: bool,
) -> Q:
    """The documents that share one numbering series with the given one."""
    q = Q(system=system, issuer_code=issuer_code) & _same_issuer(
        issuer_unit, issuer_name, issuer_code
    )
    if system == numbering.PARTY:
        q &= Q(doc_type=doc_type)
        if term is not None:
            return q & Q(term=term)
        return q & Q(issued_on=issued_on) if issued_on else q & Q(pk__in=[])
    year = issued_on.year if issued_on else dt.date.today().year
    q &= Q(year__isnull=not normative)
    return q & Q(issued_on__year=year)


def find_duplicate(
    *,
    system: str,
    issuer_unit: Unit | None,
    issuer_name: str,
    issuer_code: str,
    doc_type: str,
    number: int,
    year: int | None,
    term: Term | None,
    issued_on: dt.date | None,
    exclude_pk: int | None = None,
) -> Document | None:
    """The document that already holds this number in its series, if any."""
    series = _series(
        system=system,
        issuer_unit=issuer_unit,
        issuer_name=issuer_name,
        issuer_code=issuer_code,
        doc_type=doc_type,
        term=term,
        issued_on=issued_on,
        normative=year is not None,
    )
    qs = Document.objects.filter(series, number=number)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def next_number(
    *,
    system: str,
    issuer_unit: Unit | None,
    issuer_name: str = "",
    issuer_code: str,
    doc_type: str,
    term: Term | None = None,
    issued_on: dt.date | None = None,
    normative: bool = False,
) -> int:
    """The next free number of the series: one more than the highest used."""
    series = _series(
        system=system,
        issuer_unit=issuer_unit,
        issuer_name=issuer_name,
        issuer_code=issuer_code,
        doc_type=doc_type,
        term=term,
        issued_on=issued_on or dt.date.today(),
        normative=normative,
    )
    highest = Document.objects.filter(series).aggregate(m=Max("number"))["m"]
    return (highest or 0) + 1


def _duplicate_error(existing: Document) -> ValidationError:
    link = format_html(
        '<a href="{}">{}</a>', reverse("documents:detail", args=[existing.pk]), str(existing)
    )
    return ValidationError(
        {
            "number_text": format_html(
                _("Số này đã được dùng trong cùng sổ: {}. Hãy kiểm tra lại số hoặc ngày ban hành."),
                link,
            )
        }
    )


def search_text_for(document: Document) -> str:
    parts = [document.number_text, document.summary, document.issuer_name, document.signer_name]
    parts += list(document.files.values_list("text", flat=True)) if document.pk else []
    return fold(" ".join(p for p in parts if p))


def refresh_search_text(document: Document) -> None:
    Document.objects.filter(pk=document.pk).update(search_text=search_text_for(document))


def _status_change(document: Document, old: str, new: str, actor, note: str = "") -> None:
    StatusChange.objects.create(
        document=document,
        from_status=old,
        to_status=new,
        by=actor if actor is not None and actor.is_authenticated else None,
        note=note[:500],
    )


def _check_issue_date(issued_on: dt.date | None) -> None:
    if issued_on is None:
        raise ValidationError({"issued_on": _("Hãy nhập ngày ban hành.")})
    if issued_on > dt.date.today():
        raise ValidationError(
            {
                "issued_on": _(
                    "Ngày ban hành %(day)s ở tương lai: văn bản đã ban hành phải có ngày đã qua."
                )
                % {"day": format_vi(issued_on)}
            }
        )


def _announce_issued(document: Document) -> None:
    # Inside the same transaction: issuing the document and what follows from it (a task whose
    # output it is gets done) succeed or fail together.
    document_issued.send(sender=Document, document=document)


# --- registering -------------------------------------------------------------------------------
@transaction.atomic
def document_register(
    *,
    actor,
    owner_unit: Unit,
    number_text: str,
    issued_on: dt.date,
    summary: str,
    issuer_unit: Unit | None = None,
    issuer_name: str = "",
    signer=None,
    signer_name: str = "",
    signer_title: str = "",
    doc_type: str = "",
    status: str = DocStatus.ISSUED,
) -> Document:
    """Enter an issued document in `owner_unit`'s register: one of ours (`issuer_unit`), or an
    external one (`issuer_name`, registered without a file if need be)."""
    try:
        parsed = numbering.parse(number_text)
    except numbering.NumberError as error:
        raise ValidationError({"number_text": error.message}) from error
    _check_issue_date(issued_on)
    if not (summary or "").strip():
        raise ValidationError({"summary": _("Hãy nhập trích yếu nội dung văn bản.")})
    if status not in ISSUED_STATES:
        raise ValidationError({"status": _("Trạng thái không hợp lệ cho văn bản đã ban hành.")})
    if issuer_unit is not None:
        issuer_name, _short = issuer_as_of(issuer_unit, issued_on)
    elif not (issuer_name or "").strip():
        raise ValidationError(
            {"issuer_name": _("Hãy chọn đơn vị ban hành hoặc nhập tên cơ quan ban hành.")}
        )
    resolved_type = parsed.type or doc_type or "CV"
    if parsed.type and doc_type and doc_type != parsed.type:
        raise ValidationError(
            {
                "doc_type": _(
                    "Loại văn bản %(chosen)s không khớp với ký hiệu %(code)s trong số hiệu."
                )
                % {"chosen": doc_type, "code": parsed.type}
            }
        )
    term = term_for(issuer_unit, issued_on) if parsed.system == numbering.PARTY else None
    existing = find_duplicate(
        system=parsed.system,
        issuer_unit=issuer_unit,
        issuer_name=issuer_name,
        issuer_code=parsed.issuer,
        doc_type=resolved_type,
        number=parsed.number,
        year=parsed.year,
        term=term,
        issued_on=issued_on,
    )
    if existing is not None:
        raise _duplicate_error(existing)
    document = Document.objects.create(
        system=parsed.system,
        doc_type=resolved_type,
        number=parsed.number,
        year=parsed.year,
        number_text=parsed.format(),
        issuer_code=parsed.issuer,
        issuer_name=issuer_name.strip(),
        issuer_unit=issuer_unit,
        owner_unit=owner_unit,
        is_external=issuer_unit is None,
        term=term,
        signer=signer,
        signer_name=signer_name or (signer.full_name if signer else ""),
        signer_title=signer_title,
        issued_on=issued_on,
        summary=summary.strip(),
        status=status,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    refresh_search_text(document)
    _status_change(document, "", status, actor, "Vào sổ văn bản")
    _announce_issued(document)
    audit_record(
        actor=actor,
        obj=document,
        action=AuditEntry.Action.CREATE,
        changes=diff({}, snapshot(document, RECORD_FIELDS)),
    )
    return document


@transaction.atomic
def document_create_draft(
    *,
    actor,
    owner_unit: Unit,
    system: str,
    doc_type: str,
    summary: str,
    issuer_unit: Unit | None = None,
    note: str = "",
) -> Document:
    """Start a draft in `owner_unit`'s register, with its first version."""
    if system not in System.values:
        raise ValidationError({"system": _("Hãy chọn văn bản của Đảng hay của Nhà nước.")})
    table = numbering.PARTY_TYPES if system == numbering.PARTY else numbering.STATE_TYPES
    if doc_type not in table:
        raise ValidationError({"doc_type": _("Loại văn bản không hợp lệ.")})
    if not (summary or "").strip():
        raise ValidationError({"summary": _("Hãy nhập trích yếu nội dung dự thảo.")})
    issuer_unit = issuer_unit or owner_unit
    name, short = issuer_as_of(issuer_unit, dt.date.today())
    document = Document.objects.create(
        system=system,
        doc_type=doc_type,
        issuer_code=short or "",
        issuer_name=name,
        issuer_unit=issuer_unit,
        owner_unit=owner_unit,
        summary=summary.strip(),
        status=DocStatus.DRAFT,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    DocumentVersion.objects.create(
        document=document, number=1, note=note, created_by=document.created_by
    )
    refresh_search_text(document)
    _status_change(document, "", DocStatus.DRAFT, actor, "Tạo dự thảo")
    audit_record(
        actor=actor,
        obj=document,
        action=AuditEntry.Action.CREATE,
        changes=diff({}, snapshot(document, RECORD_FIELDS)),
    )
    return document


@transaction.atomic
def document_update(*, actor, document: Document, revision: int | None = None, **data) -> Document:
    """Correct a document's record. With `revision`, a concurrent change is refused, not lost."""
    allowed = {"summary", "signer", "signer_name", "signer_title", "issued_on", "issuer_name"}
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"document_update cannot change {sorted(unknown)}")
    stored = Document.objects.select_for_update().get(pk=document.pk)
    if revision is not None and stored.revision != revision:
        raise ValidationError(
            _("Văn bản vừa được người khác sửa. Hãy tải lại trang để xem thay đổi rồi sửa tiếp.")
        )
    before = snapshot(stored, RECORD_FIELDS)
    for field, value in data.items():
        setattr(stored, field, value.strip() if isinstance(value, str) else value)
    if not stored.summary:
        raise ValidationError({"summary": _("Hãy nhập trích yếu nội dung văn bản.")})
    if "issued_on" in data and stored.status in ISSUED_STATES:
        _check_issue_date(stored.issued_on)
    stored.revision = F("revision") + 1
    stored.save()
    stored.refresh_from_db()
    refresh_search_text(stored)
    changes = diff(before, snapshot(stored, RECORD_FIELDS))
    if changes:
        audit_record(actor=actor, obj=stored, action=AuditEntry.Action.UPDATE, changes=changes)
    return stored


# --- status ------------------------------------------------------------------------------------
ALLOWED_STEPS = {
    DocStatus.DRAFT: {DocStatus.IN_CONSULTATION, DocStatus.SUBMITTED},
    DocStatus.IN_CONSULTATION: {DocStatus.REVISED, DocStatus.SUBMITTED},
    DocStatus.REVISED: {DocStatus.IN_CONSULTATION, DocStatus.SUBMITTED},
    DocStatus.SUBMITTED: {DocStatus.ISSUED, DocStatus.REVISED},
    DocStatus.ISSUED: {DocStatus.AMENDED, DocStatus.SUPERSEDED, DocStatus.EXPIRED},
    DocStatus.AMENDED: {DocStatus.AMENDED, DocStatus.SUPERSEDED, DocStatus.EXPIRED},
    DocStatus.SUPERSEDED: set(),
    DocStatus.EXPIRED: set(),
}


@transaction.atomic
def document_set_status(*, actor, document: Document, status: str, note: str = "") -> Document:
    """Move a document one step in its life; steps that make no sense are refused."""
    stored = Document.objects.select_for_update().get(pk=document.pk)
    if status not in ALLOWED_STEPS.get(stored.status, set()):
        raise ValidationError(
            _("Không thể chuyển văn bản từ “%(old)s” sang “%(new)s”.")
            % {"old": stored.get_status_display(), "new": DocStatus(status).label}
        )
    old = stored.status
    stored.status = status
    stored.revision = F("revision") + 1
    stored.save(update_fields=["status", "revision", "updated_at"])
    stored.refresh_from_db()
    _status_change(stored, old, status, actor, note)
    audit_record(
        actor=actor,
        obj=stored,
        action=AuditEntry.Action.UPDATE,
        changes={"status": [old, status]},
        note=note,
    )
    return stored


@transaction.atomic
def document_sign(
    *,
    actor,
    document: Document,
    issued_on: dt.date,
    number: int | None = None,
    signer=None,
    signer_title: str = "",
) -> Document:
    """Sign and issue a draft: it gets its number (the next free one unless given) and date."""
    stored = Document.objects.select_for_update().get(pk=document.pk)
    if stored.status not in DRAFT_STATES:
        raise ValidationError(_("Văn bản này đã được ban hành."))
    _check_issue_date(issued_on)
    issuer_unit = stored.issuer_unit
    if issuer_unit is not None:
        name, short = issuer_as_of(issuer_unit, issued_on)
        stored.issuer_name = name
        stored.issuer_code = short or stored.issuer_code
    if not stored.issuer_code:
        raise ValidationError(
            {"number": _("Đơn vị ban hành chưa có tên viết tắt (ví dụ ThU) để ghi vào số hiệu.")}
        )
    term = term_for(issuer_unit, issued_on) if stored.system == numbering.PARTY else None
    series = {
        "system": stored.system,
        "issuer_unit": issuer_unit,
        "issuer_name": stored.issuer_name,
        "issuer_code": stored.issuer_code,
        "doc_type": stored.doc_type,
        "term": term,
        "issued_on": issued_on,
    }
    if number is None:
        number = next_number(**series)
    if number < 1:
        raise ValidationError({"number": _("Số văn bản phải lớn hơn 0.")})
    existing = find_duplicate(number=number, year=None, exclude_pk=stored.pk, **series)
    if existing is not None:
        raise _duplicate_error(existing)
    parsed = numbering.DocNumber(stored.system, number, stored.doc_type, stored.issuer_code, None)
    try:
        text = numbering.normalise(parsed.format())
    except numbering.NumberError as error:
        raise ValidationError({"number": error.message}) from error
    before = snapshot(stored, RECORD_FIELDS)
    old_status = stored.status
    stored.number, stored.number_text, stored.term, stored.issued_on = number, text, term, issued_on
    if signer is not None:
        stored.signer, stored.signer_name = signer, signer.full_name
    stored.signer_title = signer_title or stored.signer_title
    stored.status = DocStatus.ISSUED
    stored.revision = F("revision") + 1
    stored.save()
    stored.refresh_from_db()
    refresh_search_text(stored)
    _status_change(stored, old_status, DocStatus.ISSUED, actor, f"Ký ban hành số {text}")
    audit_record(
        actor=actor,
        obj=stored,
        action=AuditEntry.Action.UPDATE,
        changes=diff(before, snapshot(stored, RECORD_FIELDS)),
        note="Ký ban hành",
    )
    apply_pending_relation_effects(actor=actor, document=stored)
    _announce_issued(stored)
    return stored


# --- relations ---------------------------------------------------------------------------------
CHAIN_KINDS = {RelationKind.REPLACES, RelationKind.AMENDS}


def _reaches(start: Document, goal: Document, kinds: set[str]) -> bool:
    """True when following `kinds` relations from `start` arrives at `goal` (breadth first)."""
    frontier, seen = {start.pk}, {start.pk}
    while frontier:
        nxt = set(
            DocumentRelation.objects.filter(source_id__in=frontier, kind__in=kinds).values_list(
                "target_id", flat=True
            )
        )
        if goal.pk in nxt:
            return True
        frontier = nxt - seen
        seen |= nxt
    return False


@transaction.atomic
def relation_add(
    *, actor, source: Document, target: Document, kind: str, note: str = ""
) -> DocumentRelation:
    """Record that `source` <kind> `target`. Replacing or amending an issued document marks it
    superseded or amended; a chain that loops back (A replaces B replaces A) is refused."""
    if kind not in RelationKind.values:
        raise ValidationError({"kind": _("Quan hệ không hợp lệ.")})
    if source.pk == target.pk:
        raise ValidationError({"target": _("Một văn bản không thể liên kết với chính nó.")})
    if DocumentRelation.objects.filter(source=source, target=target, kind=kind).exists():
        raise ValidationError({"target": _("Quan hệ này đã được ghi.")})
    loop_kinds = CHAIN_KINDS if kind in CHAIN_KINDS else {kind}
    if _reaches(target, source, loop_kinds):
        raise ValidationError(
            {
                "target": _(
                    "“%(target)s” đã (trực tiếp hoặc gián tiếp) %(kind)s “%(source)s”: quan hệ này sẽ tạo vòng lặp."
                )
                % {
                    "target": target.number_text or target.summary[:60],
                    "kind": RelationKind(kind).label,
                    "source": source.number_text or source.summary[:60],
                }
            }
        )
    relation = DocumentRelation.objects.create(
        source=source,
        target=target,
        kind=kind,
        note=note,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        obj=source,
        action=AuditEntry.Action.UPDATE,
        changes={"relation": [None, f"{kind}: {target}"]},
    )
    if source.status in ISSUED_STATES:
        _apply_relation_effect(actor, relation)
    return relation


def _apply_relation_effect(actor, relation: DocumentRelation) -> None:
    target = relation.target
    if relation.kind == RelationKind.REPLACES and target.status in {
        DocStatus.ISSUED,
        DocStatus.AMENDED,
    }:
        document_set_status(
            actor=actor,
            document=target,
            status=DocStatus.SUPERSEDED,
            note=f"Bị thay thế bởi {relation.source.number_text}",
        )
    elif relation.kind == RelationKind.AMENDS and target.status in {
        DocStatus.ISSUED,
        DocStatus.AMENDED,
    }:
        document_set_status(
            actor=actor,
            document=target,
            status=DocStatus.AMENDED,
            note=f"Được sửa đổi, bổ sung bởi {relation.source.number_text}",
        )


def apply_pending_relation_effects(*, actor, document: Document) -> None:
    """When a draft that replaces or amends others is issued, mark those others now."""
    for relation in document.relations_out.filter(kind__in=CHAIN_KINDS).select_related("target"):
        _apply_relation_effect(actor, relation)
