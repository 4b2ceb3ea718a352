# ruff: noqa: F811 - the shared fixtures are imported by name, then requested as arguments
"""Programmes, indicators, measurements and periodic reports as a script uses them: the values
and statuses the pages show, deadlines with their precision, numbers that keep every digit,
filters, a measurement entered once however often the request is retried, errors naming the
field, and answers that match the published schema.

The world is the "Five No's" of Resolution 01 (2015–2020) from the indicator tests: at the end
of 2020 no temporary houses are left (achieved), 3 beggars (missed), waste collected at 96 %
(achieved), 27 drug cases for at most 30 (achieved), 89 thefts for at most 80 (missed)."""

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
from tests.conftest import make_user
from tests.documents.builders import draft
from tests.plans.test_indicators import five_nos, programme, resolution  # noqa: F401
from tests.plans.test_programmes import task
from trienkhai.api.tokens import token_create
from trienkhai.audit.models import AuditEntry
from trienkhai.org import services as org
from trienkhai.plans import reports
from trienkhai.plans.models import Frequency, Indicator, Measurement, Programme, TaskStatus

D = dt.date
THEFTS = "Số vụ trộm cắp tài sản"
BEGGARS = "Người lang thang, xin ăn địa phương"


def by_name(rows) -> dict:
    return {row["name"]: row for row in rows}


# --- programmes ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_programme_with_its_progress_tasks_and_indicators(tree, programme, five_nos, viewer):
    task(programme, tree.ward, "Quán triệt", weight=3, progress=40)
    task(programme, tree.ward, "Tổng kết", weight=1, progress=0, status=TaskStatus.DONE)
    api = client_for(viewer)
    listed = api.get("/api/programmes/").json()["results"]
    assert [p["id"] for p in listed] == [programme.pk]
    row = listed[0]
    assert row["title"] == "Chương trình thực hiện “Năm không”"
    assert row["owner_unit"] == {"id": tree.city.pk, "name": "Thành ủy Bến Tre"}
    assert row["document"]["number"] == "01-NQ/ThU"
    assert (row["start_year"], row["end_year"]) == (2016, 2020)
    assert row["progress"] == 55  # (3 × 40 + 1 × 100) / 4: a done task counts in full
    assert (row["indicator_count"], row["task_count"]) == (5, 2)

    detail = api.get(f"/api/programmes/{programme.pk}/").json()
    assert detail["progress_detail"] == {"percent": 55, "tasks": 2, "weight": 4}
    assert detail["task_counts"]["total"] == 2
    assert detail["task_counts"]["by_status"]["done"] == 1
    statuses = {i["name"]: i["status"]["code"] for i in detail["indicators"]}
    assert statuses[THEFTS] == "missed"
    assert statuses["Hộ ở nhà tạm"] == "achieved"


@pytest.mark.django_db
def test_programme_filters(tree, programme, resolution, city_secretary):
    api = client_for(city_secretary)

    def found(**params):
        answer = api.get("/api/programmes/", params)
        assert answer.status_code == 200, answer.json()
        return [p["id"] for p in answer.json()["results"]]

    assert found(unit=tree.city.pk) == [programme.pk]
    assert found(unit=tree.ward.pk) == []
    assert found(document=resolution.pk) == [programme.pk]
    assert found(field="Trật tự, an toàn xã hội và môi trường") == [programme.pk]
    assert found(q="năm không") == [programme.pk]
    assert found(q="đô thị") == []
    bad = api.get("/api/programmes/", {"unit": "city"})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "unit"
    assert api.get("/api/programmes/", {"document": 10**17}).status_code == 404


