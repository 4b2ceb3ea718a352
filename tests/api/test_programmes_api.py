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
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.plans.test_indicators import five_nos, programme, resolution  # noqa: F401
from tests.plans.test_programmes import task
from trienkhai.api.tokens import token_create
from trienkhai.audit.models import AuditEntry
from trienkhai.plans import reports
from trienkhai.plans.models import Frequency, Measurement, TaskStatus

D = dt.date
THEFTS = "Số vụ trộm cắp tài sản"
BEGGARS = "Người lang thang, xin ăn địa phương"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_for(user, read_only=False):
    client = APIClient()
    _token, raw = token_create(user=user, name="script", read_only=read_only)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


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
