"""Periodic reports: schedules, the reports they expect, submitting one, and reading them.

A `ReportSchedule` says "units of these kinds under this unit report every week / month /
quarter / half-year / year, `due_days` after the period ends". The expected reports are computed,
never pre-created: the periods come from the calendar, the units from the tree (the units of
those kinds active below the schedule's unit on the last day of the period). A unit submits one
`Report` per period; submitting again updates that same row (its history is in the audit log),
and a concurrent edit is refused by a conditional update on `revision`.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record, diff, snapshot
from trienkhai.documents.rules import _ancestor_paths
from trienkhai.lib.dates import format_vi
from trienkhai.lib.text import fold
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit, UnitKind

from .models import (
    OPEN_STATUSES,
    Frequency,
    Indicator,
    Measurement,
    Report,
    ReportSchedule,
    Task,
    TaskStatus,
)

SECTIONS = {
    "results": gettext_lazy("Kết quả thực hiện"),
    "limitations": gettext_lazy("Hạn chế, khó khăn"),
    "next_tasks": gettext_lazy("Nhiệm vụ kỳ tới"),
}
SECTION_LIMIT = 20000
ROMAN = ("I", "II", "III", "IV")


# --- periods -------------------------------------------------------------------------------------
def period_bounds(day: dt.date, frequency: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the period of `frequency` that contains `day`.

    Weeks run Monday to Sunday; half-years are January–June and July–December."""
    if frequency == Frequency.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if frequency == Frequency.MONTHLY:
        start = day.replace(day=1)
        nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1)
    if frequency == Frequency.QUARTERLY:
        first = 3 * ((day.month - 1) // 3) + 1
        start = dt.date(day.year, first, 1)
        nxt = dt.date(day.year + (first == 10), (first + 2) % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1)
    if frequency == Frequency.HALF_YEARLY:
        if day.month <= 6:
            return dt.date(day.year, 1, 1), dt.date(day.year, 6, 30)
        return dt.date(day.year, 7, 1), dt.date(day.year, 12, 31)
    if frequency == Frequency.YEARLY:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    raise ValueError(f"unknown frequency {frequency!r}")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    due_on: dt.date
    frequency: str

    @property
    def key(self) -> str:
        return self.start.isoformat()

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if self.frequency == Frequency.WEEKLY:
            week = s.isocalendar()
            return _("Tuần %(week)d/%(year)d (%(start)s – %(end)s)") % {
                "week": week[1],
                "year": week[0],
                "start": f"{s.day}-{s.month}",
                "end": format_vi(e),
            }
        if self.frequency == Frequency.MONTHLY:
            return _("Tháng %(month)d-%(year)d") % {"month": s.month, "year": s.year}
        if self.frequency == Frequency.QUARTERLY:
            return _("Quý %(q)s/%(year)d") % {"q": ROMAN[(s.month - 1) // 3], "year": s.year}
        if self.frequency == Frequency.HALF_YEARLY:
            if s.month == 1:
                return _("6 tháng đầu năm %(year)d") % {"year": s.year}
            return _("6 tháng cuối năm %(year)d") % {"year": s.year}
        return _("Năm %(year)d") % {"year": s.year}

    def is_due(self, today: dt.date) -> bool:
        """The deadline has passed: a report not submitted by now is missing."""
        return self.due_on < today


def make_period(schedule: ReportSchedule, day: dt.date) -> Period:
    start, end = period_bounds(day, schedule.frequency)
    return Period(start, end, end + dt.timedelta(days=schedule.due_days), schedule.frequency)


def period_for(schedule: ReportSchedule, start: dt.date) -> Period | None:
    """The schedule's period that starts on `start`, or None when no period starts that day or
    it lies outside the schedule's dates."""
    period = make_period(schedule, start)
    if period.start != start:
        return None
    if period.end < schedule.starts_on:
        return None
    if schedule.ends_on is not None and period.start > schedule.ends_on:
        return None
    return period


def periods(schedule: ReportSchedule, *, until: dt.date) -> list[Period]:
    """The schedule's periods from its first up to the one that contains `until`, newest first."""
    last_day = min(until, schedule.ends_on) if schedule.ends_on else until
    if last_day < schedule.starts_on:
        return []
    out = []
    period = make_period(schedule, last_day)
    while period.end >= schedule.starts_on:
        out.append(period)
        period = make_period(schedule, period.start - dt.timedelta(days=1))
    return out


def due_periods(schedule: ReportSchedule, today: dt.date, *, limit: int | None = None):
    """Periods whose deadline has passed, newest first."""
    out = []
    for period in periods(schedule, until=today):
        if period.is_due(today):
            out.append(period)
            if limit and len(out) >= limit:
                break
    return out


# --- who reports ---------------------------------------------------------------------------------
def expected_units(
    schedule: ReportSchedule, period: Period, *, within: str | None = None
) -> QuerySet[Unit]:
    """Units that owe a report for `period`: of the schedule's kinds, below its unit in today's
    tree, active on the period's last day; `within` narrows them to a subtree (a path)."""
    parent = schedule.parent_unit
    qs = (
        Unit.objects.filter(path__startswith=parent.path, kind__in=schedule.unit_kinds)
        .exclude(pk=parent.pk)
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=period.end))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=period.end))
    )
    if within:
        qs = qs.filter(path__startswith=within)
    return qs


