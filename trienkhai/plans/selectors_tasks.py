"""Reads of tasks: the lists and their filters, one task's page, the units one may pick.

Filters and counts run in the database: a unit filter is a prefix match on the lead unit's
path or an EXISTS over the coordinations; "overdue" is `deadline_end < today` on open tasks.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from trienkhai.documents.models import ISSUED_STATES, Document
from trienkhai.documents.rules import _ancestor_paths, filter_documents
from trienkhai.lib.text import fold
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit

from . import rules
from .models import OPEN_STATUSES, Task, TaskComment, TaskCoordination, TaskStatus

DUE_SOON_DAYS = 7
EXPORT_CHUNK = 2000

# Status filter values beyond the stored statuses.
OPEN, OVERDUE, DUE_SOON = "open", "overdue", "due_soon"

SORTS = {
    "deadline": (F("deadline_end").asc(nulls_last=True), "id"),
    "-deadline": (F("deadline_end").desc(nulls_last=True), "-id"),
    "progress": ("progress", F("deadline_end").asc(nulls_last=True), "id"),
    "-progress": ("-progress", F("deadline_end").asc(nulls_last=True), "id"),
    "title": ("title", "id"),
    "-updated": ("-updated_at", "-id"),
}


def today() -> dt.date:
    return timezone.localdate()


# --- units one may pick ------------------------------------------------------------------------
def pickable_units_q(user) -> Q | None:
    """Units a user may name on a task: those they see, and the State side of their own level
    and the levels above (the city People's Committee, the provincial departments)."""
    if org_rules.is_admin(user):
        return None
    visible = org_rules.visible_q(user) or Q()
    paths = [path for path, _rank in org_rules.scopes(user)]
    if not paths:
        return visible
    counterparts = Unit.objects.filter(
        path__in=_ancestor_paths(paths), counterpart__isnull=False
    ).values_list("counterpart__path", flat=True)
    q = visible
    for path in org_rules._outermost(list(counterparts)):
        q |= Q(path__startswith=path)
    return q


def pickable_units(user) -> QuerySet[Unit]:
    q = pickable_units_q(user)
    return Unit.objects.all() if q is None else Unit.objects.filter(q)


def search_units_in(units: QuerySet[Unit], query: str, *, limit: int = 15) -> list[Unit]:
    """Active units of `units` whose name holds every word, with or without diacritics."""
    words = fold(query).split()
    if not words:
        return []
    qs = units.filter(ended_on__isnull=True)
    for word in words:
        qs = qs.filter(name_folded__contains=word)
    return list(qs.order_by("depth", "name")[:limit])


def search_pickable_units(user, query: str, *, limit: int = 15) -> list[Unit]:
    return search_units_in(pickable_units(user), query, limit=limit)


def assignable_units(user) -> QuerySet[Unit]:
    """Units the user may assign tasks for: those they edit."""
    return org_rules.filter_units(user, Unit.objects.filter(ended_on__isnull=True), org_rules.EDIT)


def search_documents(user, query: str, *, limit: int = 15) -> list[Document]:
    """Issued documents the user sees whose number or summary contains the query."""
    words = fold(query).split()
    if not words:
        return []
    qs = filter_documents(user, Document.objects.filter(status__in=ISSUED_STATES))
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return list(qs.order_by("-issued_on", "-id")[:limit])


def search_tasks(user, query: str, *, exclude: int | None = None, limit: int = 15) -> list[Task]:
    qs = visible_tasks(user).select_related("lead_unit")
    for word in query.split():
        qs = qs.filter(title__icontains=word)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs.order_by(*SORTS["deadline"])[:limit]) if query.strip() else []


# --- lists -------------------------------------------------------------------------------------
def visible_tasks(user, within: list[Unit] | None = None) -> QuerySet[Task]:
    """The tasks the user sees. A list filtered to `within` units the user sees (their subtrees
    lie in the user's scope too) needs no visibility filter: the unit filter implies it, and
    leaving out the visibility OR (three subqueries, read for every row) lets the list run on
    its indexes alone."""
    if within and all(org_rules.can_view_unit(user, unit) for unit in within):
        return Task.objects.all()
    return rules.filter_tasks(user, Task.objects.all())


