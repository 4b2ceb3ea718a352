"""Who may open which page of the builder, audience and codes, for every role.

The Congress survey is owned by the city, with part of its quota given to the An Hội ward (the
ward clerk's unit) and part to the sibling ward. Seeing the survey: those who see the city, and
the units given forms (only their own line). Building, allocating, making codes, opening and
closing: editors of the city and above. A page answers 404 when the user may not even see the
survey, 403 when they see it but may not do this, and sends anonymous visitors to log in.
"""

import pytest
from django.urls import reverse

from trienkhai.surveys import builder
from trienkhai.surveys.models import Survey, SurveyStatus
from trienkhai.surveys.responses import response_submit

from .builders import DURING, congress_survey, full_answers

LOGIN = reverse("accounts:login")


PERSONAS = {
    "admin": "admin_user",
    "manager": "city_secretary",
    "editor": "propaganda_officer",
    "ward_clerk": "ward_clerk",  # editor of a ward given part of the quota
    "viewer": "viewer",  # viewer of the city
    "outsider": "outsider",
    "anonymous": None,
}
# what each role may do with the city's survey
RIGHTS = {
    "admin": {"see", "manage"},
    "manager": {"see", "manage"},
    "editor": {"see", "manage"},
    "ward_clerk": {"see"},
    "viewer": {"see"},
    "outsider": set(),
    "anonymous": set(),
}


def _section(w):
    return w.survey.sections.first()


# (name, url, method, right needed)
PAGES = [
    ("survey", lambda w: reverse("surveys:survey", args=[w.survey.pk]), "GET", "see"),
    ("preview", lambda w: reverse("surveys:preview", args=[w.survey.pk]), "GET", "see"),
    ("edit", lambda w: reverse("surveys:survey_edit", args=[w.survey.pk]), "GET", "manage"),
    ("edit post", lambda w: reverse("surveys:survey_edit", args=[w.survey.pk]), "POST", "manage"),
    ("builder", lambda w: reverse("surveys:builder", args=[w.survey.pk]), "GET", "manage"),
    ("section new", lambda w: reverse("surveys:section_new", args=[w.survey.pk]), "GET", "manage"),
    (
        "section edit",
        lambda w: reverse("surveys:section_edit", args=[w.survey.pk, _section(w).pk]),
        "GET",
        "manage",
    ),
    (
        "section delete",
        lambda w: reverse("surveys:section_delete", args=[w.survey.pk, _section(w).pk]),
        "GET",
        "manage",
    ),
    (
        "question new",
        lambda w: reverse("surveys:question_new", args=[w.survey.pk]),
        "GET",
        "manage",
    ),
    (
        "question edit",
        lambda w: reverse("surveys:question_edit", args=[w.survey.pk, w.q_idea.pk]),
        "GET",
        "manage",
    ),
    (
        "question delete",
        lambda w: reverse("surveys:question_delete", args=[w.survey.pk, w.q_idea.pk]),
        "POST",
        "manage",
    ),
    (
        "question move",
        lambda w: reverse("surveys:question_move", args=[w.survey.pk, w.q_idea.pk]),
        "POST",
        "manage",
    ),
    ("audience", lambda w: reverse("surveys:audience", args=[w.survey.pk]), "GET", "manage"),
    ("audience post", lambda w: reverse("surveys:audience", args=[w.survey.pk]), "POST", "manage"),
    ("codes", lambda w: reverse("surveys:codes", args=[w.survey.pk]), "GET", "manage"),
    ("codes post", lambda w: reverse("surveys:codes", args=[w.survey.pk]), "POST", "manage"),
    (
        "codes export",
        lambda w: reverse("surveys:codes_export", args=[w.survey.pk]),
        "GET",
        "manage",
    ),
    ("copy", lambda w: reverse("surveys:survey_copy", args=[w.survey.pk]), "POST", "manage"),
    (
        "new version",
        lambda w: reverse("surveys:survey_new_version", args=[w.survey.pk]),
        "POST",
        "manage",
    ),
    ("close", lambda w: reverse("surveys:survey_close", args=[w.survey.pk]), "POST", "manage"),
    ("open", lambda w: reverse("surveys:survey_open", args=[w.survey.pk]), "POST", "manage"),
]


