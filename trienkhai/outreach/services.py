"""Writes of dissemination campaigns: campaigns, quotas and delegations (classes: classes.py).

Every function checks who may do it (`rules`) and what the values mean, raises ValidationError
with Vietnamese messages keyed by form field, and writes the audit log. `actor=None` is the
system (the demo loader, an import): it skips the permission checks, never the meaning checks.
Delegated units are told about their new work once (a notice keyed by delegation and user).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record, diff, snapshot
from trienkhai.documents import rules as document_rules
from trienkhai.lib.dates import format_vi, period_end
from trienkhai.notifications.services import notify
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.org.selectors import unit_editors
from trienkhai.plans.models import Precision

from . import rules
from .models import (
    Campaign,
    CampaignStatus,
    Delegation,
    DelegationStatus,
    Quota,
)

CAMPAIGN_FIELDS = [
    "title",
    "owner_unit",
    "plan_document",
    "description",
    "start_on",
    "deadline",
    "deadline_precision",
    "status",
]
MAX_PEOPLE = 1_000_000  # a class, a quota: more than this is a typing mistake


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _names(objects) -> str:
    return ", ".join(sorted(str(o) for o in objects))


# --- campaigns ----------------------------------------------------------------------------------
def _campaign_record(campaign: Campaign, documents=None, target_groups=None) -> dict:
    view = snapshot(campaign, CAMPAIGN_FIELDS)
    docs = campaign.documents.all() if documents is None else documents
    view["documents"] = _names(d.number_text or d.summary[:60] for d in docs)
    groups = campaign.target_groups.all() if target_groups is None else target_groups
    view["target_groups"] = _names(groups)
    return view


def _check_campaign(campaign: Campaign, actor, documents, target_groups) -> None:
    errors: dict[str, str] = {}
    campaign.title = (campaign.title or "").strip()
    if not campaign.title:
        errors["title"] = _("Hãy nhập tên đợt quán triệt.")
    owner = campaign.owner_unit if campaign.owner_unit_id else None
    if owner is None:
        errors["owner_unit"] = _("Hãy chọn đơn vị tổ chức.")
    elif actor is not None and not org_rules.can_edit_unit(actor, owner):
        errors["owner_unit"] = _(
            "Bạn không có quyền tổ chức quán triệt thay cho “%(unit)s”: cần quyền biên tập đơn vị "
            "này."
        ) % {"unit": owner.name}
    # A campaign of the past (entered afterwards) may belong to a unit that has since ended.
    elif owner.ended_on is not None and owner.ended_on <= (
        campaign.start_on or timezone.localdate()
    ):
        errors["owner_unit"] = _("“%(unit)s” đã kết thúc hoạt động ngày %(day)s.") % {
            "unit": owner.name,
            "day": format_vi(owner.ended_on),
        }
    visible = [campaign.plan_document] if campaign.plan_document_id else []
    if actor is not None:
        for doc in visible:
            if not document_rules.can_view(actor, doc):
                errors["plan_document"] = _("Không tìm thấy văn bản kế hoạch đã chọn.")
        for doc in documents:
            if not document_rules.can_view(actor, doc):
                errors["documents"] = _("Không tìm thấy một văn bản đã chọn.")
    if campaign.deadline_precision not in Precision.values:
        errors["deadline"] = _("Độ chính xác của thời hạn không hợp lệ.")
    elif (
        campaign.deadline
        and campaign.start_on
        and period_end(campaign.deadline, campaign.deadline_precision) < campaign.start_on
    ):
        errors["deadline"] = _(
            "Thời hạn hoàn thành (%(deadline)s) trước ngày bắt đầu (%(start)s)."
        ) % {"deadline": campaign.deadline_text, "start": format_vi(campaign.start_on)}
    if campaign.status not in CampaignStatus.values:
        errors["status"] = _("Trạng thái không hợp lệ.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_create(
    *,
    actor,
    title: str,
    owner_unit: Unit,
    plan_document=None,
    documents=(),
    description: str = "",
    start_on: dt.date | None = None,
    deadline: dt.date | None = None,
    deadline_precision: str = Precision.DAY,
    status: str = CampaignStatus.PLANNED,
    target_groups=(),
) -> Campaign:
    """A new campaign of `owner_unit` disseminating `documents` to `target_groups`."""
    documents, target_groups = list(documents or []), list(target_groups or [])
    campaign = Campaign(
        title=title,
        owner_unit=owner_unit,
        plan_document=plan_document,
        description=description or "",
        start_on=start_on,
        deadline=deadline,
        deadline_precision=deadline_precision or Precision.DAY,
        status=status or CampaignStatus.PLANNED,
        created_by=_user(actor),
    )
    _check_campaign(campaign, actor, documents, target_groups)
    campaign.save()
    campaign.documents.set(documents)
    campaign.target_groups.set(target_groups)
    audit_record(
        actor=actor,
        obj=campaign,
        action=AuditEntry.Action.CREATE,
        changes=diff({}, _campaign_record(campaign, documents, target_groups)),
    )
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **data) -> Campaign:
    """Change a campaign. Moving it to another organising unit needs rights on both, and that
    unit must hold every quota, delegation and class of the campaign in its subtree."""
    unknown = set(data) - set(CAMPAIGN_FIELDS) - {"documents", "target_groups"}
    if unknown:
        raise ValueError(f"campaign_update cannot change {sorted(unknown)}")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if actor is not None and not rules.can_manage_campaign(actor, campaign):
        raise ValidationError(_("Bạn không có quyền sửa đợt quán triệt này."))
    before = _campaign_record(campaign)
    documents = list(data.pop("documents", campaign.documents.all()))
    target_groups = list(data.pop("target_groups", campaign.target_groups.all()))
    for name, value in data.items():
        setattr(campaign, name, value)
    campaign.description = campaign.description or ""
    _check_campaign(campaign, actor, documents, target_groups)
    owner_path = campaign.owner_unit.path
    for qs, what in (
        (campaign.quotas.exclude(unit__path__startswith=owner_path), "unit"),
        (campaign.delegations.exclude(unit__path__startswith=owner_path), "unit"),
        (campaign.classes.exclude(organiser__path__startswith=owner_path), "organiser"),
    ):
        stray = qs.select_related(what).first()
        if stray is not None:
            raise ValidationError(
                {
                    "owner_unit": _(
                        "Đợt quán triệt có số liệu hoặc lớp của “%(unit)s”, không thuộc "
                        "“%(owner)s”. Hãy chọn đơn vị tổ chức là cấp trên của các đơn vị đó."
                    )
                    % {"unit": getattr(stray, what).name, "owner": campaign.owner_unit.name}
                }
            )
    campaign.save()
    campaign.documents.set(documents)
    campaign.target_groups.set(target_groups)
    changes = diff(before, _campaign_record(campaign, documents, target_groups))
    if changes:
        audit_record(actor=actor, obj=campaign, action=AuditEntry.Action.UPDATE, changes=changes)
    return campaign


# --- quotas -------------------------------------------------------------------------------------
def _check_manage(actor, campaign: Campaign) -> None:
    if actor is not None and not rules.can_manage_campaign(actor, campaign):
        raise ValidationError(
            _("Bạn không có quyền thay đổi đợt quán triệt này: cần quyền biên tập %(unit)s.")
            % {"unit": campaign.owner_unit.name}
        )


@transaction.atomic
def quota_set(*, actor, campaign: Campaign, values: dict) -> int:
    """Set many quotas at once: `values` maps (unit, target group) to a number of people, or to
    None to remove that quota. Units must lie in the organising unit's subtree. Returns how many
    quotas changed; one audit entry lists them all."""
    _check_manage(actor, campaign)
    owner_path = campaign.owner_unit.path
    errors = []
    for (unit, group), n in values.items():
        if not unit.path.startswith(owner_path):
            errors.append(
                _("“%(unit)s” không thuộc %(owner)s.")
                % {"unit": unit.name, "owner": campaign.owner_unit.name}
            )
        if n is not None and (n < 0 or n > MAX_PEOPLE):
            errors.append(
                _("Số người của %(unit)s · %(group)s phải từ 0 đến %(max)s.")
                % {
                    "unit": unit.name,
                    "group": group.name,
                    "max": f"{MAX_PEOPLE:,}".replace(",", "."),
                }
            )
    if errors:
        raise ValidationError(errors)
    existing = {
        (q.unit_id, q.target_group_id): q
        for q in Quota.objects.select_for_update().filter(campaign=campaign)
    }
    changes = {}
    for (unit, group), n in values.items():
        quota = existing.get((unit.pk, group.pk))
        label = f"{unit.name} · {group.name}"
        if n is None:
            if quota is not None:
                changes[label] = [quota.expected, None]
                quota.delete()
        elif quota is None:
            Quota.objects.create(campaign=campaign, unit=unit, target_group=group, expected=n)
            changes[label] = [None, n]
        elif quota.expected != n:
            changes[label] = [quota.expected, n]
            quota.expected = n
            quota.save(update_fields=["expected"])
    if changes:
        audit_record(
            actor=actor,
            obj=campaign,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
            note=_("Chỉ tiêu số người"),
        )
    return len(changes)


# --- delegations --------------------------------------------------------------------------------
def _campaign_url(campaign: Campaign) -> str:
    return reverse("outreach:campaign", args=[campaign.pk])


@transaction.atomic
def delegation_create(
    *,
    actor,
    campaign: Campaign,
    units,
    deadline: dt.date | None = None,
    deadline_precision: str = Precision.DAY,
    instructions: str = "",
) -> list[Delegation]:
    """Delegate the campaign to several sub-units at once (the 14 wards). Units already
    delegated are left as they are. Each delegated unit's editors and managers are told once."""
    _check_manage(actor, campaign)
    units = list(units)
    errors = []
    if not units:
        raise ValidationError({"units": _("Hãy chọn ít nhất một đơn vị.")})
    owner = campaign.owner_unit
    for unit in units:
        if unit.pk == owner.pk or not unit.path.startswith(owner.path):
            errors.append(
                _("“%(unit)s” không phải đơn vị trực thuộc %(owner)s.")
                % {"unit": unit.name, "owner": owner.name}
            )
        elif unit.ended_on is not None and unit.ended_on <= (
            campaign.start_on or timezone.localdate()
        ):
            errors.append(_("“%(unit)s” đã kết thúc hoạt động.") % {"unit": unit.name})
    if deadline and campaign.deadline_end and deadline > campaign.deadline_end:
        errors.append(
            _("Thời hạn của đơn vị không được sau thời hạn của đợt quán triệt (%(deadline)s).")
            % {"deadline": campaign.deadline_text}
        )
    if errors:
        raise ValidationError({"units": errors})
    taken = set(campaign.delegations.values_list("unit_id", flat=True))
    created = []
    for unit in sorted(units, key=lambda u: u.path):
        if unit.pk in taken:
            continue
        taken.add(unit.pk)
        delegation = Delegation.objects.create(
            campaign=campaign,
            unit=unit,
            deadline=deadline or campaign.deadline,
            deadline_precision=deadline_precision if deadline else campaign.deadline_precision,
            instructions=instructions or "",
        )
        audit_record(
            actor=actor,
            obj=delegation,
            action=AuditEntry.Action.CREATE,
            changes=diff(
                {},
                snapshot(delegation, ["campaign", "unit", "deadline", "instructions"]),
            ),
        )
        created.append(delegation)
    for delegation in created:
        _tell_delegated(delegation)
    return created


