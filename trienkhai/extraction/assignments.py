"""Assignments: who leads a piece of work, who coordinates, what it is and by when.

Read per clause (a sentence, or a part of it between semicolons), in the forms plans and news
use:
- "giao [cho] LEAD [chủ trì], [phối hợp với COORDS] TASK"   (the issuer's decision)
- "đề nghị / yêu cầu LEAD TASK"
- "LEAD chủ trì, phối hợp với COORDS TASK", "LEAD có trách nhiệm / tham mưu / làm đầu mối TASK"
- a unit heading in "Tổ chức thực hiện" ("2. Ban Tuyên giáo Tỉnh ủy") with bullets under it,
  or "Sở Nội vụ: chủ trì ..." on one line;
- plan tables copied as text, with a header row naming the "chủ trì" and "phối hợp" columns,
  and "Cơ quan chủ trì: X" lines.
A lead must begin like the name of a unit or an office ("Ban", "Sở", "UBND", "Thành ủy",
"Bí thư", "các sở, ngành"): that is what keeps "Thành phố tổ chức 11 lớp" out. Verbs end a name;
they are matched in lower case only, since unit names write theirs with capitals
("Ban Tổ chức", "Ban Chỉ đạo"). What someone did or is doing ("đã", "đang") is no assignment.
The deadline is the clause's, else the sentence's, else the next sentence's when that one only
gives a time ("Dự kiến trong tháng 12-2020, ...", "Thời gian: quý IV/2025").
"""

from __future__ import annotations

import functools
import re

from .items import Assignment, Deadline, Sentence
from .sentences import split_clauses

