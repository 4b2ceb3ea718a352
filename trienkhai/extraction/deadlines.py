"""Deadlines: the dates and periods by which work must be done, told apart from other dates.

A date is a deadline when the words before it say so: a firm cue right before it ("chậm nhất
đến ngày", "trước ngày", "hạn", "thời gian hoàn thành:", "dự kiến trong tháng", "hoàn thành
trong"), or a loose one ("trong", "vào", "đến", "cuối") in a clause that speaks of work to be
done ("sẽ", "phải", "hoàn thành", "phấn đấu", "đạt") rather than of what happened ("đã").
Issue dates of documents, the dateline, a letter's "Place, ngày ..." line, terms and periods
("nhiệm kỳ", "giai đoạn", "định hướng đến năm 2030") are never deadlines. Of a range
"từ ngày 1-9 đến ngày 30-9-2020" only the end can be one. A date alone in a table cell
(the "thời gian hoàn thành" column copied as text) is one.
"""

from __future__ import annotations

import re

from .datetext import When
from .items import Deadline

_FIRM = re.compile(
    r"(?:(?:chậm|muộn)\s+nhất|hạn\s+chót|hạn\s+cuối|thời\s+hạn(?:\s+(?:hoàn\s+thành|thực\s+hiện|"
    r"nộp|gửi|báo\s+cáo))?|thời\s+gian\s+(?:dự\s+kiến\s+)?hoàn\s+thành|hoàn\s+thành|hoàn\s+thiện|"
    r"thời\s+gian\s+(?:thực\s+hiện|triển\s+khai|tổ\s+chức)|thời\s+gian\s*:|"
    r"xong|kết\s+thúc|dự\s+kiến|phấn\s+đấu|trước|đến\s+hết|hạn|đến(?=\s+năm\s*$))"
    r"(?:\s*(?:là|:|vào|trong|trước|đến|hết|cuối|đầu|giữa|ngày|tháng|năm|xong|,|\())*\s*$",
    re.IGNORECASE,
)
_LOOSE = re.compile(
    r"(?:từ\s+nay\s+)?(?:trong|vào|đến|tới|cuối|đầu|giữa)(?:\s+(?:ngày|cuối|đầu|hết|giữa))*\s*$",
    re.IGNORECASE,
)
_WORK = re.compile(
    r"\b(?:hoàn\s+thành|xong|dự\s+kiến|phấn\s+đấu|thời\s+gian|thời\s+hạn|kết\s+thúc|sẽ|phải|cần|"
    r"đạt|trình|gửi|nộp|báo\s+cáo|tổng\s+hợp|ban\s+hành|tổ\s+chức\s+thực\s+hiện|"
    r"chậm\s+nhất|đảm\s+bảo|bảo\s+đảm|giao|đề\s+nghị|yêu\s+cầu)\b",
    re.IGNORECASE,
)
_RECURRING = re.compile(r"^\s*(?:của\s+)?(?:hằng|hàng|mỗi)\s+(?:năm|tháng|quý|tuần)", re.I)
_EVENT = re.compile(r"\b(?:diễn\s+ra|khai\s+mạc|bế\s+mạc)\b", re.IGNORECASE)
_PAST = re.compile(r"\b(?:đã|vừa|qua|được\s+tổ\s+chức)\b", re.IGNORECASE)
_NEVER_BEFORE = re.compile(
    r"(?:nhiệm\s+kỳ|giai\s+đoạn|khóa|từ|định\s+hướng(?:\s+đến)?|tầm\s+nhìn(?:\s+đến)?|năm\s+học|"
    r"so\s+với|cùng\s+kỳ|kỳ|tính\s+đến(?:\s+ngày)?|đến\s+nay|tính\s+từ)\s*$",
    re.IGNORECASE,
)
_RANGE_AFTER = re.compile(r"^\s*(?:-|đến)\s*(?:năm\s+)?(?:19|20)\d\d\b")
_TIME_AFTER = re.compile(r"^\s*[-|,]?\s*\d{1,2}\s*[:h]\s*\d{2}")
_PLACE_LINE = re.compile(r"(?:^|\n|\||\t)[ \t]*(?:[^\n,|\t]{1,40}),\s*$")
_CLAUSE_END = re.compile(r"[.;!?\n](?=\s)|[.;!?\n]$")


