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
italics); the number line left blank for the clerk; the centred bold title.

No request objects here: the view passes a document, a unit and years, and gets bytes back.
"""

import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify
from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from trienkhai.documents import numbering
from trienkhai.documents.exports import clean, header_date, place_of
from trienkhai.lib import charts
from trienkhai.lib.dates import format_vi
from trienkhai.lib.text import fold
from trienkhai.org.models import Sector, Unit, UnitKind
from trienkhai.org.selectors import ancestors

from . import dashboard, selectors_programmes
from .indicators import IndicatorStatus, format_number
from .models import Frequency, Indicator, Programme
from .selectors_tasks import overdue_q

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
SIZE = Pt(13)
TITLE_SIZE = Pt(14)
TEXT_WIDTH_MM = 165  # 210 - 30 - 15
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
STATE_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
STATE_MOTTO = "Độc lập - Tự do - Hạnh phúc"
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


# --- Word helpers -------------------------------------------------------------------------------
def _run(paragraph, text, *, bold=False, italic=False, underline=False, size=SIZE):
    run = paragraph.add_run(clean(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.name = FONT
    run.font.size = size
    # Word picks the East Asian font for some Vietnamese letters unless told.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)
    fonts.set(qn("w:cs"), FONT)
    return run


def _para(container, text="", *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent=True, **style):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    if indent and align == WD_ALIGN_PARAGRAPH.JUSTIFY:
        fmt.first_line_indent = Mm(10)
    if text:
        _run(paragraph, text, **style)
    return paragraph


def _centred(container, text="", **style):
    return _para(container, text, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, **style)


def _heading(word, text):
    return _para(word, text, bold=True, after=4)


def _short_rule(paragraph, indent_mm: int) -> None:
    """A short line under the paragraph (under a State issuer's name)."""
    paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.right_indent = Mm(indent_mm)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "auto"}.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _table(word, header: list[tuple[str, int]], rows: list[list], *, centred_cols=()):
    """A bordered table; `header` is (title, width in mm); numbers are centred."""
    table = word.add_table(rows=1 + len(rows), cols=len(header))
    table.style = word.styles["Table Grid"]
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, (title, width) in enumerate(header):
        cell = table.rows[0].cells[i]
        cell.width = Mm(width)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], title, bold=True, size=Pt(12))
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(marker)
    for r, values in enumerate(rows, start=1):
        for i, value in enumerate(values):
            cell = table.rows[r].cells[i]
            cell.width = Mm(header[i][1])
            numeric = isinstance(value, int | float)
            if numeric or i in centred_cols:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(cell.paragraphs[0], "" if value is None else str(value), size=Pt(12))
    _para(word, "", after=4)
    return table


def _picture(word, png: bytes, width_mm: int = 150):
    word.add_picture(io.BytesIO(png), width=Mm(width_mm))
    word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


# --- the document -------------------------------------------------------------------------------
def _header(word, req: ReviewRequest, party: bool, day: dt.date) -> None:
    unit = req.unit
    head = word.add_table(rows=1, cols=2)
    head.autofit = False
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    left.width, right.width = Mm(70), Mm(95)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    superior = superior_line(unit, party)
    if superior:
        _run(left.paragraphs[0], superior)
        _centred(left, unit.name.upper(), bold=True)
    else:
        _run(left.paragraphs[0], unit.name.upper(), bold=True)
    if party:
        _centred(left, "*")
    else:
        _short_rule(_centred(left, ""), 20)
    _centred(left, number_line(unit, req.document, party))

    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if party:
        _run(right.paragraphs[0], PARTY_NAME, bold=True, underline=True, size=Pt(15))
    else:
        _run(right.paragraphs[0], STATE_NAME, bold=True, size=Pt(12))
        _centred(right, STATE_MOTTO, bold=True, underline=True, size=TITLE_SIZE)
    _centred(right, "")
    _centred(right, f"{place_for(unit)}, {header_date(day)}", italic=True)


