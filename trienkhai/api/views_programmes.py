"""Programmes, indicators with their status, measurements (read, enter) and periodic reports.

Thin: what a user sees comes from the pages' selectors and rules (plans.selectors_programmes,
plans.rules, plans.reports), values and statuses from the same functions as the indicator pages,
and a measurement is entered through plans.indicators.measurement_add, as on the page."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import Document
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.plans import indicators as indicator_services
from trienkhai.plans import reports, rules
from trienkhai.plans import selectors_programmes as selectors
from trienkhai.plans.indicators import OFF_TRACK, IndicatorStatus
from trienkhai.plans.models import Programme, Report, ReportSchedule

from .conventions import ApiView, etag_of, idempotent_create, query_date, query_id
from .errors import ApiError
from .serializers_programmes import (
    IndicatorDetailOut,
    IndicatorOut,
    MeasurementIn,
    MeasurementOut,
    ProgrammeDetailOut,
    ProgrammeOut,
    ReportDetailOut,
    ReportOut,
)


def _visible_unit(user, params, name="unit") -> Unit | None:
    """A unit filter: one the user sees (404 otherwise, as a unit one may not see)."""
    pk = query_id(params, name)
    if pk is None:
        return None
    return get_object_or_404(org_rules.filter_units(user, Unit.objects.all()), pk=pk)


def _text(params) -> str:
    return params.get("q", "").replace("\x00", "").strip()[:100]


# --- programmes ---------------------------------------------------------------------------------
PROGRAMME_FILTERS = [
    OpenApiParameter("unit", int, description="programmes owned in this unit's subtree"),
    OpenApiParameter("document", int, description="programmes carrying out this document"),
    OpenApiParameter("field", str, description="one field (lĩnh vực), as written"),
    OpenApiParameter("q", str, description="words in the title"),
]


def _programmes(user, **filters):
    return selectors.programmes_for(user, **filters).select_related("programme_document")


def _with_progress(programmes):
    for programme in programmes:
        programme.progress = selectors.weighted_percent(
            programme.weighted_sum, programme.weight_sum
        )
    return programmes


class ProgrammeList(mixins.ListModelMixin, ApiView):
    """The programmes you see: your subtree's and your ancestors' (you carry them out)."""

    serializer_class = ProgrammeOut

    def get_queryset(self):
        user, params = self.request.user, self.request.query_params
        document = None
        doc_id = query_id(params, "document")
        if doc_id is not None:
            document = get_object_or_404(
                document_rules.filter_documents(user, Document.objects.all()), pk=doc_id
            )
        return _programmes(
            user,
            unit=_visible_unit(user, params),
            document=document,
            field=params.get("field", "").replace("\x00", "").strip()[:150],
            text=_text(params),
        )

    @extend_schema(parameters=PROGRAMME_FILTERS, operation_id="programmes_list")
    def get(self, request):
        page = _with_progress(self.paginate_queryset(self.get_queryset()))
        return self.get_paginated_response(ProgrammeOut(page, many=True).data)


class ProgrammeDetail(ApiView):
    """A programme with its progress, its tasks counted by status, and its indicators with their
    status, as its page shows them."""

    serializer_class = ProgrammeDetailOut

    def get(self, request, pk: int):
        user = request.user
        programme = get_object_or_404(_programmes(user), pk=pk)
        _with_progress([programme])
        today = dt.date.today()
        indicators = selectors.attach_assessments(
            list(selectors.indicators_for(user, programme=programme)), today
        )
        context = {
            "progress": selectors.programme_progress(programme),
            "counts": selectors.programme_task_counts(programme, today),
            "indicators": indicators,
        }
        return Response(ProgrammeDetailOut(programme, context=context).data)


# --- indicators ---------------------------------------------------------------------------------
INDICATOR_STATUSES = ["off_track", *IndicatorStatus.values]
INDICATOR_FILTERS = [
    OpenApiParameter("programme", int, description="indicators of this programme"),
    OpenApiParameter("unit", int, description="indicators of this unit's subtree"),
    OpenApiParameter(
        "status", str, enum=INDICATOR_STATUSES, description="off_track: at risk or missed"
    ),
    OpenApiParameter("q", str, description="words in the name"),
]


def _indicators(user, **filters):
    return selectors.indicators_for(user, **filters).select_related("document")


def _indicator(user, pk: int):
    """The indicator if the user sees it (404 otherwise), as the page fetches it."""
    return get_object_or_404(_indicators(user), pk=pk)


class IndicatorList(mixins.ListModelMixin, ApiView):
    """The indicators you see, each with its latest value and its status (computed by the rule
    the pages state, never typed)."""

    serializer_class = IndicatorOut

    def get_queryset(self):
        user, params = self.request.user, self.request.query_params
        status = params.get("status", "")
        if status and status not in INDICATOR_STATUSES:
            raise ApiError(
                400, "invalid", _("Trạng thái “%(s)s” không có.") % {"s": status[:40]}, "status"
            )
        programme = None
        programme_id = query_id(params, "programme")
        if programme_id is not None:
            programme = get_object_or_404(
                rules.filter_programmes(user, Programme.objects.all()), pk=programme_id
            )
        qs = _indicators(user, unit=_visible_unit(user, params), programme=programme)
        text = _text(params)
        if text:
            qs = qs.filter(name__icontains=text)
        if status:
            # Computed, as on the list page: assess every match (one query for their values).
            wanted = OFF_TRACK if status == "off_track" else {status}
            rows = selectors.attach_assessments(list(qs), dt.date.today())
            qs = qs.filter(pk__in=[r.pk for r in rows if r.assessment.status in wanted])
        return qs

    @extend_schema(parameters=INDICATOR_FILTERS, operation_id="indicators_list")
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        selectors.attach_assessments(page, dt.date.today())
        return self.get_paginated_response(IndicatorOut(page, many=True).data)


class IndicatorDetail(ApiView):
    """One indicator as its page shows it: status, latest value, the sub-units' values you may
    see, and the value year by year."""

    serializer_class = IndicatorDetailOut

    def get(self, request, pk: int):
        user = request.user
        indicator = _indicator(user, pk)
        today = dt.date.today()
        indicator.assessment = selectors.indicator_assessment(indicator, today)
        indicator.value, indicator.value_on = selectors.latest_totals([indicator.pk], today).get(
            indicator.pk, (None, None)
        )
        context = {
            "breakdown": selectors.indicator_breakdown(user, indicator, today),
            "series": selectors.indicator_series(indicator, today),
        }
        return Response(IndicatorDetailOut(indicator, context=context).data)


class MeasurementList(mixins.ListModelMixin, ApiView):
    """The indicator's values you may see (its own unit's and your units'); POST enters one
    (Idempotency-Key honoured)."""

    serializer_class = MeasurementOut

    def get_queryset(self):
        indicator = _indicator(self.request.user, self.kwargs["pk"])
        return selectors.indicator_measurements(self.request.user, indicator)

    @extend_schema(operation_id="indicators_measurements_list")
    def get(self, request, pk: int):
        return self.list(request)

    @extend_schema(request=MeasurementIn, responses={201: MeasurementOut})
    def post(self, request, pk: int):
        user = request.user
        indicator = _indicator(user, pk)
        if not selectors.can_enter_values(user, indicator):
            raise ApiError(403, "forbidden", _("Bạn không có quyền nhập số liệu cho chỉ tiêu này."))
        incoming = MeasurementIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        # Any unit the user sees may be named, as in the page's form: the service then says
        # why one outside the indicator's scope or the user's rights is refused.
        unit = org_rules.filter_units(user, Unit.objects.all()).filter(pk=data["unit"]).first()
        if unit is None:
            raise ValidationError(
                {
                    "unit": _("Không tìm thấy đơn vị số %(id)s trong các đơn vị bạn xem được.")
                    % {"id": data["unit"]}
                }
            )

        def create():
            measurement = indicator_services.measurement_add(
                actor=user,
                indicator=indicator,
                unit=unit,
                value=data["value"],
                measured_on=data["measured_on"],
                source=data.get("source", ""),
            )
            return MeasurementOut(measurement).data, None

        return idempotent_create(request, f"indicators/{indicator.pk}/measurements", create)


# --- periodic reports ---------------------------------------------------------------------------
REPORT_FILTERS = [
    OpenApiParameter("schedule", int, description="reports of this schedule"),
    OpenApiParameter("unit", int, description="reports of this unit's subtree"),
    OpenApiParameter("status", str, enum=list(Report.Status.values)),
    OpenApiParameter("period", OpenApiTypes.DATE, description="the period's first day"),
]


def _report_context(rows) -> dict:
    """Each report's period (its label as the pages write it) and its state (on time, late,
    draft, missing, open) by the reports' own rule."""
    today = dt.date.today()
    periods, states = {}, {}
    for report in rows:
        period = reports.period_for(report.schedule, report.period_start)
        if period is None:  # the schedule's dates changed after the report was made
            period = reports.make_period(report.schedule, report.period_start)
        periods[report.pk] = period
        states[report.pk] = reports.row_state(report, period, today)
    return {"periods": periods, "states": states}


