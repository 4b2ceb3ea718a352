"""What the survey endpoints take and return: a survey's definition (sections, questions,
choices, grid rows), its results as the results page shows them, and a respondent's form.

Results carry only counts, percentages and statistics, never an answer of one form; a cell
below the anonymity threshold carries no figure at all (`hidden`). The definitions are built
from `structure.load`, the same loading as the builder, the preview and the online form.

Sections, questions and quota lines carry no revision number: their `revision` (given back as
If-Match or `revision` with a change) is a hash of what the builder and the audience page let one
change, so any change to them changes it. A survey's comes from its `updated_at`.
"""

import datetime as dt
import hashlib

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trienkhai.surveys.answers import LONG_TEXT_MAX, SHORT_TEXT_MAX
from trienkhai.surveys.models import QuestionKind, SurveyStatus
from trienkhai.surveys.structure import question_numbers

from .serializers import MAX_ID, Id, UnitRef
from .serializers_programmes import number

TEXT_MAX = 2000  # the question editor's limit on a question's text
LINE_MAX = 300  # a choice or a grid row
LINES_MAX = 200


def enum(values, **kwargs):
    """A code out of `values`, its enum inline under `allOf`: drf-spectacular's enum hook
    would otherwise make a shared component whose name ("StatusEnum", "KindEnum") collides
    with other endpoints' (a warning) — this needs no ENUM_NAME_OVERRIDES entry."""
    schema = {"type": "string", "allOf": [{"enum": [str(v) for v in values]}]}
    return extend_schema_field(schema)(type("SurveyCode", (serializers.CharField,), {}))(**kwargs)


def _decimal(**kwargs):
    return extend_schema_field(
        {"type": "string", "format": "decimal", "nullable": True, "example": "12.5"}
    )(type("SurveyNumber", (serializers.CharField,), {}))(allow_null=True, **kwargs)


def revision_field(what: str):
    return serializers.IntegerField(help_text=f"changes with any change to the {what}")


def revision_in():
    return serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_ID, help_text="for changes, or If-Match"
    )


# --- versions -----------------------------------------------------------------------------------
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _digest(fields) -> int:
    return int(hashlib.sha256(repr(fields).encode()).hexdigest()[:12], 16)


def survey_revision(survey) -> int:
    """From `updated_at`, in microseconds: every save of the survey (its title, audience,
    status) changes it."""
    return (survey.updated_at - EPOCH) // dt.timedelta(microseconds=1)


def section_revision(section) -> int:
    return _digest((section.title, section.description, section.position))


def question_revision(question) -> int:
    """What the question editor changes, and its place (a move changes it): not its number,
    which changes with the questions before it."""
    choices = getattr(question, "choice_list", None)
    if choices is None:
        choices = question.choices.order_by("position", "value")
    rows = getattr(question, "row_list", None)
    if rows is None:
        rows = question.rows.order_by("position", "id")
    return _digest(
        (
            question.section_id,
            question.position,
            question.kind,
            question.text,
            question.help_text,
            question.required,
            question.allow_other,
            str(question.min_value),
            str(question.max_value),
            question.condition_choice_id,
            [(c.value, c.label, c.is_other) for c in choices],
            [r.label for r in rows],
        )
    )


def allocation_revision(allocation) -> int:
    return _digest((allocation.unit_id, allocation.target_group_id, allocation.forms))


# --- the definition -----------------------------------------------------------------------------
class SurveyChoiceOut(serializers.Serializer):
    id = serializers.IntegerField()
    value = serializers.IntegerField(help_text="the number printed on the paper form")
    label = serializers.CharField()
    is_other = serializers.BooleanField(help_text="“Khác (ghi rõ)”: answered with a text too")


class SurveyRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class SurveyConditionOut(serializers.Serializer):
    question = serializers.IntegerField(help_text="an earlier choice question")
    choice = serializers.IntegerField(help_text="asked only when this choice was picked there")


class SurveyQuestionOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="C1, C2, … as printed on the form")
    text = serializers.CharField()
    help_text = serializers.CharField(allow_blank=True)
    kind = enum(QuestionKind.values)
    required = serializers.BooleanField()
    allow_other = serializers.BooleanField()
    min_value = _decimal(help_text="number questions: the smallest answer allowed")
    max_value = _decimal(help_text="number questions: the largest answer allowed")
    condition = SurveyConditionOut(allow_null=True)
    choices = SurveyChoiceOut(many=True)
    rows = SurveyRowOut(many=True, help_text="grid questions: each row answered on the choices")


class SurveySectionOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    questions = SurveyQuestionOut(many=True)


def question_data(question, numbers: dict[int, str]) -> dict:
    condition = None
    if question.condition_question_id and question.condition_choice_id:
        condition = {
            "question": question.condition_question_id,
            "choice": question.condition_choice_id,
        }
    return {
        "id": question.pk,
        "number": numbers.get(question.pk, question.code or ""),
        "text": question.text,
        "help_text": question.help_text,
        "kind": question.kind,
        "required": question.required,
        "allow_other": question.allow_other,
        "min_value": number(question.min_value),
        "max_value": number(question.max_value),
        "condition": condition,
        "choices": [
            {"id": c.pk, "value": c.value, "label": c.label, "is_other": c.is_other}
            for c in question.choice_list
        ],
        "rows": [{"id": r.pk, "label": r.label} for r in question.row_list],
    }


def sections_data(structure) -> list[dict]:
    """Every section in order, with its questions (a section without questions too)."""
    numbers = question_numbers(structure)
    return [
        {
            "id": s.pk,
            "title": s.title,
            "description": s.description,
            "questions": [question_data(q, numbers) for q in s.question_list],
        }
        for s in structure.sections
    ]


class BuilderQuestionOut(SurveyQuestionOut):
    revision = revision_field("question, or to its place")


class BuilderSectionOut(SurveySectionOut):
    revision = revision_field("section's title, guidance or place")
    questions = BuilderQuestionOut(many=True)


def builder_question_data(question, numbers: dict[int, str]) -> dict:
    return {**question_data(question, numbers), "revision": question_revision(question)}


def builder_section_data(section, numbers: dict[int, str]) -> dict:
    return {
        "id": section.pk,
        "title": section.title,
        "description": section.description,
        "revision": section_revision(section),
        "questions": [builder_question_data(q, numbers) for q in section.question_list],
    }


def builder_sections_data(structure) -> list[dict]:
    """As `sections_data`, with the revisions the builder's changes send back."""
    numbers = question_numbers(structure)
    return [builder_section_data(s, numbers) for s in structure.sections]


class SurveyGroupRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SurveyOut(serializers.Serializer):
    """A survey in the list: the figures of the list page. A unit holding only part of the quota
    sees its part (`partial`): its forms and its codes used."""

    id = serializers.IntegerField()
    revision = serializers.SerializerMethodField()
    title = serializers.CharField()
    owner_unit = UnitRef()
    campaign = serializers.IntegerField(allow_null=True, source="campaign_id")
    status = enum(SurveyStatus.values)
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    previous = serializers.IntegerField(allow_null=True, source="previous_id")
    opens_on = serializers.DateField(allow_null=True)
    closes_on = serializers.DateField(allow_null=True)
    total_forms = serializers.IntegerField(help_text="forms planned for the whole survey")
    partial = serializers.SerializerMethodField()
    forms = serializers.SerializerMethodField()
    returned = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_revision(self, survey) -> int:
        """Send it back (If-Match or `revision`) with a change of the survey or its audience;
        it changes whenever the survey is saved (not `version`, the survey's edition)."""
        return survey_revision(survey)

    def get_partial(self, survey) -> bool:
        return getattr(survey, "part_forms", None) is not None

    def get_forms(self, survey) -> int:
        """Forms planned: the whole survey's, or the user's part."""
        part = getattr(survey, "part_forms", None)
        return survey.total_forms if part is None else part

    def get_returned(self, survey) -> int:
        """Forms received (whole survey), or the codes of the user's part already used."""
        part = getattr(survey, "part_returned", None)
        return getattr(survey, "returned", 0) if part is None else part