def list_queryset(
    qs: QuerySet[Task], day: dt.date | None = None, soon_days: int = DUE_SOON_DAYS
) -> QuerySet[Task]:
    """Rows of a list page, each with `due_soon` computed by the database."""
    return qs.select_related("lead_unit", "assigned_by", "programme").annotate(
        due_soon=ExpressionWrapper(
            due_soon_q(day or today(), soon_days), output_field=BooleanField()
        )
    )


@dataclass
class TaskFilters:
    units: list[Unit] | None = None
    subtree: bool = True
    role: str = ""  # "", "lead", "coordinating"
    status: str = ""
    soon_days: int = DUE_SOON_DAYS
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    programme_id: int | None = None
    text: str = ""
    sort: str = "deadline"


def overdue_q(day: dt.date) -> Q:
    return Q(status__in=OPEN_STATUSES, deadline_end__lt=day)


def due_soon_q(day: dt.date, days: int) -> Q:
    return Q(
        status__in=OPEN_STATUSES,
        deadline_end__gte=day,
        deadline_end__lte=day + dt.timedelta(days=days),
    )


def _unit_ids(units: list[Unit], *, subtree: bool):
    if not subtree:
        return [unit.pk for unit in units]
    paths = Q(pk__in=[])
    for unit in units:
        paths |= Q(path__startswith=unit.path)
    return Unit.objects.filter(paths).values("pk")


def unit_q(units: list[Unit], *, subtree: bool, role: str = "") -> Q:
    """Tasks led by (role "lead"), coordinated by ("coordinating"), or either, for `units` or
    their subtrees."""
    ids = _unit_ids(units, subtree=subtree)
    # Uncorrelated subqueries: each runs once and is hashed (an EXISTS per task row would run a
    # million times on a national list). "Either" is one id set, a UNION: an OR of the two would
    # read every task of the table.
    led = Task.objects.filter(lead_unit__in=ids).order_by().values("pk")
    coordinated = TaskCoordination.objects.filter(unit__in=ids).values("task_id")
    if role == "lead":
        return Q(lead_unit__in=ids)
    if role == "coordinating":
        return Q(pk__in=coordinated)
    return Q(pk__in=led.union(coordinated))


def _narrow(qs: QuerySet[Task], f: TaskFilters, day: dt.date) -> QuerySet[Task]:
    """Every filter but the units'."""
    if f.status == OPEN:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status == OVERDUE:
        qs = qs.filter(overdue_q(day))
    elif f.status == DUE_SOON:
        qs = qs.filter(due_soon_q(day, f.soon_days))
    elif f.status in TaskStatus.values:
        qs = qs.filter(status=f.status)
    # A deadline is a period: it falls in the window when the period and the window overlap.
    if f.deadline_from:
        qs = qs.filter(deadline_end__gte=f.deadline_from)
    if f.deadline_to:
        qs = qs.filter(deadline__lte=f.deadline_to)
    if f.programme_id:
        qs = qs.filter(programme_id=f.programme_id)
    for word in f.text.split():
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return qs


def apply_filters(qs: QuerySet[Task], f: TaskFilters, day: dt.date | None = None):
    qs = _narrow(qs, f, day or today())
    if f.units:
        qs = qs.filter(unit_q(f.units, subtree=f.subtree, role=f.role))
    return qs.order_by(*SORTS.get(f.sort, SORTS["deadline"]))


def summary(qs: QuerySet[Task], day: dt.date | None = None, soon_days: int = DUE_SOON_DAYS):
    """Counts over a filtered list, in one aggregate query."""
    day = day or today()
    return qs.order_by().aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=overdue_q(day)),
        due_soon=Count("id", filter=due_soon_q(day, soon_days)),
        done=Count("id", filter=Q(status=TaskStatus.DONE)),
        done_late=Count("id", filter=Q(status=TaskStatus.DONE_LATE)),
    )


