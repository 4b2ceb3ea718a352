"""The calendar of classes (month, week, ICS), the attendance import and the campaign report
files. Thin: check what the user may see or change, ask `calendar`, `attendance_xlsx` or
`exports`, render or send bytes."""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from trienkhai.org.widgets import MAX_ID
from trienkhai.plans import calendar as plans_calendar

from . import attendance_xlsx, calendar, exports, rules
from .models import AttendanceStatus, Campaign, ClassSession, ClassStatus

# More errors than this are counted, not listed.
SHOWN_ERRORS = 500
CAMPAIGN_CHOICES = 300


def _campaign_for(user, raw: str | None) -> Campaign | None:
    """The campaign of ?campaign=ID, None without one; 404 when the user may not see it."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
        raise Http404
    campaign = get_object_or_404(Campaign, pk=int(raw))
    if not rules.can_view_campaign(user, campaign):
        raise Http404
    return campaign


def _class_for(user, pk: int) -> ClassSession:
    session = get_object_or_404(ClassSession.objects.select_related("campaign", "organiser"), pk=pk)
    if not rules.can_view_class(user, session):
        raise Http404
    return session


def _class_to_edit(user, pk: int) -> ClassSession:
    session = _class_for(user, pk)
    if not rules.can_edit_class(user, session):
        raise PermissionDenied
    return session


def _campaign_to_view(user, pk: int) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("owner_unit"), pk=pk)
    if not rules.can_view_campaign(user, campaign):
        raise Http404
    return campaign


def _query(**params) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


# --- calendar -----------------------------------------------------------------------------------
@login_required
@require_GET
def calendar_page(request):
    """A month (?month=2020-09) or a week (?week=2020-W37) of the classes the user may see."""
    user = request.user
    today = timezone.localdate()
    campaign = _campaign_for(user, request.GET.get("campaign"))
    campaign_id = campaign.pk if campaign else None
    monday = calendar.parse_week(request.GET.get("week"))
    context = {
        "campaign": campaign,
        "campaigns": rules.filter_campaigns(user, Campaign.objects.all()).order_by(
            "-start_on", "-id"
        )[:CAMPAIGN_CHOICES],
        "weekdays": list(zip(calendar.weekday_names(), calendar.weekday_short(), strict=True)),
        "today": today,
    }
    if monday is not None:
        end = monday + dt.timedelta(days=7)
        classes = calendar.classes_between(user, monday, end, campaign=campaign)
        context.update(
            view="week",
            title=calendar.week_title(monday),
            days=calendar.week_days(monday, classes, today),
            period_param=("week", calendar.week_param(monday)),
            prev_query=_query(
                week=calendar.week_param(monday - dt.timedelta(7)), campaign=campaign_id
            ),
            next_query=_query(week=calendar.week_param(end), campaign=campaign_id),
            today_query=_query(week=calendar.week_param(today), campaign=campaign_id),
            switch_query=_query(month=calendar.month_param(monday), campaign=campaign_id),
            class_count=len(classes),
        )
    else:
        month = calendar.parse_month(request.GET.get("month")) or today.replace(day=1)
        start, end = calendar.month_bounds(month)
        classes = calendar.classes_between(user, start, end, campaign=campaign)
        weeks = calendar.month_weeks(month, classes, today)
        in_month = [c for c in classes if timezone.localtime(c.starts_at).month == month.month]
        focus = today if (today.year, today.month) == (month.year, month.month) else month
        context.update(
            view="month",
            title=calendar.month_title(month),
            weeks=weeks,
            agenda=[d for week in weeks for d in week if d.in_period and d.classes],
            period_param=("month", calendar.month_param(month)),
            prev_query=_query(
                month=calendar.month_param(calendar.add_months(month, -1)), campaign=campaign_id
            ),
            next_query=_query(
                month=calendar.month_param(calendar.add_months(month, 1)), campaign=campaign_id
            ),
            today_query=_query(month=calendar.month_param(today), campaign=campaign_id),
            switch_query=_query(week=calendar.week_param(focus), campaign=campaign_id),
            class_count=len(in_month),
        )
    feed_url = request.build_absolute_uri(reverse("outreach:calendar_feed", args=["TOKEN"]))
    feed_prefix, feed_suffix = feed_url.rsplit("TOKEN", 1)
    context.update(
        ics_query=_query(campaign=campaign_id),
        # Break points after each "/", so the long address wraps on a phone.
        feed_parts=[part + "/" for part in feed_prefix.rstrip("/").split("/")],
        feed_suffix=feed_suffix + (f"?campaign={campaign_id}" if campaign_id else ""),
    )
    return render(request, "outreach/calendar.html", context)


def _ics_response(data: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=calendar.CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def calendar_ics(request):
    """The classes the user may see as an .ics file (of one campaign with ?campaign=ID)."""
    campaign = _campaign_for(request.user, request.GET.get("campaign"))
    classes = calendar.feed_classes(request.user, campaign=campaign)
    data = calendar.classes_ics(classes, name=calendar.calendar_name(campaign))
    return _ics_response(data, calendar.ics_filename(campaign), attachment=True)


@require_GET
def calendar_feed(request, token):
    """The secret feed: no login, a live calendar token of the plans app; the classes its
    owner may see."""
    feed = plans_calendar.feed_for_token(token)
    if feed is None:
        raise Http404
    campaign = _campaign_for(feed.user, request.GET.get("campaign"))
    plans_calendar.feed_touch(feed)
    classes = calendar.feed_classes(feed.user, campaign=campaign)
    data = calendar.classes_ics(classes, name=calendar.calendar_name(campaign))
    return _ics_response(data, calendar.ics_filename(campaign), attachment=False)


# --- attendance import --------------------------------------------------------------------------
class AttendanceImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        error_messages={"required": gettext_lazy("Hãy chọn tệp Excel cần nhập.")},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Cách nhập"),
        choices=[
            (
                attendance_xlsx.REPLACE,
                gettext_lazy("Thay thế danh sách: danh sách của lớp trở thành đúng như tệp"),
            ),
            (
                attendance_xlsx.APPEND,
                gettext_lazy("Bổ sung vào danh sách: giữ những người đã có, thêm người trong tệp"),
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Hãy chọn thay thế hay bổ sung vào danh sách hiện có.")
        },
    )


def _list_summary(session: ClassSession) -> dict:
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    for status in session.attendees.values_list("status", flat=True):
        counts[status] += 1
    return {
        "total": sum(counts.values()),
        "rows": [(label, counts[value]) for value, label in AttendanceStatus.choices],
    }


@login_required
@require_http_methods(["GET", "POST"])
def attendance_import(request, pk):
    session = _class_to_edit(request.user, pk)
    if request.method == "POST":
        form = AttendanceImportForm(request.POST, request.FILES)
    else:
        form = AttendanceImportForm()
    errors: list[attendance_xlsx.RowError] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = attendance_xlsx.attendance_import(
                actor=request.user,
                session=session,
                file=form.cleaned_data["file"],
                mode=form.cleaned_data["mode"],
            )
        except attendance_xlsx.ImportRejected as rejected:
            errors = rejected.errors
        else:
            messages.success(request, attendance_xlsx.import_summary(result))
            return redirect("outreach:class", pk=session.pk)
    return render(
        request,
        "outreach/attendance_import.html",
        {
            "session": session,
            "form": form,
            "errors": errors[:SHOWN_ERRORS],
            "error_count": len(errors),
            "hidden_errors": max(len(errors) - SHOWN_ERRORS, 0),
            "summary": _list_summary(session),
            "groups": session.groups.select_related("target_group"),
            "cancelled": session.status == ClassStatus.CANCELLED,
            "planned": session.status == ClassStatus.PLANNED,
        },
        status=400 if (errors or form.errors) else 200,
    )


def _file_response(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_GET
def attendance_template(request, pk):
    session = _class_to_edit(request.user, pk)
    return _file_response(
        attendance_xlsx.template_bytes(session),
        attendance_xlsx.XLSX_CONTENT_TYPE,
        attendance_xlsx.template_filename(session),
    )


# --- campaign report ----------------------------------------------------------------------------
@never_cache
@login_required
@require_GET
def campaign_xlsx(request, pk):
    campaign = _campaign_to_view(request.user, pk)
    return _file_response(
        exports.campaign_xlsx(campaign, user=request.user),
        exports.XLSX_CONTENT_TYPE,
        exports.report_filename(campaign, "xlsx"),
    )


@never_cache
@login_required
@require_GET
def campaign_docx(request, pk):
    campaign = _campaign_to_view(request.user, pk)
    return _file_response(
        exports.campaign_docx(campaign, user=request.user),
        exports.DOCX_CONTENT_TYPE,
        exports.report_filename(campaign, "docx"),
    )
