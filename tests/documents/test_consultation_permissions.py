"""Who may open what in a consultation: every page of urls_consultation.py and of the
notifications, for every role.

Drafts stay with the register that owns them, plus the people asked to comment: a ward clerk
cannot see another ward's draft unless asked. Organising (opening rounds, the synthesis table,
reminders, revised versions, submitting, exports) is for editors of the register; recording the
signature is for its managers; answering is for recipients only.

The matrix reads like the organisation's: a role, a register seen from that role (its own unit, a
unit below, a sibling outside its scope, the unit above), and what the role may do with the draft
kept there. A page answers 404 when the user may not even see the draft, 403 when they see it but
may not do this, and sends anonymous visitors to log in.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from tests.documents import builders
from tests.documents.consultation_world import docx_upload, open_round
from trienkhai.documents import consultation as consult
from trienkhai.documents import files
from trienkhai.notifications.models import Notification
from trienkhai.org import services as org
from trienkhai.org.models import UnitKind

LOGIN = reverse("accounts:login")
ANYTHING = {"note": ""}  # a POST that reaches the view's checks but fills no form


PERSONAS = {
    "admin": "admin_user",
    "manager": "city_secretary",  # manager of the city
    "editor": "propaganda_officer",  # editor of the city
    "ward_editor": "ward_clerk",  # editor of the An Hội ward
    "viewer": "viewer",  # viewer of the city
    "outsider": "outsider",  # an account with no unit
    "member": "member",  # no unit, but asked to comment on every draft
    "anonymous": None,
}
TARGETS = {
    "ward_editor": {"own": "ward", "descendant": "cell", "sibling": "sibling", "ancestor": "city"},
}
CITY_TARGETS = {"own": "city", "descendant": "ward", "sibling": "district", "ancestor": "province"}

# see: open the draft's files; edit: organise its consultation; sign: record the signature;
# respond: answer as a recipient.
ALL = "see edit sign"
EDIT = "see edit"
SEE = "see"
ASKED = "see respond"
N = ""
RIGHTS = {
    # role            own                descendant          sibling           ancestor
    "admin":       {"own": ALL,   "descendant": ALL,   "sibling": ALL,   "ancestor": ALL},
    "manager":     {"own": ALL,   "descendant": ALL,   "sibling": N,     "ancestor": N},
    "editor":      {"own": EDIT,  "descendant": EDIT,  "sibling": N,     "ancestor": N},
    "ward_editor": {"own": EDIT,  "descendant": EDIT,  "sibling": N,     "ancestor": N},
    "viewer":      {"own": SEE,   "descendant": SEE,   "sibling": N,     "ancestor": N},
    "outsider":    {"own": N,     "descendant": N,     "sibling": N,     "ancestor": N},
    "member":      {"own": ASKED, "descendant": ASKED, "sibling": ASKED, "ancestor": ASKED},
    "anonymous":   {"own": N,     "descendant": N,     "sibling": N,     "ancestor": N},
}  # fmt: skip

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")


def _doc(u):
    return u.draft.pk


# Every page about one draft: (what, url for a unit's draft, methods, right needed). Closing the
# round comes last: it changes the round the other pages are tried on.
PAGES = [
    ("open a round", lambda u: reverse("documents:consultation_new", args=[_doc(u)]), BOTH, "edit"),
    ("organiser page", lambda u: reverse("documents:consultation", args=[u.round.pk]), GET, "edit"),
    ("remind", lambda u: reverse("documents:consultation_remind", args=[u.round.pk]), POST, "edit"),
    (
        "record on paper",
        lambda u: reverse("documents:comment_on_behalf", args=[u.round.pk]),
        POST,
        "edit",
    ),
    ("resolve", lambda u: reverse("documents:comment_resolve", args=[u.comment.pk]), POST, "edit"),
    ("respond", lambda u: reverse("documents:respond", args=[u.round.pk]), BOTH, "respond"),
    ("no comment", lambda u: reverse("documents:respond_none", args=[u.round.pk]), POST, "respond"),
    (
        "draft file",
        lambda u: reverse("documents:round_file", args=[u.round.pk, u.file.pk]),
        GET,
        "see",
    ),
    (
        "synthesis docx",
        lambda u: reverse("documents:synthesis_docx", args=[u.round.pk]),
        GET,
        "edit",
    ),
    (
        "synthesis xlsx",
        lambda u: reverse("documents:synthesis_xlsx", args=[u.round.pk]),
        GET,
        "edit",
    ),
    ("revised version", lambda u: reverse("documents:version_new", args=[_doc(u)]), BOTH, "edit"),
    ("submit", lambda u: reverse("documents:submit", args=[_doc(u)]), POST, "edit"),
    ("sign", lambda u: reverse("documents:sign", args=[_doc(u)]), BOTH, "sign"),
    ("close", lambda u: reverse("documents:consultation_close", args=[u.round.pk]), POST, "edit"),
]

EVERYONE = "admin manager editor ward_editor viewer outsider member"
SITE_PAGES = [
    ("to comment on", reverse("documents:todo"), GET, EVERYONE),
    ("notices", reverse("notifications:inbox"), GET, EVERYONE),
    ("mark all read", reverse("notifications:mark_all_read"), POST, EVERYONE),
]


@pytest.fixture
def member(tree):
    return make_user("uyvien")


@pytest.fixture
def world(tree, member):
    """Each unit of the persona tree (and a second district) keeps a draft with a Word file,
    an open round asking the member, and the member's comment."""
    tree.district = org.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
    )
    person = org.person_save(
        actor=None, full_name="Ủy viên Ban Chấp hành", home_unit=tree.province, user=member
    )
    for name in ("province", "city", "district", "ward", "cell", "sibling"):
        unit = getattr(tree, name)
        unit.draft = builders.draft(unit, f"Dự thảo quy chế của {unit.name}")
        unit.file = files.file_attach(
            actor=None,
            document=unit.draft,
            uploaded=docx_upload("du-thao.docx", unit.name),
            version=unit.draft.versions.get(),
        )
        unit.round = open_round(unit.draft, persons=[person])
        unit.comment = consult.comment_submit(
            actor=member, consultation=unit.round, text=f"Góp ý cho {unit.name}"
        )
    return tree


