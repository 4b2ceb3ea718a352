"""Dates as officials write them: day before month, Vietnamese formats."""

import datetime as dt
import re

OPEN_END = None


def format_vi(day: dt.date | None) -> str:
    """7-8-2020 style, as Party documents write dates."""
    if day is None:
        return ""
    return f"{day.day}-{day.month}-{day.year}"


def overlaps(start: dt.date | None, end: dt.date | None, at: dt.date) -> bool:
    """True when the half-open interval [start, end) contains `at`; None means unbounded."""
    return (start is None or start <= at) and (end is None or at < end)


# --- Deadlines with a precision ---------------------------------------------------------------
# "trong tháng 12-2020" is a month, not the 1st or the 31st: a deadline is a period, and work is
# overdue only after the end of that period.
DAY, MONTH, QUARTER, YEAR = "day", "month", "quarter", "year"
PRECISIONS = (DAY, MONTH, QUARTER, YEAR)


def period_start(day: dt.date, precision: str) -> dt.date:
    """The first day of the period of `precision` that contains `day`."""
    if precision == DAY:
        return day
    if precision == MONTH:
        return day.replace(day=1)
    if precision == QUARTER:
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if precision == YEAR:
        return dt.date(day.year, 1, 1)
    raise ValueError(f"unknown precision {precision!r}")


def period_end(day: dt.date, precision: str) -> dt.date:
    """The last day of the period of `precision` that contains `day`."""
    if precision == DAY:
        return day
    if precision == MONTH:
        nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    if precision == QUARTER:
        last_month = 3 * ((day.month - 1) // 3) + 3
        return period_end(dt.date(day.year, last_month, 1), MONTH)
    if precision == YEAR:
        return dt.date(day.year, 12, 31)
    raise ValueError(f"unknown precision {precision!r}")


def format_deadline(day: dt.date | None, precision: str) -> str:
    """ISO-like text with the precision: 2020-09-20, 2020-12, 2025-Q4, 2025."""
    if day is None:
        return ""
    if precision == DAY:
        return day.isoformat()
    if precision == MONTH:
        return f"{day.year}-{day.month:02d}"
    if precision == QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def format_deadline_vi(day: dt.date | None, precision: str) -> str:
    """As officials write it: 20-9-2020, tháng 12-2020, quý IV/2025, năm 2025."""
    if day is None:
        return ""
    if precision == DAY:
        return format_vi(day)
    if precision == MONTH:
        return f"tháng {day.month}-{day.year}"
    if precision == QUARTER:
        return f"quý {('I', 'II', 'III', 'IV')[(day.month - 1) // 3]}/{day.year}"
    return f"năm {day.year}"


_ISO_DEADLINE = re.compile(r"^(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|Q([1-4])))?$")


def parse_deadline(text: str) -> tuple[dt.date, str]:
    """The inverse of `format_deadline`: "2020-09-20", "2020-12", "2025-Q4", "2025" → (first
    day of the period, precision). Raises ValueError on anything else."""
    m = _ISO_DEADLINE.match((text or "").strip())
    if not m:
        raise ValueError(text)
    year, month, day, quarter = m.groups()
    if quarter:
        return dt.date(int(year), 3 * int(quarter) - 2, 1), QUARTER
    if day:
        return dt.date(int(year), int(month), int(day)), DAY
    if month:
        return dt.date(int(year), int(month), 1), MONTH
    return dt.date(int(year), 1, 1), YEAR
