"""Pages of a survey's results, quota progress and exports. Thin: check who may see what, ask
`results` or `exports`, render.

A survey the user may not see is a 404; results are for those who see the owning unit (403 for
a unit that only holds part of the quota); the anonymised raw data only for its managers.
"""

import re
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from trienkhai.lib import charts, streaming
from trienkhai.outreach.models import TargetGroup

from . import exports, rules
from .models import MIN_CELL, Question, Survey
from .results import (
    COUNTED_KINDS,
    HIDDEN_MESSAGE,
    TEXT_KINDS,
    Selection,
    allocation_units,
    crosstabs,
    quota_for,
    results_for,
    returns_by_group,
    tally_counts,
    text_answers,
)
from .structure import load

TEXT_PAGE = 50
CHART_CACHE_SECONDS = 24 * 3600
MAX_CHART_VALUES = 60
_NUMBER = re.compile(r"^\d{1,10}(\.\d{1,2})?$")


# --- fetching ------------------------------------------------------------------------------------
def _survey_for(user, pk: int) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("owner_unit"), pk=pk)
    if not rules.can_view_survey(user, survey):
        raise Http404
    return survey


def _results_survey(user, pk: int) -> Survey:
    survey = _survey_for(user, pk)
    if not rules.can_view_results(user, survey):
        raise PermissionDenied
    return survey


# --- the filter ----------------------------------------------------------------------------------
class ResultsFilter(forms.Form):
    """Which forms to count: a target group, a unit's subtree; a question to cross by group.
    Only what the survey records is offered."""

    group = forms.TypedChoiceField(
        label=gettext_lazy("Đối tượng"), required=False, coerce=int, empty_value=None
    )
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Đơn vị (gồm cả các đơn vị trực thuộc)"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    cross = forms.TypedChoiceField(
        label=gettext_lazy("Bảng chéo theo đối tượng cho câu"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, data, *, survey: Survey, structure):
        super().__init__(data)
        self.survey = survey
        self.structure = structure
        if survey.record_group:
            ids = set(survey.allocations.values_list("target_group", flat=True))
            ids |= set(survey.target_groups.values_list("pk", flat=True))
            self.groups = {
                g.pk: g
                for g in TargetGroup.objects.filter(pk__in=ids - {None}).order_by("position")
            }
            self.fields["group"].choices = [("", _("Tất cả đối tượng"))] + [
                (g.pk, g.name) for g in self.groups.values()
            ]
            self.fields["cross"].choices = [("", _("Không lập bảng chéo"))] + [
                (q.pk, _question_label(q)[:90])
                for q in structure.questions
                if q.kind in COUNTED_KINDS
            ]
        else:
            del self.fields["group"], self.fields["cross"]
        if survey.record_unit:
            units = allocation_units(survey)
            self.units = {u.pk: u for u, _level in units}
            self.fields["unit"].choices = [("", _("Tất cả đơn vị"))] + [
                (u.pk, "\u2003" * level + u.name) for u, level in units
            ]
        else:
            del self.fields["unit"]

    def selection(self) -> Selection:
        if not self.is_bound or not self.is_valid():
            return Selection()
        data = self.cleaned_data
        return Selection(
            group=self.groups.get(data.get("group")) if data.get("group") else None,
            unit=self.units.get(data.get("unit")) if data.get("unit") else None,
        )

    def cross_question(self) -> Question | None:
        if not self.is_bound or not self.is_valid() or not self.cleaned_data.get("cross"):
            return None
        return self.structure.by_id.get(self.cleaned_data["cross"])


def _question_label(q: Question) -> str:
    return f"{q.code}. {q.text}" if q.code else q.text


def _filter_form(request, survey, structure) -> ResultsFilter:
    keys = {"group", "unit", "cross"}
    data = request.GET if keys & set(request.GET) else None
    return ResultsFilter(data, survey=survey, structure=structure)


def _chart_src(survey: Survey, result) -> str | None:
    labels, values = result.chart()
    if not values or not any(values):
        return None
    query = urlencode({"v": ",".join(f"{v:g}" for v in values), "lang": get_language()})
    return reverse("surveys:results_chart", args=[survey.pk, result.question.pk]) + "?" + query


# --- the results page ---------------------------------------------------------------------------
@login_required
@require_GET
def results(request, pk):
    """Counts, percentages and charts of every question for the chosen forms; a cross-tab by
    group; with ?answers=<question> the question's free texts, searchable."""
    survey = _results_survey(request.user, pk)
    structure = load(survey)
    form = _filter_form(request, survey, structure)
    selection = form.selection()
    if "answers" in request.GET:
        return _answers_page(request, survey, structure, form, selection)
    res = results_for(survey, selection, structure=structure)
    for r in res.questions:
        r.chart_src = None if r.hidden else _chart_src(survey, r)
        r.chart_alt = "; ".join(
            f"{label}: {value:g}" for label, value in zip(*r.chart(), strict=True)
        )
    cross_question = form.cross_question()
    cross = crosstabs(survey, [cross_question], selection) if cross_question else []
    query = urlencode(selection.query())
    return render(
        request,
        "surveys/results/page.html",
        {
            "survey": survey,
            "res": res,
            "form": form,
            "cross": cross[0] if cross else None,
            "groups": returns_by_group(survey),
            "query": query,
            "can_raw": rules.can_manage_survey(request.user, survey),
            "hidden_message": HIDDEN_MESSAGE,
            "min_cell": MIN_CELL,
        },
    )


