"""Who may open what among the dashboard, review and calendar pages: every URL of
`urls_dashboard.py`, for every role, against a unit of their own, one below, a sibling outside
their scope and the unit above.

A page answers 404 when the user may not see the unit or document, sends anonymous visitors to
the login page, and 405 for a method it does not take. The calendar feed needs no login but only
answers to a live token.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.documents.builders import register
from trienkhai.org import services as org_services
from trienkhai.org.models import UnitKind
from trienkhai.plans import calendar, urls_dashboard

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
TARGETS = {
    "ward_editor": {"own": "ward", "descendant": "cell", "sibling": "sibling", "ancestor": "city"},
}
CITY_TARGETS = {"own": "city", "descendant": "ward", "sibling": "district", "ancestor": "province"}

# see: the unit's dashboard; read: the issued document the unit registered (a unit reads what
# its ancestors issue, never a sibling's).
RIGHTS = {
    # role           own          descendant   sibling      ancestor
    "admin":       {"own": "see read", "descendant": "see read", "sibling": "see read", "ancestor": "see read"},
    "manager":     {"own": "see read", "descendant": "see read", "sibling": "",         "ancestor": "read"},
    "editor":      {"own": "see read", "descendant": "see read", "sibling": "",         "ancestor": "read"},
    "ward_editor": {"own": "see read", "descendant": "see read", "sibling": "",         "ancestor": "read"},
    "viewer":      {"own": "see read", "descendant": "see read", "sibling": "",         "ancestor": "read"},
    "outsider":    {"own": "",         "descendant": "",         "sibling": "",         "ancestor": ""},
    "anonymous":   {"own": "",         "descendant": "",         "sibling": "",         "ancestor": ""},
}  # fmt: skip

GET, POST = ("GET",), ("POST",)
REVIEW_QUERY = "?unit={unit}&kind=tong_ket&start_year=2020&end_year=2021"


def _dashboard(u):
    return reverse("plans:dashboard") + f"?unit={u.pk}"


def _export(u):
    return reverse("plans:dashboard_xlsx") + f"?unit={u.pk}"


def _review(u):
    return reverse("plans:review", args=[u.doc.pk])


def _review_preview(u):
    return _review(u) + REVIEW_QUERY.format(unit=u.pk)


def _review_docx(u):
    return reverse("plans:review_docx", args=[u.doc.pk]) + REVIEW_QUERY.format(unit=u.pk)


def expect_see(rights):
    return "ok" if "see" in rights else 404


def expect_read(rights):
    return "ok" if "read" in rights else 404


def expect_review_of_unit(rights):
    """The review of the target's own document for the target unit: the form refuses a unit the
    user may not see (400, with the reason) when they may read the document."""
    if "read" not in rights:
        return 404
    return "ok" if "see" in rights else 400


# (what, url for a target, methods, expected outcome from the rights)
UNIT_PAGES = [
    ("dashboard", "plans:dashboard", _dashboard, GET, expect_see),
    ("dashboard export", "plans:dashboard_xlsx", _export, GET, expect_see),
    ("review page", "plans:review", _review, GET, expect_read),
    # The preview page shows the form's reason on the page itself.
    ("review preview", "plans:review", _review_preview, GET, expect_read),
    ("review docx", "plans:review_docx", _review_docx, GET, expect_review_of_unit),
]


def outcome(response):
    if response.status_code == 302:
        return "login" if response.url.startswith(LOGIN) else "ok"
    if response.status_code == 200:
        return "ok"
    return response.status_code


@pytest.fixture
def world(tree):
    tree.district = org_services.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
        short_name="HU",
    )
    for n, name in enumerate(("province", "city", "district", "ward", "cell", "sibling"), 1):
        unit = getattr(tree, name)
        unit.doc = register(unit, f"{n:02d}-NQ/ĐU", dt.date(2020, 3, n), f"Nghị quyết {n}")
    return tree


def _client(request, role):
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(PERSONAS[role]))
    return client


def _cases() -> list:
    return list(_iter_cases())


def _iter_cases():
    for role in PERSONAS:
        targets = TARGETS.get(role, CITY_TARGETS)
        for relation in ("own", "descendant", "sibling", "ancestor"):
            for what, _name, url, methods, expect in UNIT_PAGES:
                for method in ("GET", "POST"):
                    yield pytest.param(
                        role,
                        relation,
                        targets[relation],
                        url,
                        methods,
                        expect,
                        method,
                        id=f"{role}-{relation}-{what}-{method}",
                    )


@pytest.mark.parametrize(
    ("role", "relation", "target", "url", "methods", "expect", "method"), _cases()
)
def test_unit_pages(world, request, role, relation, target, url, methods, expect, method):
    client = _client(request, role)
    address = url(getattr(world, target))
    response = client.get(address) if method == "GET" else client.post(address)
    if role == "anonymous":
        expected = "login"
    elif method not in methods:
        expected = 405
    else:
        expected = expect(RIGHTS[role][relation])
    assert outcome(response) == expected


# --- pages about no unit in particular -------------------------------------------------------------
EVERYONE = ["admin", "manager", "editor", "ward_editor", "viewer", "outsider"]


@pytest.mark.parametrize("role", [*EVERYONE, "anonymous"])
def test_default_dashboard_and_export(world, request, role):
    client = _client(request, role)
    page = outcome(client.get(reverse("plans:dashboard")))
    export = outcome(client.get(reverse("plans:dashboard_xlsx")))
    if role == "anonymous":
        assert (page, export) == ("login", "login")
    elif role == "outsider":
        assert (page, export) == ("ok", 404)  # an explanation; nothing to export
    else:
        assert (page, export) == ("ok", "ok")


@pytest.mark.parametrize("role", [*EVERYONE, "anonymous"])
def test_charts(world, request, role):
    """A chart shows only the counts in its address: any account may have one drawn."""
    client = _client(request, role)
    url = reverse("plans:dashboard_chart", args=["compliance"]) + "?v=3,1,0,2"
    assert outcome(client.get(url)) == ("login" if role == "anonymous" else "ok")
    assert outcome(client.post(url)) == ("login" if role == "anonymous" else 405)


@pytest.mark.parametrize("role", [*EVERYONE, "anonymous"])
def test_calendar_pages(world, request, role, ward_clerk):
    client = _client(request, role)
    expected = "login" if role == "anonymous" else "ok"
    assert outcome(client.get(reverse("plans:calendar_feeds"))) == expected
    assert outcome(client.post(reverse("plans:calendar_feeds"))) == expected
    # Someone else's feed: not found for anyone but its owner.
    theirs, _token = calendar.calendar_feed_create(actor=ward_clerk)
    revoke = reverse("plans:calendar_feed_revoke", args=[theirs.pk])
    if role == "ward_editor":
        assert outcome(client.get(revoke)) == 405
        assert outcome(client.post(revoke)) == "ok"
    else:
        assert outcome(client.post(revoke)) == ("login" if role == "anonymous" else 404)


@pytest.mark.parametrize("role", [*EVERYONE, "anonymous"])
def test_the_feed_answers_to_a_live_token_only(world, request, role, ward_clerk):
    client = _client(request, role)  # being logged in changes nothing
    feed, token = calendar.calendar_feed_create(actor=ward_clerk)
    address = reverse("plans:calendar_feed", args=[token])
    assert outcome(client.get(address)) == "ok"
    assert outcome(client.post(address)) == 405
    assert outcome(client.get(reverse("plans:calendar_feed", args=["sai" + token]))) == 404
    calendar.calendar_feed_revoke(actor=ward_clerk, feed=feed)
    assert outcome(client.get(address)) == 404


def test_every_url_of_the_part_is_in_the_matrix():
    in_matrix = {name.removeprefix("plans:") for _what, name, *_rest in UNIT_PAGES}
    # Tested above, one test each: the default dashboard and export, the calendar pages.
    in_matrix |= {"dashboard", "dashboard_xlsx", "dashboard_chart"}
    in_matrix |= {"calendar_feeds", "calendar_feed_revoke"}
    in_matrix |= {"calendar_feed"}
    assert {p.name for p in urls_dashboard.urlpatterns} == in_matrix
