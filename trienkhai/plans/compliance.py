"""The compliance matrix: which units issued what their superiors required, read from the register.

Rows are the units a requirement applied to when it was set (`RequirementTarget`), columns are
requirements. Each cell stores its complying document, decided by the rule below
(`complying_documents`) whenever the register or the tree changes (`compliance_cells`):

* a unit has complied when the register holds an issued document of the required type whose
  issuer is that unit and — when the requirement names a document D — which implements D or is
  based on it (a `DocumentRelation`). Without D, documents of that type issued from the day the
  requirement was set count;
* done when the earliest such document was issued on or before the due date, done late after it;
* without one: missing while the due date has not passed, overdue after it;
* a unit that ended (dissolved, merged, split) after the requirement was set stays in its row,
  marked; when it has no document of its own, one issued by a unit that succeeded it (up to three
  successions deep) counts for it, and the cell says so.

Counts and percentages, per column and per sub-tree (the target units grouped by their ancestor
at a chosen depth below the common parent), are GROUP BY queries over the same annotated rows.
Python only lays out the rows of one page and writes the workbook.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trienkhai.documents.models import (
    ISSUED_STATES,
    Document,
    RelationKind,
)
from trienkhai.lib.dates import format_vi
from trienkhai.org import rules as org_rules
from trienkhai.org.models import EndReason, Unit, UnitSuccession
from trienkhai.org.selectors import successors_now

from . import rules
from .models import Requirement, RequirementTarget

DONE, LATE, MISSING, OVERDUE = "done", "late", "missing", "overdue"
STATES = (DONE, LATE, MISSING, OVERDUE)
STATE_LABELS = {
    DONE: gettext_lazy("Hoàn thành"),
    LATE: gettext_lazy("Hoàn thành chậm"),
    MISSING: gettext_lazy("Chưa có (chưa đến hạn)"),
    OVERDUE: gettext_lazy("Quá hạn"),
}
# A document "carries out" D when it implements it or is based on it.
MATCH_KINDS = [RelationKind.IMPLEMENTS, RelationKind.BASED_ON]
PAGE_SIZE = 200
STEP = Unit.steplen


# --- the cell, in SQL ---------------------------------------------------------------------------
def _successor_ids(unit_ref):
    """Units that succeeded `unit_ref`, one, two or three merges or splits later."""
    return UnitSuccession.objects.filter(
        Q(predecessor=unit_ref)
        | Q(predecessor__predecessions__predecessor=unit_ref)
        | Q(predecessor__predecessions__predecessor__predecessions__predecessor=unit_ref)
    ).values("successor_id")


def complying_documents(*, successors: bool) -> QuerySet[Document]:
    """Documents that satisfy the requirement of the outer RequirementTarget row, earliest first.

    Issued by the target unit itself, or (`successors`) by one of its successors. This is the
    rule; `compliance_cells` runs it when something it reads changes and stores the answer."""
    if successors:
        issuer = Q(issuer_unit_id__in=_successor_ids(OuterRef(OuterRef("unit_id"))))
    else:
        issuer = Q(issuer_unit_id=OuterRef("unit_id"))
    carries_out_d = Q(
        relations_out__target_id=OuterRef("requirement__implements_id"),
        relations_out__kind__in=MATCH_KINDS,
    )
    no_d = Q(
        IsNull(OuterRef("requirement__implements_id"), True),
        issued_on__gte=OuterRef("requirement__created_at__date"),
    )
    return (
        Document.objects.filter(
            issuer,
            doc_type=OuterRef("requirement__doc_type"),
            status__in=ISSUED_STATES,
            issued_on__isnull=False,
        )
        .filter(carries_out_d | no_d)
        .order_by("issued_on", "pk")
    )


def state_expression(today: dt.date) -> Case:
    """A cell's state from its stored complying date, its requirement's due date and today."""
    return Case(
        When(
            complied_on__isnull=False, complied_on__lte=F("requirement__due_on"), then=Value(DONE)
        ),
        When(complied_on__isnull=False, then=Value(LATE)),
        When(requirement__due_on__gte=today, then=Value(MISSING)),
        default=Value(OVERDUE),
        output_field=CharField(),
    )


def annotate_cells(qs: QuerySet[RequirementTarget], today: dt.date, *, documents=False):
    """Each target row with its `state` (done, late, missing, overdue); with `documents`, also
    `own_doc` and `successor_doc` (the complying document, the unit's own or its successors')
    next to the stored `by_successor`.

    Read from the stored cell (`compliance_cells`): no document lookup."""
    qs = qs.annotate(state=state_expression(today))
    if documents:
        qs = qs.annotate(
            own_doc=Case(
                When(by_successor=False, then=F("complied_by_id")),
                default=None,
                output_field=IntegerField(),
            ),
            successor_doc=Case(
                When(by_successor=True, then=F("complied_by_id")),
                default=None,
                output_field=IntegerField(),
            ),
        )
    return qs


# --- which rows a user sees -----------------------------------------------------------------------
def visible_targets(user, requirements) -> QuerySet[RequirementTarget]:
    """The target rows of `requirements` whose unit the user may see: a ward sees its own cell,
    never its sibling's."""
    qs = RequirementTarget.objects.filter(requirement__in=requirements)
    q = org_rules.visible_q(user, org_rules.VIEW, "unit__path")
    return qs if q is None else qs.filter(q)


