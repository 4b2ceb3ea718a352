"""Dissemination campaigns, their quotas and delegations, their classes and the lists of
attendees (read, create, change, cancel, remove).

Thin, like the pages (outreach.views, outreach.views_classes): what a user sees comes from
outreach.selectors and outreach.rules (404 otherwise), what they may change from outreach.rules
(403 otherwise), the completion figures from outreach.completion, and every write goes through
outreach.services or outreach.classes, which check what the values mean.

Campaigns, classes, attendees, delegations and quotas carry no revision number: their version
(ETag, `revision`) is derived from what changes when they are saved: `updated_at` for a campaign
or a class, the fields of an attendee or a delegation, the cells of the quota grid."""

import datetime as dt
import hashlib
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from trienkhai.lib import dates
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.outreach import classes as class_services
from trienkhai.outreach import completion, rules, selectors, services
from trienkhai.outreach.models import (
    AttendanceStatus,
    Attendee,
    Campaign,
    CampaignStatus,
    ClassSession,
    ClassStatus,
    Delegation,
    TargetGroup,
)
from trienkhai.plans.forms_programmes import visible_documents
from trienkhai.plans.models import Precision

from .conventions import (
    ApiView,
    deadline_message,
    etag_of,
    idempotent_create,
    query_id,
    revision_from,
    stale,
)
from .errors import ApiError
from .serializers_outreach import (
    AttendeeIn,
    AttendeeOut,
    CampaignDetailOut,
    CampaignIn,
    CampaignOut,
    ClassCancelIn,
    ClassSessionDetailOut,
    ClassSessionIn,
    ClassSessionOut,
    DelegationIn,
    DelegationOut,
    DelegationReportIn,
    OutreachTargetGroupDetailOut,
    QuotaGridIn,
    QuotaGridOut,
    QuotaGridSavedOut,
)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


# --- versions -----------------------------------------------------------------------------------
def _digest(fields) -> int:
    """A version number from field values: it changes when any of them does."""
    return int(hashlib.sha256(repr(fields).encode()).hexdigest()[:12], 16)


def _saved_version(obj):
    """`obj.revision` from `updated_at`, in microseconds: exact, and changed by every save."""
    obj.revision = (obj.updated_at - EPOCH) // dt.timedelta(microseconds=1)
    return obj


def _attendee_version(attendee: Attendee) -> Attendee:
    """`attendee.revision` from the person's fields: any change to them changes it."""
    fields = (
        attendee.full_name,
        attendee.workplace,
        attendee.target_group_id,
        attendee.status,
        attendee.made_up_in_id,
        attendee.note,
        attendee.person_id,
    )
    attendee.revision = _digest(fields)
    return attendee


def _delegation_version(delegation: Delegation) -> Delegation:
    """`delegation.revision` from what may change on it: its report (and its terms)."""
    delegation.revision = _digest(
        (
            delegation.deadline,
            delegation.deadline_precision,
            delegation.instructions,
            delegation.status,
            delegation.report,
            delegation.reported_on,
            delegation.reported_by_id,
        )
    )
    return delegation


def _quotas_version(campaign: Campaign, values: dict) -> int:
    """The quota grid's version, from its cells {(unit id, group id): expected}."""
    return _digest((campaign.pk, sorted(values.items())))


def _check_version(wanted: int, locked, version) -> None:
    """Refuse (412) a change made from another version than the locked row's."""
    if version(locked).revision != wanted:
        raise stale()


# --- helpers ------------------------------------------------------------------------------------
def _visible_unit(user, params, name="unit") -> Unit | None:
    """A unit filter: one the user sees (404 otherwise, as a unit one may not see)."""
    pk = query_id(params, name)
    if pk is None:
        return None
    return get_object_or_404(org_rules.filter_units(user, Unit.objects.all()), pk=pk)


def _choice(params, name: str, values) -> str:
    value = params.get(name, "")
    if value and value not in values:
        raise ApiError(400, "invalid", _("Trạng thái “%(s)s” không có.") % {"s": value[:40]}, name)
    return value