_VERBS = (
    "chủ trì|phối hợp|tham mưu|xây dựng|tổ chức|triển khai|thực hiện|hướng dẫn|theo dõi|kiểm tra|"
    "rà soát|tổng hợp|báo cáo|chỉ đạo|nghiên cứu|đề xuất|chuẩn bị|ban hành|tuyên truyền|quán triệt|"
    "hoàn thành|hoàn thiện|phụ trách|lãnh đạo|đôn đốc|giám sát|bố trí|cân đối|đảm bảo|bảo đảm|"
    "trực tiếp|tập trung|khẩn trương|tiếp tục|sơ kết|tổng kết|đánh giá|lập|cập nhật|phổ biến|"
    "biên soạn|quản lý|vận động|cử|làm đầu mối|là cơ quan|là đầu mối|chịu trách nhiệm|"
    "có trách nhiệm|thường xuyên|định kỳ|phát động|soạn thảo|thẩm định|trình|cung cấp|hỗ trợ|"
    "phân bổ|bổ sung|điều chỉnh|tăng cường|đẩy mạnh|nâng cao|duy trì|chủ động|kịp thời|sớm|gửi|"
    "tham gia|tiếp nhận|giải quyết|xử lý|thành lập|kiện toàn|ứng dụng|lồng ghép|phát huy|"
    "quan tâm|thống kê|điều tra|khảo sát|phát hành|giúp|cụ thể hóa|hoàn chỉnh|xem xét|phê duyệt|"
    "tiến hành|thẩm tra|công bố|đăng tải|làm tốt|thực hiện tốt|quyết liệt|rà soát|tiếp thu|"
    "nắm|nắm bắt|phân công|giao|bồi dưỡng|đào tạo|mở|dự thảo|tập huấn|vận hành|số hóa|"
    "đưa|đăng|biểu dương|khen thưởng|xét|cải cách|tháo gỡ|đẩy nhanh|ưu tiên|"
    "nghiêm túc|tích cực|đề nghị|thông tin|sắp xếp|rút kinh nghiệm|củng cố|trình ký|thông báo|"
    "đồng ý|nhất trí|thống nhất|ghi nhận|yêu cầu|cơ bản|niêm yết|huy động|tăng|giảm|rà|ra quân|"
    "kiểm soát|thanh toán|bàn giao|giải ngân|chi trả|thu hồi|cấp phát|bảo vệ|phòng chống|ngăn chặn|"
    "nâng cấp|mua sắm|sửa chữa|tuyển dụng|khắc phục|hoàn tất|chuẩn hóa|làm sạch|đồng bộ|kết nối|"
    "tích hợp|chia sẻ|lựa chọn|đăng ký|ký kết|bồi thường|giải phóng|di dời|nghiệm thu|quyết toán|"
    "tạm ứng|công khai|tham dự|áp dụng|xác minh|xử phạt|thanh tra|phân loại|vận chuyển|thu gom|"
    "tiêm|trồng|nạo vét|gia cố|di chuyển|sơ tán|tuần tra|canh gác|dọn dẹp|kêu gọi|"
    "đề ra|xác định|học tập|tổ chức thực hiện|lấy ý kiến|góp ý|lập danh sách"
)
_VERB = re.compile(
    rf"(?<![\w])(?<!các )(?<!những )(?<!chương )(?<!của )(?<!chủ )({_VERBS})(?![\w])"
)
_HEAD = re.compile(
    r"^(?:các\s+|cấp\s+ủy\s+)?(?:Ban(?!\s+hành)|Ủy\s+ban|Uỷ\s+ban|UBND|UB|HĐND|Hội\s+đồng|Thành\s+ủy|"
    r"Tỉnh\s+ủy|Huyện\s+ủy|Quận\s+ủy|Thị\s+ủy|Đảng\s+ủy|Đảng\s+đoàn|Đảng\s+bộ|BTV|BCH|BCĐ|BQL|"
    r"Thường\s+trực|Thường\s+vụ|Văn\s+phòng|VP|Sở|Phòng|Mặt\s+trận|MTTQ|UBMTTQ|"
    r"Hội(?!\s+nghị|\s+thảo|\s+đồng\s+ý)|Liên\s+đoàn|"
    r"Liên\s+minh|Đoàn|Tỉnh\s+đoàn|Thành\s+đoàn|Huyện\s+đoàn|Công\s+an|Bộ|Cục|Chi\s+cục|"
    r"Tổng\s+cục|Trung\s+tâm|Trường|Báo|Đài|Chính\s+phủ|Thủ\s+tướng|Chủ\s+tịch|Phó\s+Chủ\s+tịch|"
    r"Bí\s+thư|Phó\s+Bí\s+thư|Giám\s+đốc|Thủ\s+trưởng|người\s+đứng\s+đầu|Người\s+đứng\s+đầu|"
    r"cấp\s+ủy|Cấp\s+ủy|chi\s+bộ|Chi\s+bộ|Chi\s+ủy|Kho\s+bạc|Ngân\s+hàng|Viện|Học\s+viện|"
    r"Thanh\s+tra|Tòa\s+án|Kiểm\s+toán|Bộ\s+Chỉ\s+huy|Ban\s+Chỉ\s+huy|Tổ\s+công\s+tác|"
    r"Tổ\s+giúp\s+việc|Ủy\s+ban\s+Kiểm\s+tra|UBKT|địa\s+phương|sở|ngành|cơ\s+quan|đơn\s+vị|"
    r"Cơ\s+quan|Đơn\s+vị|UBND|Hội\s+Nông\s+dân|Hội\s+Liên\s+hiệp|Hội\s+Cựu\s+chiến\s+binh|"
    r"Công\s+đoàn|Lãnh\s+đạo|Các|Ủy\s+viên|Thành\s+viên|đảng\s+ủy|huyện\s+ủy|thành\s+ủy|"
    r"ban\s+thường\s+vụ|Bộ\s+đội|Quân\s+sự|Bưu\s+điện|Điện\s+lực|Tập\s+đoàn|Công\s+ty|"
    r"Hợp\s+tác\s+xã|Tổng\s+công\s+ty|BCS|Ban\s+cán\s+sự|UBKT|Ủy\s+ban\s+nhân\s+dân|Hội\s+đồng\s+nhân\s+dân)(?![\w])"
)
_GIVE = re.compile(
    r"(?<![\w])(?<!được )(?:giao(?:\s+cho)?|đề\s+nghị|yêu\s+cầu|phân\s+công)\s+", re.I
)
_DOING = re.compile(r"(?<![\w])(?:đã|đang|vừa|từng|được)(?![\w])")
_BULLET = re.compile(r"^\s*(?:[-+•*–]|\d+(?:\.\d+)*[.)]|[a-zđ][.)]|[IVX]+[.)])\s*")
_OPENERS = re.compile(
    r"^(?:đồng\s+thời|ngoài\s+ra|bên\s+cạnh\s+đó|theo\s+đó|trong\s+đó|riêng|cụ\s+thể)\s*,?\s*",
    re.I,
)
_STRIP_LEAD = re.compile(r"^(?:cho|đồng\s+chí|đ/c|các\s+đồng\s+chí)\s+", re.I)
_TIME_LINE = re.compile(
    r"^\s*(?:[-+•]\s*)?(?:thời\s+gian|thời\s+hạn|dự\s+kiến|hoàn\s+thành|chậm\s+nhất|trước)", re.I
)
_COORD = re.compile(r"(?<![\w])phối\s+hợp(?:\s+(?:với|cùng))?\s+", re.I)


