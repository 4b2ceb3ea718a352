"""Who may open and change requirements, the compliance matrix, report schedules and reports.

Every URL of urls_requirements.py and urls_reports.py, for every role, against four targets seen
from that role: its own unit, a unit below it, a sibling outside its scope, the unit above it.
Each unit has set a requirement on the units below it and a report schedule for them, and each
unit (but the root) has a report under its parent's schedule. A page answers 404 when the user may
not even see the thing, 403 when they see it but may not do this, and sends anonymous visitors to
the login page.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from trienkhai.org import selectors
from trienkhai.org import services as org
from trienkhai.org.models import AccessRole, UnitKind
from trienkhai.plans import reports, rules
from trienkhai.plans.models import (
    Frequency,
    Report,
    ReportSchedule,
    Requirement,
    RequirementTarget,
)

LOGIN = reverse("accounts:login")
ANYTHING = {"note": ""}  # a POST that reaches the view's checks but fills no form
PERIOD = "2021-01-01"


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

# see: open the requirement or schedule set by the unit (it is theirs, or it applies to them);
# manage: change it; unit: pages chosen by the unit itself (lists and matrices "of this unit");
# report: read the unit's own report; write: write it.
ALL = "see manage unit report write"
NONE = ""
RIGHTS = {
    # role            own                          descendant                   sibling  ancestor
    "admin":       {"own": ALL,                    "descendant": ALL,           "sibling": ALL,  "ancestor": ALL},
    "manager":     {"own": ALL,                    "descendant": ALL,           "sibling": NONE, "ancestor": "see"},
    "editor":      {"own": ALL,                    "descendant": ALL,           "sibling": NONE, "ancestor": "see"},
    "ward_editor": {"own": ALL,                    "descendant": ALL,           "sibling": NONE, "ancestor": "see"},
    "viewer":      {"own": "see unit report",      "descendant": "see unit report", "sibling": NONE, "ancestor": "see"},
    "outsider":    {"own": NONE,                   "descendant": NONE,          "sibling": NONE, "ancestor": NONE},
    "anonymous":   {"own": NONE,                   "descendant": NONE,          "sibling": NONE, "ancestor": NONE},
}  # fmt: skip

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")

# (what, url for a target unit, methods, right needed, the right that turns 404 into 403)
UNIT_PAGES = [
    ("requirement", lambda u: reverse("plans:requirement", args=[u.requirement.pk]), GET, "see", "see"),
    ("edit requirement", lambda u: reverse("plans:requirement_edit", args=[u.requirement.pk]), BOTH, "manage", "see"),
    ("matrix of it", lambda u: reverse("plans:compliance") + f"?r={u.requirement.pk}", GET, "see", "see"),
    ("xlsx of it", lambda u: reverse("plans:compliance_xlsx") + f"?r={u.requirement.pk}", GET, "see", "see"),
    ("matrix of the unit", lambda u: reverse("plans:compliance") + f"?unit={u.pk}", GET, "unit", "unit"),
    ("requirements of the unit", lambda u: reverse("plans:requirements") + f"?unit={u.pk}", GET, "unit", "unit"),
    ("schedule", lambda u: reverse("plans:report_schedule", args=[u.schedule.pk]), GET, "see", "see"),
    ("edit schedule", lambda u: reverse("plans:report_schedule_edit", args=[u.schedule.pk]), BOTH, "manage", "see"),
    ("period", lambda u: reverse("plans:report_period", args=[u.schedule.pk, PERIOD]), GET, "see", "see"),
]  # fmt: skip
# The unit's own report, under its parent's schedule (the root reports to no one).
REPORT_PAGES = [
    ("report", lambda u: reverse("plans:report", args=[u.report.pk]), GET, "report", "report"),
    (
        "write report",
        lambda u: reverse("plans:report_write", args=[u.report.schedule_id, PERIOD, u.pk]),
        BOTH,
        "write",
        "report",
    ),
]

EVERYONE = "admin manager editor ward_editor viewer outsider"
WRITERS = "admin manager editor ward_editor"
SITE_PAGES = [
    ("requirements", reverse("plans:requirements"), GET, EVERYONE),
    ("new requirement", reverse("plans:requirement_new"), BOTH, WRITERS),
    ("matrix of all", reverse("plans:compliance"), GET, EVERYONE),
    ("xlsx of all", reverse("plans:compliance_xlsx"), GET, EVERYONE),
    ("document picker", reverse("plans:requirement_pick_document") + "?q=nghi", GET, EVERYONE),
    ("schedules", reverse("plans:report_schedules"), GET, EVERYONE),
    ("new schedule", reverse("plans:report_schedule_new"), BOTH, WRITERS),
]


def outcome(response):
    if response.status_code == 302:
        return "login" if response.url.startswith(LOGIN) else "ok"
    if response.status_code == 200:
        return "ok"
    return response.status_code


def expected(role, rights, method, methods, needed, seen_by):
    if role == "anonymous":
        return "login"
    if method not in methods:
        return 405
    rights = rights.split()
    if needed in rights:
        return "ok"
    return 403 if seen_by in rights else 404


@pytest.fixture
def world(tree):
    """The persona tree, a second district with a ward, and a unit below the cell; each unit
    sets a requirement and a schedule on the units below it, and reports under its parent."""
    tree.district = org.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
    )
    org.unit_create(
        actor=None,
        parent=tree.district,
        kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE,
        name="Đảng ủy xã Tân Thạch",
    )
    org.unit_create(actor=None, parent=tree.cell, kind=UnitKind.OTHER, name="Tổ đảng số 1")
    org.unit_create(
        actor=None, parent=tree.sibling, kind=UnitKind.PARTY_CELL, name="Chi bộ Khu phố 5"
    )
    names = ("province", "city", "district", "ward", "cell", "sibling")
    for name in names:
        unit = getattr(tree, name)
        unit.refresh_from_db()
        children = list(selectors.children(unit, include_ended=True))
        unit.requirement = Requirement.objects.create(
            title=f"Yêu cầu của {unit.name}",
            set_by=unit,
            parent_unit=unit,
            unit_kinds=sorted({c.kind for c in children}),
            doc_type="QC",
            due_on=dt.date(2021, 6, 30),
        )
        RequirementTarget.objects.bulk_create(
            [RequirementTarget(requirement=unit.requirement, unit=c) for c in children]
        )
        unit.schedule = ReportSchedule.objects.create(
            title=f"Báo cáo quý gửi {unit.name}",
            parent_unit=unit,
            unit_kinds=sorted({c.kind for c in children}),
            frequency=Frequency.QUARTERLY,
            due_days=10,
            starts_on=dt.date(2021, 1, 1),
        )
    for name in names:
        unit = getattr(tree, name)
        parent = unit.parent_unit()
        if parent is None:
            continue
        schedule = next(getattr(tree, n).schedule for n in names if getattr(tree, n) == parent)
        period = reports.make_period(schedule, dt.date(2021, 1, 1))
        unit.report = Report.objects.create(
            schedule=schedule,
            unit=unit,
            period_start=period.start,
            period_end=period.end,
            due_on=period.due_on,
            sections={"results": f"Báo cáo của {unit.name}"},
        )
    return tree


def client_for(request, role):
    client = Client()
    if PERSONAS[role] is not None:
        client.force_login(request.getfixturevalue(PERSONAS[role]))
    return client


MATRIX = [(r, t) for r in PERSONAS for t in ("own", "descendant", "sibling", "ancestor")]


@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_pages_answer_each_role_by_its_rights(request, world, role, target):
    unit = getattr(world, TARGETS.get(role, CITY_TARGETS)[target])
    rights = RIGHTS[role][target]
    client = client_for(request, role)
    pages = UNIT_PAGES + (REPORT_PAGES if hasattr(unit, "report") else [])

    wrong = []
    for what, url_of, methods, needed, seen_by in pages:
        url = url_of(unit)
        for method in ("GET", "POST"):
            want = expected(role, rights, method, methods, needed, seen_by)
            response = client.get(url) if method == "GET" else client.post(url, ANYTHING)
            got = outcome(response)
            if got != want:
                wrong.append(f"{method} {what} ({url}): expected {want}, got {got}")

    assert wrong == [], f"{role} on {unit.name}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", list(PERSONAS))
def test_site_pages_answer_each_role(request, world, role):
    client = client_for(request, role)

    wrong = []
    for what, url, methods, allowed in SITE_PAGES:
        for method in ("GET", "POST"):
            if role == "anonymous":
                want = "login"
            elif method not in methods:
                want = 405
            else:
                want = "ok" if role in allowed.split() else 403
            response = client.get(url) if method == "GET" else client.post(url, ANYTHING)
            got = outcome(response)
            if got != want:
                wrong.append(f"{method} {what} ({url}): expected {want}, got {got}")

    assert wrong == [], f"{role}:\n" + "\n".join(wrong)


def test_every_requirement_and_report_page_is_in_the_matrix():
    from trienkhai.plans.urls_reports import urlpatterns as report_urls
    from trienkhai.plans.urls_requirements import urlpatterns as requirement_urls

    covered = {
        "requirement",
        "requirement_edit",
        "compliance",
        "compliance_xlsx",
        "requirements",
        "report_schedule",
        "report_schedule_edit",
        "report_period",
        "report",
        "report_write",
        "requirement_new",
        "requirement_pick_document",
        "report_schedules",
        "report_schedule_new",
    }
    assert {p.name for p in requirement_urls + report_urls} == covered


# --- stories -----------------------------------------------------------------------------------
def test_ward_clerk_sees_what_the_city_requires_of_it_but_cannot_change_it(world, ward_clerk):
    city_requirement = world.city.requirement

    assert (
        rules.filter_requirements(ward_clerk, Requirement.objects.all())
        .filter(pk=city_requirement.pk)
        .exists()
    )
    assert not rules.can_manage_requirement(ward_clerk, city_requirement)
    assert (
        not rules.filter_requirements(ward_clerk, Requirement.objects.all())
        .filter(pk=world.sibling.requirement.pk)
        .exists()
    )


def test_ward_clerk_cannot_edit_city_requirement(world, ward_clerk, login):
    url = reverse("plans:requirement_edit", args=[world.city.requirement.pk])

    response = login(ward_clerk).post(url, {"title": "Đổi", "due_on": "31-12-2030"})

    assert response.status_code == 403
    assert (
        Requirement.objects.get(pk=world.city.requirement.pk).title
        == "Yêu cầu của Thành ủy Bến Tre"
    )


def test_ward_clerk_never_writes_the_sibling_wards_report(world, ward_clerk, login):
    url = reverse(
        "plans:report_write", args=[world.sibling.report.schedule_id, PERIOD, world.sibling.pk]
    )

    response = login(ward_clerk).post(
        url, {"results": "Viết hộ phường bạn", "revision": 1, "action": "submit"}
    )

    assert response.status_code == 404
    assert Report.objects.get(pk=world.sibling.report.pk).sections["results"] == (
        "Báo cáo của Đảng ủy Phường Phú Khương"
    )


def test_city_viewer_reads_the_wards_report_but_cannot_write_it(world, viewer, login):
    client = login(viewer)
    url = reverse("plans:report_write", args=[world.ward.report.schedule_id, PERIOD, world.ward.pk])

    assert client.get(reverse("plans:report", args=[world.ward.report.pk])).status_code == 200
    assert client.post(url, {"results": "x", "revision": 1}).status_code == 403


def test_ward_clerk_sees_only_its_own_row_on_the_city_schedules_period(world, ward_clerk, login):
    page = (
        login(ward_clerk)
        .get(reverse("plans:report_period", args=[world.city.schedule.pk, PERIOD]))
        .content.decode()
    )

    assert "Đảng ủy Phường An Hội" in page
    assert "Phú Khương" not in page
    assert "Ban Tuyên giáo" not in page


def test_a_manager_of_two_wards_sees_both_but_not_the_city_board(tree, login):
    both = make_user("quanly_hai_phuong", unit=tree.ward, role=AccessRole.MANAGER)
    org.access_grant(actor=None, user=both, unit=tree.sibling, role=AccessRole.EDITOR)

    assert rules.can_write_report(both, Report(unit=tree.sibling))
    assert not rules.can_view_report(both, Report(unit=tree.board))
