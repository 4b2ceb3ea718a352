"""Pages of periodic reports: schedules, a period's reports side by side, writing a report.

Thin: fetch what the user may see, call `reports` (its services and selectors), render. The
forms of these pages are small and live here.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from trienkhai.audit.selectors import audit_entries_for
from trienkhai.org import rules as org_rules
from trienkhai.org import selectors
from trienkhai.org.forms import UnitField, VNDateField
from trienkhai.org.models import Unit, UnitKind
from trienkhai.org.views import _apply_errors
from trienkhai.org.widgets import MAX_ID

from . import reports, rules
from .models import Frequency, Report, ReportSchedule


# --- forms --------------------------------------------------------------------------------------
class ScheduleForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Tên báo cáo"),
        max_length=300,
        help_text=gettext_lazy("Ví dụ: Báo cáo kết quả thực hiện chương trình làm việc hằng quý."),
        error_messages={"required": gettext_lazy("Hãy nhập tên báo cáo.")},
    )
    parent_unit = UnitField(label=gettext_lazy("Đơn vị nhận báo cáo"))
    unit_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Loại đơn vị phải báo cáo"),
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Hãy chọn ít nhất một loại đơn vị phải báo cáo."),
            "invalid_choice": gettext_lazy("Loại đơn vị “%(value)s” không hợp lệ."),
        },
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("Định kỳ"),
        choices=Frequency.choices,
        error_messages={
            "required": gettext_lazy("Hãy chọn định kỳ báo cáo."),
            "invalid_choice": gettext_lazy(
                "Định kỳ “%(value)s” không hợp lệ: hãy chọn hằng tuần, hằng tháng, hằng quý, "
                "6 tháng hoặc hằng năm."
            ),
        },
    )
    due_days = forms.IntegerField(
        label=gettext_lazy("Hạn nộp: số ngày sau khi hết kỳ"),
        min_value=0,
        max_value=366,
        initial=5,
        error_messages={
            "required": gettext_lazy("Hãy nhập số ngày."),
            "invalid": gettext_lazy("Hãy nhập một số nguyên, ví dụ 5."),
            "min_value": gettext_lazy("Hạn nộp phải từ 0 đến 366 ngày sau khi hết kỳ."),
            "max_value": gettext_lazy("Hạn nộp phải từ 0 đến 366 ngày sau khi hết kỳ."),
        },
    )
    starts_on = VNDateField(label=gettext_lazy("Áp dụng từ ngày"))
    ends_on = VNDateField(label=gettext_lazy("Đến ngày"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_unit"].queryset = org_rules.filter_units(
            user, Unit.objects.filter(ended_on__isnull=True), org_rules.EDIT
        )


class ScheduleEditForm(forms.Form):
    title = ScheduleForm.base_fields["title"]
    due_days = ScheduleForm.base_fields["due_days"]
    ends_on = VNDateField(
        label=gettext_lazy("Đến ngày"),
        required=False,
        help_text=gettext_lazy("Nhập để thôi áp dụng lịch báo cáo từ sau ngày này."),
    )


class ReportForm(forms.Form):
    results = forms.CharField(
        label=reports.SECTIONS["results"], widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    limitations = forms.CharField(
        label=reports.SECTIONS["limitations"],
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    next_tasks = forms.CharField(
        label=reports.SECTIONS["next_tasks"],
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ID)


# --- helpers ------------------------------------------------------------------------------------
def _schedule_for(user, pk: int, manage: bool = False) -> ReportSchedule:
    visible = reports.filter_schedules(user, ReportSchedule.objects.filter(pk=pk))
    schedule = get_object_or_404(visible.select_related("parent_unit"))
    if manage and not reports.can_manage_schedule(user, schedule):
        raise PermissionDenied
    return schedule


def _period_for(schedule: ReportSchedule, text: str) -> reports.Period:
    try:
        start = dt.date.fromisoformat(text)
        period = reports.period_for(schedule, start)
    except (ValueError, OverflowError) as error:  # not a date, or a period past year 9999
        raise Http404 from error
    if period is None:
        raise Http404
    return period


def _within(user, value) -> Unit | None:
    text = str(value or "")
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and int(text) <= MAX_ID):
        raise Http404
    unit = Unit.objects.filter(pk=int(text)).first()
    if unit is None or not org_rules.can_view_unit(user, unit):
        raise Http404
    return unit


def _taken_at(figures: dict):
    try:
        return dt.datetime.fromisoformat(figures.get("taken_at") or "")
    except ValueError:
        return None


def _can_create(user) -> bool:
    return org_rules.filter_units(user, Unit.objects.all(), org_rules.EDIT).exists()


# --- schedules ----------------------------------------------------------------------------------
@login_required
@require_GET
def schedule_list(request):
    qs = reports.filter_schedules(
        request.user, ReportSchedule.objects.select_related("parent_unit")
    ).order_by("title", "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/reports/schedules.html",
        {
            "page": page,
            "to_write": reports.reports_to_write(request.user),
            "can_create": _can_create(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule_new(request):
    if not _can_create(request.user):
        raise PermissionDenied
    form = ScheduleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = reports.schedule_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lập lịch báo cáo “%(t)s”.") % {"t": schedule.title})
            return redirect("plans:report_schedule", schedule.pk)
    return render(request, "plans/reports/schedule_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request, pk):
    schedule = _schedule_for(request.user, pk, manage=True)
    form = ScheduleEditForm(
        request.POST or None,
        initial={
            "title": schedule.title,
            "due_days": schedule.due_days,
            "ends_on": schedule.ends_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            reports.schedule_update(actor=request.user, schedule=schedule, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu lịch báo cáo."))
            return redirect("plans:report_schedule", schedule.pk)
    return render(request, "plans/reports/schedule_form.html", {"form": form, "schedule": schedule})


@login_required
@require_GET
def schedule_detail(request, pk):
    """The schedule's periods, newest first, with how many reports came in on time, late, or not
    at all, among the units the user may see."""
    schedule = _schedule_for(request.user, pk)
    today = timezone.localdate()
    page = Paginator(reports.periods(schedule, until=today), 12).get_page(request.GET.get("page"))
    rows = []
    for period in page.object_list:
        units = reports.visible_expected(request.user, schedule, period)
        rows.append((period, reports.period_counts(units, schedule, period, today)))
    return render(
        request,
        "plans/reports/schedule_detail.html",
        {
            "schedule": schedule,
            "page": page,
            "rows": rows,
            "kinds": [dict(UnitKind.choices).get(k, k) for k in schedule.unit_kinds],
            "can_manage": reports.can_manage_schedule(request.user, schedule),
            "audit": audit_entries_for(schedule)[:20],
            "today": today,
        },
    )


@login_required
@require_GET
def period_detail(request, pk, period):
    """A period's reports side by side, the missing and late ones flagged, and their sums."""
    schedule = _schedule_for(request.user, pk)
    period = _period_for(schedule, period)
    within = _within(request.user, request.GET.get("unit"))
    today = timezone.localdate()
    units = reports.visible_expected(
        request.user, schedule, period, within=within.path if within else None
    ).order_by("path")
    counts = reports.period_counts(units, schedule, period, today)
    page = Paginator(units, 100).get_page(request.GET.get("page"))
    rows = reports.period_rows(request.user, schedule, period, page.object_list, today)
    aggregate = reports.aggregate_figures(schedule, period, units)
    areas = org_rules.filter_units(
        request.user, selectors.children(schedule.parent_unit, include_ended=True)
    )
    return render(
        request,
        "plans/reports/period.html",
        {
            "schedule": schedule,
            "period": period,
            "within": within,
            "counts": counts,
            "page": page,
            "rows": rows,
            "aggregate": aggregate,
            "aggregate_tasks": reports.task_rows(aggregate.tasks),
            "areas": areas if areas.count() > 1 else [],
            "state_labels": reports.STATE_LABELS,
            "sections": list(reports.SECTIONS.items()),
            "today": today,
        },
    )


