"""Reads of programmes and indicators: lists, a programme's progress, indicator values summed up
the tree, their status, and the indicators off track in a subtree.

Every count, sum and "latest value per unit" is computed by the database. The latest value of a
unit at a date is the measurement with no later one for the same indicator and unit up to that
date (NOT EXISTS over the (indicator, unit, measured_on) index); a summed indicator's value is
the SUM of those rows over its unit's subtree.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, Substr
from django.utils.translation import gettext as _

from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import Document
from trienkhai.lib import charts
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit

from . import rules
from .indicators import (
    OFF_TRACK,
    Assessment,
    IndicatorStatus,
    assess,
    assess_indicator,
    cutoff,
    format_number,
)
from .models import (
    OPEN_STATUSES,
    Direction,
    Indicator,
    Measurement,
    Programme,
    Rollup,
    Task,
    TaskStatus,
)

# --- programmes ---------------------------------------------------------------------------------
# A done task counts as 100 % whatever its progress field says; a cancelled one does not count.
EFFECTIVE_PROGRESS = Case(
    When(status__in=[TaskStatus.DONE, TaskStatus.DONE_LATE], then=Value(100)),
    default=F("progress"),
    output_field=IntegerField(),
)


def _top_tasks(programme_ref) -> QuerySet[Task]:
    """The programme's top-level tasks (no parent task) that count for its progress."""
    return (
        Task.objects.filter(programme=programme_ref, parent__isnull=True)
        .exclude(status=TaskStatus.CANCELLED)
        .order_by()
    )


def weighted_percent(weighted_sum: int | None, weight_sum: int | None) -> int | None:
    """Σ(weight × progress) / Σ(weight), rounded down; None when no task counts."""
    if not weight_sum:
        return None
    return int(weighted_sum or 0) // int(weight_sum)


def programmes_for(
    user,
    *,
    unit: Unit | None = None,
    document: Document | None = None,
    field: str = "",
    text: str = "",
) -> QuerySet[Programme]:
    """The programmes `user` may see, optionally those owned in `unit`'s subtree, carrying out
    `document`, in one field, or whose title contains `text`; each annotated with its number
    of indicators and tasks and the sums behind its overall progress."""
    qs = rules.filter_programmes(user, Programme.objects.all())
    if unit is not None:
        qs = qs.filter(owner_unit__path__startswith=unit.path)
    if document is not None:
        qs = qs.filter(document=document)
    if field:
        qs = qs.filter(field=field)
    if text:
        qs = qs.filter(title__icontains=text.strip())
    top = _top_tasks(OuterRef("pk")).values("programme")
    return (
        qs.select_related("owner_unit", "document")
        .annotate(
            n_indicators=Subquery(
                Indicator.objects.filter(programme=OuterRef("pk"))
                .order_by()
                .values("programme")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            n_tasks=Subquery(
                Task.objects.filter(programme=OuterRef("pk"))
                .order_by()
                .values("programme")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            weighted_sum=Subquery(
                top.annotate(s=Sum(F("weight") * EFFECTIVE_PROGRESS)).values("s"),
                output_field=IntegerField(),
            ),
            weight_sum=Subquery(
                top.annotate(s=Sum("weight")).values("s"), output_field=IntegerField()
            ),
        )
        .order_by("-start_year", "owner_unit__path", "title")
    )


def programme_fields(user) -> list[str]:
    """The fields of the programmes the user sees, for the list's filter."""
    qs = rules.filter_programmes(user, Programme.objects.all())
    return list(qs.order_by("field").values_list("field", flat=True).distinct())


def programme_documents(user) -> QuerySet[Document]:
    """The documents carried out by programmes the user sees (and may read)."""
    ids = rules.filter_programmes(user, Programme.objects.all()).values("document")
    return document_rules.filter_documents(user, Document.objects.filter(pk__in=ids)).order_by(
        "-issued_on", "-id"
    )


@dataclass(frozen=True)
class Progress:
    percent: int | None  # None: no top-level task counts yet
    tasks: int  # top-level tasks counted
    weight: int  # their total weight


def programme_progress(programme: Programme) -> Progress:
    """Overall progress: the weighted average of its top-level tasks' progress (done = 100 %,
    cancelled left out), computed by the database."""
    row = _top_tasks(programme).aggregate(
        weighted=Sum(F("weight") * EFFECTIVE_PROGRESS), weight=Sum("weight"), n=Count("pk")
    )
    return Progress(weighted_percent(row["weighted"], row["weight"]), row["n"], row["weight"] or 0)


def programme_task_counts(programme: Programme, today: dt.date | None = None) -> dict:
    """How many of the programme's tasks (all levels) are in each status, and how many are
    overdue (open after the end of their deadline period): one aggregate query."""
    today = today or dt.date.today()
    aggregates = {status: Count("pk", filter=Q(status=status)) for status in TaskStatus.values} | {
        "overdue": Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline_end__lt=today)),
        "total": Count("pk"),
    }
    row = Task.objects.filter(programme=programme).aggregate(**aggregates)
    labels = dict(TaskStatus.choices)
    return {
        "total": row["total"],
        "overdue": row["overdue"],
        "by_status": [(status, labels[status], row[status]) for status in TaskStatus.values],
    }