def _pick(errors: dict, field: str, qs, pk):
    """The object `pk` out of `qs` (what the page's form offers), or a field error."""
    if pk is None:
        return None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        errors[field] = _("Không tìm thấy mục số %(id)s trong các lựa chọn của bạn.") % {"id": pk}
    return obj


def _pick_many(errors: dict, field: str, qs, ids) -> list:
    wanted = set(ids)
    found = list(qs.filter(pk__in=wanted))
    missing = wanted - {o.pk for o in found}
    if missing:
        errors[field] = _("Không tìm thấy mục số %(id)s trong các lựa chọn của bạn.") % {
            "id": ", ".join(map(str, sorted(missing)))
        }
    return found


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- target groups --------------------------------------------------------------------------------
class TargetGroupList(ApiView):
    """The target groups (đối tượng) campaigns, quotas and classes name, in their order."""

    serializer_class = OutreachTargetGroupDetailOut
    pagination_class = None

    @extend_schema(
        operation_id="target_groups_list", responses=OutreachTargetGroupDetailOut(many=True)
    )
    def get(self, request):
        return Response(OutreachTargetGroupDetailOut(TargetGroup.objects.all(), many=True).data)


# --- campaigns ----------------------------------------------------------------------------------
CAMPAIGN_FILTERS = [
    OpenApiParameter("status", str, enum=list(CampaignStatus.values)),
    OpenApiParameter(
        "unit", int, description="campaigns organised in this unit's subtree or delegated to it"
    ),
    OpenApiParameter("year", int, description="campaigns running in this year"),
]


def _campaign(user, pk: int) -> Campaign:
    """The campaign if the user sees it (404 otherwise), as the pages fetch it."""
    try:
        campaign = selectors.campaign_with_relations(pk)
    except Campaign.DoesNotExist:
        raise Http404 from None
    if not rules.can_view_campaign(user, campaign):
        raise Http404
    return _saved_version(campaign)


def _campaign_changes(user, data: dict) -> dict:
    """Ids → what the campaign form offers the user; a deadline text → date and precision. The
    service then says whether the user may organise as that unit, and what the dates mean."""
    errors: dict = {}
    out = {k: data[k] for k in ("title", "description", "start_on", "status") if k in data}
    if "owner_unit" in data:
        units = org_rules.filter_units(user, Unit.objects.all())
        out["owner_unit"] = _pick(errors, "owner_unit", units, data["owner_unit"])
    documents = visible_documents(user)
    if "plan_document" in data:
        out["plan_document"] = _pick(errors, "plan_document", documents, data["plan_document"])
    if "documents" in data:
        out["documents"] = _pick_many(errors, "documents", documents, data["documents"])
    if "target_groups" in data:
        groups = TargetGroup.objects.all()
        out["target_groups"] = _pick_many(errors, "target_groups", groups, data["target_groups"])
    if "deadline" in data:
        text = data["deadline"]
        out["deadline"], out["deadline_precision"] = None, Precision.DAY
        if text:
            try:
                out["deadline"], out["deadline_precision"] = dates.parse_deadline(text)
            except ValueError:
                errors["deadline"] = deadline_message(text)
    _raise(errors)
    return out


