"""Recording a form: once, whole, counted; refused with a reason when it cannot be."""

import pytest

from trienkhai.surveys import responses
from trienkhai.surveys.models import Answer, Code, Response, ResponseDraft, SurveyStatus, Tally
from trienkhai.surveys.responses import AnswerErrors, CodeProblem

from .builders import DURING, congress_survey, full_answers


def _tallies(survey):
    return {
        (t.question_id, t.row_id, t.choice_id, t.group_id, t.unit_id): t.n
        for t in Tally.objects.filter(survey=survey)
    }


def test_a_form_is_recorded_whole_and_its_code_spent(tree):
    w = congress_survey(tree)
    code = w.codes[0]
    ResponseDraft.objects.create(code=code, page=1, data={"x": 1})
    responses.response_submit(code_text=code.code, data=full_answers(w), today=DURING)
    response = Response.objects.get()
    assert response.unit == tree.ward and response.target_group == w.members
    assert response.submitted_on == DURING
    # two sources, grid two rows, and one each for the other five answered questions
    assert Answer.objects.filter(response=response).count() == 2 + 2 + 5
    assert Code.objects.get(pk=code.pk).used
    assert not ResponseDraft.objects.exists()


def test_a_code_records_one_form_however_often_it_is_sent(tree):
    w = congress_survey(tree)
    code = w.codes[0].code
    responses.response_submit(code_text=code, data=full_answers(w), today=DURING)
    with pytest.raises(CodeProblem) as problem:
        responses.response_submit(code_text=code.lower(), data=full_answers(w), today=DURING)
    assert problem.value.reason == "used"
    assert Response.objects.count() == 1


def test_codes_are_typed_loosely(tree):
    w = congress_survey(tree)
    responses.response_submit(code_text=" ward-0000 01 ", data=full_answers(w), today=DURING)
    assert Code.objects.get(code="WARD000001").used


@pytest.mark.parametrize(
    "status, day, reason",
    [
        (SurveyStatus.DRAFT, DURING, "not_open"),
        (SurveyStatus.OPEN, DURING.replace(month=7), "not_open"),
        (SurveyStatus.OPEN, DURING.replace(month=10), "closed"),
        (SurveyStatus.CLOSED, DURING, "closed"),
    ],
)
def test_a_survey_outside_its_period_takes_no_form(tree, status, day, reason):
    w = congress_survey(tree, status=status)
    with pytest.raises(CodeProblem) as problem:
        responses.response_submit(code_text=w.codes[0].code, data=full_answers(w), today=day)
    assert problem.value.reason == reason
    assert not Response.objects.exists() and not Code.objects.filter(used=True).exists()


def test_unknown_code_is_refused(tree):
    w = congress_survey(tree)
    with pytest.raises(CodeProblem) as problem:
        responses.response_submit(code_text="KHONGCO", data=full_answers(w), today=DURING)
    assert problem.value.reason == "invalid"


def test_bad_answers_record_nothing_and_keep_the_code(tree):
    w = congress_survey(tree)
    data = full_answers(w, years="200")
    del data[str(w.q_trust.pk)]
    with pytest.raises(AnswerErrors) as errors:
        responses.response_submit(code_text=w.codes[0].code, data=data, today=DURING)
    assert set(errors.value.errors) == {w.q_trust.pk, w.q_years.pk}
    assert "80" in errors.value.errors[w.q_years.pk]
    assert not Response.objects.exists() and not Code.objects.get(pk=w.codes[0].pk).used


def test_a_conditional_question_is_asked_only_when_its_condition_holds(tree):
    w = congress_survey(tree)
    data = full_answers(w, aware=2)
    del data[str(w.q_why.pk)]
    with pytest.raises(AnswerErrors) as errors:
        responses.response_submit(code_text=w.codes[0].code, data=data, today=DURING)
    assert list(errors.value.errors) == [w.q_why.pk]
    # Answered "yes": the question is not asked, and an answer sent anyway is not stored.
    data = full_answers(w, aware=1)
    data[str(w.q_why.pk)] = "không liên quan"
    responses.response_submit(code_text=w.codes[0].code, data=data, today=DURING)
    assert not Answer.objects.filter(question=w.q_why).exists()


def test_running_tallies_equal_a_recount_from_the_answers(tree):
    w = congress_survey(tree)
    for i, code in enumerate(w.codes[:7]):
        responses.response_submit(
            code_text=code.code,
            data=full_answers(w, aware=1 + i % 2, trust=1 + i % 5, level=1 + i % 3),
            today=DURING,
        )
    w.survey.record_unit = False
    w.survey.save()
    for code in w.codes[10:13]:
        responses.response_submit(code_text=code.code, data=full_answers(w), today=DURING)
    running = _tallies(w.survey)
    assert running[(0, 0, 0, 0, 0)] == 10
    assert running[(0, 0, 0, w.members.pk, tree.ward.pk)] == 7
    assert running[(0, 0, 0, w.cadres.pk, 0)] == 3
    assert responses.tallies_recount(w.survey) == 10
    assert _tallies(w.survey) == running