def is_expected(schedule: ReportSchedule, unit: Unit, period: Period) -> bool:
    return expected_units(schedule, period).filter(pk=unit.pk).exists()


def _submitted(schedule_id, period: Period):
    return Report.objects.filter(
        schedule_id=schedule_id,
        unit=OuterRef("pk"),
        period_start=period.start,
        status=Report.Status.SUBMITTED,
    )


# --- figures -------------------------------------------------------------------------------------
def collect_figures(
    unit: Unit, period: Period, *, today: dt.date | None = None, at: dt.datetime | None = None
) -> dict:
    """What a report carries besides its text, taken when it is saved: the latest value of each
    indicator measured for the unit up to the end of the period, and the unit's tasks (led by it
    or a unit below it) counted by status. Both computed by the database."""
    today = today or timezone.localdate()
    latest = Measurement.objects.filter(
        indicator=OuterRef("pk"), unit=unit, measured_on__lte=period.end
    ).order_by("-measured_on", "-id")
    measured_here = Measurement.objects.filter(unit=unit).values("indicator_id")
    indicators = (
        Indicator.objects.filter(Q(unit=unit) | Q(pk__in=measured_here))
        .annotate(
            value=Subquery(latest.values("value")[:1]),
            measured_on=Subquery(latest.values("measured_on")[:1]),
        )
        .order_by("programme_id", "position", "id")
    )
    rows = [
        {
            "id": i.pk,
            "name": i.name,
            "measure_unit": i.measure_unit,
            "value": None if i.value is None else str(i.value.normalize()),
            "measured_on": i.measured_on.isoformat() if i.measured_on else None,
            "rollup": i.rollup,
        }
        for i in indicators
    ]
    counts = {status: Count("pk", filter=Q(status=status)) for status in TaskStatus.values}
    tasks = Task.objects.filter(lead_unit__path__startswith=unit.path).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline_end__lt=today)),
        **counts,
    )
    return {
        "taken_at": (at or timezone.now()).isoformat(timespec="seconds"),
        "indicators": rows,
        "tasks": tasks,
    }


def task_rows(tasks: dict) -> list[tuple[str, int]]:
    """(label, count) of a figures' task counts, for a table: total, each status, overdue."""
    tasks = tasks or {}
    rows = [(str(_("Tổng số nhiệm vụ (đơn vị và cấp dưới chủ trì)")), tasks.get("total", 0))]
    rows += [(str(label), tasks.get(key, 0)) for key, label in TaskStatus.choices]
    rows.append((str(_("Trong đó quá hạn")), tasks.get("overdue", 0)))
    return rows


