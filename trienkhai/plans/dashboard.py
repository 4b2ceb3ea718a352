"""The numbers of a unit's subtree: tasks by status, overdue and due-soon work, compliance,
indicators off track and missing reports.

One function, `dashboard_for`, computes them for the page, the XLSX export and the review DOCX,
so the three always agree. The counts are computed by the database over the path prefix of the
unit: for the tasks one GROUP BY over the work led in the subtree (a conditional
`Count(filter=Q(...))` per status, grouped by the child of the unit each task falls under) and
one count of the work it assigned outside; for a whole tree, the sums of the task tallies
(plans.tallies) instead; and one GROUP BY for the compliance cells (by child and state). The
subtree's totals are the sums of those few rows, one per child. The lists are short, ordered
slices with their relations joined. See docs/performance.md for the measured times.

A `Focus` narrows the numbers to the work of one document (its programmes, the tasks it
assigned, the requirements implementing it) and a period: the review of a resolution uses it.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trienkhai.documents.models import Document
from trienkhai.lib.dates import format_vi
from trienkhai.org.models import Unit

from . import compliance, reports, selectors_programmes, tallies
from .models import (
    CLOSED_STATUSES,
    Indicator,
    Programme,
    Report,
    RequirementTarget,
    Task,
    TaskStatus,
    TaskTally,
)
from .selectors_tasks import due_soon_q, overdue_q

LIST_SIZE = 20
DUE_SOON_DAYS = 14
OVERDUE = "overdue"

# Buckets of the status chart, in reading order; overdue open work is its own bucket, so the
# buckets do not overlap and add up to the total.
STATUS_BUCKETS = [
    (TaskStatus.NOT_STARTED, TaskStatus.NOT_STARTED.label, "#6b6b6b"),
    (TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS.label, "#0b4f9c"),
    (TaskStatus.POSTPONED, TaskStatus.POSTPONED.label, "#8a5a00"),
    (OVERDUE, _("Quá hạn"), "#a3151b"),
    (TaskStatus.DONE, TaskStatus.DONE.label, "#1d6b36"),
    (TaskStatus.DONE_LATE, TaskStatus.DONE_LATE.label, "#5a9b6c"),
    (TaskStatus.CANCELLED, TaskStatus.CANCELLED.label, "#b8bec6"),
]

COMPLIANCE_COLORS = {
    compliance.DONE: "#1d6b36",
    compliance.LATE: "#5a9b6c",
    compliance.MISSING: "#6b6b6b",
    compliance.OVERDUE: "#a3151b",
}


def percent(part: int, whole: int) -> int:
    """A whole percentage, rounded down so 99.6 % never reads as done."""
    return (part * 100) // whole if whole else 0


# --- what the numbers cover -------------------------------------------------------------------
@dataclass(frozen=True)
class Focus:
    """The work of one document over a period (both optional)."""

    document: Document | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    def tasks_q(self) -> Q:
        q = Q()
        if self.document is not None:
            q &= Q(programme__document=self.document) | Q(assigning_document=self.document)
        if self.start is not None:
            q &= Q(deadline_end__isnull=True) | Q(deadline_end__gte=self.start)
        if self.end is not None:
            q &= Q(deadline_end__isnull=True) | Q(deadline_end__lte=self.end)
        return q

    def targets_q(self) -> Q:
        q = Q()
        if self.document is not None:
            q &= Q(requirement__implements=self.document)
        if self.start is not None:
            q &= Q(requirement__due_on__gte=self.start)
        if self.end is not None:
            q &= Q(requirement__due_on__lte=self.end)
        return q

    def indicators_q(self) -> Q:
        if self.document is None:
            return Q()
        return Q(document=self.document) | Q(programme__document=self.document)

    def reports_q(self) -> Q:
        q = Q()
        if self.document is not None:
            q &= Q(schedule__programme__document=self.document)
        if self.start is not None:
            q &= Q(period_end__gte=self.start)
        if self.end is not None:
            q &= Q(period_start__lte=self.end)
        return q


NO_FOCUS = Focus()


# --- tasks -------------------------------------------------------------------------------------
def tasks_in(unit: Unit, focus: Focus = NO_FOCUS) -> QuerySet[Task]:
    """Tasks led by `unit` or a unit below it, and tasks they assigned to units elsewhere (a
    City Committee's task for the City People's Committee, which sits in the State tree)."""
    return Task.objects.filter(
        focus.tasks_q(),
        Q(lead_unit__path__startswith=unit.path) | Q(assigned_by__path__startswith=unit.path),
    )


def led_in(unit: Unit, focus: Focus = NO_FOCUS) -> QuerySet[Task]:
    """Tasks led by `unit` or a unit below it: the units by path, then their tasks by index."""
    return Task.objects.filter(focus.tasks_q(), lead_unit__path__startswith=unit.path)


def assigned_outside(unit: Unit, focus: Focus = NO_FOCUS) -> QuerySet[Task]:
    """Tasks the subtree assigned to units outside it: the rest of `tasks_in`."""
    return Task.objects.filter(focus.tasks_q(), assigned_by__path__startswith=unit.path).exclude(
        lead_unit__path__startswith=unit.path
    )


OUTSIDE = "outside"  # the branch of work assigned to units outside the subtree


def _status_aggregates(today: dt.date, count=None) -> dict:
    """Conditional counts, one per chart bucket, plus the total and those due soon.

    They count `status`, a column of the (lead unit, status, deadline end) index, rather than
    the id: PostgreSQL then answers from the index alone, without reading the table. `count`
    turns a filter into the aggregate (the tallies sum their `n` instead).
    """
    count = count or (lambda q: Count("status", filter=q))
    not_late = Q(deadline_end__isnull=True) | Q(deadline_end__gte=today)
    out = {"total": count(None)}
    for key, _label, _color in STATUS_BUCKETS:
        if key == OVERDUE:
            out[key] = count(overdue_q(today))
        elif key in CLOSED_STATUSES:
            out[key] = count(Q(status=key))
        else:
            out[key] = count(Q(status=key) & not_late)
    out["due_soon"] = count(due_soon_q(today, DUE_SOON_DAYS))
    return out


COUNT_KEYS = ["total", "due_soon", *(key for key, _label, _color in STATUS_BUCKETS)]


def _branch_width(unit: Unit) -> int:
    """The length of the path of a child of `unit`: work is grouped by that prefix."""
    return len(unit.path) + Unit.steplen


def task_counts_by_branch(
    unit: Unit, today: dt.date, focus: Focus = NO_FOCUS
) -> dict[str, dict[str, int]]:
    """{path of a child (or of the unit itself), or OUTSIDE: {bucket: count, "total",
    "due_soon"}}.

    Two queries, each able to use an index: the work led in the subtree, grouped by the branch
    whose path prefixes its lead unit's path (units by path, then the tasks of each unit from
    the (lead unit, status, deadline end) index alone); and the work the subtree assigned to
    units outside it, one row. One query with `led here OR assigned from here` could use neither
    index and read the whole table. The subtree's totals are the sums of these few rows.
    """
    if focus == NO_FOCUS and tallies.covers(unit):
        return _tallied_counts(unit, today)
    return counted_by_branch(unit, today, focus)


def counted_by_branch(
    unit: Unit, today: dt.date, focus: Focus = NO_FOCUS
) -> dict[str, dict[str, int]]:
    """`task_counts_by_branch` counted from the tasks themselves (the recount the tallies must
    always equal)."""
    aggregates = _status_aggregates(today)
    rows = (
        led_in(unit, focus)
        .annotate(branch=Substr("lead_unit__path", 1, _branch_width(unit)))
        .values("branch")
        .annotate(**aggregates)
        .order_by()
    )
    out = {row.pop("branch"): row for row in rows}
    outside = assigned_outside(unit, focus).aggregate(**aggregates)
    if outside["total"]:
        out[OUTSIDE] = outside
    return out


def _tallied_counts(unit: Unit, today: dt.date) -> dict[str, dict[str, int]]:
    """The same numbers for a whole tree, summed from the task tallies (plans.tallies): tens
    of thousands of rows instead of a million tasks. Each tally row carries the status and, for
    open work, the deadline end, so the buckets filter it as they filter the tasks."""
    rows = (
        TaskTally.objects.filter(tallies.in_tree(unit))
        .annotate(
            branch=Case(
                When(lead_branch__startswith=unit.path, then=F("lead_branch")),
                default=Value(OUTSIDE),
            )
        )
        .values("branch")
        .annotate(**_status_aggregates(today, lambda q: Coalesce(Sum("n", filter=q), 0)))
        .order_by()
    )
    return {row.pop("branch"): row for row in rows if row["total"]}


def _sum_rows(rows, keys) -> dict[str, int]:
    return {key: sum(row[key] for row in rows) for key in keys}


def overdue_tasks(tasks: QuerySet[Task], today: dt.date) -> QuerySet[Task]:
    """Open tasks past the end of their deadline period, the oldest first."""
    return (
        tasks.filter(overdue_q(today))
        .select_related("lead_unit", "programme")
        .order_by("deadline_end", "id")
    )


def due_soon_tasks(
    tasks: QuerySet[Task], today: dt.date, days: int = DUE_SOON_DAYS
) -> QuerySet[Task]:
    """Open tasks whose deadline period ends in the next `days` days, the nearest first."""
    return (
        tasks.filter(due_soon_q(today, days))
        .select_related("lead_unit", "programme")
        .order_by("deadline_end", "id")
    )


def first_tasks(
    unit: Unit, focus: Focus, listed, size: int, *, led: int, outside: int
) -> list[Task]:
    """The first `size` tasks of `tasks_in` by `listed` (overdue_tasks or due_soon_tasks): the
    first of the work led in the subtree and of the work assigned outside it, merged. Two short
    queries that can each walk an index, where one over `led here OR assigned from here` reads
    every candidate of the period and checks both units of each. `led` and `outside` are the
    counts already known from `task_counts_by_branch`: a part with none is not asked (the
    database could otherwise walk the whole deadline index looking for a row that is not
    there)."""
    rows = []
    if led:
        rows += listed(led_in(unit, focus))[:size]
    if outside:
        rows += listed(assigned_outside(unit, focus))[:size]
    rows.sort(key=lambda task: (task.deadline_end, task.pk))
    return rows[:size]


# --- requirements on units (compliance) --------------------------------------------------------
def targets_in(unit: Unit, focus: Focus = NO_FOCUS) -> QuerySet[RequirementTarget]:
    """Cells of the compliance matrix whose unit lies in the subtree."""
    return RequirementTarget.objects.filter(focus.targets_q(), unit__path__startswith=unit.path)


def compliance_by_branch(
    unit: Unit, today: dt.date, focus: Focus = NO_FOCUS
) -> dict[str, compliance.Counts]:
    """{path of a child (or of the unit itself): cells by state}, the state decided by the
    compliance rule: one GROUP BY (branch, state) query over the subtree."""
    rows = (
        compliance.annotate_cells(targets_in(unit, focus), today)
        .annotate(branch=Substr("unit__path", 1, _branch_width(unit)))
        .values("branch", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out: dict[str, compliance.Counts] = {}
    for row in rows:
        counts = out.setdefault(row["branch"], compliance.Counts())
        setattr(counts, row["state"], row["n"])
        counts.total += row["n"]
    return out


def _sum_counts(rows) -> compliance.Counts:
    total = compliance.Counts()
    for counts in rows:
        total.add(counts)
    return total


def compliance_buckets(counts: compliance.Counts) -> list["Bucket"]:
    """The states of the compliance cells, for the chart and the tables."""
    return [
        Bucket(
            state,
            str(compliance.STATE_LABELS[state]),
            getattr(counts, state),
            percent(getattr(counts, state), counts.total),
            COMPLIANCE_COLORS[state],
        )
        for state in compliance.STATES
    ]


# --- breakdown by sub-unit: one GROUP BY over the path prefix of each child -------------------
@dataclass
class Branch:
    unit: Unit | None  # None: work led by the unit itself (or, when `outside`, by others)
    outside: bool = False
    tasks: int = 0
    overdue: int = 0
    closed: int = 0  # done, done late
    cells: int = 0
    fulfilled: int = 0

    @property
    def done_percent(self) -> int:
        return percent(self.closed, self.tasks)

    @property
    def compliance_percent(self) -> int:
        return percent(self.fulfilled, self.cells)


def branches(
    unit: Unit,
    task_rows: dict[str, dict[str, int]],
    cell_rows: dict[str, compliance.Counts],
    *,
    limit: int = 200,
) -> list[Branch]:
    """Per direct child (and the unit itself): tasks, overdue, done, compliance, from the
    grouped counts; the children's names come in one query."""
    by_path: dict[str, Branch] = {}
    for path, row in task_rows.items():
        b = by_path.setdefault(path, Branch(None, outside=path == OUTSIDE))
        b.tasks, b.overdue = row["total"], row[OVERDUE]
        b.closed = row[TaskStatus.DONE] + row[TaskStatus.DONE_LATE]
    for path, counts in cell_rows.items():
        b = by_path.setdefault(path, Branch(None))
        b.cells, b.fulfilled = counts.total, counts.complied
    children = {
        u.path: u
        for u in Unit.objects.filter(
            path__in=[p for p in by_path if p not in (unit.path, OUTSIDE)]
        ).only("id", "path", "name", "depth", "ended_on", "kind")
    }
    rows = []
    for path, b in by_path.items():
        b.unit = children.get(path)
        rows.append(b)
    # Own work first, then the children with the most overdue work.
    rows.sort(key=lambda b: (b.unit is not None, -b.overdue, -(b.tasks + b.cells)))
    return rows[:limit]