def _client(request, client, persona):
    fixture = PERSONAS[persona]
    if fixture is not None:
        client.force_login(request.getfixturevalue(fixture))
    return client


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("page", PAGES, ids=[p[0] for p in PAGES])
def test_page_permissions(request, tree, client, persona, page):
    _name, url_for, method, right = page
    w = congress_survey(tree, status=SurveyStatus.OPEN if _name == "close" else SurveyStatus.DRAFT)
    client = _client(request, client, persona)
    url = url_for(w)
    data = {"direction": "up", "action": "none", "kind": "paper"}
    response = client.post(url, data) if method == "POST" else client.get(url)
    rights = RIGHTS[persona]
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    elif right in rights:
        assert response.status_code in (200, 302), (persona, url, response.status_code)
    elif "see" in rights:
        assert response.status_code == 403, (persona, url, response.status_code)
    else:
        assert response.status_code == 404, (persona, url, response.status_code)


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("admin", 200),
        ("manager", 200),
        ("editor", 200),
        ("ward_clerk", 200),
        ("viewer", 403),
        ("outsider", 403),
    ],
)
def test_new_survey_needs_a_unit_one_edits(request, tree, client, persona, expected):
    client = _client(request, client, persona)
    assert client.get(reverse("surveys:survey_new")).status_code == expected


def test_anonymous_visitors_are_sent_to_log_in_from_the_list(client):
    response = client.get(reverse("surveys:survey_list"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_ward_clerk_builds_the_ward_survey_but_not_a_sibling_survey(tree, ward_clerk, login):
    mine = builder.survey_create(actor=None, owner_unit=tree.ward, title="Khảo sát của phường")
    theirs = builder.survey_create(actor=None, owner_unit=tree.sibling, title="Khảo sát Phú Khương")
    client = login(ward_clerk)
    assert client.get(reverse("surveys:builder", args=[mine.pk])).status_code == 200
    assert client.get(reverse("surveys:survey", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("surveys:builder", args=[theirs.pk])).status_code == 404
    listed = [s.pk for s in client.get(reverse("surveys:survey_list")).context["page"]]
    assert listed == [mine.pk]


def test_ward_clerk_creates_a_survey_only_for_a_unit_they_edit(tree, ward_clerk, login):
    client = login(ward_clerk)
    response = client.post(
        reverse("surveys:survey_new"), {"title": "Khảo sát", "owner_unit": tree.city.pk}
    )
    assert response.status_code == 200
    assert "Không tìm thấy đơn vị đã chọn" in response.content.decode()
    assert not Survey.objects.exists()
    response = client.post(
        reverse("surveys:survey_new"), {"title": "Khảo sát", "owner_unit": tree.ward.pk}
    )
    assert response.status_code == 302
    assert Survey.objects.get().owner_unit == tree.ward


def test_ward_clerk_sees_only_the_ward_line_of_the_quota(tree, ward_clerk, login):
    w = congress_survey(tree)
    response_submit(code_text=w.codes[0].code, data=full_answers(w), today=DURING)
    response_submit(code_text=w.codes[15].code, data=full_answers(w), today=DURING)
    client = login(ward_clerk)
    page = client.get(reverse("surveys:survey", args=[w.survey.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert [a.pk for a in page.context["allocations"]] == [w.ward_alloc.pk]
    assert "Đảng ủy Phường An Hội" in text
    assert "Phú Khương" not in text
    assert page.context["totals"] is None and page.context["part_used"] == 1
    assert reverse("surveys:builder", args=[w.survey.pk]) not in text
    assert reverse("surveys:codes", args=[w.survey.pk]) not in text
    assert reverse("surveys:audience", args=[w.survey.pk]) not in text
    assert "Nhật ký thay đổi" not in text
    # The list shows the ward's part: 1 form back of its 10.
    row = client.get(reverse("surveys:survey_list")).context["page"][0]
    assert (row.part_returned, row.part_forms) == (1, 10)


def test_viewer_sees_the_whole_quota_but_no_management_buttons(tree, viewer, login):
    w = congress_survey(tree)
    page = login(viewer).get(reverse("surveys:survey", args=[w.survey.pk]))
    text = page.content.decode()
    assert len(page.context["allocations"]) == 2
    assert reverse("surveys:builder", args=[w.survey.pk]) not in text
    assert reverse("surveys:survey_close", args=[w.survey.pk]) not in text
    assert reverse("surveys:preview", args=[w.survey.pk]) in text


def test_outsider_lists_no_survey(tree, outsider, login):
    congress_survey(tree)
    assert list(login(outsider).get(reverse("surveys:survey_list")).context["page"]) == []


def test_a_section_or_question_of_another_survey_is_not_found(tree, propaganda_officer, login):
    w = congress_survey(tree)
    other = builder.survey_create(actor=None, owner_unit=tree.city, title="Khảo sát khác")
    client = login(propaganda_officer)
    url = reverse("surveys:question_edit", args=[other.pk, w.q_idea.pk])
    assert client.get(url).status_code == 404
    url = reverse("surveys:section_edit", args=[other.pk, _section(w).pk])
    assert client.get(url).status_code == 404