def requirements_for(user, *, document=None, unit=None, ids=None) -> QuerySet[Requirement]:
    """The requirements the user may see, chosen by the document they implement, by the unit that
    set them (or whose units they apply to), or by id."""
    qs = rules.filter_requirements(user, Requirement.objects.all())
    if document is not None:
        qs = qs.filter(implements=document)
    if unit is not None:
        qs = qs.filter(Q(set_by=unit) | Q(parent_unit__path__startswith=unit.path))
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.select_related("set_by", "parent_unit", "implements").order_by("due_on", "id")


# --- counts -----------------------------------------------------------------------------------------
@dataclass
class Counts:
    total: int = 0
    done: int = 0
    late: int = 0
    missing: int = 0
    overdue: int = 0
    by_successor: int = 0

    @property
    def complied(self) -> int:
        return self.done + self.late

    def pct(self, value: int) -> float | None:
        return round(100 * value / self.total, 1) if self.total else None

    @property
    def pct_complied(self):
        return self.pct(self.complied)

    @property
    def pct_done(self):
        return self.pct(self.done)

    @property
    def pct_late(self):
        return self.pct(self.late)

    @property
    def pct_missing(self):
        return self.pct(self.missing)

    @property
    def pct_overdue(self):
        return self.pct(self.overdue)

    def add(self, other: "Counts") -> None:
        for name in ("total", "done", "late", "missing", "overdue", "by_successor"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _grouped(targets, today: dt.date, keys: list[str]) -> dict[tuple, Counts]:
    """{key values: Counts}, from one GROUP BY over (keys, state, by a successor)."""
    out: dict[tuple, Counts] = {}
    rows = (
        annotate_cells(targets, today)
        .order_by()
        .values(*keys, "state", "by_successor")
        .annotate(n=Count("pk"))
    )
    for row in rows:  # at most eight rows per key: states, not units
        counts = out.setdefault(tuple(row[k] for k in keys), Counts())
        setattr(counts, row["state"], getattr(counts, row["state"]) + row["n"])
        counts.total += row["n"]
        if row["by_successor"]:
            counts.by_successor += row["n"]
    return out


def state_counts(targets: QuerySet[RequirementTarget], today: dt.date) -> Counts:
    """Counts of `targets` by state, all together: one GROUP BY query."""
    return _grouped(targets, today, []).get((), Counts())


def column_counts(targets: QuerySet[RequirementTarget], today: dt.date) -> dict[int, Counts]:
    """{requirement id: Counts}, counted by the database."""
    return {key[0]: c for key, c in _grouped(targets, today, ["requirement_id"]).items()}


def group_counts(
    targets: QuerySet[RequirementTarget], today: dt.date, *, base_depth: int, level: int
) -> dict[str, dict[int, Counts]]:
    """{ancestor path: {requirement id: Counts}}, the targets grouped by their ancestor `level`
    steps below the base (a unit shallower than that is its own group), counted by the
    database."""
    length = (base_depth + level) * STEP
    grouped = _grouped(
        targets.annotate(group=Substr("unit__path", 1, length)), today, ["group", "requirement_id"]
    )
    out: dict[str, dict[int, Counts]] = {}
    for (group, requirement_id), counts in grouped.items():
        out.setdefault(group, {})[requirement_id] = counts
    return out


def summary(unit_path: str, today: dt.date | None = None, user=None) -> Counts:
    """Compliance of every target unit in the subtree at `unit_path`, over all requirements
    (for dashboards and reviews)."""
    today = today or timezone.localdate()
    qs = RequirementTarget.objects.filter(unit__path__startswith=unit_path)
    if user is not None:
        q = org_rules.visible_q(user, org_rules.VIEW, "unit__path")
        qs = qs if q is None else qs.filter(q)
    return state_counts(qs, today)


def pending_targets(unit_path: str, today: dt.date | None = None, *, within_days: int = 7):
    """Target rows in the subtree without a complying document that are overdue or due within
    `within_days` (for reminders): annotated with `state`, unit and requirement loaded."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=within_days)
    qs = RequirementTarget.objects.filter(
        unit__path__startswith=unit_path, requirement__due_on__lte=horizon
    )
    return (
        annotate_cells(qs, today)
        .filter(state__in=[MISSING, OVERDUE])
        .select_related("unit", "requirement")
        .order_by("requirement__due_on", "unit__path")
    )


# --- the matrix for a page -------------------------------------------------------------------------
@dataclass
class Cell:
    state: str
    document: Document | None = None
    by_successor: bool = False

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass
class Row:
    unit: Unit
    cells: list  # a Cell, or None where the requirement does not apply to the unit
    group: Unit | None = None
    ended_note: str = ""
    successors: list = field(default_factory=list)


@dataclass
class GroupRow:
    unit: Unit | None
    path: str
    counts: list  # Counts per requirement, aligned with the columns
    total: Counts


@dataclass
class Matrix:
    requirements: list
    counts: list  # Counts per requirement
    total: Counts
    rows: list
    page: object
    base: Unit | None
    level: int
    levels: list
    groups: list
    today: dt.date


def common_base(requirements) -> Unit | None:
    """The deepest unit whose subtree holds every requirement's parent unit."""
    paths = [r.parent_unit.path for r in requirements]
    if not paths:
        return None
    prefix = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(prefix), len(path)) and prefix[n] == path[n]:
            n += 1
        prefix = prefix[: n - n % STEP]
    return Unit.objects.filter(path=prefix).first() if prefix else None


