"""Bounds of the plans pages: the dashboard, the compliance matrix and the task list, in bare SQL.

Each function computes what its page shows, the way a person would write it by hand against
the tables: the same filters and the same rules (a task's chart bucket, a compliance cell's
state), without the ORM, the forms and the template. See plans/dashboard.py, compliance.py and
selectors_tasks.py for the rules restated here.
"""

import datetime as dt
from dataclasses import dataclass

from trienkhai.org.models import Unit
from trienkhai.plans.models import CLOSED_STATUSES, OPEN_STATUSES, Rollup, TaskStatus

from .bounds_common import fetch, placeholders, prefix

OPEN = [str(s) for s in OPEN_STATUSES]
CLOSED = [str(s) for s in CLOSED_STATUSES]
LIST_SIZE = 20  # plans.dashboard.LIST_SIZE
DUE_SOON_DAYS = 14  # plans.dashboard.DUE_SOON_DAYS


# --- tasks ----------------------------------------------------------------------------------------
def _bucket_columns(today: dt.date, soon_days: int, *, tally: bool = False) -> tuple[str, list]:
    """Conditional counts of the dashboard's status buckets (overdue open work apart); with
    `tally`, sums of the `n` of plans_tasktally rows (alias t, the same status and deadline end
    columns) instead of counts of tasks."""
    soon_end = today + dt.timedelta(days=soon_days)
    opened = f"t.status IN ({placeholders(OPEN)})"
    not_late = "(t.deadline_end IS NULL OR t.deadline_end >= %s)"

    def count(cond: str) -> str:
        if tally:
            return f"SUM(CASE WHEN {cond} THEN t.n ELSE 0 END)" if cond else "SUM(t.n)"
        return f"COUNT(CASE WHEN {cond} THEN 1 END)" if cond else "COUNT(*)"

    cols, params = [count("")], []
    for status in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.POSTPONED):
        cols.append(count(f"t.status = %s AND {not_late}"))
        params += [str(status), today]
    cols.append(count(f"{opened} AND t.deadline_end < %s"))
    params += [*OPEN, today]
    for status in (TaskStatus.DONE, TaskStatus.DONE_LATE, TaskStatus.CANCELLED):
        cols.append(count("t.status = %s"))
        params.append(str(status))
    cols.append(count(f"{opened} AND t.deadline_end BETWEEN %s AND %s"))
    params += [*OPEN, today, soon_end]
    return ", ".join(cols), params


def tallied_counts(path: str, today: dt.date) -> dict[str, dict[str, int]]:
    """The same counts for a whole tree (a root unit), summed from plans_tasktally: the
    product keeps those rows beside the tasks (plans.tallies), so the least the database must
    do is sum them."""
    cols, params = _bucket_columns(today, DUE_SOON_DAYS, tally=True)
    rows = fetch(
        f"""SELECT CASE WHEN t.lead_branch LIKE %s THEN t.lead_branch ELSE 'outside' END, {cols}
        FROM plans_tasktally t
        WHERE t.lead_branch LIKE %s OR t.assigner_root LIKE %s
        GROUP BY 1""",
        [prefix(path), *params, prefix(path), prefix(path)],
    )
    return {row[0]: dict(zip(BUCKET_KEYS, row[1:], strict=True)) for row in rows if row[1]}


BUCKET_KEYS = [
    "total",
    "not_started",
    "in_progress",
    "postponed",
    "overdue",
    "done",
    "done_late",
    "cancelled",
    "due_soon",
]


def task_counts_by_branch(path: str, today: dt.date) -> dict[str, dict[str, int]]:
    """Tasks led or assigned in the subtree, counted per bucket and per child branch: the work
    led in the subtree by branch, then the work it assigned outside in one row (two queries,
    each on an index; `led OR assigned` in one would read the whole table)."""
    width = len(path) + Unit.steplen
    cols, params = _bucket_columns(today, DUE_SOON_DAYS)
    rows = fetch(
        f"""SELECT substr(lu.path, 1, {width}), {cols}
        FROM plans_task t JOIN org_unit lu ON lu.id = t.lead_unit_id
        WHERE lu.path LIKE %s
        GROUP BY 1""",
        [*params, prefix(path)],
    )
    out = {row[0]: dict(zip(BUCKET_KEYS, row[1:], strict=True)) for row in rows}
    (outside,) = fetch(
        f"""SELECT {cols}
        FROM plans_task t
        JOIN org_unit ab ON ab.id = t.assigned_by_id
        JOIN org_unit lu ON lu.id = t.lead_unit_id
        WHERE ab.path LIKE %s AND lu.path NOT LIKE %s""",
        [*params, prefix(path), prefix(path)],
    )
    if outside[0]:
        out["outside"] = dict(zip(BUCKET_KEYS, outside, strict=True))
    return out


