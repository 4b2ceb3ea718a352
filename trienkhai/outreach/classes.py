"""Writes of classes (lớp quán triệt) and their lists of attendees.

A class is held by the campaign's organising unit or by a unit at or below a delegated one
(`rules.can_hold_class`). Its attendance per target group is typed as counts, or follows its
list of people once the list is kept (`attendance.class_counts_refresh`). Every change is
audited on the class.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record, diff, snapshot
from trienkhai.documents import rules as document_rules
from trienkhai.lib.dates import format_vi
from trienkhai.org.models import Unit

from . import attendance, rules
from .models import (
    AttendanceStatus,
    Attendee,
    Campaign,
    ClassGroup,
    ClassSession,
    ClassStatus,
    TargetGroup,
)
from .services import MAX_PEOPLE, _names, _user

CLASS_FIELDS = [
    "organiser",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "presenters",
    "notes",
    "status",
    "makeup_of",
]
GROUPS_KEY = "số người theo đối tượng (tham dự/dự kiến)"
ATTENDEE_FIELDS = ["full_name", "workplace", "target_group", "status", "made_up_in", "note"]


# --- classes ------------------------------------------------------------------------------------
def _groups_text(session: ClassSession) -> str:
    parts = []
    for g in session.groups.select_related("target_group").order_by("target_group__position"):
        attended = "—" if g.attended is None else g.attended
        parts.append(f"{g.target_group.name}: {attended}/{g.expected}")
    return "; ".join(parts)


def _local(moment) -> str | None:
    """A time as the audit page shows it: 8-9-2020 07:30, in the site's time zone."""
    if moment is None:
        return None
    local = timezone.localtime(moment)
    return f"{format_vi(local.date())} {local:%H:%M}"


def _attendee_record(attendee: Attendee) -> dict:
    """The audited view of a listed person, logged on their class: keyed by the labels of the
    person's fields (the class has fields of the same names that mean other things)."""
    values = snapshot(attendee, ATTENDEE_FIELDS)
    values["status"] = attendee.get_status_display()
    return {str(Attendee._meta.get_field(k).verbose_name): v for k, v in values.items()}


def _class_record(session: ClassSession) -> dict:
    view = snapshot(session, CLASS_FIELDS)
    for name in ("starts_at", "ends_at"):
        moment = getattr(session, name)
        view[name] = _local(moment)
    view["materials"] = _names(d.number_text or d.summary[:60] for d in session.materials.all())
    # Keyed by its label: "groups" is no field of the class the audit page could name.
    view[GROUPS_KEY] = _groups_text(session)
    return view


def _check_class(session: ClassSession, actor, materials, groups) -> None:
    errors: dict[str, str] = {}
    campaign = session.campaign
    session.title = (session.title or "").strip()
    if not session.title:
        errors["title"] = _("Hãy nhập tên lớp.")
    organiser = session.organiser if session.organiser_id else None
    if organiser is None:
        errors["organiser"] = _("Hãy chọn đơn vị tổ chức lớp.")
    elif actor is not None and not rules.can_hold_class(actor, campaign, organiser):
        errors["organiser"] = _(
            "“%(unit)s” không tổ chức lớp được cho đợt quán triệt này, hoặc bạn không có quyền "
            "biên tập đơn vị đó. Lớp do đơn vị tổ chức đợt quán triệt hoặc đơn vị được giao "
            "(và các đơn vị trực thuộc) tổ chức."
        ) % {"unit": organiser.name}
    elif not _within_campaign(campaign, organiser):
        errors["organiser"] = _("“%(unit)s” không thuộc phạm vi đợt quán triệt.") % {
            "unit": organiser.name
        }
    if session.starts_at is None:
        errors["starts_at"] = _("Hãy nhập ngày giờ bắt đầu.")
    elif session.ends_at is not None and session.ends_at <= session.starts_at:
        errors["ends_at"] = _("Giờ kết thúc phải sau giờ bắt đầu.")
    elif (
        session.status == ClassStatus.HELD
        and timezone.localtime(session.starts_at).date() > timezone.localdate()
    ):
        errors["status"] = _("Lớp chưa đến ngày học thì chưa ghi “Đã tổ chức” được.")
    if session.status not in ClassStatus.values:
        errors["status"] = _("Trạng thái không hợp lệ.")
    if session.makeup_of_id:
        if session.makeup_of.campaign_id != campaign.pk:
            errors["makeup_of"] = _("Lớp được học bù phải thuộc cùng đợt quán triệt.")
        elif session.pk and session.makeup_of_id == session.pk:
            errors["makeup_of"] = _("Một lớp không thể là lớp bù cho chính nó.")
    if actor is not None:
        for doc in materials:
            if not document_rules.can_view(actor, doc):
                errors["materials"] = _("Không tìm thấy một tài liệu đã chọn.")
    for group, (expected, attended) in groups.items():
        for n in (expected, attended):
            if n is not None and (n < 0 or n > MAX_PEOPLE):
                errors["groups"] = _("Số người của nhóm %(group)s không hợp lệ.") % {
                    "group": group.name
                }
    if errors:
        raise ValidationError(errors)


