"""Tracked work of the benchmark data set: programmes, tasks, requirements and their compliance,
indicators over five years, and the quarterly reports with their figures.

What the product keeps beside the rows is kept here too: a task's `deadline_end` and
`completed_on` agree with its status, an indicator's `target_end`, a summed indicator measured at
one level only, a report's `figures` (the snapshot `plans.reports.collect_figures` takes when a
report is submitted), a requirement met by a document of its type issued by the unit after it was
set. PostgreSQL only (COPY).
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from trienkhai.lib.dates import period_end

from .gen_documents import Issuer, Register, sentence
from .gen_load import copy_rows, fetch, indexes_set_aside
from .gen_tree import CELL_DEPTH, COMMUNE_DEPTH, PROVINCE_DEPTH

VERBS = [
    "Triển khai", "Tổ chức thực hiện", "Xây dựng kế hoạch", "Tổng kết", "Sơ kết", "Kiểm tra",
    "Giám sát", "Tuyên truyền", "Rà soát", "Hoàn thiện", "Đẩy mạnh", "Hướng dẫn",
]  # fmt: skip
TOPICS = [
    "công tác xây dựng Đảng", "chuyển đổi số", "cải cách hành chính", "xây dựng nông thôn mới",
    "giảm nghèo bền vững", "phòng, chống tham nhũng, lãng phí", "công tác dân vận",
    "phát triển kinh tế tập thể", "bảo vệ môi trường", "công tác cán bộ", "quốc phòng, an ninh",
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "công tác kiểm tra, giám sát",
    "phát triển đảng viên", "văn hóa, xã hội", "phòng, chống thiên tai",
]  # fmt: skip
FIELDS = ["Xây dựng Đảng", "Kinh tế", "Văn hóa, xã hội", "Quốc phòng, an ninh", "Dân vận",
          "Chuyển đổi số"]  # fmt: skip
# (status, weight) for deadlines already past, and for deadlines to come.
PAST = [("done", 52), ("done_late", 16), ("cancelled", 3), ("postponed", 4),
        ("in_progress", 14), ("not_started", 11)]  # fmt: skip
FUTURE = [("done", 14), ("done_late", 0), ("cancelled", 2), ("postponed", 3),
          ("in_progress", 50), ("not_started", 31)]  # fmt: skip
PRECISIONS = ["day"] * 7 + ["month"] * 2 + ["quarter"]
LEAD_WEIGHT = {
    PROVINCE_DEPTH: 40,
    COMMUNE_DEPTH: 8,
    CELL_DEPTH: 1,
}  # a province leads more work than a commune, a commune than a cell

TASK_COLUMNS = [
    "title", "description", "programme_id", "assigned_by_id", "assigning_document_id",
    "lead_unit_id", "output_text", "output_doc_type", "start_on", "deadline",
    "deadline_precision", "deadline_end", "status", "postponed_reason", "progress", "weight",
    "completed_on", "revision", "created_at", "updated_at",
]  # fmt: skip


@dataclass
class Tree:
    """The built tree read back: ids, paths and names, by level."""

    units: list[tuple]  # (id, path, depth, name, short_name)
    by_path: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)  # parent path -> [unit id]

    @classmethod
    def load(cls) -> "Tree":
        rows = fetch("SELECT id, path, depth, name, short_name FROM org_unit ORDER BY path")
        tree = cls(rows)
        for row in rows:
            tree.by_path[row[1]] = row
            tree.children.setdefault(row[1][:-4], []).append(row[0])
        return tree

    def level(self, depth: int) -> list[tuple]:
        return [u for u in self.units if u[2] == depth]

    def province_of(self, unit: tuple) -> tuple:
        return self.by_path[unit[1][: 4 * PROVINCE_DEPTH]]

    def parent_id(self, unit: tuple) -> int:
        parent = self.by_path.get(unit[1][:-4])
        return parent[0] if parent else unit[0]

    def issuer(self, unit: tuple) -> Issuer:
        return Issuer(unit[0], unit[3], unit[4], self.province_of(unit)[3])

    def working(self) -> list[tuple]:
        """Every unit that issues documents and leads tasks: all but the national root."""
        return [u for u in self.units if u[2] >= PROVINCE_DEPTH]

    def issuers(self) -> list[Issuer]:
        return [self.issuer(u) for u in self.working()]


@dataclass
class Plan:
    """What is decided before the documents are written, and the documents' places in it."""

    programmes: list = field(default_factory=list)  # (owner unit, field, title, doc index)
    requirements: list = field(default_factory=list)  # (province, title, kind, type, due, set)
    compliance_docs: int = 0