def task_lists(
    path: str, today: dt.date, counts: dict[str, dict[str, int]], size: int = LIST_SIZE
) -> tuple[list, list]:
    """The dashboard's two lists: overdue work, oldest first; work due soon, nearest first. Each
    the first rows of the work led in the subtree and of the work assigned outside it, merged;
    a part the counts show empty is not asked."""
    columns = """SELECT t.id, t.title, t.deadline, t.deadline_precision, t.deadline_end,
               t.status, t.progress, lu.name, p.title
        FROM plans_task t
        JOIN org_unit lu ON lu.id = t.lead_unit_id
        LEFT JOIN org_unit ab ON ab.id = t.assigned_by_id
        LEFT JOIN plans_programme p ON p.id = t.programme_id"""
    parts = {
        "led": ("lu.path LIKE %s", [prefix(path)]),
        "outside": ("ab.path LIKE %s AND lu.path NOT LIKE %s", [prefix(path), prefix(path)]),
    }
    opened = f"t.status IN ({placeholders(OPEN)})"
    soon_end = today + dt.timedelta(days=DUE_SOON_DAYS)
    lists = {
        "overdue": ("t.deadline_end < %s", [today]),
        "due_soon": ("t.deadline_end BETWEEN %s AND %s", [today, soon_end]),
    }
    out = []
    for key, (when, when_params) in lists.items():
        rows = []
        for part, (where, where_params) in parts.items():
            known = [
                row
                for branch, row in counts.items()
                if (branch == "outside") == (part == "outside")
            ]
            if not sum(row[key] for row in known):
                continue
            rows += fetch(
                f"""{columns} WHERE {where} AND {opened} AND {when}
                ORDER BY t.deadline_end, t.id LIMIT {size}""",
                [*where_params, *OPEN, *when_params],
            )
        rows.sort(key=lambda row: (row[4], row[0]))
        out.append(rows[:size])
    return out[0], out[1]


# --- compliance cells -----------------------------------------------------------------------------
def cell_state(today: dt.date) -> tuple[str, list]:
    """The state of a compliance cell (alias t: the target row, r: its requirement) from its
    stored complying date (compliance_cells), the due date and today."""
    sql = """CASE WHEN t.complied_on IS NOT NULL
                  THEN CASE WHEN t.complied_on <= r.due_on THEN 'done' ELSE 'late' END
             WHEN r.due_on >= %s THEN 'missing' ELSE 'overdue' END"""
    return sql, [today]


CELLS = """FROM plans_requirementtarget t
    JOIN plans_requirement r ON r.id = t.requirement_id
    JOIN org_unit u ON u.id = t.unit_id"""


def compliance_by_branch(path: str, today: dt.date) -> dict[str, dict[str, int]]:
    """Compliance cells of the subtree by child branch and state."""
    width = len(path) + Unit.steplen
    state, params = cell_state(today)
    rows = fetch(
        f"""SELECT branch, state, COUNT(*) FROM (
            SELECT substr(u.path, 1, {width}) AS branch, {state} AS state
            {CELLS} WHERE u.path LIKE %s) cells
        GROUP BY branch, state""",
        [*params, prefix(path)],
    )
    out: dict[str, dict[str, int]] = {}
    for branch, state_name, n in rows:
        out.setdefault(branch, {})[state_name] = n
    return out


