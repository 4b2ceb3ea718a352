"""Timing one measure: warm-up runs, then p50 and p95 of the timed runs, in milliseconds.

Shared by `trienkhai bench run` and the scripts in benchmarks/, so every figure in
docs/performance.md is computed the same way (the median, and the 95th percentile by the
inclusive method, which for few runs lies between the two slowest rather than on the slowest).
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    p50: float  # milliseconds
    p95: float
    runs: int
    result: object = None  # what the last run returned (a row count, a size…)


def percentiles(times_ms: list[float]) -> tuple[float, float]:
    """(p50, p95) of a list of timings; one timing is both."""
    if not times_ms:
        raise ValueError("no timing")
    if len(times_ms) == 1:
        return times_ms[0], times_ms[0]
    p95 = statistics.quantiles(times_ms, n=20, method="inclusive")[18]
    return statistics.median(times_ms), p95


def measure(
    fn: Callable[[], object],
    *,
    repeat: int,
    warmup: int = 2,
    before: Callable[[], None] | None = None,
) -> Timing:
    """Run `fn` `warmup` times untimed, then `repeat` times timed. `before`, when given, runs
    untimed before each call (fresh one-time codes, an emptied cache)."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    result = None
    for _ in range(warmup):
        if before is not None:
            before()
        result = fn()
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentiles(times)
    return Timing(p50, p95, repeat, result)
