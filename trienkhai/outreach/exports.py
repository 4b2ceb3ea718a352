"""The report of a dissemination campaign as a workbook and as a Word file.

Both are built from the same completion matrix the campaign page shows
(`completion.completion_matrix`) and the classes the user may see (`rules.filter_classes`), so a
ward clerk's files hold only the ward's part: its row, its classes, its attendees.

The workbook has three sheets: "Tổng hợp" (the matrix with percentages and a "chậm" column),
"Lớp" (one row a class) and "Danh sách" (one row an attendee). The Word file is the draft of a
"Báo cáo kết quả quán triệt ..." laid out after Hướng dẫn 36-HD/VPTW (Party) or Decree
30/2020/NĐ-CP (State), with the Word helpers of `lib.docx` and the header lines of
`plans.reviews`: a summary, the matrix, a bar chart of the share reached per unit, the classes,
and the units behind schedule. Like the other official drafts it is written in Vietnamese
whatever the reader's interface language.

No request objects here: the views pass a campaign and a user and get bytes back.
"""

import datetime as dt
import io

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from trienkhai.documents.exports import header_date
from trienkhai.lib import charts
from trienkhai.lib.dates import format_vi
from trienkhai.lib.docx import (
    DOCX_CONTENT_TYPE,
    TEXT_WIDTH_MM,
    TITLE_SIZE,
    WIDE_WIDTH_MM,
    body_paragraph,
    centred,
    clean,
    heading,
    landscape,
    new_document,
    official_header,
    paragraph,
    picture,
    signature,
    table,
)
from trienkhai.lib.text import fold
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Sector, Unit
from trienkhai.org.xlsx import XLSX_CONTENT_TYPE
from trienkhai.org.xlsx import _cell as _xcell
from trienkhai.plans.reviews import place_for, subject, superior_line

from . import rules
from .completion import Matrix, Row, completion_matrix
from .models import Attendee, Campaign, ClassSession, ClassStatus

__all__ = ["DOCX_CONTENT_TYPE", "XLSX_CONTENT_TYPE", "campaign_docx", "campaign_xlsx"]

BEHIND_COLOR = "#a3151b"
ON_TRACK_COLOR = "#0b4f9c"
MAX_CLASSES_DOCX = 300  # the workbook lists them all
PORTRAIT_GROUPS = 4  # more target groups than this: the matrix gets a landscape page


# --- what the user sees -------------------------------------------------------------------------
def report_classes(campaign: Campaign, user) -> QuerySet[ClassSession]:
    return (
        rules.filter_classes(user, campaign.classes.all())
        .select_related("organiser")
        .prefetch_related("groups__target_group")
        .order_by("starts_at", "id")
    )


def report_unit(matrix: Matrix, user) -> Unit:
    """The unit that reports: the organiser for those who see the whole campaign, otherwise
    the delegated unit (or the first unit) of the user's part."""
    if not matrix.partial:
        return matrix.campaign.owner_unit
    if matrix.delegations:
        return matrix.delegations[0].unit
    return org_rules.home_units(user).first() or matrix.campaign.owner_unit


def row_label(row: Row) -> str:
    if row.own:
        return _("%(name)s (trực tiếp tổ chức)") % {"name": row.unit.name}
    return row.unit.name


def _groups_text(session: ClassSession) -> str:
    parts = []
    for g in session.groups.all():
        attended = "—" if g.attended is None else g.attended
        parts.append(f"{g.target_group.name}: {attended}/{g.expected}")
    return "; ".join(parts)


def _class_totals(session: ClassSession) -> tuple[int, int | None]:
    groups = list(session.groups.all())
    expected = sum(g.expected for g in groups)
    known = [g.attended for g in groups if g.attended is not None]
    return expected, (sum(known) if known else None)


# --- workbook -----------------------------------------------------------------------------------
def _sheet(book, title: str, header: list[tuple[str, int]]):
    ws = book.create_sheet(title[:31])
    for i, (_label, width) in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.append([_xcell(ws, label, bold=True) for label, _width in header])
    return ws


def _row_cells(ws, values) -> list:
    return [_xcell(ws, v, date=isinstance(v, dt.date)) for v in values]


