"""Anonymous opinion surveys: the surveys one sees and their definitions, the first steps of
building a draft, opening and closing, results, and answering a form with a one-time code.

Thin, over the pages' own code: who sees what comes from `surveys.rules` and
`surveys.selectors`; what is typed is checked by the builder pages' forms, then written by
`surveys.builder` and `surveys.audience`; results come from `surveys.results` with the page's
filter form and its anonymity threshold; a form is answered through `responses.response_submit`
and the code throttle of the public pages. Copies and new versions come from `surveys.copies`.

Changes of a survey, its audience, a section, a question or a quota line need the `revision`
last read (If-Match or a `revision` field; see `serializers_surveys` for how it is derived):
the row is locked, its version compared (412 when someone changed it since), then the page's
service runs. One-time codes are never given here: they are printed and exported from the
pages; a quota line says only how many were made and used.

Responding needs no account and no token: the code is the credential. It travels in the body
only (never in a path or query string, which access logs keep), and nothing here logs, audits,
stores an idempotent answer or returns anything that would tie the response to its code or to
a person; the request is not even authenticated, so no user is known.
"""

import dataclasses
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions
from rest_framework import status as http
from rest_framework.response import Response

from trienkhai.surveys import answers as answer_rules
from trienkhai.surveys import audience, builder, copies, rules, selectors, throttle
from trienkhai.surveys import forms_builder as forms
from trienkhai.surveys.models import (
    MIN_CELL,
    Allocation,
    Question,
    QuestionKind,
    Section,
    Survey,
    SurveyStatus,
)
from trienkhai.surveys.responses import AnswerErrors, CodeProblem, code_check, response_submit
from trienkhai.surveys.results import HIDDEN_MESSAGE, crosstabs, results_for, returns_by_group
from trienkhai.surveys.structure import current, load, question_numbers, standard_choices
from trienkhai.surveys.views_results import ResultsFilter

from .conventions import ApiView, etag_of, idempotent_create, revision_from, stale
from .errors import ApiError
from .serializers_surveys import (
    BuilderQuestionOut,
    BuilderSectionOut,
    RespondCodeIn,
    RespondDoneOut,
    RespondFormOut,
    RespondIn,
    SurveyAllocationChangeIn,
    SurveyAllocationIn,
    SurveyAllocationOut,
    SurveyAudienceIn,
    SurveyAudienceOut,
    SurveyChangeIn,
    SurveyDetailOut,
    SurveyIn,
    SurveyOut,
    SurveyQuestionChangeIn,
    SurveyQuestionIn,
    SurveyQuestionMoveIn,
    SurveyResultsOut,
    SurveySectionChangeIn,
    SurveySectionIn,
    allocation_data,
    allocation_revision,
    builder_question_data,
    builder_section_data,
    question_revision,
    results_data,
    section_revision,
    sections_data,
    survey_revision,
)

STANDARD_KINDS = {k for k in QuestionKind.values if standard_choices(k)}  # likert, yes/no


def _clean(value) -> str:
    return str(value or "").replace("\x00", "").strip()


def _form_errors(form) -> ValidationError:
    """A page form's errors as the API's 400 (field → messages), named as the API names them."""
    return ValidationError(
        {field or "__all__": [str(m) for m in messages] for field, messages in form.errors.items()}
    )


# --- surveys ------------------------------------------------------------------------------------
SURVEY_FILTERS = [
    OpenApiParameter("status", str, enum=list(SurveyStatus.values)),
    OpenApiParameter("q", str, description="words in the title"),
]


def _survey(user, pk: int) -> Survey:
    """The survey if the user sees it (404 otherwise), with `returned` as on the list page."""
    return get_object_or_404(
        selectors.surveys_for(user).select_related("campaign", "previous"), pk=pk
    )


def _managed(user, pk: int) -> Survey:
    """The survey if the user sees it (404) and may build, open and close it (403)."""
    survey = _survey(user, pk)
    if not rules.can_manage_survey(user, survey):
        raise ApiError(403, "forbidden", _("Bạn không có quyền quản lý cuộc khảo sát này."))
    return survey


def _frozen() -> ApiError:
    return ApiError(409, "survey_frozen", str(builder.SurveyFrozen(None).messages[0]))


def _editable(user, pk: int) -> Survey:
    """A survey the user manages whose form may still change (409 once forms are answered)."""
    survey = _managed(user, pk)
    if survey.is_frozen:
        raise _frozen()
    return survey


