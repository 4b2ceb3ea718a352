"""Quantities: counted things that matter for the work ("11 lớp", "250 phiếu", "98,5%").

A number counts when a noun follows it (Vietnamese puts the counted noun right after the
numeral) or a percent sign does. Not counted: years, dates and document numbers (their spans
are excluded by the caller), ordinals and names ("lần thứ XII", "khóa XII", "Điều 3",
“5 thông minh”), durations and ages ("5 năm", "3 tháng", "60 tuổi"), item numbers ("1.").
Numbers are written the Vietnamese way: "1.250" is one thousand two hundred and fifty,
"98,5" is ninety-eight and a half.

The unit is the shortest sure noun phrase: a known multi-word unit when one is there
("chương trình hành động", "tỷ đồng", "đảng bộ cơ sở"), else the first word, so a longer
description never makes the unit wrong; "51 chi bộ, đảng bộ cơ sở" keeps both units joined.
"""

from __future__ import annotations

import re

from .items import Quantity

_NUMBER = re.compile(
    r"(?<![\w.,/-])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?|\d+\.\d{1,2}(?!\d))"
    r"(?![\w]|/(?!\d+\s))"
)
_PERCENT = re.compile(r"^\s?%")
_WORD = re.compile(r"[^\W\d_]+")

# Multi-word units, longest first where one begins another.
_UNITS = sorted(
    """
chương trình hành động|chương trình|kế hoạch|đề án|nghị quyết|chỉ thị|văn bản|nhiệm vụ|
chỉ tiêu|giải pháp|nội dung|lớp|lớp học|phiếu|phiếu khảo sát|đơn vị|chi bộ|đảng bộ|
đảng bộ cơ sở|tổ chức cơ sở đảng|tổ chức đảng|đảng viên|đảng viên mới|cán bộ|công chức|
viên chức|cán bộ, công chức|cán bộ, đảng viên|học viên|người|lượt người|lượt|hộ|hộ dân|
hộ nghèo|hộ cận nghèo|xã|phường|thị trấn|xã, phường|xã, phường, thị trấn|thôn|ấp|khu phố|tổ dân phố|
huyện|tỉnh|thành phố|quận|thị xã|cơ quan|cơ sở|doanh nghiệp|hợp tác xã|dự án|công trình|
trường|trường học|trạm y tế|bệnh viện|tỷ đồng|triệu đồng|nghìn đồng|ngàn đồng|đồng|
USD|triệu USD|tỷ USD|km|km đường|mét|m|m2|ha|héc-ta|tấn|con|căn|căn nhà|ngôi nhà|nhà|
sản phẩm|sản phẩm OCOP|buổi|hội nghị|cuộc|đoàn|đoàn viên|hội viên|thành viên|ý kiến|
tin|bài|tin, bài|tài liệu|cuốn|bộ|tập|thủ tục|thủ tục hành chính|hồ sơ|mô hình|câu lạc bộ|
tổ|nhóm|ban|sở|ngành|sở, ngành|trang|điểm|tiêu chí|đồng chí|gia đình|lao động|việc làm|
học sinh|sinh viên|giáo viên|bác sĩ|giường bệnh|chiến sĩ|lượt cán bộ|cuộc kiểm tra|cuộc giám sát
""".replace("\n", "").split("|"),
    key=len,
    reverse=True,
)
_UNIT_RE = re.compile(
    r"^ (" + "|".join(re.escape(u) for u in _UNITS) + r")(?![^\W\d_])", re.IGNORECASE
)
# A second unit joined by a comma: "51 chi bộ, đảng bộ cơ sở" (lower case, so no name follows).
_MORE_UNIT = re.compile(r",\s(" + "|".join(re.escape(u) for u in _UNITS) + r")(?![^\W\d_])")
# Words that, right after a number, mean it is no count of things.
_NOT_UNITS = {
    "năm", "tháng", "ngày", "tuần", "giờ", "phút", "giây", "tuổi", "quý", "lần", "thế", "kỳ",
    "và", "hoặc", "đến", "tới", "của", "với", "trong", "trên", "dưới", "từ", "là", "thì",
    "thông", "không", "sao", "mục", "điều", "khoản", "đêm", "sáng", "chiều", "tối",
    "nhiệm", "khóa", "x", "so", "được", "đã", "sẽ", "có", "bình", "đường", "lượt xem", "số",
}  # fmt: skip
_NOT_BEFORE = re.compile(
    r"(?:\b(?:số|điều|khoản|điểm|mục|phần|chương|lần\s+thứ|thứ|khóa|ngày|tháng|năm|quý|"
    r"tuyến|quốc\s+lộ|tỉnh\s+lộ|đường|hẻm|ngõ|kiệt|phòng|tầng|lô|khu|tổ|ấp|thôn|khóm|"
    r"lần|top|covid|giai\s+đoạn|nhiệm\s+kỳ|"
    r"đợt|kỳ|bước|vòng|ĐT|SĐT|điện\s+thoại|hotline|fax)\s*$)|[“\"'‘]\s*$",
    re.IGNORECASE,
)