# --- before the documents: the documents the work refers to ------------------------------------
def plan_work(tree: Tree, register: Register, rng) -> Plan:
    """Programme documents, and the documents that meet (or late) the requirements."""
    today = register.today
    plan = Plan()
    for province in tree.level(PROVINCE_DEPTH):
        issuer = tree.issuer(province)
        for f in FIELDS:
            day = dt.date(today.year - 5, 1, 1) + dt.timedelta(days=rng.randrange(300))
            title = f"Chương trình hành động về {f.lower()} nhiệm kỳ {day.year}–{day.year + 5}"
            register.party(issuer, "CTr", day, title)
            plan.programmes.append((province, f, title, len(register.rows) - 1))
    for commune in tree.level(COMMUNE_DEPTH):
        issuer = tree.issuer(commune)
        day = dt.date(2025, 8, 1) + dt.timedelta(days=rng.randrange(90))
        title = f"Chương trình công tác toàn khóa của {commune[3]}"
        register.party(issuer, "CTr", day, title)
        plan.programmes.append((commune, rng.choice(FIELDS), title, len(register.rows) - 1))

    set_on = today - dt.timedelta(days=400)
    for province in tree.level(PROVINCE_DEPTH):
        cells = [u for u in tree.level(CELL_DEPTH) if u[1].startswith(province[1])]
        communes = [u for u in tree.level(COMMUNE_DEPTH) if u[1].startswith(province[1])]
        for title, kind, members, doc_type, due, share in (
            ("Ban hành quy chế làm việc", "grassroots_party_committee", communes, "QC", -200, 0.8),
            ("Ban hành chương trình hành động", "grassroots_party_committee", communes, "CTr",
             -100, 0.6),
            ("Xây dựng kế hoạch thực hiện", "party_cell", cells, "KH", 30, 0.4),
        ):  # fmt: skip
            due_on = today + dt.timedelta(days=due)
            plan.requirements.append((province, title, kind, doc_type, due_on, set_on, members))
            for unit in members:
                if rng.random() >= share:
                    continue
                # On time mostly; a fifth after the deadline; never in the future.
                issued = due_on - dt.timedelta(days=rng.randint(0, 150))
                if rng.random() < 0.2:
                    issued = due_on + dt.timedelta(days=rng.randint(1, 60))
                issued = max(set_on + dt.timedelta(days=1), min(issued, today))
                register.party(tree.issuer(unit), doc_type, issued, f"{title} của {unit[3]}")
                plan.compliance_docs += 1
    return plan


# --- after the documents ------------------------------------------------------------------------
def write_programmes(plan: Plan, doc_ids: list[int], today: dt.date) -> dict[int, list]:
    """Programmes; returns {owner unit id: [(programme id, document id)]}."""
    now = timezone.now()
    rows = []
    for owner, f, title, index in plan.programmes:
        start = today.year - 5 if owner[2] == 1 else 2025
        rows.append((doc_ids[index], title, f, owner[0], start, start + 5, "", now, now))
    copy_rows(
        "plans_programme",
        ["document_id", "title", "field", "owner_unit_id", "start_year", "end_year",
         "description", "created_at", "updated_at"],
        rows,
    )  # fmt: skip
    out: dict[int, list] = {}
    for pid, owner, doc in fetch("SELECT id, owner_unit_id, document_id FROM plans_programme"):
        out.setdefault(owner, []).append((pid, doc))
    for value in out.values():
        value.sort()
    return out


def write_requirements(plan: Plan) -> int:
    """Requirements, set 400 days ago, and their targets (the compliance cells); returns the
    number of cells."""
    rows = [
        (title, province[0], province[0], json.dumps([kind]), doc_type, due,
         dt.datetime.combine(set_on, dt.time(9), tzinfo=dt.UTC))
        for province, title, kind, doc_type, due, set_on, _members in plan.requirements
    ]  # fmt: skip
    copy_rows(
        "plans_requirement",
        ["title", "set_by_id", "parent_unit_id", "unit_kinds", "doc_type", "due_on",
         "created_at"],
        rows,
    )  # fmt: skip
    ids = [i for (i,) in fetch("SELECT id FROM plans_requirement ORDER BY id")]
    with indexes_set_aside("plans_requirementtarget"):
        return copy_rows(
            "plans_requirementtarget",
            ["requirement_id", "unit_id", "by_successor"],
            (
                (rid, unit[0], False)
                for rid, r in zip(ids, plan.requirements, strict=True)
                for unit in r[6]
            ),
        )