def _refused(error: ValidationError) -> ApiError:
    """A service's refusal of what the object is now (a question others depend on, a line with
    codes, a newer version already made): a conflict, not a wrong field."""
    return ApiError(409, "conflict", " ".join(str(m) for m in error.messages))


# --- versions -----------------------------------------------------------------------------------
def _tagged(data: dict, pk: int | None = None) -> Response:
    """The object's data with its version as ETag."""
    tag = etag_of(SimpleNamespace(pk=data["id"] if pk is None else pk, revision=data["revision"]))
    return Response(data, headers={"ETag": tag})


def _wanted(request, pk: int, revision: int) -> int:
    """The revision the client last read: 428 without If-Match or `revision`."""
    return revision_from(request, SimpleNamespace(pk=pk, revision=revision))


def _same(wanted: int, current: int) -> None:
    """Checked on the locked row: 412 when it changed since the client read it."""
    if wanted != current:
        raise stale()


def _lock(queryset, pk: int):
    """The row, locked until the end of the transaction (404 if it went in between)."""
    return get_object_or_404(queryset.select_for_update(), pk=pk)


CHANGE_ERRORS = {
    409: OpenApiResponse(description="survey_frozen: forms answered, make a new version"),
    412: OpenApiResponse(description="changed by someone else since you read it"),
    428: OpenApiResponse(description="no If-Match nor revision"),
}


def _delete_checked(request, current, revision_of, delete) -> Response:
    """Delete `current` through `delete(locked_row)` if the client's version is still the row's
    (checked on the locked row); the builder's refusals become 409s."""
    wanted = _wanted(request, current.pk, revision_of(current))
    with transaction.atomic():
        locked = _lock(type(current).objects, current.pk)
        _same(wanted, revision_of(locked))
        try:
            delete(locked)
        except builder.SurveyFrozen:
            raise _frozen() from None
        except ValidationError as error:
            raise _refused(error) from None
    return Response(status=http.HTTP_204_NO_CONTENT)


def _detail(user, pk: int) -> dict:
    survey = _survey(user, pk)
    selectors.attach_own_part(user, [survey])
    context = {
        "structure": load(survey),
        "frozen": survey.is_frozen,
        "can_manage": rules.can_manage_survey(user, survey),
        "can_view_results": rules.can_view_results(user, survey),
    }
    return SurveyDetailOut(survey, context=context).data


class SurveyList(mixins.ListModelMixin, ApiView):
    """The surveys you see, newest first (owned by a unit you see, or with part of their quota
    given to one); POST makes a new draft (Idempotency-Key honoured)."""

    serializer_class = SurveyOut

    def get_queryset(self):
        params = self.request.query_params
        status = params.get("status", "")
        if status and status not in SurveyStatus.values:
            raise ApiError(
                400, "invalid", _("Trạng thái “%(s)s” không có.") % {"s": status[:40]}, "status"
            )
        text = _clean(params.get("q"))[:100]
        return selectors.surveys_for(self.request.user, status=status, text=text)

    @extend_schema(parameters=SURVEY_FILTERS, operation_id="surveys_list")
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        selectors.attach_own_part(request.user, page)
        return self.get_paginated_response(SurveyOut(page, many=True).data)

    @extend_schema(request=SurveyIn, responses={201: SurveyDetailOut})
    def post(self, request):
        user = request.user
        if not rules.units_for_new_survey(user).exists():
            raise ApiError(403, "forbidden", _("Bạn không có quyền lập cuộc khảo sát."))
        incoming = SurveyIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        # The page's form: the unit must be one the user edits, the campaign one they see.
        form = forms.SurveyForm(
            {
                "title": data["title"],
                "intro": data.get("intro", ""),
                "owner_unit": data["owner_unit"],
                "campaign": data.get("campaign") or "",
            },
            user=user,
        )
        if not form.is_valid():
            raise _form_errors(form)

        def create():
            survey = builder.survey_create(actor=user, **form.cleaned_data)
            return _detail(user, survey.pk), reverse("api:survey", args=[survey.pk])

        return idempotent_create(request, "surveys", create)