# --- indicators ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_indicator_as_its_page_shows_it(tree, five_nos, city_secretary):
    api = client_for(city_secretary)
    thefts = five_nos[THEFTS]
    data = api.get(f"/api/indicators/{thefts.pk}/").json()
    assert data["unit"] == {"id": tree.city.pk, "name": "Thành ủy Bến Tre"}
    assert data["direction"] == "at_most"
    assert data["measure_unit"] == "vụ"
    assert data["baseline"] == {"value": "150", "year": 2015}
    assert data["target"] == {
        "value": "80",
        "deadline": {
            "date": "2020-01-01",
            "precision": "year",
            "text": "2020",
            "ends_on": "2020-12-31",
        },
    }
    assert data["by_subunits"] is True and data["rollup"] == "sum"
    # The value is the sum of each ward's latest value up to the end of the target period.
    assert data["latest"] == {"value": "89", "measured_on": "2020-12-31"}
    status = data["status"]
    assert status["code"] == "missed"
    assert status["label"] == "Không đạt"
    assert status["value"] == "89" and status["from_baseline"] is False
    # Every branch below the city, with the sum of its latest values (none for the board).
    assert {(r["unit"]["name"], r["value"]) for r in data["breakdown"]} == {
        ("Ban Tuyên giáo Thành ủy", None),
        ("Đảng ủy Phường An Hội", "45"),
        ("Đảng ủy Phường Phú Khương", "44"),
    }
    assert data["series"][0] == {"year": 2015, "value": "150"}
    assert data["series"][-1] == {"year": 2020, "value": "89"}


@pytest.mark.django_db
def test_a_ward_sees_only_its_own_branch_of_the_breakdown(tree, five_nos, ward_clerk):
    api = client_for(ward_clerk)
    thefts = five_nos[THEFTS]
    data = api.get(f"/api/indicators/{thefts.pk}/").json()
    assert [r["unit"]["id"] for r in data["breakdown"]] == [tree.ward.pk]
    values = api.get(f"/api/indicators/{thefts.pk}/measurements/").json()["results"]
    assert {m["unit"]["id"] for m in values} == {tree.ward.pk}


@pytest.mark.django_db
def test_indicator_list_filters_and_statuses(tree, programme, five_nos, viewer):
    api = client_for(viewer)
    rows = by_name(api.get("/api/indicators/").json()["results"])
    assert {n: r["status"]["code"] for n, r in rows.items()} == {
        "Hộ ở nhà tạm": "achieved",
        BEGGARS: "missed",
        "Tỷ lệ thu gom rác thải": "achieved",
        "Số vụ phạm tội về ma túy": "achieved",
        THEFTS: "missed",
    }
    assert rows["Tỷ lệ thu gom rác thải"]["latest"]["value"] == "96"
    assert rows["Hộ ở nhà tạm"]["target"]["value"] == "0"  # eliminate: the goal is 0

    def names(**params):
        answer = api.get("/api/indicators/", params)
        assert answer.status_code == 200, answer.json()
        return set(by_name(answer.json()["results"]))

    assert names(status="off_track") == {BEGGARS, THEFTS}
    assert names(status="achieved", q="hộ") == {"Hộ ở nhà tạm"}
    assert len(names(programme=programme.pk)) == 5
    assert names(unit=tree.ward.pk) == set()
    bad = api.get("/api/indicators/", {"status": "late"})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "status"


@pytest.mark.django_db
def test_pages_of_indicators_follow_the_cursor(tree, five_nos, viewer):
    api = client_for(viewer)
    seen, url = [], "/api/indicators/?page_size=2"
    while url:
        page = api.get(url).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(i.pk for i in five_nos.values())
    assert len(seen) == len(set(seen))


# --- measurements -------------------------------------------------------------------------------
def value_body(unit, **extra):
    body = {"unit": unit.pk, "value": "40.5", "measured_on": "2021-06-30", "source": "BC 12-BC/ĐU"}
    return body | extra


@pytest.mark.django_db
def test_a_ward_enters_its_value_once_however_often_it_retries(tree, five_nos, ward_clerk):
    api = client_for(ward_clerk)
    thefts = five_nos[THEFTS]
    url = f"/api/indicators/{thefts.pk}/measurements/"
    headers = {"HTTP_IDEMPOTENCY_KEY": "trom-cap-2021-06"}
    first = api.post(url, value_body(tree.ward), format="json", **headers)
    assert first.status_code == 201, first.json()
    data = first.json()
    assert data["unit"] == {"id": tree.ward.pk, "name": "Đảng ủy Phường An Hội"}
    assert (data["value"], data["measured_on"], data["source"]) == (
        "40.5",
        "2021-06-30",
        "BC 12-BC/ĐU",
    )
    again = api.post(url, value_body(tree.ward), format="json", **headers)
    assert (again.status_code, again.json()["id"]) == (201, data["id"])
    assert Measurement.objects.filter(indicator=thefts, measured_on=D(2021, 6, 30)).count() == 1
    other = api.post(url, value_body(tree.ward, value=41), format="json", **headers)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert AuditEntry.objects.filter(object_id=str(data["id"]), action="create").exists()
    listed = api.get(url).json()["results"]
    assert listed[0]["id"] == data["id"]