def ended_note(unit: Unit, successors: list[Unit]) -> str:
    """How a unit that no longer exists is described in the matrix."""
    if unit.ended_on is None:
        return ""
    day = format_vi(unit.ended_on)
    names = ", ".join(s.name for s in successors)
    if unit.end_reason == EndReason.MERGED and names:
        return _("đã hợp nhất vào %(names)s ngày %(day)s") % {"names": names, "day": day}
    if unit.end_reason == EndReason.SPLIT and names:
        return _("đã chia tách ngày %(day)s thành %(names)s") % {"names": names, "day": day}
    if names:
        return _("đã giải thể ngày %(day)s; kế thừa: %(names)s") % {"names": names, "day": day}
    return _("đã giải thể ngày %(day)s") % {"day": day}


def _documents(ids) -> dict[int, Document]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return Document.objects.only(
        "id", "number_text", "issued_on", "summary", "issuer_unit_id"
    ).in_bulk(ids)


def iter_rows(targets: QuerySet[RequirementTarget], requirements: list, today: dt.date):
    """Rows of the matrix, unit by unit in tree order, with documents and end notes loaded.

    Loads the cells in chunks of units, so an export of thousands of units stays small."""
    columns = {r.pk: i for i, r in enumerate(requirements)}
    unit_ids = list(targets.order_by("unit__path").values_list("unit_id", flat=True).distinct())
    for start in range(0, len(unit_ids), PAGE_SIZE):
        yield from _rows_for(targets, unit_ids[start : start + PAGE_SIZE], columns, today)


