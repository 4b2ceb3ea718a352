"""Dissemination campaigns, classes and attendance through the API, as a script uses them: the
figures the pages show (a ward sees its own part only), the list page's filters, a campaign and
a class created once however often the request is retried, changes refused when someone saved in
between, attendance that follows the list, and errors naming the field.

The world is the one of the campaign tests (tests/outreach/builders.py): the city disseminates
Resolution XII to key cadres and Party members by 30-9-2020, delegated to both wards."""

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.clients import client_for
from tests.outreach.builders import campaign_world, issued_document
from trienkhai.api.tokens import token_create
from trienkhai.audit.models import AuditEntry
from trienkhai.outreach.models import Attendee, Campaign, ClassSession

CITY_CLASS = "Lớp quán triệt cán bộ chủ chốt thành phố"


@pytest.fixture
def world(tree):
    return campaign_world(tree)


def ok(answer, status=200):
    assert answer.status_code == status, answer.json()
    return answer.json()


def error(answer, status=400):
    assert answer.status_code == status, answer.json()
    return answer.json()["error"]


# --- campaigns ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_campaign_list_with_its_figures_and_filters(world, city_secretary):
    api = client_for(city_secretary)
    (row,) = ok(api.get("/api/campaigns/"))["results"]
    assert row["id"] == world.campaign.pk
    assert row["owner_unit"]["name"] == "Thành ủy Bến Tre"
    assert row["plan_document"]["number"] == "07-KH/ThU"
    assert (row["status"], row["status_label"]) == ("running", "Đang triển khai")
    assert row["deadline"] == {
        "date": "2020-09-30",
        "precision": "day",
        "text": "2020-09-30",
        "ends_on": "2020-09-30",
    }
    # Held classes only: 45 cadres in the city, 30 members in the cell, 70 in Phú Khương.
    assert row["progress"]["total"] == {"expected": 230, "reached": 145, "percent": 63}
    assert row["progress"]["classes_held"] == 3
    assert row["progress"]["behind"] is True  # the deadline passed, not everyone reached

    def found(**params):
        return [c["id"] for c in ok(api.get("/api/campaigns/", params))["results"]]

    assert found(status="running") == [world.campaign.pk]
    assert found(status="done") == []
    assert found(unit=world.tree.ward.pk) == [world.campaign.pk]  # delegated to it
    assert found(unit=world.tree.board.pk) == []
    assert found(year=2020) == [world.campaign.pk]
    assert found(year=2019) == []
    assert error(api.get("/api/campaigns/", {"status": "late"}))["field"] == "status"
    assert error(api.get("/api/campaigns/", {"year": "2020a"}))["field"] == "year"
    assert api.get("/api/campaigns/", {"unit": 10**17}).status_code == 404


@pytest.mark.django_db
def test_a_ward_sees_only_its_part_of_the_campaign(world, ward_clerk):
    api = client_for(ward_clerk)
    (row,) = ok(api.get("/api/campaigns/"))["results"]
    assert row["progress"]["total"] == {"expected": 100, "reached": 30, "percent": 30}
    detail = ok(api.get(f"/api/campaigns/{world.campaign.pk}/"))
    assert [q["unit"]["id"] for q in detail["quotas"]] == [world.tree.ward.pk]
    (delegation,) = detail["delegations"]
    assert delegation["unit"]["id"] == world.tree.ward.pk
    assert delegation["can_report"] is True
    assert delegation["deadline"]["date"] == "2020-09-25"
    matrix = detail["completion"]
    assert matrix["partial"] is True
    assert [r["unit"]["id"] for r in matrix["rows"]] == [world.tree.ward.pk]
    assert matrix["total"]["total"] == {"expected": 100, "reached": 30, "percent": 30}
    assert (detail["can_manage"], detail["can_hold_class"]) == (False, True)
    # Drilling into the sibling ward's part is opening what one may not see.
    url = f"/api/campaigns/{world.campaign.pk}/"
    assert api.get(url, {"unit": world.tree.sibling.pk}).status_code == 404
    assert api.get("/api/campaigns/", {"unit": world.tree.sibling.pk}).status_code == 404