def _tasks_section(word, board: dashboard.Dashboard) -> None:
    _heading(word, "2. Kết quả thực hiện các nhiệm vụ")
    closed = board.closed_count
    _para(
        word,
        f"Tổng số {board.total} nhiệm vụ; đã hoàn thành {closed} nhiệm vụ "
        f"({board.done_percent}% số nhiệm vụ không bị hủy), trong đó hoàn thành chậm "
        f"{board.counts['done_late']}; quá hạn chưa hoàn thành {board.overdue_count}.",
    )
    buckets = board.status_buckets()
    _table(
        word,
        [("Tình trạng", 95), ("Số nhiệm vụ", 35), ("Tỷ lệ (%)", 35)],
        [[str(b.label), b.count, b.percent] for b in buckets],
    )
    if board.total:
        _picture(
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
        _para(word, "Các nhiệm vụ quá hạn chưa hoàn thành:", italic=True)
        _table(
            word,
            [("STT", 12), ("Nhiệm vụ", 78), ("Đơn vị chủ trì", 45), ("Thời hạn", 30)],
            [
                [n, t.title, t.lead_unit.name, t.deadline_text]
                for n, t in enumerate(board.overdue, 1)
            ],
            centred_cols=(3,),
        )


def _indicators_section(word, req: ReviewRequest) -> None:
    _heading(word, "3. Kết quả thực hiện các chỉ tiêu")
    rows = indicator_rows(req)
    if not rows:
        _para(word, "Văn bản không đặt chỉ tiêu trong phạm vi đơn vị.", italic=True)
        return
    achieved = sum(1 for r in rows if r.achieved)
    _para(word, f"Có {achieved}/{len(rows)} chỉ tiêu đạt mục tiêu tại thời điểm báo cáo.")
    _table(
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
    )
    for r in [r for r in rows if len(r.points) >= 2][:MAX_CHARTS]:
        goal = r.indicator.goal
        _picture(
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
    _heading(word, "4. Việc cụ thể hóa, triển khai của các đơn vị trực thuộc")
    c = board.compliance
    if not c.total:
        _para(word, "Không có yêu cầu đối với đơn vị trực thuộc trong giai đoạn.", italic=True)
        return
    _para(
        word,
        f"Trên tổng số {c.total} lượt yêu cầu ban hành văn bản đối với các đơn vị, đã thực "
        f"hiện {c.complied} lượt ({board.compliance_percent}%), trong đó đúng hạn {c.done}, "
        f"chậm {c.late}; quá hạn chưa thực hiện {c.overdue}; chưa đến hạn {c.missing}.",
    )
    _table(
        word,
        [("Tình trạng", 95), ("Số lượt", 35), ("Tỷ lệ (%)", 35)],
        [[str(b.label), b.count, b.percent] for b in dashboard.compliance_buckets(c)],
    )
    units = [b for b in board.branches if b.cells]
    if units:
        _table(
            word,
            [("Đơn vị", 95), ("Số yêu cầu", 35), ("Đã thực hiện (%)", 35)],
            [
                [b.unit.name if b.unit else board.unit.name, b.cells, b.compliance_percent]
                for b in units[:MAX_LISTED]
            ],
        )


def _reports_section(word, req: ReviewRequest, board: dashboard.Dashboard) -> None:
    _heading(word, "5. Thực hiện chế độ báo cáo")
    rows = report_rows(req)
    received = sum(r["received"] for r in rows)
    late = sum(r["late"] for r in rows)
    _para(
        word,
        f"Đã nhận {received} báo cáo định kỳ (nộp chậm {late}); "
        f"kỳ báo cáo gần nhất còn {board.reports_missing_count} báo cáo chưa nộp.",
    )
    if rows:
        _table(
            word,
            [("Báo cáo", 80), ("Định kỳ", 35), ("Đã nhận", 25), ("Nộp chậm", 25)],
            [[r["title"], r["frequency"], r["received"], r["late"]] for r in rows],
            centred_cols=(1,),
        )


def review_docx(req: ReviewRequest, *, day: dt.date | None = None) -> bytes:
    """The review draft as .docx bytes."""
    day = day or timezone.localdate()
    party = is_party(req.unit, req.document)
    board = dashboard.dashboard_for(
        req.unit, today=req.as_of(day), focus=req.focus, list_size=MAX_LISTED
    )

    word = WordDocument()
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = FONT, SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)

    _header(word, req, party, day)
    _para(word, "", after=6)
    _para(word, title_text(req), align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=TITLE_SIZE)
    _centred(word, "-----")
    _para(word, "", after=0)
    _para(word, opening_text(req))

    _heading(word, "I. KẾT QUẢ THỰC HIỆN")
    _heading(word, "1. Công tác cụ thể hóa, tổ chức triển khai")
    programmes = programme_rows(req)
    if programmes:
        _para(word, f"Đã ban hành {len(programmes)} chương trình hành động:")
        _table(
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
        )
    else:
        _para(word, "Chưa có chương trình hành động nào gắn với văn bản.", italic=True)
    _tasks_section(word, board)
    _indicators_section(word, req)
    _compliance_section(word, board)
    _reports_section(word, req, board)

    _heading(word, "II. ĐÁNH GIÁ CHUNG")
    _para(word, "1. Ưu điểm")
    _para(word, OFFICE_NOTE, italic=True)
    _para(word, "2. Hạn chế, nguyên nhân")
    _para(word, OFFICE_NOTE, italic=True)
    _heading(word, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI")
    _para(word, OFFICE_NOTE, italic=True)

    sign = word.add_table(rows=1, cols=2)
    sign.autofit = False
    left, right = sign.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    _run(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=Pt(12))
    for line in ("- Như trên,", "- Lưu Văn phòng."):
        _para(left, line, align=WD_ALIGN_PARAGRAPH.LEFT, after=0, size=Pt(11))
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(right.paragraphs[0], "(Chức vụ người ký)", bold=True)
    _centred(right, "(Chữ ký, họ và tên)", italic=True)

    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def review_filename(req: ReviewRequest) -> str:
    """ASCII: "tong-ket-5-nam-01-nq-thu-2016-2020.docx"."""
    number = slugify(fold(req.document.number_text or str(req.document.pk)).replace("/", "-"))
    kind = slugify(fold(KINDS.get(req.kind, "tong ket")))
    return f"{kind}-{req.years}-nam-{number}-{req.start_year}-{req.end_year}.docx"
