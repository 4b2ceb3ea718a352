"""People, positions and terms through the API: every endpoint × every role × a unit of one's
own, a descendant, a sibling and the unit above. A token has exactly its owner's rights: 404 for
what one may not see, 403 for what one sees but may not change, 401 without credentials, and a
read-only key never writes.

As on the org pages, seeing a unit is having a role on it or above it; editing its people,
positions and terms needs an editor's or manager's role there."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests.api.clients import api
from trienkhai.org import services as org
from trienkhai.org.models import Position, PositionRole, UnitKind

D = dt.date

ROLES = ["admin_user", "city_secretary", "propaganda_officer", "ward_clerk", "viewer", "outsider"]
TARGETS = {"own": "city", "descendant": "ward", "sibling": "district", "ancestor": "province"}
WARD_TARGETS = {"own": "ward", "descendant": "cell", "sibling": "sibling", "ancestor": "city"}
SEEN = {
    "admin_user": {"own", "descendant", "sibling", "ancestor"},
    "city_secretary": {"own", "descendant"},
    "propaganda_officer": {"own", "descendant"},
    "ward_clerk": {"own", "descendant"},
    "viewer": {"own", "descendant"},
    "outsider": set(),
}
EDITORS = {"admin_user", "city_secretary", "propaganda_officer", "ward_clerk"}
MATRIX = [(role, target) for role in ROLES for target in TARGETS]
MATRIX_IDS = [f"{r}-{t}" for r, t in MATRIX]


@pytest.fixture
def world(tree):
    """Each unit keeps the record of one person, who holds a position there in its term."""
    tree.district = org.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
    )
    for name in ("province", "city", "district", "ward", "cell", "sibling"):
        unit = getattr(tree, name)
        unit.person = org.person_save(
            actor=None, full_name=f"Cán bộ của {unit.name}", home_unit=unit
        )
        unit.term = org.term_save(actor=None, unit=unit, name="Khóa XII", start_on=D(2020, 10, 1))
        unit.position = org.position_save(
            actor=None,
            person=unit.person,
            unit=unit,
            role=PositionRole.SECRETARY,
            term=unit.term,
            start_on=D(2020, 10, 15),
        )
    return tree


def target_unit(world, role, target):
    return getattr(world, (WARD_TARGETS if role == "ward_clerk" else TARGETS)[target])


def ids(answer) -> set[int]:
    assert answer.status_code == 200, answer.json()
    return {row["id"] for row in answer.json()["results"]}


def expected(role, target, ok=200) -> int:
    seen = target in SEEN[role]
    return ok if seen and role in EDITORS else 403 if seen else 404


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=MATRIX_IDS)
def test_reading_people_positions_and_terms(request, world, role, target):
    unit = target_unit(world, role, target)
    client = api(request, role)
    seen = target in SEEN[role]
    code = 200 if seen else 404
    assert client.get(f"/api/people/{unit.person.pk}/").status_code == code
    assert (unit.person.pk in ids(client.get("/api/people/", {"page_size": 500}))) is seen
    listed = client.get(f"/api/units/{unit.pk}/positions/")
    assert listed.status_code == code
    if seen:
        assert ids(listed) == {unit.position.pk}
    assert client.get(f"/api/positions/{unit.position.pk}/").status_code == code
    terms = client.get(f"/api/units/{unit.pk}/terms/")
    assert terms.status_code == code
    if seen:
        assert ids(terms) == {unit.term.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=MATRIX_IDS)
def test_appointing(request, world, role, target):
    unit = target_unit(world, role, target)
    answer = api(request, role).post(
        f"/api/units/{unit.pk}/positions/",
        {"person": unit.person.pk, "role": "deputy_secretary", "start_on": "2021-01-04"},
        format="json",
    )
    assert answer.status_code == expected(role, target, 201), answer.json()
    if answer.status_code == 403:
        assert answer.json()["error"]["code"] == "forbidden"
    assert Position.objects.filter(unit=unit).count() == (2 if answer.status_code == 201 else 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=MATRIX_IDS)
def test_ending_a_position(request, world, role, target):
    unit = target_unit(world, role, target)
    answer = api(request, role).post(
        f"/api/positions/{unit.position.pk}/end/", {"end_on": "2025-06-30"}, format="json"
    )
    assert answer.status_code == expected(role, target), answer.json()
    unit.position.refresh_from_db()
    assert (unit.position.end_on == D(2025, 6, 30)) is (answer.status_code == 200)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=MATRIX_IDS)
def test_adding_a_term(request, world, role, target):
    unit = target_unit(world, role, target)
    answer = api(request, role).post(
        f"/api/units/{unit.pk}/terms/",
        {"name": "Khóa XIII", "number": 13, "start_on": "2025-10-01"},
        format="json",
    )
    assert answer.status_code == expected(role, target, 201), answer.json()
    assert unit.terms.filter(name="Khóa XIII").exists() is (answer.status_code == 201)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=MATRIX_IDS)
def test_adding_a_person(request, world, role, target):
    """As the person form: the record is kept by a unit one may edit (another is a field
    error, as a choice the form does not offer); one who may edit nothing may not add."""
    unit = target_unit(world, role, target)
    answer = api(request, role).post(
        "/api/people/", {"full_name": "Trần Thị Mới", "home_unit": unit.pk}, format="json"
    )
    may = role in EDITORS and target in SEEN[role]
    code = 201 if may else 400 if role in EDITORS else 403
    assert answer.status_code == code, answer.json()
    if code == 400:
        assert answer.json()["error"]["field"] == "home_unit"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_a_read_only_key_never_writes(request, world, role):
    unit = world.ward
    client = api(request, role, read_only=True)
    writes = [
        ("/api/people/", {"full_name": "Trần Thị Mới", "home_unit": unit.pk}),
        (
            f"/api/units/{unit.pk}/positions/",
            {"person": unit.person.pk, "role": "member", "start_on": "2021-01-04"},
        ),
        (f"/api/positions/{unit.position.pk}/end/", {"end_on": "2025-06-30"}),
        (f"/api/units/{unit.pk}/terms/", {"name": "Khóa XIII", "start_on": "2025-10-01"}),
    ]
    for path, body in writes:
        answer = client.post(path, body, format="json")
        assert answer.status_code == 403, path
        assert answer.json()["error"]["code"] == "forbidden"
    unit.position.refresh_from_db()
    assert unit.position.end_on is None
    assert Position.objects.filter(unit=unit).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/people/"),
        ("post", "/api/people/"),
        ("get", "/api/people/1/"),
        ("get", "/api/units/1/positions/"),
        ("post", "/api/units/1/positions/"),
        ("get", "/api/positions/1/"),
        ("post", "/api/positions/1/end/"),
        ("get", "/api/units/1/terms/"),
        ("post", "/api/units/1/terms/"),
        ("get", "/api/notifications/"),
        ("post", "/api/notifications/1/read/"),
        ("post", "/api/notifications/read-all/"),
    ],
)
def test_no_credentials(method, path):
    answer = getattr(APIClient(), method)(path, {}, format="json")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"