@pytest.mark.django_db
def test_the_campaign_as_its_page_shows_it(world, city_secretary):
    api = client_for(city_secretary)
    answer = api.get(f"/api/campaigns/{world.campaign.pk}/")
    detail = ok(answer)
    assert answer["ETag"] == f'"{world.campaign.pk}-{detail["revision"]}"'
    assert [d["number"] for d in detail["documents"]] == ["07-KH/ThU"]
    assert [g["code"] for g in detail["target_groups"]] == ["can-bo-chu-chot", "dang-vien"]
    assert {
        (q["unit"]["id"], q["target_group"]["code"], q["expected"]) for q in detail["quotas"]
    } == {
        (world.tree.city.pk, "can-bo-chu-chot", 50),
        (world.tree.ward.pk, "dang-vien", 100),
        (world.tree.sibling.pk, "dang-vien", 80),
    }
    matrix = detail["completion"]
    assert matrix["partial"] is False and matrix["root"] is None
    rows = {(r["unit"]["id"], r["own"]): r for r in matrix["rows"]}
    city = rows[world.tree.city.pk, True]
    assert city["total"] == {"expected": 50, "reached": 45, "percent": 90}
    assert rows[world.tree.ward.pk, False]["delegation"] == world.ward_delegation.pk
    sibling = rows[world.tree.sibling.pk, False]
    cells = {c["target_group"]: c for c in sibling["cells"]}
    assert cells[world.members.pk] == {
        "target_group": world.members.pk,
        "expected": 80,
        "reached": 70,
        "percent": 87,
    }
    assert sibling["classes_held"] == 1  # the cancelled class counts for nobody
    assert matrix["total"]["total"] == {"expected": 230, "reached": 145, "percent": 63}
    assert detail["can_manage"] is True
    # Drilled into the ward: its cell's class.
    drilled = ok(api.get(f"/api/campaigns/{world.campaign.pk}/", {"unit": world.tree.ward.pk}))
    assert drilled["completion"]["root"]["id"] == world.tree.ward.pk
    assert [(r["unit"]["id"], r["own"]) for r in drilled["completion"]["rows"]] == [
        (world.tree.ward.pk, True),  # its own quota
        (world.tree.cell.pk, False),
    ]
    assert api.get(f"/api/campaigns/{10**17}/").status_code == 404


def new_campaign(tree, document, **extra):
    body = {
        "title": "Quán triệt Nghị quyết Trung ương 4 khóa XII",
        "owner_unit": tree.city.pk,
        "plan_document": document.pk,
        "documents": [document.pk],
        "target_groups": [],
        "start_on": "2020-10-01",
        "deadline": "2020-Q4",
        "description": "Quán triệt đến toàn thể đảng viên.",
    }
    return body | extra


@pytest.mark.django_db
def test_a_campaign_is_started_once_however_often_it_is_retried(world, propaganda_officer):
    api = client_for(propaganda_officer)
    document = issued_document(world.tree, "12-KH/ThU", "Kế hoạch quán triệt Nghị quyết TW4")
    body = new_campaign(world.tree, document, target_groups=[world.members.pk])
    headers = {"HTTP_IDEMPOTENCY_KEY": "tw4-khoa-xii"}
    first = api.post("/api/campaigns/", body, format="json", **headers)
    data = ok(first, 201)
    assert first["Location"] == f"/api/campaigns/{data['id']}/"
    assert data["deadline"] == {
        "date": "2020-10-01",
        "precision": "quarter",
        "text": "2020-Q4",
        "ends_on": "2020-12-31",
    }
    assert data["status"] == "planned"
    assert [g["id"] for g in data["target_groups"]] == [world.members.pk]
    assert data["progress"]["total"] == {"expected": 0, "reached": 0, "percent": None}
    again = api.post("/api/campaigns/", body, format="json", **headers)
    assert (again.status_code, again.json()["id"]) == (201, data["id"])
    assert Campaign.objects.filter(title=body["title"]).count() == 1
    other = api.post("/api/campaigns/", body | {"title": "Khác"}, format="json", **headers)
    assert error(other, 422)["code"] == "idempotency_key_reused"
    assert AuditEntry.objects.filter(object_id=str(data["id"]), action="create").exists()


@pytest.mark.django_db
def test_a_campaign_the_rules_refuse_names_its_field(world, ward_clerk, viewer):
    api = client_for(ward_clerk)
    body = new_campaign(world.tree, world.plan, owner_unit=world.tree.ward.pk)

    def refused(**extra):
        return error(api.post("/api/campaigns/", body | extra, format="json"))

    err = refused(start_on="2021-01-05", deadline="2020-12")
    assert err["field"] == "deadline" and "trước ngày bắt đầu" in err["message"]
    assert err["message_en"]
    assert refused(deadline="quý 4/2020")["field"] == "deadline"
    # The city is above the clerk's scope: not a unit they may name.
    assert refused(owner_unit=world.tree.city.pk)["field"] == "owner_unit"
    assert refused(owner_unit=world.tree.sibling.pk)["field"] == "owner_unit"
    assert refused(status="finished")["field"] == "status"
    assert refused(target_groups=[10**17])["field"] == "target_groups"
    assert refused(title="  ")["field"] == "title"
    assert set(error(api.post("/api/campaigns/", {}, format="json"))["fields"]) >= {
        "title",
        "owner_unit",
    }
    # Who edits no unit at all may not start a campaign.
    answer = client_for(viewer).post("/api/campaigns/", body, format="json")
    assert error(answer, 403)["code"] == "forbidden"


