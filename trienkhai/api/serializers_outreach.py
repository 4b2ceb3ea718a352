"""What the campaign, class and attendee endpoints read and return.

Completion figures (expected, reached, percent, behind) are computed by `outreach.completion`,
as on the pages; these serializers only shape them. Codes (statuses) are documented inline, so
no shared enum component collides with another endpoint's "status"."""

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trienkhai.outreach.models import (
    AttendanceStatus,
    CampaignStatus,
    ClassStatus,
    DelegationStatus,
)
from trienkhai.outreach.services import MAX_PEOPLE

from .serializers import MAX_ID, DeadlineOut, Id, UnitRef
from .serializers_programmes import ProgrammeDocumentRef, deadline, document_ref

EARLIEST, LATEST = 1900, 2100  # dates outside this are typing mistakes (and overflow time zones)


class Code(serializers.CharField):
    """A code out of a fixed set, documented as a named enum component of its own (the schema's
    enum naming would otherwise give every "status" field a hashed name). The set is checked by
    the service, whose message names the field, as on the pages."""

    def __init__(self, enum_name: str, values, **kwargs):
        self.enum_name, self.values = enum_name, [str(v) for v in values]
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)


class CodeSchema(OpenApiSerializerFieldExtension):
    target_class = Code
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={"type": "string", "enum": field.values},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def campaign_status(**kwargs):
    return Code("CampaignStatusEnum", CampaignStatus.values, **kwargs)


def delegation_status(**kwargs):
    return Code("DelegationStatusEnum", DelegationStatus.values, **kwargs)


def class_status(**kwargs):
    return Code("ClassStatusEnum", ClassStatus.values, **kwargs)


def attendance_status(**kwargs):
    return Code("AttendanceStatusEnum", AttendanceStatus.values, **kwargs)


def _in_range(day: dt.date) -> None:
    if not EARLIEST <= day.year <= LATEST:
        raise serializers.ValidationError(
            _("Năm phải từ %(first)s đến %(last)s.") % {"first": EARLIEST, "last": LATEST}
        )


class Moment(serializers.DateTimeField):
    """A date and time between 1900 and 2100; a naive one is in the site's time zone. DRF lets
    a naive 0001-01-01T00:00 overflow while it makes it aware: here that is a field error."""

    def to_internal_value(self, value):
        try:
            moment = super().to_internal_value(value)
        except OverflowError:
            self.fail("overflow")
        _in_range(moment.date())
        return moment


class OutreachTargetGroupOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class OutreachTargetGroupDetailOut(OutreachTargetGroupOut):
    description = serializers.CharField(allow_blank=True)
    position = serializers.IntegerField()


def group_ref(group) -> dict:
    return {"id": group.pk, "code": group.code, "name": group.name}


# --- completion figures ---------------------------------------------------------------------------
class CompletionCellOut(serializers.Serializer):
    expected = serializers.IntegerField(help_text="people expected (the quotas)")
    reached = serializers.IntegerField(help_text="people who attended classes held")
    percent = serializers.IntegerField(allow_null=True, help_text="null when none is expected")


def cell(c) -> dict:
    return {"expected": c.expected, "reached": c.reached, "percent": c.percent}


class CampaignProgressOut(serializers.Serializer):
    """The campaign's figures as the list page shows them (a delegated unit: its part only)."""

    total = CompletionCellOut()
    behind = serializers.BooleanField(
        help_text="deadline passed and not all reached (or not reported), or within a week and "
        "not half reached"
    )
    classes_held = serializers.IntegerField()
    deadline_ends_on = serializers.DateField(allow_null=True)


def progress(p) -> dict:
    return {
        "total": cell(p.total),
        "behind": p.behind,
        "classes_held": p.classes_held,
        "deadline_ends_on": p.deadline_end,
    }


class CompletionGroupCellOut(CompletionCellOut):
    target_group = serializers.IntegerField(help_text="id of the target group (column)")


class CompletionRowOut(serializers.Serializer):
    unit = UnitRef()
    own = serializers.BooleanField(
        help_text="the unit's own part (trực tiếp tổ chức), not counting delegated subtrees"
    )
    delegation = serializers.IntegerField(allow_null=True, help_text="id of its delegation")
    cells = CompletionGroupCellOut(many=True)
    total = CompletionCellOut()
    classes_held = serializers.IntegerField()
    behind = serializers.BooleanField()
    depth = serializers.IntegerField(help_text="levels below the matrix's root")
    deadline_ends_on = serializers.DateField(allow_null=True)


