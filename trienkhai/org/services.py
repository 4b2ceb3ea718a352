"""Writes to the organisation tree. Each function is atomic, checks its input, and audits.

Reorganisation never deletes or rewrites: it closes the unit's current `UnitPeriod` on the
effective date and opens the next one, records a `ReorgEvent`, and moves the node of the
current tree. Errors are `ValidationError`s with messages a clerk understands.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record, diff, snapshot
from trienkhai.lib.dates import format_vi

from . import rules
from .models import (
    Access,
    AccessRole,
    EndReason,
    Person,
    Position,
    ReorgEvent,
    ReorgEventUnit,
    Term,
    Unit,
    UnitKind,
    UnitPeriod,
    UnitSuccession,
)
from .signals import unit_moved, units_ended

Role = ReorgEventUnit.Role
# Event summaries and audit notes are records, written once in Vietnamese like the documents
# they cite; only messages shown to the person at the keyboard go through gettext.
UNIT_DETAIL_FIELDS = [
    "name",
    "short_name",
    "official_code",
    "established_on",
    "counterpart",
    "notes",
]


def _fresh(unit: Unit) -> Unit:
    """treebeard reads path and numchild from the instance: always work on the stored row."""
    return Unit.objects.get(pk=unit.pk)


def _stored(obj):
    """The row as saved: a ModelForm has already written the new values onto its instance."""
    return type(obj).objects.get(pk=obj.pk)


def _require_active(unit: Unit, field: str | None = None) -> None:
    if unit.ended_on is not None:
        raise ValidationError(
            {
                field: _("Đơn vị “%(name)s” đã kết thúc hoạt động ngày %(day)s.")
                % {"name": unit.name, "day": format_vi(unit.ended_on)}
            }
            if field
            else _("Đơn vị “%(name)s” đã kết thúc hoạt động ngày %(day)s.")
            % {"name": unit.name, "day": format_vi(unit.ended_on)}
        )


def _event(*, actor, kind: str, effective_on: dt.date, legal_basis: str, summary: str, roles):
    event = ReorgEvent.objects.create(
        kind=kind,
        effective_on=effective_on,
        legal_basis=legal_basis.strip(),
        summary=summary[:500],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    ReorgEventUnit.objects.bulk_create(
        [ReorgEventUnit(event=event, unit=unit, role=role) for unit, role in roles]
    )
    return event


def _current_period(unit: Unit) -> UnitPeriod:
    period = unit.periods.filter(valid_to__isnull=True).order_by("-valid_from").first()
    if period is None:
        # Units loaded before history was kept get their first period on demand.
        parent = unit.parent_unit()
        period = UnitPeriod.objects.create(
            unit=unit,
            valid_from=unit.established_on,
            name=unit.name,
            short_name=unit.short_name,
            kind=unit.kind,
            parent=parent,
        )
    return period


def _next_period(
    unit: Unit, effective_on: dt.date, event: ReorgEvent | None, **changes
) -> UnitPeriod:
    """Close the current period the day `effective_on` starts and open one with `changes`."""
    current = _current_period(unit)
    if current.valid_from is not None and effective_on <= current.valid_from:
        raise ValidationError(
            {
                "effective_on": _(
                    "Ngày hiệu lực phải sau ngày %(day)s, ngày của thay đổi gần nhất của “%(name)s”."
                )
                % {"day": format_vi(current.valid_from), "name": unit.name}
            }
        )
    current.valid_to = effective_on
    current.save(update_fields=["valid_to"])
    values = {
        "name": current.name,
        "short_name": current.short_name,
        "kind": current.kind,
        "parent": current.parent,
    }
    values.update(changes)
    return UnitPeriod.objects.create(unit=unit, valid_from=effective_on, event=event, **values)


def _check_date(unit: Unit, effective_on: dt.date | None) -> None:
    if effective_on is None:
        raise ValidationError({"effective_on": _("Hãy nhập ngày hiệu lực.")})
    if unit.established_on and effective_on <= unit.established_on:
        raise ValidationError(
            {
                "effective_on": _("Ngày hiệu lực phải sau ngày thành lập %(day)s của “%(name)s”.")
                % {"day": format_vi(unit.established_on), "name": unit.name}
            }
        )


@transaction.atomic
def unit_create(
    *,
    actor,
    parent: Unit | None,
    kind: str,
    name: str,
    short_name: str = "",
    official_code: str = "",
    established_on: dt.date | None = None,
    legal_basis: str = "",
    notes: str = "",
    counterpart: Unit | None = None,
    source_key: str | None = None,
    audit: bool = True,
) -> Unit:
    """Add a unit under `parent` (or as a new root). An establishment date records an event."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Hãy nhập tên đơn vị.")})
    if kind not in UnitKind.values:
        raise ValidationError({"kind": _("Loại đơn vị không hợp lệ.")})
    fields = {
        "kind": kind,
        "name": name,
        "short_name": short_name.strip(),
        "official_code": official_code.strip(),
        "established_on": established_on,
        "notes": notes,
        "counterpart": counterpart,
        "source_key": source_key,
    }
    if parent is not None:
        parent = _fresh(parent)
        _require_active(parent, "parent")
        if established_on and parent.established_on and established_on < parent.established_on:
            raise ValidationError(
                {
                    "established_on": _(
                        "Ngày thành lập không thể trước ngày thành lập %(day)s của đơn vị cấp trên."
                    )
                    % {"day": format_vi(parent.established_on)}
                }
            )
        unit = Unit.objects.add_child(parent, fields)
    else:
        unit = Unit.objects.add_root(fields)
    event = None
    if established_on is not None:
        roles = [(unit, Role.SUBJECT)] + ([(parent, Role.NEW_PARENT)] if parent else [])
        event = _event(
            actor=actor,
            kind=ReorgEvent.Kind.ESTABLISH,
            effective_on=established_on,
            legal_basis=legal_basis,
            summary=f"Thành lập {name}",
            roles=roles,
        )
    UnitPeriod.objects.create(
        unit=unit,
        valid_from=established_on,
        name=unit.name,
        short_name=unit.short_name,
        kind=unit.kind,
        parent=parent,
        event=event,
    )
    if audit:
        audit_record(
            actor=actor,
            obj=unit,
            action=AuditEntry.Action.CREATE,
            changes=diff({}, snapshot(unit, UNIT_DETAIL_FIELDS + ["kind"])),
            note=(f"Trực thuộc: {parent.name}") if parent else "",
        )
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **data) -> Unit:
    """Correct a unit's details. A changed name here is a correction of a typo, applied to the
    current period; a real change of name is `unit_rename`."""
    unknown = set(data) - set(UNIT_DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"unit_update cannot change {sorted(unknown)}")
    unit = _fresh(unit)
    before = snapshot(unit, UNIT_DETAIL_FIELDS)
    for field, value in data.items():
        setattr(
            unit, field, value.strip() if isinstance(value, str) and field != "notes" else value
        )
    if not unit.name:
        raise ValidationError({"name": _("Hãy nhập tên đơn vị.")})
    if unit.counterpart_id == unit.pk:
        raise ValidationError(
            {"counterpart": _("Một đơn vị không thể là đơn vị tương ứng của chính nó.")}
        )
    unit.save()
    changes = diff(before, snapshot(unit, UNIT_DETAIL_FIELDS))
    if {"name", "short_name"} & set(changes):
        period = _current_period(unit)
        period.name, period.short_name = unit.name, unit.short_name
        period.save(update_fields=["name", "short_name", "name_folded"])
    if changes:
        audit_record(actor=actor, obj=unit, action=AuditEntry.Action.UPDATE, changes=changes)
    return unit