@pytest.mark.django_db
def test_a_campaign_change_is_refused_when_someone_saved_in_between(world, propaganda_officer):
    api = client_for(propaganda_officer)
    url = f"/api/campaigns/{world.campaign.pk}/"
    etag = api.get(url)["ETag"]
    assert error(api.patch(url, {"status": "done"}, format="json"), 428)["code"] == (
        "precondition_required"
    )
    changed = api.patch(
        url, {"status": "done", "deadline": "2020-10"}, format="json", HTTP_IF_MATCH=etag
    )
    data = ok(changed)
    assert (data["status"], data["deadline"]["ends_on"]) == ("done", "2020-10-31")
    assert changed["ETag"] != etag
    # The old version is stale now: nothing is written.
    stale = api.patch(url, {"title": "Đổi tên"}, format="json", HTTP_IF_MATCH=etag)
    assert error(stale, 412)["code"] == "precondition_failed"
    assert Campaign.objects.get(pk=world.campaign.pk).title != "Đổi tên"
    # The revision may travel in the body instead.
    body = {"title": "Đổi tên", "revision": data["revision"]}
    assert ok(api.patch(url, body, format="json"))["title"] == "Đổi tên"
    # The service's rule: the sibling ward holds quotas and classes outside the ward.
    fresh = api.get(url)
    err = error(
        api.patch(
            url, {"owner_unit": world.tree.ward.pk}, format="json", HTTP_IF_MATCH=fresh["ETag"]
        )
    )
    assert err["field"] == "owner_unit"
    assert AuditEntry.objects.filter(object_id=str(world.campaign.pk), action="update").exists()


@pytest.mark.django_db
def test_a_ward_may_not_change_the_city_campaign(world, ward_clerk):
    api = client_for(ward_clerk)
    url = f"/api/campaigns/{world.campaign.pk}/"
    answer = api.patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH="*")
    assert error(answer, 403)["code"] == "forbidden"


# --- classes ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_classes_with_their_attendance(world, city_secretary, ward_clerk):
    url = f"/api/campaigns/{world.campaign.pk}/classes/"
    rows = {c["title"]: c for c in ok(client_for(city_secretary).get(url))["results"]}
    assert len(rows) == 5
    city = rows[CITY_CLASS]
    assert city["organiser"]["id"] == world.tree.city.pk
    assert city["starts_at"] == "2020-09-08T08:00:00+07:00"
    assert city["status"] == "held"
    assert city["groups"] == [
        {
            "target_group": {
                "id": world.cadres.pk,
                "code": "can-bo-chu-chot",
                "name": "Cán bộ chủ chốt",
            },
            "expected": 50,
            "attended": 45,
        }
    ]
    assert city["totals"] == {"expected": 50, "attended": 45}

    api = client_for(city_secretary)

    def titles(**params):
        return {c["title"] for c in ok(api.get(url, params))["results"]}

    assert titles(status="cancelled") == {"Lớp bổ sung Phường Phú Khương"}
    assert titles(unit=world.tree.ward.pk) == {
        "Lớp quán triệt đảng viên Chi bộ Khu phố 1",
        "Lớp quán triệt đảng viên Phường An Hội (đợt 2)",
    }
    assert error(api.get(url, {"status": "done"}))["field"] == "status"
    # A ward sees its own classes and its cells', never its sibling's.
    mine = {c["id"] for c in ok(client_for(ward_clerk).get(url))["results"]}
    assert mine == {world.cell_class.pk, world.ward_planned.pk}
    sibling = client_for(ward_clerk).get(f"/api/classes/{world.sibling_class.pk}/")
    assert sibling.status_code == 404


def new_class(world, organiser, **extra):
    body = {
        "title": "Lớp quán triệt đảng viên Chi bộ Khu phố 1 (đợt 2)",
        "organiser": organiser.pk,
        "starts_at": "2020-09-26T07:30:00+07:00",
        "ends_at": "2020-09-26T11:00:00+07:00",
        "place": "Nhà văn hóa khu phố 1",
        "presenters": "Đ/c Bí thư Đảng ủy phường",
        "status": "held",
        "materials": [world.plan.pk],
        "groups": [{"target_group": world.members.pk, "expected": 20, "attended": 18}],
    }
    return body | extra