def _lead_from(chunk: str) -> str | None:
    """A unit name at the start of `chunk`, ending before the first verb (or None)."""
    chunk = _STRIP_LEAD.sub("", chunk.strip(" ,:-"))
    if not _HEAD.match(chunk):
        return None
    m = _VERB.search(chunk)
    name = chunk[: m.start()] if m else chunk
    name = re.split(r"\s*[:(]", name)[0]
    name = re.sub(r"\s+(?:làm|là|có|thì)$", "", name.strip(" ,;-"))
    if not name or len(name.split()) > 24 or _DOING.search(name):
        return None
    return name


def _coordinators(text: str) -> list[str]:
    """ "Ban Tổ chức Tỉnh ủy, Ủy ban Kiểm tra Tỉnh ủy và các cơ quan liên quan" → three units;
    "các sở, ngành tỉnh" stays one (the part after the comma is no new unit)."""
    parts = re.split(r"\s*(?:,|;|\bvà\b)\s*", text.strip(" ,"))
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        new_unit = part[0].isupper() and _HEAD.match(part)
        if out and not (new_unit or re.match(r"(?:các|những|cấp|địa)\s", part)):
            joiner = " và " if re.search(rf"\bvà\s+{re.escape(part)}", text) else ", "
            out[-1] += joiner + part
        else:
            out.append(part)
    return out


def _parse_clause(clause: str) -> tuple[str, list[str], str] | None:
    """(lead, coordinators, task) read from one clause, or None when it assigns nothing."""
    body = _OPENERS.sub("", _BULLET.sub("", clause)).strip()
    gives = list(_GIVE.finditer(body))
    give = gives[-1] if gives else None  # the last "giao": "... đã thống nhất giao X ..."
    if give is not None:
        rest = body[give.end() :]
        lead = _lead_from(rest)
        if lead is None:
            return None
        after = rest[rest.find(lead) + len(lead) :]
    else:
        m = re.search(
            r"(?<![\w])(chủ\s+trì|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|là\s+cơ\s+quan\s+"
            r"(?:chủ\s+trì|thường\s+trực)|làm\s+đầu\s+mối|là\s+đầu\s+mối|tham\s+mưu|"
            r"được\s+giao|phối\s+hợp(?=(?:\s+với|\s+cùng)?\s+[A-ZĐ]))(?![\w])",
            body,
        )
        if not m or m.start() == 0:
            return None
        head = re.sub(r"\s+được\s+giao\s*$", " ", body[: m.start()])
        if m.group(1).startswith("phối"):
            after_coord = body[m.start() :]
            if not _VERB.search(after_coord[len(m.group(1)) :]):
                return None
        if _DOING.search(head) or _VERB.search(head.strip()):
            return None
        lead = _lead_from(head)
        if lead is None or len(head.strip(" ,:")) > len(lead) + 3:
            return None
        after = body[m.start() :]
    after = re.sub(r"^\s*(?:làm|là)?\s*(?:cơ\s+quan\s+)?(?:chủ\s+trì|đầu\s+mối)\s*,?\s*", "", after)
    after = re.sub(r"^\s*được\s+giao\s*", "", after)
    coordinators: list[str] = []
    coord = _COORD.match(after) or _COORD.match(re.sub(r"^[\s,]+", "", after))
    if coord:
        after = re.sub(r"^[\s,]+", "", after)
        tail = after[coord.end() :]
        verb = _VERB.search(tail)
        coordinators = _coordinators(tail[: verb.start()] if verb else tail)
        after = tail[verb.start() :] if verb else ""
    task = after.strip(" ,.;:")
    if not task:
        return None
    return lead, coordinators, task


