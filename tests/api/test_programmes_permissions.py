"""Programmes, indicators, measurements and reports through the API: every endpoint × every
role × a unit of one's own, a descendant and a sibling (and the unit above). A token has exactly
its owner's rights: 404 for what one may not see, 403 for what one sees but may not do.

Plans flow down the tree: a unit sees the programmes and indicators of its ancestors (it carries
them out), never a sibling's; a report is seen by those who see its unit, not by the units below.
"""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests.api.clients import api
from trienkhai.api.tokens import token_create
from trienkhai.documents import services as documents
from trienkhai.org import services as org
from trienkhai.org.models import UnitKind
from trienkhai.plans import indicators as indicator_services
from trienkhai.plans import programmes as programme_services
from trienkhai.plans import reports
from trienkhai.plans.models import Direction, Frequency

D = dt.date

ROLES = ["admin_user", "city_secretary", "propaganda_officer", "ward_clerk", "viewer", "outsider"]
TARGETS = {"own": "city", "descendant": "ward", "sibling": "district", "ancestor": "province"}
WARD_TARGETS = {"own": "ward", "descendant": "cell", "sibling": "sibling", "ancestor": "city"}
EDITORS = {"admin_user", "city_secretary", "propaganda_officer", "ward_clerk"}

# Who sees the programmes and indicators of which unit (ancestors' too).
PLAN_SEEN = {
    "admin_user": {"own", "descendant", "sibling", "ancestor"},
    "city_secretary": {"own", "descendant", "ancestor"},
    "propaganda_officer": {"own", "descendant", "ancestor"},
    "ward_clerk": {"own", "descendant", "ancestor"},
    "viewer": {"own", "descendant", "ancestor"},
    "outsider": set(),
}
# Who sees a unit's reports: those who see the unit (no ancestors').
REPORT_SEEN = {
    "admin_user": {"own", "descendant", "sibling", "ancestor"},
    "city_secretary": {"own", "descendant"},
    "propaganda_officer": {"own", "descendant"},
    "ward_clerk": {"own", "descendant"},
    "viewer": {"own", "descendant"},
    "outsider": set(),
}
MATRIX = [(role, target) for role in ROLES for target in TARGETS]
# The province reports to no one: the city personas' "ancestor" has no report.
REPORT_MATRIX = [(r, t) for r, t in MATRIX if t != "ancestor" or r == "ward_clerk"]


def target_unit(world, role, target):
    return getattr(world, (WARD_TARGETS if role == "ward_clerk" else TARGETS)[target])


@pytest.fixture
def world(tree):
    """Each unit of the persona tree, and a second district, owns a programme carrying out its
    own plan, with one indicator and one value; the units below the province report quarterly
    (Q1 2021, submitted)."""
    tree.district = org.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
    )
    schedule = reports.schedule_create(
        actor=None,
        title="Báo cáo quý",
        parent_unit=tree.province,
        unit_kinds=[
            UnitKind.CITY_PARTY_COMMITTEE,
            UnitKind.DISTRICT_PARTY_COMMITTEE,
            UnitKind.GRASSROOTS_PARTY_COMMITTEE,
            UnitKind.PARTY_CELL,
        ],
        frequency=Frequency.QUARTERLY,
        due_days=10,
        starts_on=D(2021, 1, 1),
    )
    for number, name in enumerate(("province", "city", "district", "ward", "cell", "sibling"), 1):
        unit = getattr(tree, name)
        plan = documents.document_register(
            actor=None,
            owner_unit=unit,
            issuer_unit=unit,
            number_text=f"{number:02d}-KH/ĐU",
            issued_on=D(2020, 10, 1),
            summary=f"Kế hoạch thực hiện nghị quyết của {unit.name}",
        )
        unit.programme = programme_services.programme_create(
            actor=None,
            document=plan,
            title=f"Chương trình của {unit.name}",
            field="Đô thị",
            owner_unit=unit,
            start_year=2020,
            end_year=2025,
        )
        unit.indicator = indicator_services.indicator_create(
            actor=None,
            programme=unit.programme,
            unit=unit,
            name=f"Số vụ trộm cắp ở {unit.name}",
            measure_unit="vụ",
            direction=Direction.AT_MOST,
            target_value=Decimal(10),
            target_date=D(2025, 1, 1),
        )
        unit.measurement = indicator_services.measurement_add(
            actor=None,
            indicator=unit.indicator,
            unit=unit,
            value=Decimal(12),
            measured_on=D(2021, 12, 31),
        )
        unit.report = None
        if name != "province":
            unit.report = reports.report_save(
                actor=None,
                schedule=schedule,
                unit=unit,
                period_start=D(2021, 1, 1),
                sections={"results": f"Kết quả quý I của {unit.name}"},
                submit=True,
                today=D(2021, 4, 5),
            )
    return tree


