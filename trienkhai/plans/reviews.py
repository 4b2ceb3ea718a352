"""The review (sơ kết / tổng kết) of a document over a period, drafted as a Word file.

The draft carries the numbers, tables and charts the Office would otherwise gather by hand: the
programmes under the document, the tasks by status, the indicators (baseline, target, latest
value, status, and a line chart each), compliance of the units below, the reports received. The
assessment and the way forward are left as headed sections for the Office to write.

The numbers come from `dashboard.dashboard_for` with a `Focus` on the document and the period:
the same function the dashboard page and its XLSX export use.

Layout after Decree 30/2020/NĐ-CP (State) and Hướng dẫn 36-HD/VPTW (Party): A4, Times New
Roman 13 pt, margins 20/20/30/15 mm; a borderless two-column header (the issuer in capitals with
the superior Party organisation above it and "*" under it for a Party body, a short rule under a
State one; "ĐẢNG CỘNG SẢN VIỆT NAM", or the State motto, on the right with place and date in
italics); the number line left blank for the clerk; the centred bold title. The Word helpers
are those of `trienkhai.lib.docx`.

No request objects here: the view passes a document, a unit and years, and gets bytes back.
"""

import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify

from trienkhai.documents import numbering
from trienkhai.documents.exports import header_date, place_of
from trienkhai.lib import charts
from trienkhai.lib.dates import format_vi
from trienkhai.lib.docx import DOCX_CONTENT_TYPE as DOCX_CONTENT_TYPE  # for the views
from trienkhai.lib.docx import (
    SMALL_SIZE,
    TITLE_SIZE,
    body_paragraph,
    centred,
    clean,
    heading,
    new_document,
    official_header,
    picture,
    signature,
    table,
)
from trienkhai.lib.text import fold
from trienkhai.org.models import Sector, Unit, UnitKind
from trienkhai.org.selectors import ancestors

from . import dashboard, selectors_programmes
from .indicators import IndicatorStatus, format_number
from .models import Frequency, Indicator, Programme
from .selectors_tasks import overdue_q

MAX_CHARTS = 12
MAX_LISTED = 30
OFFICE_NOTE = (
    "(Văn phòng hoàn thiện nội dung phần này trên cơ sở số liệu nêu trên và ý kiến của các đơn vị.)"
)

KINDS = {"so_ket": "sơ kết", "tong_ket": "tổng kết"}

# The level word of a Party committee, for the superior line: "ĐẢNG BỘ TỈNH BẾN TRE".
_PARTY_LEVEL = {"tinh uy": "tỉnh", "thanh uy": "thành phố", "huyen uy": "huyện", "quan uy": "quận"}


@dataclass(frozen=True)
class ReviewRequest:
    document: object  # documents.models.Document
    unit: Unit
    start_year: int
    end_year: int
    kind: str = "tong_ket"

    @property
    def years(self) -> int:
        """Years under review. Counted from the issue date when the document was issued inside
        the period: one issued on 15-10-2015 and reviewed at the end of 2020 has run five years,
        not six (2015–2020 spans six calendar years)."""
        issued = getattr(self.document, "issued_on", None)
        if issued is not None and issued.year == self.start_year:
            end = dt.date(self.end_year, 12, 31)
            return max(1, round((end - issued).days / 365.25))
        return self.end_year - self.start_year + 1

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.end_year, 12, 31)

    def as_of(self, today: dt.date | None = None) -> dt.date:
        """The day statuses are judged: the day after the period (work due on its last day was
        still on time that day), or today while the period runs."""
        return min(today or timezone.localdate(), self.end + dt.timedelta(days=1))

    def figures_date(self, today: dt.date | None = None) -> dt.date:
        """The date the figures are given at, as the report says it."""
        return min(today or timezone.localdate(), self.end)

    @property
    def focus(self) -> dashboard.Focus:
        return dashboard.Focus(document=self.document, start=self.start, end=self.end)


# --- what the review says -----------------------------------------------------------------------
def is_party(unit: Unit, document) -> bool:
    if unit.sector == Sector.PARTY:
        return True
    if unit.sector == Sector.STATE:
        return False
    return document.system == numbering.PARTY


def subject(document) -> str:
    """The summary without a leading type name ("Nghị quyết về X" -> "về X"), no final stop."""
    summary = clean(document.summary).strip().rstrip(".")
    if fold(summary).startswith(fold(document.type_name) + " "):
        summary = summary[len(document.type_name) :].strip()
    return summary


