"""The daily digest: each person hears, once a day, what their units must do.

A person's units are those where they hold a current position, and those on which they have
editor or manager access (a manager of the province is not sent every ward's work: access on an
ancestor does not count). For those units the digest lists the tasks they lead that are overdue
or due in the next 7 days, the reports of the last period they have not submitted, and the
documents required of them that are overdue or due in the next 7 days. One digest per person per day: it is claimed by the notice key
"digest:<user id>:<date>", which the notification service refuses to reuse, so a second run of
the job, or a second worker, sends nothing twice. The e-mail goes after the claim commits.

Stored notices and e-mails are written in Vietnamese, as records are.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from trienkhai.lib.dates import format_vi
from trienkhai.notifications.services import notify
from trienkhai.org.models import Access, AccessRole, Position, Unit

from . import compliance, dashboard
from .models import OPEN_STATUSES, Task

log = logging.getLogger(__name__)

DUE_DAYS = 7
LISTED = 20  # items per section of an e-mail; the rest are counted
NOTIFYING_ROLES = (AccessRole.EDITOR, AccessRole.MANAGER)


def display_name(user) -> str:
    """The person's name when the account belongs to a person, else the account's own name."""
    person = getattr(user, "person", None)
    if person is not None:
        return person.full_name
    return user.get_full_name() or user.get_username()


def digest_key(user, day: dt.date) -> str:
    return f"digest:{user.pk}:{day.isoformat()}"


# --- who hears about which units ----------------------------------------------------------------
def _current_positions(day: dt.date) -> Q:
    return Q(start_on__lte=day) & (Q(end_on__isnull=True) | Q(end_on__gte=day))


def digest_recipients(day: dt.date) -> QuerySet:
    """Active users who hold a position today or have editor/manager access on some unit."""
    User = get_user_model()
    holds = Position.objects.filter(
        _current_positions(day), person__user=OuterRef("pk"), unit__ended_on__isnull=True
    )
    edits = Access.objects.filter(
        user=OuterRef("pk"), role__in=NOTIFYING_ROLES, unit__ended_on__isnull=True
    )
    return User.objects.filter(is_active=True).filter(Exists(holds) | Exists(edits)).order_by("pk")


def units_of(user, day: dt.date) -> list[Unit]:
    """The units whose work `user` is told about, by path."""
    held = Position.objects.filter(_current_positions(day), person__user=user).values("unit_id")
    edited = Access.objects.filter(user=user, role__in=NOTIFYING_ROLES).values("unit_id")
    return list(
        Unit.objects.filter(Q(pk__in=held) | Q(pk__in=edited), ended_on__isnull=True).order_by(
            "path"
        )
    )


# --- what they hear -----------------------------------------------------------------------------
@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    count: int = 0


@dataclass
class Digest:
    user: object
    day: dt.date
    units: list[Unit]
    overdue: Section
    due_soon: Section
    reports: Section
    requirements: Section

    @property
    def sections(self) -> list[Section]:
        return [self.overdue, self.due_soon, self.reports, self.requirements]

    @property
    def is_empty(self) -> bool:
        return not any(s.count for s in self.sections)

    @property
    def url(self) -> str:
        base = reverse("plans:dashboard")
        return f"{base}?unit={self.units[0].pk}" if self.units else base

    def summary(self) -> str:
        """One line for the in-app notice."""
        parts = [
            f"{self.overdue.count} nhiệm vụ quá hạn" if self.overdue.count else "",
            f"{self.due_soon.count} nhiệm vụ đến hạn trong {DUE_DAYS} ngày tới"
            if self.due_soon.count
            else "",
            f"{self.reports.count} báo cáo chưa nộp" if self.reports.count else "",
            f"{self.requirements.count} yêu cầu ban hành văn bản chưa thực hiện"
            if self.requirements.count
            else "",
        ]
        return f"Nhắc việc ngày {format_vi(self.day)}: " + ", ".join(p for p in parts if p) + "."

    def subject(self) -> str:
        return f"[Triển Khai] Nhắc việc ngày {format_vi(self.day)}"

    def body(self) -> str:
        site = settings.TRIENKHAI_SITE_URL
        person = getattr(self.user, "person", None)
        name = person.full_name if person else self.user.get_full_name() or self.user.get_username()
        out = [
            f"Kính gửi đồng chí {name},",
            "",
            "Công việc của "
            + ", ".join(u.name for u in self.units)
            + f" cần theo dõi, tính đến ngày {format_vi(self.day)}:",
        ]
        for section in self.sections:
            if not section.count:
                continue
            out += ["", f"{section.title} ({section.count}):", *section.lines]
            if section.count > len(section.lines):
                out.append(f"  … và {section.count - len(section.lines)} mục khác.")
        out += [
            "",
            f"Xem toàn bộ trên trang tổng hợp: {site}{self.url}",
            "",
            "Thư này được gửi tự động mỗi ngày một lần khi có việc cần nhắc.",
        ]
        return "\n".join(out)


def _task_lines(tasks, day: dt.date, *, overdue: bool) -> list[str]:
    site = settings.TRIENKHAI_SITE_URL
    lines = []
    for t in tasks:
        if overdue:
            when = f"hạn {t.deadline_text}, quá {(day - t.deadline_end).days} ngày"
        else:
            when = f"hạn {t.deadline_text}"
        lines.append(f"- {t.title} — {t.lead_unit.name} — {when}")
        lines.append(f"  {site}{dashboard.task_path(t)}")
    return lines


def digest_for(user, day: dt.date) -> Digest:
    """The digest of `user` on `day` (nothing is sent)."""
    units = units_of(user, day)
    ids = [u.pk for u in units]
    tasks = Task.objects.filter(lead_unit_id__in=ids, status__in=OPEN_STATUSES)
    late_qs = dashboard.overdue_tasks(tasks, day)
    soon_qs = dashboard.due_soon_tasks(tasks, day, DUE_DAYS)
    overdue = Section("Nhiệm vụ quá hạn", count=late_qs.count())
    overdue.lines = _task_lines(late_qs[:LISTED], day, overdue=True)
    due_soon = Section(f"Nhiệm vụ đến hạn trong {DUE_DAYS} ngày tới", count=soon_qs.count())
    due_soon.lines = _task_lines(soon_qs[:LISTED], day, overdue=False)

    reports = Section("Báo cáo chưa nộp")
    for unit in units:
        for entry in dashboard.reports_missing(unit, day):
            if entry.units.filter(pk=unit.pk).exists():
                reports.count += 1
                reports.lines.append(
                    f"- {dashboard.report_line(entry.schedule, entry.period, unit)}"
                )
    reports.lines = reports.lines[:LISTED]

    # Overdue, or due within the same 7 days and not yet done (from the compliance rule).
    cells = compliance.pending_targets("", day, within_days=DUE_DAYS).filter(unit_id__in=ids)
    requirements = Section("Yêu cầu ban hành văn bản chưa thực hiện", count=cells.count())
    requirements.lines = [
        f"- {c.requirement.title} (văn bản loại {c.requirement.doc_type}) — {c.unit.name} — "
        f"hạn {format_vi(c.requirement.due_on)}"
        + (" (đã quá hạn)" if c.state == compliance.OVERDUE else "")
        for c in cells[:LISTED]
    ]
    return Digest(user, day, units, overdue, due_soon, reports, requirements)


def _send_mail_logged(subject: str, body: str, address: str) -> None:
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except Exception:  # an unreachable mail server must not undo the notices already given
        log.exception("digest e-mail to %s failed", address)


@transaction.atomic
def digest_send(*, user, day: dt.date | None = None) -> bool:
    """Send `user` their digest of `day` once: an in-app notice and an e-mail. Returns False
    when there is nothing to say or it was already sent."""
    day = day or timezone.localdate()
    digest = digest_for(user, day)
    if digest.is_empty:
        return False
    if not notify(user=user, text=digest.summary(), url=digest.url, key=digest_key(user, day)):
        return False
    person = getattr(user, "person", None)
    address = user.email or (person.email if person is not None else "")
    if address:
        subject, body = digest.subject(), digest.body()
        transaction.on_commit(lambda: _send_mail_logged(subject, body, address))
    return True
