"""Consultation on drafts: rounds, recipients and their comments, the synthesis table, revised
versions, submission and signing.

The life of a draft here: `consultation_open` sends the latest version to people (chosen one by
one, or everyone currently holding a position in some units, e.g. the Standing Committee) with a
deadline; the document goes "in consultation". Recipients answer with comments
(`comment_submit`, late ones accepted and marked) or "no comment" (`comment_none`). The organiser
reminds those missing (`consultation_remind`, a Celery job), marks each comment accepted, partly
accepted or explained (`comment_resolve`: the synthesis table), uploads a revised version linked
to the comments it answers (`version_upload`, "revised"), may open another round, then submits
(`document_submit`) and records the signature (`document_issue`, which numbers and issues).

Notices and e-mails are records written once, in Vietnamese; messages for the person at the
keyboard go through gettext. Services check meaning; the views check who may call them, except
that only a recipient may answer, which is part of what answering means.
"""

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record, diff, snapshot
from trienkhai.lib.dates import format_vi
from trienkhai.lib.text import normalize
from trienkhai.notifications.services import notify
from trienkhai.org.models import Person, Position, PositionRole, Unit
from trienkhai.org.selectors import ROLE_RANK

from . import rules, services
from .models import (
    DRAFT_STATES,
    Comment,
    Consultation,
    DocStatus,
    Document,
    DocumentFile,
    DocumentVersion,
    Recipient,
    Resolution,
)

log = logging.getLogger(__name__)

# A round can be opened on a draft that is not yet submitted.
OPENABLE = {DocStatus.DRAFT, DocStatus.REVISED, DocStatus.IN_CONSULTATION}
NEEDS_RESPONSE = {Resolution.PARTLY, Resolution.EXPLAINED}


def reminder_interval() -> dt.timedelta:
    """How long after one reminder the next may go to the same person: a second click on
    "remind", or the job running twice, sends nothing twice."""
    return dt.timedelta(minutes=getattr(settings, "TRIENKHAI_REMINDER_INTERVAL_MINUTES", 60))


def new_submission_key() -> str:
    """A token for one rendering of a comment form."""
    return secrets.token_urlsafe(24)


def format_deadline(moment: dt.datetime) -> str:
    """ "17:00 ngày 15-9-2020", in the site's time zone."""
    local = timezone.localtime(moment)
    return f"{local:%H:%M} ngày {format_vi(local.date())}"


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


# --- telling people ----------------------------------------------------------------------------
def _send_mail_logged(subject: str, body: str, address: str) -> None:
    # Sent after commit: a mail server that is down must not undo what was saved, nor turn the
    # organiser's page into an error. The in-app notice is there either way.
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except Exception:
        log.exception("Could not send e-mail %r to %s", subject, address)


def _tell(
    *, person: Person, text: str, url: str, key: str, subject: str, body: str, sender: str
) -> bool:
    """An in-app notice (when the person has an account) and an e-mail (when an address is
    known), at most once per key. Returns False when that key was already used."""
    user = person.user if person.user_id else None
    online = user is not None and user.is_active
    fresh = notify(user=user, text=text, url=url, key=key) if online else True
    address = person.email or (user.email if user is not None else "")
    if fresh and address:
        if online:
            message = f"{body}\n\nXem dự thảo và góp ý tại: {settings.TRIENKHAI_SITE_URL}{url}"
        else:
            # A link to a login page helps nobody without an account: ask for a written answer.
            message = (
                f"{body}\n\nĐồng chí chưa có tài khoản trên hệ thống Triển Khai; xin gửi ý kiến "
                f"bằng văn bản về {sender}."
            )
        transaction.on_commit(lambda: _send_mail_logged(subject, message, address))
    return fresh


# --- choosing recipients -----------------------------------------------------------------------
def current_positions(on: dt.date | None = None, **filters) -> QuerySet[Position]:
    """Positions held on `on` (today by default), highest role first."""
    today = on or timezone.localdate()
    return (
        Position.objects.filter(start_on__lte=today, **filters)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=today))
        .select_related("person", "unit")
        .order_by(ROLE_RANK, "unit__path", "person__full_name", "id")
    )


