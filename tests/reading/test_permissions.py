"""Who may read a text, see a reading and create what it proposes: every URL of the reading
pages, for every role, on its own unit, a descendant's, a sibling's and an ancestor's.

Reading a document's text is for the editors of the document's register; a reading is seen by
whoever sees its unit and applied by its editors. Pages answer 404 when the user may not see the
document or the reading, 403 when they see it but may not do this, and send anonymous visitors
to the login page.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.reading.conftest import make_reading
from trienkhai.documents import services as documents
from trienkhai.org import services as org
from trienkhai.org.models import UnitKind
from trienkhai.plans.models import Task
from trienkhai.reading.models import Reading

pytestmark = pytest.mark.django_db
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
TARGETS = {"own": "city", "descendant": "ward", "sibling": "district", "ancestor": "province"}
WARD_TARGETS = {"own": "ward", "descendant": "cell", "sibling": "sibling", "ancestor": "city"}

# docsee: sees the document; read: reads its text; see: sees the reading; apply: creates.
ALL = "docsee read see apply"
RIGHTS = {
    # role            own                      descendant               sibling   ancestor
    "admin":       {"own": ALL,              "descendant": ALL,       "sibling": ALL, "ancestor": ALL},
    "manager":     {"own": ALL,              "descendant": ALL,       "sibling": "",  "ancestor": "docsee"},
    "editor":      {"own": ALL,              "descendant": ALL,       "sibling": "",  "ancestor": "docsee"},
    "ward_editor": {"own": ALL,              "descendant": ALL,       "sibling": "",  "ancestor": "docsee"},
    "viewer":      {"own": "docsee see",     "descendant": "docsee see", "sibling": "", "ancestor": "docsee"},
    "outsider":    {"own": "",               "descendant": "",        "sibling": "",  "ancestor": ""},
    "anonymous":   {"own": "",               "descendant": "",        "sibling": "",  "ancestor": ""},
}  # fmt: skip


def _expected(role, rights, method, methods, needed, seen):
    if role == "anonymous":
        return "login"
    if method not in methods:
        return 405
    if needed in rights.split():
        return "ok"
    return 403 if seen in rights.split() else 404


PAGES = [
    # (what, url of (document, reading), methods, right needed, right that makes it seen, data)
    (
        "read a document",
        lambda d, r: reverse("reading:read_document", args=[d.pk]),
        ("GET", "POST"),
        "read",
        "docsee",
        {"text": ""},
    ),
    ("reading", lambda d, r: reverse("reading:detail", args=[r.pk]), ("GET",), "see", "see", {}),
    ("apply", lambda d, r: reverse("reading:apply", args=[r.pk]), ("POST",), "apply", "see", {}),
]


@pytest.fixture
def places(tree):
    tree.district = org.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
    )
    tree.documents, tree.readings = {}, {}
    for number, name in enumerate(("city", "ward", "district", "province", "cell", "sibling"), 1):
        unit = getattr(tree, name)
        document = documents.document_register(
            actor=None,
            owner_unit=unit,
            issuer_unit=unit,
            number_text=f"{number:02d}-KH/X",
            issued_on=dt.date(2020, 8, number),
            summary=f"Kế hoạch của {unit.name}",
        )
        tree.documents[name] = document
        tree.readings[name] = make_reading(unit, document=document)
    return tree


def client_for(request, role):
    client = Client()
    if PERSONAS[role] is not None:
        client.force_login(request.getfixturevalue(PERSONAS[role]))
    return client


def outcome(response):
    if response.status_code == 302:
        return "login" if response.url.startswith(LOGIN) else "ok"
    if response.status_code == 200:
        return "ok"
    return response.status_code


MATRIX = [(role, target) for role in PERSONAS for target in TARGETS]


@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_reading_pages_answer_each_role_by_its_rights(request, places, role, target):
    name = (WARD_TARGETS if role == "ward_editor" else TARGETS)[target]
    document, reading = places.documents[name], places.readings[name]
    rights = RIGHTS[role][target]
    client = client_for(request, role)
    readings_before = Reading.objects.count()

    wrong = []
    for what, url_of, methods, needed, seen, data in PAGES:
        url = url_of(document, reading)
        for method in ("GET", "POST"):
            expected = _expected(role, rights, method, methods, needed, seen)
            response = client.get(url) if method == "GET" else client.post(url, data)
            got = outcome(response)
            if got != expected:
                wrong.append(f"{method} {what} ({url}): expected {expected}, got {got}")

    assert wrong == [], f"{role} on {name}:\n" + "\n".join(wrong)
    # Nothing a POST above sent created anything.
    assert Reading.objects.count() == readings_before
    assert not Reading.objects.filter(applied_at__isnull=False).exists()
    assert Task.objects.count() == 0


@pytest.mark.parametrize("role", list(PERSONAS))
def test_a_plan_from_text_is_for_those_who_assign(request, places, role):
    client = client_for(request, role)
    allowed = role in {"admin", "manager", "editor", "ward_editor"}
    for method in ("GET", "POST"):
        url = reverse("reading:new")
        response = client.get(url) if method == "GET" else client.post(url, {"text": ""})
        expected = "login" if role == "anonymous" else "ok" if allowed else 403
        assert outcome(response) == expected, f"{method} {role}"


def test_a_reading_of_an_ended_unit_cannot_be_started(places, login, city_secretary):
    from trienkhai.org.models import Unit

    Unit.objects.filter(pk=places.ward.pk).update(ended_on=dt.date(2025, 7, 1))
    response = login(city_secretary).get(
        reverse("reading:read_document", args=[places.documents["ward"].pk])
    )
    assert response.status_code == 403


def test_every_reading_page_is_in_the_matrix():
    """A new URL in reading/urls.py must be added to the tables above."""
    from trienkhai.reading.urls import urlpatterns

    assert {p.name for p in urlpatterns} == {"read_document", "detail", "apply", "new"}
