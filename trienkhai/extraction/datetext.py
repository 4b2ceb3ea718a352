"""Dates and periods as Vietnamese officials write them, found anywhere in a text.

Day before month always: "7-8-2020", "07/8/2020", "ngày 05 tháng 02 năm 2021"; months
"tháng 12-2020", "tháng 9/2020", "tháng 12 năm 2020"; quarters "quý IV/2025", "quý 4 năm 2025";
years "năm 2025"; "6 tháng đầu năm 2021" (the end of June). Copies out of PDF files break lines
inside them ("ngày 15-\n10-2021"), so separators may have whitespace around them.
A date without its year ("trước ngày 15-10") gets the year from the caller's context.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DAY, MONTH, QUARTER, YEAR = "day", "month", "quarter", "year"

_SEP = r"\s*[-/.]\s*"
_YEAR = r"(?:19|20)\d\d"
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_QUARTER_WORD = r"(I{1,3}|IV|[1-4])"

# Order matters: the longest forms first, so "ngày 7-8-2020" is one day, not a month.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    (
        "dmy_words",
        re.compile(
            rf"(?:ngày\s+)?(\d{{1,2}})\s+tháng\s+(\d{{1,2}})\s+năm\s+({_YEAR})\b", re.IGNORECASE
        ),
    ),
    (
        "dm_words",
        re.compile(r"\bngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\b(?!\s*(?:năm|[-/.])\s*\d)", re.I),
    ),
    ("dmy", re.compile(rf"(?<![\d/.-])(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}({_YEAR})\b")),
    (
        "half",
        re.compile(rf"\b(6|sáu)\s+tháng\s+(đầu|cuối)\s+năm\s*({_YEAR})\b", re.IGNORECASE),
    ),
    (
        "quarter",
        re.compile(
            rf"\bquý\s+{_QUARTER_WORD}(?:\s*[-/]\s*|\s+năm\s+|\s+)({_YEAR})\b", re.IGNORECASE
        ),
    ),
    (
        "month",
        re.compile(
            rf"\btháng\s+(\d{{1,2}})(?:{_SEP}|\s+năm\s+|\s+)({_YEAR})\b",
            re.IGNORECASE,
        ),
    ),
    ("dm", re.compile(r"\bngày\s+(\d{1,2})\s*[-/.]\s*(\d{1,2})\b(?!\s*[-/.]\s*\d)", re.IGNORECASE)),
    # "xong trước 15-11", "hạn 30/6": a day and month right after a deadline word.
    (
        "dm",
        re.compile(
            r"(?:(?<=trước )|(?<=Trước )|(?<=đến )|(?<=hạn ))(\d{1,2})[-/](\d{1,2})\b(?![-/.]\d)"
        ),
    ),
    ("quarter_noyear", re.compile(rf"\bquý\s+{_QUARTER_WORD}\b(?![/-]\d)", re.IGNORECASE)),
    ("month_noyear", re.compile(r"\btháng\s+(\d{1,2})\b(?!\s*[-/.]\s*\d)", re.IGNORECASE)),
    ("year", re.compile(rf"\bnăm\s+({_YEAR})\b", re.IGNORECASE)),
]


@dataclass(frozen=True)
class When:
    start: int
    end: int
    year: int | None  # None when the text gave none and no context year was known
    month: int | None
    day: int | None
    precision: str
    quarter: int | None = None
    dated: bool = True  # False when the year came from context, not from the text

    def iso(self) -> str | None:
        if self.year is None:
            return None
        if self.precision == DAY:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision == MONTH:
            return f"{self.year:04d}-{self.month:02d}"
        if self.precision == QUARTER:
            return f"{self.year:04d}-Q{self.quarter}"
        return f"{self.year:04d}"


def _valid_day(year: int | None, month: int, day: int) -> bool:
    try:
        dt.date(year or 2000, month, day)
    except ValueError:
        return False
    return True


def _build(kind: str, m: re.Match, year_hint: int | None) -> When | None:
    g = m.groups()
    s, e = m.start(), m.end()
    if kind in ("dmy", "dmy_words"):
        day, month, year = int(g[0]), int(g[1]), int(g[2])
        if not (1 <= month <= 12 and _valid_day(year, month, day)):
            return None
        return When(s, e, year, month, day, DAY)
    if kind == "half":
        month = 6 if g[1].lower() == "đầu" else 12
        return When(s, e, int(g[2]), month, None, MONTH)
    if kind in ("quarter", "quarter_noyear"):
        q = g[0].upper()
        quarter = _ROMAN.get(q) or int(q)
        year = int(g[1]) if kind == "quarter" else year_hint
        return When(s, e, year, None, None, QUARTER, quarter, dated=kind == "quarter")
    if kind in ("month", "month_noyear"):
        month = int(g[0])
        if not 1 <= month <= 12:
            return None
        year = int(g[1]) if kind == "month" else year_hint
        return When(s, e, year, month, None, MONTH, dated=kind == "month")
    if kind in ("dm", "dm_words"):
        day, month = int(g[0]), int(g[1])
        if not (1 <= month <= 12 and _valid_day(year_hint, month, day)):
            return None
        return When(s, e, year_hint, month, day, DAY, dated=False)
    if kind == "year":
        return When(s, e, int(g[0]), None, None, YEAR)
    return None


def find_dates(text: str, year_hint: int | None = None) -> list[When]:
    """Every date or period in `text`, left to right, never overlapping.

    A form without a year takes the year of the nearest dated form before it, else `year_hint`.
    """
    taken = bytearray(len(text) + 1)  # 1 where an earlier (longer) form already matched
    raw: list[tuple[str, re.Match]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if taken.find(1, m.start(), m.end()) >= 0:
                continue
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
            raw.append((kind, m))
    raw.sort(key=lambda pair: pair[1].start())
    found: list[When] = []
    last_year = year_hint
    for kind, m in raw:
        when = _build(kind, m, last_year)
        if when is None:
            continue
        if when.dated and when.year is not None:
            last_year = when.year
        found.append(when)
    return found


def first_year(text: str) -> int | None:
    """The year a text is about when nothing nearer says: its first written year."""
    m = re.search(rf"\b({_YEAR})\b", text)
    return int(m.group(1)) if m else None