def _reports():
    return Report.objects.select_related("schedule__parent_unit", "unit")


class ReportList(mixins.ListModelMixin, ApiView):
    """The reports of units you see (drafts and submitted ones); a report not yet begun is not
    a row here: the schedule's period pages count those."""

    serializer_class = ReportOut

    def get_queryset(self):
        user, params = self.request.user, self.request.query_params
        # rules.can_view_report is "sees the report's unit": the same scope as a filter.
        scope = org_rules.visible_q(user, org_rules.VIEW, "unit__path")
        qs = _reports() if scope is None else _reports().filter(scope)
        schedule_id = query_id(params, "schedule")
        if schedule_id is not None:
            schedule = get_object_or_404(
                reports.filter_schedules(user, ReportSchedule.objects.all()), pk=schedule_id
            )
            qs = qs.filter(schedule=schedule)
        unit = _visible_unit(user, params)
        if unit is not None:
            qs = qs.filter(unit__path__startswith=unit.path)
        status = params.get("status", "")
        if status:
            if status not in Report.Status.values:
                raise ApiError(
                    400, "invalid", _("Trạng thái “%(s)s” không có.") % {"s": status[:40]}, "status"
                )
            qs = qs.filter(status=status)
        period = query_date(params, "period")
        if period is not None:
            qs = qs.filter(period_start=period)
        return qs

    @extend_schema(parameters=REPORT_FILTERS, operation_id="reports_list")
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            ReportOut(page, many=True, context=_report_context(page)).data
        )


class ReportDetail(ApiView):
    """One report with its sections and the figures it carried when saved."""

    serializer_class = ReportDetailOut

    def get(self, request, pk: int):
        report = get_object_or_404(_reports(), pk=pk)
        if not rules.can_view_report(request.user, report):
            raise Http404
        data = ReportDetailOut(report, context=_report_context([report])).data
        return Response(data, headers={"ETag": etag_of(report)})
