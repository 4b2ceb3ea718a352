"""Every document endpoint × every role × a register of one's own unit, a descendant and a
sibling (and the unit above): a token has exactly its owner's rights, as in the register pages.
404 for what one may not see, 403 for what one sees but may not do, 401 without credentials.

Issued documents flow down the tree (a unit sees what those above issued); drafts stay with
their register. Each unit keeps an issued plan with a PDF and a draft with a round of comments.
"""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests.api.clients import api
from tests.conftest import make_user
from tests.documents.builders import docx_bytes, draft, pdf_bytes, register, upload
from tests.documents.consultation_world import open_round
from trienkhai.api.tokens import token_create
from trienkhai.documents import consultation as consult
from trienkhai.documents import files
from trienkhai.org import services as org
from trienkhai.org.models import UnitKind

ROLES = ["admin_user", "city_secretary", "propaganda_officer", "ward_clerk", "viewer", "outsider"]
PLACES = ["own", "descendant", "sibling", "ancestor"]
TARGETS = {"own": "ward", "descendant": "cell", "sibling": "sibling", "ancestor": "city"}
CITY_TARGETS = {"own": "city", "descendant": "ward", "sibling": "district", "ancestor": "province"}

SE, S, N = "see edit", "see", ""
ISSUED = {
    # role                 own         descendant        sibling      ancestor
    "admin_user":         {"own": SE, "descendant": SE, "sibling": SE, "ancestor": SE},
    "city_secretary":     {"own": SE, "descendant": SE, "sibling": N,  "ancestor": S},
    "propaganda_officer": {"own": SE, "descendant": SE, "sibling": N,  "ancestor": S},
    "ward_clerk":         {"own": SE, "descendant": SE, "sibling": N,  "ancestor": S},
    "viewer":             {"own": S,  "descendant": S,  "sibling": N,  "ancestor": S},
    "outsider":           {"own": N,  "descendant": N,  "sibling": N,  "ancestor": N},
}  # fmt: skip
DRAFTS = {
    "admin_user":         {"own": SE, "descendant": SE, "sibling": SE, "ancestor": SE},
    "city_secretary":     {"own": SE, "descendant": SE, "sibling": N,  "ancestor": N},
    "propaganda_officer": {"own": SE, "descendant": SE, "sibling": N,  "ancestor": N},
    "ward_clerk":         {"own": SE, "descendant": SE, "sibling": N,  "ancestor": N},
    "viewer":             {"own": S,  "descendant": S,  "sibling": N,  "ancestor": N},
    "outsider":           {"own": N,  "descendant": N,  "sibling": N,  "ancestor": N},
}  # fmt: skip


@pytest.fixture
def units(tree):
    tree.district = org.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
        short_name="HU",
    )
    member = org.person_save(
        actor=None, full_name="Nguyễn Văn Góp", home_unit=tree.city, user=make_user("gopy")
    )
    for number, name in enumerate(("province", "city", "district", "ward", "cell", "sibling"), 1):
        unit = getattr(tree, name)
        unit.issued = register(unit, f"{number:02d}-KH/ĐU", dt.date(2020, 8, number), name)
        unit.issued.a_file = files.file_attach(
            actor=None, document=unit.issued, uploaded=upload("kh.pdf", pdf_bytes(name))
        )
        unit.draft = draft(unit, f"Dự thảo quy chế {name}")
        files.file_attach(
            actor=None,
            document=unit.draft,
            uploaded=upload("qc.docx", docx_bytes(name)),
            version=unit.draft.versions.get(),
        )
        unit.round = open_round(unit.draft, persons=[member])
        unit.comment_text = f"Góp ý {name}"
        unit.person = org.person_save(actor=None, full_name=f"Cán bộ {name}", home_unit=unit)
        consult.comment_submit(actor=member.user, consultation=unit.round, text=unit.comment_text)
    return tree


def unit_for(units, role, place):
    return getattr(units, (TARGETS if role == "ward_clerk" else CITY_TARGETS)[place])


def status(rights, needed, ok=200):
    if needed in rights.split():
        return ok
    return 403 if "see" in rights.split() else 404