@pytest.mark.django_db
def test_a_ward_adds_a_class_once_however_often_it_retries(world, ward_clerk):
    api = client_for(ward_clerk)
    url = f"/api/campaigns/{world.campaign.pk}/classes/"
    headers = {"HTTP_IDEMPOTENCY_KEY": "lop-kp1-dot2"}
    first = api.post(url, new_class(world, world.tree.cell), format="json", **headers)
    data = ok(first, 201)
    assert first["Location"] == f"/api/classes/{data['id']}/"
    assert data["organiser"]["id"] == world.tree.cell.pk
    assert data["totals"] == {"expected": 20, "attended": 18}
    assert [m["number"] for m in data["materials"]] == ["07-KH/ThU"]
    assert data["can_edit"] is True
    again = api.post(url, new_class(world, world.tree.cell), format="json", **headers)
    assert (again.status_code, again.json()["id"]) == (201, data["id"])
    assert (
        ClassSession.objects.filter(title__endswith="(đợt 2)", organiser=world.tree.cell).count()
        == 1
    )
    # The ward's part now counts 30 + 18.
    (row,) = ok(api.get("/api/campaigns/"))["results"]
    assert row["progress"]["total"]["reached"] == 48


@pytest.mark.django_db
def test_a_class_the_rules_refuse_names_its_field(world, ward_clerk, viewer):
    api = client_for(ward_clerk)
    url = f"/api/campaigns/{world.campaign.pk}/classes/"

    def refused(**extra):
        body = new_class(world, world.tree.cell) | extra
        return error(api.post(url, body, format="json"))

    assert refused(organiser=world.tree.sibling.pk)["field"] == "organiser"
    err = refused(organiser=world.tree.city.pk)  # seen by no ward clerk
    assert err["field"] == "organiser"
    assert refused(ends_at="2020-09-26T07:00:00+07:00")["field"] == "ends_at"
    future = (dt.date.today() + dt.timedelta(days=10)).isoformat() + "T08:00:00+07:00"
    err = refused(starts_at=future, ends_at=None)
    assert err["field"] == "status" and "Đã tổ chức" in err["message"]
    assert refused(groups=[{"target_group": 10**17, "expected": 1}])["field"] == "groups"
    twice = [{"target_group": world.members.pk, "expected": 1}] * 2
    assert refused(groups=twice)["field"] == "groups"
    assert refused(makeup_of=world.sibling_class.pk)["field"] == "makeup_of"
    assert refused(starts_at="9999-12-31T23:00:00Z")["field"] == "starts_at"
    negative = [{"target_group": world.members.pk, "expected": -1}]
    assert refused(groups=negative)["field"].startswith("groups")
    # A viewer holds no class.
    answer = client_for(viewer).post(url, new_class(world, world.tree.city), format="json")
    assert error(answer, 403)["code"] == "forbidden"


@pytest.mark.django_db
def test_typed_counts_are_changed_with_the_version_read(world, propaganda_officer):
    api = client_for(propaganda_officer)
    url = f"/api/classes/{world.city_class.pk}/"
    answer = api.get(url)
    detail = ok(answer)
    assert detail["attendance"]["listed"] == 0
    groups = [{"target_group": world.cadres.pk, "expected": 50, "attended": 48}]
    assert api.patch(url, {"groups": groups}, format="json").status_code == 428
    changed = ok(api.patch(url, {"groups": groups}, format="json", HTTP_IF_MATCH=answer["ETag"]))
    assert changed["totals"] == {"expected": 50, "attended": 48}
    again = api.patch(url, {"groups": groups}, format="json", HTTP_IF_MATCH=answer["ETag"])
    assert again.status_code == 412
    campaign = ok(api.get(f"/api/campaigns/{world.campaign.pk}/"))
    assert campaign["completion"]["total"]["total"]["reached"] == 148