def holders_of(units, roles=(), on: dt.date | None = None) -> list[Position]:
    """Everyone holding a position in `units` on `on` (today by default), optionally in `roles`."""
    qs = current_positions(on, unit__in=list(units))
    if roles:
        qs = qs.filter(role__in=list(roles))
    return list(qs)


def title_of(person: Person, within: Unit | None = None, on: dt.date | None = None) -> str:
    """The person's highest title on `on`, preferring one inside `within`'s subtree."""
    positions = list(current_positions(on, person=person))
    if within is not None:
        inside = [p for p in positions if p.unit.path.startswith(within.path)]
        positions = inside or positions
    if not positions:
        return ""
    first = positions[0]
    return first.title or f"{first.get_role_display()} — {first.unit.name}"


def resolve_recipients(
    *,
    persons=(),
    position_units=(),
    position_roles=(),
    within: Unit | None = None,
    on: dt.date | None = None,
) -> list[tuple[Person, str]]:
    """(person, title) pairs, each person once: holders of positions in the units on `on` first
    (with the title of that position), then the people chosen one by one."""
    chosen: dict[int, tuple[Person, str]] = {}
    for position in holders_of(position_units, position_roles, on) if position_units else []:
        if position.person_id not in chosen:
            title = position.title or f"{position.get_role_display()} — {position.unit.name}"
            chosen[position.person_id] = (position.person, title)
    for person in persons:
        if person.pk not in chosen:
            chosen[person.pk] = (person, title_of(person, within, on))
    return list(chosen.values())


# --- opening a round ---------------------------------------------------------------------------
@transaction.atomic
def consultation_open(
    *,
    actor,
    document: Document,
    persons=(),
    position_units=(),
    position_roles=(),
    deadline: dt.datetime | None,
    message: str = "",
    at: dt.datetime | None = None,
) -> Consultation:
    """Send the draft's latest version to the chosen people for comments by `deadline`.

    With `at`, a round held in the past is recorded from the paper file (opened at `at`): the
    deadline must then follow `at`, and nobody is notified."""
    stored = Document.objects.select_for_update().get(pk=document.pk)
    if stored.status not in OPENABLE:
        raise ValidationError(
            _(
                "Chỉ lấy ý kiến được trên dự thảo chưa trình ký; văn bản này đang ở trạng thái “%(status)s”."
            )
            % {"status": stored.get_status_display()}
        )
    running = stored.consultations.filter(closed_at__isnull=True).first()
    if running is not None:
        raise ValidationError(
            _(
                "Đợt lấy ý kiến lần %(n)d đang mở (hạn %(deadline)s). Hãy kết thúc đợt đó trước khi mở đợt mới."
            )
            % {"n": running.round_number, "deadline": format_deadline(running.deadline)}
        )
    errors = {}
    now = at or timezone.now()
    if deadline is None:
        errors["deadline"] = _("Hãy nhập hạn góp ý.")
    elif deadline <= now:
        errors["deadline"] = _(
            "Hạn góp ý %(deadline)s đã qua. Hãy chọn một thời điểm sau bây giờ."
        ) % {"deadline": format_deadline(deadline)}
    chosen = resolve_recipients(
        persons=persons,
        position_units=position_units,
        position_roles=position_roles,
        within=stored.owner_unit,
        on=timezone.localtime(now).date(),
    )
    if not chosen:
        if position_units:
            errors["position_units"] = _(
                "Hiện không có ai giữ chức vụ (với vai trò đã chọn) ở các đơn vị đã chọn. Hãy chọn đơn vị, vai trò khác hoặc chọn từng người."
            )
        else:
            errors["persons"] = _(
                "Hãy chọn người được xin ý kiến: chọn từng người, hoặc chọn một đơn vị (ví dụ Ban Thường vụ) để gửi cho mọi người đang giữ chức vụ ở đó."
            )
    if errors:
        raise ValidationError(errors)

    version = stored.versions.order_by("-number").first()
    if version is None:  # a draft registered before versions were kept
        version = DocumentVersion.objects.create(document=stored, number=1, created_by=_user(actor))
    round_number = (stored.consultations.aggregate(m=Max("round_number"))["m"] or 0) + 1
    consultation = Consultation.objects.create(
        document=stored,
        version=version,
        round_number=round_number,
        organiser=_user(actor),
        message=(message or "").strip(),
        deadline=deadline,
    )
    if at is not None:  # auto_now_add ignores a given value
        Consultation.objects.filter(pk=consultation.pk).update(opened_at=at)
        consultation.opened_at = at
    Recipient.objects.bulk_create(
        [
            Recipient(consultation=consultation, person=person, title=title[:200])
            for person, title in chosen
        ]
    )
    if stored.status != DocStatus.IN_CONSULTATION:
        services.document_set_status(
            actor=actor,
            document=stored,
            status=DocStatus.IN_CONSULTATION,
            note=f"Lấy ý kiến lần {round_number}, hạn {format_deadline(deadline)}",
        )
    audit_record(
        actor=actor,
        obj=consultation,
        action=AuditEntry.Action.CREATE,
        changes={
            "deadline": [None, deadline.isoformat()],
            "recipients": [None, [person.full_name for person, _title in chosen]],
            "version": [None, version.number],
        },
        note=f"Lấy ý kiến lần {round_number}: {len(chosen)} người",
    )
    if at is not None:
        return consultation
    url = reverse("documents:respond", args=[consultation.pk])
    summary = stored.summary[:200]
    for recipient in consultation.recipients.select_related("person__user"):
        _tell(
            person=recipient.person,
            text=f"Xin ý kiến dự thảo “{summary}”, hạn góp ý {format_deadline(deadline)}.",
            url=url,
            key=f"consultation:{consultation.pk}:open:{recipient.pk}",
            subject=f"Xin ý kiến dự thảo: {summary[:120]}",
            body=(
                f"Kính gửi {recipient.person.full_name},\n\n"
                f"{stored.issuer_name} xin ý kiến đối với dự thảo “{stored.summary}” "
                f"(phiên bản {version.number}). Hạn góp ý: {format_deadline(deadline)}."
                + (f"\n\n{consultation.message}" if consultation.message else "")
            ),
            sender=stored.issuer_name,
        )
    return consultation