# What an issuer says of itself ("Ban Thường vụ ... đồng ý", "... thông báo để ... biết").
_OWN_WORDS = re.compile(r"(?:thông\s+báo|đồng\s+ý|nhất\s+trí|thống\s+nhất|ghi\s+nhận|cơ\s+bản)\b")


def _direct(line: str) -> tuple[str, list[str], str] | None:
    """ "3. Đảng đoàn HĐND tỉnh lãnh đạo HĐND tỉnh ...": a unit, then at once its work."""
    body = _OPENERS.sub("", _BULLET.sub("", line)).strip()
    if not body[:1].isupper():
        return None
    lead = _lead_from(body)
    if lead is None or _generic(lead) or not body.startswith(lead):
        return None
    rest = body[len(lead) :].lstrip(" ,")
    if not _VERB.match(rest) or _DOING.match(rest) or _OWN_WORDS.match(rest):
        return None
    return _parse_clause(f"{lead} chủ trì {rest}") or (lead, [], rest.strip(" .;"))


def _deadline_in(deadlines: list[Deadline], start: int, end: int) -> Deadline | None:
    for deadline in deadlines:
        if start <= deadline.start < end:
            return deadline
    return None


def _heading_lead(line: str) -> str | None:
    """ "2. Ban Tuyên giáo Tỉnh ủy" or "- Sở Nội vụ:" alone on a line → the unit."""
    body = _BULLET.sub("", line).strip()
    if not body or len(body) > 120 or body.endswith((".", ";")):
        return None
    body = re.sub(r"^(?:đề\s+nghị|giao)\s+", "", body, flags=re.I).rstrip(" :")
    body = re.sub(r"\s*\([^()]*\)\s*$", "", body)  # "(cơ quan thường trực Ban Chỉ đạo)"
    lead = _lead_from(body)
    return lead if lead and lead == body else None


