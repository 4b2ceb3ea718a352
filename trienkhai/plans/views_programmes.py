"""Pages of programmes and indicators. Thin: fetch what the user may see (404 otherwise), check
what they may change (403 otherwise), call a service or a selector, render."""

import datetime as dt
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from trienkhai.audit.selectors import audit_entries_for
from trienkhai.lib import dates
from trienkhai.lib.text import fold
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.org.views import _apply_errors

from . import forms_programmes as forms
from . import indicators as indicator_services
from . import programmes as programme_services
from . import rules
from . import selectors_programmes as selectors
from .indicators import OFF_TRACK, TOLERANCE_POINTS, format_number
from .models import Direction, Indicator, Measurement, Programme, Rollup

PAGE_SIZE = 50


# --- helpers ------------------------------------------------------------------------------------
def _id(raw) -> int | None:
    """An id from the query string, or None when it is not one ("²" passes isdigit, not this)."""
    raw = str(raw or "")
    return int(raw) if raw.isdecimal() and len(raw) < 19 else None


def _programme_for(user, pk: int, check=None) -> Programme:
    """The programme if the user may see it (404 otherwise) and passes `check` (403 otherwise)."""
    programme = get_object_or_404(
        Programme.objects.select_related("owner_unit", "document", "programme_document"), pk=pk
    )
    if not rules.can_view_programme(user, programme):
        raise Http404
    if check is not None and not check(user, programme):
        raise PermissionDenied
    return programme


def _indicator_for(user, pk: int, check=None) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.select_related("unit", "programme", "document"), pk=pk
    )
    if not rules.can_view_indicator(user, indicator):
        raise Http404
    if check is not None and not check(user, indicator):
        raise PermissionDenied
    return indicator


def _unit_for(user, pk, check=org_rules.can_edit_unit) -> Unit:
    unit = get_object_or_404(Unit, pk=pk)
    if not org_rules.can_view_unit(user, unit):
        raise Http404
    if not check(user, unit):
        raise PermissionDenied
    return unit


def _editable_units(user):
    return org_rules.filter_units(user, Unit.objects.all(), org_rules.EDIT)


def _rule_context() -> dict:
    """What the status rule partial states: when each direction counts as achieved."""
    achieved_when = {
        Direction.AT_LEAST: _("giá trị ≥ mục tiêu"),
        Direction.AT_MOST: _("giá trị ≤ mục tiêu"),
        Direction.ELIMINATE: _("giá trị bằng 0"),
        Direction.REACH: _(
            "giá trị đạt tới mục tiêu theo chiều từ giá trị ban đầu (tăng lên hoặc giảm xuống)"
        ),
    }
    return {
        "tolerance": TOLERANCE_POINTS,
        "achieved_when": [(label, achieved_when[value]) for value, label in Direction.choices],
    }


