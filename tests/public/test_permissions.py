"""Who may open each page of the public sites inside the product, and the public pages for all.

Every URL of public/urls.py, for every role, against the sites of four units seen from that
role: its own unit, a unit below it, a sibling outside its scope, the unit above it. A page
answers 404 when the user may not even see the unit, 403 when they see it but may not do this,
and sends anonymous visitors to the login page. The public pages (public/urls_public.py) answer
everyone the same: the published post of an open site, and 404 for a draft.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from tests.public.test_images import PNG
from trienkhai.documents.services import document_register
from trienkhai.plans.programmes import programme_create
from trienkhai.public import services
from trienkhai.public.comments import comment_submit

LOGIN = reverse("accounts:login")

PERSONAS = {
    "admin": "admin_user",
    "manager": "city_secretary",  # manager of the city
    "editor": "propaganda_officer",  # editor of the city
    "ward_editor": "ward_clerk",  # editor of the An Hội ward
    "viewer": "viewer",  # viewer of the city
    "outsider": "outsider",  # an account with no unit
}
TARGETS = {
    "ward_editor": {"own": "ward", "descendant": "cell", "sibling": "sibling", "ancestor": "city"},
}
CITY_TARGETS = {"own": "city", "descendant": "ward", "sibling": "district", "ancestor": "province"}

# write: the site's posts and drafts; manage: open the site and change its settings.
RIGHTS = {
    #  role          own               descendant         sibling  ancestor
    "admin":       {"own": "see write manage", "descendant": "see write manage", "sibling": "see write manage", "ancestor": "see write manage"},
    "manager":     {"own": "see write manage", "descendant": "see write manage", "sibling": "", "ancestor": ""},
    "editor":      {"own": "see write",        "descendant": "see write",        "sibling": "", "ancestor": ""},
    "ward_editor": {"own": "see write",        "descendant": "see write",        "sibling": "", "ancestor": ""},
    "viewer":      {"own": "see",              "descendant": "see",              "sibling": "", "ancestor": ""},
    "outsider":    {"own": "",                 "descendant": "",                 "sibling": "", "ancestor": ""},
}  # fmt: skip

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")
PAGES = [
    ("site", lambda u: reverse("public:site", args=[u.site.pk]), GET, "write"),
    ("new post", lambda u: reverse("public:post_new", args=[u.site.pk]), BOTH, "write"),
    ("post", lambda u: reverse("public:post", args=[u.post.pk]), GET, "write"),
    ("edit post", lambda u: reverse("public:post_edit", args=[u.post.pk]), BOTH, "write"),
    ("publish", lambda u: reverse("public:post_publish", args=[u.post.pk]), POST, "write"),
    ("withdraw", lambda u: reverse("public:post_withdraw", args=[u.post.pk]), POST, "write"),
    ("programmes", lambda u: reverse("public:programmes", args=[u.site.pk]), GET, "write"),
    (
        "show a programme",
        lambda u: (
            reverse("public:programme_new", args=[u.site.pk]) + f"?programme={u.programme.pk}"
        ),
        BOTH,
        "write",
    ),
    (
        "edit a shown programme",
        lambda u: reverse("public:programme_edit", args=[u.shown.pk]),
        BOTH,
        "write",
    ),
    (
        "withdraw a programme",
        lambda u: reverse("public:programme_withdraw", args=[u.shown.pk]),
        POST,
        "write",
    ),
    ("comments", lambda u: reverse("public:comments", args=[u.site.pk]), GET, "write"),
    (
        "approve a comment",
        lambda u: reverse("public:comment_act", args=[u.comment.pk, "duyet"]),
        POST,
        "write",
    ),
    (
        "reply to a comment",
        lambda u: reverse("public:comment_act", args=[u.comment.pk, "tra-loi"]),
        POST,
        "write",
    ),
    (
        "reject a comment",
        lambda u: reverse("public:comment_act", args=[u.comment.pk, "khong-dang"]),
        POST,
        "write",
    ),
    ("picture", lambda u: reverse("public:image", args=[u.image.pk]), GET, "write"),
    (
        "remove a picture",
        lambda u: reverse("public:image_remove", args=[u.image.pk]),
        POST,
        "write",
    ),
    ("site settings", lambda u: reverse("public:site_edit", args=[u.site.pk]), BOTH, "manage"),
    ("open a site", lambda u: reverse("public:site_new") + f"?unit={u.pk}", BOTH, "manage"),
]


@pytest.fixture
def world(tree, admin_user):
    from trienkhai.org import services as org
    from trienkhai.org.models import UnitKind

    tree.district = org.unit_create(
        actor=None, parent=tree.province, kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
    )  # fmt: skip
    resolution = document_register(
        actor=None, owner_unit=tree.province, issuer_unit=tree.province, number_text="01-NQ/TU",
        issued_on=dt.date(2020, 10, 1), summary="Nghị quyết Đại hội",
    )  # fmt: skip
    for name in ("province", "city", "ward", "cell", "sibling", "district"):
        unit = getattr(tree, name)
        unit.programme, shown = (
            programme_create(
                actor=None,
                document=resolution,
                title=title,
                field="x",
                owner_unit=unit,
                start_year=2021,
                end_year=2025,
            )  # fmt: skip
            for title in (f"Chương trình của {unit.name}", "Đã công khai")
        )
        unit.site = services.site_save(
            actor=admin_user, unit=unit, slug=f"site-{name}", title=unit.name, is_open=True
        )
        unit.post = services.post_save(
            actor=admin_user, site=unit.site, title=f"Tin của {unit.name}", body="x",
            author_name="VP",
        )  # fmt: skip
        published = services.post_publish(
            actor=admin_user,
            post=services.post_save(
                actor=admin_user, site=unit.site, title="Đã đăng", body="x", author_name="VP"
            ),
        )
        unit.image = services.image_add(
            actor=admin_user, post=unit.post, uploaded=SimpleUploadedFile("a.png", PNG), alt="Ảnh"
        )
        unit.comment = comment_submit(
            site=unit.site, post=published, name="Dân", body=f"Ý kiến ở {name}", address=name
        )
        unit.shown = services.programme_publish(
            actor=admin_user, site=unit.site, programme=shown, summary="Giới thiệu"
        )
    return tree


def _expected(allowed: bool, sees: bool) -> set[int]:
    if allowed:
        return {200, 302}
    return {403} if sees else {404}


@pytest.mark.parametrize("role", PERSONAS)
def test_every_page_for_every_role_and_unit(request, world, role):
    user = request.getfixturevalue(PERSONAS[role])
    client = Client()
    client.force_login(user)
    targets = TARGETS.get(role, CITY_TARGETS)
    failures = []
    for where, unit_name in targets.items():
        unit = getattr(world, unit_name)
        rights = RIGHTS[role][where].split()
        for what, url_of, methods, needed in PAGES:
            expected = _expected(needed in rights, "see" in rights)
            if what == "open a site":
                # the unit already has a site: a manager is told so on the form, not refused
                expected = _expected("manage" in rights, "see" in rights)
            for method in methods:
                url = url_of(unit)
                response = client.get(url) if method == "GET" else client.post(url, {})
                if response.status_code not in expected:
                    failures.append((what, method, where, response.status_code, expected))
    assert failures == []


def test_the_list_of_sites_shows_only_those_the_user_writes(world, ward_clerk, viewer):
    client = Client()
    client.force_login(ward_clerk)
    text = client.get(reverse("public:sites")).content.decode()
    assert "Đảng ủy Phường An Hội" in text and "Chi bộ Khu phố 1" in text
    assert "Đảng ủy Phường Phú Khương" not in text and "Thành ủy Bến Tre" not in text
    client.force_login(viewer)
    assert "Chưa có trang công khai nào" in client.get(reverse("public:sites")).content.decode()


@pytest.mark.parametrize(
    "name",
    ["sites", *(p[0] for p in PAGES)],
)
def test_anonymous_visitors_are_sent_to_the_login_page(world, name):
    client = Client()
    if name == "sites":
        url, methods = reverse("public:sites"), GET
    else:
        _what, url_of, methods, _needed = next(p for p in PAGES if p[0] == name)
        url = url_of(world.city)
    for method in methods:
        response = client.get(url) if method == "GET" else client.post(url, {})
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_opening_a_site_for_a_unit_one_cannot_see_or_for_no_unit_is_not_found(world):
    client = Client()
    client.force_login(make_user("khach"))
    assert client.get(reverse("public:site_new") + f"?unit={world.cell.pk}").status_code == 404
    assert client.get(reverse("public:site_new") + "?unit=abc").status_code == 404


@pytest.mark.parametrize("role", [None, *PERSONAS])
def test_the_public_pages_answer_everyone_the_same(request, world, admin_user, role):
    client = Client()
    if role:
        client.force_login(request.getfixturevalue(PERSONAS[role]))
    site, draft = world.city.site, world.city.post
    published = services.post_save(
        actor=admin_user, site=site, title="Tin đã đăng", body="x", author_name="VP"
    )
    services.post_publish(actor=admin_user, post=published)
    assert client.get(reverse("public_site:home", args=[site.slug])).status_code == 200
    assert client.get(reverse("public_site:feed", args=[site.slug])).status_code == 200
    assert (
        client.get(reverse("public_site:post", args=[site.slug, published.slug])).status_code == 200
    )
    assert client.get(reverse("public_site:post", args=[site.slug, draft.slug])).status_code == 404
    shown = reverse("public_site:programme", args=[site.slug, world.city.shown.pk])
    assert client.get(shown).status_code == 200
    elsewhere = reverse("public_site:programme", args=[site.slug, world.ward.shown.pk])
    assert client.get(elsewhere).status_code == 404  # shown on the ward's site, not the city's
