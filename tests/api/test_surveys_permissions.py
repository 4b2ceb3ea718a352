"""Surveys through the API: every endpoint × every role × a survey of one's own unit, of a
descendant, of a sibling (and of the unit above). A token has exactly its owner's rights: 404
for a survey one may not see, 403 for one seen but not to be changed, 401 without credentials.

A survey is seen by those who see its owning unit, and by a unit given part of its quota (the
ward holds part of the city's survey: it sees it, but not its results, and may not build it).
Answering needs no token at all: only a valid one-time code opens the form."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.surveys.builders import question
from trienkhai.api.tokens import token_create
from trienkhai.org import services as org
from trienkhai.org.models import UnitKind
from trienkhai.surveys.models import Allocation, QuestionKind, Section, Survey

ROLES = ["admin_user", "city_secretary", "propaganda_officer", "ward_clerk", "viewer", "outsider"]
TARGETS = {"own": "city", "descendant": "ward", "sibling": "district", "ancestor": "province"}
WARD_TARGETS = {"own": "ward", "descendant": "cell", "sibling": "sibling", "ancestor": "city"}
MATRIX = [(role, target) for role in ROLES for target in TARGETS]

# Sees the owning unit: the survey and its results.
OWNER_SEEN = {
    "admin_user": {"own", "descendant", "sibling", "ancestor"},
    "city_secretary": {"own", "descendant"},
    "propaganda_officer": {"own", "descendant"},
    "ward_clerk": {"own", "descendant"},
    "viewer": {"own", "descendant"},
    "outsider": set(),
}
# Edits the owning unit: builds, opens and closes the survey.
MANAGES = {
    "admin_user": {"own", "descendant", "sibling", "ancestor"},
    "city_secretary": {"own", "descendant"},
    "propaganda_officer": {"own", "descendant"},
    "ward_clerk": {"own", "descendant"},
    "viewer": set(),
    "outsider": set(),
}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def api(request, fixture, read_only=False):
    client = APIClient()
    user = request.getfixturevalue(fixture)
    _token, raw = token_create(user=user, name="t", read_only=read_only)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def world(tree):
    """Each unit owns a draft survey with one section and one question; the city's survey gives
    part of its quota to the ward."""
    tree.district = org.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
    )
    for name in ("province", "city", "district", "ward", "cell", "sibling"):
        unit = getattr(tree, name)
        survey = Survey.objects.create(title=f"Khảo sát của {unit.name}", owner_unit=unit)
        unit.section = Section.objects.create(survey=survey, title="Phần I", position=1)
        question(survey, unit.section, QuestionKind.YESNO, "Đồng ý không?", position=1)
        unit.survey = survey
    Allocation.objects.create(survey=tree.city.survey, unit=tree.ward, forms=10)
    return tree


def target_survey(world, role, target):
    unit = getattr(world, (WARD_TARGETS if role == "ward_clerk" else TARGETS)[target])
    return unit, unit.survey


def seen(role, target) -> bool:
    """Sees the owning unit, or (the ward) holds part of the city's quota."""
    return target in OWNER_SEEN[role] or (role == "ward_clerk" and target == "ancestor")


def ids(answer) -> set[int]:
    assert answer.status_code == 200, answer.json()
    return {row["id"] for row in answer.json()["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_reading(request, world, role, target):
    _unit, survey = target_survey(world, role, target)
    client = api(request, role)
    visible = seen(role, target)
    assert client.get(f"/api/surveys/{survey.pk}/").status_code == (200 if visible else 404)
    assert (survey.pk in ids(client.get("/api/surveys/", {"page_size": 500}))) is visible
    results = client.get(f"/api/surveys/{survey.pk}/results/").status_code
    assert results == (200 if target in OWNER_SEEN[role] else 403 if visible else 404)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_building(request, world, role, target):
    unit, survey = target_survey(world, role, target)
    client = api(request, role)
    may = target in MANAGES[role]
    refused = 403 if seen(role, target) else 404
    base = f"/api/surveys/{survey.pk}"
    answer = client.post(f"{base}/sections/", {"title": "Phần II"}, format="json")
    assert answer.status_code == (201 if may else refused), answer.json()
    answer = client.post(
        f"{base}/questions/",
        {"section": unit.section.pk, "kind": "yesno", "text": "Thêm một câu?"},
        format="json",
    )
    assert answer.status_code == (201 if may else refused), answer.json()
    # A draft without a period or quota cannot open, nor close: refused for what it is (409)
    # to those who manage it, for who they are to the others.
    assert client.post(f"{base}/open/").status_code == (409 if may else refused)
    assert client.post(f"{base}/close/").status_code == (409 if may else refused)
    if answer.status_code == 403:
        assert answer.json()["error"]["code"] == "forbidden"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_making_a_survey(request, world, role, target):
    unit, _survey = target_survey(world, role, target)
    answer = api(request, role).post(
        "/api/surveys/", {"title": "Khảo sát mới", "owner_unit": unit.pk}, format="json"
    )
    if target in MANAGES[role]:
        assert answer.status_code == 201, answer.json()
        assert answer.json()["owner_unit"]["id"] == unit.pk
    elif MANAGES[role]:  # edits some unit, not this one: the page's choice refuses it
        assert answer.status_code == 400
        assert answer.json()["error"]["field"] == "owner_unit"
    else:  # edits no unit at all: no survey to make
        assert answer.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin_user", "city_secretary", "propaganda_officer"])
def test_a_read_only_token_changes_nothing(request, world, role):
    client = api(request, role, read_only=True)
    survey = world.city.survey
    assert client.get(f"/api/surveys/{survey.pk}/").status_code == 200
    for path, body in (
        ("/api/surveys/", {"title": "Khảo sát", "owner_unit": world.city.pk}),
        (f"/api/surveys/{survey.pk}/sections/", {"title": "Phần II"}),
        (f"/api/surveys/{survey.pk}/open/", {}),
        (f"/api/surveys/{survey.pk}/close/", {}),
    ):
        answer = client.post(path, body, format="json")
        assert answer.status_code == 403, path
        assert answer.json()["error"]["code"] == "forbidden"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/surveys/"),
        ("post", "/api/surveys/"),
        ("get", "/api/surveys/1/"),
        ("post", "/api/surveys/1/sections/"),
        ("post", "/api/surveys/1/questions/"),
        ("post", "/api/surveys/1/open/"),
        ("post", "/api/surveys/1/close/"),
        ("get", "/api/surveys/1/results/"),
    ],
)
def test_no_credentials(method, path):
    answer = getattr(APIClient(), method)(path, {}, format="json")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize("path", ["/api/surveys/respond/", "/api/surveys/respond/form/"])
def test_answering_takes_a_code_not_a_person(request, world, role, path):
    """With or without anyone's token, the same: no code 400, a wrong one 403."""
    client = api(request, role) if role else APIClient()
    answer = client.post(path, {"answers": {}}, format="json")
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "code"
    answer = client.post(path, {"code": "ABCDE-23456", "answers": {}}, format="json")
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "code_invalid"