@pytest.mark.django_db
def test_a_value_the_rules_refuse_names_its_field(tree, five_nos, ward_clerk, city_secretary):
    api = client_for(ward_clerk)
    thefts = five_nos[THEFTS]
    url = f"/api/indicators/{thefts.pk}/measurements/"

    def error(body):
        answer = api.post(url, body, format="json")
        assert answer.status_code == 400, answer.json()
        return answer.json()["error"]

    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    err = error(value_body(tree.ward, measured_on=future))
    assert err["field"] == "measured_on"
    assert "ở tương lai" in err["message"]
    assert err["message_en"]
    assert error(value_body(tree.ward, value="mười"))["field"] == "value"
    assert error(value_body(tree.ward, value="1e20"))["field"] == "value"
    assert error(value_body(tree.ward, measured_on="30/06/2021"))["field"] == "measured_on"
    assert error({"value": 1})["fields"].keys() >= {"unit", "measured_on"}
    # The cell is below the ward, which already reports: summed, it would be counted twice.
    err = error(value_body(tree.cell))
    assert err["field"] == "unit" and "cộng trùng" in err["message"]
    # The sibling ward is not the clerk's to see, let alone to enter.
    assert error(value_body(tree.sibling))["field"] == "unit"
    # A percentage stays within 0 and 100 (the city's waste collection rate).
    waste = five_nos["Tỷ lệ thu gom rác thải"]
    answer = client_for(city_secretary).post(
        f"/api/indicators/{waste.pk}/measurements/", value_body(tree.city, value=120), format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "value"


@pytest.mark.django_db
def test_a_read_only_key_reads_values_but_enters_none(tree, five_nos, ward_clerk):
    api = client_for(ward_clerk, read_only=True)
    thefts = five_nos[THEFTS]
    url = f"/api/indicators/{thefts.pk}/measurements/"
    assert api.get(url).status_code == 200
    answer = api.post(url, value_body(tree.ward), format="json")
    assert answer.status_code == 403
    assert not Measurement.objects.filter(measured_on=D(2021, 6, 30)).exists()


# --- periodic reports ---------------------------------------------------------------------------
@pytest.fixture
def quarterly(tree, city_secretary):
    """The city asks its grassroots committees for a quarterly report from 2021: An Hội submits
    Q1 on time and Q2 late; Phú Khương keeps a draft for Q1."""
    schedule = reports.schedule_create(
        actor=city_secretary,
        title="Báo cáo kết quả thực hiện chương trình làm việc hằng quý",
        parent_unit=tree.city,
        unit_kinds=["grassroots_party_committee"],
        frequency=Frequency.QUARTERLY,
        due_days=10,
        starts_on=D(2021, 1, 1),
    )

    def save(unit, start, day, submit=True):
        return reports.report_save(
            actor=None,
            schedule=schedule,
            unit=unit,
            period_start=start,
            sections={"results": f"Kết quả của {unit.name}", "next_tasks": "Tiếp tục"},
            submit=submit,
            today=day,
        )

    schedule.q1 = save(tree.ward, D(2021, 1, 1), D(2021, 4, 5))
    schedule.q2 = save(tree.ward, D(2021, 4, 1), D(2021, 7, 20))
    schedule.draft = save(tree.sibling, D(2021, 1, 1), D(2021, 3, 20), submit=False)
    return schedule


@pytest.mark.django_db
def test_reports_with_their_period_due_date_and_state(tree, quarterly, city_secretary):
    api = client_for(city_secretary)
    rows = {r["id"]: r for r in api.get("/api/reports/").json()["results"]}
    assert set(rows) == {quarterly.q1.pk, quarterly.q2.pk, quarterly.draft.pk}
    q1 = rows[quarterly.q1.pk]
    assert q1["schedule"]["id"] == quarterly.pk
    assert q1["schedule"]["frequency"] == "quarterly"
    assert q1["unit"] == {"id": tree.ward.pk, "name": "Đảng ủy Phường An Hội"}
    assert q1["period"] == {"start": "2021-01-01", "end": "2021-03-31", "label": "Quý I/2021"}
    assert q1["due_on"] == "2021-04-10"
    assert (q1["status"], q1["state"], q1["is_late"]) == ("submitted", "on_time", False)
    assert q1["state_label"] == "Đã gửi đúng hạn"
    assert rows[quarterly.q2.pk]["state"] == "late"
    # A draft whose deadline has passed is a missing report, as the period page says.
    assert (rows[quarterly.draft.pk]["status"], rows[quarterly.draft.pk]["state"]) == (
        "draft",
        "missing",
    )

    def found(**params):
        answer = api.get("/api/reports/", params)
        assert answer.status_code == 200, answer.json()
        return {r["id"] for r in answer.json()["results"]}

    assert found(unit=tree.sibling.pk) == {quarterly.draft.pk}
    assert found(status="submitted") == {quarterly.q1.pk, quarterly.q2.pk}
    assert found(period="2021-04-01") == {quarterly.q2.pk}
    assert found(schedule=quarterly.pk, unit=tree.ward.pk) == {quarterly.q1.pk, quarterly.q2.pk}
    assert api.get("/api/reports/", {"period": "Q1"}).json()["error"]["field"] == "period"
    assert api.get("/api/reports/", {"status": "late"}).status_code == 400
    assert api.get("/api/reports/", {"schedule": 10**17}).status_code == 404

    detail = api.get(f"/api/reports/{quarterly.q1.pk}/")
    assert detail["ETag"] == f'"{quarterly.q1.pk}-{quarterly.q1.revision}"'
    data = detail.json()
    assert data["sections"] == {
        "results": "Kết quả của Đảng ủy Phường An Hội",
        "limitations": "",
        "next_tasks": "Tiếp tục",
    }
    assert "tasks" in data["figures"]


@pytest.mark.django_db
def test_a_ward_sees_its_reports_never_its_siblings(tree, quarterly, ward_clerk):
    api = client_for(ward_clerk)
    listed = {r["id"] for r in api.get("/api/reports/").json()["results"]}
    assert listed == {quarterly.q1.pk, quarterly.q2.pk}
    assert api.get(f"/api/reports/{quarterly.draft.pk}/").status_code == 404
    assert api.get("/api/reports/", {"unit": tree.sibling.pk}).status_code == 404


# --- writing programmes ---------------------------------------------------------------------------
def programme_body(tree, resolution, **extra):
    body = {
        "document": resolution.pk,
        "title": "Chương trình phát triển đô thị",
        "field": "Đô thị",
        "owner_unit": tree.city.pk,
        "start_year": 2021,
        "end_year": 2025,
        "description": "Xây dựng thành phố đạt đô thị loại I.",
    }
    return body | extra


@pytest.mark.django_db
def test_a_programme_is_set_up_once_however_often_it_is_sent(tree, resolution, city_secretary):
    api = client_for(city_secretary)
    headers = {"HTTP_IDEMPOTENCY_KEY": "ctr-do-thi-2021"}
    first = api.post("/api/programmes/", programme_body(tree, resolution), format="json", **headers)
    assert first.status_code == 201, first.json()
    data = first.json()
    assert first["Location"] == f"/api/programmes/{data['id']}/"
    assert data["owner_unit"] == {"id": tree.city.pk, "name": "Thành ủy Bến Tre"}
    assert data["document"]["number"] == "01-NQ/ThU"
    assert (data["start_year"], data["end_year"], data["field"]) == (2021, 2025, "Đô thị")
    assert data["indicators"] == [] and data["version"].startswith(f"{data['id']}-")
    again = api.post("/api/programmes/", programme_body(tree, resolution), format="json", **headers)
    assert (again.status_code, again.json()["id"]) == (201, data["id"])
    assert Programme.objects.filter(title="Chương trình phát triển đô thị").count() == 1
    assert AuditEntry.objects.filter(object_id=str(data["id"]), action="create").exists()


@pytest.mark.django_db
def test_a_programme_the_rules_refuse_names_its_field(tree, resolution, city_secretary):
    api = client_for(city_secretary)

    def error(**extra):
        answer = api.post(
            "/api/programmes/", programme_body(tree, resolution, **extra), format="json"
        )
        assert answer.status_code == 400, answer.json()
        return answer.json()["error"]

    err = error(start_year=2025, end_year=2021)
    assert err["field"] == "end_year" and "trước năm bắt đầu" in err["message"]
    assert err["message_en"]
    assert error(start_year=1900)["field"] == "start_year"
    assert error(programme_document=resolution.pk)["field"] == "programme_document"
    plan_draft = draft(tree.city, "Dự thảo kế hoạch phát triển đô thị", doc_type="KH")
    assert "chưa được ban hành" in error(document=plan_draft.pk)["message"]
    assert error(document=10**17)["field"] == "document"
    assert error(owner_unit=10**17)["field"] == "owner_unit"
    assert error(title="  ")["field"] == "title"
    assert set(error(title=None, document=None)["fields"]) >= {"title", "document"}


@pytest.mark.django_db
def test_a_programme_changes_only_from_the_version_one_read(tree, programme, city_secretary):
    api = client_for(city_secretary)
    url = f"/api/programmes/{programme.pk}/"
    read = api.get(url)
    etag = read["ETag"]
    assert etag == f'"{read.json()["version"]}"'

    missing = api.patch(url, {"title": "Tên mới"}, format="json")
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"

    changed = api.patch(url, {"end_year": 2021}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200, changed.json()
    assert changed.json()["end_year"] == 2021
    assert changed["ETag"] != etag
    assert AuditEntry.objects.filter(object_id=str(programme.pk), action="update").exists()

    # Someone else changed it since: the old version is refused, nothing is written.
    late = api.patch(url, {"title": "Tên khác"}, format="json", HTTP_IF_MATCH=etag)
    assert late.status_code == 412
    assert late.json()["error"]["code"] == "precondition_failed"
    programme.refresh_from_db()
    assert programme.title == "Chương trình thực hiện “Năm không”"

    other = api.patch(url, {"title": "Tên khác"}, format="json", HTTP_IF_MATCH='"1-abc"')
    assert other.status_code == 412

    version = changed.json()["version"]
    by_field = api.patch(url, {"title": "Tên khác", "version": version}, format="json")
    assert by_field.status_code == 200, by_field.json()
    assert by_field.json()["title"] == "Tên khác"
    bad = api.patch(
        url, {"start_year": 2030}, format="json", HTTP_IF_MATCH=by_field["ETag"]
    ).json()["error"]
    assert bad["field"] == "end_year"


@pytest.mark.django_db
def test_a_programme_keeps_an_owner_above_its_indicators(tree, programme, five_nos, admin_user):
    api = client_for(admin_user)
    url = f"/api/programmes/{programme.pk}/"
    answer = api.patch(url, {"owner_unit": tree.ward.pk}, format="json", HTTP_IF_MATCH="*")
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "owner_unit"


# --- writing indicators ---------------------------------------------------------------------------
def indicator_body(unit, **extra):
    body = {
        "unit": unit.pk,
        "name": "Tỷ lệ hộ dân dùng nước sạch",
        "measure_unit": "%",
        "direction": "at_least",
        "target_value": "98.5",
        "target_deadline": "2025-Q4",
        "baseline_value": "90",
        "baseline_year": 2020,
        "rollup": "none",
    }
    return body | extra


@pytest.mark.django_db
def test_an_indicator_is_defined_with_its_target_once(tree, programme, city_secretary):
    api = client_for(city_secretary)
    body = indicator_body(tree.city, programme=programme.pk)
    headers = {"HTTP_IDEMPOTENCY_KEY": "nuoc-sach"}
    first = api.post("/api/indicators/", body, format="json", **headers)
    assert first.status_code == 201, first.json()
    data = first.json()
    assert first["Location"] == f"/api/indicators/{data['id']}/"
    assert (data["programme"], data["document"]) == (programme.pk, programme.document_id)
    assert data["target"] == {
        "value": "98.5",
        "deadline": {
            "date": "2025-10-01",
            "precision": "quarter",
            "text": "2025-Q4",
            "ends_on": "2025-12-31",
        },
    }
    assert data["baseline"] == {"value": "90", "year": 2020}
    assert (data["direction"], data["rollup"], data["by_subunits"]) == ("at_least", "none", False)
    again = api.post("/api/indicators/", body, format="json", **headers)
    assert again.json()["id"] == data["id"]
    assert Indicator.objects.filter(name="Tỷ lệ hộ dân dùng nước sạch").count() == 1

    # "Eliminate" has 0 for its goal; an indicator outside a programme carries a document.
    gone = api.post(
        "/api/indicators/",
        indicator_body(
            tree.ward,
            name="Hộ ở nhà tạm",
            measure_unit="hộ",
            direction="eliminate",
            target_value=None,
            target_deadline="2025",
            document=programme.document_id,
        ),
        format="json",
    )
    assert gone.status_code == 201, gone.json()
    assert gone.json()["target"]["value"] == "0"
    assert (gone.json()["programme"], gone.json()["document"]) == (None, programme.document_id)


@pytest.mark.django_db
def test_an_indicator_the_rules_refuse_names_its_field(tree, programme, city_secretary):
    api = client_for(city_secretary)

    def error(**extra):
        body = indicator_body(tree.city, programme=programme.pk) | extra
        answer = api.post("/api/indicators/", body, format="json")
        assert answer.status_code == 400, answer.json()
        return answer.json()["error"]

    assert error(by_subunits=True, rollup="sum")["field"] == "rollup"
    assert error(target_value="120")["field"] == "target_value"
    assert error(target_deadline="quý 4")["field"] == "target_deadline"
    assert error(target_deadline=None)["field"] == "target_deadline"
    assert error(baseline_year=2030)["field"] == "baseline_year"
    assert error(direction="more")["field"] == "direction"
    assert error(document=programme.document_id + 1)["field"] == "document"
    assert error(programme=10**17)["field"] == "programme"
    assert error(unit=10**17)["field"] == "unit"
    # A unit outside the programme's owner (a district beside the city) is refused by the
    # service, even for an administrator who may edit both.
    other = org.unit_create(
        actor=None, parent=tree.province, kind="district_party_committee", name="Huyện ủy"
    )
    admin = client_for(make_user("qt2", superuser=True))
    answer = admin.post(
        "/api/indicators/", indicator_body(other, programme=programme.pk), format="json"
    )
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "unit"


@pytest.mark.django_db
def test_an_indicator_changes_only_from_the_version_one_read(tree, five_nos, city_secretary):
    api = client_for(city_secretary)
    thefts = five_nos[THEFTS]
    url = f"/api/indicators/{thefts.pk}/"
    etag = api.get(url)["ETag"]
    assert api.patch(url, {"target_value": "70"}, format="json").status_code == 428
    changed = api.patch(
        url, {"target_value": "70", "target_deadline": "2021-06"}, format="json", HTTP_IF_MATCH=etag
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["target"]["value"] == "70"
    assert changed.json()["target"]["deadline"]["text"] == "2021-06"
    assert changed["ETag"] != etag
    stale = api.patch(url, {"name": "Trộm cắp"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    fresh = changed["ETag"]
    moved = api.patch(url, {"programme": None}, format="json", HTTP_IF_MATCH=fresh)
    assert moved.status_code == 400 and moved.json()["error"]["field"] == "programme"
    # Values of the wards are entered: it cannot stop being followed by sub-units.
    flat = api.patch(url, {"by_subunits": False}, format="json", HTTP_IF_MATCH=fresh)
    assert flat.status_code == 400 and flat.json()["error"]["field"] == "by_subunits"
    thefts.refresh_from_db()
    assert thefts.by_subunits and thefts.name == THEFTS


@pytest.mark.django_db
def test_a_read_only_key_defines_nothing(tree, programme, resolution, city_secretary):
    api = client_for(city_secretary, read_only=True)
    assert (
        api.post("/api/programmes/", programme_body(tree, resolution), format="json").status_code
        == 403
    )
    body = indicator_body(tree.city, programme=programme.pk)
    assert api.post("/api/indicators/", body, format="json").status_code == 403
    url = f"/api/programmes/{programme.pk}/"
    assert api.patch(url, {"title": "X"}, format="json", HTTP_IF_MATCH="*").status_code == 403
    assert Programme.objects.count() == 1 and not Indicator.objects.exists()


# --- writing reports ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_ward_drafts_then_submits_its_report(tree, quarterly, ward_clerk):
    api = client_for(ward_clerk)
    body = {
        "schedule": quarterly.pk,
        "unit": tree.ward.pk,
        "period": "2021-07-01",
        "sections": {"results": "Đã tổ chức học tập nghị quyết."},
    }
    headers = {"HTTP_IDEMPOTENCY_KEY": "bc-q3-2021"}
    first = api.post("/api/reports/", body, format="json", **headers)
    assert first.status_code == 201, first.json()
    data = first.json()
    assert first["Location"] == f"/api/reports/{data['id']}/"
    assert (data["status"], data["revision"]) == ("draft", 1)
    assert data["period"]["label"] == "Quý III/2021"
    assert data["sections"]["results"] == "Đã tổ chức học tập nghị quyết."
    assert api.post("/api/reports/", body, format="json", **headers).json()["id"] == data["id"]
    twice = api.post("/api/reports/", body, format="json")
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "conflict"

    url = f"/api/reports/{data['id']}/"
    etag = api.get(url)["ETag"]
    assert api.patch(url, {"submit": True}, format="json").status_code == 428
    sent = api.patch(
        url,
        {"sections": {"limitations": "Còn chậm."}, "submit": True},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert sent.status_code == 200, sent.json()
    report = sent.json()
    assert (report["status"], report["revision"], report["is_late"]) == ("submitted", 2, True)
    assert report["sections"] == {
        "results": "Đã tổ chức học tập nghị quyết.",
        "limitations": "Còn chậm.",
        "next_tasks": "",
    }
    assert sent["ETag"] == f'"{data["id"]}-2"'
    stale = api.patch(url, {"sections": {"results": "Khác"}}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    by_revision = api.patch(
        url, {"sections": {"next_tasks": "Tiếp tục"}, "revision": 2}, format="json"
    )
    assert by_revision.status_code == 200
    assert by_revision.json()["status"] == "submitted"  # saving again keeps it sent
    assert AuditEntry.objects.filter(object_id=str(data["id"]), action="update").count() == 2


@pytest.mark.django_db
def test_a_report_the_rules_refuse_names_its_field(tree, quarterly, ward_clerk, viewer):
    api = client_for(ward_clerk)
    body = {"schedule": quarterly.pk, "unit": tree.ward.pk, "period": "2021-07-01"}

    def error(**extra):
        answer = api.post("/api/reports/", body | extra, format="json")
        assert answer.status_code == 400, answer.json()
        return answer.json()["error"]

    assert error(period="2021-08-01")["field"] == "period"
    assert error(period="9999-12-31")["field"] == "period"
    assert error(period="2021-13-01")["field"] == "period"
    assert error(unit=tree.cell.pk)["field"] == "unit"  # a party cell does not report here
    assert error(unit=tree.sibling.pk)["field"] == "unit"  # not the clerk's to see
    assert error(schedule=10**17)["field"] == "schedule"
    err = error(submit=True, sections={"results": "  "})
    assert err["field"] == "results" and "kết quả" in err["message"]
    future = error(period="2099-01-01")
    assert future["field"] is None and "chưa bắt đầu" in future["message"]
    seen_only = client_for(viewer).post("/api/reports/", body, format="json")
    assert seen_only.status_code == 403
    read_only = client_for(ward_clerk, read_only=True)
    assert read_only.post("/api/reports/", body, format="json").status_code == 403
    url = f"/api/reports/{quarterly.q1.pk}/"
    assert read_only.patch(url, {"revision": 1}, format="json").status_code == 403


# --- the schema, as a client reads it -----------------------------------------------------------
# The live schema, with data for these endpoints (test_schemathesis covers every path with less).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application()).include(
    path_regex="^/api/(programmes|indicators|reports)/"
)


@pytest.fixture
def keep_connection():
    """Schemathesis calls the WSGI application itself, whose request signals would close the
    database connection mid-test (PostgreSQL then loses the test's transaction); Django's own
    test client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(keep_connection, tree, five_nos, quarterly, city_secretary):
    return {"Authorization": f"Bearer {token_create(user=city_secretary, name='st')[1]}"}


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@pytest.mark.django_db
def test_answers_match_the_schema(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])


def test_the_schema_documents_lists_filters_and_the_measurement_body():
    from drf_spectacular.generators import SchemaGenerator

    spec = SchemaGenerator().get_schema(public=True)
    listed = spec["paths"]["/api/indicators/"]["get"]
    params = {p["name"] for p in listed["parameters"]}
    assert {"programme", "unit", "status", "q", "cursor", "page_size"} <= params
    ok = listed["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("PaginatedIndicatorOutList")
    post = spec["paths"]["/api/indicators/{id}/measurements/"]["post"]
    assert "201" in post["responses"]
    assert {p["name"] for p in spec["paths"]["/api/reports/"]["get"]["parameters"]} >= {
        "schedule",
        "unit",
        "status",
        "period",
    }