# --- attendance ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_attendance_follows_the_list(world, ward_clerk):
    api = client_for(ward_clerk)
    session = world.cell_class
    url = f"/api/classes/{session.pk}/attendees/"

    def add(name, status, key=None):
        body = {"full_name": name, "target_group": world.members.pk, "status": status}
        extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return ok(api.post(url, body, format="json", **extra), 201)

    lan = add("Nguyễn Thị Lan", "present", key="lan")
    assert add("Nguyễn Thị Lan", "present", key="lan")["id"] == lan["id"]  # a retry
    add("Trần Văn Hùng", "present")
    binh = add("Lê Văn Bình", "absent")
    assert binh["status_label"] == "Vắng"
    detail = ok(api.get(f"/api/classes/{session.pk}/"))
    assert detail["groups"][0]["attended"] == 2  # the list decides, not the typed 30
    assert detail["attendance"] == {
        "listed": 3,
        "present": 2,
        "absent": 1,
        "excused": 0,
        "made_up_elsewhere": 0,
        "made_up_here": 0,
    }
    names = [a["full_name"] for a in ok(api.get(url))["results"]]
    assert sorted(names) == ["Lê Văn Bình", "Nguyễn Thị Lan", "Trần Văn Hùng"]

    # Bình made it up in the ward's later class.
    person = f"/api/attendees/{binh['id']}/"
    answer = api.get(person)
    assert answer["ETag"] == f'"{binh["id"]}-{binh["revision"]}"'
    assert (
        api.patch(person, {"made_up_in": world.ward_planned.pk}, format="json").status_code == 428
    )
    marked = api.patch(
        person, {"made_up_in": world.ward_planned.pk}, format="json", HTTP_IF_MATCH=answer["ETag"]
    )
    assert ok(marked)["made_up_in"] == world.ward_planned.pk
    later = ok(api.get(f"/api/classes/{world.ward_planned.pk}/"))
    assert later["attendance"]["made_up_here"] == 1
    assert later["groups"][0]["attended"] == 1
    # The old version is stale; a fresh one marks him present (the make-up is dropped).
    stale = api.patch(person, {"status": "present"}, format="json", HTTP_IF_MATCH=answer["ETag"])
    assert error(stale, 412)["code"] == "precondition_failed"
    present = ok(
        api.patch(person, {"status": "present"}, format="json", HTTP_IF_MATCH=marked["ETag"])
    )
    assert (present["status"], present["made_up_in"]) == ("present", None)
    assert ok(api.get(f"/api/classes/{session.pk}/"))["groups"][0]["attended"] == 3


@pytest.mark.django_db
def test_an_attendee_the_rules_refuse_names_its_field(world, ward_clerk):
    api = client_for(ward_clerk)
    url = f"/api/classes/{world.cell_class.pk}/attendees/"
    body = {"full_name": "Phạm Văn An", "target_group": world.members.pk}

    def refused(**extra):
        return error(api.post(url, body | extra, format="json"))

    assert refused(made_up_in=world.ward_planned.pk)["field"] == "made_up_in"  # present
    assert refused(status="late")["field"] == "status"
    assert refused(target_group=world.cadres.pk + 10**6)["field"] == "target_group"
    assert refused(full_name="\x00")["field"] == "full_name"
    assert not Attendee.objects.filter(full_name="Phạm Văn An").exists()


@pytest.mark.django_db
def test_a_read_only_key_reads_but_records_nothing(world, ward_clerk):
    api = client_for(ward_clerk, read_only=True)
    url = f"/api/classes/{world.cell_class.pk}/attendees/"
    assert api.get(url).status_code == 200
    body = {"full_name": "Phạm Văn An", "target_group": world.members.pk}
    assert error(api.post(url, body, format="json"), 403)["code"] == "forbidden"
    assert not Attendee.objects.exists()


@pytest.mark.django_db
def test_target_groups(world, viewer):
    rows = ok(client_for(viewer).get("/api/target-groups/"))
    assert [g["code"] for g in rows][:3] == ["can-bo-chu-chot", "can-bo-huu-tri", "dang-vien"]