def find_assignments(
    text: str, sentences: list[Sentence], deadlines: list[Deadline]
) -> list[Assignment]:
    """Every assignment, in text order, with the deadline its clause or neighbour gives."""
    found: list[Assignment] = []
    heading: str | None = None
    table = _TableReader()
    skipping = False
    consumed: set[int] = set()  # label lines already read with their "chủ trì" line
    directive = False  # the sentence before gave work ("yêu cầu X ...", "giao Y ...")
    for index, sentence in enumerate(sentences):
        line = text[sentence.start : sentence.end]
        if _END_OF_BODY.match(line):
            skipping = True  # "Nơi nhận:", the signature: no work until an appendix or table
            continue
        if skipping:
            # The recipients and the signature are short lines; a title, a table or a long
            # line starts what follows (the plan a decision issues comes after its signature).
            title = line.isupper() and len(line.split()) >= 2 and "." not in line[:4]
            short = len(line) < 70 and not (_APPENDIX.match(line) or "|" in line or "\t" in line)
            if short and not title:
                continue
            skipping = False
        if index in consumed:
            continue
        label = _LABEL_LEAD.match(line)
        if label:
            item = _labelled(text, sentences, index, label, deadlines, consumed)
            if item is not None:
                found.append(item)
            continue
        row = table.read(line)
        if row is not None:
            if row:
                lead, coordinators, task = row
                found.append(_make(text, sentence, lead, coordinators, task, deadlines, None))
            continue
        new_heading = _heading_lead(line)
        if new_heading:
            heading = new_heading
            continue
        nxt = sentences[index + 1] if index + 1 < len(sentences) else None
        body = _BULLET.sub("", line).strip()
        marked = _BULLET.match(line) is not None
        new_section = _SECTION.match(line) or (line.isupper() and len(line) > 6)
        if heading and new_section and not _starts_with_verb(text, sentence):
            heading = None  # "IV. KINH PHÍ", "2. Nhiệm vụ cụ thể": a new section, no unit
        if heading and (
            _starts_with_verb(text, sentence)
            or (marked and line.lstrip()[:1] in "-+•*–" and not _HEAD.match(body))
        ):
            # Work listed under a unit heading: the whole line is one piece of work, unless
            # the line names its own lead ("- Đề nghị Ủy ban MTTQ huyện chủ trì ...").
            own = _parse_clause(line)
            parsed = (
                own
                if own and not _generic(own[0])
                else _parse_clause(f"{heading} {body[:1].lower()}{body[1:]}") or (heading, [], body)
            )
            found.append(_make(text, sentence, *parsed, deadlines, nxt))
            continue
        if marked or directive:
            parsed = _direct(line)
            if parsed is not None:
                found.append(_make(text, sentence, *parsed, deadlines, nxt))
                continue
        directive = False
        any_here = False
        for clause in split_clauses(text, sentence):
            clause_text = text[clause.start : clause.end]
            parsed = _parse_clause(clause_text)
            if parsed is None or _generic(parsed[0]):
                continue
            if clause_text.rstrip().endswith(":"):
                heading = parsed[0]  # "đề nghị X thực hiện một số nội dung sau:" and a list
                any_here = True
                continue
            any_here = True
            directive = directive or _GIVE.search(clause_text) is not None
            lead, coordinators, task = parsed
            found.append(_make(text, sentence, lead, coordinators, task, deadlines, nxt, clause))
        if not any_here and heading and not marked and len(line) > 200:
            heading = None  # a long paragraph ends a heading's list
    return [item for item in found if item is not None]


_LABEL = r"^\s*[-+•*]?\s*(?:Cơ\s+quan|Đơn\s+vị|Bộ\s+phận|Cơ\s+quan,\s+đơn\s+vị)\s+"
_LABEL_LEAD = re.compile(_LABEL + r"chủ\s+trì\s*:\s*(.+?)[.;]?\s*$", re.I)
_LABEL_WITH = re.compile(_LABEL + r"phối\s+hợp\s*:\s*(.+?)[.;]?\s*$", re.I)
_LABEL_TIME = re.compile(r"^\s*[-+•*]?\s*(?:Thời\s+gian|Thời\s+hạn|Tiến\s+độ)[^:]{0,25}:", re.I)


def _labelled(text, sentences, index, label, deadlines, consumed):
    """A plan item written as labelled lines under its title:
    "3. Số hóa hồ sơ ..." / "- Cơ quan chủ trì: X" / "- Cơ quan phối hợp: Y" / "- Thời gian: Z"."""
    lead = label.group(1).strip()
    title = ""
    if index > 0:
        before = text[sentences[index - 1].start : sentences[index - 1].end]
        if not (_LABEL_WITH.match(before) or _LABEL_TIME.match(before)):
            title = _BULLET.sub("", before).strip(" .;:")
    coordinators: list[str] = []
    deadline = None
    last = sentences[index]
    for ahead in range(index + 1, min(index + 4, len(sentences))):
        line = text[sentences[ahead].start : sentences[ahead].end]
        with_m = _LABEL_WITH.match(line)
        if with_m:
            coordinators = _coordinators(with_m.group(1))
        elif _LABEL_TIME.match(line):
            deadline = _deadline_in(deadlines, sentences[ahead].start, sentences[ahead].end)
        else:
            break
        consumed.add(ahead)
        last = sentences[ahead]
    if _generic(lead):
        return None
    first = sentences[index - 1] if title else sentences[index]
    return Assignment(
        text=text[first.start : last.end],
        start=first.start,
        end=last.end,
        lead=lead,
        coordinators=tuple(coordinators),
        task=title,
        deadline=deadline.date if deadline else None,
        deadline_precision=deadline.precision if deadline else None,
    )