# --- answering ---------------------------------------------------------------------------------
def _answering_recipient(actor, consultation: Consultation, on_behalf_of: Recipient | None):
    if on_behalf_of is not None:
        if on_behalf_of.consultation_id != consultation.pk:
            raise ValidationError(_("Người này không có trong danh sách được xin ý kiến đợt này."))
        return on_behalf_of
    recipient = rules.recipient_for(actor, consultation)
    if recipient is None:
        raise ValidationError(_("Bạn không có trong danh sách được xin ý kiến đợt này."))
    return recipient


def _require_open(consultation: Consultation) -> Consultation:
    fresh = Consultation.objects.get(pk=consultation.pk)
    if fresh.closed_at is not None:
        raise ValidationError(
            _("Đợt lấy ý kiến lần %(n)d đã kết thúc ngày %(day)s; không nhận thêm ý kiến.")
            % {"n": fresh.round_number, "day": format_vi(timezone.localtime(fresh.closed_at))}
        )
    return fresh


@transaction.atomic
def comment_submit(
    *,
    actor,
    consultation: Consultation,
    text: str,
    section: str = "",
    submission_key: str = "",
    on_behalf_of: Recipient | None = None,
    at: dt.datetime | None = None,
) -> Comment:
    """Record a recipient's comment on the whole draft or on one article/paragraph.

    After the deadline the comment is accepted and marked late. A second submission of the same
    form (same `submission_key`: a double click, a reload) returns the first comment. With
    `on_behalf_of`, an organiser records a comment received on paper for that recipient; `at`
    gives the moment it was received (for a round recorded from the paper file).
    """
    recipient = _answering_recipient(actor, consultation, on_behalf_of)
    key = (submission_key or "").strip()
    # Keys live in one unique column: prefixing the recipient keeps one person's token from
    # ever finding another person's comment.
    key = f"{recipient.pk}:{key}"[:64] if key else None
    if key is not None:
        first = Comment.objects.filter(submission_key=key).first()
        if first is not None:
            return first
    fresh = _require_open(consultation)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Hãy nhập nội dung góp ý.")})
    section = normalize(section or "")
    if len(section) > 100:
        raise ValidationError(
            {
                "section": _(
                    "Điều, khoản góp ý dài quá 100 ký tự; hãy ghi ngắn, ví dụ “Điều 5, khoản 2”."
                )
            }
        )
    now = at or timezone.now()
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                consultation=fresh,
                recipient=recipient,
                section=section,
                text=text,
                is_late=now > fresh.deadline,
                submission_key=key,
            )
    except IntegrityError:
        # The same form submitted twice at once: the other request saved it first.
        first = Comment.objects.filter(submission_key=key).first() if key else None
        if first is None:
            raise
        return first
    if at is not None:
        Comment.objects.filter(pk=comment.pk).update(created_at=at)
        comment.created_at = at
    Recipient.objects.filter(pk=recipient.pk, answered_at__isnull=True).update(answered_at=now)
    Recipient.objects.filter(pk=recipient.pk, no_comment=True).update(no_comment=False)
    note = "Góp ý" + (" (gửi sau hạn)" if comment.is_late else "")
    if on_behalf_of is not None:
        note += f", ghi thay cho {recipient.person.full_name}"
    audit_record(
        actor=actor,
        obj=comment,
        action=AuditEntry.Action.CREATE,
        changes={"section": [None, section], "text": [None, text[:300]]},
        note=note,
    )
    return comment


