"""People, positions and terms as a script uses them: the people page's search, a person's
record as the person page shows it (personal data no further than the pages show it), a unit's
positions as of a day, appointing and ending through the org services (audited), terms, retries
that create nothing twice, errors naming the field, and answers matching the schema.

The world: Thành ủy Bến Tre's Khóa XII (2020–2025); Nguyễn Văn An, its secretary since
15-10-2020, was before that deputy secretary of the ward (2019–2020); Lê Thị Bình is a member of
the ward's cell; someone in the sibling ward no ward clerk may see."""

import datetime as dt

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.clients import client_for
from trienkhai.api.tokens import token_create
from trienkhai.audit.models import AuditEntry
from trienkhai.audit.selectors import audit_entries_for
from trienkhai.org import services as org
from trienkhai.org.models import Person, Position, PositionRole, Term

D = dt.date


class World:
    pass


@pytest.fixture
def world(tree):
    w = World()
    w.tree = tree
    w.khoa_xii = org.term_save(
        actor=None, unit=tree.city, name="Khóa XII", number=12, start_on=D(2020, 10, 1),
        end_on=D(2025, 9, 30),
    )  # fmt: skip
    w.an = org.person_save(
        actor=None,
        full_name="Nguyễn Văn An",
        email="an@bentre.dcs.vn",
        phone="0275 3822 111",
        home_unit=tree.city,
        user=get_user_model().objects.create_user("nvan"),
    )
    w.binh = org.person_save(actor=None, full_name="Lê Thị Bình", home_unit=tree.cell)
    w.stranger = org.person_save(actor=None, full_name="Phạm Văn Cường", home_unit=tree.sibling)
    w.secretary = org.position_save(
        actor=None,
        person=w.an,
        unit=tree.city,
        role=PositionRole.SECRETARY,
        title="Bí thư Thành ủy",
        term=w.khoa_xii,
        start_on=D(2020, 10, 15),
        note="Bầu tại Đại hội XII",
    )
    w.deputy = org.position_save(
        actor=None,
        person=w.an,
        unit=tree.ward,
        role=PositionRole.DEPUTY_SECRETARY,
        start_on=D(2020, 2, 1),
        end_on=D(2020, 10, 14),
    )
    w.member = org.position_save(
        actor=None, person=w.binh, unit=tree.cell, role=PositionRole.MEMBER, start_on=D(2020, 3, 1)
    )
    return w


# --- people -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_people_are_found_by_name_with_or_without_diacritics(world, viewer, ward_clerk):
    api = client_for(viewer)
    names = [p["full_name"] for p in api.get("/api/people/").json()["results"]]
    assert sorted(names) == ["Lê Thị Bình", "Nguyễn Văn An", "Phạm Văn Cường"]
    found = api.get("/api/people/", {"q": "nguyen van an"}).json()["results"]
    assert [p["id"] for p in found] == [world.an.pk]
    assert found[0] == {
        "id": world.an.pk,
        "full_name": "Nguyễn Văn An",
        "home_unit": {"id": world.tree.city.pk, "name": "Thành ủy Bến Tre"},
        "email": "an@bentre.dcs.vn",  # the people page's column; the phone is not in the list
    }
    assert api.get("/api/people/", {"q": "Bình\x00"}).status_code == 200
    # The ward clerk sees An (he held a position in the ward) and Bình, not the sibling's.
    names = {p["full_name"] for p in client_for(ward_clerk).get("/api/people/").json()["results"]}
    assert names == {"Nguyễn Văn An", "Lê Thị Bình"}