# --- indicators and reports (their rules live with their own parts) ----------------------------
def indicators_in(unit: Unit, focus: Focus = NO_FOCUS) -> QuerySet[Indicator]:
    return Indicator.objects.filter(focus.indicators_q(), unit__path__startswith=unit.path)


def indicators_off_track(unit: Unit, today: dt.date, focus: Focus = NO_FOCUS) -> list[Indicator]:
    """At risk or missed by the indicators' status rule; each carries `.assessment`."""
    return selectors_programmes.indicators_off_track(
        unit.path, today=today, queryset=Indicator.objects.filter(focus.indicators_q())
    )


def reports_missing(unit: Unit, today: dt.date, focus: Focus = NO_FOCUS) -> list:
    """Per schedule, the last due period's reports not submitted in the subtree (counts by the
    reports part); with a document in focus, only the schedules of its programmes."""
    entries = reports.reports_missing(unit.path, today)
    if focus.document is not None:
        ids = set(Programme.objects.filter(document=focus.document).values_list("pk", flat=True))
        entries = [e for e in entries if e.schedule.programme_id in ids]
    return entries


def reports_received(unit: Unit, focus: Focus = NO_FOCUS) -> QuerySet[Report]:
    """Reports submitted in the subtree for periods of the focus (or of any time)."""
    return Report.objects.filter(
        focus.reports_q(), unit__path__startswith=unit.path, status=Report.Status.SUBMITTED
    )


