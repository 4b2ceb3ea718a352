"""Export: a document's whole implementation, as the exporting user sees it, in the exchange
format. What a user may not see never enters the file (the same rules as the pages)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import ISSUED_STATES, Document, DocumentRelation
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.plans import compliance, rules
from trienkhai.plans.models import (
    Indicator,
    Measurement,
    Programme,
    Requirement,
    Task,
    TaskCoordination,
)

from . import format as fmt
from .keys import KeyBook

# How far down the chain "implements / based on / guides" the export follows: a resolution, the
# city's plan carrying it out, a ward's plan carrying out the city's, a cell's programme.
DEPTH = 4
FOLLOW_KINDS = ("implements", "based_on", "guides", "amends", "replaces")


class NotExportable(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _documents(user, root: Document) -> list[Document]:
    """The root, the issued documents that carry it out (down to DEPTH) and what it is based on."""
    visible = document_rules.filter_documents(
        user, Document.objects.filter(status__in=ISSUED_STATES)
    )
    ids = {root.pk}
    frontier = {root.pk}
    for _level in range(DEPTH):
        below = (
            set(
                visible.filter(
                    relations_out__target_id__in=frontier, relations_out__kind__in=FOLLOW_KINDS
                ).values_list("pk", flat=True)
            )
            - ids
        )
        if not below:
            break
        ids |= below
        frontier = below
    ids |= set(visible.filter(relations_in__source_id=root.pk).values_list("pk", flat=True))
    return list(visible.filter(pk__in=ids).select_related("issuer_unit", "owner_unit"))


def _descendant_tasks(user, tasks: dict[int, Task]) -> None:
    frontier = set(tasks)
    while frontier:
        children = rules.filter_tasks(user, Task.objects.filter(parent_id__in=frontier)).exclude(
            pk__in=tasks
        )
        found = {t.pk: t for t in children}
        tasks.update(found)
        frontier = set(found)


def export_package(user, root: Document, *, today: dt.date | None = None) -> dict:
    """The package (plain JSON values) for `root` as `user` sees it."""
    if not document_rules.can_view(user, root):
        raise PermissionDenied
    if root.status not in ISSUED_STATES:
        raise NotExportable(
            _("Chỉ xuất được văn bản đã ban hành; “%(doc)s” đang là dự thảo.") % {"doc": root}
        )
    today = today or timezone.localdate()
    book = KeyBook()
    documents = {d.pk: d for d in _documents(user, root)}

    programmes = {
        p.pk: p
        for p in rules.filter_programmes(user, Programme.objects.filter(document_id__in=documents))
    }
    indicators = {
        i.pk: i
        for i in rules.filter_indicators(
            user,
            Indicator.objects.filter(Q(programme_id__in=programmes) | Q(document_id__in=documents)),
        ).order_by("programme_id", "position", "pk")
    }
    tasks = {
        t.pk: t
        for t in rules.filter_tasks(
            user,
            Task.objects.filter(
                Q(assigning_document_id__in=documents) | Q(programme_id__in=programmes)
            ),
        )
    }
    _descendant_tasks(user, tasks)
    # Documents the plan points at (a programme's own document, a task's output) come along
    # when the user sees them.
    extra = {p.programme_document_id for p in programmes.values()} | {
        t.output_document_id for t in tasks.values()
    }
    extra -= set(documents) | {None}
    if extra:
        for d in document_rules.filter_documents(
            user, Document.objects.filter(pk__in=extra, status__in=ISSUED_STATES)
        ):
            documents[d.pk] = d

    requirements = {
        r.pk: r
        for r in rules.filter_requirements(
            user, Requirement.objects.filter(implements_id__in=documents)
        )
    }
    targets = list(
        compliance.annotate_cells(
            compliance.visible_targets(user, list(requirements.values())), today, documents=True
        ).order_by("requirement_id", "unit__path")
    )
    visible_units = _measured_units_q(user)
    measurements = list(
        Measurement.objects.filter(indicator_id__in=indicators)
        .filter(visible_units)
        .order_by("indicator_id", "unit_id", "measured_on", "-entered_at", "-pk")
    )
    coordinations: dict[int, list[int]] = {}
    for task_id, unit_id in TaskCoordination.objects.filter(task_id__in=tasks).values_list(
        "task_id", "unit_id"
    ):
        coordinations.setdefault(task_id, []).append(unit_id)

    unit_ids: set[int] = set()
    for d in documents.values():
        unit_ids |= {d.issuer_unit_id, d.owner_unit_id}
    for p in programmes.values():
        unit_ids.add(p.owner_unit_id)
    for i in indicators.values():
        unit_ids.add(i.unit_id)
    for m in measurements:
        unit_ids.add(m.unit_id)
    for t in tasks.values():
        unit_ids |= {t.assigned_by_id, t.lead_unit_id, t.output_issuer_id}
        unit_ids |= set(coordinations.get(t.pk, []))
    for r in requirements.values():
        unit_ids |= {r.set_by_id, r.parent_unit_id}
    for target in targets:
        unit_ids.add(target.unit_id)
    unit_ids.discard(None)

    for kind, ids in (
        ("unit", unit_ids),
        ("document", documents),
        ("programme", programmes),
        ("indicator", indicators),
        ("task", tasks),
        ("requirement", requirements),
    ):
        book.preload(kind, ids)
    k = book.key

    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("path"))
    names = _ancestor_names(units)
    package = {
        "format": fmt.FORMAT,
        "version": fmt.VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "origin": book.origin,
        "origin_name": _origin_name(),
        "scope": k("document", root.pk),
        "units": [
            {
                "key": k("unit", u.pk),
                "name": u.name,
                "kind": u.kind,
                "short_name": u.short_name,
                "official_code": u.official_code,
                "source_key": u.source_key or "",
                "path": names[u.pk],
            }
            for u in units
        ],
        "documents": [
            {
                "key": k("document", d.pk),
                "system": d.system,
                "doc_type": d.doc_type,
                "number_text": d.number_text,
                "issuer_name": d.issuer_name,
                "issuer_unit": k("unit", d.issuer_unit_id),
                "owner_unit": k("unit", d.owner_unit_id),
                "issued_on": d.issued_on,
                "summary": d.summary,
                "status": d.status,
                "signer_name": d.signer_name,
                "signer_title": d.signer_title,
            }
            for d in sorted(documents.values(), key=lambda d: (d.issued_on or today, d.pk))
        ],
        "relations": [
            {
                "source": k("document", r.source_id),
                "kind": r.kind,
                "target": k("document", r.target_id),
                "note": r.note,
            }
            for r in DocumentRelation.objects.filter(
                source_id__in=documents, target_id__in=documents
            ).order_by("pk")
        ],
        "programmes": [
            {
                "key": k("programme", p.pk),
                "document": k("document", p.document_id),
                "programme_document": k("document", p.programme_document_id)
                if p.programme_document_id in documents
                else None,
                "title": p.title,
                "field": p.field,
                "owner_unit": k("unit", p.owner_unit_id),
                "start_year": p.start_year,
                "end_year": p.end_year,
                "description": p.description,
                "created_on": timezone.localdate(p.created_at),
            }
            for p in sorted(programmes.values(), key=lambda p: p.pk)
        ],
        "indicators": [
            {
                "key": k("indicator", i.pk),
                "programme": k("programme", i.programme_id),
                "document": k("document", i.document_id) if i.document_id in documents else None,
                "unit": k("unit", i.unit_id),
                "name": i.name,
                "measure_unit": i.measure_unit,
                "direction": i.direction,
                "baseline_value": i.baseline_value,
                "baseline_year": i.baseline_year,
                "target_value": i.target_value,
                "target_date": i.target_date,
                "target_precision": i.target_precision,
                "by_subunits": i.by_subunits,
                "rollup": i.rollup,
                "position": i.position,
                "created_on": timezone.localdate(i.created_at),
            }
            for i in indicators.values()
        ],
        "measurements": _latest_measurements(measurements, k),
        "tasks": [_task_row(t, k, coordinations, documents) for t in _parents_first(tasks)],
        "requirements": [
            {
                "key": k("requirement", r.pk),
                "title": r.title,
                "set_by": k("unit", r.set_by_id),
                "parent_unit": k("unit", r.parent_unit_id),
                "unit_kinds": list(r.unit_kinds),
                "doc_type": r.doc_type,
                "implements": k("document", r.implements_id),
                "due_on": r.due_on,
                "targets": [k("unit", t.unit_id) for t in targets if t.requirement_id == r.pk],
                "created_on": timezone.localdate(r.created_at),
            }
            for r in sorted(requirements.values(), key=lambda r: r.pk)
        ],
        "compliance": [
            {
                "requirement": k("requirement", t.requirement_id),
                "unit": k("unit", t.unit_id),
                "state": t.state,
                "document": k("document", t.own_doc or t.successor_doc)
                if (t.own_doc or t.successor_doc) in documents
                else None,
                "issued_on": (
                    documents[t.own_doc or t.successor_doc].issued_on
                    if (t.own_doc or t.successor_doc) in documents
                    else None
                ),
            }
            for t in targets
        ],
    }
    return fmt.plain(_with_row_defaults(package))


def _measured_units_q(user) -> Q:
    """Measurements of units the user sees (a ward never gets its sibling's figures)."""
    q = org_rules.visible_q(user, org_rules.VIEW, "unit__path")
    return q if q is not None else Q()


def _with_row_defaults(package: dict) -> dict:
    for name, section in fmt.SECTIONS.items():
        for row in package[name]:
            for spec in section.fields:
                row.setdefault(spec.name, None)
    return package


def _origin_name() -> str:
    return getattr(settings, "TRIENKHAI_SITE_NAME", "") or "Triển Khai"


def _ancestor_names(units: list[Unit]) -> dict[int, list[str]]:
    """Each unit's line of ancestors by name, root first (how a person finds it in a tree)."""
    step = Unit.steplen
    prefixes = {u.path[:end] for u in units for end in range(step, len(u.path), step)}
    by_path = dict(Unit.objects.filter(path__in=prefixes).values_list("path", "name"))
    return {
        u.pk: [by_path.get(u.path[:end], "") for end in range(step, len(u.path), step)]
        for u in units
    }


def _latest_measurements(measurements: list[Measurement], k) -> list[dict]:
    """One value per indicator, unit and day: the latest entry (the correction) wins."""
    out, seen = [], set()
    for m in measurements:
        marker = (m.indicator_id, m.unit_id, m.measured_on)
        if marker in seen:
            continue
        seen.add(marker)
        out.append(
            {
                "indicator": k("indicator", m.indicator_id),
                "unit": k("unit", m.unit_id),
                "measured_on": m.measured_on,
                "value": m.value,
                "source": m.source,
            }
        )
    return out


def _parents_first(tasks: dict[int, Task]) -> list[Task]:
    ordered, placed = [], set()

    def place(task: Task, trail=()):
        if task.pk in placed or task.pk in trail:
            return
        if task.parent_id in tasks:
            place(tasks[task.parent_id], (*trail, task.pk))
        placed.add(task.pk)
        ordered.append(task)

    for task in sorted(tasks.values(), key=lambda t: t.pk):
        place(task)
    return ordered


def _task_row(t: Task, k, coordinations: dict, documents: dict) -> dict:
    return {
        "key": k("task", t.pk),
        "parent": k("task", t.parent_id),
        "title": t.title,
        "description": t.description,
        "programme": k("programme", t.programme_id),
        "assigned_by": k("unit", t.assigned_by_id),
        "assigning_document": k("document", t.assigning_document_id)
        if t.assigning_document_id in documents
        else None,
        "lead_unit": k("unit", t.lead_unit_id),
        "coordinating_units": [k("unit", u) for u in sorted(coordinations.get(t.pk, []))],
        "output_text": t.output_text,
        "output_doc_type": t.output_doc_type,
        "output_issuer": k("unit", t.output_issuer_id),
        "output_document": k("document", t.output_document_id)
        if t.output_document_id in documents
        else None,
        "start_on": t.start_on,
        "deadline": t.deadline,
        "deadline_precision": t.deadline_precision,
        "status": t.status,
        "progress": t.progress,
        "weight": t.weight,
        "completed_on": t.completed_on,
        "postponed_reason": t.postponed_reason,
        "created_on": timezone.localdate(t.created_at),
    }


def export_filename(root: Document, extension: str) -> str:
    stem = slugify(root.number_text.replace("/", "-")) or f"van-ban-{root.pk}"
    return f"trien-khai-{stem}-{timezone.localdate():%Y%m%d}.{extension}"