def client_for(request, role):
    if PERSONAS[role] is None:
        return Client()
    client = Client()
    client.force_login(request.getfixturevalue(PERSONAS[role]))
    return client


def outcome(response):
    """What the visitor met: 'ok' (a page, or on to the next one), 'login', or an error code."""
    if response.status_code == 302:
        return "login" if response.url.startswith(LOGIN) else "ok"
    if response.status_code == 200:
        return "ok"
    return response.status_code


def expected(role, rights, method, methods, needed):
    if role == "anonymous":
        return "login"
    if method not in methods:
        return 405
    if needed in rights.split():
        return "ok"
    return 403 if "see" in rights.split() else 404


MATRIX = [
    (role, target) for role in PERSONAS for target in ("own", "descendant", "sibling", "ancestor")
]


@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_consultation_pages_answer_each_role_by_its_rights(request, world, role, target):
    unit = getattr(world, TARGETS.get(role, CITY_TARGETS)[target])
    rights = RIGHTS[role][target]
    client = client_for(request, role)

    wrong = []
    for what, url_of, methods, needed in PAGES:
        url = url_of(unit)
        for method in ("GET", "POST"):
            want = expected(role, rights, method, methods, needed)
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


@pytest.mark.parametrize("role", list(PERSONAS))
def test_a_notice_opens_only_for_its_owner(request, world, member, role):
    notice = Notification.objects.filter(user=member).first()
    url = reverse("notifications:open", args=[notice.pk])
    client = client_for(request, role)

    got = {"GET": outcome(client.get(url)), "POST": outcome(client.post(url))}

    if role == "anonymous":
        assert got == {"GET": "login", "POST": "login"}
    elif role == "member":
        assert got == {"GET": 405, "POST": "ok"}
    else:
        assert got == {"GET": 405, "POST": 404}


def test_every_consultation_and_notification_page_is_in_the_matrix():
    """A new URL must be added to the tables above."""
    from trienkhai.documents.urls_consultation import urlpatterns as consultation_urls
    from trienkhai.notifications.urls import urlpatterns as notification_urls

    covered = {
        "consultation_new",
        "consultation",
        "consultation_remind",
        "consultation_close",
        "comment_on_behalf",
        "comment_resolve",
        "respond",
        "respond_none",
        "round_file",
        "synthesis_docx",
        "synthesis_xlsx",
        "version_new",
        "submit",
        "sign",
        "todo",
    }
    assert {p.name for p in consultation_urls} == covered
    assert {p.name for p in notification_urls} == {"inbox", "mark_all_read", "open"}


# --- stories -----------------------------------------------------------------------------------
def test_a_ward_clerk_cannot_see_another_wards_draft_unless_asked(tree, ward_clerk, client):
    draft = builders.draft(tree.sibling, "Dự thảo quy chế Đảng ủy Phường Phú Khương")
    clerk = org.person_save(
        actor=None, full_name="Văn thư An Hội", home_unit=tree.ward, user=ward_clerk
    )
    other = org.person_save(actor=None, full_name="Người khác", home_unit=tree.sibling)
    first = open_round(draft, persons=[other])
    client.force_login(ward_clerk)

    assert client.get(reverse("documents:respond", args=[first.pk])).status_code == 404
    assert client.get(reverse("documents:detail", args=[draft.pk])).status_code == 404

    consult.consultation_close(actor=None, consultation=first)
    second = open_round(draft, persons=[clerk])

    assert client.get(reverse("documents:respond", args=[second.pk])).status_code == 200
    assert client.get(reverse("documents:consultation", args=[second.pk])).status_code == 403
    # Being asked in the second round opens the draft, not the first round's answers page.
    assert client.get(reverse("documents:respond", args=[first.pk])).status_code == 403


def test_a_viewer_sees_the_draft_but_cannot_organise_or_sign(world, viewer, client):
    client.force_login(viewer)
    city = world.city

    assert (
        client.get(reverse("documents:round_file", args=[city.round.pk, city.file.pk])).status_code
        == 200
    )
    assert client.get(reverse("documents:consultation", args=[city.round.pk])).status_code == 403
    assert client.get(reverse("documents:sign", args=[city.draft.pk])).status_code == 403


def test_an_issued_document_can_no_longer_be_signed(world, city_secretary, client):
    from django.utils import timezone

    consult.consultation_close(actor=None, consultation=world.city.round)
    consult.document_issue(actor=None, document=world.city.draft, issued_on=timezone.localdate())
    client.force_login(city_secretary)

    assert client.get(reverse("documents:sign", args=[world.city.draft.pk])).status_code == 403