class CampaignList(mixins.ListModelMixin, ApiView):
    """The campaigns you see (organised in your units, or delegated to them), newest first, each
    with its figures as the list page shows them; POST starts one (Idempotency-Key honoured)."""

    serializer_class = CampaignOut

    def get_queryset(self):
        user, params = self.request.user, self.request.query_params
        status = _choice(params, "status", CampaignStatus.values)
        year = query_id(params, "year")
        if year is not None and not 1900 <= year <= 2100:
            raise ApiError(400, "invalid", _("Năm phải từ 1900 đến 2100."), "year")
        return selectors.campaigns_for(
            user, status=status, unit=_visible_unit(user, params), year=year
        )

    @extend_schema(parameters=CAMPAIGN_FILTERS, operation_id="campaigns_list")
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        progress = completion.progress_by_campaign(page, user=request.user)
        for campaign in page:
            campaign.progress = progress[campaign.pk]
            _saved_version(campaign)
        return self.get_paginated_response(CampaignOut(page, many=True).data)

    @extend_schema(request=CampaignIn, responses={201: CampaignDetailOut})
    def post(self, request):
        user = request.user
        if not rules.can_start_campaign(user):
            raise ApiError(
                403, "forbidden", _("Bạn cần quyền biên tập một đơn vị để lập đợt quán triệt.")
            )
        incoming = CampaignIn(data=request.data)
        incoming.is_valid(raise_exception=True)

        def create():
            data = dict(incoming.validated_data)
            data.pop("revision", None)
            campaign = services.campaign_create(actor=user, **_campaign_changes(user, data))
            data = _campaign_detail(user, _campaign(user, campaign.pk))
            return data, reverse("api:campaign", args=[campaign.pk])

        return idempotent_create(request, "campaigns", create)


CAMPAIGN_DETAIL_FILTERS = [
    OpenApiParameter(
        "unit", int, description="drill the completion matrix into this unit's children"
    ),
]


def _campaign_detail(user, campaign: Campaign, root: Unit | None = None) -> dict:
    """The campaign (fetched by `_campaign`) with what its page shows the user."""
    campaign.progress = completion.progress_by_campaign([campaign], user=user)[campaign.pk]
    delegations = list(selectors.delegations_for(user, campaign))
    for d in delegations:
        d.can_report = rules.can_report_delegation(user, d)
    context = {
        "quotas": selectors.quotas_for(user, campaign),
        "delegations": delegations,
        "matrix": completion.completion_matrix(
            campaign, user=user, root=root, today=timezone.localdate()
        ),
        "can_manage": rules.can_manage_campaign(user, campaign),
        "can_hold_class": selectors.organiser_units(user, campaign).exists(),
    }
    return CampaignDetailOut(campaign, context=context).data


