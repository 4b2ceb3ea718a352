"""Classes on a calendar: a month grid, a week, and iCalendar (ICS) events.

No request objects here: the views pass a user, a period and a campaign, and get plain objects
(days with their classes) or ICS bytes back. Which classes a person sees is decided once, by
`rules.filter_classes`, for the page, the download and the secret feed alike.

A class is shown on the day it starts, in the site's time zone (Asia/Ho_Chi_Minh). The secret
feed reuses the per-user calendar addresses of the plans app (`plans.calendar`): the same token
that serves a person's deadlines at /plans/calendar/feed/<token>.ics serves the classes they may
see at /outreach/calendar/feed/<token>.ics, and revoking it stops both.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from trienkhai.lib.dates import format_vi

from . import rules
from .models import Campaign, ClassSession, ClassStatus

CONTENT_TYPE = "text/calendar; charset=utf-8"
# A feed or download without a campaign lists classes from this long ago onwards.
KEEP_PAST_DAYS = 366
MAX_EVENTS = 2000
# A cell of the month grid lists this many classes, then "and n more".
DAY_CELL_LIMIT = 6

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def weekday_names() -> list[str]:
    """Monday first, as Vietnamese calendars print them."""
    return [
        _("Thứ Hai"),
        _("Thứ Ba"),
        _("Thứ Tư"),
        _("Thứ Năm"),
        _("Thứ Sáu"),
        _("Thứ Bảy"),
        _("Chủ nhật"),
    ]


def weekday_short() -> list[str]:
    return [_("T2"), _("T3"), _("T4"), _("T5"), _("T6"), _("T7"), _("CN")]


# --- periods ------------------------------------------------------------------------------------
def parse_month(text: str | None) -> dt.date | None:
    """'2020-09' → 1-9-2020; None for anything else (the page then shows the current month)."""
    match = _MONTH.match((text or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1900 <= year <= 2999 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def parse_week(text: str | None) -> dt.date | None:
    """'2020-W37' (ISO week) → its Monday, 7-9-2020; None for anything else."""
    match = _WEEK.match((text or "").strip())
    if not match:
        return None
    year, week = int(match.group(1)), int(match.group(2))
    if not 1900 <= year <= 2999:
        return None
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError:  # week 53 of a year that has 52
        return None


def month_param(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def week_param(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _local_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- which classes ------------------------------------------------------------------------------
def visible_classes(user, *, campaign: Campaign | None = None) -> QuerySet[ClassSession]:
    """The classes `user` may see (of one campaign, if given), with what a calendar shows."""
    queryset = ClassSession.objects.all()
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return (
        rules.filter_classes(user, queryset)
        .select_related("campaign", "organiser")
        .prefetch_related("groups__target_group")
        .order_by("starts_at", "id")
    )


def classes_between(
    user, start: dt.date, end: dt.date, *, campaign: Campaign | None = None
) -> list[ClassSession]:
    """Visible classes starting on a day in [start, end), local time."""
    return list(
        visible_classes(user, campaign=campaign).filter(
            starts_at__gte=_local_start(start), starts_at__lt=_local_start(end)
        )[:MAX_EVENTS]
    )


def feed_classes(
    user, *, campaign: Campaign | None = None, today: dt.date | None = None
) -> list[ClassSession]:
    """Classes for an ICS file: all of a campaign's, or, without a campaign, those from a year
    ago onwards (a feed polled every hour stays small)."""
    queryset = visible_classes(user, campaign=campaign)
    if campaign is None:
        today = today or timezone.localdate()
        queryset = queryset.filter(
            starts_at__gte=_local_start(today - dt.timedelta(days=KEEP_PAST_DAYS))
        )
    return list(queryset[:MAX_EVENTS])


# --- grids --------------------------------------------------------------------------------------
@dataclass
class Day:
    date: dt.date
    in_period: bool = True
    is_today: bool = False
    classes: list[ClassSession] = field(default_factory=list)
    name: str = ""

    @property
    def shown(self) -> list[ClassSession]:
        return self.classes[:DAY_CELL_LIMIT]

    @property
    def hidden_count(self) -> int:
        return max(len(self.classes) - DAY_CELL_LIMIT, 0)

    @property
    def week_param(self) -> str:
        return week_param(self.date)


def _by_day(classes: list[ClassSession]) -> dict[dt.date, list[ClassSession]]:
    days: dict[dt.date, list[ClassSession]] = {}
    for session in classes:
        days.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    return days


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """First Monday on or before the 1st, and the Monday after the week holding the last day."""
    first = month.replace(day=1)
    start = first - dt.timedelta(days=first.weekday())
    last = add_months(first, 1) - dt.timedelta(days=1)
    end = last + dt.timedelta(days=7 - last.weekday())
    return start, end


def month_weeks(month: dt.date, classes: list[ClassSession], today: dt.date) -> list[list[Day]]:
    """The month as whole weeks, Monday first; days of the neighbouring months are marked."""
    start, end = month_bounds(month)
    by_day = _by_day(classes)
    names = weekday_names()
    weeks: list[list[Day]] = []
    day = start
    while day < end:
        week = []
        for i in range(7):
            week.append(
                Day(
                    date=day,
                    in_period=day.month == month.month,
                    is_today=day == today,
                    classes=by_day.get(day, []),
                    name=names[i],
                )
            )
            day += dt.timedelta(days=1)
        weeks.append(week)
    return weeks


def week_days(monday: dt.date, classes: list[ClassSession], today: dt.date) -> list[Day]:
    by_day = _by_day(classes)
    names = weekday_names()
    return [
        Day(
            date=monday + dt.timedelta(days=i),
            is_today=monday + dt.timedelta(days=i) == today,
            classes=by_day.get(monday + dt.timedelta(days=i), []),
            name=names[i],
        )
        for i in range(7)
    ]


def month_title(month: dt.date) -> str:
    return _("Tháng %(month)d năm %(year)d") % {"month": month.month, "year": month.year}


def week_title(monday: dt.date) -> str:
    return _("Tuần %(week)d: từ %(start)s đến %(end)s") % {
        "week": monday.isocalendar()[1],
        "start": format_vi(monday),
        "end": format_vi(monday + dt.timedelta(days=6)),
    }


def time_text(session: ClassSession) -> str:
    """'7:30–11:00', or the start alone when no end is known."""
    start = timezone.localtime(session.starts_at)
    text = f"{start.hour}:{start.minute:02d}"
    if session.ends_at:
        end = timezone.localtime(session.ends_at)
        text += f"–{end.hour}:{end.minute:02d}"
        if end.date() != start.date():
            text += f" ({format_vi(end.date())})"
    return text


# --- iCalendar ----------------------------------------------------------------------------------
def _host() -> str:
    return urlsplit(settings.TRIENKHAI_SITE_URL).hostname or "trienkhai"


def class_path(session: ClassSession) -> str:
    return reverse("outreach:class", kwargs={"pk": session.pk})


def _groups_text(session: ClassSession) -> str:
    parts = []
    for group in session.groups.all():
        if group.attended is not None:
            parts.append(
                _("%(name)s (dự kiến %(expected)d, tham dự %(attended)d)")
                % {
                    "name": group.target_group.name,
                    "expected": group.expected,
                    "attended": group.attended,
                }
            )
        else:
            parts.append(
                _("%(name)s (dự kiến %(expected)d)")
                % {"name": group.target_group.name, "expected": group.expected}
            )
    return "; ".join(parts)


def class_event(session: ClassSession, host: str) -> Event:
    url = f"{settings.TRIENKHAI_SITE_URL}{class_path(session)}"
    cancelled = session.status == ClassStatus.CANCELLED
    event = Event()
    event.add("uid", f"outreach-class-{session.pk}@{host}")
    stamp = session.updated_at or timezone.now()
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    # Aware datetimes in the site's zone: the event carries TZID=Asia/Ho_Chi_Minh and the
    # calendar a matching VTIMEZONE, so a phone set to another zone still shows the right hour.
    event.add("dtstart", timezone.localtime(session.starts_at))
    if session.ends_at and session.ends_at > session.starts_at:
        event.add("dtend", timezone.localtime(session.ends_at))
    prefix = _("[Đã hủy] ") if cancelled else ""
    event.add("summary", f"{prefix}{session.title}")
    if session.place:
        event.add("location", session.place)
    lines = [
        _("Đợt quán triệt: %(title)s") % {"title": session.campaign.title},
        _("Đơn vị tổ chức: %(name)s") % {"name": session.organiser.name},
    ]
    if session.presenters:
        lines.append(_("Báo cáo viên: %(names)s") % {"names": session.presenters})
    groups = _groups_text(session)
    if groups:
        lines.append(_("Đối tượng: %(groups)s") % {"groups": groups})
    lines.append(_("Trạng thái: %(status)s") % {"status": ClassStatus(session.status).label})
    lines.append(url)
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("categories", [_("Quán triệt")])
    return event


def classes_ics(classes: list[ClassSession], *, name: str) -> bytes:
    """The classes as iCalendar bytes (UTF-8, CRLF, lines folded at 75 octets)."""
    host = _host()
    cal = Calendar()
    cal.add("prodid", "-//Triển Khai//Lịch lớp quán triệt//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("x-published-ttl", "PT1H")
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for session in classes:
        cal.add_component(class_event(session, host))
    cal.add_missing_timezones()
    return cal.to_ical()


def calendar_name(campaign: Campaign | None) -> str:
    if campaign is not None:
        return _("Lớp quán triệt — %(title)s") % {"title": campaign.title}
    return _("Lớp quán triệt")


def ics_filename(campaign: Campaign | None) -> str:
    return f"lop-quan-triet-{campaign.pk}.ics" if campaign is not None else "lop-quan-triet.ics"