def _tell_delegated(delegation: Delegation) -> None:
    campaign = delegation.campaign
    text = _("%(owner)s giao %(unit)s triển khai quán triệt “%(title)s”") % {
        "owner": campaign.owner_unit.name,
        "unit": delegation.unit.name,
        "title": campaign.title,
    }
    if delegation.deadline:
        text += _(", thời hạn %(deadline)s") % {"deadline": delegation.deadline_text}
    text += "."
    for user in unit_editors(delegation.unit):
        notify(
            user=user,
            text=text,
            url=_campaign_url(campaign),
            key=f"outreach:delegation:{delegation.pk}:user:{user.pk}",
            email_subject=_("Giao triển khai quán triệt"),
        )


@transaction.atomic
def delegation_report(
    *, actor, delegation: Delegation, report: str, today: dt.date | None = None
) -> Delegation:
    """The delegated unit reports its result; a later report replaces the text (audited). The
    organising unit's editors are told of the first report."""
    delegation = (
        Delegation.objects.select_for_update()
        .select_related("campaign", "unit")
        .get(pk=delegation.pk)
    )
    if actor is not None and not rules.can_report_delegation(actor, delegation):
        raise ValidationError(
            _("Bạn không có quyền báo cáo thay cho %(unit)s.") % {"unit": delegation.unit.name}
        )
    report = (report or "").strip()
    if not report:
        raise ValidationError({"report": _("Hãy nhập nội dung báo cáo kết quả.")})
    fields = ["status", "report", "reported_on", "reported_by"]
    before = snapshot(delegation, fields)
    delegation.status = DelegationStatus.REPORTED
    delegation.report = report
    delegation.reported_on = today or timezone.localdate()
    delegation.reported_by = _user(actor)
    delegation.save(update_fields=fields)
    audit_record(
        actor=actor,
        obj=delegation,
        action=AuditEntry.Action.UPDATE,
        changes=diff(before, snapshot(delegation, fields)),
    )
    campaign = delegation.campaign
    for user in unit_editors(campaign.owner_unit):
        notify(
            user=user,
            text=_("%(unit)s đã báo cáo kết quả quán triệt “%(title)s”.")
            % {"unit": delegation.unit.name, "title": campaign.title},
            url=_campaign_url(campaign),
            key=f"outreach:report:{delegation.pk}:user:{user.pk}",
        )
    return delegation