class SurveyDetailOut(SurveyOut):
    """A survey with its whole definition, as the preview page shows it."""

    intro = serializers.CharField(allow_blank=True)
    target_groups = serializers.SerializerMethodField()
    record_group = serializers.BooleanField()
    record_unit = serializers.BooleanField()
    double_entry = serializers.BooleanField()
    frozen = serializers.SerializerMethodField()
    can_manage = serializers.SerializerMethodField()
    can_view_results = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()

    @extend_schema_field(SurveyGroupRef(many=True))
    def get_target_groups(self, survey):
        return [{"id": g.pk, "name": g.name} for g in survey.target_groups.order_by("position")]

    def get_frozen(self, survey) -> bool:
        """Forms have been answered: questions no longer change (a new version instead)."""
        return self.context["frozen"]

    def get_can_manage(self, survey) -> bool:
        return self.context["can_manage"]

    def get_can_view_results(self, survey) -> bool:
        return self.context["can_view_results"]

    @extend_schema_field(BuilderSectionOut(many=True))
    def get_sections(self, survey):
        return builder_sections_data(self.context["structure"])


# --- building -----------------------------------------------------------------------------------
class SurveyIn(serializers.Serializer):
    """A new survey, as a draft (the builder's first page)."""

    title = serializers.CharField(max_length=300)
    intro = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    owner_unit = Id(help_text="id of a unit you may edit")
    campaign = Id(required=False, allow_null=True, help_text="id of a campaign you see")