# --- quotas -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_quota_grid_is_set_with_the_version_read(world, propaganda_officer):
    api = client_for(propaganda_officer)
    url = f"/api/campaigns/{world.campaign.pk}/quotas/"
    tree = world.tree
    answer = api.get(url)
    grid = ok(answer)
    assert answer["ETag"] == f'"{world.campaign.pk}-{grid["revision"]}"'
    # The organising unit, then the delegated wards, in tree order; the campaign's groups.
    assert [u["id"] for u in grid["units"]] == [tree.city.pk, tree.ward.pk, tree.sibling.pk]
    assert [g["code"] for g in grid["target_groups"]] == ["can-bo-chu-chot", "dang-vien"]
    assert {(c["unit"], c["target_group"], c["expected"]) for c in grid["cells"]} == {
        (tree.city.pk, world.cadres.pk, 50),
        (tree.ward.pk, world.members.pk, 100),
        (tree.sibling.pk, world.members.pk, 80),
    }
    assert grid["can_manage"] is True
    cells = [
        {"unit": tree.ward.pk, "target_group": world.members.pk, "expected": 120},
        {"unit": tree.city.pk, "target_group": world.cadres.pk, "expected": None},  # removed
        {"unit": tree.cell.pk, "target_group": world.members.pk, "expected": 15},  # a new row
    ]
    assert error(api.patch(url, {"cells": cells}, format="json"), 428)["code"] == (
        "precondition_required"
    )
    changed = api.patch(url, {"cells": cells}, format="json", HTTP_IF_MATCH=answer["ETag"])
    saved = ok(changed)
    assert saved["changed"] == 3
    assert changed["ETag"] != answer["ETag"]
    assert [u["id"] for u in saved["units"]] == [
        tree.city.pk,
        tree.ward.pk,
        tree.cell.pk,
        tree.sibling.pk,
    ]
    assert {(c["unit"], c["expected"]) for c in saved["cells"]} == {
        (tree.ward.pk, 120),
        (tree.cell.pk, 15),
        (tree.sibling.pk, 80),
    }
    # The old version is stale now: nothing is written.
    again = [{"unit": tree.ward.pk, "target_group": world.members.pk, "expected": 1}]
    stale = api.patch(url, {"cells": again}, format="json", HTTP_IF_MATCH=answer["ETag"])
    assert error(stale, 412)["code"] == "precondition_failed"
    body = {"cells": again, "revision": saved["revision"]}  # the revision in the body instead
    assert ok(api.patch(url, body, format="json"))["changed"] == 1
    campaign = ok(api.get(f"/api/campaigns/{world.campaign.pk}/"))
    assert campaign["completion"]["total"]["total"]["expected"] == 1 + 15 + 80
    assert AuditEntry.objects.filter(
        object_id=str(world.campaign.pk), note="Chỉ tiêu số người"
    ).exists()


@pytest.mark.django_db
def test_a_quota_the_rules_refuse_names_its_field(world, propaganda_officer):
    from trienkhai.outreach.models import TargetGroup

    api = client_for(propaganda_officer)
    url = f"/api/campaigns/{world.campaign.pk}/quotas/"
    tree = world.tree

    def refused(unit=tree.ward, group=world.members, expected=10, extra=()):
        cells = [{"unit": unit.pk, "target_group": group.pk, "expected": expected}, *extra]
        return error(api.patch(url, {"cells": cells}, format="json", HTTP_IF_MATCH="*"))

    assert refused(unit=tree.province)["field"] == "cells"  # above the organising unit
    retired = TargetGroup.objects.get(code="can-bo-huu-tri")  # not a column of the grid
    assert "không có trong bảng" in refused(group=retired)["message"]
    assert refused(expected=-1)["field"].startswith("cells")
    assert refused(expected=10**7)["field"].startswith("cells")
    twice = [{"unit": tree.ward.pk, "target_group": world.members.pk, "expected": 3}]
    assert refused(extra=twice)["field"] == "cells"
    assert error(api.patch(url, {"cells": []}, format="json", HTTP_IF_MATCH="*"))["field"] == (
        "cells"
    )
    assert ok(api.get(url))["cells"][1]["expected"] == 100  # nothing written


@pytest.mark.django_db
def test_a_ward_reads_its_own_rows_and_sets_none(world, ward_clerk):
    api = client_for(ward_clerk)
    url = f"/api/campaigns/{world.campaign.pk}/quotas/"
    grid = ok(api.get(url))
    assert [u["id"] for u in grid["units"]] == [world.tree.ward.pk]
    assert [(c["unit"], c["expected"]) for c in grid["cells"]] == [(world.tree.ward.pk, 100)]
    assert grid["can_manage"] is False
    cells = [{"unit": world.tree.ward.pk, "target_group": world.members.pk, "expected": 1}]
    answer = api.patch(url, {"cells": cells}, format="json", HTTP_IF_MATCH="*")
    assert error(answer, 403)["code"] == "forbidden"


