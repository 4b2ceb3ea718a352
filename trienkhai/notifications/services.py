"""Telling people things: in-app notices and e-mail, each at most once per key."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification


def notify(
    *, user, text: str, url: str = "", key: str | None = None, email_subject: str = ""
) -> bool:
    """Create a notice for `user` (and e-mail it when a subject is given and the user has an
    address). With a `key`, a second call with the same key does nothing and returns False."""
    try:
        with transaction.atomic():
            Notification.objects.create(user=user, text=text[:500], url=url, key=key)
    except IntegrityError:
        return False
    if email_subject and user.email:
        body = text + (f"\n\n{settings.TRIENKHAI_SITE_URL}{url}" if url else "")
        transaction.on_commit(
            lambda: send_mail(email_subject, body, None, [user.email], fail_silently=False)
        )
    return True


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