def figures_text(figures: dict) -> str:
    """One line of the figures, for the audit log."""
    tasks = figures.get("tasks") or {}
    labels = dict(TaskStatus.choices)
    parts = [f"{labels[k]} {tasks[k]}" for k in TaskStatus.values if tasks.get(k)]
    text = f"Nhiệm vụ: {tasks.get('total', 0)}"
    if parts:
        text += " (" + ", ".join(parts) + f"; quá hạn {tasks.get('overdue', 0)})"
    values = [
        f"{i['name']}: {i['value']} {i['measure_unit']}".strip()
        for i in figures.get("indicators", [])
        if i.get("value") is not None
    ]
    if values:
        text += "; chỉ tiêu: " + "; ".join(values)
    return text


# --- schedules -----------------------------------------------------------------------------------
SCHEDULE_FIELDS = [
    "title",
    "parent_unit",
    "unit_kinds",
    "frequency",
    "due_days",
    "starts_on",
    "ends_on",
]


def _schedule_record(schedule: ReportSchedule) -> dict:
    view = snapshot(schedule, SCHEDULE_FIELDS)
    labels = dict(UnitKind.choices)
    view["unit_kinds"] = ", ".join(str(labels.get(k, k)) for k in schedule.unit_kinds)
    return view


def _check_schedule(
    *, actor, title, parent_unit, unit_kinds, frequency, due_days, starts_on, ends_on
):
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Hãy nhập tên báo cáo, ví dụ: Báo cáo công tác tuyên giáo hằng quý.")
    if parent_unit is None:
        errors["parent_unit"] = _("Hãy chọn đơn vị nhận báo cáo.")
    elif actor is not None and not org_rules.can_edit_unit(actor, parent_unit):
        errors["parent_unit"] = _("“%(unit)s” nằm ngoài phạm vi quyền của bạn.") % {
            "unit": parent_unit.name
        }
    if not unit_kinds:
        errors["unit_kinds"] = _("Hãy chọn ít nhất một loại đơn vị phải báo cáo.")
    elif set(unit_kinds) - set(UnitKind.values):
        errors["unit_kinds"] = _("Loại đơn vị không hợp lệ.")
    if frequency not in Frequency.values:
        errors["frequency"] = _("Hãy chọn định kỳ báo cáo.")
    if due_days is None or not 0 <= due_days <= 366:
        errors["due_days"] = _("Hạn nộp phải từ 0 đến 366 ngày sau khi hết kỳ.")
    if starts_on is None:
        errors["starts_on"] = _("Hãy nhập ngày bắt đầu áp dụng.")
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("Ngày kết thúc %(end)s trước ngày bắt đầu %(start)s.") % {
            "end": format_vi(ends_on),
            "start": format_vi(starts_on),
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def schedule_create(
    *,
    actor,
    title: str,
    parent_unit: Unit,
    unit_kinds: list[str],
    frequency: str,
    due_days: int,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    programme=None,
) -> ReportSchedule:
    unit_kinds = list(dict.fromkeys(unit_kinds or []))
    _check_schedule(
        actor=actor,
        title=title,
        parent_unit=parent_unit,
        unit_kinds=unit_kinds,
        frequency=frequency,
        due_days=due_days,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    schedule = ReportSchedule.objects.create(
        title=title.strip(),
        parent_unit=parent_unit,
        unit_kinds=unit_kinds,
        frequency=frequency,
        due_days=due_days,
        starts_on=starts_on,
        ends_on=ends_on,
        programme=programme,
    )
    audit_record(
        actor=actor,
        obj=schedule,
        action=AuditEntry.Action.CREATE,
        changes=diff({}, _schedule_record(schedule)),
    )
    return schedule


@transaction.atomic
def schedule_update(
    *, actor, schedule: ReportSchedule, title: str, due_days: int, ends_on: dt.date | None
) -> ReportSchedule:
    """Rename, move the deadline, or end a schedule. Kinds, unit, frequency and start stay: the
    reports already made belong to them; a different schedule is a new one."""
    stored = ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
    _check_schedule(
        actor=actor,
        title=title,
        parent_unit=stored.parent_unit,
        unit_kinds=stored.unit_kinds,
        frequency=stored.frequency,
        due_days=due_days,
        starts_on=stored.starts_on,
        ends_on=ends_on,
    )
    before = _schedule_record(stored)
    stored.title, stored.due_days, stored.ends_on = title.strip(), due_days, ends_on
    stored.save(update_fields=["title", "due_days", "ends_on"])
    changes = diff(before, _schedule_record(stored))
    if changes:
        audit_record(actor=actor, obj=stored, action=AuditEntry.Action.UPDATE, changes=changes)
    return stored


# --- submitting ----------------------------------------------------------------------------------
STATUS_KEY, FIGURES_KEY = "trạng thái", "số liệu"


def _audit_view(report: Report) -> dict:
    """The report as the audit log keeps it: readable keys, the text of each section."""
    view = {STATUS_KEY: str(Report.Status(report.status).label)}
    for key, label in SECTIONS.items():
        view[str(label)] = (report.sections or {}).get(key, "")
    view[FIGURES_KEY] = figures_text(report.figures or {})
    return view


def _conflict() -> ValidationError:
    return ValidationError(
        _(
            "Báo cáo này vừa được người khác cập nhật trong khi bạn đang sửa. Nội dung bạn nhập "
            "vẫn còn dưới đây: hãy mở báo cáo trong một thẻ mới để xem bản mới nhất, rồi gửi lại."
        ),
        code="conflict",
    )


def clean_sections(sections: dict) -> dict:
    out = {}
    for key in SECTIONS:
        text = (sections or {}).get(key) or ""
        out[key] = text.replace("\x00", "").replace("\r\n", "\n").strip()
    return out


@transaction.atomic
def report_save(
    *,
    actor,
    schedule: ReportSchedule,
    unit: Unit,
    period_start: dt.date,
    sections: dict,
    submit: bool,
    revision: int | None = None,
    today: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Report:
    """Save (`submit=False`, a draft) or submit a unit's report for a period.

    There is one report per schedule, unit and period: saving again updates it, with the
    before/after in the audit log. `revision` is the version the writer started from (0 when
    they started a new report); if someone saved in between, nothing is written and a
    ValidationError says so. Lateness is fixed by the first submission.

    `at` is the moment of the save, for a report recorded from the paper file (it sets `today`
    unless given); `actor` None is the system (a loader)."""
    now = at or timezone.now()
    today = today or timezone.localdate(now)
    if actor is not None and not org_rules.can_edit_unit(actor, unit):
        raise ValidationError(
            _("Bạn không có quyền viết báo cáo của “%(unit)s”.") % {"unit": unit.name}
        )
    period = period_for(schedule, period_start)
    if period is None:
        raise ValidationError(_("Kỳ báo cáo không hợp lệ cho lịch báo cáo này."))
    if period.start > today:
        raise ValidationError(_("Kỳ báo cáo %(period)s chưa bắt đầu.") % {"period": period.label})
    if not is_expected(schedule, unit, period):
        raise ValidationError(
            _("“%(unit)s” không thuộc diện báo cáo “%(title)s” kỳ %(period)s.")
            % {"unit": unit.name, "title": schedule.title, "period": period.label}
        )
    sections = clean_sections(sections)
    errors = {
        k: _("Nội dung quá dài (tối đa %(n)d ký tự).") % {"n": SECTION_LIMIT}
        for k, v in sections.items()
        if len(v) > SECTION_LIMIT
    }
    if submit and not sections["results"]:
        errors["results"] = _("Hãy nhập kết quả thực hiện trước khi gửi báo cáo.")
    if errors:
        raise ValidationError(errors)
    figures = collect_figures(unit, period, today=today, at=now)

    existing = Report.objects.filter(
        schedule=schedule, unit=unit, period_start=period.start
    ).first()
    if existing is None:
        if revision:
            raise _conflict()
        report = Report(
            schedule=schedule,
            unit=unit,
            period_start=period.start,
            period_end=period.end,
            due_on=period.due_on,
            status=Report.Status.SUBMITTED if submit else Report.Status.DRAFT,
            submitted_at=now if submit else None,
            is_late=bool(submit and today > period.due_on),
            sections=sections,
            figures=figures,
        )
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as error:  # another writer created it a moment ago
            raise _conflict() from error
        if at is not None:  # auto_now wrote the present moment
            Report.objects.filter(pk=report.pk).update(updated_at=at)
            report.updated_at = at
        audit_record(
            actor=actor,
            obj=report,
            action=AuditEntry.Action.CREATE,
            changes=diff({}, _audit_view(report)),
            note="Gửi báo cáo" if submit else "Lưu bản nháp",
        )
        return report

    if revision is not None and revision != existing.revision:
        raise _conflict()
    before = _audit_view(existing)
    first_submission = submit and existing.status != Report.Status.SUBMITTED
    status = (
        Report.Status.SUBMITTED
        if submit or existing.status == Report.Status.SUBMITTED
        else Report.Status.DRAFT
    )
    values = {
        "sections": sections,
        "figures": figures,
        "status": status,
        "revision": F("revision") + 1,
        "updated_at": now,
    }
    if first_submission:
        values["submitted_at"] = now
        values["is_late"] = today > existing.due_on
    # Conditional on the revision read above: of two writers, the second changes nothing.
    if not Report.objects.filter(pk=existing.pk, revision=existing.revision).update(**values):
        raise _conflict()
    report = Report.objects.get(pk=existing.pk)
    changes = diff(before, _audit_view(report))
    if changes:
        if first_submission:
            note = "Gửi báo cáo"
        elif existing.status == Report.Status.SUBMITTED:
            note = "Gửi lại báo cáo: cập nhật báo cáo đã gửi, không tạo bản mới"
        else:
            note = "Lưu bản nháp"
        audit_record(
            actor=actor, obj=report, action=AuditEntry.Action.UPDATE, changes=changes, note=note
        )
    return report


# --- reading -------------------------------------------------------------------------------------
def filter_schedules(user, queryset: QuerySet[ReportSchedule]) -> QuerySet[ReportSchedule]:
    """Schedules set in the user's subtree, or set above it (their units report under them)."""
    if org_rules.is_admin(user):
        return queryset
    paths = [p for p, _r in org_rules.scopes(user)]
    if not paths:
        return queryset.none()
    q = org_rules.visible_q(user, org_rules.VIEW, "parent_unit__path") | Q(
        parent_unit__path__in=_ancestor_paths(paths)
    )
    return queryset.filter(q)


def can_view_schedule(user, schedule: ReportSchedule) -> bool:
    return filter_schedules(user, ReportSchedule.objects.filter(pk=schedule.pk)).exists()


def can_manage_schedule(user, schedule: ReportSchedule) -> bool:
    return org_rules.can_edit_unit(user, schedule.parent_unit)


def visible_expected(user, schedule, period, *, within: str | None = None) -> QuerySet[Unit]:
    qs = expected_units(schedule, period, within=within)
    q = org_rules.visible_q(user, org_rules.VIEW)
    return qs if q is None else qs.filter(q)


@dataclass
class PeriodCounts:
    expected: int = 0
    submitted: int = 0
    late: int = 0
    drafts: int = 0
    due: bool = False

    @property
    def on_time(self) -> int:
        return self.submitted - self.late

    @property
    def missing(self) -> int:
        """Reports not submitted; only "missing" once the deadline has passed."""
        return max(self.expected - self.submitted, 0)

    @property
    def pct_submitted(self):
        return round(100 * self.submitted / self.expected, 1) if self.expected else None


def period_counts(units: QuerySet[Unit], schedule, period: Period, today: dt.date) -> PeriodCounts:
    """Expected, submitted, late and draft reports among `units`: one aggregate query."""
    reports = Report.objects.filter(
        schedule=schedule, period_start=period.start, unit=OuterRef("pk")
    )
    row = units.annotate(
        has_submitted=Exists(reports.filter(status=Report.Status.SUBMITTED)),
        has_late=Exists(reports.filter(status=Report.Status.SUBMITTED, is_late=True)),
        has_draft=Exists(reports.filter(status=Report.Status.DRAFT)),
    ).aggregate(
        expected=Count("pk"),
        submitted=Count("pk", filter=Q(has_submitted=True)),
        late=Count("pk", filter=Q(has_late=True)),
        drafts=Count("pk", filter=Q(has_draft=True)),
    )
    return PeriodCounts(**row, due=period.is_due(today))


@dataclass
class PeriodRow:
    unit: Unit
    report: Report | None
    state: str  # on_time, late, draft, missing, open
    can_write: bool = False
    schedule: ReportSchedule | None = None
    period: Period | None = None
    texts: list = field(default_factory=list)  # the sections, in SECTIONS order


STATE_LABELS = {
    "on_time": gettext_lazy("Đã gửi đúng hạn"),
    "late": gettext_lazy("Gửi muộn"),
    "draft": gettext_lazy("Đang soạn, chưa gửi"),
    "missing": gettext_lazy("Thiếu báo cáo"),
    "open": gettext_lazy("Chưa đến hạn"),
}


def row_state(report: Report | None, period: Period, today: dt.date) -> str:
    if report is not None and report.status == Report.Status.SUBMITTED:
        return "late" if report.is_late else "on_time"
    if period.is_due(today):
        return "missing"
    return "draft" if report is not None else "open"


def period_rows(user, schedule, period: Period, units, today: dt.date) -> list[PeriodRow]:
    """One row per unit of `units` (a page of them), with its report for the period."""
    units = list(units)
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(
            schedule=schedule, period_start=period.start, unit__in=[u.pk for u in units]
        )
    }
    return [
        PeriodRow(
            unit=u,
            report=reports.get(u.pk),
            state=row_state(reports.get(u.pk), period, today),
            can_write=org_rules.can_edit_unit(user, u),
            texts=[
                ((reports.get(u.pk).sections or {}) if u.pk in reports else {}).get(k, "")
                for k in SECTIONS
            ],
        )
        for u in units
    ]


@dataclass
class FigureSum:
    name: str
    measure_unit: str
    total: Decimal | None
    reports: int  # how many reports gave a value
    summable: bool


@dataclass
class Aggregate:
    reports: int = 0
    tasks: dict = field(default_factory=dict)
    indicators: list = field(default_factory=list)


def aggregate_figures(schedule, period: Period, units: QuerySet[Unit]) -> Aggregate:
    """Sums of the figures of the submitted reports of `units` for the period.

    The figures are a JSON snapshot taken at submission, not relational rows, so they are added
    up here in Python: one period's reports under one unit are at most a few hundred small
    dictionaries, read in one query (the live task counts of the same subtree, when wanted, come
    from the database in `collect_figures`)."""
    rows = Report.objects.filter(
        schedule=schedule,
        period_start=period.start,
        status=Report.Status.SUBMITTED,
        unit__in=units.values("pk"),
    ).values_list("figures", flat=True)
    out = Aggregate()
    # Indicators are matched by name and unit of measure: each ward may track its own "Số nhà
    # tạm (căn)", and the city wants their total; one indicator broken down by ward matches too.
    sums: dict[tuple[str, str], FigureSum] = {}
    for figures in rows:
        out.reports += 1
        for key, value in (figures.get("tasks") or {}).items():
            if isinstance(value, int):
                out.tasks[key] = out.tasks.get(key, 0) + value
        for item in figures.get("indicators") or []:
            key = (fold(item["name"]), item.get("measure_unit", ""))
            entry = sums.get(key)
            if entry is None:
                entry = FigureSum(
                    item["name"],
                    item.get("measure_unit", ""),
                    None,
                    0,
                    item.get("rollup") != "none",
                )
                sums[key] = entry
            if item.get("value") in (None, ""):
                continue
            try:
                value = Decimal(item["value"])
            except (InvalidOperation, TypeError):
                continue
            entry.reports += 1
            if entry.summable:
                entry.total = (entry.total or Decimal(0)) + value
    out.indicators = sorted(sums.values(), key=lambda s: s.name)
    return out


# --- for the dashboard and reminders -------------------------------------------------------------
@dataclass
class MissingReports:
    schedule: ReportSchedule
    period: Period
    expected: int
    submitted: int
    missing: int
    units: QuerySet  # the units still owing the report (lazy)
    first_units: list = field(default_factory=list)  # the first FIRST_UNITS of them, by path


FIRST_UNITS = 10  # owing units named on the dashboard, per schedule


def reports_missing(
    unit_path: str, today: dt.date | None = None, *, periods_back: int = 1
) -> list[MissingReports]:
    """Schedules whose reporting units in the subtree at `unit_path` have not submitted a report
    for a period already due (its deadline passed), the latest `periods_back` due periods of
    each schedule, with the first owing units by path.

    Counted by the database, schedules alike counted together: those whose units are of the
    same kinds, for the same period, under parents of the same depth (the whole country has a
    quarterly schedule in each of its 34 provinces) are one GROUP BY over their units by parent,
    and their first owing units one query numbering the units of each parent."""
    today = today or timezone.localdate()
    own_and_above = _ancestor_paths([unit_path])
    schedules = (
        ReportSchedule.objects.filter(
            Q(parent_unit__path__in=own_and_above) | Q(parent_unit__path__startswith=unit_path)
        )
        .filter(starts_on__lte=today)
        .select_related("parent_unit")
        .order_by("title", "id")
    )
    pairs = [
        (schedule, period)
        for schedule in schedules
        for period in due_periods(schedule, today, limit=periods_back)
    ]
    out: dict[int, MissingReports] = {}
    for members in _alike(pairs):
        counts = _counted_together(pairs, members, unit_path)
        for i in members:
            schedule, period = pairs[i]
            expected, submitted = counts.get(schedule.parent_unit.path, (0, 0))
            if expected > submitted:
                owing = expected_units(schedule, period, within=unit_path).filter(
                    ~Exists(_submitted(schedule.pk, period))
                )
                out[i] = MissingReports(
                    schedule=schedule,
                    period=period,
                    expected=expected,
                    submitted=submitted,
                    missing=expected - submitted,
                    units=owing.order_by("path"),
                )
        owing_members = [i for i in members if i in out]
        if owing_members:
            firsts = _first_owing(pairs, owing_members, unit_path)
            for i in owing_members:
                out[i].first_units = firsts.get(pairs[i][0].parent_unit.path, [])
    return [out[i] for i in sorted(out)]


def _alike(pairs) -> list[list[int]]:
    """Indexes of `pairs` in groups counted by one query: the same unit kinds and period, parents
    at the same depth, and no parent twice in a group (two schedules of one parent are apart)."""
    groups: dict[tuple, list[int]] = {}
    seen: dict[tuple, int] = {}
    for i, (schedule, period) in enumerate(pairs):
        base = (tuple(sorted(schedule.unit_kinds)), period.start, period.end)
        nth = seen.get((*base, schedule.parent_unit.path), 0)
        seen[(*base, schedule.parent_unit.path)] = nth + 1
        groups.setdefault((*base, schedule.parent_unit.depth, nth), []).append(i)
    return list(groups.values())


def _group_units(pairs, members: list[int], within: str):
    """The units owing any report of the group, each with `parent`: its parent's path, and
    `done`: whether it submitted its own parent's report for the period."""
    schedule, period = pairs[members[0]]
    length = len(schedule.parent_unit.path)
    parents = Q()
    for i in members:
        parents |= Q(path__startswith=pairs[i][0].parent_unit.path)
    submitted = Report.objects.filter(
        unit=OuterRef("pk"),
        period_start=period.start,
        status=Report.Status.SUBMITTED,
        schedule_id__in=[pairs[i][0].pk for i in members],
        schedule__parent_unit__path=Substr(OuterRef("path"), 1, length),
    )
    return (
        Unit.objects.filter(parents, path__startswith=within, kind__in=schedule.unit_kinds)
        .exclude(pk__in=[pairs[i][0].parent_unit_id for i in members])
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=period.end))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=period.end))
        .annotate(parent=Substr("path", 1, length), done=Exists(submitted))
    )


