"""Citizens' comments on a site's posts and programmes, and their moderation.

Anyone may write, without an account; what stops abuse is here, with no third-party service:
a field that people do not see but robots fill (the honeypot), a limit of comments per address
and per ten minutes, at most two links, and the same text refused twice within a day. The
address is kept only as a keyed hash (to count), the text as a keyed hash of its folded form (to
spot repeats). A site moderates before (a comment waits until approved) or after (it shows at
once and waits in the queue to be reviewed). Moderation and replies are audited; the personal
data of a writer (name, contact) never enter the audit log, and a comment is deleted entirely
when its writer asks.
"""

import datetime as dt
import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record
from trienkhai.lib.text import fold, normalize

from . import rules
from .models import Post, ProgrammePublication, PublicComment, PublicSite

MAX_BODY = 3000
MAX_LINKS = 2
DUPLICATE_WINDOW = dt.timedelta(hours=24)
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def _limit() -> int:
    return getattr(settings, "TRIENKHAI_COMMENT_LIMIT", 5)


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "TRIENKHAI_COMMENT_WINDOW_SECONDS", 600))


def keyed(text: str) -> str:
    """A keyed hash: the same input gives the same key, and the key does not give the input."""
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def _refused(message: str) -> ValidationError:
    return ValidationError({"body": message})


