"""Official document numbers in running text, with their kind, title and issue date.

Numbers are found before anything else touches the text (a tokenizer would split
"07-KH/ThU"). A candidate must parse under the register's own rules
(`trienkhai.documents.numbering`, pure Python): Party numbers need a known Party type, so
"Covid-19/..." or "5-7%/năm" never count; State numbers need letters after the slash, so dates
("07/8/2020") never count. The issue date is the one written beside the number
("07-KH/ThU, ngày 7-8-2020", "127-QĐ/TW ngày 1-3-2020 của Ban Bí thư",
"57-NQ/TW của Bộ Chính trị ngày 22/12/2024", "(ngày 15/6/2021)").
"""

from __future__ import annotations

import re

from trienkhai.documents import numbering

from .datetext import DAY, When, find_dates
from .items import DocRef

_L = r"A-Za-zĐđÀ-ỹ"
_CODE = rf"[{_L}][{_L}0-9]*"
# More parts after a dash: "QĐ-UBND", "TTLT-BNV-VPCP"; across a space or a line break only when
# the part is written in capitals ("1234/QĐ-\nUBND"), so "07-KH/ThU - ngày ..." stops in time.
_MORE = rf"(?:-{_CODE}|\s*-\s*[A-ZĐ]{{2,}}[A-Za-zĐđ0-9]*)"
# Whitespace (line breaks of PDF copies) is allowed around the separators.
_PARTY = re.compile(
    rf"(?<![\w/.-])(\d{{1,5}})\s*-\s*([{_L}]{{1,5}})\s*/\s*({_CODE}{_MORE}*)",
)
_STATE = re.compile(
    rf"(?<![\w/.-])(\d{{1,6}})\s*/\s*(?:((?:19|20)\d\d)\s*/\s*)?"
    rf"([{_L}]{{1,8}}(?:\d{{1,3}})?{_MORE}*)",
)
_KINDS = (
    "Nghị quyết liên tịch|Nghị quyết|Quyết định|Quy định|Chỉ thị|Kết luận|Quy chế|Thông tri|"
    "Hướng dẫn|Thông báo kết luận|Thông báo|Thông cáo|Báo cáo|Kế hoạch|Chương trình hành động|"
    "Chương trình|Đề án|Phương án|Tờ trình|Công văn|Công điện|Biên bản|Nghị định|"
    "Thông tư liên tịch|Thông tư|Luật|Pháp lệnh|Văn bản|Dự án|Hiến pháp"
)
_KIND_BEFORE = re.compile(rf"({_KINDS})\s*(?:số\s*:?\s*)?$", re.IGNORECASE)
_DATE_AFTER = re.compile(
    r"^\s*(?:,|\(|;)?\s*(?:ban hành\s+|ký\s+)?"
    r"(?:của\s+[^,.;:()\d\n“\"]{1,70}?\s*,?\s*(?:ban hành\s+)?)?"
    r"(?:[|\t]?\s*[A-ZĐ][^\s,.;:()\d|]*(?:\s+[A-ZĐ][^\s,.;:()\d|]*){0,3}\s*,\s*)?"
    r"(?:ngày|ngay)\s",
    re.IGNORECASE,
)
_TITLE = re.compile(
    r"^\s*(?:,|của\s+[^,.;“\"]{1,70}?)?\s*(?:“([^”\n]{3,300})”|\"([^\"\n]{3,300})\")"
)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _candidate(raw: str) -> numbering.DocNumber | None:
    try:
        return numbering.parse(_squash(raw))
    except numbering.NumberError:
        return None


