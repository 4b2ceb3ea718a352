"""Anonymous opinion surveys: the surveys one sees and their definitions, the first steps of
building a draft, opening and closing, results, and answering a form with a one-time code.

Thin, over the pages' own code: who sees what comes from `surveys.rules` and
`surveys.selectors`; what is typed is checked by the builder pages' forms, then written by
`surveys.builder` and `surveys.audience`; results come from `surveys.results` with the page's
filter form and its anonymity threshold; a form is answered through `responses.response_submit`
and the code throttle of the public pages.

Responding needs no account and no token: the code is the credential. It travels in the body
only (never in a path or query string, which access logs keep), and nothing here logs, audits,
stores an idempotent answer or returns anything that would tie the response to its code or to
a person; the request is not even authenticated, so no user is known.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions
from rest_framework.response import Response

from trienkhai.surveys import answers as answer_rules
from trienkhai.surveys import audience, builder, rules, selectors, throttle
from trienkhai.surveys import forms_builder as forms
from trienkhai.surveys.models import MIN_CELL, QuestionKind, Survey, SurveyStatus
from trienkhai.surveys.responses import AnswerErrors, CodeProblem, code_check, response_submit
from trienkhai.surveys.results import HIDDEN_MESSAGE, crosstabs, results_for, returns_by_group
from trienkhai.surveys.structure import load, question_numbers
from trienkhai.surveys.views_results import ResultsFilter

from .conventions import ApiView, idempotent_create
from .errors import ApiError
from .serializers_surveys import (
    RespondCodeIn,
    RespondDoneOut,
    RespondFormOut,
    RespondIn,
    SurveyDetailOut,
    SurveyIn,
    SurveyOut,
    SurveyQuestionIn,
    SurveyQuestionOut,
    SurveyResultsOut,
    SurveySectionIn,
    SurveySectionOut,
    question_data,
    results_data,
    sections_data,
)


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
    choices with the numbers printed on paper, grid rows; its status and period."""

    serializer_class = SurveyDetailOut

    @extend_schema(operation_id="surveys_retrieve")
    def get(self, request, pk: int):
        return Response(_detail(request.user, pk))


class SectionCreate(ApiView):
    """Add a section at the end of a draft's form (the builder's "Thêm phần")."""

    serializer_class = SurveySectionIn

    @extend_schema(
        operation_id="surveys_sections_create",
        request=SurveySectionIn,
        responses={201: SurveySectionOut},
    )
    def post(self, request, pk: int):
        user = request.user
        survey = _managed(user, pk)
        if survey.is_frozen:
            raise _frozen()
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
            out = {
                "id": section.pk,
                "title": section.title,
                "description": section.description,
                "questions": [],
            }
            return out, reverse("api:survey", args=[survey.pk])

        return idempotent_create(request, f"surveys/{survey.pk}/sections", create)


class QuestionCreate(ApiView):
    """Add a question at the end of a section (the builder's question editor): choices are
    numbered 1, 2, … in order; likert and yes/no questions get their standard choices."""

    serializer_class = SurveyQuestionIn

    @extend_schema(
        operation_id="surveys_questions_create",
        request=SurveyQuestionIn,
        responses={201: SurveyQuestionOut},
    )
    def post(self, request, pk: int):
        user = request.user
        survey = _managed(user, pk)
        if survey.is_frozen:
            raise _frozen()
        incoming = SurveyQuestionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        structure = load(survey)

        def lines(items) -> str:
            return "\n".join(" ".join(item.split()) for item in items or [])

        def decimal(value) -> str:
            return "" if value is None else str(value)

        form = forms.QuestionForm(
            {
                "section": data["section"],
                "kind": data["kind"],
                "text": data["text"],
                "help_text": data.get("help_text", ""),
                "required": data["required"],
                "allow_other": data["allow_other"],
                "choices": lines(data.get("choices")),
                "rows": lines(data.get("rows")),
                "min_value": decimal(data.get("min_value")),
                "max_value": decimal(data.get("max_value")),
                "condition": data.get("condition_choice") or "",
            },
            structure=structure,
        )
        if not form.is_valid():
            renamed = {"condition": "condition_choice"}  # the API's name of the field
            raise ValidationError(
                {
                    renamed.get(field, field) or "__all__": [str(m) for m in messages]
                    for field, messages in form.errors.items()
                }
            )

        def create():
            try:
                question = builder.question_create(actor=user, **form.service_data())
            except builder.SurveyFrozen:
                raise _frozen() from None
            loaded = load(survey)
            return (
                question_data(loaded.by_id[question.pk], question_numbers(loaded)),
                reverse("api:survey", args=[survey.pk]),
            )

        return idempotent_create(request, f"surveys/{survey.pk}/questions", create)


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
            "sections": [s for s in sections_data(load(survey)) if s["questions"]],
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
        structure = load(code.survey)
        data = canonical_answers(structure, incoming.validated_data["answers"])
        try:
            response_submit(
                code_text=code.code, data=data, structure=structure, today=timezone.localdate()
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