class SurveySectionIn(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class SurveyQuestionIn(serializers.Serializer):
    """A question added at the end of a section, as the question editor adds it."""

    section = Id(help_text="id of a section of this survey")
    kind = enum(QuestionKind.values)
    text = serializers.CharField(max_length=TEXT_MAX)
    help_text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    required = serializers.BooleanField(required=False, default=False)
    allow_other = serializers.BooleanField(
        required=False, default=False, help_text="single and multiple choice: add “Khác (ghi rõ)”"
    )
    choices = serializers.ListField(
        child=serializers.CharField(max_length=LINE_MAX),
        required=False,
        max_length=LINES_MAX,
        help_text="the choices, or a grid's scale, in order (numbered 1, 2, …); likert and "
        "yes/no questions have theirs already",
    )
    rows = serializers.ListField(
        child=serializers.CharField(max_length=LINE_MAX),
        required=False,
        max_length=LINES_MAX,
        help_text="grid questions: the rows",
    )
    min_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    max_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    condition_choice = Id(
        required=False,
        allow_null=True,
        help_text="ask only when this choice of an earlier question was picked",
    )


class SurveyChangeIn(serializers.Serializer):
    """A draft's title, introduction or campaign (any subset), as its edit page changes them."""

    title = serializers.CharField(required=False, max_length=300)
    intro = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    campaign = Id(required=False, allow_null=True, help_text="id of a campaign you see; null: none")
    revision = revision_in()


class SurveySectionChangeIn(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    revision = revision_in()


class SurveyQuestionChangeIn(SurveyQuestionIn):
    """Any subset of the question editor's fields; the others keep their values. `section`:
    move it to the end of another section. `condition_choice` null: always asked."""

    revision = revision_in()


class SurveyQuestionMoveIn(serializers.Serializer):
    direction = enum(
        ["up", "down"],
        help_text="one place up or down; past the edge of its section it goes to the end of "
        "the previous section or the start of the next",
    )
    revision = revision_in()

    def validate_direction(self, value):
        if value not in ("up", "down"):
            raise serializers.ValidationError(_("Hướng di chuyển không hợp lệ."))
        return value


# --- audience and quota -------------------------------------------------------------------------
def _forms_count(**kwargs):
    return serializers.IntegerField(min_value=0, max_value=1_000_000, **kwargs)


class SurveyAudienceIn(serializers.Serializer):
    """The audience page's settings (any subset): who is asked, how many forms, when, and what
    is recorded about each respondent."""

    target_groups = serializers.ListField(
        child=Id(), required=False, max_length=100, help_text="ids of target groups; [] for none"
    )
    total_forms = _forms_count(required=False)
    opens_on = serializers.DateField(required=False, allow_null=True)
    closes_on = serializers.DateField(required=False, allow_null=True)
    record_group = serializers.BooleanField(required=False)
    record_unit = serializers.BooleanField(required=False)
    double_entry = serializers.BooleanField(required=False)
    revision = revision_in()


class SurveyAllocationIn(serializers.Serializer):
    """A new line of the quota: so many forms for a unit (and a target group)."""

    unit = Id(help_text="the owning unit or one under it")
    target_group = Id(
        required=False, allow_null=True, help_text="one of the survey's target groups; null: any"
    )
    forms = _forms_count()


class SurveyAllocationChangeIn(serializers.Serializer):
    forms = _forms_count(help_text="not fewer than the codes already made for the line")
    revision = revision_in()


class SurveyAllocationOut(serializers.Serializer):
    id = serializers.IntegerField()
    revision = revision_field("line")
    unit = UnitRef()
    target_group = SurveyGroupRef(allow_null=True, help_text="null: any target group")
    forms = serializers.IntegerField()
    codes_made = serializers.IntegerField(help_text="one-time codes made for the line")
    codes_used = serializers.IntegerField(help_text="of which used (forms received)")


def allocation_data(allocation) -> dict:
    """A quota line from `selectors.allocations_for` (with `made` and `used`). The codes
    themselves are never given: they are printed and exported from the pages."""
    group = allocation.target_group
    return {
        "id": allocation.pk,
        "revision": allocation_revision(allocation),
        "unit": {"id": allocation.unit.pk, "name": allocation.unit.name},
        "target_group": None if group is None else {"id": group.pk, "name": group.name},
        "forms": allocation.forms,
        "codes_made": allocation.made,
        "codes_used": allocation.used,
    }


class SurveyTotalsOut(serializers.Serializer):
    forms = serializers.IntegerField(help_text="the survey's total of forms")
    allocated = serializers.IntegerField()
    codes_made = serializers.IntegerField()
    codes_used = serializers.IntegerField()
    returned = serializers.IntegerField(help_text="forms received")


class SurveyAudienceOut(serializers.Serializer):
    """The audience and quota as the audience page sets them; a unit holding only part of the
    quota sees its own lines (`whole` false) and no totals."""

    survey = serializers.IntegerField()
    revision = serializers.IntegerField(help_text="the survey's: send it back with a change")
    status = enum(SurveyStatus.values)
    can_manage = serializers.BooleanField()
    target_groups = SurveyGroupRef(many=True)
    total_forms = serializers.IntegerField()
    opens_on = serializers.DateField(allow_null=True)
    closes_on = serializers.DateField(allow_null=True)
    record_group = serializers.BooleanField()
    record_unit = serializers.BooleanField()
    double_entry = serializers.BooleanField()
    whole = serializers.BooleanField(help_text="false: only your units' part of the quota")
    allocated = serializers.IntegerField(help_text="forms in the lines shown")
    balanced = serializers.BooleanField(help_text="the lines add up to the total of forms")
    totals = SurveyTotalsOut(allow_null=True, help_text="the whole survey's; null: a part only")
    allocations = SurveyAllocationOut(many=True)
    problems = serializers.ListField(
        child=serializers.CharField(),
        help_text="what stands in the way of opening (to its managers, before it opens)",
    )


# --- results ------------------------------------------------------------------------------------
class SurveyCountOut(serializers.Serializer):
    choice = serializers.IntegerField()
    value = serializers.IntegerField()
    label = serializers.CharField()
    n = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class SurveyRowResultOut(serializers.Serializer):
    row = serializers.IntegerField()
    label = serializers.CharField()
    answered = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    cells = SurveyCountOut(many=True)


class SurveyNumberStatsOut(serializers.Serializer):
    count = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    minimum = serializers.FloatField(allow_null=True)
    maximum = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)


class SurveyQuestionResultOut(serializers.Serializer):
    """A question's figures; all null or empty when `hidden` (fewer forms than `min_cell`)."""

    question = serializers.IntegerField()
    number = serializers.CharField()
    text = serializers.CharField()
    kind = enum(QuestionKind.values)
    section = serializers.IntegerField()
    hidden = serializers.BooleanField()
    answered = serializers.IntegerField(allow_null=True, help_text="forms that answered it")
    choices = SurveyCountOut(many=True, help_text="single, multiple, likert, yes/no")
    mean = serializers.FloatField(allow_null=True, help_text="likert: the mean on 1–5")
    rows = SurveyRowResultOut(many=True, help_text="grid questions")
    numbers = SurveyNumberStatsOut(allow_null=True, help_text="number questions")
    text_count = serializers.IntegerField(
        allow_null=True, help_text="how many free texts (or “other” texts) there are"
    )


class SurveyCrossColumnOut(serializers.Serializer):
    group = SurveyGroupRef(allow_null=True, help_text="null: all the forms looked at")
    hidden = serializers.BooleanField()
    answered = serializers.IntegerField(allow_null=True)


class SurveyCrossCellOut(serializers.Serializer):
    n = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class SurveyCrossRowOut(serializers.Serializer):
    choice = serializers.IntegerField()
    value = serializers.IntegerField()
    label = serializers.CharField()
    cells = serializers.ListField(
        child=SurveyCrossCellOut(allow_null=True), help_text="one per column; null: hidden"
    )


class SurveyCrossOut(serializers.Serializer):
    question = serializers.IntegerField()
    number = serializers.CharField()
    text = serializers.CharField()
    columns = SurveyCrossColumnOut(many=True)
    rows = SurveyCrossRowOut(many=True)


class SurveyGroupReturnOut(serializers.Serializer):
    group = SurveyGroupRef(allow_null=True, help_text="null: forms allocated to no group")
    planned = serializers.IntegerField()
    returned = serializers.IntegerField(
        allow_null=True, help_text="null: the survey does not record groups"
    )
    percent = serializers.FloatField(allow_null=True)


class SurveyFilterOut(serializers.Serializer):
    group = SurveyGroupRef(allow_null=True)
    unit = UnitRef(allow_null=True)


class SurveyResultsOut(serializers.Serializer):
    survey = serializers.IntegerField()
    forms = serializers.IntegerField(help_text="forms received in the selection")
    total_forms = serializers.IntegerField()
    percent_of_quota = serializers.FloatField(allow_null=True)
    min_cell = serializers.IntegerField(help_text="fewer forms than this: no figures shown")
    hidden = serializers.BooleanField(help_text="the selection is too small: no figures at all")
    hidden_message = serializers.CharField()
    filter = SurveyFilterOut()
    groups = SurveyGroupReturnOut(many=True)
    questions = SurveyQuestionResultOut(many=True)
    cross = SurveyCrossOut(allow_null=True)


def _group(group) -> dict | None:
    return None if group is None else {"id": group.pk, "name": group.name}


def _counts(cells) -> list[dict]:
    return [
        {
            "choice": c.choice.pk,
            "value": c.choice.value,
            "label": c.choice.label,
            "n": c.n,
            "percent": c.percent,
        }
        for c in cells
    ]


def question_result_data(r, numbers: dict[int, str]) -> dict:
    q = r.question
    out = {
        "question": q.pk,
        "number": numbers.get(q.pk, q.code or ""),
        "text": q.text,
        "kind": q.kind,
        "section": q.section_id,
        "hidden": r.hidden,
        "answered": None,
        "choices": [],
        "mean": None,
        "rows": [],
        "numbers": None,
        "text_count": None,
    }
    if r.hidden:  # as on the page: the warning only, not even how many answered
        return out
    out["answered"] = r.answered
    out["text_count"] = r.text_count if r.has_texts else None
    if r.is_counted:
        out["choices"] = _counts(r.choices)
        out["mean"] = r.mean
    elif r.is_grid:
        out["rows"] = [
            {
                "row": row.row.pk,
                "label": row.row.label,
                "answered": row.answered,
                "mean": row.mean,
                "cells": _counts(row.cells),
            }
            for row in r.rows
        ]
    elif r.is_number and r.numbers:
        s = r.numbers
        out["numbers"] = {
            "count": s.count,
            "mean": s.mean,
            "minimum": s.minimum,
            "maximum": s.maximum,
            "median": s.median,
        }
    return out


def cross_data(tab, numbers: dict[int, str]) -> dict:
    return {
        "question": tab.question.pk,
        "number": numbers.get(tab.question.pk, tab.question.code or ""),
        "text": tab.question.text,
        "columns": [
            {
                "group": _group(col.group),
                "hidden": col.hidden,
                "answered": None if col.hidden else col.answered,
            }
            for col in tab.columns
        ],
        "rows": [
            {
                "choice": c.pk,
                "value": c.value,
                "label": c.label,
                "cells": [
                    None if cell is None else {"n": cell[0], "percent": cell[1]} for cell in line
                ],
            }
            for c, line in tab.rows
        ],
    }


def results_data(res, groups, cross, *, min_cell: int, hidden_message: str) -> dict:
    numbers = question_numbers(res.structure)
    selection = res.selection
    unit = selection.unit
    return {
        "survey": res.survey.pk,
        "forms": res.forms,
        "total_forms": res.survey.total_forms,
        "percent_of_quota": res.percent_of_quota,
        "min_cell": min_cell,
        "hidden": res.hidden,
        "hidden_message": hidden_message,
        "filter": {
            "group": _group(selection.group),
            "unit": None if unit is None else {"id": unit.pk, "name": unit.name},
        },
        "groups": [
            {
                "group": _group(g.group),
                "planned": g.planned,
                "returned": g.returned,
                "percent": g.percent,
            }
            for g in groups
        ],
        # A selection below the threshold shows nothing of its questions (the page's warning).
        "questions": [question_result_data(r, numbers) for r in res.questions],
        "cross": None if cross is None or res.hidden else cross_data(cross, numbers),
    }


# --- responding ---------------------------------------------------------------------------------
class RespondCodeIn(serializers.Serializer):
    code = serializers.CharField(
        max_length=60,
        help_text="the one-time code printed on the paper form or ending the personal link; "
        "case, spaces and dashes do not matter",
    )


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": "keyed by question id (as text): single choice, likert, yes/no → the "
        'choice id; multiple choice → a list of choice ids; "<id>_other" → the text of '
        "“Khác (ghi rõ)”; grid → {row id: choice id}; number → a number or its text "
        f'("12.5"); short text (≤ {SHORT_TEXT_MAX}) and long text (≤ {LONG_TEXT_MAX}) → the '
        "text. Questions not asked (their condition not met) are ignored.",
        "example": {"11": 21, "12": [25, 28], "12_other": "Qua bạn bè", "13": {"3": 31}},
    }
)
class AnswersField(serializers.JSONField):
    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                _("Các câu trả lời phải là một đối tượng JSON theo số câu hỏi.")
            )
        return data


class RespondIn(RespondCodeIn):
    answers = AnswersField()


class RespondFormOut(serializers.Serializer):
    """The form the holder of a code answers: nothing about who made it or who else answers."""

    title = serializers.CharField()
    intro = serializers.CharField(allow_blank=True)
    closes_on = serializers.DateField(allow_null=True)
    sections = SurveySectionOut(many=True)


class RespondDoneOut(serializers.Serializer):
    recorded = serializers.BooleanField()
    message = serializers.CharField()