# --- one page of a list, with its counts ---------------------------------------------------------
# The sorts of SORTS, over the key columns of `_keys` (SQL of our own: no user text).
SORT_SQL = {
    "deadline": ("deadline_end ASC NULLS LAST, id ASC", ()),
    "-deadline": ("deadline_end DESC NULLS LAST, id DESC", ()),
    "progress": ("progress ASC, deadline_end ASC NULLS LAST, id ASC", ("progress",)),
    "-progress": ("progress DESC, deadline_end ASC NULLS LAST, id ASC", ("progress",)),
    "title": ("title ASC, id ASC", ("title",)),
    "-updated": ("updated_at DESC, id DESC", ("updated_at",)),
}
COUNT_KEYS = ("total", "open", "overdue", "due_soon", "done", "done_late")


def _keys(qs: QuerySet[Task], f: TaskFilters, day: dt.date, columns: tuple[str, ...]):
    """(id, status, deadline_end, sort columns) of the filtered tasks. "Led or coordinated" is a
    UNION of the two sets, each with every filter: with the open-task indexes both halves are
    read from indexes alone (plans migration 0003_task_list_indexes)."""
    base = _narrow(qs, f, day).order_by().values_list("id", "status", "deadline_end", *columns)
    if not f.units:
        return base
    ids = _unit_ids(f.units, subtree=f.subtree)
    led = base.filter(lead_unit__in=ids)
    coordinated = base.filter(
        pk__in=TaskCoordination.objects.filter(unit__in=ids).values("task_id")
    )
    if f.role == "lead":
        return led
    if f.role == "coordinating":
        return coordinated
    return led.union(coordinated)


def _counted_page(keys, order: str, day: dt.date, soon_days: int, offset: int, size: int):
    """One pass over the keys: the ids of one page and, on each row, the counts of them all."""
    try:
        sql, params = keys.query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing (a user without any scope)
        return [], dict.fromkeys(COUNT_KEYS, 0)
    connection = connections[keys.db]
    adapt = connection.ops.adapt_datefield_value
    opened = f"k.status IN ({', '.join(['%s'] * len(OPEN_STATUSES))})"
    open_params = [str(s) for s in OPEN_STATUSES]
    query = f"""SELECT k.id, COUNT(*) OVER (),
        COUNT(CASE WHEN {opened} THEN 1 END) OVER (),
        COUNT(CASE WHEN {opened} AND k.deadline_end < %s THEN 1 END) OVER (),
        COUNT(CASE WHEN {opened} AND k.deadline_end >= %s AND k.deadline_end <= %s
              THEN 1 END) OVER (),
        COUNT(CASE WHEN k.status = %s THEN 1 END) OVER (),
        COUNT(CASE WHEN k.status = %s THEN 1 END) OVER ()
        FROM ({sql}) k ORDER BY {order} LIMIT %s OFFSET %s"""
    soon_end = day + dt.timedelta(days=soon_days)
    with connection.cursor() as cursor:
        cursor.execute(
            query,
            [
                *open_params,
                *open_params,
                adapt(day),
                *open_params,
                adapt(day),
                adapt(soon_end),
                str(TaskStatus.DONE),
                str(TaskStatus.DONE_LATE),
                *params,
                size,
                offset,
            ],
        )
        rows = cursor.fetchall()
    counts = dict(zip(COUNT_KEYS, rows[0][1:], strict=True)) if rows else None
    return [row[0] for row in rows], counts


