"""What a reading suggests creating, for the clerk to confirm on the review screen.

`propose` turns what was found into proposals: references matched to the register (linked,
registered as new, or already known), tasks with their units matched to the tree
(`matching.py`), and targets from the quantities. Nothing is written here; `apply.py` creates
what the clerk keeps.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from trienkhai.documents import numbering
from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import Document, DocumentRelation, RelationKind
from trienkhai.extraction.items import Assignment, DocRef, Extraction, Quantity
from trienkhai.lib import dates
from trienkhai.org.models import Unit
from trienkhai.plans import rules as plan_rules
from trienkhai.plans.models import Direction, Programme
from trienkhai.plans.selectors_tasks import pickable_units

from .matching import Match, UnitMatcher
from .models import Reading
from .services import assigner_for, extraction_of, issuer_for, sentence_span, text_day

LINK, NEW, SELF, KNOWN = "link", "new", "self", "known"

IMPLEMENT_CUES = ("thực hiện", "triển khai", "cụ thể hóa", "quán triệt", "hướng dẫn thi hành")
BASIS_CUES = ("căn cứ", "theo", "trên cơ sở", "tại")
ISSUER_NAMES = {
    "TW": "Ban Chấp hành Trung ương Đảng",
    "VPTW": "Văn phòng Trung ương Đảng",
    "BTCTW": "Ban Tổ chức Trung ương",
    "BTGTW": "Ban Tuyên giáo Trung ương",
    "BDVTW": "Ban Dân vận Trung ương",
    "UBKTTW": "Ủy ban Kiểm tra Trung ương",
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "VPCP": "Văn phòng Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
}
_BEFORE_ISSUER = re.compile(
    r"^[\s,]*(?:ngày\s+\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}"
    r"|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})?[\s,]*của\s+"
)
# Words that end an issuer's name written after "của" ("của Ban Bí thư về ...").
_ISSUER_END = {"về", "quy", "hướng", "nhằm", "đối", "trong", "và", "đã", "thì", "ban", "việc"}


def _issuer_after(text: str) -> str:
    """ "..., ngày 1-3-2020 của Ban Bí thư về ..." → "Ban Bí thư"."""
    m = _BEFORE_ISSUER.match(text)
    if not m:
        return ""
    name: list[str] = []
    for word in text[m.end() :].split()[:10]:
        bare = word.strip(',.;:()“”"')
        if not bare or (name and bare in _ISSUER_END):
            break
        name.append(bare)
        if bare != word:
            break
    return " ".join(name) if len(name) >= 2 else ""


def _quote(found: Extraction, sentence: tuple[int, int]) -> str:
    return found.text[sentence[0] : sentence[1]]


@dataclass
class RefProposal:
    index: int
    ref: DocRef
    sentence: tuple[int, int]
    mode: str  # LINK, NEW, SELF (the document being read), KNOWN (in the register, nothing to do)
    candidates: list[Document] = field(default_factory=list)
    target: Document | None = None
    related: bool = False  # a relation to it is already recorded
    kind: str = RelationKind.BASED_ON
    new: dict = field(default_factory=dict)
    checked: bool = False
    quote: str = ""

    @property
    def prefix(self) -> str:
        return f"ref_{self.index}"

    @property
    def date(self) -> dt.date | None:
        day = parse_item_date(self.ref.date)
        return day[0] if day else None


@dataclass
class TaskProposal:
    index: int
    assignment: Assignment
    sentence: tuple[int, int]
    title: str
    lead: Match
    coordinators: list[Match]
    deadline: tuple[dt.date, str] | None
    checked: bool = True
    quote: str = ""

    @property
    def prefix(self) -> str:
        return f"task_{self.index}"

    @property
    def deadline_text(self) -> str:
        return dates.format_deadline_vi(*self.deadline) if self.deadline else ""

    @property
    def unmatched(self) -> list[str]:
        return [m.mention for m in self.coordinators if m.unit is None]


@dataclass
class IndicatorProposal:
    index: int
    quantity: Quantity
    sentence: tuple[int, int]
    name: str
    target_value: Decimal | None
    measure_unit: str
    direction: str
    deadline: tuple[dt.date, str] | None
    programme: Programme | None
    checked: bool = False
    quote: str = ""

    @property
    def prefix(self) -> str:
        return f"ind_{self.index}"


@dataclass
class Proposals:
    reading: Reading
    found: Extraction
    assigner: Unit
    references: list[RefProposal]
    tasks: list[TaskProposal]
    indicators: list[IndicatorProposal]
    programmes: list[Programme]

    @property
    def is_empty(self) -> bool:
        return not (self.references or self.tasks or self.indicators)


def parse_item_date(value: str | None, precision: str | None = None):
    """("2020-12", "month") → (2020-12-01, "month"); None when it cannot be read."""
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value), precision or dates.DAY
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            return dt.date(int(m[1]), int(m[2]), 1), dates.MONTH
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
            return dt.date(int(m[1]), 3 * int(m[2]) - 2, 1), dates.QUARTER
        if m := re.fullmatch(r"(\d{4})", value):
            return dt.date(int(m[1]), 1, 1), dates.YEAR
    except ValueError:
        return None
    return None


def _canonical(number: str) -> str:
    try:
        return numbering.parse(number).format()
    except (numbering.NumberError, ValueError):
        return number


def _relation_kind(text: str, sentence: tuple[int, int], ref: DocRef) -> str:
    """ "thực hiện Nghị quyết ..." implements it; "căn cứ", "theo", "trên cơ sở" are a basis."""
    before = text[max(sentence[0], ref.start - 80) : ref.start].lower()
    best, where = RelationKind.BASED_ON, -1
    for cue in IMPLEMENT_CUES:
        at = before.rfind(cue)
        if at > where:
            best, where = RelationKind.IMPLEMENTS, at
    for cue in BASIS_CUES:
        at = before.rfind(cue)
        if at > where:
            best, where = RelationKind.BASED_ON, at
    return best


def _issuer_name(reading: Reading, ref: DocRef, context_units: list[Unit]) -> str:
    name = _issuer_after(reading.text[ref.end : ref.end + 160])
    if name:
        return name
    for unit in context_units:
        if unit.short_name == ref.issuer:
            return unit.name
    return ISSUER_NAMES.get(ref.issuer, "")


def _summary_of(ref: DocRef) -> str:
    if ref.title:
        kind = ref.kind or ""
        return (
            f"{kind} {ref.title}".strip() if kind and not ref.title.startswith(kind) else ref.title
        )
    table = numbering.PARTY_TYPES if ref.system == numbering.PARTY else numbering.STATE_TYPES
    kind = ref.kind or table.get(ref.type or "", "") or "Văn bản"  # data, not a page's words
    return f"{kind} số {ref.number}"


def _reference_proposals(reading: Reading, found: Extraction, user) -> list[RefProposal]:
    document = reading.document
    issuer = issuer_for(reading)
    context_units = list(
        Unit.objects.filter(
            Q(path__in=[issuer.path[: Unit.steplen * i] for i in range(1, issuer.depth + 1)])
        )
    )
    context_ids = {u.pk for u in context_units} | {
        u.counterpart_id for u in context_units if u.counterpart_id
    }
    visible = document_rules.filter_documents(user, Document.objects.all())
    out = []
    for index, ref in enumerate(found.doc_refs):
        sentence = sentence_span(found, ref.start, ref.end)
        number = _canonical(ref.number)
        day = parse_item_date(ref.date)
        if (
            document is not None
            and document.number_text
            and (
                _canonical(document.number_text) == number
                and (day is None or document.issued_on is None or day[0] == document.issued_on)
            )
        ):
            out.append(
                RefProposal(
                    index, ref, sentence, SELF, target=document, quote=_quote(found, sentence)
                )
            )
            continue
        found_docs = list(
            visible.filter(number_text__in={number, ref.number}).select_related("issuer_unit")
        )
        if day is not None:
            found_docs = [d for d in found_docs if d.issued_on == day[0]]
        if document is not None:
            found_docs = [d for d in found_docs if d.pk != document.pk]
        target = found_docs[0] if len(found_docs) == 1 else None
        if target is None and len(found_docs) > 1:
            ours = [d for d in found_docs if d.issuer_unit_id in context_ids]
            target = ours[0] if len(ours) == 1 else None
        proposal = RefProposal(index, ref, sentence, LINK if found_docs else NEW)
        proposal.quote = _quote(found, sentence)
        proposal.candidates = found_docs
        proposal.target = target
        proposal.kind = _relation_kind(reading.text, sentence, ref)
        if found_docs and document is None:
            proposal.mode = KNOWN
        if found_docs and document is not None and target is not None:
            proposal.related = DocumentRelation.objects.filter(
                Q(source=document, target=target) | Q(source=target, target=document)
            ).exists()
            proposal.checked = not proposal.related
        if not found_docs:
            proposal.new = {
                "number_text": number,
                "issuer_name": _issuer_name(reading, ref, context_units),
                "issued_on": day[0] if day else None,
                "summary": _summary_of(ref),
            }
            proposal.checked = day is not None and bool(proposal.new["issuer_name"])
        out.append(proposal)
    return out


_TRAILING = re.compile(r"[\s,;:\-–—.]+$")
_LEADING = re.compile(r"^[\s,;:\-–—.]+")


def task_title(found: Extraction, assignment: Assignment) -> str:
    """The work as a title: the deadline phrase taken out (it has its own field), the first
    letter a capital."""
    title = assignment.task or assignment.text
    for deadline in found.deadlines:
        if assignment.start <= deadline.start < assignment.end and deadline.text in title:
            title = title.replace(deadline.text, " ")
    title = re.sub(r"\s+([,;.])", r"\1", re.sub(r"\s{2,}", " ", title))
    title = re.sub(r"(,\s*){2,}", ", ", title)
    title = _LEADING.sub("", _TRAILING.sub("", title)).strip()
    if title:
        title = title[0].upper() + title[1:]
    return title[:500]


_NAME_STOP = re.compile(
    r"[,;.:()]|\s(?:theo|cho|tại|của|trong|với|để|và|nhằm|đến|trên|đã|đang|sẽ|cần|phải)\s"
)


def indicator_name(found: Extraction, quantity: Quantity) -> str:
    """ "11 lớp quán triệt theo Kế hoạch ..." → "Số lớp quán triệt"; "98,5% đảng viên được
    quán triệt" → "Tỷ lệ đảng viên được quán triệt"."""
    after = found.text[quantity.end : quantity.end + 120]
    stop = _NAME_STOP.search(" " + after)
    tail = (" " + after)[: stop.start()] if stop else " " + after
    tail = " ".join(tail.split()[:6])
    if quantity.unit == "%":
        name = f"Tỷ lệ {tail}" if tail else "Tỷ lệ"
    else:
        name = f"Số {quantity.unit} {tail}".strip()
    return name[:300]


