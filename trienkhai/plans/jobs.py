"""Background jobs of the plans app: thin wrappers over services, safe to run twice.

Celery beat runs `send_daily_digests` once a day (see CELERY_BEAT_SCHEDULE in settings); it
fans out one `send_digest` per person, so many workers share the work and one failure stays
with one person. A digest is claimed by its notice key, so a rerun sends nothing twice.
"""

import datetime as dt

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

# The configured application (eager in the embedded default) must exist before a task is
# queued, whatever imported this module first.
from trienkhai.celery import app as _app  # noqa: F401

from . import compliance_cells, reminders, tallies


@shared_task(ignore_result=True)
def send_daily_digests(day: str | None = None) -> int:
    """Queue the digest of every person who may have one today. Returns how many were queued."""
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    ids = list(reminders.digest_recipients(today).values_list("pk", flat=True))
    for user_id in ids:
        send_digest.delay(user_id, today.isoformat())
    return len(ids)


@shared_task(ignore_result=True)
def send_digest(user_id: int, day: str) -> bool:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    return reminders.digest_send(user=user, day=dt.date.fromisoformat(day))


@shared_task(ignore_result=True)
def fold_task_tallies() -> int:
    """Each night: the -1/+1 rows every task write adds are recounted into one row per key, so
    the whole-tree dashboard keeps summing tens of thousands of rows, not a growing log."""
    return tallies.rebuild()


@shared_task(ignore_result=True)
def recheck_compliance() -> int:
    """Each night: every compliance cell decided again from the register and the tree; a cell
    that differed (a write that bypassed the services) is repaired and logged. Returns how many."""
    return len(compliance_cells.recheck(repair=True))