def _state_ok(doc: numbering.DocNumber, raw: str) -> bool:
    """A State number without a year needs a type code or a capitalised issuer, so that
    "3/tháng" or "2/3 số xã" never count."""
    if doc.year is not None or doc.type is not None:
        return True  # "45/2020/NĐ-CP", "123/qđ-ubnd" typed in lower case
    head = _squash(raw).split("/", 1)[1]
    letters = [ch for ch in head.split("-", 1)[0] if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 2


_DATE_IN_BRACKETS = re.compile(r"^\s*,?\s*\(\s*(?=\d)")


def _issue_date(text: str, end: int, dates: list[When]) -> When | None:
    window = text[end : end + 140]
    m = _DATE_AFTER.match(window)
    if m:
        at = end + m.end() - len("ngày ")
    else:
        bracket = _DATE_IN_BRACKETS.match(window)  # "57-NQ/TW (22/12/2024)"
        if not bracket:
            return None
        at = end + bracket.end()
    for when in dates:
        if when.start >= at - 1 and when.start <= at + 8 and when.precision == DAY and when.dated:
            return when
    return None


_HEADER_NUMBER = re.compile(r"(?:^|\n)[ \t|]*(?:Số|SỐ|số)\s*:?\s*$")
_PLACE_DATE = re.compile(r"(?:^|\n|\||\t)[ \t]*[A-ZĐ][^\n,|\t]{1,40},\s*(?:ngày|Ngày)\s")


def _header_date(text: str, start: int, end: int, dates: list[When]) -> When | None:
    """In a letterhead ("Số: 123/KH-UBND" with "Bến Tre, ngày 05 tháng 02 năm 2021" beside or
    a few lines away, Decree 30's layout copied as text), the place-and-date line is the date."""
    if not _HEADER_NUMBER.search(text[max(0, start - 12) : start]):
        return None
    window_start = max(0, start - 300)
    for m in _PLACE_DATE.finditer(text, window_start, min(len(text), end + 400)):
        at = m.end()
        for when in dates:
            if at - 6 <= when.start <= at + 2 and when.precision == DAY and when.dated:
                return when
    return None


def find_doc_refs(
    text: str, dates: list[When] | None = None, issue_dates: set | None = None
) -> list[DocRef]:
    """Every distinct document number, in order of first mention; the date from any mention.

    The spans of the dates read as issue dates are added to `issue_dates` (they are no deadlines).
    """
    if dates is None:
        dates = find_dates(text)
    hits: list[tuple[int, int, numbering.DocNumber]] = []
    for m in _PARTY.finditer(text):
        doc = _candidate(m.group(0))
        if doc is not None and doc.system == numbering.PARTY:
            hits.append((m.start(), m.end(), doc))
    for m in _STATE.finditer(text):
        if any(a <= m.start() < b for a, b, _ in hits):
            continue
        raw = m.group(0).rstrip("-").rstrip()
        doc = _candidate(raw)
        if doc is not None and doc.system == numbering.STATE and _state_ok(doc, raw):
            hits.append((m.start(), m.start() + len(raw), doc))
    hits.sort(key=lambda hit: hit[0])
    by_number: dict[str, DocRef] = {}
    for start, end, doc in hits:
        number = doc.format()
        when = _issue_date(text, end, dates) or _header_date(text, start, end, dates)
        date = when.iso() if when else None
        if when is not None and issue_dates is not None:
            issue_dates.add((when.start, when.end))
        kind_m = _KIND_BEFORE.search(text[max(0, start - 40) : start])
        kind = kind_m.group(1) if kind_m else ""
        ref_start = start - (len(kind_m.group(0)) if kind_m else 0)
        title_m = _TITLE.match(text[end : end + 400])
        title = (title_m.group(1) or title_m.group(2)).strip() if title_m else ""
        known = by_number.get(number)
        if known is None:
            by_number[number] = DocRef(
                text=text[ref_start:end],
                start=ref_start,
                end=end,
                number=number,
                type=doc.type,
                issuer=doc.issuer,
                date=date,
                system=doc.system,
                kind=kind[:1].upper() + kind[1:],
                title=title,
            )
        elif (known.date is None and date) or (not known.title and title):
            by_number[number] = DocRef(
                **{
                    **known.__dict__,
                    "date": known.date or date,
                    "title": known.title or title,
                }
            )
    return list(by_number.values())