def programme_tasks(user, programme: Programme, *, limit: int = 200) -> list[Task]:
    """The programme's top-level tasks the user may see, with their number of subtasks."""
    qs = rules.filter_tasks(user, Task.objects.filter(programme=programme, parent__isnull=True))
    return list(
        qs.select_related("lead_unit")
        .annotate(n_subtasks=Count("subtasks"))
        .order_by(F("deadline_end").asc(nulls_last=True), "id")[:limit]
    )


# --- indicator values ---------------------------------------------------------------------------
def _cutoff_expr(today: dt.date):
    """Per indicator, the last day whose values count: today, or its target end once passed."""
    return Least(Coalesce(F("indicator__target_end"), Value(today)), Value(today))


def latest_rows(measurements: QuerySet[Measurement], until) -> QuerySet[Measurement]:
    """Of `measurements`, each unit's latest one per indicator up to `until` (a date, or an
    expression of the measurement's indicator); a later entry for the same day wins."""
    until = Value(until) if isinstance(until, dt.date) else until
    base = Measurement.objects.filter(measured_on__lte=until)
    newer = base.filter(indicator=OuterRef("indicator"), unit=OuterRef("unit")).filter(
        Q(measured_on__gt=OuterRef("measured_on"))
        | Q(measured_on=OuterRef("measured_on"), pk__gt=OuterRef("pk"))
    )
    return measurements.filter(measured_on__lte=until).filter(~Exists(newer))


# Which latest values make an indicator's value: its own unit's, or for an indicator summed up
# the tree, those of every unit in its scope.
COUNTED = Q(unit=F("indicator__unit")) | Q(
    indicator__by_subunits=True, indicator__rollup=Rollup.SUM
)


def latest_totals(indicators, today: dt.date) -> dict[int, tuple[Decimal, dt.date]]:
    """{indicator id: (value, date of its latest counted measurement)} for every indicator of
    `indicators` (a queryset or ids) that has a value.

    A series' flagged latest value (`is_latest`) is its value whenever it lies within the
    indicator's cutoff, which is every series of a running target (no value is dated in the
    future): one query over the partial index. Only the series of an ended target with a value
    entered after its end look for their last value before the cutoff, in a second query."""
    cutoff = _cutoff_expr(today)
    flagged = Measurement.objects.filter(indicator__in=indicators, is_latest=True)
    out: dict[int, tuple[Decimal, dt.date]] = {}

    def add(rows):
        for row in rows:
            total, last_on = out.get(row["indicator"], (0, row["last_on"]))
            out[row["indicator"]] = (total + row["total"], max(last_on, row["last_on"]))

    # Which values count is decided in the aggregates' FILTER, not in WHERE: PostgreSQL cannot
    # estimate that OR and, from it, would join the indicators row by row.
    within = Q(measured_on__lte=cutoff)
    rows = list(
        flagged.order_by()
        .values("indicator")
        .annotate(
            total=Sum("value", filter=COUNTED & within),
            last_on=Max("measured_on", filter=COUNTED & within),
            beyond=Count("pk", filter=COUNTED & ~within),
        )
    )
    add(row for row in rows if row["total"] is not None)
    if any(row["beyond"] for row in rows):
        series = flagged.filter(COUNTED).filter(
            ~within, indicator=OuterRef("indicator"), unit=OuterRef("unit")
        )
        add(
            latest_rows(Measurement.objects.filter(Exists(series)), cutoff)
            .order_by()
            .values("indicator")
            .annotate(total=Sum("value"), last_on=Max("measured_on"))
        )
    return out


def indicator_value_at(indicator: Indicator, day: dt.date) -> Decimal | None:
    """The indicator's value on `day`: its unit's latest value, or the sum of each unit's latest
    value when it is summed up the tree."""
    row = (
        latest_rows(Measurement.objects.filter(indicator=indicator), day)
        .filter(COUNTED)
        .aggregate(total=Sum("value"))
    )
    return row["total"]


def attach_assessments(indicators: list[Indicator], today: dt.date | None = None) -> list:
    """Give each indicator `.assessment`, `.value` and `.value_on` (one query for all values)."""
    today = today or dt.date.today()
    totals = latest_totals([i.pk for i in indicators], today) if indicators else {}
    for ind in indicators:
        value, value_on = totals.get(ind.pk, (None, None))
        ind.value, ind.value_on = value, value_on
        ind.assessment = assess_indicator(ind, value, today)
    return indicators


