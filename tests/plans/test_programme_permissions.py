"""Who may open and change what: every page of programmes, indicators and measurements, for every
role, on its own unit, a unit below, a sibling outside its scope and the unit above.

Plans flow down the tree: a unit sees the programmes and indicators of its ancestors (it carries
them out) and everything in its subtree, never a sibling's; it changes only those of its own
subtree. A page answers 404 when the user may not even see the record, 403 when they see it but
may not do this, and sends anonymous visitors to the login page.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from tests.plans.test_indicators import PDF
from trienkhai.documents import services as documents
from trienkhai.org import services as org
from trienkhai.org.models import AccessRole, UnitKind
from trienkhai.plans import indicators as indicator_services
from trienkhai.plans import programmes as programme_services
from trienkhai.plans.models import Direction, Measurement

LOGIN = reverse("accounts:login")
ANYTHING = {"note": ""}  # a POST that reaches the view's checks but fills no form
D = dt.date


PERSONAS = {
    "admin": "admin_user",
    "manager": "city_secretary",  # manager of the city
    "editor": "propaganda_officer",  # editor of the city
    "ward_editor": "ward_clerk",  # editor of the An Hội ward
    "viewer": "viewer",  # viewer of the city
    "outsider": "outsider",  # an account with no unit
    "anonymous": None,
}
TARGETS = {
    "ward_editor": {"own": "ward", "descendant": "cell", "sibling": "sibling", "ancestor": "city"},
}
CITY_TARGETS = {"own": "city", "descendant": "ward", "sibling": "district", "ancestor": "province"}

# see: open the unit's programmes, indicators and evidence (ancestors' too: a unit carries out
# what its ancestors decided); unit: open the unit itself in the organisation (own subtree only);
# edit: change its programmes and indicators, add indicators, enter its values.
MINE = "see unit edit"
RIGHTS = {
    # role            own                descendant         sibling        ancestor
    "admin":       {"own": MINE,         "descendant": MINE,         "sibling": MINE, "ancestor": MINE},
    "manager":     {"own": MINE,         "descendant": MINE,         "sibling": "",   "ancestor": "see"},
    "editor":      {"own": MINE,         "descendant": MINE,         "sibling": "",   "ancestor": "see"},
    "ward_editor": {"own": MINE,         "descendant": MINE,         "sibling": "",   "ancestor": "see"},
    "viewer":      {"own": "see unit",   "descendant": "see unit",   "sibling": "",   "ancestor": "see"},
    "outsider":    {"own": "",           "descendant": "",           "sibling": "",   "ancestor": ""},
    "anonymous":   {"own": "",           "descendant": "",           "sibling": "",   "ancestor": ""},
}  # fmt: skip

GET, BOTH = ("GET",), ("GET", "POST")

# Every page about one unit's records: (what, url for a target, methods, right needed, the
# right that lets one see the record, which decides between 403 and 404).
UNIT_PAGES = [
    ("programme", lambda u: reverse("plans:programme", args=[u.programme.pk]), GET, "see", "see"),
    (
        "edit programme",
        lambda u: reverse("plans:programme_edit", args=[u.programme.pk]),
        BOTH,
        "edit",
        "see",
    ),
    (
        "new indicator of the programme",
        lambda u: reverse("plans:indicator_new") + f"?programme={u.programme.pk}",
        BOTH,
        "edit",
        "see",
    ),
    (
        "new indicator of the unit",
        lambda u: reverse("plans:indicator_new") + f"?unit={u.pk}",
        BOTH,
        "edit",
        "unit",
    ),
    (
        "new programme of the unit",
        lambda u: reverse("plans:programme_new") + f"?unit={u.pk}",
        BOTH,
        "edit",
        "unit",
    ),
    ("indicator", lambda u: reverse("plans:indicator", args=[u.indicator.pk]), GET, "see", "see"),
    (
        "edit indicator",
        lambda u: reverse("plans:indicator_edit", args=[u.indicator.pk]),
        BOTH,
        "edit",
        "see",
    ),
    (
        "enter a value",
        lambda u: reverse("plans:measurement_new", args=[u.indicator.pk]),
        BOTH,
        "edit",
        "see",
    ),
    (
        "evidence",
        lambda u: reverse("plans:measurement_evidence", args=[u.measurement.pk]),
        GET,
        "see",
        "see",
    ),
]

EVERYONE = "admin manager editor ward_editor viewer outsider"
EDITORS = "admin manager editor ward_editor"
SITE_PAGES = [
    ("programmes", reverse("plans:programme_list"), GET, EVERYONE),
    ("programmes filtered", reverse("plans:programme_list") + "?field=Đô+thị", GET, EVERYONE),
    ("new programme", reverse("plans:programme_new"), BOTH, EDITORS),
    ("document picker", reverse("plans:programme_document_pick") + "?q=ke+hoach", GET, EVERYONE),
    ("indicators", reverse("plans:indicator_list"), GET, EVERYONE),
    ("indicators off track", reverse("plans:indicator_list") + "?status=off_track", GET, EVERYONE),
    ("new indicator", reverse("plans:indicator_new"), BOTH, EDITORS),
]


def outcome(response):
    if response.status_code == 302:
        return "login" if response.url.startswith(LOGIN) else "ok"
    if response.status_code == 200:
        return "ok"
    return response.status_code


def expected_for(role, rights, method, methods, needed, seeing):
    if role == "anonymous":
        return "login"
    if method not in methods:
        return 405
    if needed in rights.split():
        return "ok"
    return 403 if seeing in rights.split() else 404


@pytest.fixture
def world(tree):
    """Each unit of the persona tree, plus a second district, issues a plan and owns a programme
    carrying it out, with one indicator and one value backed by a PDF."""
    tree.district = org.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
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
            evidence=SimpleUploadedFile("bao-cao.pdf", PDF),
        )
    return tree


def client_for(request, role):
    client = Client()
    if PERSONAS[role] is not None:
        client.force_login(request.getfixturevalue(PERSONAS[role]))
    return client


MATRIX = [
    (role, target) for role in PERSONAS for target in ("own", "descendant", "sibling", "ancestor")
]


@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_programme_pages_answer_each_role_by_its_rights(request, world, role, target):
    unit = getattr(world, TARGETS.get(role, CITY_TARGETS)[target])
    rights = RIGHTS[role][target]
    client = client_for(request, role)

    wrong = []
    for what, url_of, methods, needed, seeing in UNIT_PAGES:
        url = url_of(unit)
        for method in ("GET", "POST"):
            expected = expected_for(role, rights, method, methods, needed, seeing)
            response = client.get(url) if method == "GET" else client.post(url, ANYTHING)
            got = outcome(response)
            if got != expected:
                wrong.append(f"{method} {what} ({url}): expected {expected}, got {got}")

    assert wrong == [], f"{role} on {unit.name}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", list(PERSONAS))
def test_programme_site_pages_answer_each_role(request, world, role):
    client = client_for(request, role)

    wrong = []
    for what, url, methods, allowed in SITE_PAGES:
        for method in ("GET", "POST"):
            if role == "anonymous":
                expected = "login"
            elif method not in methods:
                expected = 405
            else:
                expected = "ok" if role in allowed.split() else 403
            response = client.get(url) if method == "GET" else client.post(url, ANYTHING)
            got = outcome(response)
            if got != expected:
                wrong.append(f"{method} {what} ({url}): expected {expected}, got {got}")

    assert wrong == [], f"{role}:\n" + "\n".join(wrong)


def test_every_programme_page_is_in_the_matrix():
    """A new URL of this part must be added to the tables above."""
    from trienkhai.plans.urls_programmes import urlpatterns

    assert {p.name for p in urlpatterns} == {
        "programme_list",
        "programme_new",
        "programme_document_pick",
        "programme",
        "programme_edit",
        "indicator_list",
        "indicator_new",
        "indicator",
        "indicator_edit",
        "measurement_new",
        "measurement_evidence",
    }


# --- a ward enters its own measurements, never a sibling's -------------------------------------------
@pytest.fixture
def city_indicator(tree):
    """A city indicator broken down by wards, summed."""
    return indicator_services.indicator_create(
        actor=None,
        unit=tree.city,
        name="Hộ ở nhà tạm",
        measure_unit="hộ",
        direction=Direction.ELIMINATE,
        target_date=D(2025, 1, 1),
        baseline_value=Decimal(900),
        baseline_year=2020,
        by_subunits=True,
    )


def test_a_ward_enters_its_own_measurements_never_a_siblings(
    tree, city_indicator, ward_clerk, login
):
    client = login(ward_clerk)
    url = reverse("plans:measurement_new", args=[city_indicator.pk])

    own = client.post(url, {"unit": tree.ward.pk, "value": "12", "measured_on": "31-12-2021"})
    sibling = client.post(url, {"unit": tree.sibling.pk, "value": "7", "measured_on": "31-12-2021"})

    assert own.status_code == 302
    assert sibling.status_code == 200
    assert "Không tìm thấy đơn vị đã chọn, hoặc bạn không có quyền" in sibling.content.decode()
    assert "Phú Khương" not in sibling.content.decode()
    assert list(Measurement.objects.values_list("unit__name", "value")) == [
        ("Đảng ủy Phường An Hội", Decimal(12))
    ]


def test_a_ward_may_enter_values_for_a_unit_below_it(tree, city_indicator, ward_clerk, login):
    response = login(ward_clerk).post(
        reverse("plans:measurement_new", args=[city_indicator.pk]),
        {"unit": tree.cell.pk, "value": "2", "measured_on": "31-12-2021"},
    )

    assert response.status_code == 302
    assert Measurement.objects.get().unit == tree.cell


def test_a_ward_cannot_enter_the_citys_own_value(tree, city_indicator, ward_clerk, login):
    response = login(ward_clerk).post(
        reverse("plans:measurement_new", args=[city_indicator.pk]),
        {"unit": tree.city.pk, "value": "2", "measured_on": "31-12-2021"},
    )

    assert response.status_code == 200
    assert not Measurement.objects.exists()


def test_the_sibling_wards_clerk_never_sees_the_wards_figures(
    tree, city_indicator, ward_clerk, login
):
    indicator_services.measurement_add(
        actor=ward_clerk,
        indicator=city_indicator,
        unit=tree.ward,
        value=Decimal(12),
        measured_on=D(2021, 12, 31),
    )
    neighbour = make_user("vanthu_phukhuong", unit=tree.sibling, role=AccessRole.EDITOR)

    response = login(neighbour).get(reverse("plans:indicator", args=[city_indicator.pk]))

    assert response.status_code == 200
    assert list(response.context["measurements"]) == []
    assert [r.unit for r in response.context["breakdown"]] == [tree.sibling]
    assert "An Hội" not in response.content.decode()


def test_a_ward_indicator_not_broken_down_is_closed_to_the_ward_above_it(tree, ward_clerk, login):
    """The cell's indicator takes only the cell's values; the ward enters them as the cell's
    editor, and a value it tries to enter for itself is refused with the reason."""
    cell_indicator = indicator_services.indicator_create(
        actor=None,
        unit=tree.cell,
        name="Đảng viên được học tập nghị quyết",
        measure_unit="%",
        direction=Direction.AT_LEAST,
        target_value=Decimal(100),
        target_date=D(2025, 1, 1),
    )

    response = login(ward_clerk).post(
        reverse("plans:measurement_new", args=[cell_indicator.pk]),
        {"unit": tree.ward.pk, "value": "90", "measured_on": "31-12-2021"},
    )

    assert "nằm ngoài phạm vi của chỉ tiêu" in response.content.decode()
    assert not Measurement.objects.exists()
