"""Task progress, comments, history and requirements through the API: every endpoint × every
role × a unit of one's own, a descendant, a sibling and the unit above. A token has exactly its
owner's rights: 404 for what one may not see, 403 for what one sees but may not do.

A task is seen by those who see its lead, assigning or coordinating unit, and reported on or
commented by their editors. A requirement is seen by those who see the unit that set it or one
of the units it applies to (a ward sees the city's, never a sibling ward's), and changed by the
setting unit's editors."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests.api.clients import api
from trienkhai.org import rules as org_rules
from trienkhai.org import services as org
from trienkhai.org.models import Unit, UnitKind
from trienkhai.plans import requirements
from trienkhai.plans import tasks as task_services

ROLES = ["admin_user", "city_secretary", "propaganda_officer", "ward_clerk", "viewer", "outsider"]
TARGETS = {"own": "city", "descendant": "ward", "sibling": "district", "ancestor": "province"}
WARD_TARGETS = {"own": "ward", "descendant": "cell", "sibling": "sibling", "ancestor": "city"}
EDITORS = {"admin_user", "city_secretary", "propaganda_officer", "ward_clerk"}
MATRIX = [(role, target) for role in ROLES for target in TARGETS]
# A party cell has no unit below it to require anything of: no requirement set by it.
REQUIREMENT_MATRIX = [(r, t) for r, t in MATRIX if not (r == "ward_clerk" and t == "descendant")]
ALL_KINDS = list(UnitKind.values)

# Tasks are seen in one's subtree only (a ward never sees the city's own tasks).
TASK_SEEN = {
    "admin_user": {"own", "descendant", "sibling", "ancestor"},
    "city_secretary": {"own", "descendant"},
    "propaganda_officer": {"own", "descendant"},
    "ward_clerk": {"own", "descendant"},
    "viewer": {"own", "descendant"},
    "outsider": set(),
}
# Requirements: one's subtree's, and those set above that apply to units of one's subtree.
REQUIREMENT_SEEN = {
    "admin_user": {"own", "descendant", "sibling", "ancestor"},
    "city_secretary": {"own", "descendant", "ancestor"},
    "propaganda_officer": {"own", "descendant", "ancestor"},
    "ward_clerk": {"own", "ancestor"},
    "viewer": {"own", "descendant", "ancestor"},
    "outsider": set(),
}


def target_unit(world, role, target):
    return getattr(world, (WARD_TARGETS if role == "ward_clerk" else TARGETS)[target])


def may_edit(role, target) -> bool:
    """Editors act on their own unit and below; the administrator everywhere."""
    return role == "admin_user" or (role in EDITORS and target in ("own", "descendant"))


@pytest.fixture
def world(tree):
    """A second district beside the city; each unit with a unit below it; each unit leads a task
    it assigned itself, and each unit that has units below it sets a requirement on them."""
    tree.district = org.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
    )
    tree.district_ward = org.unit_create(
        actor=None,
        parent=tree.district,
        kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE,
        name="Đảng ủy xã Tân Thạch",
    )
    tree.sibling_cell = org.unit_create(
        actor=None, parent=tree.sibling, kind=UnitKind.PARTY_CELL, name="Chi bộ Khu phố 2"
    )
    for name in ("province", "city", "district", "ward", "cell", "sibling"):
        unit = getattr(tree, name)
        unit.task = task_services.task_create(
            actor=None, title=f"Nhiệm vụ của {unit.name}", assigned_by=unit, lead_unit=unit
        )
        unit.requirement = None
        if name != "cell":
            unit.requirement = requirements.requirement_create(
                actor=None,
                title=f"Quy chế làm việc theo yêu cầu của {unit.name}",
                set_by=unit,
                unit_kinds=ALL_KINDS,
                doc_type="QC",
                due_on=dt.date(2030, 12, 31),
            )
    return tree


def ids(answer) -> set[int]:
    assert answer.status_code == 200, answer.json()
    return {row["id"] for row in answer.json()["results"]}


# --- tasks --------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_reading_a_tasks_history_and_comments(request, world, role, target):
    task = target_unit(world, role, target).task
    client = api(request, role)
    code = 200 if target in TASK_SEEN[role] else 404
    assert client.get(f"/api/tasks/{task.pk}/history/").status_code == code
    assert client.get(f"/api/tasks/{task.pk}/comments/").status_code == code


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_reporting_progress(request, world, role, target):
    task = target_unit(world, role, target).task
    seen = target in TASK_SEEN[role]
    may = seen and may_edit(role, target)
    answer = api(request, role).post(
        f"/api/tasks/{task.pk}/progress/",
        {"status": "in_progress", "progress": 30, "revision": task.revision},
        format="json",
    )
    assert answer.status_code == (200 if may else 403 if seen else 404), answer.json()
    if answer.status_code == 403:
        assert answer.json()["error"]["code"] == "forbidden"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_commenting(request, world, role, target):
    task = target_unit(world, role, target).task
    seen = target in TASK_SEEN[role]
    may = seen and may_edit(role, target)
    answer = api(request, role).post(
        f"/api/tasks/{task.pk}/comments/", {"text": "Đã thực hiện"}, format="json"
    )
    assert answer.status_code == (201 if may else 403 if seen else 404), answer.json()


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(EDITORS))
def test_a_read_only_key_writes_nothing(request, world, role):
    task = target_unit(world, role, "own").task
    requirement = target_unit(world, role, "own").requirement
    client = api(request, role, read_only=True)
    writes = [
        client.post(f"/api/tasks/{task.pk}/progress/", {"status": "in_progress"}, format="json"),
        client.post(f"/api/tasks/{task.pk}/comments/", {"text": "x"}, format="json"),
        client.post("/api/requirements/", {"title": "x"}, format="json"),
        client.patch(f"/api/requirements/{requirement.pk}/", {"title": "x"}, format="json"),
    ]
    assert [w.status_code for w in writes] == [403] * 4
    assert client.get(f"/api/requirements/{requirement.pk}/").status_code == 200


# --- requirements -------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "target"), REQUIREMENT_MATRIX, ids=[f"{r}-{t}" for r, t in REQUIREMENT_MATRIX]
)
def test_reading_requirements(request, world, role, target):
    requirement = target_unit(world, role, target).requirement
    client = api(request, role)
    seen = target in REQUIREMENT_SEEN[role]
    code = 200 if seen else 404
    assert client.get(f"/api/requirements/{requirement.pk}/").status_code == code
    assert client.get(f"/api/requirements/{requirement.pk}/history/").status_code == code
    assert (requirement.pk in ids(client.get("/api/requirements/", {"page_size": 500}))) is seen
    targets = client.get(f"/api/requirements/{requirement.pk}/targets/", {"page_size": 500})
    assert targets.status_code == code
    if seen:
        # Only the rows of units one sees: the city's people never see the district's wards.
        rows = targets.json()["results"]
        assert rows
        units = {row["unit"]["id"] for row in rows}
        visible = org_rules.filter_units(client.user, Unit.objects.filter(pk__in=units))
        assert units == set(visible.values_list("pk", flat=True))
        expected = requirement.targets.count() if role == "admin_user" else None
        if expected is not None:
            assert len(rows) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "target"), REQUIREMENT_MATRIX, ids=[f"{r}-{t}" for r, t in REQUIREMENT_MATRIX]
)
def test_changing_a_requirement(request, world, role, target):
    requirement = target_unit(world, role, target).requirement
    client = api(request, role)
    seen = target in REQUIREMENT_SEEN[role]
    may = seen and may_edit(role, target)
    answer = client.patch(
        f"/api/requirements/{requirement.pk}/", {"title": "Quy chế làm việc"}, format="json"
    )
    # Allowed: the version is then asked for (428); seen only: 403; unseen: 404.
    assert answer.status_code == (428 if may else 403 if seen else 404), answer.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "target"), REQUIREMENT_MATRIX, ids=[f"{r}-{t}" for r, t in REQUIREMENT_MATRIX]
)
def test_setting_a_requirement_for_a_unit(request, world, role, target):
    unit = target_unit(world, role, target)
    answer = api(request, role).post(
        "/api/requirements/",
        {
            "title": "Ban hành nghị quyết chuyên đề",
            "set_by": unit.pk,
            "unit_kinds": ALL_KINDS,
            "doc_type": "NQ",
            "due_on": "2030-06-30",
        },
        format="json",
    )
    if role in ("viewer", "outsider"):  # no unit to set one for: refused outright
        assert answer.status_code == 403, answer.json()
    elif may_edit(role, target):
        assert answer.status_code == 201, answer.json()
    else:  # a unit one does not edit is a wrong choice in the form
        assert answer.status_code == 400, answer.json()
        assert answer.json()["error"]["field"] == "set_by"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["own", "sibling"])
def test_filters_name_only_what_one_sees(request, world, role, target):
    unit = target_unit(world, role, target)
    seen = role == "admin_user" or (role != "outsider" and target == "own")
    code = api(request, role).get("/api/requirements/", {"unit": unit.pk}).status_code
    assert code == (200 if seen else 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/tasks/1/progress/"),
        ("get", "/api/tasks/1/history/"),
        ("get", "/api/tasks/1/comments/"),
        ("post", "/api/tasks/1/comments/"),
        ("get", "/api/tasks/1/comments/1/evidence/"),
        ("get", "/api/requirements/"),
        ("post", "/api/requirements/"),
        ("get", "/api/requirements/1/"),
        ("patch", "/api/requirements/1/"),
        ("get", "/api/requirements/1/targets/"),
        ("get", "/api/requirements/1/history/"),
    ],
)
def test_no_credentials(method, path):
    answer = getattr(APIClient(), method)(path, {}, format="json")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"