# --- one report ---------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def report_write(request, pk, period, unit_pk):
    schedule = _schedule_for(request.user, pk)
    period = _period_for(schedule, period)
    unit = get_object_or_404(Unit, pk=unit_pk)
    if not org_rules.can_view_unit(request.user, unit):
        raise Http404
    if not reports.is_expected(schedule, unit, period):
        raise Http404
    report = Report.objects.filter(schedule=schedule, unit=unit, period_start=period.start).first()
    if not (
        rules.can_write_report(request.user, report)
        if report
        else org_rules.can_edit_unit(request.user, unit)
    ):
        raise PermissionDenied
    today = timezone.localdate()
    initial = {"revision": report.revision if report else 0}
    if report:
        initial.update(report.sections or {})
    form = ReportForm(request.POST or None, initial=initial)
    latest = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submit = request.POST.get("action") != "draft"
        try:
            saved = reports.report_save(
                actor=request.user,
                schedule=schedule,
                unit=unit,
                period_start=period.start,
                sections={k: data[k] for k in reports.SECTIONS},
                submit=submit,
                revision=data["revision"],
                today=today,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "conflict":
                # Keep what was typed; show the version saved meanwhile; the next save is a
                # deliberate choice made after seeing it.
                latest = Report.objects.filter(
                    schedule=schedule, unit=unit, period_start=period.start
                ).first()
                bound = request.POST.copy()
                bound["revision"] = latest.revision if latest else 0
                form = ReportForm(bound)
                form.is_valid()
            _apply_errors(form, error)
        else:
            if saved.status == Report.Status.SUBMITTED:
                text = _("Đã gửi báo cáo.") if not saved.is_late else _("Đã gửi báo cáo (sau hạn).")
            else:
                text = _("Đã lưu bản nháp.")
            messages.success(request, text)
            return redirect("plans:report", saved.pk)
    preview = reports.collect_figures(unit, period, today=today)
    return render(
        request,
        "plans/reports/report_form.html",
        {
            "schedule": schedule,
            "period": period,
            "unit": unit,
            "report": report,
            "form": form,
            "latest": latest,
            "figures": preview,
            "task_rows": reports.task_rows(preview["tasks"]),
            "sections": list(reports.SECTIONS.items()),
            "today": today,
        },
    )


@login_required
@require_GET
def report_detail(request, pk):
    report = get_object_or_404(
        Report.objects.select_related("schedule__parent_unit", "unit"), pk=pk
    )
    if not rules.can_view_report(request.user, report):
        raise Http404
    period = reports.period_for(report.schedule, report.period_start)
    if period is None:  # the schedule's dates were changed after the report was made
        period = reports.make_period(report.schedule, report.period_start)
    return render(
        request,
        "plans/reports/report_detail.html",
        {
            "report": report,
            "schedule": report.schedule,
            "period": period,
            "sections": [
                (label, (report.sections or {}).get(k, "")) for k, label in reports.SECTIONS.items()
            ],
            "figures": report.figures or {},
            "taken_at": _taken_at(report.figures or {}),
            "task_rows": reports.task_rows((report.figures or {}).get("tasks")),
            "state": reports.row_state(report, period, timezone.localdate()),
            "state_labels": reports.STATE_LABELS,
            "can_write": rules.can_write_report(request.user, report),
            "audit": audit_entries_for(report)[:50],
        },
    )