class SurveyDetail(ApiView):
    """A survey with its whole definition: sections, questions (kind, number, condition),
    choices with the numbers printed on paper, grid rows; its status and period. PATCH changes
    a draft's title, introduction or campaign, as its edit page does (If-Match)."""

    serializer_class = SurveyDetailOut

    @extend_schema(operation_id="surveys_retrieve")
    def get(self, request, pk: int):
        return _tagged(_detail(request.user, pk))

    @extend_schema(
        operation_id="surveys_partial_update",
        request=SurveyChangeIn,
        responses={200: SurveyDetailOut, **CHANGE_ERRORS},
    )
    def patch(self, request, pk: int):
        user = request.user
        survey = _editable(user, pk)
        wanted = _wanted(request, survey.pk, survey_revision(survey))
        incoming = SurveyChangeIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = {**forms.SurveyForm.initial_for(survey), **incoming.validated_data}
        form = forms.SurveyForm(
            {"title": data["title"], "intro": data["intro"], "campaign": data["campaign"] or ""},
            user=user,
            survey=survey,
        )
        if not form.is_valid():
            raise _form_errors(form)
        with transaction.atomic():
            locked = _lock(Survey.objects, survey.pk)
            _same(wanted, survey_revision(locked))
            try:
                builder.survey_update(actor=user, survey=locked, **form.cleaned_data)
            except builder.SurveyFrozen:
                raise _frozen() from None
        return _tagged(_detail(user, pk))


class SurveyCopy(ApiView):
    """Copy the survey into a new, independent draft (its form, audience and quota; no dates,
    codes or answers), as the survey's page does. Idempotency-Key honoured."""

    serializer_class = SurveyDetailOut

    @extend_schema(operation_id="surveys_copy", request=None, responses={201: SurveyDetailOut})
    def post(self, request, pk: int):
        user = request.user
        survey = _managed(user, pk)

        def create():
            copy = copies.survey_copy(actor=user, survey=survey)
            return _detail(user, copy.pk), reverse("api:survey", args=[copy.pk])

        return idempotent_create(request, f"surveys/{survey.pk}/copy", create)


class SurveyNewVersion(ApiView):
    """Start the next version of the survey: a draft to change, following this one, which keeps
    its codes and answered forms (409 when a newer version exists). Idempotency-Key honoured."""

    serializer_class = SurveyDetailOut

    @extend_schema(
        operation_id="surveys_new_version",
        request=None,
        responses={201: SurveyDetailOut, 409: OpenApiResponse(description="a newer version")},
    )
    def post(self, request, pk: int):
        user = request.user
        survey = _managed(user, pk)

        def create():
            with transaction.atomic():
                locked = _lock(Survey.objects, survey.pk)  # one next version, not two
                try:
                    copy = copies.survey_new_version(actor=user, survey=locked)
                except ValidationError as error:
                    raise _refused(error) from None
            return _detail(user, copy.pk), reverse("api:survey", args=[copy.pk])

        return idempotent_create(request, f"surveys/{survey.pk}/new-version", create)


def _lines(items) -> str:
    return "\n".join(" ".join(item.split()) for item in items or [])


def _decimal(value) -> str:
    return "" if value is None else str(value)


QUESTION_FIELDS = {"condition": "condition_choice"}  # the page's name → the API's


def _question_errors(errors: dict) -> ValidationError:
    """The question editor's errors (form or service), named as the API names the fields."""
    return ValidationError(
        {
            QUESTION_FIELDS.get(field, field) or "__all__": [str(m) for m in messages]
            for field, messages in errors.items()
        }
    )


def _question_service(call):
    """Run a question service: a frozen survey is a 409, its other refusals name our fields."""
    try:
        return call()
    except builder.SurveyFrozen:
        raise _frozen() from None
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise _question_errors(error.message_dict) from None
        raise


def _section_out(survey: Survey, pk: int) -> dict:
    structure = load(survey)
    section = next((s for s in structure.sections if s.pk == pk), None)
    if section is None:
        raise Http404
    return builder_section_data(section, question_numbers(structure))


def _question_out(survey: Survey, pk: int) -> dict:
    structure = load(survey)
    question = structure.by_id.get(pk)
    if question is None:
        raise Http404
    return builder_question_data(question, question_numbers(structure))


class SectionCreate(ApiView):
    """Add a section at the end of a draft's form (the builder's "Thêm phần")."""

    serializer_class = SurveySectionIn

    @extend_schema(
        operation_id="surveys_sections_create",
        request=SurveySectionIn,
        responses={201: BuilderSectionOut},
    )
    def post(self, request, pk: int):
        user = request.user
        survey = _editable(user, pk)
        incoming = SurveySectionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        form = forms.SectionForm(dict(incoming.validated_data))
        if not form.is_valid():
            raise _form_errors(form)

        def create():
            try:
                section = builder.section_create(actor=user, survey=survey, **form.cleaned_data)
            except builder.SurveyFrozen:
                raise _frozen() from None
            section.question_list = []
            return (
                builder_section_data(section, {}),
                reverse("api:survey_section", args=[survey.pk, section.pk]),
            )

        return idempotent_create(request, f"surveys/{survey.pk}/sections", create)