# --- indicators and reports -----------------------------------------------------------------------
def indicator_values(path: str, today: dt.date) -> list[tuple]:
    """Indicators with a deadline in the subtree, with their value: the sum of the latest
    counted measurement of each unit, up to today or the target's end (selectors_programmes):
    the flagged latest values within the cutoff, and for a series whose latest value lies beyond
    it, its last value before the cutoff."""
    cutoff = "CASE WHEN i.target_end < %s THEN i.target_end ELSE %s END"
    scope = """FROM plans_measurement m
        JOIN plans_indicator i ON i.id = m.indicator_id
        JOIN org_unit iu ON iu.id = i.unit_id
        WHERE iu.path LIKE %s AND i.target_end IS NOT NULL
          AND (m.unit_id = i.unit_id OR (i.by_subunits AND i.rollup = %s))"""
    params = [prefix(path), str(Rollup.SUM)]
    counted = "(m.unit_id = i.unit_id OR (i.by_subunits AND i.rollup = %s))"
    sum_kind = str(Rollup.SUM)
    totals = fetch(
        f"""SELECT m.indicator_id,
            SUM(m.value) FILTER (WHERE {counted} AND m.measured_on <= {cutoff}),
            MAX(m.measured_on) FILTER (WHERE {counted} AND m.measured_on <= {cutoff}),
            COUNT(*) FILTER (WHERE {counted} AND m.measured_on > {cutoff})
        FROM plans_measurement m
        JOIN plans_indicator i ON i.id = m.indicator_id
        JOIN org_unit iu ON iu.id = i.unit_id
        WHERE iu.path LIKE %s AND i.target_end IS NOT NULL AND m.is_latest
        GROUP BY m.indicator_id""",
        [sum_kind, today, today] * 3 + [prefix(path)],
    )
    beyond = []
    if any(row[3] for row in totals):
        beyond = fetch(
            f"""SELECT m.indicator_id, SUM(m.value), MAX(m.measured_on) {scope}
              AND m.measured_on <= {cutoff}
              AND EXISTS (SELECT 1 FROM plans_measurement l
                WHERE l.indicator_id = m.indicator_id AND l.unit_id = m.unit_id AND l.is_latest
                  AND l.measured_on > {cutoff})
              AND NOT EXISTS (
                SELECT 1 FROM plans_measurement n
                WHERE n.indicator_id = m.indicator_id AND n.unit_id = m.unit_id
                  AND n.measured_on <= {cutoff}
                  AND (n.measured_on > m.measured_on
                       OR (n.measured_on = m.measured_on AND n.id > m.id)))
            GROUP BY m.indicator_id""",
            [*params, today, today, today, today, today, today],
        )
    totals = [row[:3] for row in totals if row[1] is not None]
    values: dict[int, tuple] = {}
    for pk, total, last_on in [*totals, *beyond]:
        before, on = values.get(pk, (0, last_on))
        values[pk] = (before + total, max(on, last_on))
    rows = fetch(
        """SELECT i.id, i.direction, i.target_value, i.target_end, i.baseline_value,
               i.baseline_year
        FROM plans_indicator i JOIN org_unit iu ON iu.id = i.unit_id
        WHERE iu.path LIKE %s AND i.target_end IS NOT NULL""",
        [prefix(path)],
    )
    return [(*row, *values.get(row[0], (None, None))) for row in rows]


@dataclass(frozen=True)
class DuePeriod:
    """A schedule's last due period, worked out before timing (date arithmetic, no data)."""

    schedule_id: int
    parent_id: int
    parent_path: str
    kinds: tuple
    start: dt.date
    end: dt.date


def due_periods(path: str, today: dt.date) -> list[DuePeriod]:
    """The schedules that bind the subtree (set at the unit, above it or below it) and their
    last due period, by the product's own calendar rules (plans.reports)."""
    from django.db.models import Q

    from trienkhai.plans.models import ReportSchedule
    from trienkhai.plans.reports import due_periods as periods_of

    from .bounds_common import ancestor_paths

    schedules = ReportSchedule.objects.filter(
        Q(parent_unit__path__in=ancestor_paths(path, Unit.steplen))
        | Q(parent_unit__path__startswith=path),
        starts_on__lte=today,
    ).select_related("parent_unit")
    out = []
    for schedule in schedules:
        for period in periods_of(schedule, today, limit=1):
            out.append(
                DuePeriod(
                    schedule.pk,
                    schedule.parent_unit_id,
                    schedule.parent_unit.path,
                    tuple(schedule.unit_kinds),
                    period.start,
                    period.end,
                )
            )
    return out


