"""Every API endpoint × every role × a unit of one's own, a descendant and a sibling: a token
has exactly its owner's rights. 404 for what one may not see, 403 for what one sees but may not
do, 401 without credentials."""

import pytest
from rest_framework.test import APIClient

from tests.api.clients import api
from tests.plans.test_tasks import make_task

ROLES = ["admin_user", "city_secretary", "propaganda_officer", "ward_clerk", "viewer", "outsider"]


# Who sees which unit: city personas see the whole city tree; the ward clerk sees the ward and
# its cell, not the sibling ward nor the city above it; the outsider sees nothing.
UNIT_SEEN = {
    "admin_user": {"city", "ward", "cell", "sibling"},
    "city_secretary": {"city", "ward", "cell", "sibling"},
    "propaganda_officer": {"city", "ward", "cell", "sibling"},
    "viewer": {"city", "ward", "cell", "sibling"},
    "ward_clerk": {"ward", "cell"},
    "outsider": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("unit", ["city", "ward", "cell", "sibling"])
def test_unit_detail(request, tree, role, unit):
    answer = api(request, role).get(f"/api/units/{getattr(tree, unit).pk}/")
    assert answer.status_code == (200 if unit in UNIT_SEEN[role] else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_unit_list_holds_only_what_one_sees(request, tree, role):
    names = {
        tree.city.pk: "city",
        tree.ward.pk: "ward",
        tree.cell.pk: "cell",
        tree.sibling.pk: "sibling",
    }
    got = api(request, role).get("/api/units/", {"page_size": 500}).json()["results"]
    assert {names[u["id"]] for u in got if u["id"] in names} == UNIT_SEEN[role]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/units/", "/api/tasks/", "/api/units/1/", "/api/tasks/1/"])
def test_no_credentials(path):
    answer = APIClient().get(path)
    assert answer.status_code in (401, 403)
    assert answer.json()["error"]["code"] in ("not_authenticated", "forbidden")


# Tasks: one the city gives the ward (own for the ward, descendant for the city) and one the
# city gives the sibling ward (a sibling for the ward clerk).
TASK_SEEN = {
    "admin_user": {"ward", "sibling"},
    "city_secretary": {"ward", "sibling"},
    "propaganda_officer": {"ward", "sibling"},
    "viewer": {"ward", "sibling"},
    "ward_clerk": {"ward"},
    "outsider": set(),
}
MAY_CHANGE = {"admin_user", "city_secretary", "propaganda_officer"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("lead", ["ward", "sibling"])
def test_task_read_and_change(request, tree, role, lead):
    task = make_task(tree, lead_unit=getattr(tree, lead))
    client = api(request, role)
    seen = lead in TASK_SEEN[role]
    assert client.get(f"/api/tasks/{task.pk}/").status_code == (200 if seen else 404)
    listed = {t["id"] for t in client.get("/api/tasks/").json()["results"]}
    assert (task.pk in listed) is seen
    change = client.patch(
        f"/api/tasks/{task.pk}/", {"title": "Đổi tên", "revision": task.revision}, format="json"
    )
    expected = 404 if not seen else (200 if role in MAY_CHANGE else 403)
    assert change.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("lead", ["ward", "sibling", "cell"])
def test_task_create(request, tree, role, lead):
    body = {"title": "Giao việc", "assigned_by": tree.city.pk, "lead_unit": getattr(tree, lead).pk}
    answer = api(request, role).post("/api/tasks/", body, format="json")
    assert answer.status_code == (201 if role in MAY_CHANGE else 400)