# Documents named by their number only ("Nghị quyết 35", "Đề án 06"), written with a capital.
_NAMED_BEFORE = re.compile(
    r"\b(?:Nghị\s+quyết|Quyết\s+định|Chỉ\s+thị|Kết\s+luận|Kế\s+hoạch|Đề\s+án|Chương\s+trình|"
    r"Nghị\s+định|Thông\s+tư|Luật|Hội\s+nghị|Đại\s+hội|Quy\s+định|Hướng\s+dẫn|"
    r"Ban\s+[Cc]hỉ\s+đạo|Tổ\s+công\s+tác|Dự\s+án|Kỳ\s+họp)\s*$"
)


def parse_number(raw: str) -> int | float:
    """ "1.250" → 1250, "98,5" → 98.5, "1.250,75" → 1250.75, "2.5" → 2.5."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", raw):
        raw = raw.replace(".", "")
    value = float(raw.replace(",", "."))
    return int(value) if value.is_integer() else value


def _unit_after(text: str, end: int) -> tuple[str, int] | None:
    """The unit right after a number ending at `end`, and where it ends."""
    tail = text[end : end + 80]
    m = _UNIT_RE.match(tail)
    if m:
        unit, stop = m.group(1), end + m.end()
        more = _MORE_UNIT.match(text[stop : stop + 60])
        if more and not re.match(r"\s*\d", text[stop + more.end() : stop + more.end() + 3]):
            unit, stop = unit + ", " + more.group(1), stop + more.end()
        return unit, stop
    w = re.match(r"^ ([^\W\d_]+)", tail)
    if not w:
        return None
    word = w.group(1)
    if word.lower() in _NOT_UNITS or (word[0].isupper() and len(word) > 1 and not word.isupper()):
        return None
    return word, end + w.end()


def find_quantities(text: str, excluded: list[tuple[int, int]]) -> list[Quantity]:
    """Every counted quantity outside the `excluded` spans (dates, document numbers)."""
    found = []
    blocked = bytearray(len(text) + 1)
    for a, b in excluded:
        blocked[a:b] = b"\x01" * (b - a)
    for m in _NUMBER.finditer(text):
        start, end = m.span()
        if blocked.find(1, start, end) >= 0:
            continue
        raw = m.group(1)
        before = text[max(0, start - 25) : start]
        if _NOT_BEFORE.search(before) or _NAMED_BEFORE.search(before):
            continue
        of_total = re.match(r"/\d+(?:[.,]\d+)*", text[end : end + 12])
        if of_total:
            end += of_total.end()  # "107/107 xã": 107 of 107, the count is the first
        value = parse_number(raw)
        pct = _PERCENT.match(text[end : end + 2])
        if pct:
            stop = end + pct.end()
            found.append(Quantity(text[start:stop], start, stop, value, "%"))
            continue
        if re.fullmatch(r"(?:19|20)\d\d", raw) and not _UNIT_RE.match(text[end : end + 40]):
            continue  # a year
        unit = _unit_after(text, end)
        if unit is None:
            continue
        name, stop = unit
        if _quoted(text, start) or _in_name(text, start):
            continue  # a name: “5 thông minh”, "Chi bộ 4 tốt", Ban Chỉ đạo 35
        found.append(Quantity(text[start:stop], start, stop, value, _unit_case(name)))
    return found


def _unit_case(unit: str) -> str:
    return unit if any(ch.isupper() for ch in unit[1:]) else unit.lower()


def _quoted(text: str, at: int) -> bool:
    before = text[max(0, at - 60) : at]
    opened = max(before.rfind("“"), before.rfind("«"))
    if opened >= 0 and "”" not in before[opened:] and "»" not in before[opened:]:
        return True
    line = text[text.rfind("\n", 0, at) + 1 : at]
    return line.count('"') % 2 == 1


def _in_name(text: str, at: int) -> bool:
    """A number after a capitalised word inside a sentence is part of a name
    ("Ban Chỉ đạo 35", "Đề án 06"), unless that word starts the sentence."""
    m = re.search(r"([^\W\d_]+)\s$", text[max(0, at - 30) : at])
    if not m or not m.group(1)[0].isupper() or m.group(1).isupper():
        return False
    before = text[max(0, at - 30) : at - len(m.group(0))].rstrip(" \t")
    return bool(before) and before[-1] not in '.:;!?\n|-–•+(“"'
