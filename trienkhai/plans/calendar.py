"""A person's deadlines as an ICS calendar at a secret, revocable address.

The address carries a random token; only its SHA-256 hash is stored, so the token is shown once,
when the feed is created, and a copy of the database reveals no working address. Revoking a feed
makes its address answer 404. The feed needs no login: calendar apps cannot log in.

It lists the tasks of the units the person works in (a current position there, or editor or
manager access on it), as lead or coordinating unit. A deadline is a period: a day becomes an
all-day event on that day, a month a month-long event; a quarter or a year becomes an all-day
event on its last day, so a calendar is not covered by a bar for months.
"""

import datetime as dt
import hashlib
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record
from trienkhai.lib import dates

from . import dashboard, reminders
from .models import CLOSED_STATUSES, CalendarFeed, Task, TaskCoordination, TaskStatus

CONTENT_TYPE = "text/calendar; charset=utf-8"
MAX_LIVE_FEEDS = 5
# Closed tasks stay in the calendar this long after their deadline, then drop out.
KEEP_CLOSED_DAYS = 90
MAX_EVENTS = 2000
# Write "last used" at most this often: calendar apps poll every few minutes.
TOUCH_EVERY = dt.timedelta(hours=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- services -----------------------------------------------------------------------------------
@transaction.atomic
def calendar_feed_create(*, actor) -> tuple[CalendarFeed, str]:
    """A new feed for `actor`; returns it with its token (the only time the token exists)."""
    live = CalendarFeed.objects.select_for_update().filter(user=actor, revoked_at__isnull=True)
    if live.count() >= MAX_LIVE_FEEDS:
        raise ValidationError(
            _(
                "Bạn đã có %(n)d địa chỉ lịch đang dùng. Hãy thu hồi một địa chỉ không còn dùng "
                "trước khi tạo địa chỉ mới."
            )
            % {"n": MAX_LIVE_FEEDS}
        )
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=actor, token_hash=token_hash(token))
    audit_record(actor=actor, obj=feed, action=AuditEntry.Action.CREATE, note="Tạo địa chỉ lịch")
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, actor, feed: CalendarFeed) -> CalendarFeed:
    """Stop the feed's address from working (for good)."""
    stored = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if stored.user_id != actor.pk:
        raise ValidationError(_("Đây không phải địa chỉ lịch của bạn."))
    if stored.revoked_at is not None:
        raise ValidationError(_("Địa chỉ lịch này đã được thu hồi trước đó."))
    stored.revoked_at = timezone.now()
    stored.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        obj=stored,
        action=AuditEntry.Action.REVOKE,
        changes={"revoked_at": [None, stored.revoked_at.isoformat()]},
        note="Thu hồi địa chỉ lịch",
    )
    return stored


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed of `token`, or None (unknown, revoked, or its owner's account is off)."""
    if not token or len(token) > 200:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def feed_touch(feed: CalendarFeed, now=None) -> None:
    now = now or timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at >= TOUCH_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)


# --- the calendar -------------------------------------------------------------------------------
def feed_tasks(user, today: dt.date) -> QuerySet[Task]:
    """Tasks with a deadline that the user's units lead or coordinate: open ones whatever their
    date, closed ones for a while after it, cancelled ones never."""
    ids = [u.pk for u in reminders.units_of(user, today)]
    recent = today - dt.timedelta(days=KEEP_CLOSED_DAYS)
    coordinated = TaskCoordination.objects.filter(task=OuterRef("pk"), unit_id__in=ids)
    return (
        Task.objects.filter(Q(lead_unit_id__in=ids) | Q(Exists(coordinated)))
        .filter(deadline__isnull=False)
        .exclude(status=TaskStatus.CANCELLED)
        .filter(~Q(status__in=CLOSED_STATUSES) | Q(deadline_end__gte=recent))
        .select_related("lead_unit")
        .order_by("deadline_end", "id")
    )


def _event_span(task: Task) -> tuple[dt.date, dt.date]:
    """(first day, day after the last) of the event of a task's deadline."""
    if task.deadline_precision == dates.MONTH:
        return dates.period_start(task.deadline, dates.MONTH), task.deadline_end + dt.timedelta(1)
    return task.deadline_end, task.deadline_end + dt.timedelta(1)


def _host() -> str:
    return urlsplit(settings.TRIENKHAI_SITE_URL).hostname or "trienkhai"


def task_event(task: Task, today: dt.date, host: str) -> Event:
    site = settings.TRIENKHAI_SITE_URL
    url = f"{site}{dashboard.task_path(task)}"
    start, end = _event_span(task)
    closed = task.status in CLOSED_STATUSES
    overdue = task.is_overdue(today)
    prefix = "✓ " if closed else ("[Quá hạn] " if overdue else "")
    event = Event()
    event.add("uid", f"task-{task.pk}@{host}")
    event.add("dtstamp", task.updated_at or timezone.now())
    event.add("last-modified", task.updated_at or timezone.now())
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"{prefix}{task.title}")
    event.add(
        "description",
        "\n".join(
            [
                f"Đơn vị chủ trì: {task.lead_unit.name}",
                f"Thời hạn: {task.deadline_text}",
                f"Trạng thái: {TaskStatus(task.status).label}, tiến độ {task.progress}%",
                url,
            ]
        ),
    )
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED")
    event.add("categories", ["Triển Khai"])
    return event


def feed_ics(feed: CalendarFeed, *, today: dt.date | None = None) -> bytes:
    """The feed as iCalendar bytes (UTF-8, CRLF lines folded at 75 octets)."""
    today = today or timezone.localdate()
    host = _host()
    cal = Calendar()
    cal.add("prodid", "-//Triển Khai//Lịch nhiệm vụ//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Thời hạn nhiệm vụ — {reminders.display_name(feed.user)}")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("x-published-ttl", "PT1H")
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for task in feed_tasks(feed.user, today)[:MAX_EVENTS]:
        cal.add_component(task_event(task, today, host))
    return cal.to_ical()