def list_page(
    qs: QuerySet[Task],
    f: TaskFilters,
    number,
    size: int,
    day: dt.date | None = None,
) -> tuple[dict, Page]:
    """The counts above a list (as `summary`) and the page `number` of its rows, each with
    `due_soon` (as `list_queryset`); a page number out of range gives the last page, one that is
    not a number the first (as `Paginator.get_page`).

    The filtered set is computed once for both: its keys are counted and sorted in one query
    (window counts over a top-N sort), then the page's 50 rows are read by id."""
    day = day or today()
    order, columns = SORT_SQL.get(f.sort, SORT_SQL["deadline"])
    keys = _keys(qs, f, day, columns)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    ids, counts = [], None
    if number >= 1:
        ids, counts = _counted_page(keys, order, day, f.soon_days, (number - 1) * size, size)
    if counts is None:  # out of range (or nothing at all): count, then the last page
        _ids, counts = _counted_page(keys, order, day, f.soon_days, 0, 1)
        counts = counts or dict.fromkeys(COUNT_KEYS, 0)
        number = max(1, -(-counts["total"] // size))
        if counts["total"]:
            ids, _counts = _counted_page(keys, order, day, f.soon_days, (number - 1) * size, size)
    if not counts["total"]:
        number = 1
    rows = list_queryset(Task.objects.filter(pk__in=ids), day, f.soon_days).order_by()
    by_id = {task.pk: task for task in rows}
    paginator = Paginator([], size)
    paginator.count = counts["total"]
    return counts, Page([by_id[pk] for pk in ids if pk in by_id], number, paginator)


# --- one task ----------------------------------------------------------------------------------
def task_for_page(pk: int) -> Task | None:
    return (
        Task.objects.select_related(
            "lead_unit",
            "assigned_by",
            "programme",
            "assigning_document",
            "output_document",
            "output_issuer",
            "parent",
        )
        .prefetch_related(
            Prefetch(
                "coordinations",
                queryset=TaskCoordination.objects.select_related("unit").order_by("unit__name"),
            )
        )
        .filter(pk=pk)
        .first()
    )


def task_chain(task: Task) -> list[Task]:
    """The parents of `task`, root first."""
    chain, seen = [], {task.pk}
    current = task.parent
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def subtasks(task: Task) -> list[Task]:
    return list(
        Task.objects.filter(parent=task).select_related("lead_unit").order_by(*SORTS["deadline"])
    )


@dataclass
class ProgressTerm:
    task: Task
    counted: int | None  # None: cancelled, not counted


def progress_breakdown(children: list[Task]) -> tuple[list[ProgressTerm], int, int]:
    """Each subtask's share of the parent's progress (what the page writes out), the sum of
    weights and the weighted sum. The stored figure is computed by the database; this only
    explains it for the handful of subtasks on one page."""
    terms, weights, total = [], 0, 0
    for child in children:
        if child.status == TaskStatus.CANCELLED:
            terms.append(ProgressTerm(child, None))
            continue
        value = 100 if child.status in (TaskStatus.DONE, TaskStatus.DONE_LATE) else child.progress
        terms.append(ProgressTerm(child, value))
        weights += child.weight
        total += value * child.weight
    return terms, weights, total


def comments_of(task: Task) -> QuerySet[TaskComment]:
    return task.comments.select_related("author").order_by("created_at", "id")


# --- export ------------------------------------------------------------------------------------
EXPORT_FIELDS = (
    "id",
    "title",
    "assigned_by__name",
    "assigning_document__number_text",
    "lead_unit__name",
    "programme__title",
    "start_on",
    "deadline",
    "deadline_precision",
    "deadline_end",
    "status",
    "progress",
    "weight",
    "completed_on",
    "output_text",
    "output_doc_type",
    "output_document__number_text",
    "parent_id",
)


def export_rows(qs: QuerySet[Task]) -> Iterator[tuple[tuple, list[str]]]:
    """(row values, coordinating unit names) for every task of `qs`, streamed: the database
    hands rows over in chunks and the coordinators are fetched once per chunk."""
    rows = qs.values_list(*EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK)
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= EXPORT_CHUNK:
            yield from _with_coordinators(batch)
            batch = []
    if batch:
        yield from _with_coordinators(batch)


def _with_coordinators(batch: list[tuple]):
    names: dict[int, list[str]] = defaultdict(list)
    pairs = (
        TaskCoordination.objects.filter(task_id__in=[row[0] for row in batch])
        .order_by("unit__name")
        .values_list("task_id", "unit__name")
    )
    for task_id, name in pairs:
        names[task_id].append(name)
    for row in batch:
        yield row, names.get(row[0], [])