def _rows_for(targets, unit_ids: list[int], columns: dict[int, int], today: dt.date) -> list[Row]:
    cells = list(
        annotate_cells(targets.filter(unit_id__in=unit_ids), today, documents=True)
        .select_related("unit")
        .only(
            "requirement_id",
            "unit_id",
            "by_successor",
            "unit__name",
            "unit__path",
            "unit__depth",
            "unit__kind",
            "unit__ended_on",
            "unit__end_reason",
        )
        .order_by("unit__path", "requirement_id")
    )
    docs = _documents([c.own_doc for c in cells] + [c.successor_doc for c in cells])
    rows: dict[int, Row] = {}
    for target in cells:
        row = rows.get(target.unit_id)
        if row is None:
            unit = target.unit
            successors = successors_now(unit) if unit.ended_on else []
            row = Row(
                unit=unit,
                cells=[None] * len(columns),
                ended_note=ended_note(unit, successors),
                successors=successors,
            )
            rows[target.unit_id] = row
        doc_id = target.own_doc or target.successor_doc
        row.cells[columns[target.requirement_id]] = Cell(
            state=target.state, document=docs.get(doc_id), by_successor=target.by_successor
        )
    return [rows[pk] for pk in unit_ids if pk in rows]


def build_matrix(
    user,
    requirements: list[Requirement],
    *,
    today: dt.date | None = None,
    level: int = 1,
    page: int | str | None = 1,
    with_rows: bool = True,
) -> Matrix:
    """The matrix of `requirements` as `user` may see it: counts over every visible row, the rows
    of one page (unless `with_rows` is false), and the counts per sub-tree `level` steps below
    the common parent unit."""
    today = today or timezone.localdate()
    targets = visible_targets(user, requirements)
    base = common_base(requirements)
    # The row units in tree order, read once: the page is cut from them and the depths offered
    # for grouping end at the deepest.
    units = list(
        targets.order_by("unit__path")
        .values_list("unit_id", "unit__depth", "unit__path")
        .distinct()
    )
    deepest = max((depth for _pk, depth, _path in units), default=0)
    levels = list(range(1, max(deepest - base.depth, 0) + 1)) if base else []
    level = level if level in levels else (levels[0] if levels else 0)
    grouped = {}
    if base and level:
        # Every cell falls in one group: the columns are the sums of the groups, and each cell's
        # state (a document lookup) is decided once for both.
        grouped = group_counts(targets, today, base_depth=base.depth, level=level)
        by_column: dict[int, Counts] = {}
        for per_requirement in grouped.values():
            for requirement_id, c in per_requirement.items():
                by_column.setdefault(requirement_id, Counts()).add(c)
    else:
        by_column = column_counts(targets, today)
    counts = [by_column.get(r.pk, Counts()) for r in requirements]
    total = Counts()
    for c in counts:
        total.add(c)

    groups: list[GroupRow] = []
    if grouped:
        names = Unit.objects.only("id", "name", "path", "ended_on").in_bulk(
            list(grouped), field_name="path"
        )
        for path in sorted(grouped):
            per = [grouped[path].get(r.pk, Counts()) for r in requirements]
            row_total = Counts()
            for c in per:
                row_total.add(c)
            groups.append(GroupRow(unit=names.get(path), path=path, counts=per, total=row_total))

    unit_ids = [pk for pk, _depth, _path in units]
    paginated = Paginator(unit_ids, PAGE_SIZE).get_page(page) if with_rows else None
    columns = {r.pk: i for i, r in enumerate(requirements)}
    rows = _rows_for(targets, list(paginated.object_list), columns, today) if with_rows else []
    if base and level:
        length = (base.depth + level) * STEP
        group_units = {g.path: g.unit for g in groups}
        for row in rows:
            row.group = group_units.get(row.unit.path[:length])
    return Matrix(
        requirements=list(requirements),
        counts=counts,
        total=total,
        rows=rows,
        page=paginated,
        base=base,
        level=level,
        levels=levels,
        groups=groups,
        today=today,
    )


# --- XLSX --------------------------------------------------------------------------------------------
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_cell(ws, value, *, bold=False, fill=None):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a name is text, never a formula
    if bold:
        cell.font = _styles()["bold"]
    if fill:
        cell.fill = _styles()[fill]
    return cell


_STYLE_CACHE: dict = {}


