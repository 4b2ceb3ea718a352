"""Dates as officials write them: day before month, Vietnamese formats."""

import datetime as dt

OPEN_END = None


def format_vi(day: dt.date | None) -> str:
    """7-8-2020 style, as Party documents write dates."""
    if day is None:
        return ""
    return f"{day.day}-{day.month}-{day.year}"


def overlaps(start: dt.date | None, end: dt.date | None, at: dt.date) -> bool:
    """True when the half-open interval [start, end) contains `at`; None means unbounded."""
    return (start is None or start <= at) and (end is None or at < end)