@transaction.atomic
def unit_rename(
    *, actor, unit: Unit, name: str, short_name: str, effective_on: dt.date, legal_basis: str = ""
) -> ReorgEvent:
    """From `effective_on` the unit bears a new name; the old one stays in its history."""
    unit = _fresh(unit)
    _require_active(unit)
    _check_date(unit, effective_on)
    name, short_name = (name or "").strip(), (short_name or "").strip()
    if not name:
        raise ValidationError({"name": _("Hãy nhập tên mới.")})
    if name == unit.name and short_name == unit.short_name:
        raise ValidationError({"name": _("Tên mới trùng với tên hiện tại.")})
    old = unit.name
    event = _event(
        actor=actor,
        kind=ReorgEvent.Kind.RENAME,
        effective_on=effective_on,
        legal_basis=legal_basis,
        summary=f"Đổi tên “{old}” thành “{name}”",
        roles=[(unit, Role.SUBJECT)],
    )
    _next_period(unit, effective_on, event, name=name, short_name=short_name)
    before = snapshot(unit, ["name", "short_name"])
    unit.name, unit.short_name = name, short_name
    unit.save()
    audit_record(
        actor=actor,
        obj=unit,
        action=AuditEntry.Action.REORGANISE,
        changes=diff(before, snapshot(unit, ["name", "short_name"])),
        note=str(event),
    )
    return event


