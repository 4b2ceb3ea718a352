"""The compliance matrix through the API: the city sees every ward's cell, a ward only its own."""

import datetime as dt

import pytest

from tests.api.clients import client_for
from tests.plans.test_requirements import congress, issue, set_requirement  # noqa: F401
from trienkhai.documents.models import RelationKind


@pytest.fixture
def required(tree, city_secretary, congress):  # noqa: F811
    requirement = set_requirement(city_secretary, tree.city, implements=congress)
    issue(
        tree.ward,
        "01-QC/ĐU",
        dt.date(2020, 11, 2),
        implements=congress,
        kind=RelationKind.IMPLEMENTS,
    )
    return requirement


@pytest.mark.django_db
def test_the_city_reads_the_whole_matrix(tree, city_secretary, congress, required):  # noqa: F811
    data = client_for(city_secretary).get("/api/compliance/", {"document": congress.pk}).json()
    assert [r["id"] for r in data["requirements"]] == [required.pk]
    cells = {row["unit"]["name"]: row["cells"][0] for row in data["rows"]}
    assert cells["Đảng ủy Phường An Hội"]["state"] == "done"
    assert cells["Đảng ủy Phường An Hội"]["document"]["number"] == "01-QC/ĐU"
    assert cells["Đảng ủy Phường Phú Khương"]["document"] is None
    assert data["total"]["total"] == 2 and data["total"]["done"] == 1


@pytest.mark.django_db
def test_a_ward_sees_only_its_own_row(tree, ward_clerk, congress, required):  # noqa: F811
    data = client_for(ward_clerk).get("/api/compliance/", {"document": congress.pk})
    assert data.status_code == 200
    assert [row["unit"]["name"] for row in data.json()["rows"]] == ["Đảng ủy Phường An Hội"]
    assert data.json()["total"]["total"] == 1
    sibling = client_for(ward_clerk).get("/api/compliance/", {"unit": tree.sibling.pk})
    assert sibling.status_code == 404


@pytest.mark.django_db
def test_without_a_document_or_unit_the_error_says_what_to_give(city_secretary):
    answer = client_for(city_secretary).get("/api/compliance/")
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "document"
