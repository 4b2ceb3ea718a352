"""Pages of the survey builder: the list of surveys, a survey's home, its edit, copy and new
version, opening and closing, the question editor and the preview.

Thin: fetch the survey the user may see (404 otherwise), check they may manage it (403
otherwise), call a service, render. A frozen survey (one with answered forms) answers every
change of its questions with a 403 page offering a new version.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trienkhai.audit.selectors import audit_entries_for
from trienkhai.org import rules as org_rules
from trienkhai.org.views import _apply_errors

from . import audience as audience_services
from . import builder, copies, rules, selectors
from . import forms_builder as forms
from .models import Question, QuestionKind, Section, Survey, SurveyStatus
from .structure import load

PAGE_SIZE = 50


# --- helpers ------------------------------------------------------------------------------------
def survey_for(user, pk: int, check=None) -> Survey:
    """The survey if the user may see it (404 otherwise) and passes `check` (403 otherwise)."""
    survey = get_object_or_404(
        Survey.objects.select_related("owner_unit", "campaign", "previous"), pk=pk
    )
    if not rules.can_view_survey(user, survey):
        raise Http404
    if check is not None and not check(user, survey):
        raise PermissionDenied
    return survey


def frozen_page(request, survey: Survey):
    """Refuse a change to a frozen survey, and offer a new version instead."""
    return render(request, "surveys/builder/frozen.html", {"survey": survey}, status=403)


def _editable_survey(request, pk):
    """(survey, None) when its questions may change; (survey, the refusal page) when frozen."""
    survey = survey_for(request.user, pk, rules.can_manage_survey)
    if survey.is_frozen:
        return survey, frozen_page(request, survey)
    return survey, None


def _plain_number(value) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f").replace(".", ",")


def _with_conditions(structure):
    """Give each conditioned question `condition_code` and `condition_label`, from the loaded
    structure (no query per question), and each number question its range as written."""
    for q in structure.questions:
        q.min_text, q.max_text = _plain_number(q.min_value), _plain_number(q.max_value)
        source = structure.by_id.get(q.condition_question_id)
        choice = source.choice_by_id.get(q.condition_choice_id) if source else None
        q.condition_code = source.code if choice else ""
        q.condition_label = choice.label if choice else ""
    return structure


def _editable_units(user):
    return rules.units_for_new_survey(user)


def _to_builder(survey, anchor: str = ""):
    response = redirect("surveys:builder", survey.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


# --- surveys ------------------------------------------------------------------------------------
@login_required
@require_GET
def survey_list(request):
    user = request.user
    status = request.GET.get("status", "")
    if status not in SurveyStatus.values:
        status = ""
    text = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    page = Paginator(selectors.surveys_for(user, status=status, text=text), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    selectors.attach_own_part(user, list(page.object_list))
    return render(
        request,
        "surveys/list.html",
        {
            "page": page,
            "status": status,
            "text": text,
            "statuses": SurveyStatus.choices,
            "can_create": _editable_units(user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_new(request):
    user = request.user
    units = _editable_units(user)
    if not units.exists():
        raise PermissionDenied
    initial = {}
    home = org_rules.home_units(user).filter(pk__in=units.values("pk")).first()
    if home is not None:
        initial["owner_unit"] = home.pk
    form = forms.SurveyForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            survey = builder.survey_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã lập cuộc khảo sát. Bây giờ hãy thêm các phần và câu hỏi của phiếu."),
            )
            return redirect("surveys:builder", survey.pk)
    return render(request, "surveys/form.html", {"form": form, "survey": None})


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, pk):
    survey, refusal = _editable_survey(request, pk)
    if refusal:
        return refusal
    form = forms.SurveyForm(
        request.POST or None,
        user=request.user,
        survey=survey,
        initial=forms.SurveyForm.initial_for(survey),
    )
    if request.method == "POST" and form.is_valid():
        try:
            builder.survey_update(actor=request.user, survey=survey, **form.cleaned_data)
        except builder.SurveyFrozen:
            return frozen_page(request, survey)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu cuộc khảo sát."))
            return redirect("surveys:survey", survey.pk)
    return render(request, "surveys/form.html", {"form": form, "survey": survey})


@login_required
@require_GET
def survey_detail(request, pk):
    user = request.user
    survey = survey_for(user, pk)
    can_manage = rules.can_manage_survey(user, survey)
    whole = rules.allocation_units_q(user, survey) is None
    allocations = list(selectors.allocations_for(user, survey))
    context = {
        "survey": survey,
        "can_manage": can_manage,
        "can_results": rules.can_view_results(user, survey),
        "can_enter_paper": rules.can_enter_paper(user, survey),
        "whole": whole,
        "allocations": allocations,
        "part_forms": sum(a.forms for a in allocations),
        "part_made": sum(a.made for a in allocations),
        "part_used": sum(a.used for a in allocations),
        "totals": selectors.survey_totals(survey) if whole else None,
        "frozen": survey.is_frozen,
        "target_groups": list(survey.target_groups.all()),
        "n_questions": Question.objects.filter(survey=survey).count(),
        "n_sections": Section.objects.filter(survey=survey).count(),
        "next_versions": list(survey.next_versions.order_by("version")),
        "problems": (
            audience_services.open_problems(survey)
            if can_manage and survey.status != SurveyStatus.OPEN
            else []
        ),
        "audit": audit_entries_for(survey)[:30] if whole else [],
    }
    return render(request, "surveys/detail.html", context)


@login_required
@require_POST
def survey_copy(request, pk):
    survey = survey_for(request.user, pk, rules.can_manage_survey)
    copy = copies.survey_copy(actor=request.user, survey=survey)
    messages.success(
        request, _("Đã sao chép thành cuộc khảo sát mới “%(title)s”.") % {"title": copy.title}
    )
    return redirect("surveys:survey", copy.pk)


@login_required
@require_POST
def survey_new_version(request, pk):
    survey = survey_for(request.user, pk, rules.can_manage_survey)
    try:
        copy = copies.survey_new_version(actor=request.user, survey=survey)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("surveys:survey", survey.pk)
    messages.success(
        request,
        _(
            "Đã lập phiên bản %(version)s. Phiên bản cũ giữ nguyên cùng các phiếu đã nhận; hãy "
            "sửa phiên bản mới rồi mở khảo sát."
        )
        % {"version": copy.version},
    )
    return redirect("surveys:builder", copy.pk)


@login_required
@require_POST
def survey_open(request, pk):
    survey = survey_for(request.user, pk, rules.can_manage_survey)
    try:
        audience_services.survey_open(actor=request.user, survey=survey)
    except ValidationError as error:
        messages.error(request, _("Chưa mở được khảo sát:") + " " + " ".join(error.messages))
    else:
        messages.success(request, _("Đã mở khảo sát: các mã phiếu bắt đầu dùng được."))
    return redirect("surveys:survey", survey.pk)


@login_required
@require_POST
def survey_close(request, pk):
    survey = survey_for(request.user, pk, rules.can_manage_survey)
    try:
        audience_services.survey_close(actor=request.user, survey=survey)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã đóng khảo sát: không nhận thêm phiếu."))
    return redirect("surveys:survey", survey.pk)


# --- the question editor ------------------------------------------------------------------------
@login_required
@require_GET
def builder_page(request, pk):
    survey = survey_for(request.user, pk, rules.can_manage_survey)
    structure = _with_conditions(load(survey))
    return render(
        request,
        "surveys/builder/index.html",
        {
            "survey": survey,
            "structure": structure,
            "frozen": survey.is_frozen,
            "kinds": QuestionKind,
        },
    )


def _section_of(survey, section_pk) -> Section:
    return get_object_or_404(Section, pk=section_pk, survey=survey)


@login_required
@require_http_methods(["GET", "POST"])
def section_new(request, pk):
    survey, refusal = _editable_survey(request, pk)
    if refusal:
        return refusal
    n = survey.sections.count()
    form = forms.SectionForm(request.POST or None, initial={"title": _section_default(n)})
    if request.method == "POST" and form.is_valid():
        try:
            section = builder.section_create(actor=request.user, survey=survey, **form.cleaned_data)
        except builder.SurveyFrozen:
            return frozen_page(request, survey)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã thêm phần “%(title)s”.") % {"title": section.title})
            return _to_builder(survey, f"section-{section.pk}")
    return render(
        request,
        "surveys/builder/section_form.html",
        {"survey": survey, "form": form, "section": None},
    )


def _section_default(n: int) -> str:
    numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    return _("Phần %(n)s. ") % {"n": numerals[n]} if n < len(numerals) else ""


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request, pk, section):
    survey, refusal = _editable_survey(request, pk)
    if refusal:
        return refusal
    section = _section_of(survey, section)
    form = forms.SectionForm(
        request.POST or None,
        initial={"title": section.title, "description": section.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            builder.section_update(actor=request.user, section=section, **form.cleaned_data)
        except builder.SurveyFrozen:
            return frozen_page(request, survey)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu phần."))
            return _to_builder(survey, f"section-{section.pk}")
    return render(
        request,
        "surveys/builder/section_form.html",
        {"survey": survey, "form": form, "section": section},
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_delete(request, pk, section):
    survey, refusal = _editable_survey(request, pk)
    if refusal:
        return refusal
    section = _section_of(survey, section)
    error_messages = []
    if request.method == "POST":
        try:
            builder.section_delete(actor=request.user, section=section)
        except builder.SurveyFrozen:
            return frozen_page(request, survey)
        except ValidationError as error:
            error_messages = error.messages
        else:
            messages.success(request, _("Đã xóa phần “%(title)s”.") % {"title": section.title})
            return _to_builder(survey)
    return render(
        request,
        "surveys/builder/confirm_delete.html",
        {
            "survey": survey,
            "what": _("phần “%(title)s” và %(n)d câu hỏi trong phần")
            % {"title": section.title, "n": section.questions.count()},
            "errors": error_messages,
        },
    )


def _question_of(survey, question_pk) -> Question:
    return get_object_or_404(Question, pk=question_pk, survey=survey)


@login_required
@require_http_methods(["GET", "POST"])
def question_new(request, pk):
    survey, refusal = _editable_survey(request, pk)
    if refusal:
        return refusal
    if not survey.sections.exists():
        messages.warning(request, _("Hãy thêm một phần của phiếu trước khi thêm câu hỏi."))
        return redirect("surveys:section_new", survey.pk)
    structure = load(survey)
    initial = {"kind": QuestionKind.SINGLE}
    raw = request.GET.get("section", "")
    if raw.isdecimal() and len(raw) < 19:
        initial["section"] = int(raw)
    else:
        initial["section"] = structure.sections[-1].pk
    kind = request.GET.get("kind", "")
    if kind in QuestionKind.values:
        initial["kind"] = kind
    form = forms.QuestionForm(request.POST or None, structure=structure, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question = builder.question_create(actor=request.user, **form.service_data())
        except builder.SurveyFrozen:
            return frozen_page(request, survey)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã thêm câu %(code)s.") % {"code": question.code})
            if "another" in request.POST:
                return redirect(
                    f"{reverse('surveys:question_new', args=[survey.pk])}?section={question.section_id}"
                )
            return _to_builder(survey, f"question-{question.pk}")
    return render(
        request,
        "surveys/builder/question_form.html",
        {"survey": survey, "form": form, "question": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, pk, question):
    survey, refusal = _editable_survey(request, pk)
    if refusal:
        return refusal
    structure = load(survey)
    question = structure.by_id.get(question)
    if question is None:
        raise Http404
    form = forms.QuestionForm(
        request.POST or None,
        structure=structure,
        question=question,
        initial=forms.QuestionForm.initial_for(question),
    )
    if request.method == "POST" and form.is_valid():
        try:
            builder.question_update(
                actor=request.user,
                question=_question_of(survey, question.pk),
                **form.service_data(),
            )
        except builder.SurveyFrozen:
            return frozen_page(request, survey)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu câu hỏi."))
            return _to_builder(survey, f"question-{question.pk}")
    return render(
        request,
        "surveys/builder/question_form.html",
        {"survey": survey, "form": form, "question": question},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request, pk, question):
    survey, refusal = _editable_survey(request, pk)
    if refusal:
        return refusal
    question = _question_of(survey, question)
    error_messages = []
    if request.method == "POST":
        try:
            builder.question_delete(actor=request.user, question=question)
        except builder.SurveyFrozen:
            return frozen_page(request, survey)
        except ValidationError as error:
            error_messages = error.messages
        else:
            messages.success(request, _("Đã xóa câu %(code)s.") % {"code": question.code})
            return _to_builder(survey)
    return render(
        request,
        "surveys/builder/confirm_delete.html",
        {
            "survey": survey,
            "what": _("câu %(code)s: %(text)s") % {"code": question.code, "text": question.text},
            "errors": error_messages,
        },
    )


@login_required
@require_POST
def question_move(request, pk, question):
    survey, refusal = _editable_survey(request, pk)
    if refusal:
        return refusal
    question = _question_of(survey, question)
    direction = request.POST.get("direction", "")
    try:
        builder.question_move(actor=request.user, question=question, direction=direction)
    except builder.SurveyFrozen:
        return frozen_page(request, survey)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return _to_builder(survey, f"question-{question.pk}")


@login_required
@require_GET
def preview(request, pk):
    """The whole form as a respondent sees it, every question shown, nothing to submit."""
    survey = survey_for(request.user, pk)
    structure = _with_conditions(load(survey))
    return render(
        request,
        "surveys/preview.html",
        {
            "survey": survey,
            "structure": structure,
            "can_manage": rules.can_manage_survey(request.user, survey),
            "today": timezone.localdate(),
        },
    )