def _move_node(unit: Unit, new_parent: Unit) -> None:
    old_path = _fresh(unit).path
    Unit.objects.move(_fresh(unit), _fresh(new_parent), pos="last-child")
    unit_moved.send(sender=Unit, unit=unit, old_path=old_path, new_path=_fresh(unit).path)


def _check_move_target(unit: Unit, new_parent: Unit) -> None:
    if new_parent.pk == unit.pk or new_parent.path.startswith(unit.path):
        raise ValidationError(
            {
                "new_parent": _(
                    "Không thể chuyển một đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó."
                )
            }
        )
    _require_active(new_parent, "new_parent")


@transaction.atomic
def unit_move(
    *, actor, unit: Unit, new_parent: Unit, effective_on: dt.date, legal_basis: str = ""
) -> ReorgEvent:
    """From `effective_on` the unit (with its subtree) sits under `new_parent`."""
    unit, new_parent = _fresh(unit), _fresh(new_parent)
    _require_active(unit)
    _check_date(unit, effective_on)
    _check_move_target(unit, new_parent)
    old_parent = unit.parent_unit()
    if old_parent is not None and old_parent.pk == new_parent.pk:
        raise ValidationError(
            {"new_parent": _("“%(name)s” đã trực thuộc đơn vị này.") % {"name": unit.name}}
        )
    roles = [(unit, Role.SUBJECT), (new_parent, Role.NEW_PARENT)]
    if old_parent is not None:
        roles.append((old_parent, Role.OLD_PARENT))
    event = _event(
        actor=actor,
        kind=ReorgEvent.Kind.MOVE,
        effective_on=effective_on,
        legal_basis=legal_basis,
        summary=f"Chuyển “{unit.name}” về trực thuộc “{new_parent.name}”",
        roles=roles,
    )
    _next_period(unit, effective_on, event, parent=new_parent)
    _move_node(unit, new_parent)
    audit_record(
        actor=actor,
        obj=unit,
        action=AuditEntry.Action.REORGANISE,
        changes={"parent": [old_parent.name if old_parent else None, new_parent.name]},
        note=str(event),
    )
    return event


def _end_unit(*, actor, unit: Unit, effective_on: dt.date, reason: str, event: ReorgEvent) -> None:
    """Close the unit's history, its open positions, and mark it ended."""
    current = _current_period(unit)
    if current.valid_from is not None and effective_on <= current.valid_from:
        raise ValidationError(
            {
                "effective_on": _(
                    "Ngày hiệu lực phải sau ngày %(day)s, ngày của thay đổi gần nhất của “%(name)s”."
                )
                % {"day": format_vi(current.valid_from), "name": unit.name}
            }
        )
    current.valid_to = effective_on
    current.save(update_fields=["valid_to"])
    last_day = effective_on - dt.timedelta(days=1)
    Position.objects.filter(unit=unit, end_on__isnull=True).update(end_on=last_day)
    Position.objects.filter(unit=unit, end_on__gt=last_day).update(end_on=last_day)
    Unit.objects.filter(pk=unit.pk).update(ended_on=effective_on, end_reason=reason)
    audit_record(
        actor=actor,
        obj=unit,
        action=AuditEntry.Action.END,
        changes={"ended_on": [None, effective_on.isoformat()], "end_reason": [None, reason]},
        note=str(event),
    )


def _active_children(unit: Unit):
    return Unit.objects.filter(
        path__startswith=unit.path, depth=unit.depth + 1, ended_on__isnull=True
    )


def _move_children(*, actor, source: Unit, target: Unit, effective_on: dt.date, event: ReorgEvent):
    for child in _active_children(source).order_by("path"):
        _next_period(child, effective_on, event, parent=target)
        _move_node(child, target)
        audit_record(
            actor=actor,
            obj=child,
            action=AuditEntry.Action.REORGANISE,
            changes={"parent": [source.name, target.name]},
            note=str(event),
        )