def report_line(schedule, period, unit) -> str:
    """One line naming a missing report: what, for which period, which unit, due when."""
    return f"{schedule.title} — {period.label} — {unit.name} — hạn nộp {format_vi(period.due_on)}"


# --- links --------------------------------------------------------------------------------------
def task_path(task: Task) -> str:
    """The address of a task's page (without the site)."""
    return reverse("plans:task", args=[task.pk])


# --- the whole dashboard ------------------------------------------------------------------------
@dataclass
class Bucket:
    key: str
    label: str
    count: int
    percent: int
    color: str


# The dashboard's charts: a title and the buckets drawn, in order. A chart is drawn from its
# counts alone, so its address carries them and the drawing can be cached anywhere.
CHARTS = {
    "tasks": (_("Nhiệm vụ theo tình trạng"), STATUS_BUCKETS),
    "compliance": (
        _("Yêu cầu đối với đơn vị trực thuộc"),
        [(s, compliance.STATE_LABELS[s], COMPLIANCE_COLORS[s]) for s in compliance.STATES],
    ),
}


@dataclass
class Dashboard:
    unit: Unit
    today: dt.date
    focus: Focus
    counts: dict[str, int]
    compliance: compliance.Counts
    overdue: list[Task]
    due_soon: list[Task]
    branches: list[Branch]
    indicators_off_track: list
    reports_missing: list
    reports_received: int = 0

    @property
    def total(self) -> int:
        return self.counts["total"]

    @property
    def overdue_count(self) -> int:
        return self.counts[OVERDUE]

    @property
    def due_soon_count(self) -> int:
        return self.counts["due_soon"]

    @property
    def closed_count(self) -> int:
        return self.counts[TaskStatus.DONE] + self.counts[TaskStatus.DONE_LATE]

    @property
    def done_percent(self) -> int:
        """Done and done late over the tasks that were not cancelled."""
        return percent(self.closed_count, self.total - self.counts[TaskStatus.CANCELLED])

    @property
    def reports_missing_count(self) -> int:
        return sum(entry.missing for entry in self.reports_missing)

    @property
    def compliance_percent(self) -> int:
        """Done and done late over all cells."""
        return percent(self.compliance.complied, self.compliance.total)

    def chart_counts(self) -> dict[str, list[int]]:
        """The counts of each chart in `CHARTS`, in the order of its buckets."""
        return {
            "tasks": [self.counts[key] for key, _label, _color in STATUS_BUCKETS],
            "compliance": [getattr(self.compliance, state) for state in compliance.STATES],
        }

    def status_buckets(self) -> list[Bucket]:
        return [
            Bucket(key, str(label), self.counts[key], percent(self.counts[key], self.total), color)
            for key, label, color in STATUS_BUCKETS
        ]