@transaction.atomic
def comment_none(
    *,
    actor,
    consultation: Consultation,
    on_behalf_of: Recipient | None = None,
    at: dt.datetime | None = None,
) -> Recipient:
    """ "No comment" is an answer: the recipient is counted as having answered."""
    recipient = _answering_recipient(actor, consultation, on_behalf_of)
    fresh = _require_open(consultation)
    stored = Recipient.objects.select_for_update().get(pk=recipient.pk)
    if stored.no_comment:
        return stored
    sent = stored.comments.count()
    if sent:
        raise ValidationError(
            _("Đã gửi %(n)d ý kiến trong đợt này nên không thể chọn “Không có ý kiến”.")
            % {"n": sent}
        )
    now = at or timezone.now()
    stored.no_comment = True
    stored.answered_at = stored.answered_at or now
    stored.save(update_fields=["no_comment", "answered_at"])
    audit_record(
        actor=actor,
        obj=fresh,
        action=AuditEntry.Action.UPDATE,
        changes={"no_comment": [None, stored.person.full_name]},
        note="Không có ý kiến" + (" (sau hạn)" if now > fresh.deadline else ""),
    )
    return stored


def recipients_missing(consultation: Consultation) -> QuerySet[Recipient]:
    """Recipients who have neither commented nor said "no comment"."""
    return consultation.recipients.filter(answered_at__isnull=True).select_related("person__user")


# --- reminders ---------------------------------------------------------------------------------
def recipients_due_reminder(consultation: Consultation, now=None) -> QuerySet[Recipient]:
    """Missing recipients not reminded within the reminder interval."""
    now = now or timezone.now()
    return (
        recipients_missing(consultation)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - reminder_interval()))
        # Nobody can be reminded without an account or an address: they get a paper copy.
        .exclude(person__user__isnull=True, person__email="")
    )


@transaction.atomic
def consultation_remind(*, actor, consultation: Consultation) -> int:
    """Queue reminders (e-mail and in-app) to those who have not answered; returns how many are
    due. People reminded within the interval are skipped."""
    fresh = _require_open(consultation)
    due = recipients_due_reminder(fresh).count()
    if due:
        audit_record(
            actor=actor,
            obj=fresh,
            action=AuditEntry.Action.UPDATE,
            changes={"reminders": [None, due]},
            note=f"Nhắc góp ý: {due} người",
        )
        from . import jobs

        transaction.on_commit(lambda: jobs.send_consultation_reminders.delay(fresh.pk))
    return due