MATRIX = [(role, place) for role in ROLES for place in PLACES]


def check_reading_a_document_and_its_file(units, client, unit, role, place):
    for document, table in ((unit.issued, ISSUED), (unit.draft, DRAFTS)):
        want = status(table[role][place], "see")
        assert client.get(f"/api/documents/{document.pk}/").status_code == want
        listed = {
            d["id"] for d in client.get("/api/documents/", {"page_size": 500}).json()["results"]
        }
        assert (document.pk in listed) is (want == 200)
        a_file = document.files.first()
        download = client.get(f"/api/documents/{document.pk}/files/{a_file.pk}/")
        assert download.status_code == want


def check_recording_a_relation(units, client, unit, role, place):
    # Based on the province's plan, which every scoped role sees.
    body = {"kind": "based_on", "target": units.province.issued.pk}
    if unit is units.province:
        body["target"] = units.city.issued.pk
    answer = client.post(f"/api/documents/{unit.issued.pk}/relations/", body, format="json")
    expected = status(ISSUED[role][place], "edit", ok=201)
    assert answer.status_code == expected, answer.json()


def check_consultations_and_comments(units, client, unit, role, place):
    rights = DRAFTS[role][place]
    rounds = client.get(f"/api/documents/{unit.draft.pk}/consultations/")
    assert rounds.status_code == status(rights, "see")
    comments = client.get(f"/api/consultations/{unit.round.pk}/comments/")
    assert comments.status_code == status(rights, "edit")
    if comments.status_code == 200:
        assert [c["text"] for c in comments.json()["results"]] == [unit.comment_text]


EDITORS = {"admin_user", "city_secretary", "propaganda_officer", "ward_clerk"}


def check_registering_in_a_register(units, client, unit, role, place):
    body = {
        "number_text": f"{PLACES.index(place) + 100}-QĐ/TW",
        "issuer_name": "Ban Bí thư",
        "issued_on": "2020-05-04",
        "summary": "Quy định về văn thư",
        "owner_unit": unit.pk,
    }
    answer = client.post("/api/documents/", body, format="json")
    if role not in EDITORS:
        expected = 403  # no register of one's own at all
    elif "edit" in ISSUED[role][place].split():
        expected = 201
    else:
        expected = 400  # a register one may not keep: a wrong choice, on its field
    assert answer.status_code == expected, answer.json()
    if expected == 400:
        assert answer.json()["error"]["field"] == "owner_unit"


MANAGERS = {"admin_user", "city_secretary"}


def check_correcting_and_attaching(units, client, unit, role, place):
    rights = ISSUED[role][place]
    url = f"/api/documents/{unit.issued.pk}/"
    changed = client.patch(url, {"summary": "Đã sửa"}, format="json", HTTP_IF_MATCH="*")
    assert changed.status_code == status(rights, "edit"), changed.json()
    added = client.post(
        f"{url}files/", {"files": [upload("them.pdf", pdf_bytes("them"))]}, format="multipart"
    )
    assert added.status_code == status(rights, "edit", ok=201), added.json()


def check_starting_a_draft(units, client, unit, role, place):
    body = {
        "system": "party",
        "doc_type": "KH",
        "issuer_unit": unit.pk,
        "summary": "Dự thảo kế hoạch",
        "file": upload("kh.docx", docx_bytes("kế hoạch", place)),
    }
    answer = client.post("/api/documents/drafts/", body, format="multipart")
    if role not in EDITORS:
        expected = 403
    elif "edit" in DRAFTS[role][place].split():
        expected = 201
    else:
        expected = 400  # a unit one may not write for: a wrong choice, on its field
    assert answer.status_code == expected, answer.json()