@transaction.atomic
def unit_merge(
    *,
    actor,
    sources: list[Unit],
    effective_on: dt.date,
    legal_basis: str = "",
    into: Unit | None = None,
    new_name: str = "",
    new_short_name: str = "",
    new_kind: str = "",
    new_parent: Unit | None = None,
) -> tuple[ReorgEvent, Unit]:
    """A + B → C. With `into`, the sources join that existing unit; otherwise C is created
    under `new_parent`. Active children of the sources move to C; the sources end."""
    sources = [_fresh(u) for u in sources]
    ids = {u.pk for u in sources}
    if len(ids) != len(sources):
        raise ValidationError({"sources": _("Một đơn vị được chọn hai lần.")})
    if into is not None:
        into = _fresh(into)
        if into.pk in ids:
            raise ValidationError(
                {"into": _("Đơn vị nhận sáp nhập không được nằm trong danh sách sáp nhập.")}
            )
        if not sources:
            raise ValidationError({"sources": _("Hãy chọn ít nhất một đơn vị sáp nhập vào.")})
        _require_active(into, "into")
    elif len(sources) < 2:
        raise ValidationError({"sources": _("Hợp nhất cần ít nhất hai đơn vị.")})
    if effective_on is None:
        raise ValidationError({"effective_on": _("Hãy nhập ngày hiệu lực.")})
    all_units = sources + ([into] if into else [])
    for unit in sources:
        _require_active(unit, "sources")
        _check_date(unit, effective_on)
    for a in all_units:
        for b in all_units:
            if a.pk != b.pk and b.path.startswith(a.path):
                raise ValidationError(
                    {
                        "sources": _(
                            "“%(child)s” trực thuộc “%(parent)s”: không thể hợp nhất cấp trên với cấp dưới."
                        )
                        % {"child": b.name, "parent": a.name}
                    }
                )
    names = ", ".join(u.name for u in sources)
    if into is None:
        if not (new_name or "").strip():
            raise ValidationError({"new_name": _("Hãy nhập tên đơn vị mới sau hợp nhất.")})
        if new_parent is None:
            raise ValidationError({"new_parent": _("Hãy chọn đơn vị cấp trên của đơn vị mới.")})
        new_parent = _fresh(new_parent)
        if any(new_parent.path.startswith(u.path) for u in sources):
            raise ValidationError(
                {
                    "new_parent": _(
                        "Đơn vị cấp trên mới không được là đơn vị bị hợp nhất hoặc cấp dưới của nó."
                    )
                }
            )
        _require_active(new_parent, "new_parent")
        target = unit_create(
            actor=actor,
            parent=new_parent,
            kind=new_kind or sources[0].kind,
            name=new_name,
            short_name=new_short_name,
        )
        summary = f"Hợp nhất {names} thành “{target.name}”"
    else:
        target = into
        summary = f"Sáp nhập {names} vào “{target.name}”"
    roles = [(u, Role.SOURCE) for u in sources] + [(target, Role.RESULT)]
    event = _event(
        actor=actor,
        kind=ReorgEvent.Kind.MERGE,
        effective_on=effective_on,
        legal_basis=legal_basis,
        summary=summary,
        roles=roles,
    )
    if into is None:
        Unit.objects.filter(pk=target.pk).update(established_on=effective_on)
        target.periods.update(valid_from=effective_on, event=event)
        target.refresh_from_db()
    else:
        audit_record(
            actor=actor,
            obj=target,
            action=AuditEntry.Action.REORGANISE,
            changes={"predecessors": [None, [u.name for u in sources]]},
            note=str(event),
        )
    for source in sources:
        _move_children(
            actor=actor, source=source, target=target, effective_on=effective_on, event=event
        )
        _end_unit(
            actor=actor,
            unit=source,
            effective_on=effective_on,
            reason=EndReason.MERGED,
            event=event,
        )
        UnitSuccession.objects.create(predecessor=source, successor=target, event=event)
    units_ended.send(sender=Unit, unit_ids=[u.pk for u in sources])
    return event, target