# --- delegations --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_campaign_is_delegated_once_however_often_it_is_retried(world, city_secretary):
    from tests.conftest import make_user
    from trienkhai.notifications.models import Notification
    from trienkhai.org.models import AccessRole

    cell_clerk = make_user("vanthu_kp1", unit=world.tree.cell, role=AccessRole.EDITOR)
    api = client_for(city_secretary)
    url = f"/api/campaigns/{world.campaign.pk}/delegations/"
    listed = ok(api.get(url))["results"]
    assert {d["unit"]["id"] for d in listed} == {world.tree.ward.pk, world.tree.sibling.pk}
    body = {"units": [world.tree.cell.pk], "deadline": "2020-09-20", "instructions": "Xong sớm."}
    headers = {"HTTP_IDEMPOTENCY_KEY": "giao-kp1"}
    first = api.post(url, body, format="json", **headers)
    (made,) = ok(first, 201)
    assert first["Location"] == url
    assert (made["unit"]["id"], made["campaign"], made["status"]) == (
        world.tree.cell.pk,
        world.campaign.pk,
        "assigned",
    )
    assert made["deadline"]["date"] == "2020-09-20"
    assert (made["instructions"], made["can_report"]) == ("Xong sớm.", True)
    again = api.post(url, body, format="json", **headers)
    assert (again.status_code, again.json()) == (201, [made])
    assert Notification.objects.filter(user=cell_clerk).count() == 1
    other = api.post(url, body | {"instructions": "Khác"}, format="json", **headers)
    assert error(other, 422)["code"] == "idempotency_key_reused"
    # Every direct sub-unit not yet delegated: the board; the deadline is the campaign's.
    (board,) = ok(api.post(url, {"all_children": True}, format="json"), 201)
    assert board["unit"]["id"] == world.tree.board.pk
    assert board["deadline"]["date"] == "2020-09-30"
    got = ok(api.get(f"/api/delegations/{made['id']}/"))
    assert got == made


@pytest.mark.django_db
def test_a_delegation_the_rules_refuse_names_its_field(world, city_secretary, ward_clerk):
    api = client_for(city_secretary)
    url = f"/api/campaigns/{world.campaign.pk}/delegations/"
    tree = world.tree

    def refused(**body):
        return error(api.post(url, body, format="json"))

    assert refused(units=[tree.ward.pk])["field"] == "units"  # delegated already
    assert refused(units=[tree.province.pk])["field"] == "units"  # not below the city
    assert refused(units=[tree.city.pk])["field"] == "units"  # the organising unit itself
    assert refused(units=[])["field"] == "units"
    late = refused(units=[tree.cell.pk], deadline="2020-10")
    assert late["field"] == "units" and "thời hạn của đợt quán triệt" in late["message"]
    assert refused(units=[tree.cell.pk], deadline="cuối tháng")["field"] == "deadline"
    assert refused(units=[10**17])["field"] == "units"
    # A delegated ward may not delegate the city's campaign further.
    answer = client_for(ward_clerk).post(url, {"units": [tree.cell.pk]}, format="json")
    assert error(answer, 403)["code"] == "forbidden"


@pytest.mark.django_db
def test_a_ward_reports_on_its_delegation(world, ward_clerk, viewer):
    api = client_for(ward_clerk)
    listed = ok(api.get(f"/api/campaigns/{world.campaign.pk}/delegations/"))["results"]
    assert [d["id"] for d in listed] == [world.ward_delegation.pk]  # never the sibling's
    assert api.get(f"/api/delegations/{world.sibling_delegation.pk}/").status_code == 404
    url = f"/api/delegations/{world.ward_delegation.pk}/"
    answer = api.get(url)
    assert ok(answer)["can_report"] is True
    text = "Đã tổ chức 2 lớp, quán triệt 30/100 đảng viên."
    assert api.patch(url, {"report": text}, format="json").status_code == 428
    assert error(api.patch(url, {"report": " "}, format="json", HTTP_IF_MATCH="*"))["field"] == (
        "report"
    )
    reported = api.patch(url, {"report": text}, format="json", HTTP_IF_MATCH=answer["ETag"])
    data = ok(reported)
    assert (data["status"], data["status_label"], data["report"]) == (
        "reported",
        "Đã báo cáo",
        text,
    )
    assert data["reported_on"] is not None
    stale = api.patch(url, {"report": "Khác"}, format="json", HTTP_IF_MATCH=answer["ETag"])
    assert error(stale, 412)["code"] == "precondition_failed"
    fixed = {"report": text + " Bổ sung.", "revision": data["revision"]}
    assert ok(api.patch(url, fixed, format="json"))["report"].endswith("Bổ sung.")
    # The city's viewer sees the delegation but may not write its report.
    looker = client_for(viewer)
    assert ok(looker.get(url))["can_report"] is False
    answer = looker.patch(url, {"report": "x"}, format="json", HTTP_IF_MATCH="*")
    assert error(answer, 403)["code"] == "forbidden"


