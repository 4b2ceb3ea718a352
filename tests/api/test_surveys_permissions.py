"""Surveys through the API: every endpoint × every role × a survey of one's own unit, of a
descendant, of a sibling (and of the unit above). A token has exactly its owner's rights: 404
for a survey one may not see, 403 for one seen but not to be changed, 401 without credentials.

A survey is seen by those who see its owning unit, and by a unit given part of its quota (the
ward holds part of the city's survey: it sees it, but not its results, and may not build it).
Answering needs no token at all: only a valid one-time code opens the form."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.api.clients import api
from tests.surveys.builders import question
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
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


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
        unit.second = question(survey, unit.section, QuestionKind.YESNO, "Hài lòng?", position=2)
        unit.line = Allocation.objects.create(survey=survey, unit=unit, forms=5)
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
def test_changing_the_definition(request, world, role, target):
    """Reading a section or a question goes with seeing the survey; changing, moving and
    deleting them with managing it (If-Match "*": whatever the version)."""
    unit, survey = target_survey(world, role, target)
    client = api(request, role)
    may = target in MANAGES[role]
    visible = seen(role, target)
    refused = 403 if visible else 404
    base = f"/api/surveys/{survey.pk}"
    section, second = f"{base}/sections/{unit.section.pk}/", f"{base}/questions/{unit.second.pk}/"
    for path in (section, second):
        answer = client.get(path)
        assert answer.status_code == (200 if visible else 404), path
        assert ("ETag" in answer) is visible
    steps = [
        (client.patch, f"{base}/", {"title": "Khảo sát đã sửa"}, 200),
        (client.patch, section, {"title": "Phần I. Chung"}, 200),
        (client.patch, second, {"text": "Hài lòng không?"}, 200),
        (client.post, f"{second}move/", {"direction": "up"}, 200),
        (client.delete, second, None, 204),
        (client.delete, section, None, 204),
    ]
    for call, path, body, done in steps:
        answer = call(path, body, format="json", HTTP_IF_MATCH="*")
        assert answer.status_code == (done if may else refused), (path, answer.content)
    assert Section.objects.filter(pk=unit.section.pk).exists() is not may


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_audience_and_quota(request, world, role, target, target_groups):
    """The audience is read by whoever sees the survey (a unit holding part of the quota: its
    own lines only), and set by its managers."""
    from trienkhai.outreach.models import TargetGroup

    unit, survey = target_survey(world, role, target)
    client = api(request, role)
    may = target in MANAGES[role]
    visible = seen(role, target)
    refused = 403 if visible else 404
    base = f"/api/surveys/{survey.pk}"
    answer = client.get(f"{base}/audience/")
    assert answer.status_code == (200 if visible else 404)
    if visible:
        data = answer.json()
        whole = target in OWNER_SEEN[role]
        assert data["whole"] is whole and (data["totals"] is None) is not whole
        lines = {a["id"] for a in data["allocations"]}
        assert (unit.line.pk in lines) is whole
    line = f"{base}/allocations/{unit.line.pk}/"
    assert client.get(line).status_code == (200 if target in OWNER_SEEN[role] else 404)
    group = TargetGroup.objects.order_by("pk").first()
    steps = [
        (client.patch, f"{base}/audience/", {"total_forms": 20}, 200),
        (
            client.post,
            f"{base}/allocations/",
            {"unit": unit.pk, "target_group": group.pk, "forms": 5},
            201,
        ),
        (client.patch, line, {"forms": 6}, 200),
        (client.delete, line, None, 204),
    ]
    for call, path, body, done in steps:
        answer = call(path, body, format="json", HTTP_IF_MATCH="*")
        assert answer.status_code == (done if may else refused), (path, answer.content)
    assert Allocation.objects.filter(pk=unit.line.pk).exists() is not may


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_copying_and_new_versions(request, world, role, target):
    _unit, survey = target_survey(world, role, target)
    client = api(request, role)
    may = target in MANAGES[role]
    refused = 403 if seen(role, target) else 404
    before = Survey.objects.count()
    for path in ("copy", "new-version"):
        answer = client.post(f"/api/surveys/{survey.pk}/{path}/")
        assert answer.status_code == (201 if may else refused), path
    assert Survey.objects.count() == before + (2 if may else 0)


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
        (f"/api/surveys/{survey.pk}/copy/", {}),
        (f"/api/surveys/{survey.pk}/new-version/", {}),
        (f"/api/surveys/{survey.pk}/allocations/", {"unit": world.city.pk, "forms": 1}),
        (f"/api/surveys/{survey.pk}/questions/{world.city.second.pk}/move/", {"direction": "up"}),
    ):
        answer = client.post(path, body, format="json", HTTP_IF_MATCH="*")
        assert answer.status_code == 403, path
        assert answer.json()["error"]["code"] == "forbidden"
    for path, body in (
        (f"/api/surveys/{survey.pk}/", {"title": "Mới"}),
        (f"/api/surveys/{survey.pk}/audience/", {"total_forms": 1}),
        (f"/api/surveys/{survey.pk}/sections/{world.city.section.pk}/", {"title": "Mới"}),
        (f"/api/surveys/{survey.pk}/questions/{world.city.second.pk}/", {"text": "Mới?"}),
        (f"/api/surveys/{survey.pk}/allocations/{world.city.line.pk}/", {"forms": 2}),
    ):
        answer = client.patch(path, body, format="json", HTTP_IF_MATCH="*")
        assert answer.status_code == 403, path
        assert client.delete(path, HTTP_IF_MATCH="*").status_code in (403, 405), path


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
        ("patch", "/api/surveys/1/"),
        ("post", "/api/surveys/1/copy/"),
        ("post", "/api/surveys/1/new-version/"),
        ("get", "/api/surveys/1/sections/1/"),
        ("patch", "/api/surveys/1/sections/1/"),
        ("delete", "/api/surveys/1/sections/1/"),
        ("get", "/api/surveys/1/questions/1/"),
        ("patch", "/api/surveys/1/questions/1/"),
        ("delete", "/api/surveys/1/questions/1/"),
        ("post", "/api/surveys/1/questions/1/move/"),
        ("get", "/api/surveys/1/audience/"),
        ("patch", "/api/surveys/1/audience/"),
        ("post", "/api/surveys/1/allocations/"),
        ("get", "/api/surveys/1/allocations/1/"),
        ("patch", "/api/surveys/1/allocations/1/"),
        ("delete", "/api/surveys/1/allocations/1/"),
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