@transaction.atomic
def unit_split(
    *,
    actor,
    source: Unit,
    parts: list[dict],
    effective_on: dt.date,
    legal_basis: str = "",
    source_continues: bool = False,
) -> tuple[ReorgEvent, list[Unit]]:
    """A → B + C. Each part is {name, short_name?, kind?, parent?}; parts sit beside the source
    unless a parent is given. Without `source_continues` the source ends."""
    source = _fresh(source)
    _require_active(source)
    _check_date(source, effective_on)
    parts = [p for p in parts if (p.get("name") or "").strip()]
    minimum = 1 if source_continues else 2
    if len(parts) < minimum:
        raise ValidationError(
            {"parts": _("Chia tách cần ít nhất %(n)d đơn vị mới.") % {"n": minimum}}
        )
    if not source_continues and _active_children(source).exists():
        raise ValidationError(
            {
                "parts": _(
                    "“%(name)s” còn đơn vị trực thuộc đang hoạt động; hãy chuyển chúng sang đơn vị mới trước khi chia tách."
                )
                % {"name": source.name}
            }
        )
    default_parent = source.parent_unit()
    new_units = []
    for part in parts:
        parent = part.get("parent") or default_parent
        if parent is not None and parent.path.startswith(source.path) and not source_continues:
            raise ValidationError(
                {"parts": _("Đơn vị mới không thể trực thuộc đơn vị bị chia tách.")}
            )
        unit = unit_create(
            actor=actor,
            parent=parent,
            kind=part.get("kind") or source.kind,
            name=part["name"],
            short_name=part.get("short_name", ""),
        )
        new_units.append(unit)
    event = _event(
        actor=actor,
        kind=ReorgEvent.Kind.SPLIT,
        effective_on=effective_on,
        legal_basis=legal_basis,
        summary="Chia tách “{name}” thành {parts}".format(
            name=source.name, parts=", ".join(u.name for u in new_units)
        ),
        roles=[(source, Role.SOURCE)] + [(u, Role.RESULT) for u in new_units],
    )
    for unit in new_units:
        Unit.objects.filter(pk=unit.pk).update(established_on=effective_on)
        unit.periods.update(valid_from=effective_on, event=event)
        UnitSuccession.objects.create(predecessor=source, successor=unit, event=event)
    if not source_continues:
        _end_unit(
            actor=actor, unit=source, effective_on=effective_on, reason=EndReason.SPLIT, event=event
        )
        units_ended.send(sender=Unit, unit_ids=[source.pk])
    return event, [_fresh(u) for u in new_units]


@transaction.atomic
def unit_dissolve(
    *,
    actor,
    unit: Unit,
    effective_on: dt.date,
    legal_basis: str = "",
    successors: list[Unit] = (),
) -> ReorgEvent:
    """The unit ends. It must have no active sub-units left; its data stays readable.

    `successors` are the units that carry on its work (e.g. the new communes after a district
    committee ended in 2025); they are recorded so the old unit points to them.
    """
    unit = _fresh(unit)
    _require_active(unit)
    _check_date(unit, effective_on)
    children = list(_active_children(unit).order_by("path")[:6])
    if children:
        shown = ", ".join(c.name for c in children[:5]) + ("…" if len(children) > 5 else "")
        raise ValidationError(
            _(
                "“%(name)s” còn đơn vị trực thuộc đang hoạt động (%(children)s). Hãy chuyển, sáp nhập hoặc giải thể chúng trước."
            )
            % {"name": unit.name, "children": shown}
        )
    successors = [_fresh(s) for s in successors]
    if any(s.pk == unit.pk or s.path.startswith(unit.path) for s in successors):
        raise ValidationError(
            {
                "successors": _(
                    "Đơn vị kế thừa không thể là chính đơn vị bị giải thể hoặc cấp dưới của nó."
                )
            }
        )
    roles = [(unit, Role.SUBJECT)] + [(s, Role.RESULT) for s in successors]
    event = _event(
        actor=actor,
        kind=ReorgEvent.Kind.DISSOLVE,
        effective_on=effective_on,
        legal_basis=legal_basis,
        summary=f"Giải thể “{unit.name}”",
        roles=roles,
    )
    _end_unit(
        actor=actor, unit=unit, effective_on=effective_on, reason=EndReason.DISSOLVED, event=event
    )
    UnitSuccession.objects.bulk_create(
        [UnitSuccession(predecessor=unit, successor=s, event=event) for s in successors]
    )
    units_ended.send(sender=Unit, unit_ids=[unit.pk])
    return event


# --- Terms -------------------------------------------------------------------------------------
TERM_FIELDS = ["name", "number", "start_on", "end_on"]


@transaction.atomic
def term_save(*, actor, unit: Unit, term: Term | None = None, **data) -> Term:
    """Create a term of `unit`, or change `term`."""
    creating = term is None
    term = term or Term(unit=unit)
    before = {} if creating else snapshot(_stored(term), TERM_FIELDS)
    for field, value in data.items():
        setattr(term, field, value)
    clash = Term.objects.filter(unit=unit, name=term.name).exclude(pk=term.pk).first()
    if clash is not None:
        raise ValidationError(
            {
                "name": _("“%(unit)s” đã có nhiệm kỳ “%(name)s”.")
                % {"unit": unit.name, "name": term.name}
            }
        )
    term.full_clean()
    term.save()
    audit_record(
        actor=actor,
        obj=term,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
        changes=diff(before, snapshot(term, TERM_FIELDS)),
        note=unit.name,
    )
    return term