def _answers_page(request, survey, structure, form, selection):
    try:
        question = structure.by_id[int(request.GET.get("answers", ""))]
    except (KeyError, ValueError):
        raise Http404 from None
    if question.kind not in TEXT_KINDS and not question.allow_other:
        raise Http404
    counts = tally_counts(survey, selection, [question.pk])
    forms_seen = counts.get((0, 0, 0), 0)
    hidden = forms_seen < MIN_CELL or counts.get((question.pk, 0, 0), 0) < MIN_CELL
    search = request.GET.get("s", "").replace("\x00", "").strip()[:200]
    page = None
    if not hidden:
        paginator = Paginator(text_answers(question, selection, search), TEXT_PAGE)
        if not search:  # the tallies know how many texts there are: no count over the answers
            if question.kind in TEXT_KINDS:
                paginator.count = counts.get((question.pk, 0, 0), 0)
            else:
                others = [c.pk for c in question.choices.all() if c.is_other]
                paginator.count = sum(counts.get((question.pk, 0, c), 0) for c in others)
        page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/results/answers.html",
        {
            "survey": survey,
            "question": question,
            "form": form,
            "selection": selection,
            "search": search,
            "page": page,
            "hidden": hidden,
            "hidden_message": HIDDEN_MESSAGE,
            "is_other": question.kind not in TEXT_KINDS,
            "back": reverse("surveys:results", args=[survey.pk])
            + ("?" + urlencode(selection.query()) if selection.filtered else ""),
        },
    )


@login_required
@require_GET
def results_chart(request, pk, qid):
    """The bar chart of a question for the counts in ?v= (SVG): drawn once per counts and
    language, then cached. It shows only the numbers it is given, under the question's labels."""
    survey = _results_survey(request.user, pk)
    question = get_object_or_404(Question, pk=qid, survey=survey)
    if question.kind in COUNTED_KINDS:
        labels = [f"{c.value}. {c.label}" for c in question.choices.order_by("position", "value")]
        title = ""
    elif question.kind == "grid":
        labels = list(question.rows.order_by("position", "id").values_list("label", flat=True))
        title = _("Điểm trung bình của từng hàng")
    else:
        raise Http404
    parts = request.GET.get("v", "").split(",")
    if len(parts) != len(labels) or len(parts) > MAX_CHART_VALUES:
        raise Http404
    if not all(p.isascii() and _NUMBER.match(p) for p in parts):
        raise Http404
    values = [float(p) if "." in p else int(p) for p in parts]
    if not any(values):
        raise Http404

    def draw() -> bytes:
        return charts.bar_chart([_short(label) for label in labels], values, title=str(title))

    key = f"surveys:chart:{question.pk}:{get_language()}:{','.join(parts)}"
    response = HttpResponse(
        cache.get_or_set(key, draw, CHART_CACHE_SECONDS), content_type="image/svg+xml"
    )
    response["Cache-Control"] = f"private, max-age={CHART_CACHE_SECONDS}"
    return response


def _short(label: str, size: int = 60) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


# --- exports -------------------------------------------------------------------------------------
def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def results_xlsx(request, pk):
    """The tables of the page (for the same filter) as a workbook: quota, questions, cross-tab."""
    survey = _results_survey(request.user, pk)
    structure = load(survey)
    selection = _filter_form(request, survey, structure).selection()
    res = results_for(survey, selection, structure=structure, preview=0)
    tabs = crosstabs(survey, structure.questions, selection) if survey.record_group else []
    content = exports.results_workbook(res, quota_for(survey, request.user), tabs)
    return _attachment(content, exports.XLSX_CONTENT_TYPE, exports.filename(survey, "ket-qua"))


@login_required
@require_GET
def results_raw_xlsx(request, pk):
    """Anonymised raw data: one row per form, in random order, for the survey's managers."""
    return _raw(request, pk, exports.raw_xlsx, exports.XLSX_CONTENT_TYPE, "xlsx")


@login_required
@require_GET
def results_raw_csv(request, pk):
    """The same raw data as CSV, for statistics tools."""
    return _raw(request, pk, exports.raw_csv, streaming.CSV_CONTENT_TYPE, "csv")


def _raw(request, pk, write, content_type: str, extension: str) -> StreamingHttpResponse:
    """Streamed whatever the number of forms: rows are read in chunks and sent as written."""
    survey = _survey_for(request.user, pk)
    if not rules.can_manage_survey(request.user, survey):
        raise PermissionDenied
    response = StreamingHttpResponse(write(survey, load(survey)), content_type=content_type)
    name = exports.filename(survey, "du-lieu", extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def results_docx(request, pk):
    """The report for the Standing Committee (Word), for the same filter as the page."""
    survey = _results_survey(request.user, pk)
    structure = load(survey)
    selection = _filter_form(request, survey, structure).selection()
    res = results_for(survey, selection, structure=structure, preview=exports.DOCX_TEXTS)
    content = exports.results_docx(res, returns_by_group(survey), day=timezone.localdate())
    return _attachment(content, exports.DOCX_CONTENT_TYPE, exports.filename(survey, "bao-cao"))


# --- quota progress ------------------------------------------------------------------------------
@login_required
@require_GET
def quota(request, pk):
    """Forms allocated, codes made and used, per allocation and rolled up per unit; a unit with
    part of the quota sees only its own lines."""
    survey = _survey_for(request.user, pk)
    return render(
        request,
        "surveys/results/quota.html",
        {
            "survey": survey,
            "quota": quota_for(survey, request.user),
            "can_results": rules.can_view_results(request.user, survey),
        },
    )
