"""Who may see and change dissemination campaigns and their classes.

A campaign is seen by those who see its organising unit, and by the units it was delegated to
(and their subtrees). Inside a campaign a delegated ward sees only its own part: its delegation,
its quotas, its classes — never a sibling ward's. The organising unit's editors change the
campaign; a delegated unit's editors hold classes and report for their own part.
"""

from django.db.models import Q, QuerySet

from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit

from .models import Campaign, ClassSession, Delegation


def filter_campaigns(user, queryset: QuerySet[Campaign]) -> QuerySet[Campaign]:
    if org_rules.is_admin(user):
        return queryset
    owned = org_rules.visible_q(user, field="owner_unit__path")
    delegated = org_rules.visible_q(user, field="unit__path")
    to_them = Delegation.objects.filter(delegated).values("campaign_id")
    return queryset.filter(owned | Q(pk__in=to_them))


def can_view_campaign(user, campaign: Campaign) -> bool:
    return filter_campaigns(user, Campaign.objects.filter(pk=campaign.pk)).exists()


def can_start_campaign(user) -> bool:
    """Start a campaign at all: the user edits some unit still active (it would organise it)."""
    return (
        org_rules.filter_units(user, Unit.objects.all(), org_rules.EDIT)
        .filter(ended_on__isnull=True)
        .exists()
    )


def can_manage_campaign(user, campaign: Campaign) -> bool:
    """Change the campaign itself: documents, deadline, quotas, delegations."""
    return org_rules.can_edit_unit(user, campaign.owner_unit)


def sees_whole_campaign(user, campaign: Campaign) -> bool:
    """The whole campaign: those who see its organising unit, and the system (`None`, which
    counts it for a public site)."""
    return user is None or org_rules.can_view_unit(user, campaign.owner_unit)


def can_view_campaign_unit(user, campaign: Campaign, unit: Unit) -> bool:
    """Look at `unit`'s part of the campaign (the matrix drilled down to its children): a unit
    of the organising unit's tree, in the part of the campaign the user sees."""
    if not unit.path.startswith(campaign.owner_unit.path):
        return False
    return sees_whole_campaign(user, campaign) or org_rules.can_view_unit(user, unit)


def campaign_units_q(user, campaign: Campaign, field: str = "path") -> Q | None:
    """The part of a campaign the user sees, as a filter on a unit path; None: all of it."""
    if sees_whole_campaign(user, campaign):
        return None
    return org_rules.visible_q(user, field=field) or Q()


def can_hold_class(user, campaign: Campaign, unit: Unit) -> bool:
    """Organise a class of `campaign` as `unit`: the organising unit, or a unit at or below one
    the campaign was delegated to, and the user edits that unit."""
    if not org_rules.can_edit_unit(user, unit):
        return False
    if unit.path.startswith(campaign.owner_unit.path):
        return True
    for path in campaign.delegations.values_list("unit__path", flat=True):
        if unit.path.startswith(path):
            return True
    return False


def filter_classes(user, queryset: QuerySet[ClassSession]) -> QuerySet[ClassSession]:
    """Classes organised by a unit of the user's scope, or of a campaign they see whole."""
    if org_rules.is_admin(user):
        return queryset
    own = org_rules.visible_q(user, field="organiser__path")
    whole = org_rules.visible_q(user, field="campaign__owner_unit__path")
    return queryset.filter(own | whole)


def can_view_class(user, session: ClassSession) -> bool:
    return filter_classes(user, ClassSession.objects.filter(pk=session.pk)).exists()


def can_edit_class(user, session: ClassSession) -> bool:
    return org_rules.can_edit_unit(user, session.organiser) or can_manage_campaign(
        user, session.campaign
    )


def can_view_delegation(user, delegation: Delegation) -> bool:
    """See a delegation: its campaign, and its unit in the part of the campaign one sees (a
    ward sees its own delegation, never its sibling's)."""
    campaign = delegation.campaign
    if not can_view_campaign(user, campaign):
        return False
    q = campaign_units_q(user, campaign, field="unit__path")
    return q is None or Delegation.objects.filter(q, pk=delegation.pk).exists()


def can_report_delegation(user, delegation: Delegation) -> bool:
    return org_rules.can_edit_unit(user, delegation.unit)