def _clause_before(text: str, at: int, limit: int = 140) -> str:
    start = max(0, at - limit)
    window = text[start:at]
    ends = list(_CLAUSE_END.finditer(window))
    return window[ends[-1].end() :] if ends else window


def _sentence_after(text: str, at: int, limit: int = 100) -> str:
    window = text[at : at + limit]
    m = _CLAUSE_END.search(window)
    return window[: m.start()] if m else window


def _in_table_cell(text: str, when: When) -> bool:
    line_start = text.rfind("\n", 0, when.start) + 1
    line_end = text.find("\n", when.end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    if "|" not in line and "\t" not in line:
        return False
    left = text[line_start : when.start]
    right = text[when.end : line_end if line_end >= 0 else len(text)]
    cell_left = re.split(r"[|\t]", left)[-1]
    cell_right = re.split(r"[|\t]", right)[0]
    return re.fullmatch(
        r"\s*(?:(?:trước|trong|hoàn\s+thành|xong|cuối|đầu)\s*)*", cell_left, re.I
    ) is not None and not cell_right.strip(" .,")


def _task_verb(clause: str) -> bool:
    from .assignments import _VERB

    return _VERB.search(clause) is not None


def is_deadline(text: str, when: When) -> tuple[bool, int]:
    """Whether `when` is a deadline, and where its phrase starts (its cue)."""
    before = _clause_before(text, when.start)
    if _NEVER_BEFORE.search(before) or _RANGE_AFTER.match(text[when.end : when.end + 12]):
        return False, when.start
    if _RECURRING.match(text[when.end : when.end + 20]):
        return False, when.start  # "trước ngày 05 hằng tháng": a recurring date, not a limit
    if _TIME_AFTER.match(text[when.end : when.end + 10]):
        return False, when.start  # a dateline: "21/09/2020 - 06:52"
    if _PLACE_LINE.search(text[max(0, when.start - 45) : when.start].removesuffix("ngày ")):
        return False, when.start  # "Bến Tre, ngày 05 tháng 02 năm 2021"
    if _EVENT.search(before + _sentence_after(text, when.end)):
        return False, when.start  # "Kỳ họp thứ 4 sẽ diễn ra cuối tháng 3": an event
    if when.precision == "year" and re.search(r"(?:^|\s)(?:đến|tới)\s*$", before, re.I):
        start = when.start - len(before) + re.search(r"(?:đến|tới)\s*$", before, re.I).start()
        return True, start  # "Đến năm 2030, ...": the year a goal is set for
    firm = _FIRM.search(before)
    if firm:
        if re.search(r"\btừ\b[^.;\n]*$", before[: firm.start()], re.I) and not re.search(
            r"đến", firm.group(0), re.I
        ):
            return False, when.start
        return True, when.start - len(before) + firm.start()
    loose = _LOOSE.search(before)
    if loose:
        clause = before + text[when.start : when.end] + _sentence_after(text, when.end)
        head = before[: loose.start()]
        work = _WORK.search(clause) or (head.strip(" ,") and _task_verb(head))
        after = _sentence_after(text, when.end)
        past = _PAST.search(head) or (not head.strip(" ,") and _PAST.search(after[:60]))
        if work and not (past and not re.search(r"dự\s+kiến", clause, re.I)):
            if re.search(r"\btừ\b", head, re.I) and not re.search(r"thời\s+(?:gian|hạn)", clause):
                return False, when.start
            return True, when.start - len(before) + loose.start()
    if _in_table_cell(text, when):
        line_start = text.rfind("\n", 0, when.start) + 1
        cell = re.split(r"[|\t]", text[line_start : when.start])[-1]
        return True, when.start - len(cell) + (len(cell) - len(cell.lstrip()))
    return False, when.start


def find_deadlines(text: str, dates: list[When], excluded: set[tuple[int, int]]) -> list[Deadline]:
    """The deadlines among `dates`, skipping the spans in `excluded` (documents' issue dates)."""
    found = []
    for when in dates:
        if (when.start, when.end) in excluded or when.iso() is None:
            continue
        ok, start = is_deadline(text, when)
        if not ok:
            continue
        phrase = text[start : when.end]
        lead = len(phrase) - len(phrase.lstrip(" ,:(\t\n"))
        start += lead
        found.append(
            Deadline(
                text=re.sub(r"\s+", " ", text[start : when.end]),
                start=start,
                end=when.end,
                date=when.iso(),
                precision=when.precision,
            )
        )
    return found