# --- People and positions ----------------------------------------------------------------------
PERSON_FIELDS = ["full_name", "email", "phone", "home_unit", "user"]
POSITION_FIELDS = ["person", "unit", "role", "title", "term", "start_on", "end_on", "note"]


@transaction.atomic
def person_save(*, actor, person: Person | None = None, **data) -> Person:
    creating = person is None
    person = person or Person()
    before = {} if creating else snapshot(_stored(person), PERSON_FIELDS)
    for field, value in data.items():
        setattr(person, field, value.strip() if isinstance(value, str) else value)
    if not person.full_name:
        raise ValidationError({"full_name": _("Hãy nhập họ và tên.")})
    person.full_clean(exclude=["name_folded"])
    person.save()
    changes = diff(before, snapshot(person, PERSON_FIELDS))
    if creating or changes:
        audit_record(
            actor=actor,
            obj=person,
            action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
            changes=changes,
        )
    return person


def _check_position(position: Position) -> None:
    errors = {}
    # The caller's instance may predate a dissolution: judge against the stored row.
    unit = _fresh(position.unit)
    if position.end_on and position.start_on and position.end_on < position.start_on:
        errors["end_on"] = _("Ngày thôi giữ chức vụ không được trước ngày bắt đầu.")
    if unit.ended_on and position.start_on and position.start_on >= unit.ended_on:
        errors["start_on"] = _(
            "Đơn vị “%(name)s” đã kết thúc ngày %(day)s; không thể giữ chức vụ từ ngày này."
        ) % {
            "name": unit.name,
            "day": format_vi(unit.ended_on),
        }
    elif unit.ended_on and (position.end_on is None or position.end_on >= unit.ended_on):
        errors["end_on"] = _(
            "Đơn vị “%(name)s” đã kết thúc ngày %(day)s; hãy nhập ngày thôi giữ chức vụ trước ngày đó."
        ) % {"name": unit.name, "day": format_vi(unit.ended_on)}
    if unit.established_on and position.start_on and position.start_on < unit.established_on:
        errors["start_on"] = _(
            "Ngày bắt đầu không thể trước ngày thành lập %(day)s của đơn vị."
        ) % {"day": format_vi(unit.established_on)}
    if position.term_id and position.term.unit_id != unit.pk:
        errors["term"] = _("Nhiệm kỳ được chọn không thuộc đơn vị này.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def position_save(*, actor, position: Position | None = None, **data) -> Position:
    """Appoint a person to a role in a unit, or change an appointment (e.g. set its end)."""
    creating = position is None
    position = position or Position()
    before = {} if creating else snapshot(_stored(position), POSITION_FIELDS)
    for field, value in data.items():
        setattr(position, field, value)
    position.title = (position.title or "").strip()
    _check_position(position)
    position.save()
    audit_record(
        actor=actor,
        obj=position,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
        changes=diff(before, snapshot(position, POSITION_FIELDS)),
    )
    return position


def _role_vi(role: str) -> str:
    with translation.override("vi"):
        return str(AccessRole(role).label)


# --- Access ------------------------------------------------------------------------------------
@transaction.atomic
def access_grant(*, actor, user, unit: Unit, role: str) -> Access:
    """Give `user` a role over `unit`'s subtree (replacing a role they had on that unit)."""
    if actor is not None and not rules.can_manage_unit(actor, unit):
        raise ValidationError(_("Bạn chỉ có thể phân quyền trong phạm vi mình quản lý."))
    access, created = Access.objects.update_or_create(
        user=user, unit=unit, defaults={"role": role, "granted_by": actor}
    )
    rules.forget_scopes(user)
    audit_record(
        actor=actor,
        obj=access,
        action=AuditEntry.Action.GRANT,
        changes={"role": [None, role]},
        note=f"{user.get_username()}: {_role_vi(access.role)} tại {unit.name}",
    )
    return access


@transaction.atomic
def access_revoke(*, actor, access: Access) -> None:
    if actor is not None and not rules.can_manage_unit(actor, access.unit):
        raise ValidationError(_("Bạn chỉ có thể thu hồi quyền trong phạm vi mình quản lý."))
    audit_record(
        actor=actor,
        obj=access,
        action=AuditEntry.Action.REVOKE,
        changes={"role": [access.role, None]},
        note=f"{access.user.get_username()} tại {access.unit.name}",
    )
    rules.forget_scopes(access.user)
    access.delete()