class CompletionMatrixOut(serializers.Serializer):
    root = UnitRef(allow_null=True, help_text="the unit drilled into (?unit=), or null")
    partial = serializers.BooleanField(help_text="you see only a part of the campaign")
    target_groups = OutreachTargetGroupOut(many=True)
    rows = CompletionRowOut(many=True)
    total = CompletionRowOut()


def matrix_row(row, groups) -> dict:
    return {
        "unit": {"id": row.unit.pk, "name": row.unit.name},
        "own": row.own,
        "delegation": row.delegation.pk if row.delegation else None,
        "cells": [{"target_group": g.pk, **cell(row.cells[g.pk])} for g in groups],
        "total": cell(row.total),
        "classes_held": row.classes_held,
        "behind": row.behind,
        "depth": row.depth,
        "deadline_ends_on": row.deadline_end,
    }


def matrix(m) -> dict:
    return {
        "root": {"id": m.root.pk, "name": m.root.name} if m.root is not None else None,
        "partial": m.partial,
        "target_groups": [group_ref(g) for g in m.groups],
        "rows": [matrix_row(r, m.groups) for r in m.rows],
        "total": matrix_row(m.total, m.groups),
    }


# --- campaigns ----------------------------------------------------------------------------------
class CampaignOut(serializers.Serializer):
    """`revision` is the version to send back (If-Match or `revision`) with a change."""

    id = serializers.IntegerField()
    revision = serializers.IntegerField(help_text="changes whenever the campaign is saved")
    title = serializers.CharField()
    owner_unit = UnitRef()
    plan_document = serializers.SerializerMethodField()
    status = campaign_status()
    status_label = serializers.CharField(source="get_status_display")
    start_on = serializers.DateField(allow_null=True)
    deadline = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(ProgrammeDocumentRef(allow_null=True))
    def get_plan_document(self, campaign):
        return document_ref(campaign.plan_document)

    @extend_schema_field(DeadlineOut(allow_null=True))
    def get_deadline(self, campaign):
        return deadline(campaign.deadline, campaign.deadline_precision, campaign.deadline_end)

    @extend_schema_field(CampaignProgressOut())
    def get_progress(self, campaign):
        return progress(campaign.progress)


class CampaignQuotaOut(serializers.Serializer):
    unit = UnitRef()
    target_group = serializers.SerializerMethodField()
    expected = serializers.IntegerField()

    @extend_schema_field(OutreachTargetGroupOut())
    def get_target_group(self, quota):
        return group_ref(quota.target_group)


class CampaignDelegationOut(serializers.Serializer):
    id = serializers.IntegerField()
    unit = UnitRef()
    deadline = serializers.SerializerMethodField()
    instructions = serializers.CharField(allow_blank=True)
    status = delegation_status()
    status_label = serializers.CharField(source="get_status_display")
    report = serializers.CharField(allow_blank=True)
    reported_on = serializers.DateField(allow_null=True)
    can_report = serializers.BooleanField(help_text="you may write its report")

    @extend_schema_field(DeadlineOut(allow_null=True))
    def get_deadline(self, delegation):
        return deadline(delegation.deadline, delegation.deadline_precision, delegation.deadline_end)


class CampaignDetailOut(CampaignOut):
    description = serializers.CharField(allow_blank=True)
    documents = serializers.SerializerMethodField()
    target_groups = serializers.SerializerMethodField()
    quotas = serializers.SerializerMethodField()
    delegations = serializers.SerializerMethodField()
    completion = serializers.SerializerMethodField()
    can_manage = serializers.SerializerMethodField()
    can_hold_class = serializers.SerializerMethodField()

    @extend_schema_field(ProgrammeDocumentRef(many=True))
    def get_documents(self, campaign):
        return [document_ref(d) for d in campaign.documents.all()]

    @extend_schema_field(OutreachTargetGroupOut(many=True))
    def get_target_groups(self, campaign):
        return [group_ref(g) for g in campaign.target_groups.all()]

    @extend_schema_field(CampaignQuotaOut(many=True))
    def get_quotas(self, campaign):
        return CampaignQuotaOut(self.context["quotas"], many=True).data

    @extend_schema_field(CampaignDelegationOut(many=True))
    def get_delegations(self, campaign):
        return CampaignDelegationOut(self.context["delegations"], many=True).data

    @extend_schema_field(CompletionMatrixOut())
    def get_completion(self, campaign):
        return matrix(self.context["matrix"])

    def get_can_manage(self, campaign) -> bool:
        return self.context["can_manage"]

    def get_can_hold_class(self, campaign) -> bool:
        return self.context["can_hold_class"]