@pytest.mark.django_db
def test_a_person_as_the_person_page_shows_them(world, ward_clerk):
    answer = client_for(ward_clerk).get(f"/api/people/{world.an.pk}/")
    assert answer.status_code == 200
    person = answer.json()
    assert (person["email"], person["phone"], person["username"]) == (
        "an@bentre.dcs.vn",
        "0275 3822 111",
        "nvan",
    )
    positions = {p["id"]: p for p in person["positions"]}
    assert list(positions) == [world.secretary.pk, world.deputy.pk]  # newest first
    city = positions[world.secretary.pk]
    # The city is above the ward clerk: named, as on the page, but not openable.
    assert city["unit"] == {"id": world.tree.city.pk, "name": "Thành ủy Bến Tre"}
    assert city["unit_visible"] is False
    assert (city["title"], city["role"], city["role_label"]) == (
        "Bí thư Thành ủy",
        "secretary",
        "Bí thư",
    )
    assert city["term"] == {"id": world.khoa_xii.pk, "name": "Khóa XII"}
    assert (city["start_on"], city["end_on"], city["is_current"]) == ("2020-10-15", None, True)
    ward = positions[world.deputy.pk]
    assert ward["unit_visible"] is True
    assert (ward["end_on"], ward["is_current"]) == ("2020-10-14", False)
    assert client_for(ward_clerk).get(f"/api/people/{world.stranger.pk}/").status_code == 404


@pytest.mark.django_db
def test_adding_a_person_goes_through_the_service_once(world, ward_clerk):
    api = client_for(ward_clerk)
    body = {"full_name": " Võ Thị Dung ", "home_unit": world.tree.ward.pk, "email": ""}
    first = api.post("/api/people/", body, format="json", HTTP_IDEMPOTENCY_KEY="dung-1")
    assert first.status_code == 201, first.json()
    again = api.post("/api/people/", body, format="json", HTTP_IDEMPOTENCY_KEY="dung-1")
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again["Location"] == first["Location"] == f"/api/people/{first.json()['id']}/"
    dung = Person.objects.get(name_folded="vo thi dung")
    assert (dung.full_name, dung.home_unit) == ("Võ Thị Dung", world.tree.ward)
    assert first.json()["positions"] == []
    [entry] = audit_entries_for(dung)
    assert (entry.action, entry.actor) == (AuditEntry.Action.CREATE, ward_clerk)
    reused = api.post(
        "/api/people/", {**body, "full_name": "Khác"}, format="json", HTTP_IDEMPOTENCY_KEY="dung-1"
    )
    assert reused.status_code == 422
    bad = api.post(
        "/api/people/", {"full_name": "X", "home_unit": world.tree.sibling.pk}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "home_unit"
    bad = api.post(
        "/api/people/", {"full_name": "X", "home_unit": 1, "email": "không phải"}, format="json"
    )
    assert bad.json()["error"]["field"] == "email"


# --- positions ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_units_positions_now_past_and_as_of_a_day(world, viewer):
    api = client_for(viewer)
    ward = world.tree.ward.pk

    def found(unit=ward, **params):
        answer = api.get(f"/api/units/{unit}/positions/", params)
        assert answer.status_code == 200, answer.json()
        return [p["id"] for p in answer.json()["results"]]

    assert found() == [world.deputy.pk]
    assert found(state="past") == [world.deputy.pk]
    assert found(state="current") == []
    assert found(as_of="2020-10-14") == [world.deputy.pk]  # the last day held counts
    assert found(as_of="2020-10-15") == []
    assert found(as_of="2020-01-31") == []
    city = world.tree.city.pk
    assert found(city, as_of="2021-06-01", role="secretary") == [world.secretary.pk]
    assert found(city, role="chair") == []
    row = api.get(f"/api/units/{city}/positions/").json()["results"][0]
    assert row["person"] == {"id": world.an.pk, "full_name": "Nguyễn Văn An"}
    assert row["display_title"] == "Bí thư Thành ủy"
    assert row["note"] is None  # only the edit form shows the note: not to a viewer
    for params in ({"state": "later"}, {"as_of": "15-10-2020"}, {"role": "king"}):
        answer = api.get(f"/api/units/{city}/positions/", params)
        assert answer.status_code == 400
        assert answer.json()["error"]["field"] == next(iter(params))


@pytest.mark.django_db
def test_an_editor_sees_the_note(world, propaganda_officer):
    answer = client_for(propaganda_officer).get(f"/api/positions/{world.secretary.pk}/")
    assert answer.json()["note"] == "Bầu tại Đại hội XII"


@pytest.mark.django_db
def test_appointing_goes_through_the_service_once(world, city_secretary):
    api = client_for(city_secretary)
    body = {
        "person": world.binh.pk,
        "role": "standing_member",
        "title": "Ủy viên Ban Thường vụ Thành ủy",
        "term": world.khoa_xii.pk,
        "start_on": "2020-10-15",
    }
    path = f"/api/units/{world.tree.city.pk}/positions/"
    first = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="binh-btv")
    assert first.status_code == 201, first.json()
    again = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="binh-btv")
    assert again.json()["id"] == first.json()["id"]
    assert first["Location"] == f"/api/positions/{first.json()['id']}/"
    position = Position.objects.get(person=world.binh, unit=world.tree.city)
    assert (position.role, position.term, position.start_on, position.end_on) == (
        "standing_member",
        world.khoa_xii,
        D(2020, 10, 15),
        None,
    )
    [entry] = audit_entries_for(position)
    assert (entry.action, entry.actor) == (AuditEntry.Action.CREATE, city_secretary)
    person = api.get(f"/api/people/{world.binh.pk}/").json()
    assert position.pk in {p["id"] for p in person["positions"]}


