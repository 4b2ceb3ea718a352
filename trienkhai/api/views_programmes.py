"""Programmes, indicators with their status, measurements and periodic reports: read and write.

Thin: what a user sees comes from the pages' selectors and rules (plans.selectors_programmes,
plans.rules, plans.reports), values and statuses from the same functions as the indicator pages,
and every write goes through the service the page calls: plans.programmes (programme_create,
programme_update), plans.indicators (indicator_create, indicator_update, measurement_add) and
plans.reports (report_save). An id in a body that one may not see is a field error (400), a
unit or programme one sees but may not change is a 403, as the pages refuse them.

Programmes and indicators have no revision column: their version (ETag, `version`) is a digest
of the fields one may change; reports keep a `revision`. Either must be sent back to change the
record (If-Match), so a change made meanwhile by someone else is never overwritten."""

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import Document
from trienkhai.lib import dates
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.plans import indicators as indicator_services
from trienkhai.plans import programmes as programme_services
from trienkhai.plans import reports, rules
from trienkhai.plans import selectors_programmes as selectors
from trienkhai.plans.forms_programmes import visible_documents
from trienkhai.plans.indicators import INDICATOR_FIELDS, OFF_TRACK, IndicatorStatus, plain_decimal
from trienkhai.plans.models import Indicator, Programme, Report, ReportSchedule
from trienkhai.plans.programmes import PROGRAMME_FIELDS

from .conventions import (
    ApiView,
    deadline_message,
    etag_of,
    idempotent_create,
    query_date,
    query_id,
    revision_from,
    stale,
)
from .errors import ApiError
from .serializers_programmes import (
    IndicatorChangeIn,
    IndicatorDetailOut,
    IndicatorIn,
    IndicatorOut,
    MeasurementIn,
    MeasurementOut,
    ProgrammeDetailOut,
    ProgrammeIn,
    ProgrammeOut,
    ReportChangeIn,
    ReportDetailOut,
    ReportIn,
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


# --- writes: versions, and the ids a body names -------------------------------------------------
def version_of(obj, fields) -> str:
    """The version of a record without a revision column: a digest of the fields one may
    change. Any change by someone else gives another version; a change undone gives the one
    read before, and accepting a change made on that same content loses nothing."""
    values = []
    for name in fields:
        value = getattr(obj, obj._meta.get_field(name).attname)
        if isinstance(value, Decimal):
            value = str(plain_decimal(value))
        values.append(value)
    digest = hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:20]
    return f"{obj.pk}-{digest}"


def check_version(request, sent_field: str | None, obj, current: str) -> None:
    """Refuse a change unless the client names the version it read: `If-Match` (the ETag) or
    the `version` field. 428 without either, 412 when it is not the current version."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        tags = [t.strip().removeprefix("W/").strip('"') for t in header.split(",")]
    elif sent_field:
        tags = [sent_field.strip().strip('"')]
    else:
        raise ApiError(
            428,
            "precondition_required",
            _(
                "Hãy gửi If-Match (ETag đã nhận) hoặc trường version để không ghi đè thay đổi "
                "của người khác."
            ),
        )
    if "*" in tags or current in tags:
        return
    if not any(t.partition("-")[0] == str(obj.pk) for t in tags):
        raise ApiError(
            412, "precondition_failed", _("Phiên bản trong If-Match không khớp với bản ghi này.")
        )
    raise stale()


def _editable_units(user):
    return org_rules.filter_units(user, Unit.objects.all(), org_rules.EDIT)


def _seen_unit(user, pk: int, errors: dict, field: str) -> Unit | None:
    """The unit named in a body if the user sees it; otherwise a field error (as a choice the
    page's form would not offer)."""
    unit = org_rules.filter_units(user, Unit.objects.all()).filter(pk=pk).first()
    if unit is None:
        errors[field] = _("Không tìm thấy đơn vị số %(id)s trong các đơn vị bạn xem được.") % {
            "id": pk
        }
    return unit


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="any text up to 100 characters: a retry with the same key and body gets the "
    "first answer instead of creating again",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="the ETag read last (or send `version` / `revision` in the body); a change "
    "made meanwhile by someone else gives 412",
)