# --- cancelling a class, removing a person ------------------------------------------------------
@pytest.mark.django_db
def test_a_ward_cancels_its_class(world, ward_clerk, viewer):
    api = client_for(ward_clerk)
    url = f"/api/classes/{world.ward_planned.pk}/cancel/"
    before = ok(api.get(f"/api/classes/{world.ward_planned.pk}/"))
    stale = api.post(url, {"revision": before["revision"] + 1}, format="json")
    assert error(stale, 412)["code"] == "precondition_failed"
    cancelled = ok(api.post(url, {"reason": "Trùng lịch họp Đảng ủy."}, format="json"))
    assert (cancelled["status"], cancelled["status_label"]) == ("cancelled", "Hủy")
    assert AuditEntry.objects.filter(
        object_id=str(world.ward_planned.pk), note="Trùng lịch họp Đảng ủy."
    ).exists()
    # Again: nothing changes.
    assert ok(api.post(url, {}, format="json"))["revision"] == cancelled["revision"]
    old = api.post(url, {}, format="json", HTTP_IF_MATCH=f'"{before["id"]}-{before["revision"]}"')
    assert old.status_code == 412
    assert error(api.post(url, {"reason": "x" * 501}, format="json"))["field"] == "reason"
    sibling = api.post(f"/api/classes/{world.sibling_class.pk}/cancel/", {}, format="json")
    assert sibling.status_code == 404
    answer = client_for(viewer).post(f"/api/classes/{world.city_class.pk}/cancel/", {})
    assert error(answer, 403)["code"] == "forbidden"
    assert ClassSession.objects.get(pk=world.city_class.pk).status == "held"


@pytest.mark.django_db
def test_a_person_is_taken_off_the_list(world, ward_clerk, viewer):
    api = client_for(ward_clerk)
    session = world.cell_class
    url = f"/api/classes/{session.pk}/attendees/"
    body = {"full_name": "Nguyễn Thị Lan", "target_group": world.members.pk}
    lan = ok(api.post(url, body, format="json"), 201)
    hung = ok(api.post(url, body | {"full_name": "Trần Văn Hùng"}, format="json"), 201)
    assert ok(api.get(f"/api/classes/{session.pk}/"))["groups"][0]["attended"] == 2
    person = f"/api/attendees/{lan['id']}/"
    # The city's viewer sees the list but may not change it.
    assert error(client_for(viewer).delete(person), 403)["code"] == "forbidden"
    stale = api.delete(person, HTTP_IF_MATCH=f'"{lan["id"]}-{lan["revision"] + 1}"')
    assert error(stale, 412)["code"] == "precondition_failed"
    gone = api.delete(person, HTTP_IF_MATCH=f'"{lan["id"]}-{lan["revision"]}"')
    assert gone.status_code == 204
    assert api.get(person).status_code == 404
    assert api.delete(person).status_code == 404
    assert ok(api.get(f"/api/classes/{session.pk}/"))["groups"][0]["attended"] == 1
    assert api.delete(f"/api/attendees/{hung['id']}/").status_code == 204  # If-Match optional
    # The list is empty again: the class reached nobody by the list.
    assert ok(api.get(f"/api/classes/{session.pk}/"))["groups"][0]["attended"] == 0


# --- the schema, as a client reads it -----------------------------------------------------------
# The live schema, with data for these endpoints (test_schemathesis covers every path with less).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application()).include(
    path_regex="^/api/(campaigns|classes|attendees|delegations|target-groups)/"
)


@pytest.fixture
def bearer(tree, world, propaganda_officer):
    """Schemathesis calls the WSGI application itself, whose request signals would close the
    database connection mid-test; they are disconnected as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {token_create(user=propaganda_officer, name='st')[1]}"}
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


def test_the_schema_documents_filters_and_bodies():
    from drf_spectacular.generators import SchemaGenerator

    spec = SchemaGenerator().get_schema(public=True)
    params = {p["name"] for p in spec["paths"]["/api/campaigns/"]["get"]["parameters"]}
    assert {"status", "unit", "year", "cursor", "page_size"} <= params
    assert "201" in spec["paths"]["/api/campaigns/"]["post"]["responses"]
    assert "patch" in spec["paths"]["/api/campaigns/{id}/"]
    assert "201" in spec["paths"]["/api/campaigns/{id}/classes/"]["post"]["responses"]
    assert "201" in spec["paths"]["/api/classes/{id}/attendees/"]["post"]["responses"]
    assert "patch" in spec["paths"]["/api/campaigns/{id}/quotas/"]
    assert "201" in spec["paths"]["/api/campaigns/{id}/delegations/"]["post"]["responses"]
    assert "patch" in spec["paths"]["/api/delegations/{id}/"]
    assert "post" in spec["paths"]["/api/classes/{id}/cancel/"]
    assert "204" in spec["paths"]["/api/attendees/{id}/"]["delete"]["responses"]
    statuses = spec["components"]["schemas"]["CampaignStatusEnum"]["enum"]
    assert statuses == ["planned", "running", "done"]