def reports_expected(path: str, periods: list[DuePeriod]) -> list[tuple[int, int, int]]:
    """(schedule, units expected, reports submitted) for each schedule's last due period."""
    out = []
    for p in periods:
        (row,) = fetch(
            f"""SELECT COUNT(*), COUNT(CASE WHEN EXISTS (
                    SELECT 1 FROM plans_report rp WHERE rp.schedule_id = %s AND rp.unit_id = u.id
                      AND rp.period_start = %s AND rp.status = 'submitted') THEN 1 END)
            FROM org_unit u
            WHERE u.path LIKE %s AND u.path LIKE %s AND u.id <> %s
              AND u.kind IN ({placeholders(p.kinds)})
              AND (u.established_on IS NULL OR u.established_on <= %s)
              AND (u.ended_on IS NULL OR u.ended_on > %s)""",
            [p.schedule_id, p.start, prefix(p.parent_path), prefix(path), p.parent_id]
            + [*p.kinds, p.end, p.end],
        )
        out.append((p.schedule_id, *row))
    return out


def reports_received(path: str, since: dt.date) -> int:
    (row,) = fetch(
        """SELECT COUNT(*) FROM plans_report rp JOIN org_unit u ON u.id = rp.unit_id
        WHERE u.path LIKE %s AND rp.status = 'submitted'
          AND (rp.period_end >= %s)""",
        [prefix(path), since],
    )
    return row[0]


# --- the pages ------------------------------------------------------------------------------------
def dashboard(path: str, today: dt.date, periods: list[DuePeriod]) -> dict:
    """Every number of a unit's dashboard: tasks and compliance by branch, the two lists, the
    branches' names, indicators with their values, reports owed and received."""
    # A root's tasks come from the tallies, as on the page (plans.tallies.covers).
    root = len(path) == Unit.steplen
    tasks = tallied_counts(path, today) if root else task_counts_by_branch(path, today)
    cells = compliance_by_branch(path, today)
    overdue, soon = task_lists(path, today, tasks)
    branches = [b for b in {*tasks, *cells} if b not in (path, "outside")]
    names = fetch(
        f"SELECT id, path, name FROM org_unit WHERE path IN ({placeholders(branches)})", branches
    )
    totals = {key: sum(row[key] for row in tasks.values()) for key in BUCKET_KEYS}
    states: dict[str, int] = {}
    for counts in cells.values():
        for state, n in counts.items():
            states[state] = states.get(state, 0) + n
    return {
        "tasks": totals,
        "compliance": states,
        "lists": (len(overdue), len(soon)),
        "branches": len(names),
        "indicators": len(indicator_values(path, today)),
        "reports": reports_expected(path, periods),
        "received": reports_received(path, dt.date(today.year, 1, 1)),
    }


def compliance_matrix(
    scope_path: str, unit_id: int, unit_path: str, today: dt.date, columns: int, page_size: int
) -> dict:
    """The matrix of the requirements set by a unit or applying under it, as a manager of
    `scope_path` sees it: counts per requirement and state, counts per sub-tree one level below
    the requirements' common parent, and the cells of the first page of units."""
    reqs = fetch(
        """SELECT r.id, pu.path FROM plans_requirement r JOIN org_unit pu ON pu.id = r.parent_unit_id
        WHERE r.set_by_id = %s OR pu.path LIKE %s ORDER BY r.due_on, r.id LIMIT %s""",
        [unit_id, prefix(unit_path), columns + 1],
    )[:columns]
    ids = [pk for pk, _path in reqs]
    base = _common_base([path for _pk, path in reqs])
    state, params = cell_state(today)
    visible = f"t.requirement_id IN ({placeholders(ids)}) AND u.path LIKE %s"
    cells = f"SELECT t.requirement_id AS req, t.unit_id AS unit, u.path AS path, {state} AS state"
    (deepest,) = fetch(f"SELECT MAX(u.depth) {CELLS} WHERE {visible}", [*ids, prefix(scope_path)])[
        0
    ]
    groups, names = [], []
    base_depth = len(base) // Unit.steplen
    if base and (deepest or 0) > base_depth:
        # Counted by group and requirement: the columns are the groups' sums (each cell's state
        # decided once, as compliance.build_matrix does).
        width = (base_depth + 1) * Unit.steplen
        groups = fetch(
            f"""SELECT substr(path, 1, {width}) AS grp, req, state, COUNT(*)
            FROM ({cells} {CELLS} WHERE {visible}) c GROUP BY grp, req, state""",
            [*params, *ids, prefix(scope_path)],
        )
        by_column = [(req, state_name, n) for _grp, req, state_name, n in groups]
        paths = sorted({row[0] for row in groups})
        names = fetch(
            f"SELECT id, path, name FROM org_unit WHERE path IN ({placeholders(paths)})", paths
        )
    else:
        by_column = fetch(
            f"""SELECT req, state, COUNT(*) FROM ({cells} {CELLS} WHERE {visible}) c
            GROUP BY req, state""",
            [*params, *ids, prefix(scope_path)],
        )
    units = fetch(
        f"""SELECT DISTINCT t.unit_id, u.path {CELLS} WHERE {visible}
        ORDER BY u.path LIMIT {page_size}""",
        [*ids, prefix(scope_path)],
    )
    unit_ids = [pk for pk, _path in units]
    page = fetch(
        f"""{cells}, u.name, u.ended_on {CELLS}
        WHERE {visible} AND t.unit_id IN ({placeholders(unit_ids)})
        ORDER BY u.path, t.requirement_id""",
        [*params, *ids, prefix(scope_path), *unit_ids],
    )
    counts: dict[str, int] = {}
    for _req, state_name, n in by_column:
        counts[state_name] = counts.get(state_name, 0) + n
    return {"requirements": len(ids), "states": counts, "groups": len(names), "cells": len(page)}