def dashboard_for(
    unit: Unit,
    *,
    today: dt.date | None = None,
    focus: Focus = NO_FOCUS,
    list_size: int = LIST_SIZE,
) -> Dashboard:
    """Every number of the dashboard of `unit`'s subtree, as of `today`."""
    today = today or timezone.localdate()
    task_rows = task_counts_by_branch(unit, today, focus)
    cell_rows = compliance_by_branch(unit, today, focus)
    outside = task_rows.get(OUTSIDE, {})
    led = _sum_rows([row for path, row in task_rows.items() if path != OUTSIDE], COUNT_KEYS)
    overdue = first_tasks(
        unit,
        focus,
        lambda tasks: overdue_tasks(tasks, today),
        list_size,
        led=led[OVERDUE],
        outside=outside.get(OVERDUE, 0),
    )
    for task in overdue:
        task.days_late = (today - task.deadline_end).days
    return Dashboard(
        unit=unit,
        today=today,
        focus=focus,
        counts=_sum_rows(task_rows.values(), COUNT_KEYS),
        compliance=_sum_counts(cell_rows.values()),
        overdue=overdue,
        due_soon=first_tasks(
            unit,
            focus,
            lambda tasks: due_soon_tasks(tasks, today),
            list_size,
            led=led["due_soon"],
            outside=outside.get("due_soon", 0),
        ),
        branches=branches(unit, task_rows, cell_rows),
        indicators_off_track=indicators_off_track(unit, today, focus),
        reports_missing=reports_missing(unit, today, focus),
        # Without a period in focus: this year's reports.
        reports_received=reports_received(
            unit, focus if focus.start else Focus(focus.document, dt.date(today.year, 1, 1))
        ).count(),
    )