class CampaignIn(serializers.Serializer):
    """A new campaign, or the fields to change (PATCH: any subset)."""

    title = serializers.CharField(max_length=300)
    owner_unit = Id(help_text="id of the organising unit (one you edit)")
    plan_document = Id(required=False, allow_null=True, help_text="the implementation plan")
    documents = serializers.ListField(
        child=Id(), required=False, max_length=200, help_text="ids of the documents disseminated"
    )
    target_groups = serializers.ListField(
        child=Id(), required=False, max_length=100, help_text="ids (see /api/target-groups/)"
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    start_on = serializers.DateField(required=False, allow_null=True, validators=[_in_range])
    deadline = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=20,
        help_text="2020-09-30 (day), 2020-12 (month), 2025-Q4 (quarter) or 2025 (year)",
    )
    status = campaign_status(required=False)
    revision = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_ID, help_text="for updates, or If-Match"
    )


# --- classes ------------------------------------------------------------------------------------
class ClassGroupOut(serializers.Serializer):
    target_group = serializers.SerializerMethodField()
    expected = serializers.IntegerField()
    attended = serializers.IntegerField(allow_null=True, help_text="null: not yet recorded")

    @extend_schema_field(OutreachTargetGroupOut())
    def get_target_group(self, group):
        return group_ref(group.target_group)


class ClassTotalsOut(serializers.Serializer):
    expected = serializers.IntegerField()
    attended = serializers.IntegerField()


class ClassSessionOut(serializers.Serializer):
    id = serializers.IntegerField()
    revision = serializers.IntegerField(help_text="changes whenever the class is saved")
    campaign = serializers.IntegerField(source="campaign_id")
    organiser = UnitRef()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField(allow_blank=True)
    presenters = serializers.CharField(allow_blank=True)
    status = class_status()
    status_label = serializers.CharField(source="get_status_display")
    makeup_of = serializers.IntegerField(source="makeup_of_id", allow_null=True)
    groups = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()

    @extend_schema_field(ClassGroupOut(many=True))
    def get_groups(self, session):
        return ClassGroupOut(session.groups.all(), many=True).data

    @extend_schema_field(ClassTotalsOut())
    def get_totals(self, session):
        groups = session.groups.all()
        return {
            "expected": sum(g.expected for g in groups),
            "attended": sum(g.attended or 0 for g in groups),
        }


class ClassAttendanceOut(serializers.Serializer):
    listed = serializers.IntegerField(help_text="people on the class's list")
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    excused = serializers.IntegerField()
    made_up_elsewhere = serializers.IntegerField(help_text="absentees who made it up in another")
    made_up_here = serializers.IntegerField(help_text="absentees of another class made up here")


class ClassSessionDetailOut(ClassSessionOut):
    notes = serializers.CharField(allow_blank=True)
    materials = serializers.SerializerMethodField()
    makeups = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()

    @extend_schema_field(ProgrammeDocumentRef(many=True))
    def get_materials(self, session):
        return [document_ref(d) for d in session.materials.all()]

    def get_makeups(self, session) -> list[int]:
        """Ids of the classes making this one up."""
        return self.context["makeups"]

    @extend_schema_field(ClassAttendanceOut())
    def get_attendance(self, session):
        return self.context["attendance"]

    def get_can_edit(self, session) -> bool:
        return self.context["can_edit"]


class ClassGroupIn(serializers.Serializer):
    target_group = Id(help_text="id of one of the campaign's target groups")
    expected = serializers.IntegerField(min_value=0, max_value=MAX_PEOPLE, required=False)
    attended = serializers.IntegerField(
        min_value=0,
        max_value=MAX_PEOPLE,
        required=False,
        allow_null=True,
        help_text="typed count; once people are listed the list decides",
    )