def _styles() -> dict:
    """Style objects made once: openpyxl is slow to build one per cell."""
    if not _STYLE_CACHE:
        from openpyxl.styles import Font, PatternFill

        _STYLE_CACHE["bold"] = Font(bold=True)
        for color in (*FILLS.values(), HEADER_FILL):
            _STYLE_CACHE[color] = PatternFill("solid", fgColor=color)
    return _STYLE_CACHE


HEADER_FILL = "E8EBEF"
FILLS = {DONE: "D9F2DE", LATE: "FFF2CC", MISSING: "EEF0F3", OVERDUE: "F8D7DA"}


def _cell_text(cell: Cell | None) -> str:
    if cell is None:
        return "—"
    text = cell.label
    if cell.document is not None:
        text += f": {cell.document.number_text} ({format_vi(cell.document.issued_on)})"
    if cell.by_successor:
        text += " — " + _("văn bản của đơn vị kế thừa")
    return text


def _column_title(requirement: Requirement) -> str:
    return (
        f"{requirement.title} ({requirement.doc_type}, {_('hạn')} {format_vi(requirement.due_on)})"
    )


def write_xlsx(user, requirements: list[Requirement], out, *, today=None, level: int = 1) -> int:
    """Write the whole matrix (every row the user may see), its counts rows and the counts per
    sub-tree to the binary stream `out`. Returns the number of unit rows."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    today = today or timezone.localdate()
    matrix = build_matrix(user, requirements, today=today, level=level, with_rows=False)
    targets = visible_targets(user, requirements)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Ma trận"))
    widths = [6, 40, 30, 30] + [34] * len(requirements)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C2"
    header = [_("STT"), _("Đơn vị"), _("Thuộc"), _("Ghi chú tổ chức")]
    ws.append(
        [
            _xlsx_cell(ws, h, bold=True, fill=HEADER_FILL)
            for h in header + [_column_title(r) for r in requirements]
        ]
    )
    length = (matrix.base.depth + matrix.level) * STEP if matrix.base and matrix.level else 0
    group_names = {g.path: (g.unit.name if g.unit else "") for g in matrix.groups}
    count = 0
    for row in iter_rows(targets, requirements, today):
        count += 1
        values = [
            _xlsx_cell(ws, count),
            _xlsx_cell(ws, row.unit.name),
            _xlsx_cell(ws, group_names.get(row.unit.path[:length], "") if length else ""),
            _xlsx_cell(ws, row.ended_note),
        ]
        for cell in row.cells:
            values.append(
                _xlsx_cell(ws, _cell_text(cell), fill=FILLS.get(cell.state) if cell else None)
            )
        ws.append(values)
    ws.append([])
    for key, label in (
        ("total", _("Số đơn vị phải thực hiện")),
        ("done", STATE_LABELS[DONE]),
        ("late", STATE_LABELS[LATE]),
        ("missing", STATE_LABELS[MISSING]),
        ("overdue", STATE_LABELS[OVERDUE]),
        ("pct_complied", _("Tỷ lệ đã ban hành (%)")),
        ("pct_done", _("Tỷ lệ đúng hạn (%)")),
    ):
        ws.append(
            [
                _xlsx_cell(ws, None),
                _xlsx_cell(ws, str(label), bold=True),
                _xlsx_cell(ws, None),
                _xlsx_cell(ws, None),
            ]
            + [_xlsx_cell(ws, getattr(c, key), bold=True) for c in matrix.counts]
        )
    if matrix.groups:
        wg = wb.create_sheet(_("Theo đơn vị cấp trên"))
        wg.column_dimensions["A"].width = 40
        head = [_("Đơn vị cấp trên")]
        for r in requirements:
            head += [
                f"{r.doc_type}: {_('phải thực hiện')}",
                _("Hoàn thành"),
                _("Chậm"),
                _("Chưa đến hạn"),
                _("Quá hạn"),
                _("Tỷ lệ (%)"),
            ]
        wg.append([_xlsx_cell(wg, h, bold=True, fill=HEADER_FILL) for h in head])
        for g in matrix.groups:
            values = [_xlsx_cell(wg, g.unit.name if g.unit else g.path)]
            for c in g.counts:
                values += [
                    _xlsx_cell(wg, v)
                    for v in (c.total, c.done, c.late, c.missing, c.overdue, c.pct_complied)
                ]
            wg.append(values)
    wb.save(out)
    return count