def _counted_together(pairs, members: list[int], within: str) -> dict[str, tuple[int, int]]:
    """{parent path: (units expected, reports submitted)} of a group: one query."""
    rows = (
        _group_units(pairs, members, within)
        .order_by()
        .values("parent")
        .annotate(expected=Count("pk"), submitted=Count("pk", filter=Q(done=True)))
    )
    return {row["parent"]: (row["expected"], row["submitted"]) for row in rows}


def _first_owing(pairs, members: list[int], within: str) -> dict[str, list[Unit]]:
    """{parent path: its first FIRST_UNITS owing units by path}: one query numbering them."""
    rows = (
        _group_units(pairs, members, within)
        .filter(done=False)
        .annotate(nth=Window(RowNumber(), partition_by=[F("parent")], order_by=F("path").asc()))
        .filter(nth__lte=FIRST_UNITS)
        .only("id", "name", "path")
        .order_by("path")
    )
    out: dict[str, list[Unit]] = {}
    for unit in rows:
        out.setdefault(unit.parent, []).append(unit)
    return out


@dataclass
class MissingReport:
    """One unit's missing report, shaped like a Report row (schedule, unit, period dates)."""

    schedule: ReportSchedule
    unit: Unit
    period: Period

    @property
    def period_start(self) -> dt.date:
        return self.period.start

    @property
    def period_end(self) -> dt.date:
        return self.period.end

    @property
    def due_on(self) -> dt.date:
        return self.period.due_on