_SECTION = re.compile(r"^\s*(?:[IVX]+[.)]|\d+(?:\.\d+)*[.)])")
_APPENDIX = re.compile(r"^\s*(?:PHỤ\s+LỤC|Phụ\s+lục|DANH\s+MỤC|Danh\s+mục)\b")
_END_OF_BODY = re.compile(r"^\s*(?:Nơi\s+nhận|TM\.|T/M|KT\.|K/T)\b", re.I)
_GENERIC = re.compile(
    r"\b(?:cac|nhung|cap|uy|to|chuc|dang|nganh|co|quan|don|vi|dia|phuong|doan|the|chinh|quyen|"
    r"he|thong|tri|va|ca|moi|toan|the|xa|hoi|ban|nguoi|dung|dau|thu|truong|lien|"
    r"ngang|so|nganh|huyen|dia|ban)\b"
)


@functools.lru_cache(maxsize=4096)
def _generic(lead: str) -> bool:
    """ "các cấp ủy, tổ chức đảng", "các cơ quan, đơn vị": everyone, so no one in particular."""
    from .evaluate import fold

    return not _GENERIC.sub("", fold(lead)).strip(" ,-")


def _starts_with_verb(text: str, clause: Sentence) -> bool:
    body = _BULLET.sub("", text[clause.start : clause.end]).strip()
    body = body[:1].lower() + body[1:]
    m = _VERB.match(body)
    return m is not None


def _make(text, sentence, lead, coordinators, task, deadlines, nxt, clause=None):
    """The Assignment, or None when the lead is everyone ("các cơ quan, đơn vị")."""
    if _generic(lead):
        return None
    where = clause or sentence
    deadline = _deadline_in(deadlines, where.start, where.end) or _deadline_in(
        deadlines, sentence.start, sentence.end
    )
    if deadline is None and nxt is not None:
        following = text[nxt.start : nxt.end]
        if _TIME_LINE.match(following) or (
            not _BULLET.match(following)
            and not _starts_with_verb(text, nxt)
            and _parse_clause(following) is None
            and len(following) < 160
        ):
            deadline = _deadline_in(deadlines, nxt.start, nxt.end)
    return Assignment(
        text=text[sentence.start : sentence.end],
        start=sentence.start,
        end=sentence.end,
        lead=lead,
        coordinators=tuple(coordinators),
        task=re.sub(r"\s+", " ", task),
        deadline=deadline.date if deadline else None,
        deadline_precision=deadline.precision if deadline else None,
    )


class _TableReader:
    """Rows of a plan table copied as text ("|" or tab between cells), read by its header."""

    def __init__(self):
        self.columns: dict[str, int] | None = None
        self.sep = "|"

    def read(self, line: str):
        """None: not a table line; []: a table line with no assignment; else the row."""
        sep = "|" if "|" in line else ("\t" if "\t" in line else None)
        if sep is None:
            self.columns = None
            return None
        cells = [c.strip() for c in line.strip().strip("|").split(sep)]
        lowered = [c.lower() for c in cells]
        if any("chủ trì" in c for c in lowered):
            self.columns = {}
            for i, c in enumerate(lowered):
                if "chủ trì" in c:
                    self.columns["lead"] = i
                elif "phối hợp" in c:
                    self.columns["coord"] = i
                elif (
                    re.search(r"nội dung|nhiệm vụ|công việc|tên", c) and "task" not in self.columns
                ):
                    self.columns["task"] = i
            self.sep = sep
            return []
        if not self.columns or sep != self.sep:
            return None
        cols = self.columns

        def cell(key):
            i = cols.get(key)
            return cells[i] if i is not None and i < len(cells) else ""

        lead = cell("lead")
        if not lead:
            return []
        task = cell("task") or " ".join(c for c in cells if len(c) > 20)
        coordinators = _coordinators(cell("coord")) if cell("coord") else []
        return lead, coordinators, task