def indicators_for(
    user,
    *,
    unit: Unit | None = None,
    programme: Programme | None = None,
    document: Document | None = None,
) -> QuerySet[Indicator]:
    """The indicators `user` may see, optionally of a unit's subtree, a programme or a document
    (directly or through its programmes)."""
    qs = rules.filter_indicators(user, Indicator.objects.all())
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if document is not None:
        qs = qs.filter(Q(document=document) | Q(programme__document=document))
    return qs.select_related("unit", "programme").order_by("programme_id", "position", "id")


def _subtree_assessments(
    unit_subtree_path: str, today: dt.date, queryset: QuerySet[Indicator] | None
) -> list[tuple[int, dt.date, Decimal | None, dt.date | None, Assessment]]:
    """(id, target end, value, value date, assessment) of every indicator with a deadline under
    the path, no model instances: one query reads each indicator's target fields with the sum
    of its flagged latest values (joined on the flag, counted in the aggregates' FILTER); only
    indicators with a value entered after their target ended ask `latest_totals` again."""
    qs = queryset if queryset is not None else Indicator.objects.all()
    cutoff = Least(Coalesce(F("target_end"), Value(today)), Value(today))
    counted = Q(latest__unit=F("unit")) | Q(by_subunits=True, rollup=Rollup.SUM)
    within = Q(latest__measured_on__lte=cutoff)
    rows = list(
        qs.filter(unit__path__startswith=unit_subtree_path, target_end__isnull=False)
        .annotate(
            latest=FilteredRelation("measurements", condition=Q(measurements__is_latest=True))
        )
        .order_by()
        .values_list(
            "pk", "direction", "target_value", "target_end", "baseline_value", "baseline_year"
        )
        .annotate(
            total=Sum("latest__value", filter=counted & within),
            last_on=Max("latest__measured_on", filter=counted & within),
            beyond=Count("latest__pk", filter=counted & ~within),
        )
    )
    later = [row[0] for row in rows if row[8]]
    again = latest_totals(later, today) if later else {}
    out = []
    for pk, direction, target, end, base_value, base_year, total, last_on, _beyond in rows:
        value, value_on = again.get(pk, (total, last_on))
        assessment = assess(
            direction=direction,
            goal=Decimal(0) if direction == Direction.ELIMINATE else target,
            target_end=end,
            value=value,
            baseline_value=base_value,
            baseline_year=base_year,
            today=today,
        )
        out.append((pk, end, value, value_on, assessment))
    return out


def indicators_off_track(
    unit_subtree_path: str,
    *,
    today: dt.date | None = None,
    queryset: QuerySet[Indicator] | None = None,
    limit: int | None = None,
) -> list[Indicator]:
    """The indicators of units under `unit_subtree_path` (a Unit.path) that are at risk or
    missed by the status rule: missed first, then by deadline, at most `limit` of them. Each
    carries `.assessment`, `.value` and `.value_on`. `queryset` narrows the indicators further
    (e.g. to one document's).

    Two queries whatever the size of the subtree: the indicators' target fields with their
    latest values, and the rows returned (with their unit and programme).
    """
    today = today or dt.date.today()
    found = [
        row
        for row in _subtree_assessments(unit_subtree_path, today, queryset)
        if row[4].status in OFF_TRACK
    ]
    found.sort(key=lambda r: (r[4].status != IndicatorStatus.MISSED, r[1], r[0]))
    if limit is not None:
        found = found[:limit]
    if not found:
        return []
    instances = Indicator.objects.select_related("unit", "programme").in_bulk([r[0] for r in found])
    out = []
    for pk, _end, value, value_on, assessment in found:
        ind = instances[pk]
        ind.value, ind.value_on, ind.assessment = value, value_on, assessment
        out.append(ind)
    return out


def indicator_status_counts(
    unit_subtree_path: str,
    *,
    today: dt.date | None = None,
    queryset: QuerySet[Indicator] | None = None,
) -> dict[str, int]:
    """How many indicators with a deadline under the path have each status (two queries)."""
    today = today or dt.date.today()
    counts = dict.fromkeys(IndicatorStatus.values, 0)
    for row in _subtree_assessments(unit_subtree_path, today, queryset):
        counts[row[4].status] += 1
    return counts


def indicator_assessment(indicator: Indicator, today: dt.date | None = None) -> Assessment:
    today = today or dt.date.today()
    value = indicator_value_at(indicator, cutoff(indicator, today))
    return assess_indicator(indicator, value, today)


# --- one indicator's page -----------------------------------------------------------------------
MAX_CHART_YEARS = 30


