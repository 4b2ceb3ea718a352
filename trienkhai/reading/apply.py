"""Creating what the clerk chose from a reading: all or none, each linked to its sentence.

`reading_apply` creates the chosen references, tasks and targets through the documents and
plans services (so they are checked and audited there), in one transaction; a reading is
applied once, so a second click or a second tab creates nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record
from trienkhai.documents import rules as document_rules
from trienkhai.documents import services as documents
from trienkhai.documents.models import Document
from trienkhai.lib import dates
from trienkhai.org.models import Unit
from trienkhai.plans import indicators as plan_indicators
from trienkhai.plans import tasks as plan_tasks
from trienkhai.plans.models import Programme

from . import rules
from .models import Reading, ReadingLink
from .selectors import links_of
from .services import assigner_for, assignment_day


def _actor(user):
    return user if user is not None and user.is_authenticated else None


@dataclass
class ChosenReference:
    prefix: str
    start: int
    end: int
    target: Document | None = None  # an existing document; None: register `new`
    kind: str = ""  # the relation from the document read; "" when there is none
    new: dict | None = None  # number_text, issuer_name, issued_on, summary


@dataclass
class ChosenTask:
    prefix: str
    start: int
    end: int
    title: str
    lead_unit: Unit | None
    coordinating_units: list[Unit]
    deadline: dt.date | None
    deadline_precision: str


@dataclass
class ChosenIndicator:
    prefix: str
    start: int
    end: int
    name: str
    target_value: Decimal | None
    measure_unit: str
    direction: str
    target_date: dt.date | None
    target_precision: str
    programme: Programme | None


class ApplyRefused(Exception):
    """Some chosen items could not be created; nothing was. `rows` maps a row's prefix to the
    ValidationError of its service."""

    def __init__(self, rows: dict[str, ValidationError], message: str = ""):
        super().__init__(message or "apply refused")
        self.rows = rows
        self.message = message


def _claim(reading: Reading, actor) -> bool:
    """Mark the reading applied; False when it already was (a second click, a second tab)."""
    return bool(
        Reading.objects.filter(pk=reading.pk, applied_at__isnull=True).update(
            applied_at=timezone.now(), applied_by=_actor(actor)
        )
    )


def reading_apply(
    *,
    actor,
    reading: Reading,
    references: list[ChosenReference] = (),
    tasks: list[ChosenTask] = (),
    indicators: list[ChosenIndicator] = (),
) -> tuple[list[ReadingLink], bool]:
    """Create the chosen items, all or none, each linked to its sentence. Returns the reading's
    links and True, or — when the reading was already applied — its links and False, creating
    nothing. Raises ApplyRefused (nothing created) when a service refused an item."""
    if actor is not None and not rules.can_apply(actor, reading):
        raise ValidationError(_("Bạn không có quyền tạo nhiệm vụ, chỉ tiêu từ văn bản này."))
    with transaction.atomic():
        if not _claim(reading, actor):
            return list(links_of(reading)), False
        rows: dict[str, ValidationError] = {}
        links: list[ReadingLink] = []
        for item in references:
            _try(rows, item.prefix, links, lambda item=item: _apply_reference(actor, reading, item))
        assigner = assigner_for(reading, actor)
        day = assignment_day(reading)
        for item in tasks:
            _try(
                rows,
                item.prefix,
                links,
                lambda item=item: _apply_task(actor, reading, assigner, day, item),
            )
        for item in indicators:
            _try(
                rows,
                item.prefix,
                links,
                lambda item=item: _apply_indicator(actor, reading, day, item),
            )
        if rows:
            raise ApplyRefused(rows)  # leaving the block undoes the claim and every row
        reading.refresh_from_db(fields=["applied_at", "applied_by"])
        audit_record(
            actor=actor,
            obj=reading,
            action=AuditEntry.Action.UPDATE,
            changes={"applied_at": [None, reading.applied_at.isoformat()]},
            note=_created_summary(links),
        )
    return links, True


def _try(rows, prefix, links, create) -> None:
    try:
        with transaction.atomic():
            links.extend(create())
    except ValidationError as error:
        rows[prefix] = error


def _link(reading: Reading, item, **target) -> ReadingLink:
    kind = next(iter(target))
    return ReadingLink.objects.create(
        reading=reading, start=item.start, end=item.end, kind=kind, **target
    )


def _apply_reference(actor, reading: Reading, item: ChosenReference) -> list[ReadingLink]:
    out = []
    target = item.target
    if target is None:
        new = item.new or {}
        target = documents.document_register(
            actor=actor,
            owner_unit=reading.unit,
            number_text=new.get("number_text", ""),
            issued_on=new.get("issued_on"),
            summary=new.get("summary", ""),
            issuer_name=new.get("issuer_name", ""),
        )
        out.append(_link(reading, item, document=target))
    elif actor is not None and not document_rules.can_view(actor, target):
        raise ValidationError({"target": _("Không tìm thấy văn bản, hoặc bạn không có quyền xem.")})
    if reading.document is not None and item.kind:
        relation = documents.relation_add(
            actor=actor, source=reading.document, target=target, kind=item.kind
        )
        out.append(_link(reading, item, relation=relation))
    return out


def _apply_task(actor, reading, assigner, day, item: ChosenTask) -> list[ReadingLink]:
    if item.lead_unit is None:
        raise ValidationError({"lead_unit": _("Hãy chọn đơn vị chủ trì.")})
    task = plan_tasks.task_create(
        actor=actor,
        title=item.title,
        assigned_by=assigner,
        lead_unit=item.lead_unit,
        assigning_document=reading.document,
        coordinating_units=item.coordinating_units,
        deadline=item.deadline,
        deadline_precision=item.deadline_precision or dates.DAY,
        today=day,
    )
    return [_link(reading, item, task=task)]


def _apply_indicator(actor, reading, day, item: ChosenIndicator) -> list[ReadingLink]:
    programme = item.programme
    unit = reading.unit
    if programme is not None and not unit.path.startswith(programme.owner_unit.path):
        unit = programme.owner_unit
    indicator = plan_indicators.indicator_create(
        actor=actor,
        unit=unit,
        name=item.name,
        measure_unit=item.measure_unit,
        direction=item.direction,
        target_value=item.target_value,
        target_date=item.target_date,
        target_precision=item.target_precision or dates.YEAR,
        programme=programme,
        document=reading.document if programme is None else None,
        today=day,
    )
    return [_link(reading, item, indicator=indicator)]


# The log keeps one language, as the other services' notes do.
_KIND_NAMES = {
    ReadingLink.Kind.TASK: "nhiệm vụ",
    ReadingLink.Kind.INDICATOR: "chỉ tiêu",
    ReadingLink.Kind.RELATION: "quan hệ văn bản",
    ReadingLink.Kind.DOCUMENT: "văn bản vào sổ",
}


def _created_summary(links: list[ReadingLink]) -> str:
    counts: dict[str, int] = {}
    for link in links:
        counts[link.kind] = counts.get(link.kind, 0) + 1
    parts = [f"{n} {_KIND_NAMES[kind]}" for kind, n in counts.items()]
    return "Đã tạo từ văn bản: " + (", ".join(parts) or "không có mục nào")