def consultation_send_reminders(*, consultation_id: int, now=None) -> int:
    """Remind each missing recipient once: each one is claimed by a conditional update, so two
    runs (or two workers) never remind the same person twice. Returns how many were reminded."""
    consultation = (
        Consultation.objects.select_related("document")
        .filter(pk=consultation_id, closed_at__isnull=True)
        .first()
    )
    if consultation is None:
        return 0
    now = now or timezone.now()
    document = consultation.document
    url = reverse("documents:respond", args=[consultation.pk])
    sent = 0
    for recipient in recipients_due_reminder(consultation, now):
        claimed = Recipient.objects.filter(
            pk=recipient.pk, answered_at__isnull=True, reminded_at=recipient.reminded_at
        ).update(reminded_at=now, reminders_sent=F("reminders_sent") + 1)
        if claimed != 1:
            continue
        count = recipient.reminders_sent + 1
        overdue = consultation.deadline < now
        when = format_deadline(consultation.deadline)
        _tell(
            person=recipient.person,
            text=(
                f"Nhắc góp ý dự thảo “{document.summary[:200]}”: "
                + (f"đã quá hạn {when}." if overdue else f"hạn {when}.")
            ),
            url=url,
            key=f"consultation:{consultation.pk}:remind:{recipient.pk}:{count}",
            subject=f"Nhắc góp ý dự thảo: {document.summary[:120]}",
            body=(
                f"Kính gửi {recipient.person.full_name},\n\n"
                f"{document.issuer_name} chưa nhận được ý kiến của đồng chí đối với dự thảo "
                f"“{document.summary}”. "
                + (
                    f"Hạn góp ý ({when}) đã qua; ý kiến gửi bây giờ vẫn được ghi nhận."
                    if overdue
                    else f"Hạn góp ý: {when}."
                )
                + " Nếu không có ý kiến, xin báo “Không có ý kiến”."
            ),
            sender=document.issuer_name,
        )
        sent += 1
    return sent


# --- the synthesis table -----------------------------------------------------------------------
@transaction.atomic
def comment_resolve(*, actor, comment: Comment, resolution: str, response: str = "") -> Comment:
    """Mark a comment accepted, partly accepted or explained, with the response text (required
    when it is not simply accepted)."""
    stored = (
        Comment.objects.select_for_update()
        .select_related("consultation__document")
        .get(pk=comment.pk)
    )
    if stored.consultation.document.status not in DRAFT_STATES:
        raise ValidationError(_("Văn bản đã ban hành; bảng tổng hợp ý kiến không sửa được nữa."))
    if resolution not in Resolution.values:
        raise ValidationError(
            {"resolution": _("Hãy chọn cách xử lý: tiếp thu, tiếp thu một phần hoặc giải trình.")}
        )
    response = (response or "").strip()
    if resolution in NEEDS_RESPONSE and not response:
        raise ValidationError(
            {
                "response": _(
                    "Ý kiến được “%(how)s” cần có nội dung giải trình: hãy nêu phần nào được tiếp thu và lý do."
                )
                % {"how": Resolution(resolution).label}
            }
        )
    before = snapshot(stored, ["resolution", "response"])
    stored.resolution = resolution
    stored.response = response
    pending = resolution == Resolution.PENDING
    stored.resolved_by = None if pending else _user(actor)
    stored.resolved_at = None if pending else timezone.now()
    stored.save(update_fields=["resolution", "response", "resolved_by", "resolved_at"])
    changes = diff(before, snapshot(stored, ["resolution", "response"]))
    if changes:
        audit_record(
            actor=actor,
            obj=stored,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
            note="Bảng tổng hợp, tiếp thu, giải trình ý kiến",
        )
    return stored


# --- closing, revising, submitting, signing ----------------------------------------------------
def _close(actor, consultation: Consultation, note: str, at=None) -> None:
    consultation.closed_at = at or timezone.now()
    consultation.save(update_fields=["closed_at"])
    audit_record(
        actor=actor,
        obj=consultation,
        action=AuditEntry.Action.END,
        changes={"closed_at": [None, consultation.closed_at.isoformat()]},
        note=note,
    )