def _within_campaign(campaign: Campaign, unit: Unit) -> bool:
    if unit.path.startswith(campaign.owner_unit.path):
        return True
    return any(
        unit.path.startswith(p) for p in campaign.delegations.values_list("unit__path", flat=True)
    )


def _save_groups(session: ClassSession, groups: dict) -> None:
    """`groups` maps a target group to (expected, attended); groups left out are removed."""
    keep = []
    for group, (expected, attended) in groups.items():
        ClassGroup.objects.update_or_create(
            session=session,
            target_group=group,
            defaults={"expected": expected or 0, "attended": attended},
        )
        keep.append(group.pk)
    session.groups.exclude(target_group_id__in=keep).delete()


@transaction.atomic
def class_create(
    *,
    actor,
    campaign: Campaign,
    organiser: Unit,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    place: str = "",
    presenters: str = "",
    groups: dict | None = None,
    materials=(),
    notes: str = "",
    status: str = ClassStatus.PLANNED,
    makeup_of: ClassSession | None = None,
) -> ClassSession:
    """A class of `campaign` held by `organiser`. `groups` maps a TargetGroup to (expected,
    attended or None)."""
    groups, materials = dict(groups or {}), list(materials or [])
    session = ClassSession(
        campaign=campaign,
        organiser=organiser,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place or "",
        presenters=presenters or "",
        notes=notes or "",
        status=status or ClassStatus.PLANNED,
        makeup_of=makeup_of,
        created_by=_user(actor),
    )
    _check_class(session, actor, materials, groups)
    session.save()
    session.materials.set(materials)
    _save_groups(session, groups)
    audit_record(
        actor=actor,
        obj=session,
        action=AuditEntry.Action.CREATE,
        changes=diff({}, _class_record(session)),
    )
    return session


@transaction.atomic
def class_update(*, actor, session: ClassSession, **data) -> ClassSession:
    """Change a class. With a list of attendees, attendance comes from the list, not the typed
    counts."""
    unknown = set(data) - set(CLASS_FIELDS) - {"groups", "materials"}
    if unknown:
        raise ValueError(f"class_update cannot change {sorted(unknown)}")
    session = ClassSession.objects.select_for_update().select_related("campaign").get(pk=session.pk)
    if actor is not None and not rules.can_edit_class(actor, session):
        raise ValidationError(_("Bạn không có quyền sửa lớp này."))
    before = _class_record(session)
    materials = list(data.pop("materials", session.materials.all()))
    groups = data.pop("groups", None)
    for name, value in data.items():
        if name in ("place", "presenters", "notes"):
            value = value or ""
        setattr(session, name, value)
    _check_class(session, actor, materials, groups or {})
    session.save()
    session.materials.set(materials)
    if groups is not None:
        _save_groups(session, groups)
    attendance.class_counts_refresh(session)
    changes = diff(before, _class_record(session))
    if changes:
        audit_record(actor=actor, obj=session, action=AuditEntry.Action.UPDATE, changes=changes)
    return session


@transaction.atomic
def class_cancel(*, actor, session: ClassSession, reason: str = "") -> ClassSession:
    """Cancel a class: it stays on record, marked, and counts for nobody."""
    session = ClassSession.objects.select_for_update().get(pk=session.pk)
    if actor is not None and not rules.can_edit_class(actor, session):
        raise ValidationError(_("Bạn không có quyền hủy lớp này."))
    if session.status == ClassStatus.CANCELLED:
        return session
    before = session.status
    session.status = ClassStatus.CANCELLED
    session.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        obj=session,
        action=AuditEntry.Action.UPDATE,
        changes={"status": [before, session.status]},
        note=(reason or "").strip()[:500],
    )
    return session


# --- attendees ----------------------------------------------------------------------------------
def _check_edit_class(actor, session: ClassSession) -> None:
    if actor is not None and not rules.can_edit_class(actor, session):
        raise ValidationError(_("Bạn không có quyền cập nhật danh sách lớp này."))