def _indicator_proposals(found: Extraction, programmes: list[Programme]) -> list[IndicatorProposal]:
    out = []
    only = programmes[0] if len(programmes) == 1 else None
    for index, quantity in enumerate(found.quantities):
        sentence = sentence_span(found, quantity.start, quantity.end)
        deadline = next((d for d in found.deadlines if sentence[0] <= d.start < sentence[1]), None)
        try:
            value = Decimal(str(quantity.value))
        except (InvalidOperation, ValueError):
            value = None
        out.append(
            IndicatorProposal(
                index=index,
                quantity=quantity,
                sentence=sentence,
                name=indicator_name(found, quantity),
                target_value=value,
                measure_unit=(quantity.unit or "")[:50],
                direction=Direction.AT_LEAST,
                deadline=parse_item_date(deadline.date, deadline.precision) if deadline else None,
                programme=only,
                quote=_quote(found, sentence),
            )
        )
    return out


def programmes_for(reading: Reading, user) -> list[Programme]:
    """Programmes an indicator from this text may join: those carrying out the document read
    (or kept by the reading's unit), which the user may change."""
    if reading.document_id:
        qs = Programme.objects.filter(document=reading.document)
    else:
        qs = Programme.objects.filter(owner_unit=reading.unit)
    qs = plan_rules.filter_programmes(user, qs.select_related("owner_unit")).order_by("title")
    return [p for p in qs if plan_rules.can_edit_programme(user, p)]


def propose(reading: Reading, user) -> Proposals:
    """What the text suggests creating, matched to the register and the tree, for the review."""
    found = extraction_of(reading)
    matcher = UnitMatcher(
        issuer=issuer_for(reading), units=pickable_units(user), day=text_day(reading)
    )
    tasks = []
    for index, assignment in enumerate(found.assignments):
        lead = matcher.explain(assignment.lead)
        tasks.append(
            TaskProposal(
                index=index,
                assignment=assignment,
                sentence=sentence_span(found, assignment.start, assignment.end),
                title=task_title(found, assignment),
                lead=lead,
                coordinators=[matcher.explain(c) for c in assignment.coordinators],
                deadline=parse_item_date(assignment.deadline, assignment.deadline_precision),
                quote=assignment.text,
                # Ticked when its lead unit is known: else ticking it means choosing one.
                checked=lead.unit is not None,
            )
        )
    programmes = programmes_for(reading, user)
    return Proposals(
        reading=reading,
        found=found,
        assigner=assigner_for(reading, user),
        references=_reference_proposals(reading, found, user),
        tasks=tasks,
        indicators=_indicator_proposals(found, programmes),
        programmes=programmes,
    )
