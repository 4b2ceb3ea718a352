"""Who may open and change what in the register: every page, for every role.

Issued documents flow down the tree: a unit sees what its ancestors issued, everything in its
own subtree, and every external document. Drafts stay with the register that owns them (and the
people asked to comment on them). Changing a document is for editors of its register.

The matrix reads like the organisation's: a role, a register seen from that role (its own unit,
a unit below it, a sibling outside its scope, the unit above it), and what the role may do with an
issued document and with a draft there. A page answers 404 when the user may not even see the
document, 403 when they see it but may not do this, and sends anonymous visitors to log in.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tests.documents.builders import docx_bytes, draft, pdf_bytes, register, upload
from trienkhai.documents import files, rules, selectors
from trienkhai.documents.models import Consultation, Document, Recipient
from trienkhai.org import services as org_services
from trienkhai.org.models import AccessRole, UnitKind

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

# Rights over an issued document / a draft kept in the target unit's register.
SE, S, N = "see edit", "see", ""
ISSUED = {
    # role            own          descendant        sibling      ancestor
    "admin":       {"own": SE, "descendant": SE, "sibling": SE, "ancestor": SE},
    "manager":     {"own": SE, "descendant": SE, "sibling": N,  "ancestor": S},
    "editor":      {"own": SE, "descendant": SE, "sibling": N,  "ancestor": S},
    "ward_editor": {"own": SE, "descendant": SE, "sibling": N,  "ancestor": S},
    "viewer":      {"own": S,  "descendant": S,  "sibling": N,  "ancestor": S},
    "outsider":    {"own": N,  "descendant": N,  "sibling": N,  "ancestor": N},
    "anonymous":   {"own": N,  "descendant": N,  "sibling": N,  "ancestor": N},
}  # fmt: skip
DRAFTS = {
    "admin":       {"own": SE, "descendant": SE, "sibling": SE, "ancestor": SE},
    "manager":     {"own": SE, "descendant": SE, "sibling": N,  "ancestor": N},
    "editor":      {"own": SE, "descendant": SE, "sibling": N,  "ancestor": N},
    "ward_editor": {"own": SE, "descendant": SE, "sibling": N,  "ancestor": N},
    "viewer":      {"own": S,  "descendant": S,  "sibling": N,  "ancestor": N},
    "outsider":    {"own": N,  "descendant": N,  "sibling": N,  "ancestor": N},
    "anonymous":   {"own": N,  "descendant": N,  "sibling": N,  "ancestor": N},
}  # fmt: skip

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")

# Every page about one document: (what, url for a document, methods, right needed).
DOCUMENT_PAGES = [
    ("document page", lambda d: reverse("documents:detail", args=[d.pk]), GET, "see"),
    (
        "download a file",
        lambda d: reverse("documents:file_download", args=[d.pk, d.a_file.pk]),
        GET,
        "see",
    ),
    ("edit the record", lambda d: reverse("documents:edit", args=[d.pk]), BOTH, "edit"),
    ("add a relation", lambda d: reverse("documents:relation_new", args=[d.pk]), BOTH, "edit"),
    ("attach files", lambda d: reverse("documents:file_add", args=[d.pk]), BOTH, "edit"),
]
# Changing the status by hand is for issued documents; drafts move by consultation and signing.
ISSUED_ONLY_PAGES = [
    ("change status", lambda d: reverse("documents:status", args=[d.pk]), BOTH, "edit"),
]

EVERYONE = "admin manager editor ward_editor viewer outsider"
EDITORS = "admin manager editor ward_editor"
SITE_PAGES = [
    ("register", reverse("documents:register"), GET, EVERYONE),
    ("filtered register", reverse("documents:register") + "?q=ke+hoach&year=2020", GET, EVERYONE),
    ("register as Excel", reverse("documents:register_xlsx"), GET, EVERYONE),
    ("register an issued document", reverse("documents:register_new"), BOTH, EDITORS),
    ("new draft", reverse("documents:draft_new"), BOTH, EDITORS),
    (
        "next number",
        reverse("documents:next_number") + "?doc_type=KH&issued_on=07-08-2020",
        GET,
        EVERYONE,
    ),
    ("unit picker", reverse("documents:pick_unit") + "?q=phuong&field=issuer", GET, EVERYONE),
    ("people picker", reverse("documents:pick_person") + "?q=can+bo&field=signer", GET, EVERYONE),
    ("document picker", reverse("documents:pick_document") + "?q=ke+hoach", GET, EVERYONE),
]


def outcome(response):
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


@pytest.fixture
def world(tree):
    """Each unit keeps an issued plan and a draft, each with a file."""
    tree.district = org_services.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
        short_name="HU",
    )
    for number, name in enumerate(("province", "city", "district", "ward", "cell", "sibling"), 1):
        unit = getattr(tree, name)
        unit.issued = register(unit, f"{number:02d}-KH/ĐU", D(2020, 8, number), f"Kế hoạch {name}")
        unit.issued.a_file = files.file_attach(
            actor=None, document=unit.issued, uploaded=upload("kh.pdf", pdf_bytes(name))
        )
        unit.draft = draft(unit, f"Dự thảo quy chế {name}")
        unit.draft.a_file = files.file_attach(
            actor=None,
            document=unit.draft,
            uploaded=upload("qc.docx", docx_bytes(name)),
            version=unit.draft.versions.get(),
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
def test_document_pages_answer_each_role_by_its_rights(request, world, role, target):
    unit = getattr(world, TARGETS.get(role, CITY_TARGETS)[target])
    client = client_for(request, role)

    wrong = []
    cases = [
        (unit.issued, ISSUED, DOCUMENT_PAGES + ISSUED_ONLY_PAGES),
        (unit.draft, DRAFTS, DOCUMENT_PAGES),
    ]
    for document, table, pages in cases:
        rights = table[role][target]
        for what, url_of, methods, needed in pages:
            url = url_of(document)
            for method in ("GET", "POST"):
                want = expected(role, rights, method, methods, needed)
                response = client.get(url) if method == "GET" else client.post(url, ANYTHING)
                got = outcome(response)
                if got != want:
                    label = "draft" if document.is_draft else "issued"
                    wrong.append(
                        f"{method} {what} of the {label} ({url}): expected {want}, got {got}"
                    )

    assert wrong == [], f"{role} on {unit.name}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", list(PERSONAS))
def test_register_pages_answer_each_role(request, world, role):
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


def test_every_register_page_is_in_the_matrix():
    from trienkhai.documents.urls_register import urlpatterns

    covered = {
        "detail",
        "file_download",
        "edit",
        "relation_new",
        "file_add",
        "status",
        "register",
        "register_xlsx",
        "register_new",
        "draft_new",
        "next_number",
        "pick_unit",
        "pick_person",
        "pick_document",
    }
    assert {p.name for p in urlpatterns} == covered


def test_the_status_page_of_a_draft_is_refused_even_to_its_editors(
    world, propaganda_officer, login
):
    response = login(propaganda_officer).get(
        reverse("documents:status", args=[world.city.draft.pk])
    )

    assert response.status_code == 403


# --- stories --------------------------------------------------------------------------------------------
def test_a_ward_sees_the_citys_issued_plan(world, ward_clerk, login):
    page = login(ward_clerk).get(reverse("documents:detail", args=[world.city.issued.pk]))

    assert page.status_code == 200
    assert "Kế hoạch city" in page.content.decode()
    assert world.city.issued in selectors.documents_matching(ward_clerk)


def test_a_ward_cannot_see_another_wards_drafts(world, ward_clerk, login):
    client = login(ward_clerk)

    assert client.get(reverse("documents:detail", args=[world.sibling.draft.pk])).status_code == 404
    assert (
        client.get(reverse("documents:detail", args=[world.sibling.issued.pk])).status_code == 404
    )
    register_page = client.get(reverse("documents:register")).content.decode()
    assert "Dự thảo quy chế sibling" not in register_page
    assert "Kế hoạch sibling" not in register_page
    picker = client.get(reverse("documents:pick_document"), {"q": "quy che"}).content.decode()
    assert "sibling" not in picker and "city" not in picker
    assert "Dự thảo quy chế ward" in picker


def test_a_ward_asked_for_comments_sees_that_draft_only(world, ward_clerk, login):
    person = org_services.person_save(
        actor=None, full_name="Nguyễn Thị Thu", home_unit=world.ward, user=ward_clerk
    )
    round_ = Consultation.objects.create(
        document=world.sibling.draft,
        version=world.sibling.draft.versions.get(),
        round_number=1,
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    Recipient.objects.create(consultation=round_, person=person)
    client = login(ward_clerk)

    assert client.get(reverse("documents:detail", args=[world.sibling.draft.pk])).status_code == 200
    assert client.get(reverse("documents:edit", args=[world.sibling.draft.pk])).status_code == 403
    assert client.get(reverse("documents:detail", args=[world.city.draft.pk])).status_code == 404


def test_an_external_document_is_seen_by_every_account(world, outsider, login):
    regulation = register(
        world.ward, "127-QĐ/TW", D(2020, 3, 1), "Quy định", issuer_name="Ban Bí thư"
    )

    response = login(outsider).get(reverse("documents:detail", args=[regulation.pk]))

    assert response.status_code == 200
    assert list(selectors.documents_matching(outsider)) == [regulation]
    assert not rules.can_edit(outsider, regulation)


def test_a_viewer_sees_no_buttons_to_change_a_document(world, viewer, login):
    page = (
        login(viewer).get(reverse("documents:detail", args=[world.city.issued.pk])).content.decode()
    )

    for button in ("Sửa thông tin", "Đính kèm tệp", "Ghi quan hệ", "Chuyển trạng thái"):
        assert button not in page, button
    register_page = login(viewer).get(reverse("documents:register")).content.decode()
    assert "Vào sổ văn bản đã ban hành" not in register_page


def test_a_ward_clerk_cannot_register_in_the_citys_name(world, ward_clerk, login):
    response = login(ward_clerk).post(
        reverse("documents:register_new"),
        {
            "number_text": "09-KH/ThU",
            "issuer_unit": world.city.pk,
            "issued_on": "07-08-2020",
            "summary": "Kế hoạch",
            "status": "issued",
        },
    )

    assert response.status_code == 200
    assert "không có quyền với đơn vị đó" in response.content.decode()
    assert not Document.objects.filter(number_text="09-KH/ThU").exists()


def test_a_ward_clerk_cannot_supersede_the_citys_plan(world, ward_clerk, login):
    ward_plan = world.ward.issued

    response = login(ward_clerk).post(
        reverse("documents:relation_new", args=[ward_plan.pk]),
        {"kind": "replaces", "target": world.city.issued.pk},
    )

    world.city.issued.refresh_from_db()
    assert response.status_code == 200
    assert "bạn không có quyền sửa văn bản đó" in response.content.decode()
    assert world.city.issued.status == "issued"


def test_a_ward_plan_may_implement_the_citys_plan(world, ward_clerk, login):
    response = login(ward_clerk).post(
        reverse("documents:relation_new", args=[world.ward.issued.pk]),
        {"kind": "implements", "target": world.city.issued.pk},
    )

    assert response.status_code == 302


def test_a_relation_to_a_hidden_document_is_refused_as_not_found(world, ward_clerk, login):
    response = login(ward_clerk).post(
        reverse("documents:relation_new", args=[world.ward.issued.pk]),
        {"kind": "implements", "target": world.sibling.issued.pk},
    )

    assert response.status_code == 200
    assert "Không tìm thấy văn bản đã chọn" in response.content.decode()


def test_the_city_does_not_show_a_hidden_implementing_document(world, ward_clerk, login):
    """The sibling ward's plan implements the city's plan; the An Hội clerk must not learn of it."""
    from trienkhai.documents import services

    services.relation_add(
        actor=None, source=world.sibling.issued, target=world.city.issued, kind="implements"
    )
    services.relation_add(
        actor=None, source=world.ward.issued, target=world.city.issued, kind="implements"
    )

    page = login(ward_clerk).get(reverse("documents:detail", args=[world.city.issued.pk]))

    text = page.content.decode()
    assert "Kế hoạch ward" in text
    assert "Kế hoạch sibling" not in text
    assert "1 văn bản triển khai thực hiện" in text


def test_a_file_of_a_hidden_document_cannot_be_fetched_through_another(world, ward_clerk, login):
    url = reverse(
        "documents:file_download", args=[world.ward.issued.pk, world.sibling.issued.a_file.pk]
    )

    assert login(ward_clerk).get(url).status_code == 404


def test_a_viewer_of_the_ward_is_refused_the_register_form(world, login):
    ward_viewer = make_user("xem_anhoi", unit=world.ward, role=AccessRole.VIEWER)

    assert login(ward_viewer).get(reverse("documents:register_new")).status_code == 403
