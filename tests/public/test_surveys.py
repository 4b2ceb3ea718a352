"""A unit shows a survey's results on its public site: counts and percentages of the questions it
chooses, never a free text, a single form, or anything below the anonymity threshold."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.public.kinds import WHO, check_pages
from tests.surveys.builders import congress_survey
from tests.surveys.test_results import SIBLING, WARD, submit
from trienkhai.public import services
from trienkhai.public.models import SurveyPublication
from trienkhai.surveys.models import SurveyStatus


@pytest.fixture
def world(tree):
    w = congress_survey(tree)
    submit(w, WARD)
    submit(w, SIBLING, prefix="SIBL")
    return w


def test_the_chosen_questions_show_their_counts_and_no_free_text(
    client, site, world, propaganda_officer
):
    w = world
    shown = services.survey_publish(
        actor=propaganda_officer, site=site, survey=w.survey, summary="Ý kiến cán bộ, đảng viên.",
        question_ids=[w.q_aware.pk, w.q_grid.pk],
    )  # fmt: skip
    page = client.get(reverse("public_site:survey", args=[site.slug, shown.pk])).content.decode()
    assert w.q_aware.text in page and w.q_grid.text in page
    assert w.q_trust.text not in page  # not chosen
    assert "Cần chọn người có đức, có tài" not in page and "Qua bạn bè" not in page
    assert "phiếu" in page and "%" in page
    home = client.get(reverse("public_site:home", args=[site.slug])).content.decode()
    assert w.survey.title in home


def test_a_free_text_question_cannot_be_chosen(site, world, propaganda_officer):
    with pytest.raises(ValidationError) as error:
        services.survey_publish(
            actor=propaganda_officer, site=site, survey=world.survey, summary="x",
            question_ids=[world.q_idea.pk],
        )  # fmt: skip
    assert "có lựa chọn hoặc số" in error.value.message_dict["questions"][0]


def test_below_five_forms_nothing_is_shown(client, tree, site, propaganda_officer):
    w = congress_survey(tree)
    submit(w, WARD[:3])
    shown = services.survey_publish(
        actor=propaganda_officer,
        site=site,
        survey=w.survey,
        summary="x",
        question_ids=[w.q_aware.pk],
    )
    page = client.get(reverse("public_site:survey", args=[site.slug, shown.pk])).content.decode()
    assert "không hiển thị để bảo đảm ẩn danh" in page and "<table" not in page


def test_a_survey_still_being_drafted_cannot_be_shown(tree, site, propaganda_officer):
    w = congress_survey(tree, status=SurveyStatus.DRAFT)
    with pytest.raises(ValidationError, match="đã nhận phiếu"):
        services.survey_publish(actor=propaganda_officer, site=site, survey=w.survey, summary="x")


def test_an_editor_shows_and_withdraws_results_through_the_pages(
    login, client, site, world, propaganda_officer
):
    editor = login(propaganda_officer)
    url = reverse("public:survey_new", args=[site.pk]) + f"?survey={world.survey.pk}"
    form = editor.get(url).content.decode()
    assert world.q_aware.text in form and world.q_idea.text not in form
    editor.post(url, {"summary": "Giới thiệu", "questions": [world.q_aware.pk]})
    publication = SurveyPublication.objects.get()
    public_url = reverse("public_site:survey", args=[site.slug, publication.pk])
    assert client.get(public_url).status_code == 200
    editor.post(reverse("public:survey_withdraw", args=[publication.pk]))
    assert client.get(public_url).status_code == 404


@pytest.mark.parametrize("persona, expected", WHO)
def test_who_may_open_the_survey_pages_of_the_citys_site(
    request, client, site, world, admin_user, persona, expected
):
    publication = services.survey_publish(
        actor=admin_user, site=site, survey=world.survey, summary="x", question_ids=[]
    )
    check_pages(
        request, client, publication, persona, expected, name="survey", listing="surveys",
        target="survey",
    )  # fmt: skip
