"""Time the hot paths through the product's own views, each against its bare SQL bound.

For each operation the whole view runs through Django's test client (server side: middleware,
permission checks, ORM, template), logged in as the user who would open it, p50 and p95 over
--repeat runs after --warmup runs; then, in the same run, the bound: the SQL that computes the
same numbers, written by hand and run bare (trienkhai/bench/bounds_*.py), its p50. The ratio
p50 / bound says what the product adds on top of the database's own work.

Targets are found in the data (the largest province, a city-level unit, the survey with the
most forms…), so the command runs on any database: `trienkhai bench generate` at national,
province or city scale, the demo, a kept benchmark database. An operation whose data is
missing is reported as skipped, with the reason.
"""

import json
import os
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from . import run_operations
from .run_timing import measure

DEFAULT_REPEAT = 20
DEFAULT_WARMUP = 2

# The targets of issue 8 at national scale (milliseconds).
RATIO_MAX = 2.0  # p50 / bound, where the bound is above BOUND_SMALL
BOUND_SMALL = 20.0
SLACK = 30.0  # p50 ≤ bound + SLACK where the bound is at most BOUND_SMALL
P95_MAX = {"dashboard": 300.0, "results": 1500.0, "list": 200.0}


def add_arguments(parser):
    parser.add_argument(
        "--repeat",
        type=int,
        default=DEFAULT_REPEAT,
        help=f"Số lần đo mỗi thao tác (mặc định {DEFAULT_REPEAT}).",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=DEFAULT_WARMUP,
        help=f"Số lần chạy trước, không tính giờ (mặc định {DEFAULT_WARMUP}).",
    )
    parser.add_argument(
        "--only",
        default="",
        help="Chỉ đo các thao tác này, cách nhau bởi dấu phẩy: "
        + ", ".join(run_operations.NAMES)
        + ".",
    )
    parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")


@dataclass
class Outcome:
    operation: str
    detail: str = ""
    p50_ms: float | None = None
    p95_ms: float | None = None
    bound_ms: float | None = None
    skipped: str = ""  # why the operation was not measured ("no data…"), empty when it was
    error: str = ""
    checks: list[str] = field(default_factory=list)  # the targets that apply, as text
    target_met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.p50_ms is None or not self.bound_ms:
            return None
        return self.p50_ms / self.bound_ms

    def as_json(self) -> dict:
        out = {
            "operation": self.operation,
            "p50_ms": _round(self.p50_ms, 3),
            "p95_ms": _round(self.p95_ms, 3),
            "bound_ms": _round(self.bound_ms, 3),
            "ratio": _round(self.ratio, 2),
            "target_met": self.target_met,
            "target": "; ".join(self.checks),
            "detail": self.detail,
        }
        if self.skipped:
            out["skipped"] = self.skipped
        if self.error:
            out["error"] = self.error
        return out


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _chosen(only: str) -> list[str]:
    if not only.strip():
        return list(run_operations.NAMES)
    wanted = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in run_operations.NAMES]
    if unknown:
        raise ValueError(
            _("Không có thao tác %(names)s. Các thao tác đo được: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(run_operations.NAMES)}
        )
    return [name for name in run_operations.NAMES if name in wanted]


def judge(outcome: Outcome, kind: str) -> None:
    """Set `checks` and `target_met` from the issue's targets."""
    checks, met = [], True
    if outcome.bound_ms > BOUND_SMALL:
        checks.append(f"ratio ≤ {RATIO_MAX:g}")
        met &= outcome.ratio <= RATIO_MAX
    else:
        checks.append(f"p50 ≤ bound + {SLACK:g} ms")
        met &= outcome.p50_ms <= outcome.bound_ms + SLACK
    if kind in P95_MAX:
        checks.append(f"p95 ≤ {P95_MAX[kind]:g} ms")
        met &= outcome.p95_ms <= P95_MAX[kind]
    outcome.checks, outcome.target_met = checks, bool(met)


def run_one(name: str, context, repeat: int, warmup: int) -> Outcome:
    outcome = Outcome(name)
    try:
        case = run_operations.prepare(name, context, runs=2 * (repeat + warmup))
    except run_operations.NoData as missing:
        outcome.skipped = str(missing)
        return outcome
    outcome.detail = case.detail
    try:
        with case.settings():
            view = measure(case.view, repeat=repeat, warmup=warmup, before=case.view_before)
            bound = measure(case.bound, repeat=repeat, warmup=warmup, before=case.bound_before)
    except run_operations.ViewFailed as failed:
        outcome.error = str(failed)
        return outcome
    outcome.p50_ms, outcome.p95_ms, outcome.bound_ms = view.p50, view.p95, bound.p50
    judge(outcome, case.kind)
    return outcome


def handle(options, stdout):
    repeat, warmup = options["repeat"], options["warmup"]
    if repeat < 1 or warmup < 0:
        raise ValueError(_("--repeat phải từ 1 trở lên và --warmup từ 0 trở lên."))
    names = _chosen(options.get("only") or "")
    context = run_operations.Context()
    if not options.get("json"):
        stdout.write(_header(repeat, warmup))
    outcomes = []
    for name in names:
        outcome = run_one(name, context, repeat, warmup)
        outcomes.append(outcome)
        if not options.get("json"):
            stdout.write(_row(outcome))
    if options.get("json"):
        stdout.write(json.dumps([o.as_json() for o in outcomes], ensure_ascii=False, indent=2))
    else:
        stdout.write(_footer(outcomes))


# --- the table ------------------------------------------------------------------------------------
def _header(repeat: int, warmup: int) -> str:
    db = settings.DATABASES["default"]
    name = db["NAME"] if connection.vendor != "sqlite" else os.path.basename(str(db["NAME"]))
    return (
        f"{connection.vendor} {name}; {repeat} timed runs after {warmup} warm-up runs; "
        f"{os.cpu_count()} CPU(s)\n\n"
        "| operation | p50 ms | p95 ms | bound ms | ratio | target | met | what |\n"
        "|---|---:|---:|---:|---:|---|---|---|"
    )


def _fmt(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _row(o: Outcome) -> str:
    if o.skipped:
        return f"| {o.operation} | | | | | | skipped | {o.skipped} |"
    if o.error:
        return f"| {o.operation} | | | | | | error | {o.error} |"
    met = "yes" if o.target_met else "NO"
    return (
        f"| {o.operation} | {_fmt(o.p50_ms)} | {_fmt(o.p95_ms)} | {_fmt(o.bound_ms)} | "
        f"{_fmt(o.ratio, 2)} | {'; '.join(o.checks)} | {met} | {o.detail} |"
    )


def _footer(outcomes: list[Outcome]) -> str:
    measured = [o for o in outcomes if o.target_met is not None]
    missed = [o.operation for o in measured if not o.target_met]
    skipped = sum(1 for o in outcomes if o.skipped)
    failed = sum(1 for o in outcomes if o.error)
    line = f"\n{len(measured)} measured, {skipped} skipped, {failed} failed"
    if missed:
        line += "; target missed: " + ", ".join(missed)
    return line
