"""Audience and quota: target groups, the total of forms allocated to units and groups of the
owner's subtree, the period; opening needs all of it right, closing erases the order of use."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from trienkhai.outreach.models import TargetGroup
from trienkhai.surveys import anonymity, audience, builder
from trienkhai.surveys.models import Allocation, QuestionKind, Survey, SurveyStatus
from trienkhai.surveys.responses import response_submit

from .builders import DURING, congress_survey, full_answers

TODAY = dt.date(2020, 8, 1)


@pytest.fixture
def groups(db):
    return TargetGroup.objects.get(code="dang-vien"), TargetGroup.objects.get(
        code="can-bo-chu-chot"
    )


def ready_survey(tree, groups, *, total=250, allocations=((None, 0, 150), (None, 1, 100))):
    """A draft with one question, a period and allocations: (unit, group index, forms)."""
    survey = builder.survey_create(actor=None, owner_unit=tree.city, title="Khảo sát Đại hội")
    section = builder.section_create(actor=None, survey=survey, title="Phần I")
    builder.question_create(
        actor=None, section=section, kind=QuestionKind.YESNO, text="Có được quán triệt không?"
    )
    audience.audience_update(
        actor=None,
        survey=survey,
        target_groups=list(groups),
        total_forms=total,
        opens_on=dt.date(2020, 8, 20),
        closes_on=dt.date(2020, 9, 20),
        record_group=True,
        record_unit=True,
        double_entry=False,
    )
    for unit, group, forms in allocations:
        audience.allocation_save(
            actor=None,
            survey=survey,
            unit=unit or tree.ward,
            target_group=groups[group],
            forms=forms,
        )
    return survey


def test_opening_is_refused_until_allocations_sum_to_the_total(tree, groups):
    survey = ready_survey(tree, groups, allocations=((None, 0, 150), (None, 1, 90)))
    with pytest.raises(ValidationError) as error:
        audience.survey_open(actor=None, survey=survey, today=TODAY)
    assert "(240) chưa bằng tổng số phiếu của cuộc khảo sát (250)" in " ".join(error.value.messages)
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.DRAFT
    audience.allocation_save(
        actor=None, survey=survey, unit=tree.sibling, target_group=groups[1], forms=10
    )
    audience.survey_open(actor=None, survey=survey, today=TODAY)
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.OPEN


def test_the_survey_page_says_why_it_cannot_open(tree, groups, propaganda_officer, login):
    survey = ready_survey(tree, groups, allocations=((None, 0, 100),))
    client = login(propaganda_officer)
    response = client.post(reverse("surveys:survey_open", args=[survey.pk]), follow=True)
    page = response.content.decode()
    assert "Chưa mở được khảo sát" in page
    assert "(100) chưa bằng tổng số phiếu" in page
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.DRAFT


@pytest.mark.parametrize(
    "change, words",
    [
        ({"questions": False}, "chưa có câu hỏi"),
        ({"opens_on": None}, "ngày mở và ngày đóng"),
        ({"closes_on": dt.date(2020, 7, 1), "opens_on": dt.date(2020, 6, 1)}, "đã qua"),
        ({"total_forms": 0}, "tổng số phiếu"),
    ],
)
def test_opening_needs_questions_a_period_and_a_total(tree, groups, change, words):
    survey = ready_survey(tree, groups)
    if change.pop("questions", True) is False:
        survey.questions.all().delete()
    Survey.objects.filter(pk=survey.pk).update(**change)
    survey.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        audience.survey_open(actor=None, survey=survey, today=TODAY)
    assert words in " ".join(error.value.messages).lower()


def test_closing_erases_the_order_of_code_use(
    tree, propaganda_officer, login, monkeypatch, django_capture_on_commit_callbacks
):
    w = congress_survey(tree)
    calls = []
    monkeypatch.setattr(anonymity, "codes_reseal", lambda: calls.append(1) or 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(propaganda_officer).post(
            reverse("surveys:survey_close", args=[w.survey.pk])
        )
    assert response.status_code == 302
    assert Survey.objects.get(pk=w.survey.pk).status == SurveyStatus.CLOSED
    assert calls == [1]


def test_closing_really_reseals_on_this_database(
    tree, monkeypatch, django_capture_on_commit_callbacks
):
    w = congress_survey(tree)
    response_submit(code_text=w.codes[0].code, data=full_answers(w), today=DURING)
    resealed = []
    real = anonymity.codes_reseal
    monkeypatch.setattr(anonymity, "codes_reseal", lambda: resealed.append(real()))
    if connection.vendor == "postgresql":
        # The test runs in one transaction: check the deferred foreign keys now, as a commit
        # would, so that the table can be rebuilt inside it.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with django_capture_on_commit_callbacks(execute=True):
        audience.survey_close(actor=None, survey=w.survey)
    assert Survey.objects.get(pk=w.survey.pk).status == SurveyStatus.CLOSED
    assert resealed == [1 if connection.vendor == "postgresql" else 0]
    with pytest.raises(ValidationError):
        audience.survey_close(actor=None, survey=w.survey)


def test_allocations_stay_within_the_owner_subtree_and_chosen_groups(tree, groups):
    survey = ready_survey(tree, groups, allocations=())
    with pytest.raises(ValidationError) as error:
        audience.allocation_save(
            actor=None, survey=survey, unit=tree.province, target_group=groups[0], forms=5
        )
    assert "unit" in error.value.message_dict
    retired = TargetGroup.objects.get(code="can-bo-huu-tri")
    with pytest.raises(ValidationError) as error:
        audience.allocation_save(
            actor=None, survey=survey, unit=tree.cell, target_group=retired, forms=5
        )
    assert "target_group" in error.value.message_dict
    audience.allocation_save(
        actor=None, survey=survey, unit=tree.cell, target_group=groups[0], forms=5
    )
    # the same unit and group again changes the number, it does not add a line
    audience.allocation_save(
        actor=None, survey=survey, unit=tree.cell, target_group=groups[0], forms=7
    )
    assert list(survey.allocations.values_list("forms", flat=True)) == [7]


def test_allocations_cannot_drop_below_the_codes_made(tree):
    w = congress_survey(tree)
    with pytest.raises(ValidationError, match="10 mã"):
        audience.allocations_update(actor=None, survey=w.survey, forms_by_id={w.ward_alloc.pk: 5})
    with pytest.raises(ValidationError):
        audience.allocation_delete(actor=None, allocation=w.ward_alloc)
    audience.allocations_update(actor=None, survey=w.survey, forms_by_id={w.ward_alloc.pk: 12})
    assert Allocation.objects.get(pk=w.ward_alloc.pk).forms == 12


def test_a_group_with_forms_cannot_be_dropped_from_the_audience(tree, groups):
    survey = ready_survey(tree, groups)
    with pytest.raises(ValidationError) as error:
        audience.audience_update(
            actor=None,
            survey=survey,
            target_groups=[groups[0]],
            total_forms=250,
            opens_on=None,
            closes_on=None,
            record_group=True,
            record_unit=True,
            double_entry=False,
        )
    assert "target_groups" in error.value.message_dict


def test_what_is_recorded_about_respondents_is_fixed_once_forms_arrive(tree):
    w = congress_survey(tree)
    response_submit(code_text=w.codes[0].code, data=full_answers(w), today=DURING)
    s = w.survey
    with pytest.raises(ValidationError) as error:
        audience.audience_update(
            actor=None,
            survey=s,
            target_groups=[],
            total_forms=s.total_forms,
            opens_on=s.opens_on,
            closes_on=dt.date(2020, 9, 30),
            record_group=False,
            record_unit=True,
            double_entry=False,
        )
    assert "record_group" in error.value.message_dict
    # The period can still be extended.
    audience.audience_update(
        actor=None,
        survey=s,
        target_groups=[],
        total_forms=s.total_forms,
        opens_on=s.opens_on,
        closes_on=dt.date(2020, 9, 30),
        record_group=True,
        record_unit=True,
        double_entry=True,
    )
    assert Survey.objects.get(pk=s.pk).closes_on == dt.date(2020, 9, 30)


def test_the_audience_page_sets_groups_total_and_period(tree, groups, propaganda_officer, login):
    survey = builder.survey_create(actor=None, owner_unit=tree.city, title="Khảo sát")
    client = login(propaganda_officer)
    url = reverse("surveys:audience", args=[survey.pk])
    response = client.post(
        url,
        {
            "action": "settings",
            "target_groups": [g.pk for g in groups],
            "total_forms": "250",
            "opens_on": "20-8-2020",
            "closes_on": "20-9-2020",
            "record_group": "on",
            "record_unit": "on",
        },
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.total_forms, survey.opens_on, survey.closes_on) == (
        250,
        dt.date(2020, 8, 20),
        dt.date(2020, 9, 20),
    )
    assert set(survey.target_groups.all()) == set(groups)
    assert not survey.double_entry
    # A period that ends before it starts is shown back with the typed values.
    response = client.post(
        url,
        {
            "action": "settings",
            "total_forms": "250",
            "opens_on": "20-9-2020",
            "closes_on": "1-9-2020",
        },
    )
    assert "Ngày đóng phải sau ngày mở khảo sát." in response.content.decode()
    assert 'value="1-9-2020"' in response.content.decode()


def test_the_audience_page_adds_changes_and_removes_allocation_lines(
    tree, groups, propaganda_officer, login
):
    survey = ready_survey(tree, groups, allocations=())
    client = login(propaganda_officer)
    url = reverse("surveys:audience", args=[survey.pk])
    response = client.post(
        url,
        {
            "action": "add",
            "new-unit": tree.ward.pk,
            "new-target_group": groups[0].pk,
            "new-forms": "150",
        },
    )
    assert response.status_code == 302
    line = survey.allocations.get()
    assert (line.unit, line.target_group, line.forms) == (tree.ward, groups[0], 150)
    page = client.get(url).content.decode()
    assert "Đã phân bổ 150 trên tổng số 250 phiếu" in page
    # a unit outside the city is not accepted
    response = client.post(
        url,
        {
            "action": "add",
            "new-unit": tree.province.pk,
            "new-target_group": groups[0].pk,
            "new-forms": "5",
        },
    )
    assert "Không tìm thấy đơn vị đã chọn" in response.content.decode()
    response = client.post(url, {"action": "allocations", f"forms-{line.pk}": "250"})
    assert response.status_code == 302
    assert Allocation.objects.get(pk=line.pk).forms == 250
    assert "Đã phân bổ đủ 250 phiếu" in client.get(url).content.decode()
    response = client.post(url, {"action": "allocations", f"forms-{line.pk}": "hai trăm"})
    assert "không phải là số phiếu" in response.content.decode()
    assert 'value="hai trăm"' in response.content.decode()
    client.post(url, {"delete": line.pk})
    assert not survey.allocations.exists()


def test_the_survey_page_shows_quota_totals(tree, propaganda_officer, login):
    w = congress_survey(tree)
    response_submit(code_text=w.codes[0].code, data=full_answers(w), today=DURING)
    page = login(propaganda_officer).get(reverse("surveys:survey", args=[w.survey.pk]))
    totals = page.context["totals"]
    assert (
        totals.forms,
        totals.allocated,
        totals.codes_made,
        totals.codes_used,
        totals.returned,
    ) == (
        20,
        20,
        20,
        1,
        1,
    )
    text = page.content.decode()
    assert "Đảng ủy Phường An Hội" in text and "Đảng ủy Phường Phú Khương" in text