def missing_report_list(
    unit_path: str, today: dt.date | None = None, *, periods_back: int = 1, limit: int = 50
) -> list[MissingReport]:
    """`reports_missing` unit by unit, oldest deadline first, at most `limit` rows (for lists
    on the dashboard and in reminders)."""
    rows: list[MissingReport] = []
    for entry in reports_missing(unit_path, today, periods_back=periods_back):
        for unit in entry.units[:limit]:
            rows.append(MissingReport(entry.schedule, unit, entry.period))
    rows.sort(key=lambda r: (r.due_on, r.unit.path))
    return rows[:limit]


def reports_to_write(user, today: dt.date | None = None, *, limit: int = 20) -> list[PeriodRow]:
    """The reports the user's units owe now: the current period and the last due one of each
    schedule, for units the user may write for, not yet submitted."""
    today = today or timezone.localdate()
    out: list[PeriodRow] = []
    editable = org_rules.visible_q(user, org_rules.EDIT)
    for schedule in filter_schedules(user, ReportSchedule.objects.select_related("parent_unit")):
        chosen = periods(schedule, until=today)[:2]
        for period in chosen:
            units = expected_units(schedule, period)
            if editable is not None:
                units = units.filter(editable)
            units = units.filter(~Exists(_submitted(schedule.pk, period))).order_by("path")
            for unit in units[:limit]:
                out.append(
                    PeriodRow(
                        unit=unit,
                        report=None,
                        state=row_state(None, period, today),
                        can_write=True,
                        schedule=schedule,
                        period=period,
                    )
                )
                if len(out) >= limit:
                    return out
    return out