def indicator_series(
    indicator: Indicator, today: dt.date | None = None
) -> list[tuple[int, Decimal]]:
    """(year, value at the end of that year, or today for the current year) from the baseline
    year to the last year with data; the baseline value stands for its year when nothing was
    measured that year. One aggregate query per year."""
    today = today or dt.date.today()
    span = Measurement.objects.filter(indicator=indicator).aggregate(
        first=Min("measured_on"), last=Max("measured_on")
    )
    years: list[int] = []
    if span["first"] is not None:
        first = span["first"].year
        if indicator.baseline_year is not None:
            first = min(first, indicator.baseline_year)
        last = min(span["last"].year, today.year)
        years = list(range(first, last + 1))[-MAX_CHART_YEARS:]
    points: dict[int, Decimal] = {}
    for year in years:
        value = indicator_value_at(indicator, min(dt.date(year, 12, 31), today))
        if value is not None:
            points[year] = value
    if indicator.baseline_year is not None and indicator.baseline_value is not None:
        points.setdefault(indicator.baseline_year, indicator.baseline_value)
    return sorted(points.items())


def indicator_chart(indicator: Indicator, series: list[tuple[int, Decimal]]) -> str:
    """The line chart of the indicator over years with its target as a dashed line: inline SVG."""
    if not series:
        return ""
    goal = indicator.goal
    target_label = ""
    if goal is not None:
        year = indicator.target_date.year if indicator.target_date else ""
        target_label = _("Mục tiêu %(year)s: %(goal)s") % {
            "year": year,
            "goal": format_number(goal),
        }
    svg = charts.line_chart(
        {indicator.name[:60]: [(year, float(value)) for year, value in series]},
        y_label=indicator.measure_unit,
        target=float(goal) if goal is not None else None,
        target_label=target_label,
    )
    return charts.as_svg_text(svg)


@dataclass
class BreakdownRow:
    unit: Unit
    value: Decimal | None
    value_on: dt.date | None
    units_reporting: int
    is_own: bool = False

    @property
    def value_text(self) -> str:
        return format_number(self.value)


def indicator_breakdown(user, indicator: Indicator, today: dt.date | None = None) -> list:
    """For an indicator broken down by sub-units: one row per direct sub-unit the user may see
    (and the indicator's own unit when it has values), with the sum of the latest values in
    that branch — or, when not summed, the sub-unit's own latest value."""
    if not indicator.by_subunits:
        return []
    today = today or dt.date.today()
    own = indicator.unit
    step = Unit.steplen
    latest = latest_rows(Measurement.objects.filter(indicator=indicator), cutoff(indicator, today))
    if indicator.rollup != Rollup.SUM:
        latest = latest.filter(unit__depth__lte=own.depth + 1)
    rows = (
        latest.annotate(branch=Substr("unit__path", 1, (own.depth + 1) * step))
        .order_by()
        .values("branch")
        .annotate(total=Sum("value"), last_on=Max("measured_on"), n=Count("unit", distinct=True))
    )
    by_branch = {r["branch"]: r for r in rows}
    children = list(
        Unit.objects.filter(path__startswith=own.path, depth=own.depth + 1)
        .filter(Q(ended_on__isnull=True) | Q(path__in=list(by_branch)))
        .order_by("name")
    )
    out = []
    if own.path in by_branch:
        r = by_branch[own.path]
        out.append(BreakdownRow(own, r["total"], r["last_on"], r["n"], is_own=True))
    for child in children:
        if not org_rules.can_view_unit(user, child):
            continue
        r = by_branch.get(child.path)
        out.append(
            BreakdownRow(
                child,
                r["total"] if r else None,
                r["last_on"] if r else None,
                r["n"] if r else 0,
            )
        )
    return out


def indicator_measurements(user, indicator: Indicator) -> QuerySet[Measurement]:
    """The indicator's measurements the user may see: those of its own unit, and those of units
    in the user's scope (a ward never sees a sibling ward's figures)."""
    qs = Measurement.objects.filter(indicator=indicator)
    scope = org_rules.visible_q(user, org_rules.VIEW, "unit__path")
    if scope is not None:
        qs = qs.filter(Q(unit=indicator.unit) | scope)
    return qs.select_related("unit", "entered_by").order_by("-measured_on", "-id")


def measuring_units(user, indicator: Indicator) -> QuerySet[Unit]:
    """The units for which the user may enter values of the indicator."""
    if not indicator.by_subunits:
        units = Unit.objects.filter(pk=indicator.unit_id)
    else:
        units = Unit.objects.filter(path__startswith=indicator.unit.path)
    return org_rules.filter_units(user, units, org_rules.EDIT)


def can_enter_values(user, indicator: Indicator) -> bool:
    """May the user enter a value for at least one unit of the indicator's scope?"""
    if org_rules.can_edit_unit(user, indicator.unit):
        return True
    return indicator.by_subunits and measuring_units(user, indicator).exists()
