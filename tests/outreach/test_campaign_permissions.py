"""Who may open and change campaign pages: every URL of urls_campaigns.py, for every persona.

The city's campaign is delegated to both wards (tests/outreach/builders.py). The ward clerk (editor
of An Hội) sees the campaign, its own ward's part and its cell's classes, holds classes for its
delegation and reports; it never sees the sibling ward's delegation, classes or attendees, and
cannot change the city's campaign. A page answers 404 when the user may not see the thing, 403
when they see it but may not do this, and sends anonymous visitors to the login page.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.outreach.builders import at, campaign_world, hold
from trienkhai.outreach import classes, services
from trienkhai.outreach.models import AttendanceStatus

LOGIN = reverse("accounts:login")
PERSONAS = {
    "admin": "admin_user",
    "manager": "city_secretary",
    "editor": "propaganda_officer",
    "ward_editor": "ward_clerk",
    "viewer": "viewer",
    "outsider": "outsider",
    "anonymous": None,
}
ROLES = list(PERSONAS)


@pytest.fixture
def w(tree):
    w = campaign_world(tree)
    w.cell_absent = classes.attendee_add(
        actor=None,
        session=w.cell_class,
        full_name="Trần Văn Vắng",
        target_group=w.members,
        status=AttendanceStatus.ABSENT,
    )
    w.cell_makeup = hold(
        w, tree.cell, "Lớp học bù Chi bộ Khu phố 1", at(9, 19), [(w.members, 1, 0)],
        makeup_of=w.cell_class,
    )  # fmt: skip
    w.sibling_absent = classes.attendee_add(
        actor=None,
        session=w.sibling_class,
        full_name="Lê Thị Vắng",
        target_group=w.members,
        status=AttendanceStatus.ABSENT,
    )
    w.sibling_makeup = hold(
        w, tree.sibling, "Lớp học bù Phú Khương", at(9, 19), [(w.members, 1, 0)],
        makeup_of=w.sibling_class,
    )  # fmt: skip
    w.sibling_campaign = services.campaign_create(
        actor=None, title="Đợt quán triệt riêng của Phường Phú Khương", owner_unit=tree.sibling
    )
    return w


OK, LOGIN_, NF, FB, NA = "ok", "login", 404, 403, 405


def row(admin, manager, editor, ward_editor, viewer, outsider):
    return dict(
        zip(ROLES, [admin, manager, editor, ward_editor, viewer, outsider, LOGIN_], strict=True)
    )


EVERYONE = row(OK, OK, OK, OK, OK, OK)
CITY_EDITORS = row(OK, OK, OK, FB, FB, NF)  # the city's campaign: ward sees it, may not change it
CITY_ONLY_SEE = row(OK, OK, OK, NF, OK, NF)  # the city's own things: not the ward's part
CITY_ONLY_EDIT = row(OK, OK, OK, NF, FB, NF)
WARD_PART = row(OK, OK, OK, OK, OK, NF)  # the ward's part: seen by the ward and the city
WARD_PART_EDIT = row(OK, OK, OK, OK, FB, NF)
SIBLING_PART = row(OK, OK, OK, NF, OK, NF)
SIBLING_PART_EDIT = row(OK, OK, OK, NF, FB, NF)
SIBLING_OWN = row(OK, OK, OK, NF, OK, NF)  # a campaign of the sibling ward itself

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")


def u(name, *args, query=""):
    return lambda w: reverse(f"outreach:{name}", args=[a(w) for a in args]) + query


def pk(attr):
    return lambda w: getattr(w, attr).pk


PAGES = [
    ("list", u("campaign_list"), GET, {}, EVERYONE),
    ("list filtered", u("campaign_list", query="?status=running&year=2020"), GET, {}, EVERYONE),
    ("new", u("campaign_new"), BOTH, {}, row(OK, OK, OK, OK, FB, FB)),
    ("new for the city", lambda w: reverse("outreach:campaign_new") + f"?unit={w.tree.city.pk}", GET, {}, row(OK, OK, OK, NF, FB, NF)),
    ("new for no unit", u("campaign_new", query="?unit=abc"), GET, {}, row(NF, NF, NF, NF, NF, NF)),
    ("campaign", u("campaign", pk("campaign")), GET, {}, WARD_PART),
    ("drill into the ward", lambda w: reverse("outreach:campaign", args=[w.campaign.pk]) + f"?unit={w.tree.ward.pk}", GET, {}, WARD_PART),
    ("drill into the sibling", lambda w: reverse("outreach:campaign", args=[w.campaign.pk]) + f"?unit={w.tree.sibling.pk}", GET, {}, SIBLING_PART),
    ("sibling's campaign", u("campaign", pk("sibling_campaign")), GET, {}, SIBLING_OWN),
    ("edit", u("campaign_edit", pk("campaign")), BOTH, {}, CITY_EDITORS),
    ("quotas", u("campaign_quotas", pk("campaign")), BOTH, {}, CITY_EDITORS),
    ("delegate", u("campaign_delegate", pk("campaign")), BOTH, {}, CITY_EDITORS),
    ("ward's report", u("delegation_report", pk("ward_delegation")), BOTH, {}, WARD_PART_EDIT),
    ("sibling's report", u("delegation_report", pk("sibling_delegation")), BOTH, {}, SIBLING_PART_EDIT),
    ("new class", u("class_new", pk("campaign")), BOTH, {}, row(OK, OK, OK, OK, FB, NF)),
    ("city class", u("class", pk("city_class")), GET, {}, CITY_ONLY_SEE),
    ("cell class", u("class", pk("cell_class")), GET, {}, WARD_PART),
    ("sibling class", u("class", pk("sibling_class")), GET, {}, SIBLING_PART),
    ("edit city class", u("class_edit", pk("city_class")), BOTH, {}, CITY_ONLY_EDIT),
    ("edit cell class", u("class_edit", pk("cell_class")), BOTH, {}, WARD_PART_EDIT),
    ("edit sibling class", u("class_edit", pk("sibling_class")), BOTH, {}, SIBLING_PART_EDIT),
    ("cancel cell class", u("class_cancel", pk("cell_class")), POST, {}, WARD_PART_EDIT),
    ("cancel sibling class", u("class_cancel", pk("sibling_class")), POST, {}, SIBLING_PART_EDIT),
    ("add to cell class", u("attendee_add", pk("cell_class")), BOTH, {}, WARD_PART_EDIT),
    ("add to sibling class", u("attendee_add", pk("sibling_class")), BOTH, {}, SIBLING_PART_EDIT),
    ("edit cell attendee", u("attendee_edit", pk("cell_absent")), BOTH, {}, WARD_PART_EDIT),
    ("edit sibling attendee", u("attendee_edit", pk("sibling_absent")), BOTH, {}, SIBLING_PART_EDIT),
    ("remove cell attendee", u("attendee_remove", pk("cell_absent")), POST, {}, WARD_PART_EDIT),
    ("remove sibling attendee", u("attendee_remove", pk("sibling_absent")), POST, {}, SIBLING_PART_EDIT),
    ("make up in the cell", u("attendee_makeup", pk("cell_makeup")), POST, {"attendee": "cell_absent"}, WARD_PART_EDIT),
    ("make up in the sibling", u("attendee_makeup", pk("sibling_makeup")), POST, {"attendee": "sibling_absent"}, SIBLING_PART_EDIT),
]  # fmt: skip

CASES = [
    (page, role, method)
    for page in PAGES
    for role in ROLES
    for method in ("GET", "POST")
    if method in page[2] or method == "GET"
]


def outcome(response):
    if response.status_code == 302:
        return LOGIN_ if response.url.startswith(LOGIN) else OK
    if response.status_code == 200:
        return OK
    return response.status_code


@pytest.mark.parametrize(
    ("page", "role", "method"),
    CASES,
    ids=[f"{p[0]}-{r}-{m}" for p, r, m in CASES],
)
def test_campaign_pages_answer_each_persona(request, w, page, role, method):
    name, url_for, methods, data, expected = page
    client = Client()
    if PERSONAS[role] is not None:
        client.force_login(request.getfixturevalue(PERSONAS[role]))
    url = url_for(w)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, {k: getattr(w, v).pk for k, v in data.items()})
    want = expected[role]
    if role != "anonymous" and method not in methods:
        want = NA
    assert outcome(response) == want, f"{name} {method} as {role}: {response.status_code}"


def test_the_ward_clerk_never_reads_the_siblings_numbers(w, ward_clerk, login):
    page = login(ward_clerk).get(reverse("outreach:campaign", args=[w.campaign.pk]))
    html = page.content.decode()
    assert "Đảng ủy Phường An Hội" in html
    assert "Chi bộ Khu phố 1" in html  # its cell's class
    assert "Phú Khương" not in html
    assert "Lớp quán triệt cán bộ chủ chốt thành phố" not in html  # the city's own class


def test_the_campaign_list_shows_the_ward_only_its_part(w, ward_clerk, login):
    html = login(ward_clerk).get(reverse("outreach:campaign_list")).content.decode()
    assert w.campaign.title in html
    assert "0 / 100" in html  # the cell class now counts from its list: one absent
    assert w.sibling_campaign.title not in html


def test_every_campaign_page_is_in_the_matrix(w):
    from trienkhai.outreach.urls_campaigns import urlpatterns

    covered = {
        name
        for name in (p.name for p in urlpatterns)
        for page in PAGES
        if page[1](w).split("?")[0] == reverse(f"outreach:{name}", args=_args(name, w))
    }
    assert covered == {p.name for p in urlpatterns}


def _args(name, w):
    """Arguments that give each pattern the object the matrix uses for it."""
    from trienkhai.outreach.urls_campaigns import urlpatterns

    pattern = next(p for p in urlpatterns if p.name == name)
    if "<int:pk>" not in str(pattern.pattern):
        return []
    owner = {
        "campaign": w.campaign,
        "campaign_edit": w.campaign,
        "campaign_quotas": w.campaign,
        "campaign_delegate": w.campaign,
        "class_new": w.campaign,
        "delegation_report": w.ward_delegation,
        "class": w.cell_class,
        "class_edit": w.cell_class,
        "class_cancel": w.cell_class,
        "attendee_add": w.cell_class,
        "attendee_makeup": w.cell_makeup,
        "attendee_edit": w.cell_absent,
        "attendee_remove": w.cell_absent,
    }
    return [owner[name].pk]