def write_tasks(
    tree: Tree, programmes: dict, count: int, rng, today: dt.date, step=None
) -> tuple[int, int]:
    """`count` tasks over every unit, and their coordinating units; returns (tasks, links).
    `step(text)` is told as each stage ends."""
    step = step or (lambda text: None)
    units = tree.working()
    weights = [LEAD_WEIGHT.get(u[2], 1) for u in units]
    now = timezone.now()
    statuses = {
        True: ([s for s, _w in PAST], [w for _s, w in PAST]),
        False: ([s for s, _w in FUTURE], [w for _s, w in FUTURE]),
    }
    coordinations: list[tuple[int, list[int]]] = []

    def rows():
        leads = rng.choices(units, weights=weights, k=count)
        for n, lead in enumerate(leads):
            precision = rng.choice(PRECISIONS)
            deadline = today + dt.timedelta(days=rng.randint(-730, 365))
            if precision == "month":
                deadline = deadline.replace(day=1)
            elif precision == "quarter":
                deadline = dt.date(deadline.year, 3 * ((deadline.month - 1) // 3) + 1, 1)
            end = period_end(deadline, precision)
            names, w = statuses[end < today]
            status = rng.choices(names, weights=w)[0]
            start = deadline - dt.timedelta(days=rng.randint(30, 365))
            completed, progress, reason = None, 0, ""
            if status == "done":
                completed = min(end, today) - dt.timedelta(days=rng.randint(0, 45))
                completed, progress = max(completed, start), 100
            elif status == "done_late":
                completed, progress = min(end + dt.timedelta(days=rng.randint(1, 90)), today), 100
            elif status == "in_progress":
                progress = rng.randint(1, 19) * 5
            elif status == "postponed":
                progress, reason = rng.randint(0, 10) * 5, "Chờ hướng dẫn của cấp trên"
            elif status == "cancelled":
                progress = rng.randint(0, 6) * 5
            own = programmes.get(tree.province_of(lead)[0], [])
            local = programmes.get(lead[0], []) or programmes.get(tree.parent_id(lead), [])
            programme = document = None
            roll = rng.random()
            if roll < 0.25 and own:
                programme, document = rng.choice(own)
            elif roll < 0.4 and local:
                programme, document = local[0]
            title = f"{rng.choice(VERBS)} {rng.choice(TOPICS)} ({lead[4]} {n % 997 + 1})"
            if rng.random() < 0.3:
                siblings = [u for u in tree.children.get(lead[1][:-4], []) if u != lead[0]]
                if siblings:
                    coordinations.append((n, rng.sample(siblings, min(len(siblings), 1 + n % 3))))
            created = dt.datetime.combine(min(start, today), dt.time(8), tzinfo=dt.UTC)
            yield (
                title, "", programme, tree.parent_id(lead), document, lead[0], "", "", start,
                deadline, precision, end, status, reason, progress, 1, completed, 1, created, now,
            )  # fmt: skip

    first = fetch("SELECT COALESCE(MAX(id), 0) FROM plans_task")[0][0]
    with indexes_set_aside("plans_task", "plans_taskcoordination"):
        tasks = copy_rows("plans_task", TASK_COLUMNS, rows())
        low, high = fetch("SELECT MIN(id), MAX(id) FROM plans_task WHERE id > %s", [first])[0]
        assert high - low + 1 == tasks, "task ids are not consecutive"
        links = copy_rows(
            "plans_taskcoordination",
            ["task_id", "unit_id"],
            ((low + n, unit) for n, units_ in coordinations for unit in units_),
        )
        step("drawn and copied")
    step("indexes")
    # Copied rows bypass the services: the dashboard's tallies are recounted from them.
    from trienkhai.plans import tallies

    tallies.rebuild()
    step("tallies")
    return tasks, links


def write_indicators(tree: Tree, programmes: dict, rng, today: dt.date) -> tuple[int, int]:
    """Per province four summed counts measured by its communes and four rates of its own; per
    commune two rates of its own; a value every 30 June of the last five years (and today's
    year so far). Returns (indicators, measurements)."""
    now = timezone.now()
    specs = []  # (unit, programme, document, name, measure, direction, base, target, by_sub)
    for province in tree.level(PROVINCE_DEPTH):
        own = programmes.get(province[0], [])
        for i, (name, measure, direction, base, target, by_sub) in enumerate([
            ("Số đảng viên mới kết nạp", "người", "at_least", 0, 60, True),
            ("Số chi bộ đạt trong sạch, vững mạnh", "chi bộ", "at_least", 5, 14, True),
            ("Số hộ nghèo", "hộ", "at_most", 300, 80, True),
            ("Số vụ vi phạm được phát hiện qua kiểm tra", "vụ", "eliminate", 12, 0, True),
            ("Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", "%", "at_least", 30, 90, False),
            ("Tỷ lệ xã đạt chuẩn nông thôn mới", "%", "at_least", 40, 85, False),
            ("Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ", "%", "at_least", 70, 90, False),
            ("Tỷ lệ bao phủ bảo hiểm y tế", "%", "reach", 85, 95, False),
        ]):  # fmt: skip
            programme, document = own[i % len(own)] if own else (None, None)
            specs.append((province, programme, document, name, measure, direction, base, target,
                          by_sub))  # fmt: skip
    for commune in tree.level(COMMUNE_DEPTH):
        local = programmes.get(commune[0], [])
        programme, document = local[0] if local else (None, None)
        for name, base, target in (
            ("Tỷ lệ đảng viên được đánh giá hoàn thành tốt nhiệm vụ", 75, 90),
            ("Tỷ lệ người dân hài lòng với dịch vụ hành chính công", 70, 90),
        ):
            specs.append((commune, programme, document, name, "%", "at_least", base, target,
                          False))  # fmt: skip
    target_day = dt.date(today.year + 3, 12, 31)
    rows = [
        (programme, document, unit[0], name, measure, direction, Decimal(base), today.year - 5,
         Decimal(target), target_day, "year", target_day, by_sub,
         "none" if measure == "%" else "sum", position, now)
        for position, (unit, programme, document, name, measure, direction, base, target, by_sub)
        in enumerate(specs)
    ]  # fmt: skip
    copy_rows(
        "plans_indicator",
        ["programme_id", "document_id", "unit_id", "name", "measure_unit", "direction",
         "baseline_value", "baseline_year", "target_value", "target_date", "target_precision",
         "target_end", "by_subunits", "rollup", "position", "created_at"],
        rows,
    )  # fmt: skip
    ids = [i for (i,) in fetch("SELECT id FROM plans_indicator ORDER BY id")]
    years = [y for y in range(today.year - 4, today.year + 1) if dt.date(y, 6, 30) <= today]

    def measurements():
        for indicator_id, (unit, *_rest, base, target, by_sub) in zip(ids, specs, strict=True):
            measured = (
                [u for u in tree.level(COMMUNE_DEPTH) if u[1].startswith(unit[1])]
                if by_sub
                else [unit]
            )
            share = 1 / max(1, len(measured)) if by_sub else 1
            for who in measured:
                for k, year in enumerate(years, 1):
                    step = (target - base) * k / (len(years) + 2)
                    value = base + step + rng.uniform(-0.15, 0.15) * abs(target - base or 10)
                    value = max(0.0, value * share * (3 if by_sub else 1))
                    if not by_sub:
                        value = min(100.0, value)
                    yield (indicator_id, who[0], Decimal(f"{value:.2f}"), dt.date(year, 6, 30),
                           "Báo cáo tổng hợp", "", now, k == len(years))  # fmt: skip

    count = copy_rows(
        "plans_measurement",
        [
            "indicator_id",
            "unit_id",
            "value",
            "measured_on",
            "source",
            "evidence",
            "entered_at",
            "is_latest",
        ],
        measurements(),
    )
    return len(ids), count


def write_reports(tree: Tree, rng, today: dt.date) -> int:
    """A quarterly report schedule per province for its communes over five years, four in five
    communes reporting each quarter, each report with the figures it would have carried."""
    from trienkhai.plans.models import ReportSchedule
    from trienkhai.plans.reports import due_periods

    now = timezone.now()
    starts = dt.date(today.year - 5, 1, 1)
    task_counts = _task_counts_by_commune(today)
    values = _latest_values_by_unit()
    rows = []
    for province in tree.level(PROVINCE_DEPTH):
        schedule = ReportSchedule.objects.create(
            title="Báo cáo kết quả thực hiện nhiệm vụ quý",
            parent_unit_id=province[0],
            unit_kinds=["grassroots_party_committee"],
            frequency="quarterly",
            due_days=10,
            starts_on=starts,
        )
        communes = [u for u in tree.level(COMMUNE_DEPTH) if u[1].startswith(province[1])]
        for period in due_periods(schedule, today):
            for commune in communes:
                if rng.random() >= 0.8:
                    continue
                late = rng.random() < 0.15
                day = period.due_on + dt.timedelta(days=rng.randint(1, 20) if late else -3)
                at = dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)
                figures = {
                    "taken_at": at.isoformat(timespec="seconds"),
                    "indicators": _values_at(values.get(commune[0], []), period.end),
                    "tasks": task_counts.get(commune[1], _zero_counts()),
                }  # fmt: skip
                sections = {
                    "results": sentence(rng, 20, 40),
                    "next": sentence(rng, 10, 20),
                }
                rows.append(
                    (schedule.pk, commune[0], period.start, period.end, period.due_on,
                     "submitted", at, late, json.dumps(sections, ensure_ascii=False),
                     json.dumps(figures, ensure_ascii=False), 1, now)
                )  # fmt: skip
    return copy_rows(
        "plans_report",
        ["schedule_id", "unit_id", "period_start", "period_end", "due_on", "status",
         "submitted_at", "is_late", "sections", "figures", "revision", "updated_at"],
        rows,
    )  # fmt: skip


def _zero_counts() -> dict:
    from trienkhai.plans.models import TaskStatus

    return {"total": 0, "overdue": 0, **dict.fromkeys(TaskStatus.values, 0)}


def _task_counts_by_commune(today: dt.date) -> dict[str, dict]:
    """Tasks led by each commune or below it, by status, as `collect_figures` counts them."""
    from trienkhai.plans.models import OPEN_STATUSES

    out: dict[str, dict] = {}
    rows = fetch(
        "SELECT substr(u.path, 1, %s), t.status, count(*), "
        "count(*) FILTER (WHERE t.status = ANY(%s) AND t.deadline_end < %s) "
        "FROM plans_task t JOIN org_unit u ON u.id = t.lead_unit_id WHERE u.depth >= %s "
        "GROUP BY 1, 2",
        [4 * COMMUNE_DEPTH, [str(s) for s in OPEN_STATUSES], today, COMMUNE_DEPTH],
    )
    for path, status, n, overdue in rows:
        counts = out.setdefault(path, _zero_counts())
        counts[status] = n
        counts["total"] += n
        counts["overdue"] += overdue
    return out


def _latest_values_by_unit() -> dict[int, list]:
    """For each commune, the indicators measured for it with their values, oldest first."""
    rows = fetch(
        "SELECT m.unit_id, i.id, i.name, i.measure_unit, i.rollup, m.measured_on, m.value "
        "FROM plans_measurement m JOIN plans_indicator i ON i.id = m.indicator_id "
        "JOIN org_unit u ON u.id = m.unit_id WHERE u.depth = %s "
        "ORDER BY m.unit_id, i.programme_id, i.position, i.id, m.measured_on, m.id",
        [COMMUNE_DEPTH],
    )
    out: dict[int, list] = {}
    for unit_id, ind, name, measure, rollup, measured_on, value in rows:
        series = out.setdefault(unit_id, [])
        if not series or series[-1][0]["id"] != ind:
            meta = {"id": ind, "name": name, "measure_unit": measure, "rollup": rollup}
            series.append((meta, []))
        series[-1][1].append((measured_on, value))
    return out


def _values_at(series: list, end: dt.date) -> list[dict]:
    """The indicators as a report of the period ending on `end` carried them: the latest value
    measured by then (none yet: null), as `collect_figures` writes them."""
    out = []
    for meta, values in series:
        known = [(day, value) for day, value in values if day <= end]
        day, value = known[-1] if known else (None, None)
        out.append(
            {
                **meta,
                "value": None if value is None else str(value.normalize()),
                "measured_on": day.isoformat() if day else None,
            }
        )
    return out