def title_text(req: ReviewRequest) -> str:
    """BÁO CÁO TỔNG KẾT 5 NĂM THỰC HIỆN NGHỊ QUYẾT SỐ 01-NQ/ThU ... (the number keeps its case)."""
    doc = req.document
    kind = KINDS.get(req.kind, KINDS["tong_ket"]).upper()
    number = f" SỐ {doc.number_text}" if doc.number_text else ""
    issued = f" NGÀY {format_vi(doc.issued_on)}" if doc.issued_on else ""
    return (
        f"BÁO CÁO {kind} {req.years} NĂM THỰC HIỆN {doc.type_name.upper()}{number}{issued} "
        f"{subject(doc).upper()}".strip()
    )


def opening_text(req: ReviewRequest) -> str:
    doc = req.document
    issued = f" ngày {format_vi(doc.issued_on)}" if doc.issued_on else ""
    number = f" số {doc.number_text}" if doc.number_text else ""
    return (
        f"Thực hiện {doc.type_name}{number}{issued} của {doc.issuer_name} "
        f"{subject(doc)}, {req.unit.name} báo cáo kết quả {req.years} năm "
        f"thực hiện (giai đoạn {req.start_year}–{req.end_year}), số liệu tính đến ngày "
        f"{format_vi(req.figures_date())}, như sau:"
    )


def superior_line(unit: Unit, party: bool) -> str:
    """The line above the issuer's name: the superior Party organisation of a Party committee
    ("ĐẢNG BỘ TỈNH BẾN TRE"), the governing body of a State department; none otherwise."""
    parent = unit.parent_unit()
    if parent is None:
        return ""
    if party:
        folded = fold(parent.name)
        for prefix, level in _PARTY_LEVEL.items():
            if folded.startswith(prefix + " "):
                return f"Đảng bộ {level} {place_of(parent.name)}".upper()
        return ""
    return parent.name.upper() if unit.kind == UnitKind.DEPARTMENT else ""


def number_line(unit: Unit, document, party: bool) -> str:
    code = unit.short_name or (document.issuer_code if document.issuer_unit_id == unit.pk else "")
    code = code or "..."
    return f"Số        -BC/{code}" if party else f"Số:        /BC-{code}"


def place_for(unit: Unit) -> str:
    """The place in the date line: the province or city the unit belongs to."""
    chain = [*ancestors(unit), unit]
    for candidate in chain[:2]:
        name = place_of(candidate.name)
        if name and name != candidate.name:
            return name
    return place_of(unit.name)


@dataclass
class IndicatorRow:
    indicator: Indicator  # with `.assessment`, `.value`, `.value_on` (the programmes part)
    points: list[tuple[float, float]]

    @property
    def achieved(self) -> bool:
        return self.indicator.assessment.status == IndicatorStatus.ACHIEVED


def indicator_rows(req: ReviewRequest) -> list[IndicatorRow]:
    """Each indicator of the document in the unit's subtree, judged at the period's end, with
    its yearly series for the chart."""
    as_of = req.as_of()
    indicators = list(
        dashboard.indicators_in(req.unit, req.focus)
        .select_related("unit", "programme")
        .order_by("programme_id", "position", "id")
    )
    selectors_programmes.attach_assessments(indicators, as_of)
    return [
        IndicatorRow(
            ind,
            [
                (year, float(value))
                for year, value in selectors_programmes.indicator_series(ind, as_of)
            ],
        )
        for ind in indicators
    ]


def programme_rows(req: ReviewRequest) -> list[tuple[Programme, dict]]:
    """The document's programmes owned in the unit's subtree or above it, with the task counts of
    the subtree for each (one GROUP BY)."""
    unit = req.unit
    above = [u.path for u in ancestors(unit)]
    programmes = list(
        Programme.objects.filter(document=req.document)
        .filter(Q(owner_unit__path__startswith=unit.path) | Q(owner_unit__path__in=above))
        .select_related("owner_unit")
        .order_by("start_year", "title")
    )
    as_of = req.as_of()
    counts = {
        row["programme"]: row
        for row in dashboard.tasks_in(unit, req.focus)
        .values("programme")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status__in=["done", "done_late"])),
            overdue=Count("pk", filter=overdue_q(as_of)),
        )
        .order_by()
    }
    empty = {"total": 0, "closed": 0, "overdue": 0}
    return [(p, counts.get(p.pk, empty)) for p in programmes]


