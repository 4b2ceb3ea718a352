"""Who may type paper forms: editors of the owning unit any code, editors of a unit with a
quota only the codes of their forms; viewers and outsiders nothing. Mismatches are shown only
to those who may type the code."""

import pytest
from django.urls import reverse

from tests.conftest import make_user
from trienkhai.org.models import AccessRole
from trienkhai.surveys import paper, paper_typing
from trienkhai.surveys.models import Code, PaperEntry, Response
from trienkhai.surveys.structure import load

from .test_paper_entry import entry_url, field, open_today, typing


@pytest.fixture
def w(tree):
    w = open_today(tree)
    w.survey.double_entry = True
    w.survey.save()
    return w


@pytest.fixture
def sibling_clerk(tree):
    return make_user("vanthu_phukhuong", unit=tree.sibling, role=AccessRole.EDITOR)


@pytest.fixture
def cell_clerk(tree):
    return make_user("chibo_kp1", unit=tree.cell, role=AccessRole.EDITOR)


@pytest.fixture
def board_editor(tree):
    return make_user("bantuyengiao", unit=tree.board, role=AccessRole.EDITOR)


@pytest.fixture
def ward_viewer(tree):
    return make_user("xem_anhoi", unit=tree.ward, role=AccessRole.VIEWER)


@pytest.fixture
def mismatched(w, admin_user, propaganda_officer):
    """A ward form and a sibling ward form, each typed twice differently."""
    structure = load(w.survey)
    for code in ("WARD000000", "SIBL000000"):
        for user, trust in ((admin_user, "4"), (propaganda_officer, "5")):
            data = paper_typing.parse(structure, typing(w, **{field(w.q_trust): trust})).data
            paper.paper_entry_save(
                actor=user, survey=w.survey, code_text=code, data=data, structure=structure
            )
    assert PaperEntry.objects.count() == 4
    return w


def _urls(w):
    ward = Code.objects.get(code="WARD000000").pk
    return {
        "entry": entry_url(w),
        "mismatches": reverse("surveys:paper_mismatches", args=[w.survey.pk]),
        "resolve": reverse("surveys:paper_resolve", args=[w.survey.pk, ward]),
    }


PERSONAS = [
    # persona, status of entry / mismatches / resolving a ward form
    ("admin_user", 200, 200, 200),
    ("city_secretary", 200, 200, 200),
    ("propaganda_officer", 200, 200, 200),
    ("ward_clerk", 200, 200, 200),
    ("sibling_clerk", 200, 200, 404),
    ("viewer", 403, 403, 403),
    ("ward_viewer", 403, 403, 403),
    ("cell_clerk", 404, 404, 404),
    ("board_editor", 404, 404, 404),
    ("outsider", 404, 404, 404),
]


@pytest.mark.parametrize("persona, entry, mismatches, resolve", PERSONAS)
def test_who_reaches_the_paper_pages(
    request, mismatched, login, persona, entry, mismatches, resolve
):
    client = login(request.getfixturevalue(persona))
    urls = _urls(mismatched)
    assert client.get(urls["entry"]).status_code == entry
    assert client.get(urls["mismatches"]).status_code == mismatches
    assert client.get(urls["resolve"]).status_code == resolve


@pytest.mark.parametrize("page", ["entry", "mismatches", "resolve"])
def test_anonymous_visitors_are_sent_to_log_in(mismatched, client, page):
    response = client.get(_urls(mismatched)[page])
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("persona", ["viewer", "outsider"])
def test_who_may_not_type_cannot_post_either(w, request, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.post(entry_url(w), typing(w)).status_code in (403, 404)
    assert not PaperEntry.objects.exists() and not Response.objects.exists()


def test_ward_clerk_types_only_the_forms_of_the_ward(w, login, ward_clerk):
    client = login(ward_clerk)
    response = client.post(entry_url(w), typing(w, code="SIBL000000"))
    assert "thuộc phần phiếu của đơn vị khác" in response.content.decode()
    assert not PaperEntry.objects.exists()
    client.post(entry_url(w), typing(w, code="WARD000000"))
    assert PaperEntry.objects.get().code.code == "WARD000000"


def test_ward_clerk_sees_only_the_mismatches_of_the_ward(mismatched, login, ward_clerk):
    page = login(ward_clerk).get(_urls(mismatched)["mismatches"]).content.decode()
    assert "WARD0-00000" in page and "SIBL0" not in page
    page = login(ward_clerk).get(_urls(mismatched)["entry"]).content.decode()
    assert "1 phiếu cần đối chiếu" in page


def test_ward_clerk_cannot_settle_a_sibling_form(mismatched, login, ward_clerk):
    sibling = Code.objects.get(code="SIBL000000").pk
    url = reverse("surveys:paper_resolve", args=[mismatched.survey.pk, sibling])
    client = login(ward_clerk)
    assert client.get(url).status_code == 404
    assert client.post(url, {"discard": "1"}).status_code == 404
    assert client.post(url, {f"pick_{mismatched.q_trust.pk}": "1"}).status_code == 404
    assert PaperEntry.objects.filter(code_id=sibling).count() == 2


def test_ward_clerk_settles_a_ward_form(mismatched, login, ward_clerk):
    url = _urls(mismatched)["resolve"]
    response = login(ward_clerk).post(url, {f"pick_{mismatched.q_trust.pk}": "2"})
    assert response.status_code == 302
    assert Response.objects.count() == 1


def test_a_code_of_another_survey_is_not_found_on_the_resolve_page(
    tree, mismatched, login, admin_user
):
    other = open_today(tree, codes_per_allocation=0)
    code = Code.objects.create(survey=other.survey, code="KHAC000000", kind="paper")
    url = reverse("surveys:paper_resolve", args=[mismatched.survey.pk, code.pk])
    assert login(admin_user).get(url).status_code == 404
