"""Pages for typing paper forms: the entry screen, and for double entry the forms whose two
typings differ and the page that settles one of them. Thin: `paper` reads and records.

Nothing here logs or messages a code together with its answers; the success message names the
code only to the person who just typed it, so they can match it with the paper in their hand.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import paper, rules
from .forms_paper import PaperEntryForm, PaperResolveForm
from .models import Code, Survey
from .responses import AnswerErrors, code_display, survey_problem
from .structure import load


def _survey_for(user, pk: int) -> Survey:
    """The survey if the user sees it (404 otherwise) and may type its paper forms (403)."""
    survey = get_object_or_404(rules.filter_surveys(user, Survey.objects.all()), pk=pk)
    if not rules.can_enter_paper(user, survey):
        raise PermissionDenied
    return survey


def _problem_text(survey: Survey) -> str:
    problem = survey_problem(survey)
    if problem:
        return paper.PaperProblem(problem).message
    return ""


def _typed_today(request, survey: Survey) -> int:
    """Count one more form recorded today by this person for this survey, in their session:
    a figure for the typist, kept away from the responses (which hold no time and no user)."""
    key = f"paper_typed_{survey.pk}"
    today = timezone.localdate().isoformat()
    day, count = request.session.get(key) or (today, 0)
    count = count + 1 if day == today else 1
    request.session[key] = (today, count)
    return count


def _entry_message(request, outcome: paper.Outcome, survey: Survey) -> None:
    code = code_display(outcome.code.code)
    double = survey.double_entry
    if outcome.status == "first":
        messages.info(
            request,
            _(
                "Đã lưu lần nhập thứ nhất của phiếu %(code)s. Cần một người khác nhập lại phiếu "
                "này để đối chiếu."
            )
            % {"code": code},
        )
    elif outcome.status == "mismatch":
        messages.warning(
            request,
            _(
                "Phiếu %(code)s: hai lần nhập khác nhau ở %(n)d câu; phiếu được đưa vào danh "
                "sách cần đối chiếu."
            )
            % {"code": code, "n": outcome.differing},
        )
    elif double:
        messages.success(
            request,
            _("Đã nhập phiếu %(code)s: hai lần nhập khớp nhau (phiếu thứ %(n)d hôm nay).")
            % {"code": code, "n": _typed_today(request, survey)},
        )
    else:
        messages.success(
            request,
            _("Đã nhập phiếu %(code)s (phiếu thứ %(n)d hôm nay).")
            % {"code": code, "n": _typed_today(request, survey)},
        )


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request, pk: int):
    """The entry screen: the code, then one small input per question, Enter saves."""
    survey = _survey_for(request.user, pk)
    structure = load(survey)
    form = PaperEntryForm(request.POST or None, structure=structure)
    if request.method == "POST":
        valid = form.is_valid()
        code_text = form.cleaned_data.get("code")
        if code_text:
            try:
                paper.paper_code_check(actor=request.user, survey=survey, code_text=code_text)
            except paper.PaperProblem as problem:
                form.add_error("code", problem.message)
                valid = False
        if valid:
            try:
                outcome = paper.paper_entry_save(
                    actor=request.user,
                    survey=survey,
                    code_text=code_text,
                    data=form.parsed.data,
                    allow_blank=form.cleaned_data.get("allow_blank", False),
                    structure=structure,
                )
            except paper.PaperProblem as problem:
                form.add_error("code", problem.message)
            except AnswerErrors as errors:
                form.put_errors(errors.errors, form.labels)
            else:
                _entry_message(request, outcome, survey)
                return redirect("surveys:paper_entry", survey.pk)
    form.focus("code")
    context = {
        "survey": survey,
        "form": form,
        "layout": form.layout(),
        "problem": _problem_text(survey),
    }
    if survey.double_entry:
        context["waiting_count"], context["mismatch_count"] = paper.paper_counts(
            actor=request.user, survey=survey
        )
    return render(request, "surveys/paper/entry.html", context)


@login_required
@require_http_methods(["GET"])
def paper_mismatches(request, pk: int):
    """Forms typed twice with different answers, side by side, among the codes the user may
    type."""
    survey = _survey_for(request.user, pk)
    mismatches = paper.paper_mismatches(actor=request.user, survey=survey)
    return render(
        request,
        "surveys/paper/mismatches.html",
        {"survey": survey, "mismatches": mismatches, "problem": _problem_text(survey)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper_resolve(request, pk: int, entry_code_id: int):
    """Settle one mismatch: per differing question, the first typing, the second, or the value
    typed again; or drop both typings so the form can be typed anew."""
    survey = _survey_for(request.user, pk)
    code = get_object_or_404(
        Code.objects.select_related("survey", "allocation__unit"), pk=entry_code_id, survey=survey
    )
    if not rules.can_enter_code(request.user, code):
        raise Http404  # the codes of other units' forms are not shown, not even as forbidden
    structure = load(survey)
    try:
        mismatch = paper.paper_mismatch(
            actor=request.user, survey=survey, code=code, structure=structure
        )
    except paper.PaperProblem as problem:
        messages.info(request, problem.message)
        return redirect("surveys:paper_mismatches", survey.pk)
    if request.method == "POST" and "discard" in request.POST:
        paper.paper_discard(actor=request.user, survey=survey, code=code)
        messages.info(
            request,
            _("Đã xóa cả hai lần nhập phiếu %(code)s; phiếu có thể được nhập lại từ đầu.")
            % {"code": mismatch.code_text},
        )
        return redirect("surveys:paper_mismatches", survey.pk)
    form = PaperResolveForm(request.POST or None, structure=structure, mismatch=mismatch)
    if request.method == "POST" and form.is_valid():
        try:
            paper.paper_resolve(
                actor=request.user,
                survey=survey,
                code=code,
                data=form.resolved,
                allow_blank=form.cleaned_data.get("allow_blank", False),
                structure=structure,
            )
        except paper.PaperProblem as problem:
            form.add_error(None, problem.message)
        except AnswerErrors as errors:
            form.put_errors(errors.errors, form.labels)
        else:
            messages.success(
                request,
                _("Đã nhập phiếu %(code)s sau khi đối chiếu (phiếu thứ %(n)d hôm nay).")
                % {"code": mismatch.code_text, "n": _typed_today(request, survey)},
            )
            return redirect("surveys:paper_mismatches", survey.pk)
    form.focus(f"pick_{mismatch.rows[0].question.pk}" if mismatch.rows else None)
    return render(
        request,
        "surveys/paper/resolve.html",
        {
            "survey": survey,
            "mismatch": mismatch,
            "form": form,
            "layout": form.layout(),
            "problem": _problem_text(survey),
        },
    )
