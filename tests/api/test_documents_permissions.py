"""Every document endpoint × every role × a register of one's own unit, a descendant and a
sibling (and the unit above): a token has exactly its owner's rights, as in the register pages.
404 for what one may not see, 403 for what one sees but may not do, 401 without credentials.

Issued documents flow down the tree (a unit sees what those above issued); drafts stay with
their register. Each unit keeps an issued plan with a PDF and a draft with a round of comments.
"""

import datetime as dt

import pytest
from rest_framework.test import APIClient

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


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
        consult.comment_submit(actor=member.user, consultation=unit.round, text=unit.comment_text)
    return tree


def api(request, role):
    client = APIClient()
    user = request.getfixturevalue(role)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='t')[1]}")
    return client


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


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "place"), MATRIX, ids=[f"{r}-{p}" for r, p in MATRIX])
def test_every_endpoint(request, units, role, place):
    """One world per role and place (building it is the slow part); reads before writes."""
    unit, client = unit_for(units, role, place), api(request, role)
    check_reading_a_document_and_its_file(units, client, unit, role, place)
    check_consultations_and_comments(units, client, unit, role, place)
    check_recording_a_relation(units, client, unit, role, place)
    check_registering_in_a_register(units, client, unit, role, place)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/documents/",
        "/api/documents/1/",
        "/api/documents/1/files/1/",
        "/api/documents/1/consultations/",
        "/api/consultations/1/comments/",
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