def _refresh(*sessions) -> None:
    """Recount the classes whose list changed. A class whose list became empty again reached
    nobody by the list: its counts go back to zero rather than keeping the last list's."""
    for session in {s.pk: s for s in sessions if s is not None}.values():
        listed = Attendee.objects.filter(session=session).exists()
        made_up = Attendee.objects.filter(made_up_in=session).exclude(session=session).exists()
        if not listed and not made_up:
            session.groups.exclude(attended=0).update(attended=0)
        else:
            attendance.class_counts_refresh(session)


def _check_attendee(attendee: Attendee) -> None:
    errors = {}
    attendee.full_name = (attendee.full_name or "").strip()
    if not attendee.full_name:
        errors["full_name"] = _("Hãy nhập họ và tên.")
    if not attendee.target_group_id:
        errors["target_group"] = _("Hãy chọn đối tượng.")
    if attendee.status not in AttendanceStatus.values:
        errors["status"] = _("Điểm danh không hợp lệ.")
    if attendee.made_up_in_id:
        makeup = attendee.made_up_in
        if attendee.status == AttendanceStatus.PRESENT:
            errors["made_up_in"] = _("Người có mặt thì không cần học bù.")
        elif makeup.pk == attendee.session_id:
            errors["made_up_in"] = _("Lớp học bù phải là một lớp khác.")
        elif makeup.campaign_id != attendee.session.campaign_id:
            errors["made_up_in"] = _("Lớp học bù phải thuộc cùng đợt quán triệt.")
        elif makeup.status == ClassStatus.CANCELLED:
            errors["made_up_in"] = _("Lớp học bù đã bị hủy.")
    if errors:
        raise ValidationError(errors)


def _attendee_note(verb: str, attendee: Attendee) -> str:
    return (
        f"{verb}: {attendee.full_name} ({attendee.target_group}, {attendee.get_status_display()})"
    )


@transaction.atomic
def attendee_add(
    *,
    actor,
    session: ClassSession,
    full_name: str,
    target_group: TargetGroup,
    status: str = AttendanceStatus.PRESENT,
    workplace: str = "",
    note: str = "",
    made_up_in: ClassSession | None = None,
    person=None,
) -> Attendee:
    """List a person in a class; the class's counts follow the list."""
    _check_edit_class(actor, session)
    attendee = Attendee(
        session=session,
        person=person,
        full_name=full_name,
        workplace=workplace or "",
        target_group=target_group,
        status=status or AttendanceStatus.PRESENT,
        note=note or "",
        made_up_in=made_up_in,
    )
    _check_attendee(attendee)
    attendee.save()
    _refresh(session, made_up_in)
    audit_record(
        actor=actor,
        obj=session,
        action=AuditEntry.Action.UPDATE,
        note=_attendee_note(_("Thêm người tham dự"), attendee),
    )
    return attendee


@transaction.atomic
def attendee_update(*, actor, attendee: Attendee, **data) -> Attendee:
    """Change a listed person: their attendance, or the class where they made up an absence
    (`made_up_in`; marked by the editors of either class)."""
    unknown = set(data) - set(ATTENDEE_FIELDS)
    if unknown:
        raise ValueError(f"attendee_update cannot change {sorted(unknown)}")
    attendee = Attendee.objects.select_for_update().select_related("session").get(pk=attendee.pk)
    old_makeup = attendee.made_up_in
    new_makeup = data.get("made_up_in", old_makeup)
    may = actor is None or rules.can_edit_class(actor, attendee.session)
    if not may and set(data) <= {"made_up_in"} and new_makeup is not None:
        may = rules.can_edit_class(actor, new_makeup)  # the make-up class's organiser marks it
    if not may:
        raise ValidationError(_("Bạn không có quyền cập nhật danh sách lớp này."))
    before = _attendee_record(attendee)
    for name, value in data.items():
        setattr(attendee, name, "" if value is None and name in ("workplace", "note") else value)
    if attendee.status == AttendanceStatus.PRESENT:
        attendee.made_up_in = None
    _check_attendee(attendee)
    attendee.save()
    _refresh(attendee.session, old_makeup, attendee.made_up_in)
    changes = diff(before, _attendee_record(attendee))
    if changes:
        audit_record(
            actor=actor,
            obj=attendee.session,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
            note=_attendee_note(_("Sửa người tham dự"), attendee),
        )
    return attendee


@transaction.atomic
def attendee_remove(*, actor, attendee: Attendee) -> None:
    attendee = Attendee.objects.select_related("session", "target_group").get(pk=attendee.pk)
    _check_edit_class(actor, attendee.session)
    session, makeup = attendee.session, attendee.made_up_in
    note = _attendee_note(_("Xóa người tham dự"), attendee)
    attendee.delete()
    _refresh(session, makeup)
    audit_record(actor=actor, obj=session, action=AuditEntry.Action.UPDATE, note=note)