def _forbidden(message: str, field: str | None = None) -> ApiError:
    return ApiError(403, "forbidden", message, field)


def _programme_changes(user, data: dict) -> dict:
    """A programme body → the service's arguments: ids → what the user may name."""
    out, errors = {}, {}
    for field in ("document", "programme_document"):
        if field not in data:
            continue
        if data[field] is None:
            out[field] = None
            continue
        # Any document one may read: the service says why one not yet issued is refused.
        out[field] = (
            document_rules.filter_documents(user, Document.objects.all())
            .filter(pk=data[field])
            .first()
        )
        if out[field] is None:
            errors[field] = _(
                "Không tìm thấy văn bản đã chọn, hoặc bạn không có quyền xem văn bản đó."
            )
    if "owner_unit" in data:
        out["owner_unit"] = _seen_unit(user, data["owner_unit"], errors, "owner_unit")
    for field in ("title", "field", "start_year", "end_year", "description"):
        if field in data:
            out[field] = data[field]
    if errors:
        raise ValidationError(errors)
    return out


def _indicator_changes(user, data: dict) -> dict:
    """An indicator body → the service's arguments: ids → what the user may name, the target
    deadline text → its date and precision."""
    out, errors = {}, {}
    if "unit" in data:
        out["unit"] = _seen_unit(user, data["unit"], errors, "unit")
    if "document" in data:
        out["document"] = None
        if data["document"] is not None:
            # As the page's form: an issued document one may read.
            out["document"] = visible_documents(user).filter(pk=data["document"]).first()
            if out["document"] is None:
                errors["document"] = _(
                    "Không tìm thấy văn bản đã chọn, hoặc bạn không có quyền xem văn bản đó."
                )
    if "target_deadline" in data:
        text = data["target_deadline"]
        out["target_date"], out["target_precision"] = None, dates.YEAR
        if text:
            try:
                out["target_date"], out["target_precision"] = dates.parse_deadline(text)
            except ValueError:
                errors["target_deadline"] = deadline_message(text)
    for field in (
        "name",
        "measure_unit",
        "direction",
        "target_value",
        "baseline_value",
        "baseline_year",
        "by_subunits",
        "rollup",
        "position",
    ):
        if field in data:
            out[field] = data[field]
    if errors:
        raise ValidationError(errors)
    return out


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

    @extend_schema(
        request=ProgrammeIn,
        responses={201: ProgrammeDetailOut},
        operation_id="programmes_create",
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request):
        """Set up a programme of a unit you edit, carrying out an issued document you may read
        (Idempotency-Key honoured)."""
        user = request.user
        if not _editable_units(user).exists():
            raise _forbidden(_("Bạn không có quyền lập chương trình cho đơn vị nào."))
        incoming = ProgrammeIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = _programme_changes(user, incoming.validated_data)
        owner = data["owner_unit"]
        if not org_rules.can_edit_unit(user, owner):
            raise _forbidden(
                _("Bạn không có quyền lập chương trình cho %(unit)s.") % {"unit": owner.name},
                "owner_unit",
            )

        def create():
            programme = programme_services.programme_create(actor=user, **data)
            return _programme_data(user, programme.pk), reverse(
                "api:programme", args=[programme.pk]
            )

        return idempotent_create(request, "programmes", create)


def _programme_data(user, pk: int) -> dict:
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
        "version": version_of(programme, PROGRAMME_FIELDS),
    }
    return ProgrammeDetailOut(programme, context=context).data