def ids(answer) -> set[int]:
    assert answer.status_code == 200, answer.json()
    return {row["id"] for row in answer.json()["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_programmes_and_indicators(request, world, role, target):
    unit = target_unit(world, role, target)
    client = api(request, role)
    seen = target in PLAN_SEEN[role]
    code = 200 if seen else 404
    assert client.get(f"/api/programmes/{unit.programme.pk}/").status_code == code
    assert (unit.programme.pk in ids(client.get("/api/programmes/", {"page_size": 500}))) is seen
    assert client.get(f"/api/indicators/{unit.indicator.pk}/").status_code == code
    assert (unit.indicator.pk in ids(client.get("/api/indicators/", {"page_size": 500}))) is seen
    listed = client.get(f"/api/indicators/{unit.indicator.pk}/measurements/")
    assert listed.status_code == code
    if seen:
        assert unit.measurement.pk in ids(listed)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_entering_a_measurement(request, world, role, target):
    unit = target_unit(world, role, target)
    seen = target in PLAN_SEEN[role]
    may = seen and role in EDITORS and (role == "admin_user" or target in ("own", "descendant"))
    answer = api(request, role).post(
        f"/api/indicators/{unit.indicator.pk}/measurements/",
        {"unit": unit.pk, "value": "9", "measured_on": "2022-06-30", "source": "Báo cáo"},
        format="json",
    )
    assert answer.status_code == (201 if may else 403 if seen else 404), answer.json()
    if answer.status_code == 403:
        assert answer.json()["error"]["code"] == "forbidden"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "target"), REPORT_MATRIX, ids=[f"{r}-{t}" for r, t in REPORT_MATRIX]
)
def test_reports(request, world, role, target):
    unit = target_unit(world, role, target)
    client = api(request, role)
    seen = target in REPORT_SEEN[role]
    assert client.get(f"/api/reports/{unit.report.pk}/").status_code == (200 if seen else 404)
    assert (unit.report.pk in ids(client.get("/api/reports/", {"page_size": 500}))) is seen


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["own", "sibling"])
def test_filters_name_only_what_one_sees(request, world, role, target):
    """A filter on a unit or programme one may not see answers 404, like opening it."""
    unit = target_unit(world, role, target)
    client = api(request, role)
    unit_seen = target in REPORT_SEEN[role]  # seeing the unit itself
    plan_seen = target in PLAN_SEEN[role]
    for path in ("/api/programmes/", "/api/indicators/", "/api/reports/"):
        code = client.get(path, {"unit": unit.pk}).status_code
        assert code == (200 if unit_seen else 404), path
    code = client.get("/api/indicators/", {"programme": unit.programme.pk}).status_code
    assert code == (200 if plan_seen else 404)


# --- writes ---------------------------------------------------------------------------------------
def may_change(role, target) -> bool:
    """Editors change what belongs to their unit and the units below it (admins: anything)."""
    return role == "admin_user" or (role in EDITORS and target in ("own", "descendant"))


def create_code(role, target, seen: set) -> int:
    """A create names its unit in the body: one the user does not see is a field error (400),
    one seen but not theirs to change 403; without any unit to change, 403 at once."""
    if role in ("viewer", "outsider"):
        return 403
    if target not in seen:
        return 400
    return 201 if may_change(role, target) else 403


def update_code(role, target, seen: set) -> int:
    if target not in seen:
        return 404
    return 200 if may_change(role, target) else 403


def version(client, path) -> str:
    """The ETag as the record's own reader gets it (an administrator reads every one)."""
    return client.get(path)["ETag"]