def check_running_a_round(units, client, unit, role, place):
    """Record a paper comment, resolve it, close the round, open another, close it, sign."""
    rights = DRAFTS[role][place]
    round_url = f"/api/consultations/{unit.round.pk}/"
    recipient = unit.round.recipients.get()
    listed = client.get(f"{round_url}recipients/")
    assert listed.status_code == status(rights, "edit")
    seen = client.get(round_url)
    assert seen.status_code == status(rights, "see")
    paper = client.post(
        f"{round_url}comments/", {"text": "Trên giấy", "recipient": recipient.pk}, format="json"
    )
    assert paper.status_code == status(rights, "edit", ok=201), paper.json()
    asked_only = client.post(f"{round_url}comments/", {"text": "Tự góp"}, format="json")
    assert asked_only.status_code == status(rights, "never")
    none = client.post(f"{round_url}no-comment/", {"recipient": recipient.pk}, format="json")
    # Editors reach the service, which refuses "no comment" after a comment.
    assert none.status_code == status(rights, "edit", ok=400)
    comment = unit.round.comments.first()
    resolved = client.patch(
        f"/api/comments/{comment.pk}/", {"resolution": "accepted"}, format="json"
    )
    assert resolved.status_code == status(rights, "edit")
    assert client.post(f"{round_url}remind/").status_code == status(rights, "edit")
    assert client.post(f"{round_url}close/").status_code == status(rights, "edit")
    opened = client.post(
        f"/api/documents/{unit.draft.pk}/consultations/",
        {"persons": [unit.person.pk], "deadline": "2100-01-01"},
        format="json",
    )
    assert opened.status_code == status(rights, "edit", ok=201), opened.json()
    if opened.status_code == 201:
        closed = client.post(f"/api/consultations/{opened.json()['id']}/close/")
        assert closed.status_code == 200
    issued = client.post(
        f"/api/documents/{unit.draft.pk}/issue/",
        {"issued_on": "2020-10-01"},
        format="json",
    )
    if "edit" in rights.split() and role in MANAGERS:
        # A unit without an abbreviation (ThU, HU...) cannot write a number yet.
        expected = 200 if unit.short_name else 400
    else:
        expected = status(rights, "never")
    assert issued.status_code == expected, issued.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "place"), MATRIX, ids=[f"{r}-{p}" for r, p in MATRIX])
def test_every_endpoint(request, units, role, place):
    """One world per role and place (building it is the slow part); reads before writes."""
    unit, client = unit_for(units, role, place), api(request, role)
    check_reading_a_document_and_its_file(units, client, unit, role, place)
    check_consultations_and_comments(units, client, unit, role, place)
    check_recording_a_relation(units, client, unit, role, place)
    check_registering_in_a_register(units, client, unit, role, place)
    check_correcting_and_attaching(units, client, unit, role, place)
    check_starting_a_draft(units, client, unit, role, place)
    check_running_a_round(units, client, unit, role, place)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/documents/",
        "/api/documents/1/",
        "/api/documents/1/files/1/",
        "/api/documents/1/consultations/",
        "/api/consultations/1/comments/",
        "/api/consultations/1/",
        "/api/consultations/1/recipients/",
    ],
)
def test_no_credentials(path):
    answer = APIClient().get(path)
    assert answer.status_code in (401, 403)
    assert answer.json()["error"]["code"] in ("not_authenticated", "forbidden")
    assert APIClient().post("/api/documents/1/relations/", {}, format="json").status_code in (
        401,
        403,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/documents/drafts/"),
        ("patch", "/api/documents/1/"),
        ("post", "/api/documents/1/files/"),
        ("post", "/api/documents/1/versions/"),
        ("post", "/api/documents/1/issue/"),
        ("post", "/api/documents/1/submit/"),
        ("post", "/api/documents/1/consultations/"),
        ("post", "/api/consultations/1/close/"),
        ("post", "/api/consultations/1/remind/"),
        ("post", "/api/consultations/1/comments/"),
        ("post", "/api/consultations/1/no-comment/"),
        ("patch", "/api/comments/1/"),
    ],
)
def test_writes_without_credentials_or_with_a_read_only_key(units, ward_clerk, method, path):
    answer = getattr(APIClient(), method)(path, {}, format="multipart")
    assert answer.status_code in (401, 403)
    client = APIClient()
    raw = token_create(user=ward_clerk, name="r", read_only=True)[1]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    refused = getattr(client, method)(path.replace("/1/", f"/{units.ward.draft.pk}/"), {})
    assert refused.status_code == 403
    assert "chỉ được đọc" in refused.json()["error"]["message"]