class ClassSessionIn(serializers.Serializer):
    """A new class of the campaign. Times are ISO 8601 (2020-09-08T07:30:00+07:00; without an
    offset: the site's time zone)."""

    title = serializers.CharField(max_length=300)
    organiser = Id(help_text="id of the unit holding the class")
    starts_at = Moment()
    ends_at = Moment(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=300)
    presenters = serializers.CharField(required=False, allow_blank=True, max_length=500)
    status = class_status(required=False)
    makeup_of = Id(required=False, allow_null=True, help_text="the class this one makes up for")
    materials = serializers.ListField(child=Id(), required=False, max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    groups = ClassGroupIn(many=True, required=False, max_length=100)


# --- attendees ----------------------------------------------------------------------------------
class AttendeeOut(serializers.Serializer):
    id = serializers.IntegerField()
    revision = serializers.IntegerField(help_text="changes with any of the person's fields")
    session = serializers.IntegerField(source="session_id", help_text="id of the class")
    full_name = serializers.CharField()
    workplace = serializers.CharField(allow_blank=True)
    target_group = serializers.SerializerMethodField()
    status = attendance_status()
    status_label = serializers.CharField(source="get_status_display")
    made_up_in = serializers.IntegerField(
        source="made_up_in_id", allow_null=True, help_text="id of the class where they made up"
    )
    note = serializers.CharField(allow_blank=True)

    @extend_schema_field(OutreachTargetGroupOut())
    def get_target_group(self, attendee):
        return group_ref(attendee.target_group)


class AttendeeIn(serializers.Serializer):
    """A person on the class's list (PATCH: any subset, e.g. just `status`)."""

    full_name = serializers.CharField(max_length=150)
    workplace = serializers.CharField(required=False, allow_blank=True, max_length=300)
    target_group = Id(help_text="id of one of the class's target groups")
    status = attendance_status(required=False)
    made_up_in = Id(
        required=False, allow_null=True, help_text="for an absentee: the class where they made up"
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    revision = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_ID, help_text="for updates, or If-Match"
    )


# --- quotas -------------------------------------------------------------------------------------
class QuotaCellOut(serializers.Serializer):
    unit = serializers.IntegerField(help_text="id of the unit (row)")
    target_group = serializers.IntegerField(help_text="id of the target group (column)")
    expected = serializers.IntegerField(help_text="people expected")


class QuotaGridOut(serializers.Serializer):
    """The quota grid as its page lays it out: rows (the organising unit, the delegated units and
    any unit holding a quota, in tree order), columns (the campaign's target groups and any
    holding a quota) and the cells filled in; a blank cell has no quota. A delegated unit sees
    its own rows only."""

    campaign = serializers.IntegerField(help_text="id of the campaign")
    revision = serializers.IntegerField(help_text="changes whenever a quota changes")
    units = UnitRef(many=True)
    target_groups = OutreachTargetGroupOut(many=True)
    cells = QuotaCellOut(many=True)
    can_manage = serializers.BooleanField(help_text="you may set the quotas")


class QuotaGridSavedOut(QuotaGridOut):
    changed = serializers.IntegerField(help_text="how many cells the change touched")


class QuotaCellIn(serializers.Serializer):
    unit = Id(help_text="id of a unit of the organising unit's tree")
    target_group = Id(help_text="id of one of the grid's target groups")
    expected = serializers.IntegerField(
        min_value=0, max_value=MAX_PEOPLE, allow_null=True, help_text="null removes the quota"
    )


class QuotaGridIn(serializers.Serializer):
    """The cells to set; cells not named stay as they are."""

    cells = QuotaCellIn(many=True, allow_empty=False, max_length=5000)
    revision = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_ID, help_text="or If-Match"
    )


# --- delegations --------------------------------------------------------------------------------
class DelegationOut(CampaignDelegationOut):
    campaign = serializers.IntegerField(source="campaign_id")
    revision = serializers.IntegerField(help_text="changes with the delegation and its report")
    created_at = serializers.DateTimeField()


class DelegationIn(serializers.Serializer):
    """Delegate the campaign to units below the organising unit, several at once; units already
    delegated may not be named again."""

    units = serializers.ListField(
        child=Id(), required=False, max_length=500, help_text="ids of units to delegate to"
    )
    all_children = serializers.BooleanField(
        required=False,
        default=False,
        help_text="also every direct sub-unit still active and not yet delegated",
    )
    deadline = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=20,
        help_text="2020-09-25, 2020-09, 2020-Q3 or 2020; blank: the campaign's",
    )
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class DelegationReportIn(serializers.Serializer):
    """The delegated unit's report of its result (a later one replaces the text)."""

    report = serializers.CharField(allow_blank=True, max_length=20000)
    revision = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_ID, help_text="or If-Match"
    )


# --- cancelling a class -------------------------------------------------------------------------
class ClassCancelIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    revision = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_ID, help_text="optional, or If-Match"
    )