@pytest.fixture
def reader(admin_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=admin_user, name='r')[1]}")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_setting_up_a_programme(request, world, role, target):
    unit = target_unit(world, role, target)
    body = {
        "document": unit.programme.document_id,
        "title": "Chương trình chuyển đổi số",
        "field": "Chuyển đổi số",
        "owner_unit": unit.pk,
        "start_year": 2021,
        "end_year": 2025,
    }
    answer = api(request, role).post("/api/programmes/", body, format="json")
    expected = create_code(role, target, REPORT_SEEN[role])  # seeing the unit itself
    assert answer.status_code == expected, answer.json()
    if expected == 400:  # (the sibling's plan is not theirs to read either)
        assert "owner_unit" in answer.json()["error"]["fields"]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_changing_a_programme(request, world, reader, role, target):
    unit = target_unit(world, role, target)
    path = f"/api/programmes/{unit.programme.pk}/"
    etag = version(reader, path)
    answer = api(request, role).patch(path, {"end_year": 2026}, format="json", HTTP_IF_MATCH=etag)
    assert answer.status_code == update_code(role, target, PLAN_SEEN[role]), answer.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_defining_an_indicator(request, world, role, target):
    unit = target_unit(world, role, target)
    body = {
        "programme": unit.programme.pk,
        "unit": unit.pk,
        "name": "Số hộ dùng dịch vụ công trực tuyến",
        "measure_unit": "hộ",
        "direction": "at_least",
        "target_value": "500",
        "target_deadline": "2025",
    }
    answer = api(request, role).post("/api/indicators/", body, format="json")
    expected = create_code(role, target, PLAN_SEEN[role])  # seeing the programme
    assert answer.status_code == expected, answer.json()
    if expected == 400:
        assert answer.json()["error"]["field"] == "programme"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_changing_an_indicator(request, world, reader, role, target):
    unit = target_unit(world, role, target)
    path = f"/api/indicators/{unit.indicator.pk}/"
    etag = version(reader, path)
    answer = api(request, role).patch(
        path, {"target_value": "8", "target_deadline": "2024-Q4"}, format="json", HTTP_IF_MATCH=etag
    )
    assert answer.status_code == update_code(role, target, PLAN_SEEN[role]), answer.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "target"), REPORT_MATRIX, ids=[f"{r}-{t}" for r, t in REPORT_MATRIX]
)
def test_beginning_a_report(request, world, role, target):
    unit = target_unit(world, role, target)
    body = {
        "schedule": unit.report.schedule_id,
        "unit": unit.pk,
        "period": "2021-04-01",
        "sections": {"results": "Kết quả quý II"},
        "submit": True,
    }
    answer = api(request, role).post("/api/reports/", body, format="json")
    expected = create_code(role, target, REPORT_SEEN[role])
    assert answer.status_code == expected, answer.json()
    if expected == 400:
        assert answer.json()["error"]["field"] == "unit"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "target"), REPORT_MATRIX, ids=[f"{r}-{t}" for r, t in REPORT_MATRIX]
)
def test_filling_in_a_report(request, world, reader, role, target):
    unit = target_unit(world, role, target)
    path = f"/api/reports/{unit.report.pk}/"
    etag = version(reader, path)
    answer = api(request, role).patch(
        path, {"sections": {"next_tasks": "Tiếp tục"}}, format="json", HTTP_IF_MATCH=etag
    )
    assert answer.status_code == update_code(role, target, REPORT_SEEN[role]), answer.json()


WRITES = [
    ("post", "/api/programmes/"),
    ("patch", "/api/programmes/{programme}/"),
    ("post", "/api/indicators/"),
    ("patch", "/api/indicators/{indicator}/"),
    ("post", "/api/reports/"),
    ("patch", "/api/reports/{report}/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_read_only_key_writes_nothing(world, admin_user, method, path):
    """Even an administrator's read-only key: refused before the body is read."""
    client = APIClient()
    raw = token_create(user=admin_user, name="ro", read_only=True)[1]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    unit = world.city
    url = path.format(
        programme=unit.programme.pk, indicator=unit.indicator.pk, report=unit.report.pk
    )
    answer = getattr(client, method)(url, {}, format="json", HTTP_IF_MATCH="*")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_writes_without_credentials(method, path):
    url = path.format(programme=1, indicator=1, report=1)
    answer = getattr(APIClient(), method)(url, {}, format="json")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/programmes/",
        "/api/programmes/1/",
        "/api/indicators/",
        "/api/indicators/1/",
        "/api/indicators/1/measurements/",
        "/api/reports/",
        "/api/reports/1/",
    ],
)
def test_no_credentials(path):
    answer = APIClient().get(path)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"