def campaign_xlsx(campaign: Campaign, *, user, today: dt.date | None = None) -> bytes:
    """The report as .xlsx bytes (streamed sheets: a long attendee list stays cheap)."""
    today = today or timezone.localdate()
    matrix = completion_matrix(campaign, user=user, today=today)
    book = Workbook(write_only=True)

    header = [(_("Đơn vị"), 40)]
    for g in matrix.groups:
        header += [
            (_("%(group)s: dự kiến") % {"group": g.name}, 14),
            (_("%(group)s: đã quán triệt") % {"group": g.name}, 14),
            (_("%(group)s: %%") % {"group": g.name}, 10),
        ]
    header += [
        (_("Tổng dự kiến"), 12),
        (_("Tổng đã quán triệt"), 12),
        (_("Tỷ lệ (%)"), 10),
        (_("Số lớp đã tổ chức"), 12),
        (_("Thời hạn"), 12),
        (_("Chậm"), 8),
    ]
    ws = _sheet(book, _("Tổng hợp"), header)
    for row, label in [(r, "  " * r.depth + row_label(r)) for r in matrix.rows] + [
        (matrix.total, _("Tổng cộng"))
    ]:
        values: list = [label]
        for g in matrix.groups:
            cell = row.cells[g.pk]
            values += [cell.expected, cell.reached, cell.percent]
        values += [
            row.total.expected,
            row.total.reached,
            row.total.percent,
            row.classes_held,
            row.deadline_end,
            _("chậm") if row.behind else None,
        ]
        ws.append(_row_cells(ws, values))

    ws = _sheet(
        book,
        _("Lớp"),
        [
            (_("Ngày"), 12),
            (_("Giờ"), 12),
            (_("Tên lớp"), 40),
            (_("Địa điểm"), 30),
            (_("Đơn vị tổ chức"), 32),
            (_("Báo cáo viên"), 30),
            (_("Trạng thái"), 14),
            (_("Đối tượng (tham dự/dự kiến)"), 44),
            (_("Dự kiến"), 10),
            (_("Tham dự"), 10),
        ],
    )
    for session in report_classes(campaign, user).iterator(chunk_size=500):
        start = timezone.localtime(session.starts_at)
        end = timezone.localtime(session.ends_at) if session.ends_at else None
        hours = f"{start:%H:%M}" + (f"–{end:%H:%M}" if end else "")
        expected, attended = _class_totals(session)
        ws.append(
            _row_cells(
                ws,
                [
                    start.date(),
                    hours,
                    session.title,
                    session.place or None,
                    session.organiser.name,
                    session.presenters or None,
                    str(ClassStatus(session.status).label),
                    _groups_text(session) or None,
                    expected,
                    attended,
                ],
            )
        )

    ws = _sheet(
        book,
        _("Danh sách"),
        [
            (_("Ngày"), 12),
            (_("Lớp"), 36),
            (_("Họ và tên"), 28),
            (_("Đơn vị công tác"), 32),
            (_("Đối tượng"), 24),
            (_("Điểm danh"), 14),
            (_("Đã học bù tại lớp"), 30),
            (_("Ghi chú"), 30),
        ],
    )
    attendees = (
        Attendee.objects.filter(session__in=report_classes(campaign, user).values("pk"))
        .select_related("session", "target_group", "made_up_in")
        .order_by("session__starts_at", "session_id", "full_name", "id")
    )
    for a in attendees.iterator(chunk_size=2000):
        ws.append(
            _row_cells(
                ws,
                [
                    timezone.localtime(a.session.starts_at).date(),
                    a.session.title,
                    a.full_name,
                    a.workplace or None,
                    a.target_group.name,
                    a.get_status_display(),
                    a.made_up_in.title if a.made_up_in else None,
                    a.note or None,
                ],
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Word ---------------------------------------------------------------------------------------
def _is_party(unit: Unit) -> bool:
    return unit.sector != Sector.STATE


def _number_line(unit: Unit, party: bool) -> str:
    code = unit.short_name or "..."
    return f"Số        -BC/{code}" if party else f"Số:        /BC-{code}"


def title_subject(campaign: Campaign) -> str:
    """ "kết quả quán triệt Nghị quyết ...": the campaign's title without a second "quán triệt"."""
    title = clean(campaign.title).strip().rstrip(".")
    if fold(title).startswith("quan triet"):
        title = title[len("quán triệt") :].strip()
    return f"kết quả quán triệt {title}"


def _opening(campaign: Campaign, unit: Unit, today: dt.date) -> str:
    doc = campaign.plan_document
    basis = ""
    if doc is not None:
        number = f" số {doc.number_text}" if doc.number_text else ""
        issued = f" ngày {format_vi(doc.issued_on)}" if doc.issued_on else ""
        basis = f"Thực hiện {doc.type_name}{number}{issued} của {doc.issuer_name} {subject(doc)}, "
    return (
        f"{basis}{unit.name} báo cáo {title_subject(campaign)}, số liệu tính đến ngày "
        f"{format_vi(today)}, như sau:"
    )


def _percent(cell) -> str:
    return "" if cell.percent is None else f"{cell.percent}%"


def _matrix_section(word, matrix: Matrix) -> None:
    groups = matrix.groups
    wide = len(groups) > PORTRAIT_GROUPS
    if wide:
        landscape(word, True)
    width = WIDE_WIDTH_MM if wide else TEXT_WIDTH_MM
    fixed = [("STT", 10), ("Đơn vị", 45 if not wide else 55)]
    tail = [("Tổng (đạt/dự kiến)", 26), ("Tỷ lệ", 16), ("Chậm", 14)]
    spare = width - sum(w for _t, w in fixed + tail)
    each = spare / max(len(groups), 1)
    header = fixed + [(g.name, each) for g in groups] + tail
    rows = []
    listed = [*matrix.rows, matrix.total]
    for n, row in enumerate(listed, 1):
        is_total = row is matrix.total
        values = ["" if is_total else n, "Tổng cộng" if is_total else row_label(row)]
        for g in groups:
            cell = row.cells[g.pk]
            text = f"{cell.reached}/{cell.expected}"
            if cell.percent is not None:
                text += f"\n({cell.percent}%)"
            values.append(text if cell.expected or cell.reached else "")
        values += [
            f"{row.total.reached}/{row.total.expected}",
            _percent(row.total),
            "x" if row.behind else "",
        ]
        rows.append(values)
    table(word, header, rows, centred_cols=range(2, len(header)))
    charted = [r for r in matrix.rows if r.total.expected]
    if charted:
        png = charts.bar_chart(
            [row_label(r) for r in charted],
            [r.total.percent or 0 for r in charted],
            title="Tỷ lệ người đã được quán triệt so với dự kiến (%)",
            x_label="%",
            colors=[BEHIND_COLOR if r.behind else ON_TRACK_COLOR for r in charted],
            fmt="png",
        )
        picture(word, png)
        centred(word, "(Màu đỏ: đơn vị chậm tiến độ)", italic=True, size=Pt(11), after=6)
    if wide:
        landscape(word, False)


def _classes_section(word, classes: list[ClassSession]) -> None:
    if not classes:
        body_paragraph(word, "Chưa có lớp nào.", italic=True)
        return
    rows = []
    for n, s in enumerate(classes[:MAX_CLASSES_DOCX], 1):
        start = timezone.localtime(s.starts_at)
        expected, attended = _class_totals(s)
        place = f"\n{s.place}" if s.place else ""
        presenters = f"\nBáo cáo viên: {s.presenters}" if s.presenters else ""
        status = "" if s.status == ClassStatus.HELD else f"\n({ClassStatus(s.status).label})"
        rows.append(
            [
                n,
                f"{format_vi(start.date())}\n{start:%H:%M}",
                f"{s.title}{place}{presenters}{status}",
                s.organiser.name,
                _groups_text(s).replace("; ", "\n"),
                f"{'—' if attended is None else attended}/{expected}",
            ]
        )
    table(
        word,
        [
            ("STT", 10),
            ("Ngày", 22),
            ("Lớp, địa điểm, báo cáo viên", 50),
            ("Đơn vị tổ chức", 30),
            ("Đối tượng (tham dự/dự kiến)", 33),
            ("Tham dự/dự kiến", 20),
        ],
        rows,
        centred_cols=(0, 1, 5),
    )
    if len(classes) > MAX_CLASSES_DOCX:
        body_paragraph(
            word,
            f"(Còn {len(classes) - MAX_CLASSES_DOCX} lớp khác, xem tệp Excel kèm theo.)",
            italic=True,
        )


def _behind_section(word, matrix: Matrix) -> None:
    behind = [r for r in matrix.rows if r.behind]
    if not behind:
        body_paragraph(word, "Không có đơn vị nào chậm tiến độ.")
        return
    body_paragraph(word, f"Có {len(behind)} đơn vị chậm tiến độ:")
    for row in behind:
        deadline = f", thời hạn {format_vi(row.deadline_end)}" if row.deadline_end else ""
        percent = f" ({row.total.percent}%)" if row.total.percent is not None else ""
        body_paragraph(
            word,
            f"- {row_label(row)}: đã quán triệt {row.total.reached}/{row.total.expected} "
            f"người{percent}, {row.classes_held} lớp đã tổ chức{deadline}.",
            after=2,
        )


def _summary(matrix: Matrix, classes: list[ClassSession]) -> str:
    held = sum(1 for c in classes if c.status == ClassStatus.HELD)
    planned = sum(1 for c in classes if c.status == ClassStatus.PLANNED)
    cancelled = sum(1 for c in classes if c.status == ClassStatus.CANCELLED)
    total = matrix.total.total
    text = f"Đã tổ chức {held} lớp quán triệt"
    extra = []
    if planned:
        extra.append(f"{planned} lớp dự kiến chưa tổ chức")
    if cancelled:
        extra.append(f"{cancelled} lớp bị hủy")
    if extra:
        text += f" ({', '.join(extra)})"
    text += f"; đã quán triệt cho {total.reached} người trên tổng số {total.expected} người dự kiến"
    if total.percent is not None:
        text += f", đạt {total.percent}%"
    return text + "."


def campaign_docx(campaign: Campaign, *, user, today: dt.date | None = None) -> bytes:
    """The report as .docx bytes, in Vietnamese whatever the active language."""
    with translation.override("vi"):
        return _campaign_docx(campaign, user=user, today=today or timezone.localdate())


def _campaign_docx(campaign: Campaign, *, user, today: dt.date) -> bytes:
    matrix = completion_matrix(campaign, user=user, today=today)
    classes = list(report_classes(campaign, user))
    unit = report_unit(matrix, user)
    party = _is_party(unit)

    word = new_document()
    official_header(
        word,
        superior=superior_line(unit, party),
        name=unit.name,
        party=party,
        number=_number_line(unit, party),
        place_date=f"{place_for(unit)}, {header_date(today)}",
    )
    centred(word, "", after=6)
    centred(word, "BÁO CÁO", bold=True, size=Pt(15))
    subject_line = title_subject(campaign)
    centred(word, subject_line[0].upper() + subject_line[1:], bold=True, size=TITLE_SIZE)
    centred(word, "-----", after=6)
    body_paragraph(word, _opening(campaign, unit, today))
    documents = list(campaign.documents.all())
    if documents:
        body_paragraph(word, "Văn bản quán triệt:", after=2)
        for doc in documents:
            number = f"{doc.number_text} " if doc.number_text else ""
            body_paragraph(word, f"- {doc.type_name} {number}{subject(doc)}.", after=2)

    paragraph(word, "I. KẾT QUẢ QUÁN TRIỆT", bold=True, after=4)
    heading(word, "1. Kết quả chung")
    body_paragraph(word, _summary(matrix, classes))
    if campaign.deadline:
        body_paragraph(word, f"Thời hạn hoàn thành: {campaign.deadline_text}.")
    heading(word, "2. Kết quả theo đơn vị và đối tượng (đã quán triệt/dự kiến)")
    _matrix_section(word, matrix)
    heading(word, "3. Các lớp quán triệt")
    _classes_section(word, classes)
    paragraph(word, "II. ĐƠN VỊ CHẬM TIẾN ĐỘ", bold=True, after=4)
    _behind_section(word, matrix)
    paragraph(word, "III. ĐÁNH GIÁ, ĐỀ XUẤT", bold=True, after=4)
    body_paragraph(
        word,
        "(Đơn vị hoàn thiện nội dung phần này trên cơ sở số liệu nêu trên.)",
        italic=True,
    )

    signature(word, ("- Như trên,", "- Lưu Văn phòng."))

    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def report_filename(campaign: Campaign, extension: str) -> str:
    """ASCII: "bao-cao-quan-triet-12.docx"."""
    return f"bao-cao-quan-triet-{campaign.pk}.{extension}"