class ProgrammeDetail(ApiView):
    """A programme with its progress, its tasks counted by status, and its indicators with their
    status, as its page shows them; PATCH changes it (If-Match: its ETag)."""

    serializer_class = ProgrammeDetailOut

    @extend_schema(operation_id="programmes_retrieve")
    def get(self, request, pk: int):
        data = _programme_data(request.user, pk)
        return Response(data, headers={"ETag": f'"{data["version"]}"'})

    @extend_schema(
        request=ProgrammeIn(partial=True),
        responses={200: ProgrammeDetailOut},
        operation_id="programmes_partial_update",
        parameters=[IF_MATCH],
    )
    def patch(self, request, pk: int):
        """Change a programme of a unit you edit, as its edit page does."""
        user = request.user
        programme = get_object_or_404(_programmes(user), pk=pk)
        if not rules.can_edit_programme(user, programme):
            raise _forbidden(_("Bạn không có quyền sửa chương trình này."))
        incoming = ProgrammeIn(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        changes = _programme_changes(user, incoming.validated_data)
        with transaction.atomic():
            locked = Programme.objects.select_for_update().get(pk=programme.pk)
            check_version(
                request,
                incoming.validated_data.get("version"),
                locked,
                version_of(locked, PROGRAMME_FIELDS),
            )
            programme_services.programme_update(actor=user, programme=locked, **changes)
        data = _programme_data(user, pk)
        return Response(data, headers={"ETag": f'"{data["version"]}"'})


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

    @extend_schema(
        request=IndicatorIn,
        responses={201: IndicatorDetailOut},
        operation_id="indicators_create",
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request):
        """Define an indicator (its target, baseline, direction, rollup) for a unit you edit,
        in a programme you edit or under a document (Idempotency-Key honoured)."""
        user = request.user
        if not _editable_units(user).exists():
            raise _forbidden(_("Bạn không có quyền giao chỉ tiêu cho đơn vị nào."))
        incoming = IndicatorIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        programme = None
        programme_id = data.pop("programme", None)
        if programme_id is not None:
            programme = (
                rules.filter_programmes(user, Programme.objects.select_related("owner_unit"))
                .filter(pk=programme_id)
                .first()
            )
            if programme is None:
                raise ValidationError(
                    {
                        "programme": _(
                            "Không tìm thấy chương trình số %(id)s trong các chương trình bạn "
                            "xem được."
                        )
                        % {"id": programme_id}
                    }
                )
            if not rules.can_edit_programme(user, programme):
                raise _forbidden(
                    _("Bạn không có quyền thêm chỉ tiêu vào chương trình “%(title)s”.")
                    % {"title": programme.title},
                    "programme",
                )
            _programme_document_only(data.get("document"), programme.document_id)
        changes = {"target_date": None} | _indicator_changes(user, data)
        unit = changes["unit"]
        if not org_rules.can_edit_unit(user, unit):
            raise _forbidden(
                _("Bạn không có quyền giao chỉ tiêu cho %(unit)s.") % {"unit": unit.name}, "unit"
            )

        def create():
            indicator = _indicator_write(
                indicator_services.indicator_create, actor=user, programme=programme, **changes
            )
            return _indicator_data(user, _indicator(user, indicator.pk)), reverse(
                "api:indicator", args=[indicator.pk]
            )

        return idempotent_create(request, "indicators", create)


# The service names the deadline by its model fields; the API's body calls it target_deadline.
DEADLINE_FIELDS = {"target_date": "target_deadline", "target_precision": "target_deadline"}


def _indicator_write(write, **kwargs):
    """Run an indicator service, its field errors named as the API's body names them."""
    try:
        return write(**kwargs)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        renamed: dict[str, list] = {}
        for field, errors in error.error_dict.items():
            renamed.setdefault(DEADLINE_FIELDS.get(field, field), []).extend(errors)
        raise ValidationError(renamed) from None


def _programme_document_only(document_id, programme_document_id) -> None:
    """An indicator of a programme carries the programme's document (its form has no other)."""
    if document_id is not None and document_id != programme_document_id:
        raise ValidationError(
            {
                "document": _(
                    "Chỉ tiêu của chương trình mang văn bản của chương trình; không chọn văn bản "
                    "khác."
                )
            }
        )


def _indicator_data(user, indicator) -> dict:
    today = dt.date.today()
    indicator.assessment = selectors.indicator_assessment(indicator, today)
    indicator.value, indicator.value_on = selectors.latest_totals([indicator.pk], today).get(
        indicator.pk, (None, None)
    )
    context = {
        "breakdown": selectors.indicator_breakdown(user, indicator, today),
        "series": selectors.indicator_series(indicator, today),
        "version": version_of(indicator, INDICATOR_FIELDS),
    }
    return IndicatorDetailOut(indicator, context=context).data


class IndicatorDetail(ApiView):
    """One indicator as its page shows it: status, latest value, the sub-units' values you may
    see, and the value year by year; PATCH changes its definition (If-Match: its ETag)."""

    serializer_class = IndicatorDetailOut

    @extend_schema(operation_id="indicators_retrieve")
    def get(self, request, pk: int):
        data = _indicator_data(request.user, _indicator(request.user, pk))
        return Response(data, headers={"ETag": f'"{data["version"]}"'})

    @extend_schema(
        request=IndicatorChangeIn(partial=True),
        responses={200: IndicatorDetailOut},
        operation_id="indicators_partial_update",
        parameters=[IF_MATCH],
    )
    def patch(self, request, pk: int):
        """Change an indicator of a unit you edit, as its edit page does. Its programme stays."""
        user = request.user
        indicator = _indicator(user, pk)
        if not rules.can_edit_indicator(user, indicator):
            raise _forbidden(_("Bạn không có quyền sửa chỉ tiêu này."))
        incoming = IndicatorChangeIn(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        if request.data.get("programme", indicator.programme_id) != indicator.programme_id:
            raise ValidationError(
                {
                    "programme": _(
                        "Không thể chuyển chỉ tiêu sang chương trình khác; hãy tạo chỉ tiêu mới."
                    )
                }
            )
        if indicator.programme_id is not None and "document" in data:
            _programme_document_only(data["document"], indicator.document_id)
            del data["document"]
        changes = _indicator_changes(user, data)
        with transaction.atomic():
            locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
            check_version(
                request, data.get("version"), locked, version_of(locked, INDICATOR_FIELDS)
            )
            _indicator_write(
                indicator_services.indicator_update, actor=user, indicator=locked, **changes
            )
        data = _indicator_data(user, _indicator(user, pk))
        return Response(data, headers={"ETag": f'"{data["version"]}"'})


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

    @extend_schema(
        request=MeasurementIn,
        responses={201: MeasurementOut},
        operation_id="indicators_measurements_create",
        parameters=[IDEMPOTENCY_KEY],
    )
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

    @extend_schema(
        request=ReportIn,
        responses={201: ReportDetailOut},
        operation_id="reports_create",
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request):
        """Begin a unit's report for a period of a schedule, as a draft or submitted at once,
        as the report page does (Idempotency-Key honoured). One report per unit and period: a
        report begun already is changed with PATCH."""
        user = request.user
        if not _editable_units(user).exists():
            raise _forbidden(_("Bạn không có quyền viết báo cáo của đơn vị nào."))
        incoming = ReportIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        errors = {}
        schedule = (
            reports.filter_schedules(user, ReportSchedule.objects.select_related("parent_unit"))
            .filter(pk=data["schedule"])
            .first()
        )
        if schedule is None:
            errors["schedule"] = _(
                "Không tìm thấy lịch báo cáo số %(id)s trong các lịch báo cáo bạn xem được."
            ) % {"id": data["schedule"]}
        unit = _seen_unit(user, data["unit"], errors, "unit")
        if errors:
            raise ValidationError(errors)
        if not org_rules.can_edit_unit(user, unit):
            raise _forbidden(
                _("Bạn không có quyền viết báo cáo của “%(unit)s”.") % {"unit": unit.name}, "unit"
            )
        period = _period(schedule, data["period"])
        if not reports.is_expected(schedule, unit, period):
            raise ValidationError(
                {
                    "unit": _("“%(unit)s” không thuộc diện báo cáo “%(title)s” kỳ %(period)s.")
                    % {"unit": unit.name, "title": schedule.title, "period": period.label}
                }
            )

        def create():
            existing = Report.objects.filter(
                schedule=schedule, unit=unit, period_start=period.start
            ).first()
            if existing is not None:
                raise _report_exists(existing)
            try:
                report = reports.report_save(
                    actor=user,
                    schedule=schedule,
                    unit=unit,
                    period_start=period.start,
                    sections=dict(data.get("sections", {})),
                    submit=data["submit"],
                    revision=0,
                )
            except ValidationError as error:
                if getattr(error, "code", None) != "conflict":
                    raise
                # Another writer began it a moment ago.
                existing = Report.objects.get(
                    schedule=schedule, unit=unit, period_start=period.start
                )
                raise _report_exists(existing) from None
            return _report_data(report.pk), reverse("api:report", args=[report.pk])

        return idempotent_create(request, "reports", create)


def _period(schedule: ReportSchedule, start: dt.date) -> reports.Period:
    """The schedule's period beginning on `start`, or a field error (as the page's 404)."""
    period = None
    if dt.date(1945, 1, 1) <= start <= dt.date(2100, 12, 31):
        period = reports.period_for(schedule, start)
    if period is None:
        raise ValidationError({"period": _("Kỳ báo cáo không hợp lệ cho lịch báo cáo này.")})
    return period


def _report_exists(report: Report) -> ApiError:
    return ApiError(
        409,
        "conflict",
        _("Báo cáo kỳ này của “%(unit)s” đã có (số %(id)s): hãy sửa báo cáo đó, gửi kèm If-Match.")
        % {"unit": report.unit.name, "id": report.pk},
    )


def _report_data(pk: int) -> dict:
    report = _reports().get(pk=pk)
    return ReportDetailOut(report, context=_report_context([report])).data


class ReportDetail(ApiView):
    """One report with its sections and the figures it carried when saved; PATCH fills it in
    or submits it (If-Match: its ETag, or its `revision`)."""

    serializer_class = ReportDetailOut

    @extend_schema(operation_id="reports_retrieve")
    def get(self, request, pk: int):
        report = get_object_or_404(_reports(), pk=pk)
        if not rules.can_view_report(request.user, report):
            raise Http404
        data = ReportDetailOut(report, context=_report_context([report])).data
        return Response(data, headers={"ETag": etag_of(report)})

    @extend_schema(
        request=ReportChangeIn,
        responses={200: ReportDetailOut},
        operation_id="reports_partial_update",
        parameters=[IF_MATCH],
    )
    def patch(self, request, pk: int):
        """Change sections (those not sent are kept) and, with `submit`, send the report; the
        figures are taken again at each save, as on the page. There is no returning or
        accepting a report: the pages have no such step."""
        user = request.user
        report = get_object_or_404(_reports(), pk=pk)
        if not rules.can_view_report(user, report):
            raise Http404
        if not rules.can_write_report(user, report):
            raise _forbidden(
                _("Bạn không có quyền viết báo cáo của “%(unit)s”.") % {"unit": report.unit.name}
            )
        incoming = ReportChangeIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        revision = revision_from(request, report)
        if revision != report.revision:
            raise stale()
        sections = {**(report.sections or {}), **data.get("sections", {})}
        try:
            saved = reports.report_save(
                actor=user,
                schedule=report.schedule,
                unit=report.unit,
                period_start=report.period_start,
                sections=sections,
                submit=data["submit"],
                revision=revision,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "conflict":
                raise stale() from None
            raise
        return Response(_report_data(saved.pk), headers={"ETag": etag_of(saved)})
