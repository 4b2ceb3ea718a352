"""Reads of dissemination campaigns, filtered by `rules` and loaded with what the pages show.

A delegated ward sees its own part of a campaign only: its delegation, quotas and classes.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear

from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit

from . import rules
from .models import (
    Attendee,
    Campaign,
    ClassGroup,
    ClassSession,
    ClassStatus,
    Delegation,
    Quota,
    TargetGroup,
)


def _scoped(user, campaign: Campaign, queryset: QuerySet, field: str) -> QuerySet:
    q = rules.campaign_units_q(user, campaign, field=field)
    return queryset if q is None else queryset.filter(q)


# --- campaigns ----------------------------------------------------------------------------------
def campaigns_for(
    user, *, status: str = "", unit: Unit | None = None, year: int | None = None
) -> QuerySet[Campaign]:
    """Campaigns the user sees; `unit` keeps those organised in its subtree or delegated to it
    (or below it); `year` those running in that year."""
    qs = rules.filter_campaigns(user, Campaign.objects.all())
    if status:
        qs = qs.filter(status=status)
    if unit is not None:
        delegated = Delegation.objects.filter(unit__path__startswith=unit.path).values(
            "campaign_id"
        )
        qs = qs.filter(Q(owner_unit__path__startswith=unit.path) | Q(pk__in=delegated))
    if year is not None:
        qs = qs.filter(
            Q(start_on__year=year)
            | Q(deadline__year=year)
            | Q(start_on__year__lt=year, deadline__year__gt=year)
        )
    return qs.select_related("owner_unit", "plan_document").order_by("-start_on", "-id")


def campaign_years(user) -> list[int]:
    """Years in which the user's campaigns start, newest first (the list's year filter)."""
    qs = rules.filter_campaigns(user, Campaign.objects.filter(start_on__isnull=False))
    years = qs.annotate(y=ExtractYear("start_on")).order_by("-y").values_list("y", flat=True)
    return list(dict.fromkeys(years))


def campaign_with_relations(pk: int) -> Campaign:
    return (
        Campaign.objects.select_related("owner_unit", "plan_document", "created_by")
        .prefetch_related("documents", "target_groups")
        .get(pk=pk)
    )


# --- delegations and quotas -----------------------------------------------------------------------
def delegations_for(user, campaign: Campaign) -> QuerySet[Delegation]:
    """The campaign's delegations the user sees: all of them, or only their own part's."""
    qs = campaign.delegations.select_related("unit", "reported_by").order_by("unit__path")
    return _scoped(user, campaign, qs, "unit__path")


def quotas_for(user, campaign: Campaign) -> QuerySet[Quota]:
    qs = campaign.quotas.select_related("unit", "target_group")
    return _scoped(user, campaign, qs, "unit__path").order_by(
        "unit__path", "target_group__position"
    )


def quota_grid(campaign: Campaign, extra_units=()) -> tuple[list[Unit], list[TargetGroup], dict]:
    """Rows, columns and values of the quota grid: the organising unit, every delegated unit and
    every unit already holding a quota (and `extra_units`), by tree order; the campaign's target
    groups and any group already holding a quota. Values: {(unit id, group id): expected}."""
    quotas = list(campaign.quotas.all())
    values = {(q.unit_id, q.target_group_id): q.expected for q in quotas}
    unit_ids = {campaign.owner_unit_id}
    unit_ids |= set(campaign.delegations.values_list("unit_id", flat=True))
    unit_ids |= {q.unit_id for q in quotas}
    unit_ids |= {u.pk for u in extra_units}
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("path"))
    group_ids = set(campaign.target_groups.values_list("pk", flat=True))
    group_ids |= {q.target_group_id for q in quotas}
    groups = list(TargetGroup.objects.filter(pk__in=group_ids))
    return units, groups, values


def delegable_children(campaign: Campaign) -> QuerySet[Unit]:
    """The organising unit's direct sub-units still active and not yet delegated."""
    owner = campaign.owner_unit
    taken = campaign.delegations.values("unit_id")
    return (
        Unit.objects.filter(
            path__startswith=owner.path, depth=owner.depth + 1, ended_on__isnull=True
        )
        .exclude(pk__in=taken)
        .order_by("path")
    )


def delegable_units(campaign: Campaign) -> QuerySet[Unit]:
    """Any active unit below the organising unit not yet delegated (deeper picks)."""
    owner = campaign.owner_unit
    return (
        Unit.objects.filter(path__startswith=owner.path, ended_on__isnull=True)
        .exclude(pk=owner.pk)
        .exclude(pk__in=campaign.delegations.values("unit_id"))
    )


def reportable_delegations(user, campaign: Campaign) -> list[Delegation]:
    """The delegations of `campaign` the user may write the report of."""
    return [d for d in delegations_for(user, campaign) if rules.can_report_delegation(user, d)]


# --- classes --------------------------------------------------------------------------------------
def _with_groups(qs: QuerySet[ClassSession]) -> QuerySet[ClassSession]:
    groups = ClassGroup.objects.select_related("target_group").order_by("target_group__position")
    return qs.select_related("organiser", "campaign", "makeup_of").prefetch_related(
        Prefetch("groups", queryset=groups)
    )


def classes_for(user, campaign: Campaign, *, unit: Unit | None = None) -> QuerySet[ClassSession]:
    """The campaign's classes the user sees (a ward: its own and its cells'), by start."""
    qs = rules.filter_classes(user, campaign.classes.all())
    if unit is not None:
        qs = qs.filter(organiser__path__startswith=unit.path)
    return _with_groups(qs).order_by("starts_at", "id")


def class_with_relations(pk: int) -> ClassSession:
    return (
        _with_groups(ClassSession.objects.all())
        .select_related("campaign__owner_unit", "created_by")
        .prefetch_related("materials")
        .get(pk=pk)
    )


def organiser_units(user, campaign: Campaign) -> QuerySet[Unit]:
    """Units the user may hold a class of `campaign` as (see `rules.can_hold_class`): units they
    edit, in the organising unit's subtree or at or below a delegated unit."""
    editable = org_rules.filter_units(user, Unit.objects.all(), org_rules.EDIT)
    within = Q(path__startswith=campaign.owner_unit.path)
    for path in campaign.delegations.values_list("unit__path", flat=True):
        within |= Q(path__startswith=path)
    return editable.filter(within, ended_on__isnull=True)


def makeup_choices(user, campaign: Campaign, *, exclude: ClassSession | None = None):
    """Classes of the campaign the user sees that a class may make up for, or where an absent
    person may make up: not cancelled."""
    qs = rules.filter_classes(user, campaign.classes.exclude(status=ClassStatus.CANCELLED))
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.select_related("organiser").order_by("starts_at", "id")


def attendees_of(session: ClassSession) -> QuerySet[Attendee]:
    return session.attendees.select_related("target_group", "made_up_in").order_by(
        "full_name", "id"
    )


def made_up_here(session: ClassSession) -> QuerySet[Attendee]:
    """People absent from another class who made it up in this one."""
    return (
        Attendee.objects.filter(made_up_in=session)
        .exclude(session=session)
        .select_related("session", "target_group")
        .order_by("full_name", "id")
    )


def class_target_groups(campaign: Campaign, session: ClassSession | None = None):
    """Target groups a class form offers: the campaign's, and any the class already counts."""
    ids = set(campaign.target_groups.values_list("pk", flat=True))
    if session is not None:
        ids |= set(session.groups.values_list("target_group_id", flat=True))
    if not ids:
        return TargetGroup.objects.all()
    return TargetGroup.objects.filter(pk__in=ids)