class SectionDetail(ApiView):
    """A section with its questions. PATCH changes its title or guidance, DELETE removes it with
    its questions (409 while a question elsewhere depends on one of them), as the builder does;
    both need If-Match."""

    serializer_class = BuilderSectionOut

    @extend_schema(operation_id="surveys_sections_retrieve")
    def get(self, request, pk: int, section: int):
        return _tagged(_section_out(_survey(request.user, pk), section))

    @extend_schema(
        operation_id="surveys_sections_partial_update",
        request=SurveySectionChangeIn,
        responses={200: BuilderSectionOut, **CHANGE_ERRORS},
    )
    def patch(self, request, pk: int, section: int):
        user = request.user
        survey = _editable(user, pk)
        current = get_object_or_404(Section, pk=section, survey=survey)
        wanted = _wanted(request, current.pk, section_revision(current))
        incoming = SurveySectionChangeIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = {"title": current.title, "description": current.description}
        data.update({k: v for k, v in incoming.validated_data.items() if k in data})
        form = forms.SectionForm(data)
        if not form.is_valid():
            raise _form_errors(form)
        with transaction.atomic():
            locked = _lock(Section.objects, current.pk)
            _same(wanted, section_revision(locked))
            try:
                builder.section_update(actor=user, section=locked, **form.cleaned_data)
            except builder.SurveyFrozen:
                raise _frozen() from None
        return _tagged(_section_out(survey, current.pk))

    @extend_schema(
        operation_id="surveys_sections_destroy",
        request=None,
        responses={204: None, **CHANGE_ERRORS},
    )
    def delete(self, request, pk: int, section: int):
        user = request.user
        survey = _editable(user, pk)
        current = get_object_or_404(Section, pk=section, survey=survey)
        return _delete_checked(
            request,
            current,
            section_revision,
            lambda locked: builder.section_delete(actor=user, section=locked),
        )


def _question_form(survey: Survey, data: dict, question=None):
    """The question editor's form over the API's fields: `data` holds every field, already
    in the API's shapes (lists of lines, numbers, the condition's choice id)."""
    structure = load(survey)
    form = forms.QuestionForm(
        {
            "section": data["section"],
            "kind": data["kind"],
            "text": data["text"],
            "help_text": data.get("help_text", ""),
            "required": data["required"],
            "allow_other": data["allow_other"],
            "choices": _lines(data.get("choices")),
            "rows": _lines(data.get("rows")),
            "min_value": _decimal(data.get("min_value")),
            "max_value": _decimal(data.get("max_value")),
            "condition": data.get("condition_choice") or "",
        },
        structure=structure,
        question=None if question is None else structure.by_id.get(question.pk),
    )
    if not form.is_valid():
        raise _question_errors(form.errors)
    return form


class QuestionCreate(ApiView):
    """Add a question at the end of a section (the builder's question editor): choices are
    numbered 1, 2, … in order; likert and yes/no questions get their standard choices."""

    serializer_class = SurveyQuestionIn

    @extend_schema(
        operation_id="surveys_questions_create",
        request=SurveyQuestionIn,
        responses={201: BuilderQuestionOut},
    )
    def post(self, request, pk: int):
        user = request.user
        survey = _editable(user, pk)
        incoming = SurveyQuestionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        form = _question_form(survey, incoming.validated_data)

        def create():
            question = _question_service(
                lambda: builder.question_create(actor=user, **form.service_data())
            )
            return (
                _question_out(survey, question.pk),
                reverse("api:survey_question", args=[survey.pk, question.pk]),
            )

        return idempotent_create(request, f"surveys/{survey.pk}/questions", create)