@transaction.atomic
def consultation_close(
    *, actor, consultation: Consultation, at: dt.datetime | None = None
) -> Consultation:
    """End a round: no more comments are taken (closing twice changes nothing). `at` records
    when a past round ended."""
    stored = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if stored.closed_at is not None:
        return stored
    stats = round_stats(stored)
    _close(
        actor,
        stored,
        f"Kết thúc lấy ý kiến lần {stored.round_number}: {stats['answered']}/{stats['total']} "
        f"người đã trả lời, {stats['comments']} ý kiến",
        at=at,
    )
    return stored


@transaction.atomic
def version_upload(
    *, actor, document: Document, uploaded, note: str = "", answers=()
) -> DocumentVersion:
    """Add the next version of a draft with its file, linked to the comments it answers. An open
    round ends (its comments are what the new version answers); the draft becomes "revised"."""
    from . import files

    stored = Document.objects.select_for_update().get(pk=document.pk)
    if stored.status not in DRAFT_STATES:
        raise ValidationError(_("Văn bản đã ban hành; không thể tải lên phiên bản dự thảo mới."))
    if not uploaded:
        raise ValidationError({"uploaded": _("Hãy chọn tệp dự thảo đã chỉnh sửa.")})
    ids = {getattr(a, "pk", a) for a in answers}
    comments = Comment.objects.filter(pk__in=ids, consultation__document=stored)
    if comments.count() != len(ids):
        raise ValidationError({"answers": _("Có ý kiến được chọn không thuộc dự thảo này.")})
    number = (stored.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = DocumentVersion.objects.create(
        document=stored, number=number, note=(note or "").strip(), created_by=_user(actor)
    )
    try:
        files.file_attach(actor=actor, document=stored, uploaded=uploaded, version=version)
    except ValidationError as error:
        # Whatever is wrong with the file (its kind, its size, a copy already attached) is
        # about the file field of the upload form.
        raise ValidationError({"uploaded": error.messages}) from error
    comments.update(answered_in=version)
    for running in stored.consultations.select_for_update().filter(closed_at__isnull=True):
        _close(
            actor,
            running,
            f"Kết thúc lấy ý kiến lần {running.round_number} khi tải lên phiên bản {number}",
        )
    if stored.status in {DocStatus.IN_CONSULTATION, DocStatus.SUBMITTED}:
        services.document_set_status(
            actor=actor,
            document=stored,
            status=DocStatus.REVISED,
            note=f"Phiên bản {number}: tiếp thu {len(ids)} ý kiến",
        )
    audit_record(
        actor=actor,
        obj=stored,
        action=AuditEntry.Action.UPDATE,
        changes={"version": [number - 1, number], "answers": [None, sorted(ids)]},
        note=f"Tải lên dự thảo phiên bản {number}",
    )
    return version


def submit_blockers(document: Document) -> list[str]:
    """Why the draft cannot go for signature yet (empty when it can)."""
    problems = []
    running = document.consultations.filter(closed_at__isnull=True).first()
    if running is not None:
        problems.append(
            _("Đợt lấy ý kiến lần %(n)d đang mở; hãy kết thúc đợt đó trước.")
            % {"n": running.round_number}
        )
    pending = Comment.objects.filter(
        consultation__document=document, resolution=Resolution.PENDING
    ).count()
    if pending:
        problems.append(
            _("Còn %(n)d ý kiến chưa được xử lý trong bảng tổng hợp (tiếp thu hoặc giải trình).")
            % {"n": pending}
        )
    return problems


@transaction.atomic
def document_submit(*, actor, document: Document, note: str = "") -> Document:
    """Send the draft for signature once every round is closed and every comment answered."""
    stored = Document.objects.select_for_update().get(pk=document.pk)
    problems = submit_blockers(stored)
    if problems:
        raise ValidationError(problems)
    return services.document_set_status(
        actor=actor,
        document=stored,
        status=DocStatus.SUBMITTED,
        note=(note or "Trình ký").strip()[:500],
    )


@transaction.atomic
def document_issue(
    *,
    actor,
    document: Document,
    issued_on: dt.date,
    number: int | None = None,
    signer: Person | None = None,
    signer_title: str = "",
) -> Document:
    """Record the signature of a draft whose consultation is over: it gets its number and date
    and becomes issued (services.document_sign)."""
    running = document.consultations.filter(closed_at__isnull=True).first()
    if running is not None:
        raise ValidationError(
            _("Đợt lấy ý kiến lần %(n)d đang mở; hãy kết thúc đợt đó trước khi ký ban hành.")
            % {"n": running.round_number}
        )
    if signer is not None and not (signer_title or "").strip():
        signer_title = title_of(signer, document.issuer_unit)
    return services.document_sign(
        actor=actor,
        document=document,
        issued_on=issued_on,
        number=number,
        signer=signer,
        signer_title=(signer_title or "").strip(),
    )


# --- reading -----------------------------------------------------------------------------------
def round_stats(consultation: Consultation) -> dict:
    """Counts for a round: recipients, answered, no comment, missing, comments, late, pending."""
    people = consultation.recipients.aggregate(
        total=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        no_comment=Count("id", filter=Q(no_comment=True)),
    )
    comments = consultation.comments.aggregate(
        comments=Count("id"),
        late=Count("id", filter=Q(is_late=True)),
        pending=Count("id", filter=Q(resolution=Resolution.PENDING)),
    )
    return {**people, **comments, "missing": people["total"] - people["answered"]}


def rounds_of(document: Document) -> QuerySet[Consultation]:
    return (
        document.consultations.select_related("version", "organiser")
        .annotate(
            n_recipients=Count("recipients", distinct=True),
            n_answered=Count(
                "recipients", filter=Q(recipients__answered_at__isnull=False), distinct=True
            ),
            n_comments=Count("comments", distinct=True),
        )
        .order_by("round_number")
    )


def synthesis_rows(consultation: Consultation) -> QuerySet[Comment]:
    """The comments of a round in the order of the synthesis table."""
    return consultation.comments.select_related(
        "recipient__person", "answered_in", "resolved_by"
    ).order_by("id")


def recipients_of(consultation: Consultation) -> QuerySet[Recipient]:
    return (
        consultation.recipients.select_related("person__user")
        .annotate(
            n_comments=Count("comments"), n_late=Count("comments", filter=Q(comments__is_late=True))
        )
        .order_by("id")
    )


def rounds_for_person(person: Person | None) -> QuerySet[Recipient]:
    """What a person is asked to comment on: open rounds first, nearest deadline first."""
    if person is None:
        return Recipient.objects.none()
    return (
        Recipient.objects.filter(person=person)
        .select_related("consultation__document", "consultation__version")
        .order_by(F("consultation__closed_at").desc(nulls_first=True), "consultation__deadline")
    )


def round_files(consultation: Consultation) -> list[DocumentFile]:
    """The files sent in a round: those of its version, else the draft's files kept without one."""
    files = list(DocumentFile.objects.filter(version=consultation.version).order_by("id"))
    if not files:
        files = list(
            DocumentFile.objects.filter(
                document=consultation.document_id, version__isnull=True
            ).order_by("id")
        )
    return files


def people_to_consult(user, document: Document) -> QuerySet[Person]:
    """People an organiser may pick one by one: those kept in or holding a position in the
    draft's register unit or below it, among those the organiser may see."""
    from trienkhai.org import rules as org_rules

    owner = document.owner_unit
    here = Person.objects.filter(
        Q(home_unit__path__startswith=owner.path) | Q(positions__unit__path__startswith=owner.path)
    ).values("pk")
    return org_rules.filter_people(user, Person.objects.filter(pk__in=here)).order_by(
        "name_folded", "id"
    )


def groups_to_consult(document: Document) -> list[tuple[Unit, int]]:
    """Units at and just below the draft's register unit where people hold positions today
    (the Standing Committee, the Executive Committee...), with how many hold one."""
    owner = document.owner_unit
    today = timezone.localdate()
    current = Q(positions__start_on__lte=today) & (
        Q(positions__end_on__isnull=True) | Q(positions__end_on__gte=today)
    )
    units = (
        Unit.objects.filter(
            path__startswith=owner.path, depth__lte=owner.depth + 1, ended_on__isnull=True
        )
        .annotate(holders=Count("positions__person", filter=current, distinct=True))
        .filter(holders__gt=0)
        .order_by("path")
    )
    return [(unit, unit.holders) for unit in units]


ROLE_CHOICES = PositionRole.choices