def _common_base(paths: list[str]) -> str:
    """The path of the deepest unit above every requirement's parent unit (compliance)."""
    if not paths:
        return ""
    base = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(base), len(path)) and base[n] == path[n]:
            n += 1
        base = base[: n - n % Unit.steplen]
    return base


def task_list(path: str, today: dt.date, page: int, page_size: int, soon_days: int) -> dict:
    """The task list filtered to open work led or coordinated in a subtree, by deadline: the
    counts above the list and one page of rows (selectors_tasks.list_page; the filter lies
    inside the manager's scope, so it decides visibility too). The keys of the set (id, status,
    deadline) are the UNION of the led and the coordinated open tasks, counted and sorted in one
    pass; the page's rows are then read by id."""
    in_subtree = "SELECT id FROM org_unit WHERE path LIKE %s"
    opened = f"t.status IN ({placeholders(OPEN)})"
    keys = f"""SELECT t.id, t.status, t.deadline_end FROM plans_task t
        WHERE {opened} AND t.lead_unit_id IN ({in_subtree})
        UNION
        SELECT t.id, t.status, t.deadline_end FROM plans_task t
        WHERE {opened} AND t.id IN (SELECT c.task_id FROM plans_taskcoordination c
                                    WHERE c.unit_id IN ({in_subtree}))"""
    keys_params = [*OPEN, prefix(path), *OPEN, prefix(path)]
    k_open = f"k.status IN ({placeholders(OPEN)})"
    soon_end = today + dt.timedelta(days=soon_days)
    found = fetch(
        f"""SELECT k.id, COUNT(*) OVER (), COUNT(CASE WHEN {k_open} THEN 1 END) OVER (),
            COUNT(CASE WHEN {k_open} AND k.deadline_end < %s THEN 1 END) OVER (),
            COUNT(CASE WHEN {k_open} AND k.deadline_end BETWEEN %s AND %s THEN 1 END) OVER (),
            COUNT(CASE WHEN k.status = 'done' THEN 1 END) OVER (),
            COUNT(CASE WHEN k.status = 'done_late' THEN 1 END) OVER ()
        FROM ({keys}) k
        ORDER BY k.deadline_end ASC NULLS LAST, k.id ASC
        LIMIT {page_size} OFFSET {(page - 1) * page_size}""",
        [*OPEN, *OPEN, today, *OPEN, today, soon_end, *keys_params],
    )
    ids = [row[0] for row in found]
    rows = (
        fetch(
            f"""SELECT t.id, t.title, t.deadline, t.deadline_precision, t.deadline_end, t.status,
            t.progress, t.weight, lu.name, ab.name, p.title,
            CASE WHEN {opened} AND t.deadline_end BETWEEN %s AND %s THEN 1 ELSE 0 END
        FROM plans_task t
        JOIN org_unit lu ON lu.id = t.lead_unit_id
        JOIN org_unit ab ON ab.id = t.assigned_by_id
        LEFT JOIN plans_programme p ON p.id = t.programme_id
        WHERE t.id IN ({placeholders(ids)})""",
            [*OPEN, today, soon_end, *ids],
        )
        if ids
        else []
    )
    keys_out = ["total", "open", "overdue", "due_soon", "done", "done_late"]
    counts = found[0][1:] if found else (0,) * len(keys_out)
    return {**dict(zip(keys_out, counts, strict=True)), "rows": len(rows)}