# --- programmes ---------------------------------------------------------------------------------
@login_required
@require_GET
def programme_list(request):
    user = request.user
    documents = list(selectors.programme_documents(user)[:200])
    form = forms.ProgrammeFilterForm(
        request.GET or None, user=user, documents=documents, fields=selectors.programme_fields(user)
    )
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        doc = next((d for d in documents if d.pk == data["document"]), None)
        filters = {
            "unit": data["unit"],
            "document": doc,
            "field": data["field"],
            "text": data["text"],
        }
    page = Paginator(selectors.programmes_for(user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for programme in page.object_list:
        programme.progress = selectors.weighted_percent(
            programme.weighted_sum, programme.weight_sum
        )
    return render(
        request,
        "plans/programmes/list.html",
        {
            "form": form,
            "page": page,
            "can_create": _editable_units(user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request):
    user = request.user
    initial = {}
    unit_id = _id(request.GET.get("unit"))
    if request.GET.get("unit") is not None:
        if unit_id is None:
            raise Http404
        initial["owner_unit"] = _unit_for(user, unit_id).pk
    elif not _editable_units(user).exists():
        raise PermissionDenied
    doc_id = _id(request.GET.get("document"))
    if doc_id is not None:
        initial["document"] = doc_id
    form = forms.ProgrammeForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            programme = programme_services.programme_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("Đã lập chương trình “%(title)s”.") % {"title": programme.title}
            )
            return redirect("plans:programme", programme.pk)
    return render(request, "plans/programmes/form.html", {"form": form, "programme": None})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk):
    programme = _programme_for(request.user, pk, rules.can_edit_programme)
    form = forms.ProgrammeForm(
        request.POST or None, user=request.user, initial=forms.ProgrammeForm.initial_for(programme)
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme_services.programme_update(
                actor=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu chương trình."))
            return redirect("plans:programme", programme.pk)
    return render(request, "plans/programmes/form.html", {"form": form, "programme": programme})


@login_required
@require_GET
def programme_detail(request, pk):
    user = request.user
    programme = _programme_for(user, pk)
    today = dt.date.today()
    indicators = selectors.attach_assessments(
        list(selectors.indicators_for(user, programme=programme)), today
    )
    for ind in indicators:
        ind.value_text = format_number(ind.value)
        ind.goal_text = format_number(ind.goal)
    context = {
        "programme": programme,
        "can_edit": rules.can_edit_programme(user, programme),
        "indicators": indicators,
        "progress": selectors.programme_progress(programme),
        "counts": selectors.programme_task_counts(programme, today),
        "tasks": selectors.programme_tasks(user, programme),
        "audit": audit_entries_for(programme)[:20],
        **_rule_context(),
    }
    return render(request, "plans/programmes/detail.html", context)


@login_required
@require_GET
def programme_document_pick(request):
    """htmx: issued documents the user may read whose number or summary matches the text."""
    query = request.GET.get("q", "").replace("\x00", "").strip()
    field = request.GET.get("field", "document")
    if not field.replace("_", "").isalnum():
        field = "document"
    hits = []
    words = fold(query).split()
    if len(query) >= 2 and words:
        q = Q()
        for word in words:
            q &= Q(search_text__contains=word)
        q |= Q(number_text__iexact=query)
        docs = forms.visible_documents(request.user).filter(q).order_by("-issued_on", "-id")[:15]
        hits = [(d.pk, forms.document_label(d)) for d in docs]
    return render(
        request,
        "plans/programmes/partials/document_results.html",
        {"hits": hits, "field": field, "query": query},
    )


# --- indicators ---------------------------------------------------------------------------------
@login_required
@require_GET
def indicator_list(request):
    user = request.user
    form = forms.IndicatorFilterForm(request.GET or None, user=user)
    unit, status, text = None, "", ""
    if form.is_bound and form.is_valid():
        unit, status, text = (form.cleaned_data[k] for k in ("unit", "status", "text"))
    qs = selectors.indicators_for(user, unit=unit)
    if text:
        qs = qs.filter(name__icontains=text)
    today = dt.date.today()
    if status:
        # The status is computed: assess every matching indicator (one query for their values),
        # then page through those that have the status asked for.
        rows = selectors.attach_assessments(list(qs), today)
        wanted = OFF_TRACK if status == "off_track" else {status}
        rows = [r for r in rows if r.assessment.status in wanted]
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        selectors.attach_assessments(list(page.object_list), today)
    for ind in page.object_list:
        ind.value_text = format_number(ind.value)
        ind.goal_text = format_number(ind.goal)
    return render(
        request,
        "plans/programmes/indicator_list.html",
        {"form": form, "page": page, "can_create": _editable_units(user).exists()},
    )


def _indicator_units(user, programme: Programme | None):
    units = _editable_units(user)
    if programme is not None:
        units = units.filter(path__startswith=programme.owner_unit.path)
    return units


@login_required
@require_http_methods(["GET", "POST"])
def indicator_new(request):
    user = request.user
    programme, initial = None, {}
    raw_programme, raw_unit = request.GET.get("programme"), request.GET.get("unit")
    if raw_programme is not None:
        if _id(raw_programme) is None:
            raise Http404
        programme = _programme_for(user, _id(raw_programme), rules.can_edit_programme)
        initial["unit"] = programme.owner_unit_id
    elif raw_unit is not None:
        if _id(raw_unit) is None:
            raise Http404
        initial["unit"] = _unit_for(user, _id(raw_unit)).pk
    elif not _editable_units(user).exists():
        raise PermissionDenied
    initial.setdefault("rollup", Rollup.SUM)
    form = forms.IndicatorForm(
        request.POST or None,
        user=user,
        units=_indicator_units(user, programme),
        programme=programme,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicator_services.indicator_create(
                actor=user, programme=programme, **form.service_data()
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã thêm chỉ tiêu “%(name)s”.") % {"name": indicator.name})
            return redirect("plans:indicator", indicator.pk)
    return render(
        request,
        "plans/programmes/indicator_form.html",
        {"form": form, "programme": programme, "indicator": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk):
    indicator = _indicator_for(request.user, pk, rules.can_edit_indicator)
    form = forms.IndicatorForm(
        request.POST or None,
        user=request.user,
        units=_indicator_units(request.user, indicator.programme),
        programme=indicator.programme,
        initial=forms.IndicatorForm.initial_for(indicator),
    )
    if request.method == "POST" and form.is_valid():
        try:
            indicator_services.indicator_update(
                actor=request.user, indicator=indicator, **form.service_data()
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu."))
            return redirect("plans:indicator", indicator.pk)
    return render(
        request,
        "plans/programmes/indicator_form.html",
        {"form": form, "programme": indicator.programme, "indicator": indicator},
    )


@login_required
@require_GET
def indicator_detail(request, pk):
    user = request.user
    indicator = _indicator_for(user, pk)
    today = dt.date.today()
    assessment = selectors.indicator_assessment(indicator, today)
    series = selectors.indicator_series(indicator, today)
    measurements = Paginator(selectors.indicator_measurements(user, indicator), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for m in measurements.object_list:
        m.value_text = format_number(m.value)
    can_measure = selectors.can_enter_values(user, indicator)
    context = {
        "indicator": indicator,
        "assessment": assessment,
        "value_text": format_number(assessment.value),
        "goal_text": format_number(indicator.goal),
        "baseline_text": format_number(indicator.baseline_value),
        "deadline_text": dates.format_deadline_vi(
            indicator.target_date, indicator.target_precision
        ),
        "chart": selectors.indicator_chart(indicator, series),
        "series": [(year, format_number(value)) for year, value in series],
        "breakdown": selectors.indicator_breakdown(user, indicator, today),
        "measurements": measurements,
        "page": measurements,
        "can_edit": rules.can_edit_indicator(user, indicator),
        "can_measure": can_measure,
        "measure_form": _measurement_form(user, indicator) if can_measure else None,
        "audit": audit_entries_for(indicator)[:20],
        **_rule_context(),
    }
    return render(request, "plans/programmes/indicator_detail.html", context)


def _measurement_form(user, indicator, data=None, files=None):
    units = selectors.measuring_units(user, indicator)
    default = indicator.unit if units.filter(pk=indicator.unit_id).exists() else units.first()
    return forms.MeasurementForm(
        data,
        files,
        user=user,
        initial={"unit": default.pk if default else None, "measured_on": dt.date.today()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def measurement_new(request, pk):
    user = request.user
    indicator = _indicator_for(user, pk, selectors.can_enter_values)
    if request.method == "POST":
        form = _measurement_form(user, indicator, request.POST, request.FILES)
        if form.is_valid():
            try:
                measurement = indicator_services.measurement_add(
                    actor=user, indicator=indicator, **form.cleaned_data
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Đã ghi số liệu %(value)s %(measure)s của %(unit)s ngày %(day)s.")
                    % {
                        "value": format_number(measurement.value),
                        "measure": indicator.measure_unit,
                        "unit": measurement.unit.name,
                        "day": dates.format_vi(measurement.measured_on),
                    },
                )
                return redirect("plans:indicator", indicator.pk)
    else:
        form = _measurement_form(user, indicator)
    return render(
        request,
        "plans/programmes/measurement_form.html",
        {"form": form, "indicator": indicator},
    )


@login_required
@require_GET
def measurement_evidence(request, pk):
    """The evidence file of a measurement, for those who may see that measurement."""
    measurement = get_object_or_404(Measurement.objects.select_related("indicator__unit"), pk=pk)
    indicator = measurement.indicator
    if not rules.can_view_indicator(request.user, indicator):
        raise Http404
    if not selectors.indicator_measurements(request.user, indicator).filter(pk=pk).exists():
        raise Http404
    if not measurement.evidence:
        raise Http404
    try:
        handle = measurement.evidence.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = measurement.evidence.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