@pytest.mark.django_db
def test_an_appointment_the_rules_refuse_names_its_field(world, ward_clerk):
    api = client_for(ward_clerk)
    ward = world.tree.ward
    path = f"/api/units/{ward.pk}/positions/"
    good = {"person": world.binh.pk, "role": "member", "start_on": "2021-01-04"}

    def refused(**changes):
        answer = api.post(path, {**good, **changes}, format="json")
        assert answer.status_code == 400, answer.json()
        return answer.json()["error"]

    assert refused(person=world.stranger.pk)["field"] == "person"  # not someone one sees
    error = refused(term=world.khoa_xii.pk)  # the city's term, not the ward's
    assert (error["field"], error["message"]) == (
        "term",
        "Nhiệm kỳ được chọn không thuộc đơn vị này.",
    )
    error = refused(end_on="2020-12-31")
    assert error["field"] == "end_on"
    assert error["message"] == "Ngày thôi giữ chức vụ không được trước ngày bắt đầu."
    assert refused(start_on="2020-01-01")["field"] == "start_on"  # before the ward existed
    assert refused(role="king")["field"] == "role"
    assert refused(person=10**30)["field"] == "person"
    assert set(refused(person=None, start_on="hôm qua")["fields"]) == {"person", "start_on"}
    assert Position.objects.filter(unit=ward).count() == 1


