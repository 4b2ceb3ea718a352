"""Making, revoking and checking personal API tokens.

A token is `tk_` + 40 random URL-safe characters (240 bits). The database keeps its SHA-256:
a stolen database gives no usable token, and checking one is a single indexed lookup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record

from .models import ApiToken

PREFIX = "tk_"
MAX_ACTIVE = 20


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def active(user):
    now = timezone.now()
    return (
        ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        .exclude(expires_at__lte=now)
        .order_by("-created_at", "-pk")
    )


@transaction.atomic
def token_create(
    *, user, name: str, read_only: bool = False, expires_on: dt.date | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the secret, which is never shown again."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Hãy đặt tên cho khóa (ví dụ: “Báo cáo tự động của Văn phòng”).")
    elif len(name) > 100:
        errors["name"] = _("Tên khóa dài tối đa 100 ký tự.")
    if expires_on is not None and expires_on <= timezone.localdate():
        errors["expires_on"] = _("Ngày hết hạn phải sau hôm nay.")
    if active(user).count() >= MAX_ACTIVE:
        errors["name"] = _("Mỗi người có tối đa %(n)s khóa đang dùng; hãy thu hồi khóa cũ.") % {
            "n": MAX_ACTIVE
        }
    if errors:
        raise ValidationError(errors)
    raw = PREFIX + secrets.token_urlsafe(30)
    expires_at = None
    if expires_on is not None:
        expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time.max))
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(PREFIX) + 6],
        key_hash=_hash(raw),
        read_only=read_only,
        expires_at=expires_at,
    )
    audit_record(
        actor=user,
        obj=token,
        action=AuditEntry.Action.CREATE,
        changes={"name": [None, name], "read_only": [None, read_only]},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, user, token: ApiToken) -> None:
    if token.user_id != user.pk or token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=user, obj=token, action=AuditEntry.Action.REVOKE, note=token.name)


def token_check(raw: str) -> ApiToken | None:
    """The live token for `raw` (not revoked, not expired, its user active), or None."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or not token.user.is_active or (token.expires_at and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