class CampaignDetail(ApiView):
    """A campaign as its page shows it: documents, target groups, the quotas and delegations
    you see, and the completion matrix (unit × target group, reached against expected)."""

    serializer_class = CampaignDetailOut

    @extend_schema(parameters=CAMPAIGN_DETAIL_FILTERS)
    def get(self, request, pk: int):
        user = request.user
        campaign = _campaign(user, pk)
        root = None
        unit_id = query_id(request.query_params, "unit")
        if unit_id is not None:
            root = Unit.objects.filter(pk=unit_id).first()
            if root is None or not rules.can_view_campaign_unit(user, campaign, root):
                raise Http404
        data = _campaign_detail(user, campaign, root)
        return Response(data, headers={"ETag": etag_of(campaign)})

    @extend_schema(request=CampaignIn(partial=True), responses={200: CampaignDetailOut})
    def patch(self, request, pk: int):
        user = request.user
        campaign = _campaign(user, pk)
        if not rules.can_manage_campaign(user, campaign):
            raise ApiError(403, "forbidden", _("Bạn không có quyền sửa đợt quán triệt này."))
        wanted = revision_from(request, campaign)
        incoming = CampaignIn(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data.pop("revision", None)
        with transaction.atomic():
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            _check_version(wanted, locked, _saved_version)
            services.campaign_update(actor=user, campaign=locked, **_campaign_changes(user, data))
        campaign = _campaign(user, pk)
        return Response(_campaign_detail(user, campaign), headers={"ETag": etag_of(campaign)})


# --- quotas -------------------------------------------------------------------------------------
def _quota_grid(user, campaign: Campaign) -> SimpleNamespace:
    """The grid of the quota page (selectors.quota_grid), cut to the part of the campaign the
    user sees (a delegated ward: its own rows); `pk` and `revision` make its ETag."""
    units, groups, values = selectors.quota_grid(campaign)
    part = rules.campaign_units_q(user, campaign)
    if part is not None:
        seen = set(
            Unit.objects.filter(part, pk__in=[u.pk for u in units]).values_list("pk", flat=True)
        )
        units = [u for u in units if u.pk in seen]
        values = {k: v for k, v in values.items() if k[0] in seen}
    return SimpleNamespace(
        pk=campaign.pk,
        campaign=campaign.pk,
        revision=_quotas_version(campaign, values),
        units=units,
        target_groups=[{"id": g.pk, "code": g.code, "name": g.name} for g in groups],
        groups=groups,
        cells=[
            {"unit": u, "target_group": g, "expected": n} for (u, g), n in sorted(values.items())
        ],
        can_manage=rules.can_manage_campaign(user, campaign),
    )


def _quota_values(campaign: Campaign, groups, rows: list[dict]) -> dict:
    """Cells → {(unit, group): number or None}, naming what the quota page may show: units of
    the organising unit's tree (its "add a row" picker) and the grid's target groups."""
    errors: dict = {}
    units = Unit.objects.filter(path__startswith=campaign.owner_unit.path)
    unit_of = {u.pk: u for u in _pick_many(errors, "cells", units, {r["unit"] for r in rows})}
    offered = {g.pk: g for g in groups}
    unknown = sorted({r["target_group"] for r in rows} - set(offered))
    if unknown:
        errors["cells"] = _(
            "Đối tượng số %(id)s không có trong bảng chỉ tiêu của đợt quán triệt này."
        ) % {"id": ", ".join(map(str, unknown))}
    keys = [(r["unit"], r["target_group"]) for r in rows]
    if len(set(keys)) != len(keys):
        errors["cells"] = _("Mỗi ô (đơn vị, đối tượng) chỉ ghi một lần.")
    _raise(errors)
    return {(unit_of[r["unit"]], offered[r["target_group"]]): r["expected"] for r in rows}


class CampaignQuotas(ApiView):
    """The quota grid (chỉ tiêu số người: a number per unit and target group). PATCH sets the
    cells named (null removes one), as the organising unit's editors do on the quota page;
    If-Match (the grid's ETag) or `revision` is required."""

    serializer_class = QuotaGridOut

    @extend_schema(operation_id="campaigns_quotas_retrieve", responses=QuotaGridOut)
    def get(self, request, pk: int):
        grid = _quota_grid(request.user, _campaign(request.user, pk))
        return Response(QuotaGridOut(grid).data, headers={"ETag": etag_of(grid)})

    @extend_schema(
        operation_id="campaigns_quotas_partial_update",
        request=QuotaGridIn,
        responses={200: QuotaGridSavedOut},
    )
    def patch(self, request, pk: int):
        user = request.user
        campaign = _campaign(user, pk)
        if not rules.can_manage_campaign(user, campaign):
            raise ApiError(
                403, "forbidden", _("Bạn không có quyền đặt chỉ tiêu cho đợt quán triệt này.")
            )
        wanted = revision_from(request, _quota_grid(user, campaign))
        incoming = QuotaGridIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        with transaction.atomic():
            # The campaign's row is the grid's lock: two saves of the grid wait for each other.
            Campaign.objects.select_for_update().get(pk=campaign.pk)
            grid = _quota_grid(user, campaign)
            if grid.revision != wanted:
                raise stale()
            values = _quota_values(campaign, grid.groups, incoming.validated_data["cells"])
            changed = services.quota_set(actor=user, campaign=campaign, values=values)
        grid = _quota_grid(user, campaign)
        grid.changed = changed
        return Response(QuotaGridSavedOut(grid).data, headers={"ETag": etag_of(grid)})


# --- delegations --------------------------------------------------------------------------------
def _delegation(user, pk: int) -> Delegation:
    """The delegation if the user sees it (404 otherwise): the delegated ward its own only."""
    delegation = get_object_or_404(
        Delegation.objects.select_related("campaign__owner_unit", "unit", "reported_by"), pk=pk
    )
    if not rules.can_view_delegation(user, delegation):
        raise Http404
    delegation.can_report = rules.can_report_delegation(user, delegation)
    return _delegation_version(delegation)


def _delegation_changes(campaign: Campaign, data: dict) -> dict:
    """Ids → the units the delegate page offers (active units below the organising unit not yet
    delegated; `all_children`: its direct ones); the service checks the rest."""
    errors: dict = {}
    units = {
        u.pk: u
        for u in _pick_many(
            errors, "units", selectors.delegable_units(campaign), data.get("units") or []
        )
    }
    if data.get("all_children"):
        units.update({u.pk: u for u in selectors.delegable_children(campaign)})
    out = {"units": list(units.values()), "instructions": data.get("instructions") or ""}
    text = data.get("deadline")
    if text:
        try:
            out["deadline"], out["deadline_precision"] = dates.parse_deadline(text)
        except ValueError:
            errors["deadline"] = deadline_message(text)
    _raise(errors)
    return out


class DelegationList(mixins.ListModelMixin, ApiView):
    """The campaign's delegations you see (a delegated ward: its own); POST delegates the campaign
    to units below the organising unit, as its editors do on the delegate page; each delegated
    unit's editors are told once. Idempotency-Key honoured."""

    serializer_class = DelegationOut

    def get_queryset(self):
        user = self.request.user
        return selectors.delegations_for(user, _campaign(user, self.kwargs["pk"]))

    def _out(self, delegations) -> list:
        user = self.request.user
        for d in delegations:
            d.can_report = rules.can_report_delegation(user, d)
            _delegation_version(d)
        return DelegationOut(delegations, many=True).data

    @extend_schema(operation_id="campaigns_delegations_list")
    def get(self, request, pk: int):
        return self.get_paginated_response(self._out(self.paginate_queryset(self.get_queryset())))

    @extend_schema(
        operation_id="campaigns_delegations_create",
        request=DelegationIn,
        responses={201: DelegationOut(many=True)},
    )
    def post(self, request, pk: int):
        user = request.user
        campaign = _campaign(user, pk)
        if not rules.can_manage_campaign(user, campaign):
            raise ApiError(
                403, "forbidden", _("Bạn không có quyền giao đợt quán triệt này cho đơn vị khác.")
            )
        incoming = DelegationIn(data=request.data)
        incoming.is_valid(raise_exception=True)

        def create():
            changes = _delegation_changes(campaign, dict(incoming.validated_data))
            created = services.delegation_create(actor=user, campaign=campaign, **changes)
            fresh = Delegation.objects.select_related("unit", "reported_by").filter(
                pk__in=[d.pk for d in created]
            )
            data = self._out(list(fresh.order_by("unit__path")))
            return data, reverse("api:campaign_delegations", args=[campaign.pk])

        return idempotent_create(request, f"campaigns/{campaign.pk}/delegations", create)


class DelegationDetail(ApiView):
    """A delegation of a campaign to a unit. PATCH writes (or replaces) its report of the result,
    as the delegated unit's editors (or the organisers') do on the report page; If-Match."""

    serializer_class = DelegationOut

    def get(self, request, pk: int):
        delegation = _delegation(request.user, pk)
        return Response(DelegationOut(delegation).data, headers={"ETag": etag_of(delegation)})

    @extend_schema(request=DelegationReportIn, responses={200: DelegationOut})
    def patch(self, request, pk: int):
        user = request.user
        delegation = _delegation(user, pk)
        if not delegation.can_report:
            raise ApiError(
                403,
                "forbidden",
                _("Bạn không có quyền báo cáo thay cho %(unit)s.") % {"unit": delegation.unit.name},
            )
        wanted = revision_from(request, delegation)
        incoming = DelegationReportIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        with transaction.atomic():
            locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
            _check_version(wanted, locked, _delegation_version)
            services.delegation_report(
                actor=user, delegation=locked, report=incoming.validated_data["report"]
            )
        delegation = _delegation(user, pk)
        return Response(DelegationOut(delegation).data, headers={"ETag": etag_of(delegation)})


# --- classes ------------------------------------------------------------------------------------
CLASS_FILTERS = [
    OpenApiParameter("unit", int, description="classes organised in this unit's subtree"),
    OpenApiParameter("status", str, enum=list(ClassStatus.values)),
]


def _class(user, pk: int) -> ClassSession:
    """The class if the user sees it (404 otherwise), as the pages fetch it."""
    try:
        session = selectors.class_with_relations(pk)
    except ClassSession.DoesNotExist:
        raise Http404 from None
    if not rules.can_view_class(user, session):
        raise Http404
    return _saved_version(session)


def _class_changes(user, campaign, data: dict, session: ClassSession | None = None) -> dict:
    """Ids → what the class form offers the user (organiser units, target groups of the
    campaign, classes to make up for, documents); the service checks the rest."""
    errors: dict = {}
    out = {
        k: data[k]
        for k in ("title", "starts_at", "ends_at", "place", "presenters", "notes", "status")
        if k in data
    }
    if "organiser" in data:
        units = org_rules.filter_units(user, Unit.objects.all())
        out["organiser"] = _pick(errors, "organiser", units, data["organiser"])
    if "makeup_of" in data:
        makeups = selectors.makeup_choices(user, campaign, exclude=session)
        out["makeup_of"] = _pick(errors, "makeup_of", makeups, data["makeup_of"])
    if "materials" in data:
        out["materials"] = _pick_many(
            errors, "materials", visible_documents(user), data["materials"]
        )
    if "groups" in data:
        rows = data["groups"]
        offered = selectors.class_target_groups(campaign, session)
        found = {
            g.pk: g
            for g in _pick_many(errors, "groups", offered, [r["target_group"] for r in rows])
        }
        if len({r["target_group"] for r in rows}) != len(rows):
            errors["groups"] = _("Mỗi đối tượng chỉ ghi một lần.")
        out["groups"] = {
            found[r["target_group"]]: (r.get("expected") or 0, r.get("attended"))
            for r in rows
            if r["target_group"] in found
        }
    _raise(errors)
    return out


def _class_detail(user, session: ClassSession) -> dict:
    """The class (fetched by `_class`) with how its list stands."""
    listed = dict.fromkeys(AttendanceStatus.values, 0)
    made_up_elsewhere = 0
    for status, made_up_in in session.attendees.values_list("status", "made_up_in"):
        listed[status] += 1
        made_up_elsewhere += made_up_in is not None
    context = {
        "makeups": list(session.makeups.order_by("starts_at", "id").values_list("pk", flat=True)),
        "attendance": {
            "listed": sum(listed.values()),
            "present": listed[AttendanceStatus.PRESENT],
            "absent": listed[AttendanceStatus.ABSENT],
            "excused": listed[AttendanceStatus.EXCUSED],
            "made_up_elsewhere": made_up_elsewhere,
            "made_up_here": selectors.made_up_here(session).count(),
        },
        "can_edit": rules.can_edit_class(user, session),
    }
    return ClassSessionDetailOut(session, context=context).data


class ClassList(mixins.ListModelMixin, ApiView):
    """The campaign's classes you see (a ward: its own and its cells'), each with its expected
    and attended numbers per target group; POST adds a class (Idempotency-Key honoured)."""

    serializer_class = ClassSessionOut

    def get_queryset(self):
        user, params = self.request.user, self.request.query_params
        campaign = _campaign(user, self.kwargs["pk"])
        status = _choice(params, "status", ClassStatus.values)
        qs = selectors.classes_for(user, campaign, unit=_visible_unit(user, params))
        return qs.filter(status=status) if status else qs

    @extend_schema(parameters=CLASS_FILTERS, operation_id="campaigns_classes_list")
    def get(self, request, pk: int):
        page = [_saved_version(s) for s in self.paginate_queryset(self.get_queryset())]
        return self.get_paginated_response(ClassSessionOut(page, many=True).data)

    @extend_schema(request=ClassSessionIn, responses={201: ClassSessionDetailOut})
    def post(self, request, pk: int):
        user = request.user
        campaign = _campaign(user, pk)
        if not selectors.organiser_units(user, campaign).exists():
            raise ApiError(
                403, "forbidden", _("Bạn không có quyền tổ chức lớp cho đợt quán triệt này.")
            )
        incoming = ClassSessionIn(data=request.data)
        incoming.is_valid(raise_exception=True)

        def create():
            changes = _class_changes(user, campaign, dict(incoming.validated_data))
            session = class_services.class_create(actor=user, campaign=campaign, **changes)
            return _class_detail(user, _class(user, session.pk)), reverse(
                "api:class", args=[session.pk]
            )

        return idempotent_create(request, f"campaigns/{campaign.pk}/classes", create)


class ClassDetail(ApiView):
    """A class: its groups (expected, attended), totals, how its list stands, its make-ups.
    PATCH changes it as the class form does (status, times, typed counts; If-Match)."""

    serializer_class = ClassSessionDetailOut

    def get(self, request, pk: int):
        session = _class(request.user, pk)
        return Response(_class_detail(request.user, session), headers={"ETag": etag_of(session)})

    @extend_schema(request=ClassSessionIn(partial=True), responses={200: ClassSessionDetailOut})
    def patch(self, request, pk: int):
        user = request.user
        session = _class(user, pk)
        if not rules.can_edit_class(user, session):
            raise ApiError(403, "forbidden", _("Bạn không có quyền sửa lớp này."))
        wanted = revision_from(request, session)
        incoming = ClassSessionIn(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        changes = _class_changes(user, session.campaign, dict(incoming.validated_data), session)
        with transaction.atomic():
            locked = ClassSession.objects.select_for_update().get(pk=session.pk)
            _check_version(wanted, locked, _saved_version)
            class_services.class_update(actor=user, session=locked, **changes)
        session = _class(user, pk)
        return Response(_class_detail(user, session), headers={"ETag": etag_of(session)})


def _versioned(request, incoming) -> bool:
    """An optional version: an action that overwrites nothing checks it only when it is sent."""
    return bool(request.headers.get("If-Match")) or "revision" in incoming


class ClassCancel(ApiView):
    """Cancel a class, as the class page's button: it stays on record, marked, and counts for
    nobody; the reason goes to its history. Cancelling it again changes nothing. If-Match (or
    `revision`) is checked when sent."""

    serializer_class = ClassCancelIn

    @extend_schema(
        operation_id="classes_cancel", request=ClassCancelIn, responses={200: ClassSessionDetailOut}
    )
    def post(self, request, pk: int):
        user = request.user
        session = _class(user, pk)
        if not rules.can_edit_class(user, session):
            raise ApiError(403, "forbidden", _("Bạn không có quyền hủy lớp này."))
        incoming = ClassCancelIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        wanted = (
            revision_from(request, session)
            if _versioned(request, incoming.validated_data)
            else None
        )
        with transaction.atomic():
            locked = ClassSession.objects.select_for_update().get(pk=session.pk)
            if wanted is not None:
                _check_version(wanted, locked, _saved_version)
            class_services.class_cancel(
                actor=user, session=locked, reason=incoming.validated_data.get("reason", "")
            )
        session = _class(user, pk)
        return Response(_class_detail(user, session), headers={"ETag": etag_of(session)})


# --- attendees ----------------------------------------------------------------------------------
def _attendee(user, pk: int) -> Attendee:
    """The listed person if the user sees their class (404 otherwise)."""
    attendee = get_object_or_404(
        Attendee.objects.select_related("session__campaign", "target_group"), pk=pk
    )
    if not rules.can_view_class(user, attendee.session):
        raise Http404
    return _attendee_version(attendee)


def _attendee_changes(user, session: ClassSession, data: dict) -> dict:
    errors: dict = {}
    out = {k: data[k] for k in ("full_name", "workplace", "status", "note") if k in data}
    if "target_group" in data:
        groups = selectors.class_target_groups(session.campaign, session)
        out["target_group"] = _pick(errors, "target_group", groups, data["target_group"])
    if "made_up_in" in data:
        makeups = selectors.makeup_choices(user, session.campaign, exclude=session)
        out["made_up_in"] = _pick(errors, "made_up_in", makeups, data["made_up_in"])
    _raise(errors)
    return out


class AttendeeList(mixins.ListModelMixin, ApiView):
    """The class's list of people with their attendance; POST lists one more (present, absent
    or excused; the class's counts follow the list). Idempotency-Key honoured."""

    serializer_class = AttendeeOut

    def get_queryset(self):
        session = _class(self.request.user, self.kwargs["pk"])
        return selectors.attendees_of(session)

    @extend_schema(operation_id="classes_attendees_list")
    def get(self, request, pk: int):
        page = [_attendee_version(a) for a in self.paginate_queryset(self.get_queryset())]
        return self.get_paginated_response(AttendeeOut(page, many=True).data)

    @extend_schema(request=AttendeeIn, responses={201: AttendeeOut})
    def post(self, request, pk: int):
        user = request.user
        session = _class(user, pk)
        if not rules.can_edit_class(user, session):
            raise ApiError(403, "forbidden", _("Bạn không có quyền cập nhật danh sách lớp này."))
        incoming = AttendeeIn(data=request.data)
        incoming.is_valid(raise_exception=True)

        def create():
            changes = _attendee_changes(user, session, dict(incoming.validated_data))
            attendee = class_services.attendee_add(actor=user, session=session, **changes)
            attendee = _attendee(user, attendee.pk)
            return AttendeeOut(attendee).data, reverse("api:attendee", args=[attendee.pk])

        return idempotent_create(request, f"classes/{session.pk}/attendees", create)


class AttendeeDetail(ApiView):
    """A listed person. PATCH changes their attendance (or anything on the line) as the class's
    editors may; the editors of another class may only mark that the person made up there."""

    serializer_class = AttendeeOut

    def get(self, request, pk: int):
        attendee = _attendee(request.user, pk)
        return Response(AttendeeOut(attendee).data, headers={"ETag": etag_of(attendee)})

    @extend_schema(request=AttendeeIn(partial=True), responses={200: AttendeeOut})
    def patch(self, request, pk: int):
        user = request.user
        attendee = _attendee(user, pk)
        incoming = AttendeeIn(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data.pop("revision", None)
        session = attendee.session
        if not rules.can_edit_class(user, session):
            # The page's "made up here" button: the make-up class's editors mark it.
            makeup = data.get("made_up_in")
            target = ClassSession.objects.filter(pk=makeup).first() if makeup else None
            if not (set(data) == {"made_up_in"} and target and rules.can_edit_class(user, target)):
                raise ApiError(
                    403, "forbidden", _("Bạn không có quyền cập nhật danh sách lớp này.")
                )
        wanted = revision_from(request, attendee)
        changes = _attendee_changes(user, session, data)
        with transaction.atomic():
            locked = Attendee.objects.select_for_update().get(pk=attendee.pk)
            _check_version(wanted, locked, _attendee_version)
            class_services.attendee_update(actor=user, attendee=locked, **changes)
        attendee = _attendee(user, pk)
        return Response(AttendeeOut(attendee).data, headers={"ETag": etag_of(attendee)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        """Take the person off the class's list (the class's counts follow); If-Match is checked
        when sent."""
        user = request.user
        attendee = _attendee(user, pk)
        if not rules.can_edit_class(user, attendee.session):
            raise ApiError(403, "forbidden", _("Bạn không có quyền cập nhật danh sách lớp này."))
        wanted = revision_from(request, attendee) if request.headers.get("If-Match") else None
        with transaction.atomic():
            locked = Attendee.objects.select_for_update().filter(pk=attendee.pk).first()
            if locked is None:
                raise Http404
            if wanted is not None:
                _check_version(wanted, locked, _attendee_version)
            class_services.attendee_remove(actor=user, attendee=locked)
        return Response(status=204)