class QuestionDetail(ApiView):
    """A question. PATCH changes any of the editor's fields (the others keep their values; a
    new `section` moves it to that section's end), DELETE removes it (409 while another question
    depends on it), as the builder does; both need If-Match."""

    serializer_class = BuilderQuestionOut

    @extend_schema(operation_id="surveys_questions_retrieve")
    def get(self, request, pk: int, question: int):
        return _tagged(_question_out(_survey(request.user, pk), question))

    @extend_schema(
        operation_id="surveys_questions_partial_update",
        request=SurveyQuestionChangeIn(partial=True),
        responses={200: BuilderQuestionOut, **CHANGE_ERRORS},
    )
    def patch(self, request, pk: int, question: int):
        user = request.user
        survey = _editable(user, pk)
        current = get_object_or_404(Question, pk=question, survey=survey)
        wanted = _wanted(request, current.pk, question_revision(current))
        incoming = SurveyQuestionChangeIn(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        # What the editor shows filled in, then what the client changes. Choices not sent
        # keep their labels; "Khác (ghi rõ)" follows `allow_other`.
        shown = _question_out(survey, current.pk)
        data = {
            "section": current.section_id,
            "kind": current.kind,
            "text": current.text,
            "help_text": current.help_text,
            "required": current.required,
            "allow_other": current.allow_other,
            "rows": [r["label"] for r in shown["rows"]],
            "min_value": current.min_value,
            "max_value": current.max_value,
            "condition_choice": current.condition_choice_id,
        }
        sent = incoming.validated_data
        data.update({k: v for k, v in sent.items() if k in data})
        if "choices" in sent:
            data["choices"] = sent["choices"]
        elif current.kind not in STANDARD_KINDS:
            data["choices"] = [
                c["label"] for c in shown["choices"] if not c["is_other"] or data["allow_other"]
            ]
        form = _question_form(survey, data, question=current)
        with transaction.atomic():
            locked = _lock(Question.objects, current.pk)
            _same(wanted, question_revision(locked))
            _question_service(
                lambda: builder.question_update(actor=user, question=locked, **form.service_data())
            )
        return _tagged(_question_out(survey, current.pk))

    @extend_schema(
        operation_id="surveys_questions_destroy",
        request=None,
        responses={204: None, **CHANGE_ERRORS},
    )
    def delete(self, request, pk: int, question: int):
        user = request.user
        survey = _editable(user, pk)
        current = get_object_or_404(Question, pk=question, survey=survey)
        return _delete_checked(
            request,
            current,
            question_revision,
            lambda locked: builder.question_delete(actor=user, question=locked),
        )


class QuestionMove(ApiView):
    """Move a question one place up or down, as the builder's arrows do (If-Match); 409 at the
    edge of the form, or when a condition would then come after its question."""

    serializer_class = SurveyQuestionMoveIn

    @extend_schema(
        operation_id="surveys_questions_move",
        request=SurveyQuestionMoveIn,
        responses={200: BuilderQuestionOut, **CHANGE_ERRORS},
    )
    def post(self, request, pk: int, question: int):
        user = request.user
        survey = _editable(user, pk)
        current = get_object_or_404(Question, pk=question, survey=survey)
        wanted = _wanted(request, current.pk, question_revision(current))
        incoming = SurveyQuestionMoveIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        direction = incoming.validated_data["direction"]
        with transaction.atomic():
            locked = _lock(Question.objects, current.pk)
            _same(wanted, question_revision(locked))
            try:
                moved = builder.question_move(actor=user, question=locked, direction=direction)
            except builder.SurveyFrozen:
                raise _frozen() from None
            except ValidationError as error:
                raise _refused(error) from None
        if not moved:
            message = (
                _("Câu hỏi đã ở đầu phiếu: không chuyển lên được nữa.")
                if direction == "up"
                else _("Câu hỏi đã ở cuối phiếu: không chuyển xuống được nữa.")
            )
            raise ApiError(409, "cannot_move", message, "direction")
        return _tagged(_question_out(survey, current.pk))


# --- audience and quota -------------------------------------------------------------------------
def _audience(user, survey: Survey) -> dict:
    """The audience page's settings and lines; a unit holding part of the quota sees its own
    lines only, as on the survey's home page."""
    can_manage = rules.can_manage_survey(user, survey)
    lines = list(selectors.allocations_for(user, survey))
    allocated = sum(a.forms for a in lines)
    totals = (
        selectors.survey_totals(survey) if rules.allocation_units_q(user, survey) is None else None
    )
    data = {
        "survey": survey.pk,
        "revision": survey_revision(survey),
        "status": survey.status,
        "can_manage": can_manage,
        "target_groups": [
            {"id": g.pk, "name": g.name} for g in survey.target_groups.order_by("position")
        ],
        "total_forms": survey.total_forms,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "record_group": survey.record_group,
        "record_unit": survey.record_unit,
        "double_entry": survey.double_entry,
        "whole": totals is not None,
        "allocated": allocated,
        "balanced": None if totals is None else totals.balanced,
        "totals": None if totals is None else dataclasses.asdict(totals),
        "allocations": [allocation_data(a) for a in lines],
        "problems": (
            audience.open_problems(survey)
            if can_manage and survey.status != SurveyStatus.OPEN
            else []
        ),
    }
    return SurveyAudienceOut(data).data


class SurveyAudience(ApiView):
    """Who the survey asks, how many forms, when, what is recorded of each respondent, and the
    quota's lines (unit, target group, forms, codes made and used — never the codes). PATCH
    changes the settings as the audience page does (If-Match: the survey's revision)."""

    serializer_class = SurveyAudienceOut

    @extend_schema(operation_id="surveys_audience_retrieve")
    def get(self, request, pk: int):
        survey = _survey(request.user, pk)
        return _tagged(_audience(request.user, survey), pk=survey.pk)

    @extend_schema(
        operation_id="surveys_audience_partial_update",
        request=SurveyAudienceIn,
        responses={200: SurveyAudienceOut, **CHANGE_ERRORS},
    )
    def patch(self, request, pk: int):
        user = request.user
        survey = _managed(user, pk)
        wanted = _wanted(request, survey.pk, survey_revision(survey))
        incoming = SurveyAudienceIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = forms.AudienceForm.initial_for(survey)
        data.update({k: v for k, v in incoming.validated_data.items() if k in data})
        data["opens_on"] = data["opens_on"] or ""
        data["closes_on"] = data["closes_on"] or ""
        form = forms.AudienceForm(data)
        if not form.is_valid():
            raise _form_errors(form)
        with transaction.atomic():
            locked = _lock(Survey.objects, survey.pk)
            _same(wanted, survey_revision(locked))
            audience.audience_update(actor=user, survey=locked, **form.cleaned_data)
        survey = _survey(user, pk)
        return _tagged(_audience(user, survey), pk=survey.pk)


def _line(user, survey: Survey, pk: int) -> Allocation:
    """A quota line the user sees (404 otherwise), with its codes made and used."""
    return get_object_or_404(selectors.allocations_for(user, survey), pk=pk)


def _line_taken() -> ApiError:
    return ApiError(
        409,
        "allocation_exists",
        _("Đơn vị (và đối tượng) này đã có dòng phân bổ: hãy sửa số phiếu của dòng đó."),
        "unit",
    )


class AllocationCreate(ApiView):
    """Give part of the quota to a unit (the owning unit or one under it), for a target group or
    any; 409 when that unit and group already have a line (change its number instead).
    Idempotency-Key honoured."""

    serializer_class = SurveyAllocationIn

    @extend_schema(
        operation_id="surveys_allocations_create",
        request=SurveyAllocationIn,
        responses={201: SurveyAllocationOut},
    )
    def post(self, request, pk: int):
        user = request.user
        survey = _managed(user, pk)
        incoming = SurveyAllocationIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        form = forms.AllocationForm(
            {
                "new-unit": data["unit"],
                "new-target_group": data.get("target_group") or "",
                "new-forms": data["forms"],
            },
            survey=survey,
        )
        if not form.is_valid():
            raise _form_errors(form)
        wanted = form.cleaned_data

        def create():
            lines = survey.allocations.filter(
                unit=wanted["unit"], target_group=wanted["target_group"]
            )
            if lines.exists():
                raise _line_taken()
            try:
                with transaction.atomic():
                    line = audience.allocation_save(actor=user, survey=survey, **wanted)
            except IntegrityError:  # made by someone else in between
                raise _line_taken() from None
            return (
                allocation_data(_line(user, survey, line.pk)),
                reverse("api:survey_allocation", args=[survey.pk, line.pk]),
            )

        return idempotent_create(request, f"surveys/{survey.pk}/allocations", create)


class AllocationDetail(ApiView):
    """A quota line. PATCH changes its number of forms (not below the codes already made), as
    the audience page's table does; DELETE removes a line without codes. Both need If-Match."""

    serializer_class = SurveyAllocationOut

    @extend_schema(operation_id="surveys_allocations_retrieve")
    def get(self, request, pk: int, allocation: int):
        survey = _survey(request.user, pk)
        return _tagged(allocation_data(_line(request.user, survey, allocation)))

    @extend_schema(
        operation_id="surveys_allocations_partial_update",
        request=SurveyAllocationChangeIn,
        responses={200: SurveyAllocationOut, **CHANGE_ERRORS},
    )
    def patch(self, request, pk: int, allocation: int):
        user = request.user
        survey = _managed(user, pk)
        current = _line(user, survey, allocation)
        wanted = _wanted(request, current.pk, allocation_revision(current))
        incoming = SurveyAllocationChangeIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        number = incoming.validated_data["forms"]
        if number == 0:  # the page's table removes a line at 0: here, DELETE does
            raise ValidationError(
                {
                    "forms": _(
                        "Số phiếu phải là số nguyên dương; muốn bỏ dòng phân bổ, hãy xóa dòng."
                    )
                }
            )
        with transaction.atomic():
            locked = _lock(Allocation.objects, current.pk)
            _same(wanted, allocation_revision(locked))
            audience.allocations_update(actor=user, survey=survey, forms_by_id={locked.pk: number})
        return _tagged(allocation_data(_line(user, survey, current.pk)))

    @extend_schema(
        operation_id="surveys_allocations_destroy",
        request=None,
        responses={204: None, **CHANGE_ERRORS},
    )
    def delete(self, request, pk: int, allocation: int):
        user = request.user
        survey = _managed(user, pk)
        current = _line(user, survey, allocation)
        wanted = _wanted(request, current.pk, allocation_revision(current))
        with transaction.atomic():
            locked = _lock(Allocation.objects, current.pk)
            _same(wanted, allocation_revision(locked))
            try:
                audience.allocation_delete(actor=user, allocation=locked)
            except ValidationError as error:
                raise _refused(error) from None
        return Response(status=http.HTTP_204_NO_CONTENT)


class SurveyOpen(ApiView):
    """Open the survey: its codes start working. Refused (409) while the form has no question,
    the period or the quota is not set, or the quota is not wholly allocated."""

    serializer_class = SurveyDetailOut

    @extend_schema(operation_id="surveys_open", request=None, responses={200: SurveyDetailOut})
    def post(self, request, pk: int):
        survey = _managed(request.user, pk)
        try:
            audience.survey_open(actor=request.user, survey=survey)
        except ValidationError as error:
            message = _("Chưa mở được khảo sát:") + " " + " ".join(error.messages)
            raise ApiError(409, "conflict", message) from None
        return Response(_detail(request.user, pk))


class SurveyClose(ApiView):
    """Close an open survey: no more forms are taken."""

    serializer_class = SurveyDetailOut

    @extend_schema(operation_id="surveys_close", request=None, responses={200: SurveyDetailOut})
    def post(self, request, pk: int):
        survey = _managed(request.user, pk)
        try:
            audience.survey_close(actor=request.user, survey=survey)
        except ValidationError as error:
            raise ApiError(409, "conflict", " ".join(error.messages)) from None
        return Response(_detail(request.user, pk))


# --- results ------------------------------------------------------------------------------------
RESULTS_FILTERS = [
    OpenApiParameter(
        "group", int, description="forms of this target group (surveys recording groups)"
    ),
    OpenApiParameter(
        "unit", int, description="forms of this unit's subtree (surveys recording units)"
    ),
    OpenApiParameter(
        "cross", int, description="a choice question to cross by target group (recording groups)"
    ),
]


class SurveyResults(ApiView):
    """The results page's figures: forms received, returns per target group, each question's
    counts, percentages, means and number statistics, and a cross-tab by group. A selection, a
    question or a column with fewer than `min_cell` forms shows no figures. Never an individual
    response, nor free texts."""

    serializer_class = SurveyResultsOut

    @extend_schema(parameters=RESULTS_FILTERS, operation_id="surveys_results")
    def get(self, request, pk: int):
        user = request.user
        survey = _survey(user, pk)
        if not rules.can_view_results(user, survey):
            raise ApiError(403, "forbidden", _("Bạn không có quyền xem kết quả cuộc khảo sát này."))
        structure = load(survey)
        params = {k: _clean(request.query_params.get(k))[:20] for k in ("group", "unit", "cross")}
        params = {k: v for k, v in params.items() if v}
        form = ResultsFilter(params or None, survey=survey, structure=structure)
        for name in params:
            if name not in form.fields:
                message = (
                    _("Cuộc khảo sát này không ghi nhận nhóm đối tượng của người trả lời.")
                    if name in ("group", "cross")
                    else _("Cuộc khảo sát này không ghi nhận đơn vị của người trả lời.")
                )
                raise ApiError(400, "invalid", message, name)
        if params and not form.is_valid():
            raise _form_errors(form)
        selection = form.selection()
        res = results_for(survey, selection, structure=structure)
        cross_question = form.cross_question()
        cross = crosstabs(survey, [cross_question], selection) if cross_question else []
        data = results_data(
            res,
            returns_by_group(survey),
            cross[0] if cross else None,
            min_cell=MIN_CELL,
            hidden_message=str(HIDDEN_MESSAGE),
        )
        return Response(data)


# --- responding with a one-time code ------------------------------------------------------------
PROBLEMS = {
    "invalid": (403, "code_invalid"),
    "used": (409, "code_used"),
    "not_open": (409, "survey_not_open"),
    "closed": (409, "survey_closed"),
}
RESPOND_ERRORS = {
    400: OpenApiResponse(description="no code, or answers that fail the survey's checks"),
    403: OpenApiResponse(description="code_invalid: no such code"),
    409: OpenApiResponse(description="code_used, survey_not_open or survey_closed"),
    429: OpenApiResponse(description="too many wrong codes from this address: wait"),
}


def _private(response: Response) -> Response:
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


class _Respond(ApiView):
    """No account, no token: the code is the credential (see the module docstring)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    def handle_exception(self, exc):
        return _private(super().handle_exception(exc))

    def checked_code(self, request):
        """The code in the body if it can be used now, as the public pages check it: the
        address's wrong codes are counted, and while over the limit every code is refused."""
        minutes = throttle.blocked_minutes(request)
        if minutes:
            raise _throttled(minutes)
        incoming = RespondCodeIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            return code_check(incoming.validated_data["code"], timezone.localdate())
        except CodeProblem as problem:
            if problem.reason == "invalid":
                throttle.failure_record(request)
            status, code = PROBLEMS[problem.reason]
            raise ApiError(status, code, str(problem.message), "code") from None


def _throttled(minutes: int) -> ApiError:
    error = ApiError(
        429,
        "throttled",
        _("Đã nhập sai mã phiếu quá nhiều lần. Xin thử lại sau %(minutes)d phút.")
        % {"minutes": minutes},
    )
    error.wait = minutes * 60  # DRF sends it as Retry-After
    return error


class RespondForm(_Respond):
    """The form the holder of a code answers (POST, so the code is not in the address)."""

    serializer_class = RespondCodeIn

    @extend_schema(
        operation_id="surveys_respond_form",
        auth=[],
        request=RespondCodeIn,
        responses={200: RespondFormOut, **RESPOND_ERRORS},
    )
    def post(self, request):
        code = self.checked_code(request)
        survey = code.survey
        data = {
            "title": survey.title,
            "intro": survey.intro,
            "closes_on": survey.closes_on,
            "sections": [s for s in sections_data(current(survey)) if s["questions"]],
        }
        return _private(Response(RespondFormOut(data).data))


def canonical_answers(structure, raw: dict) -> dict:
    """The answers sent as JSON in the shape `answers` checks, as `answers.from_post` makes it
    from the page's form: only this survey's questions are read, texts lose NUL characters and
    an "other" text is cut to its length. A value of the wrong JSON type is kept as sent, for
    `answers.validate` to refuse with the page's message — except a grid's, which it expects
    to be an object."""
    data: dict = {}
    for q in structure.questions:
        key = str(q.pk)
        if key in raw:
            value = raw[key]
            if isinstance(value, str):
                value = value.replace("\x00", "")
            if (
                q.kind == QuestionKind.GRID
                and value not in (None, "")
                and not isinstance(value, dict)
            ):
                raise ValidationError({f"answers.{key}": _("Lựa chọn không hợp lệ.")})
            data[key] = value
        other = raw.get(f"{key}{answer_rules.OTHER_SUFFIX}")
        if q.allow_other and other is not None:
            text = other.replace("\x00", "") if isinstance(other, str) else ""
            data[f"{key}{answer_rules.OTHER_SUFFIX}"] = text[: answer_rules.SHORT_TEXT_MAX]
    return data


class Respond(_Respond):
    """Answer the survey with a one-time code: the whole form at once, checked as the online
    form checks it, recorded with the code spent in one transaction. The answer says only that
    the form was recorded; a second use of the code is refused (409 code_used)."""

    serializer_class = RespondIn

    @extend_schema(
        operation_id="surveys_respond",
        auth=[],
        request=RespondIn,
        responses={201: RespondDoneOut, **RESPOND_ERRORS},
    )
    def post(self, request):
        code = self.checked_code(request)
        incoming = RespondIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        structure = current(code.survey)
        data = canonical_answers(structure, incoming.validated_data["answers"])
        try:
            response_submit(
                code_text=code.code,
                data=data,
                structure=structure,
                today=timezone.localdate(),
                checked=code,
            )
        except CodeProblem as problem:
            status, error_code = PROBLEMS[problem.reason]
            raise ApiError(status, error_code, str(problem.message), "code") from None
        except AnswerErrors as failed:
            raise ValidationError(
                {f"answers.{qid}": [message] for qid, message in failed.errors.items()}
            ) from None
        done = {
            "recorded": True,
            "message": _("Phiếu trả lời đã được ghi nhận. Xin cảm ơn!"),
        }
        return _private(Response(RespondDoneOut(done).data, status=201))