@transaction.atomic
def comment_submit(
    *,
    site: PublicSite,
    name: str,
    body: str,
    address: str,
    contact: str = "",
    honeypot: str = "",
    post: Post | None = None,
    publication: ProgrammePublication | None = None,
) -> PublicComment:
    """Take a citizen's comment on a published post or a programme shown on the site."""
    if (post is None) == (publication is None):
        raise ValueError("a comment is on a post or on a programme")
    if post is not None and (post.site_id != site.pk or not post.is_published):
        raise ValidationError(_("Tin này không còn trên trang."))
    if publication is not None and publication.site_id != site.pk:
        raise ValidationError(_("Chương trình này không còn trên trang."))
    if honeypot:
        raise _refused(_("Không gửi được ý kiến. Hãy tải lại trang rồi gửi lại."))
    name, contact = normalize(name), normalize(contact)
    body = (body or "").replace("\r\n", "\n").strip()
    errors = {}
    if not name:
        errors["name"] = _("Hãy cho biết họ tên của bạn.")
    elif len(name) > 100:
        errors["name"] = _("Họ tên tối đa 100 ký tự.")
    if len(contact) > 200:
        errors["contact"] = _("Điện thoại hoặc email tối đa 200 ký tự.")
    if not body:
        errors["body"] = _("Hãy viết ý kiến của bạn.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("Ý kiến tối đa %(max)d ký tự (đang có %(n)d).") % {
            "max": MAX_BODY,
            "n": len(body),
        }
    elif len(LINK.findall(body)) > MAX_LINKS:
        errors["body"] = _("Ý kiến có tối đa %(n)d đường dẫn.") % {"n": MAX_LINKS}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    client_key = keyed("address:" + address)
    recent = PublicComment.objects.filter(
        site=site, client_key=client_key, created_at__gte=now - _window()
    ).count()
    if recent >= _limit():
        raise _refused(
            _("Bạn đã gửi nhiều ý kiến trong thời gian ngắn. Hãy gửi lại sau %(n)d phút.")
            % {"n": max(1, int(_window().total_seconds() // 60))}
        )
    body_key = keyed("text:" + " ".join(fold(body).split()))
    if PublicComment.objects.filter(
        site=site, body_key=body_key, created_at__gte=now - DUPLICATE_WINDOW
    ).exists():
        raise _refused(_("Ý kiến này đã được gửi. Cảm ơn bạn."))
    shown_at_once = site.moderation == PublicSite.Moderation.AFTER
    comment = PublicComment.objects.create(
        site=site,
        post=post,
        programme=publication,
        about_programme_id=publication.programme_id if publication else None,
        name=name,
        contact=contact,
        body=body,
        status=PublicComment.Status.PUBLISHED if shown_at_once else PublicComment.Status.PENDING,
        needs_review=True,
        client_key=client_key,
        body_key=body_key,
    )
    tell_editors(site)
    return comment


def comment_report(*, comment: PublicComment) -> None:
    """Someone reported the comment as abusive: it goes back to the queue (it stays shown until
    a moderator decides)."""
    PublicComment.objects.filter(pk=comment.pk).update(
        reports=comment.reports + 1, needs_review=True
    )
    tell_editors(comment.site)


def tell_editors(site: PublicSite) -> None:
    """Tell the editors of the site's unit that comments wait for them: one notice (and e-mail)
    a day per site, however many comments come, so a busy day is not a flood."""
    from django.urls import reverse

    from trienkhai.notifications.services import notify
    from trienkhai.org.selectors import unit_editors

    day = timezone.localdate()
    text = _("Trang công khai “%(site)s” có ý kiến của người dân cần xem.") % {"site": site.title}
    for user in unit_editors(site.unit):
        notify(
            user=user,
            text=text,
            url=reverse("public:comments", args=[site.pk]),
            key=f"public-comments:{site.pk}:{user.pk}:{day.isoformat()}",
            email_subject=_("Ý kiến người dân cần xem"),
        )


def _check(actor, comment: PublicComment) -> PublicComment:
    comment = (
        PublicComment.objects.select_for_update().select_related("site__unit").get(pk=comment.pk)
    )
    if actor is not None and not rules.can_write(actor, comment.site):
        raise PermissionDenied
    return comment


@transaction.atomic
def comment_approve(*, actor, comment: PublicComment) -> PublicComment:
    comment = _check(actor, comment)
    before = comment.status
    comment.status, comment.reason, comment.needs_review = PublicComment.Status.PUBLISHED, "", False
    comment.moderated_by, comment.moderated_at = actor, timezone.now()
    comment.save()
    audit_record(
        actor=actor,
        obj=comment,
        action=AuditEntry.Action.UPDATE,
        changes={"status": [before, comment.status]},
        note="Duyệt ý kiến người dân",
    )
    return comment


@transaction.atomic
def comment_reject(*, actor, comment: PublicComment, reason: str) -> PublicComment:
    """Not shown, with the reason (kept for the organisation, not sent to the writer)."""
    comment = _check(actor, comment)
    reason = normalize(reason)
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do không đăng ý kiến này.")})
    before = comment.status
    comment.status, comment.reason, comment.needs_review = (
        PublicComment.Status.REJECTED,
        reason[:300],
        False,
    )
    comment.moderated_by, comment.moderated_at = actor, timezone.now()
    comment.save()
    audit_record(
        actor=actor,
        obj=comment,
        action=AuditEntry.Action.UPDATE,
        changes={"status": [before, comment.status], "reason": [None, comment.reason]},
        note="Không đăng ý kiến người dân",
    )
    return comment


@transaction.atomic
def comment_reply(*, actor, comment: PublicComment, reply: str) -> PublicComment:
    """The organisation's answer, shown under the comment (an empty reply withdraws it)."""
    comment = _check(actor, comment)
    reply = (reply or "").replace("\r\n", "\n").strip()
    if len(reply) > MAX_BODY:
        raise ValidationError({"reply": _("Trả lời tối đa %(max)d ký tự.") % {"max": MAX_BODY}})
    before = comment.reply
    comment.reply, comment.replied_at = reply, timezone.now() if reply else None
    comment.save(update_fields=["reply", "replied_at"])
    audit_record(
        actor=actor,
        obj=comment,
        action=AuditEntry.Action.UPDATE,
        changes={"reply": [before or None, reply or None]},
        note="Trả lời ý kiến người dân",
    )
    return comment


@transaction.atomic
def comment_erase(*, actor, comment: PublicComment) -> None:
    """Delete a comment and everything that identifies its writer, at the writer's request."""
    comment = _check(actor, comment)
    audit_record(
        actor=actor,
        obj=comment,
        action=AuditEntry.Action.END,
        changes={},
        note="Xóa ý kiến theo yêu cầu của người gửi",
    )
    comment.delete()
