"""Reads across the organisation tree: subtrees, ancestors, the tree as of a date, search."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from trienkhai.lib.text import fold

from . import rules
from .models import Person, Position, PositionRole, ReorgEvent, Unit, UnitPeriod, UnitSuccession


def subtree(unit: Unit, *, include_self: bool = True) -> QuerySet[Unit]:
    """Every unit below `unit` in the current tree: one indexed prefix query."""
    qs = Unit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def ancestors(unit: Unit) -> QuerySet[Unit]:
    """The chain from the root down to the parent of `unit`, in order."""
    steplen = Unit.steplen
    paths = [unit.path[: steplen * i] for i in range(1, unit.depth)]
    return Unit.objects.filter(path__in=paths).order_by("depth")


def children(unit: Unit | None, *, include_ended: bool = False) -> QuerySet[Unit]:
    """Direct children (or the roots), ordered by name."""
    if unit is None:
        qs = Unit.objects.filter(depth=1)
    else:
        qs = Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
    if not include_ended:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by("name", "path")


def period_at(day: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def children_as_of(parent: Unit | None, day: dt.date) -> QuerySet[UnitPeriod]:
    """The units that sat directly under `parent` on `day`, as they were named then.

    Each row carries `has_children`, telling the page whether the node can be expanded.
    """
    sub = UnitPeriod.objects.filter(period_at(day), parent=OuterRef("unit"))
    return (
        UnitPeriod.objects.filter(period_at(day), parent=parent)
        .select_related("unit")
        .annotate(has_children=Exists(sub))
        .order_by("name", "unit_id")
    )


def period_of(unit: Unit, day: dt.date) -> UnitPeriod | None:
    return unit.periods.filter(period_at(day)).select_related("parent").first()


def chain_as_of(unit: Unit, day: dt.date) -> list[UnitPeriod]:
    """The unit and its ancestors as they were on `day`, root first (a query per level)."""
    chain = []
    current = period_of(unit, day)
    seen = set()
    while current is not None and current.unit_id not in seen:
        seen.add(current.unit_id)
        chain.append(current)
        current = period_of(current.parent, day) if current.parent_id else None
    return list(reversed(chain))


def successors_now(unit: Unit) -> list[Unit]:
    """The active units that carry on `unit` today, following merges and splits forward."""
    found: list[Unit] = []
    frontier = [unit.pk]
    seen = {unit.pk}
    while frontier:
        rows = UnitSuccession.objects.filter(predecessor_id__in=frontier).select_related(
            "successor"
        )
        frontier = []
        for row in rows:
            if row.successor_id in seen:
                continue
            seen.add(row.successor_id)
            if row.successor.ended_on is None:
                found.append(row.successor)
            else:
                frontier.append(row.successor_id)
    return found


def predecessors(unit: Unit) -> QuerySet[UnitSuccession]:
    return UnitSuccession.objects.filter(successor=unit).select_related("predecessor", "event")


def unit_events(unit: Unit) -> QuerySet[ReorgEvent]:
    """The reorganisation events the unit took part in, newest first."""
    return (
        ReorgEvent.objects.filter(participants__unit=unit)
        .distinct()
        .prefetch_related("participants__unit")
        .order_by("-effective_on", "-id")
    )


def unit_periods(unit: Unit) -> QuerySet[UnitPeriod]:
    return unit.periods.select_related("parent", "event").order_by("valid_from", "id")


# Roles in protocol order (secretary before deputy), not in the alphabetical order of their codes.
ROLE_RANK = Case(
    *[When(role=role, then=Value(rank)) for rank, role in enumerate(PositionRole.values)],
    default=Value(len(PositionRole.values)),
)


def positions_of(unit: Unit, *, current: bool) -> QuerySet[Position]:
    today = dt.date.today()
    qs = Position.objects.filter(unit=unit).select_related("person", "term")
    if current:
        return qs.filter(Q(end_on__isnull=True) | Q(end_on__gte=today)).order_by(
            ROLE_RANK, "start_on"
        )
    return qs.filter(end_on__lt=today).order_by("-end_on", ROLE_RANK)


def positions_of_person(person: Person) -> QuerySet[Position]:
    return (
        Position.objects.filter(person=person).select_related("unit", "term").order_by("-start_on")
    )


@dataclass
class SearchHit:
    unit: Unit
    matched_name: str  # the name that matched: the current one or a former one
    is_former_name: bool


def search_units(user, query: str, *, limit: int = 50) -> list[SearchHit]:
    """Units whose current or former name contains the query, with or without diacritics."""
    key = fold(query)
    if not key:
        return []
    words = key.split()
    current_q = Q()
    for word in words:
        current_q &= Q(name_folded__contains=word)
    visible = rules.filter_units(user, Unit.objects.all())
    current = list(visible.filter(current_q).order_by("ended_on", "depth", "name")[:limit])
    hits = [SearchHit(u, u.name, False) for u in current]
    if len(hits) < limit:
        seen = {u.pk for u in current}
        former_q = Q()
        for word in words:
            former_q &= Q(name_folded__contains=word)
        former = (
            UnitPeriod.objects.filter(former_q, unit__in=visible)
            .exclude(unit_id__in=seen)
            .select_related("unit")
            .order_by("unit__depth", "name")[: limit * 2]
        )
        for period in former:
            if period.unit_id in seen:
                continue
            seen.add(period.unit_id)
            hits.append(SearchHit(period.unit, period.name, True))
            if len(hits) >= limit:
                break
    return hits


def search_people(user, query: str, *, limit: int = 50) -> QuerySet[Person]:
    key = fold(query)
    qs = rules.filter_people(user, Person.objects.all())
    for word in key.split():
        qs = qs.filter(name_folded__contains=word)
    return qs.select_related("home_unit")[:limit]


def unit_editors(unit: Unit):
    """Active accounts that edit or manage `unit` itself: who is told about work given to it,
    or about what citizens wrote to its public site."""
    from django.contrib.auth import get_user_model

    from .models import Access, AccessRole

    users = Access.objects.filter(
        unit=unit, role__in=[AccessRole.EDITOR, AccessRole.MANAGER]
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=users, is_active=True).order_by("pk")