def report_rows(req: ReviewRequest) -> list[dict]:
    """Reports received from the subtree in the period, per schedule (one GROUP BY)."""
    labels = dict(Frequency.choices)
    rows = (
        dashboard.reports_received(req.unit, req.focus)
        .values("schedule__title", "schedule__frequency")
        .annotate(received=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
        .order_by("schedule__title")
    )
    return [
        {
            "title": r["schedule__title"],
            "frequency": str(labels.get(r["schedule__frequency"], r["schedule__frequency"])),
            "received": r["received"],
            "late": r["late"],
        }
        for r in rows
    ]


# --- the document -------------------------------------------------------------------------------
def _tasks_section(word, board: dashboard.Dashboard) -> None:
    heading(word, "2. Kết quả thực hiện các nhiệm vụ")
    closed = board.closed_count
    body_paragraph(
        word,
        f"Tổng số {board.total} nhiệm vụ; đã hoàn thành {closed} nhiệm vụ "
        f"({board.done_percent}% số nhiệm vụ không bị hủy), trong đó hoàn thành chậm "
        f"{board.counts['done_late']}; quá hạn chưa hoàn thành {board.overdue_count}.",
    )
    buckets = board.status_buckets()
    table(
        word,
        [("Tình trạng", 95), ("Số nhiệm vụ", 35), ("Tỷ lệ (%)", 35)],
        [[str(b.label), b.count, b.percent] for b in buckets],
        size=SMALL_SIZE,
    )
    if board.total:
        picture(
            word,
            charts.bar_chart(
                [str(b.label) for b in buckets],
                [b.count for b in buckets],
                title="Nhiệm vụ theo tình trạng",
                colors=[b.color for b in buckets],
                fmt="png",
            ),
        )
    if board.overdue:
        body_paragraph(word, "Các nhiệm vụ quá hạn chưa hoàn thành:", italic=True)
        table(
            word,
            [("STT", 12), ("Nhiệm vụ", 78), ("Đơn vị chủ trì", 45), ("Thời hạn", 30)],
            [
                [n, t.title, t.lead_unit.name, t.deadline_text]
                for n, t in enumerate(board.overdue, 1)
            ],
            centred_cols=(3,),
            size=SMALL_SIZE,
        )


def _indicators_section(word, req: ReviewRequest) -> None:
    heading(word, "3. Kết quả thực hiện các chỉ tiêu")
    rows = indicator_rows(req)
    if not rows:
        body_paragraph(word, "Văn bản không đặt chỉ tiêu trong phạm vi đơn vị.", italic=True)
        return
    achieved = sum(1 for r in rows if r.achieved)
    body_paragraph(word, f"Có {achieved}/{len(rows)} chỉ tiêu đạt mục tiêu tại thời điểm báo cáo.")
    table(
        word,
        [
            ("STT", 10),
            ("Chỉ tiêu", 47),
            ("Đơn vị tính", 18),
            ("Ban đầu", 22),
            ("Mục tiêu", 22),
            ("Mới nhất", 26),
            ("Đánh giá", 20),
        ],
        [
            [
                n,
                r.indicator.name,
                r.indicator.measure_unit,
                format_number(r.indicator.baseline_value)
                + (f" ({r.indicator.baseline_year})" if r.indicator.baseline_year else ""),
                format_number(r.indicator.goal)
                + (f" ({r.indicator.target_end.year})" if r.indicator.target_end else ""),
                (
                    f"{format_number(r.indicator.value)} ({format_vi(r.indicator.value_on)})"
                    if r.indicator.value is not None
                    else ""
                ),
                str(r.indicator.assessment.label),
            ]
            for n, r in enumerate(rows, 1)
        ],
        centred_cols=(2, 3, 4, 5, 6),
        size=SMALL_SIZE,
    )
    for r in [r for r in rows if len(r.points) >= 2][:MAX_CHARTS]:
        goal = r.indicator.goal
        picture(
            word,
            charts.line_chart(
                {r.indicator.unit.name: r.points},
                title=r.indicator.name,
                y_label=r.indicator.measure_unit,
                target=float(goal) if goal is not None else None,
                target_label="Mục tiêu",
                fmt="png",
            ),
            width_mm=140,
        )


def _compliance_section(word, board: dashboard.Dashboard) -> None:
    heading(word, "4. Việc cụ thể hóa, triển khai của các đơn vị trực thuộc")
    c = board.compliance
    if not c.total:
        body_paragraph(
            word, "Không có yêu cầu đối với đơn vị trực thuộc trong giai đoạn.", italic=True
        )
        return
    body_paragraph(
        word,
        f"Trên tổng số {c.total} lượt yêu cầu ban hành văn bản đối với các đơn vị, đã thực "
        f"hiện {c.complied} lượt ({board.compliance_percent}%), trong đó đúng hạn {c.done}, "
        f"chậm {c.late}; quá hạn chưa thực hiện {c.overdue}; chưa đến hạn {c.missing}.",
    )
    table(
        word,
        [("Tình trạng", 95), ("Số lượt", 35), ("Tỷ lệ (%)", 35)],
        [[str(b.label), b.count, b.percent] for b in dashboard.compliance_buckets(c)],
        size=SMALL_SIZE,
    )
    units = [b for b in board.branches if b.cells]
    if units:
        table(
            word,
            [("Đơn vị", 95), ("Số yêu cầu", 35), ("Đã thực hiện (%)", 35)],
            [
                [b.unit.name if b.unit else board.unit.name, b.cells, b.compliance_percent]
                for b in units[:MAX_LISTED]
            ],
            size=SMALL_SIZE,
        )


def _reports_section(word, req: ReviewRequest, board: dashboard.Dashboard) -> None:
    heading(word, "5. Thực hiện chế độ báo cáo")
    rows = report_rows(req)
    received = sum(r["received"] for r in rows)
    late = sum(r["late"] for r in rows)
    body_paragraph(
        word,
        f"Đã nhận {received} báo cáo định kỳ (nộp chậm {late}); "
        f"kỳ báo cáo gần nhất còn {board.reports_missing_count} báo cáo chưa nộp.",
    )
    if rows:
        table(
            word,
            [("Báo cáo", 80), ("Định kỳ", 35), ("Đã nhận", 25), ("Nộp chậm", 25)],
            [[r["title"], r["frequency"], r["received"], r["late"]] for r in rows],
            centred_cols=(1,),
            size=SMALL_SIZE,
        )


def review_docx(req: ReviewRequest, *, day: dt.date | None = None) -> bytes:
    """The review draft as .docx bytes."""
    day = day or timezone.localdate()
    party = is_party(req.unit, req.document)
    board = dashboard.dashboard_for(
        req.unit, today=req.as_of(day), focus=req.focus, list_size=MAX_LISTED
    )

    word = new_document()
    official_header(
        word,
        superior=superior_line(req.unit, party),
        name=req.unit.name,
        party=party,
        number=number_line(req.unit, req.document, party),
        place_date=f"{place_for(req.unit)}, {header_date(day)}",
    )
    body_paragraph(word, "", after=6)
    centred(word, title_text(req), after=6, bold=True, size=TITLE_SIZE)
    centred(word, "-----")
    body_paragraph(word, "", after=0)
    body_paragraph(word, opening_text(req))

    heading(word, "I. KẾT QUẢ THỰC HIỆN")
    heading(word, "1. Công tác cụ thể hóa, tổ chức triển khai")
    programmes = programme_rows(req)
    if programmes:
        body_paragraph(word, f"Đã ban hành {len(programmes)} chương trình hành động:")
        table(
            word,
            [
                ("STT", 10),
                ("Chương trình", 60),
                ("Lĩnh vực", 30),
                ("Đơn vị chủ trì", 35),
                ("Nhiệm vụ (xong/tổng)", 30),
            ],
            [
                [
                    n,
                    f"{p.title} ({p.start_year}–{p.end_year})",
                    p.field,
                    p.owner_unit.name,
                    f"{c['closed']}/{c['total']}",
                ]
                for n, (p, c) in enumerate(programmes, 1)
            ],
            centred_cols=(4,),
            size=SMALL_SIZE,
        )
    else:
        body_paragraph(word, "Chưa có chương trình hành động nào gắn với văn bản.", italic=True)
    _tasks_section(word, board)
    _indicators_section(word, req)
    _compliance_section(word, board)
    _reports_section(word, req, board)

    heading(word, "II. ĐÁNH GIÁ CHUNG")
    body_paragraph(word, "1. Ưu điểm")
    body_paragraph(word, OFFICE_NOTE, italic=True)
    body_paragraph(word, "2. Hạn chế, nguyên nhân")
    body_paragraph(word, OFFICE_NOTE, italic=True)
    heading(word, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI")
    body_paragraph(word, OFFICE_NOTE, italic=True)

    signature(word, ("- Như trên,", "- Lưu Văn phòng."))

    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def review_filename(req: ReviewRequest) -> str:
    """ASCII: "tong-ket-5-nam-01-nq-thu-2016-2020.docx"."""
    number = slugify(fold(req.document.number_text or str(req.document.pk)).replace("/", "-"))
    kind = slugify(fold(KINDS.get(req.kind, "tong ket")))
    return f"{kind}-{req.years}-nam-{number}-{req.start_year}-{req.end_year}.docx"
