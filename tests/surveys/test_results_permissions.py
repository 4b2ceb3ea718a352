"""Who may see results, exports and quota progress: persona × view.

Results belong to those who see the owning unit (the city); the raw data to its editors; a ward
with part of the quota sees its own quota line and nothing of the answers; anyone else sees
nothing at all (404), and a visitor who is not logged in is sent to log in.
"""

import pytest
from django.urls import reverse

from trienkhai.org.models import AccessRole

from ..conftest import make_user
from .builders import congress_survey
from .test_results import SIBLING, WARD, submit

RESULTS_VIEWS = ["results", "results_chart", "results_xlsx", "results_docx"]
RAW_VIEWS = ["results_raw_xlsx", "results_raw_csv"]
ALL_VIEWS = [*RESULTS_VIEWS, *RAW_VIEWS, "quota"]


@pytest.fixture
def world(tree):
    w = congress_survey(tree)
    submit(w, WARD)
    submit(w, SIBLING, prefix="SIBL")
    return w


def url(w, name):
    if name == "results_chart":
        return reverse("surveys:results_chart", args=[w.survey.pk, w.q_aware.pk]) + "?v=8,2"
    return reverse(f"surveys:{name}", args=[w.survey.pk])


def persona(name, tree):
    units = {
        "admin": (None, None),
        "city_manager": (tree.city, AccessRole.MANAGER),
        "city_editor": (tree.city, AccessRole.EDITOR),
        "city_viewer": (tree.city, AccessRole.VIEWER),
        "province_viewer": (tree.province, AccessRole.VIEWER),
        "ward_clerk": (tree.ward, AccessRole.EDITOR),
        "cell_clerk": (tree.cell, AccessRole.EDITOR),
        "board_clerk": (tree.board, AccessRole.EDITOR),
        "outsider": (None, None),
    }
    unit, role = units[name]
    return make_user(f"u_{name}", unit=unit, role=role, superuser=name == "admin")


EXPECTED = {
    # persona: (results views, raw data, quota)
    "admin": (200, 200, 200),
    "city_manager": (200, 200, 200),
    "city_editor": (200, 200, 200),
    "city_viewer": (200, 403, 200),
    "province_viewer": (200, 403, 200),
    "ward_clerk": (403, 403, 200),
    "cell_clerk": (404, 404, 404),  # below the ward: not given any of the quota
    "board_clerk": (404, 404, 404),  # a sibling of the ward inside the city
    "outsider": (404, 404, 404),
}


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("view", ALL_VIEWS)
def test_permission_matrix(world, tree, client, who, view):
    client.force_login(persona(who, tree))
    results, raw, quota = EXPECTED[who]
    expected = {"results_raw_xlsx": raw, "results_raw_csv": raw, "quota": quota}.get(view, results)
    assert client.get(url(world, view)).status_code == expected


@pytest.mark.parametrize("view", ALL_VIEWS)
def test_anonymous_visitor_is_sent_to_log_in(world, client, view):
    response = client.get(url(world, view))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_ward_clerk_sees_its_own_quota_line_only(world, login, ward_clerk):
    page = login(ward_clerk).get(url(world, "quota")).content.decode()
    assert "Đảng ủy Phường An Hội" in page and "Phường Phú Khương" not in page
    assert "Bạn xem phần phân bổ cho đơn vị mình." in page
    assert reverse("surveys:results", args=[world.survey.pk]) not in page


def test_ward_clerk_cannot_open_results_or_raw_data(world, login, ward_clerk):
    client = login(ward_clerk)
    assert client.get(url(world, "results")).status_code == 403
    assert client.get(url(world, "results_raw_xlsx")).status_code == 403
    assert client.get(url(world, "results_raw_csv")).status_code == 403
    page = client.get(url(world, "results"), {"answers": world.q_idea.pk})
    assert page.status_code == 403


def test_viewer_sees_results_without_the_raw_data_link(world, login, viewer):
    page = login(viewer).get(url(world, "results")).content.decode()
    assert reverse("surveys:results_xlsx", args=[world.survey.pk]) in page
    for name in RAW_VIEWS:
        assert reverse(f"surveys:{name}", args=[world.survey.pk]) not in page


def test_manager_sees_both_raw_data_links(world, login, propaganda_officer):
    page = login(propaganda_officer).get(url(world, "results")).content.decode()
    for name in RAW_VIEWS:
        assert reverse(f"surveys:{name}", args=[world.survey.pk]) in page
    assert "Dữ liệu thô đã ẩn danh (CSV)" in page


def test_unknown_survey_and_question_are_not_found(world, login, city_secretary):
    client = login(city_secretary)
    assert client.get(reverse("surveys:results", args=[999999])).status_code == 404
    other = reverse("surveys:results_chart", args=[world.survey.pk, 999999]) + "?v=1,2"
    assert client.get(other).status_code == 404