@pytest.mark.django_db
def test_nobody_is_appointed_in_a_ward_after_it_was_dissolved(world, city_secretary):
    org.unit_dissolve(
        actor=None, unit=world.tree.sibling, effective_on=D(2025, 7, 1), legal_basis="1664"
    )
    answer = client_for(city_secretary).post(
        f"/api/units/{world.tree.sibling.pk}/positions/",
        {"person": world.stranger.pk, "role": "secretary", "start_on": "2025-07-01"},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "start_on"


@pytest.mark.django_db
def test_ending_a_position(world, city_secretary):
    api = client_for(city_secretary)
    path = f"/api/positions/{world.secretary.pk}/end/"
    answer = api.post(path, {"end_on": "2025-06-30"}, format="json")
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["end_on"], answer.json()["is_current"]) == ("2025-06-30", False)
    world.secretary.refresh_from_db()
    assert world.secretary.end_on == D(2025, 6, 30)
    entry = audit_entries_for(world.secretary).first()
    assert (entry.action, entry.actor) == (AuditEntry.Action.UPDATE, city_secretary)
    assert entry.changes["end_on"][1] == "2025-06-30"

    # The same request again (a retry) changes nothing; another day is a conflict.
    assert api.post(path, {"end_on": "2025-06-30"}, format="json").status_code == 200
    assert audit_entries_for(world.secretary).count() == 2  # created, ended
    conflict = api.post(path, {"end_on": "2025-07-31"}, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "conflict"
    assert conflict.json()["error"]["field"] == "end_on"
    world.secretary.refresh_from_db()
    assert world.secretary.end_on == D(2025, 6, 30)


@pytest.mark.django_db
def test_a_position_cannot_end_before_it_began(world, city_secretary):
    answer = client_for(city_secretary).post(
        f"/api/positions/{world.secretary.pk}/end/", {"end_on": "2020-10-01"}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "end_on"
    missing = client_for(city_secretary).post(
        f"/api/positions/{world.secretary.pk}/end/", {}, format="json"
    )
    assert missing.json()["error"]["field"] == "end_on"
    world.secretary.refresh_from_db()
    assert world.secretary.end_on is None


# --- terms --------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_terms_of_a_unit(world, propaganda_officer):
    api = client_for(propaganda_officer)
    path = f"/api/units/{world.tree.city.pk}/terms/"
    [row] = api.get(path).json()["results"]
    assert row == {
        "id": world.khoa_xii.pk,
        "unit": {"id": world.tree.city.pk, "name": "Thành ủy Bến Tre"},
        "name": "Khóa XII",
        "number": 12,
        "start_on": "2020-10-01",
        "end_on": "2025-09-30",
    }
    body = {"name": "Khóa XIII", "number": 13, "start_on": "2025-10-01"}
    first = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="khoa-xiii")
    assert first.status_code == 201, first.json()
    again = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="khoa-xiii")
    assert again.json()["id"] == first.json()["id"]
    term = Term.objects.get(unit=world.tree.city, name="Khóa XIII")
    assert audit_entries_for(term).get().actor == propaganda_officer

    twice = api.post(path, body, format="json")  # no key: the service refuses the same name
    assert twice.status_code == 400
    assert twice.json()["error"]["field"] == "name"
    assert twice.json()["error"]["message"] == "“Thành ủy Bến Tre” đã có nhiệm kỳ “Khóa XIII”."
    backwards = api.post(
        path, {"name": "Khóa XIV", "start_on": "2030-10-01", "end_on": "2030-01-01"}, format="json"
    )
    assert backwards.status_code == 400
    assert backwards.json()["error"]["field"] == "end_on"


# --- the schema, as a client reads it -----------------------------------------------------------
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application()).include(
    path_regex="^/api/(people|positions|units/[^/]+/(positions|terms))/"
)


@pytest.fixture
def bearer(world, city_secretary):
    """Schemathesis calls the WSGI application itself, whose request signals would close the
    database connection mid-test; Django's test client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {token_create(user=city_secretary, name='st')[1]}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@pytest.mark.django_db
def test_answers_match_the_schema(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])


def test_the_schema_documents_the_filters_and_bodies():
    from drf_spectacular.generators import SchemaGenerator

    spec = SchemaGenerator().get_schema(public=True)
    paths = spec["paths"]
    assert {p["name"] for p in paths["/api/people/"]["get"]["parameters"]} >= {"q", "cursor"}
    listed = paths["/api/units/{id}/positions/"]["get"]
    assert {p["name"] for p in listed["parameters"]} >= {"as_of", "state", "role"}
    assert "201" in paths["/api/units/{id}/positions/"]["post"]["responses"]
    assert "201" in paths["/api/units/{id}/terms/"]["post"]["responses"]
    assert "201" in paths["/api/people/"]["post"]["responses"]
    assert "200" in paths["/api/positions/{id}/end/"]["post"]["responses"]
