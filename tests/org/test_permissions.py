"""Who may open and change what: every page of the organisation tree, for every role.

The matrix below reads: a role, a target unit seen from that role (its own unit, a unit below
it, a sibling outside its scope, the unit above it), and what the role may do there. Each page
names the right it needs. A page answers 404 when the user may not even see the unit, 403 when
they see it but may not do this, and sends anonymous visitors to the login page.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from trienkhai.org import rules, selectors, services
from trienkhai.org.models import Access, AccessRole, PositionRole, Unit, UnitKind

LOGIN = reverse("accounts:login")
ANYTHING = {"note": ""}  # a POST that reaches the view's checks but fills no form


# --- the people --------------------------------------------------------------------------------
PERSONAS = {
    "admin": "admin_user",
    "manager": "city_secretary",  # manager of the city
    "editor": "propaganda_officer",  # editor of the city
    "ward_editor": "ward_clerk",  # editor of the An Hội ward
    "viewer": "viewer",  # viewer of the city
    "outsider": "outsider",  # an account with no unit
    "anonymous": None,
}

# The four targets, seen from each role: own unit, a descendant, a sibling, an ancestor.
TARGETS = {
    "ward_editor": {"own": "ward", "descendant": "cell", "sibling": "sibling", "ancestor": "city"},
}
CITY_TARGETS = {"own": "city", "descendant": "ward", "sibling": "district", "ancestor": "province"}

# see: open it; edit: its details, terms, people and positions; manage: add units below it,
# rename it and grant access to it; reorganise: move, merge, split or dissolve it, which is for
# a manager of its parent to decide.
ALL = "see edit manage reorganise"
NONE = ""
RIGHTS = {
    # role            own                    descendant   sibling  ancestor
    "admin":       {"own": ALL,               "descendant": ALL,          "sibling": ALL,  "ancestor": ALL},
    "manager":     {"own": "see edit manage", "descendant": ALL,          "sibling": NONE, "ancestor": NONE},
    "editor":      {"own": "see edit",        "descendant": "see edit",   "sibling": NONE, "ancestor": NONE},
    "ward_editor": {"own": "see edit",        "descendant": "see edit",   "sibling": NONE, "ancestor": NONE},
    "viewer":      {"own": "see",             "descendant": "see",        "sibling": NONE, "ancestor": NONE},
    "outsider":    {"own": NONE,              "descendant": NONE,         "sibling": NONE, "ancestor": NONE},
    "anonymous":   {"own": NONE,              "descendant": NONE,         "sibling": NONE, "ancestor": NONE},
}  # fmt: skip

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")

# Every page about one unit: (what it is, how to reach it for a target, methods, right needed).
UNIT_PAGES = [
    ("unit page", lambda u: reverse("org:unit", args=[u.pk]), GET, "see"),
    ("tree children", lambda u: reverse("org:tree_children", args=[u.pk]), GET, "see"),
    ("edit details", lambda u: reverse("org:unit_edit", args=[u.pk]), BOTH, "edit"),
    ("new term", lambda u: reverse("org:term_new", args=[u.pk]), BOTH, "edit"),
    ("edit term", lambda u: reverse("org:term_edit", args=[u.pk, u.term.pk]), BOTH, "edit"),
    ("new position", lambda u: reverse("org:position_new", args=[u.pk]), BOTH, "edit"),
    (
        "edit position",
        lambda u: reverse("org:position_edit", args=[u.pk, u.position.pk]),
        BOTH,
        "edit",
    ),
    ("person kept here", lambda u: reverse("org:person", args=[u.person.pk]), GET, "see"),
    ("edit that person", lambda u: reverse("org:person_edit", args=[u.person.pk]), BOTH, "edit"),
    ("add a unit below", lambda u: reverse("org:unit_new") + f"?parent={u.pk}", BOTH, "manage"),
    ("rename", lambda u: reverse("org:reorganise", args=[u.pk, "rename"]), BOTH, "manage"),
    ("access", lambda u: reverse("org:access", args=[u.pk]), BOTH, "manage"),
    (
        "revoke access",
        lambda u: reverse("org:access_revoke", args=[u.pk, u.access.pk]),
        POST,
        "manage",
    ),
    ("move", lambda u: reverse("org:reorganise", args=[u.pk, "move"]), BOTH, "reorganise"),
    ("merge", lambda u: reverse("org:reorganise", args=[u.pk, "merge"]), BOTH, "reorganise"),
    ("split", lambda u: reverse("org:reorganise", args=[u.pk, "split"]), BOTH, "reorganise"),
    (
        "dissolve",
        lambda u: reverse("org:reorganise", args=[u.pk, "dissolve"]),
        BOTH,
        "reorganise",
    ),
]

EVERYONE = "admin manager editor ward_editor viewer outsider"
# Pages about no unit in particular: (what, url, methods, roles let in; other accounts get 403).
SITE_PAGES = [
    ("tree", reverse("org:home"), GET, EVERYONE),
    ("tree as of a date", reverse("org:home") + "?as_of=21-09-2020", GET, EVERYONE),
    ("search", reverse("org:search") + "?q=ben+tre", GET, EVERYONE),
    ("unit picker", reverse("org:pick") + "?q=phuong&field=new_parent", GET, EVERYONE),
    ("events", reverse("org:events"), GET, EVERYONE),
    ("people", reverse("org:people"), GET, EVERYONE),
    ("new person", reverse("org:person_new"), BOTH, "admin manager editor ward_editor"),
    ("new root unit", reverse("org:unit_new"), BOTH, "admin"),
    ("own profile", reverse("accounts:profile"), BOTH, EVERYONE),
]


def outcome(response):
    """What the visitor met: 'ok' (a page, or on to the next one), 'login', or an error code."""
    if response.status_code == 302:
        return "login" if response.url.startswith(LOGIN) else "ok"
    if response.status_code == 200:
        return "ok"
    return response.status_code


def expected_for_unit_page(role, rights, method, methods, needed):
    if role == "anonymous":
        return "login"
    if method not in methods:
        return 405
    if needed in rights.split():
        return "ok"
    return 403 if "see" in rights.split() else 404


@pytest.fixture
def world(tree):
    """The persona tree plus a second district; each unit gets a term, a person kept there who
    holds a post there, and a bystander's access that a manager could revoke."""
    tree.district = services.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
    )
    bystander = make_user("khach")
    for name in ("province", "city", "district", "ward", "cell", "sibling"):
        unit = getattr(tree, name)
        unit.term = services.term_save(
            actor=None, unit=unit, name="Khóa I", start_on=dt.date(2020, 10, 1)
        )
        unit.person = services.person_save(
            actor=None, full_name=f"Cán bộ {unit.name}", home_unit=unit
        )
        unit.position = services.position_save(
            actor=None,
            person=unit.person,
            unit=unit,
            role=PositionRole.STAFF,
            start_on=dt.date(2020, 10, 1),
        )
        unit.access = services.access_grant(
            actor=None, user=bystander, unit=unit, role=AccessRole.VIEWER
        )
    return tree


def client_for(request, role):
    if PERSONAS[role] is None:
        return Client()
    client = Client()
    client.force_login(request.getfixturevalue(PERSONAS[role]))
    return client


MATRIX = [
    (role, target) for role in PERSONAS for target in ("own", "descendant", "sibling", "ancestor")
]


@pytest.mark.parametrize(("role", "target"), MATRIX, ids=[f"{r}-{t}" for r, t in MATRIX])
def test_unit_pages_answer_each_role_by_its_rights(request, world, role, target):
    unit = getattr(world, TARGETS.get(role, CITY_TARGETS)[target])
    rights = RIGHTS[role][target]
    client = client_for(request, role)

    wrong = []
    for what, url_of, methods, needed in UNIT_PAGES:
        url = url_of(unit)
        for method in ("GET", "POST"):
            expected = expected_for_unit_page(role, rights, method, methods, needed)
            response = client.get(url) if method == "GET" else client.post(url, ANYTHING)
            got = outcome(response)
            if got != expected:
                wrong.append(f"{method} {what} ({url}): expected {expected}, got {got}")

    assert wrong == [], f"{role} on {unit.name}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", list(PERSONAS))
def test_site_pages_answer_each_role(request, world, role):
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


def test_every_organisation_page_is_in_the_matrix():
    """A new URL must be added to the tables above (the xlsx pages are tested elsewhere)."""
    from trienkhai.org.urls import urlpatterns

    covered = {
        "home",
        "tree_children",
        "search",
        "pick",
        "events",
        "unit_new",
        "unit",
        "unit_edit",
        "reorganise",
        "term_new",
        "term_edit",
        "position_new",
        "position_edit",
        "access",
        "access_revoke",
        "people",
        "person_new",
        "person",
        "person_edit",
    }
    tested_elsewhere = {"import", "export", "template"}
    assert {p.name for p in urlpatterns} == covered | tested_elsewhere


# --- a ward clerk stays in their ward -----------------------------------------------------------
def test_ward_clerk_cannot_open_the_sibling_ward(tree, ward_clerk, login):
    client = login(ward_clerk)

    assert client.get(reverse("org:unit", args=[tree.sibling.pk])).status_code == 404
    assert client.get(reverse("org:tree_children", args=[tree.sibling.pk])).status_code == 404


def test_ward_clerk_cannot_even_load_the_city_children(tree, ward_clerk, login):
    response = login(ward_clerk).get(reverse("org:tree_children", args=[tree.city.pk]))

    assert response.status_code == 404
    assert "Phú Khương" not in response.content.decode()


def test_ward_clerk_does_not_find_the_sibling_ward_by_searching(tree, ward_clerk, login):
    assert [h.unit for h in selectors.search_units(ward_clerk, "phuong")] == [tree.ward]
    assert selectors.search_units(ward_clerk, "phu khuong") == []

    page = login(ward_clerk).get(reverse("org:search"), {"q": "phuong"}).content.decode()
    assert "Đảng ủy Phường An Hội" in page
    assert "Phú Khương" not in page.split("<h2>Đơn vị</h2>", 1)[1]


def test_ward_clerk_does_not_find_the_sibling_ward_in_the_unit_picker(tree, ward_clerk, login):
    response = login(ward_clerk).get(reverse("org:pick"), {"q": "phuong", "field": "new_parent"})

    page = response.content.decode()
    assert f'value="{tree.ward.pk}"' in page
    assert f'value="{tree.sibling.pk}"' not in page
    assert "Phú Khương" not in page


def test_ward_clerk_tree_starts_at_their_ward(tree, ward_clerk, login):
    page = login(ward_clerk).get(reverse("org:home")).content.decode()

    assert "Đảng ủy Phường An Hội" in page
    assert "Phú Khương" not in page
    assert "Thành ủy Bến Tre" not in page.split('<ul class="tree">', 1)[1]


def test_ward_clerk_does_not_see_the_sibling_wards_events_or_people(
    tree, ward_clerk, admin_user, login
):
    services.person_save(actor=None, full_name="Trần Thị Bình", home_unit=tree.sibling)
    services.unit_dissolve(actor=admin_user, unit=tree.sibling, effective_on=dt.date(2025, 7, 1))
    client = login(ward_clerk)

    assert "Phú Khương" not in client.get(reverse("org:events")).content.decode()
    assert "Trần Thị Bình" not in client.get(reverse("org:people")).content.decode()
    search = client.get(reverse("org:search"), {"q": "binh"}).content.decode()
    assert "Trần Thị Bình" not in search


# --- a viewer looks but does not touch -----------------------------------------------------------
def test_viewer_sees_the_city_but_no_buttons_to_change_it(tree, viewer, login):
    page = login(viewer).get(reverse("org:unit", args=[tree.city.pk])).content.decode()

    assert "Thành ủy Bến Tre" in page
    for button in ("Sửa thông tin", "Thêm chức vụ", "Đổi tên", "Chuyển trực thuộc", "Phân quyền"):
        assert button not in page, button


def test_viewer_cannot_change_the_city_by_posting_anyway(tree, viewer, login):
    client = login(viewer)

    edit = client.post(
        reverse("org:unit_edit", args=[tree.city.pk]), {"name": "Thành ủy Bến Tre (sửa)"}
    )
    rename = client.post(
        reverse("org:reorganise", args=[tree.ward.pk, "rename"]),
        {"name": "Tên mới", "effective_on": "01-07-2025"},
    )

    assert (edit.status_code, rename.status_code) == (403, 403)
    assert Unit.objects.get(pk=tree.city.pk).name == "Thành ủy Bến Tre"
    assert Unit.objects.get(pk=tree.ward.pk).name == "Đảng ủy Phường An Hội"


# --- reorganising is for a manager of the parent ------------------------------------------------
@pytest.fixture
def ward_manager(tree):
    return make_user("quanly_anhoi", unit=tree.ward, role=AccessRole.MANAGER)


def test_ward_manager_may_rename_their_ward_but_not_move_or_end_it(tree, ward_manager, login):
    client = login(ward_manager)

    for kind in ("move", "merge", "split", "dissolve"):
        assert client.get(reverse("org:reorganise", args=[tree.ward.pk, kind])).status_code == 403
    response = client.post(
        reverse("org:reorganise", args=[tree.ward.pk, "rename"]),
        {"name": "Đảng ủy Phường Phú Tân", "effective_on": "01-07-2025"},
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=tree.ward.pk).name == "Đảng ủy Phường Phú Tân"
    assert rules.can_rename(ward_manager, tree.ward)
    assert not rules.can_reorganise(ward_manager, tree.ward)


def test_ward_manager_may_reorganise_the_cells_of_their_ward(tree, ward_manager, login):
    client = login(ward_manager)
    services.unit_create(
        actor=None, parent=tree.ward, kind=UnitKind.PARTY_CELL, name="Chi bộ Khu phố 2"
    )

    response = client.post(
        reverse("org:reorganise", args=[tree.cell.pk, "dissolve"]),
        {"effective_on": "01-07-2025", "confirm": "on"},
    )

    assert response.status_code == 302
    assert Unit.objects.get(pk=tree.cell.pk).ended_on == dt.date(2025, 7, 1)


def test_city_secretary_may_rename_the_city_but_not_move_it(tree, city_secretary, login):
    client = login(city_secretary)

    assert client.get(reverse("org:reorganise", args=[tree.city.pk, "rename"])).status_code == 200
    assert client.get(reverse("org:reorganise", args=[tree.city.pk, "move"])).status_code == 403


def test_city_secretary_moves_a_cell_to_the_other_ward(tree, city_secretary, login):
    response = login(city_secretary).post(
        reverse("org:reorganise", args=[tree.cell.pk, "move"]),
        {"new_parent": tree.sibling.pk, "effective_on": "01-07-2025"},
    )

    assert response.status_code == 302
    assert Unit.objects.get(pk=tree.cell.pk).parent_unit() == tree.sibling


def test_city_secretary_cannot_move_a_ward_out_of_their_scope(tree, city_secretary, login):
    response = login(city_secretary).post(
        reverse("org:reorganise", args=[tree.ward.pk, "move"]),
        {"new_parent": tree.province.pk, "effective_on": "01-07-2025"},
    )

    assert response.status_code == 200
    assert (
        "Không tìm thấy đơn vị đã chọn, hoặc bạn không có quyền với đơn vị đó."
        in response.content.decode()
    )
    assert Unit.objects.get(pk=tree.ward.pk).parent_unit() == tree.city


def test_manager_of_two_wards_cannot_merge_away_a_ward_whose_parent_they_do_not_manage(tree, login):
    """Managing both wards is not managing the city: neither ward is theirs to end."""
    both = make_user("quanly_hai_phuong", unit=tree.ward, role=AccessRole.MANAGER)
    services.access_grant(actor=None, user=both, unit=tree.sibling, role=AccessRole.MANAGER)

    response = login(both).post(
        reverse("org:reorganise", args=[tree.cell.pk, "merge"]),
        {
            "others": [tree.sibling.pk],
            "mode": "new",
            "new_name": "Chi bộ mới",
            "new_parent": tree.ward.pk,
            "effective_on": "01-07-2025",
        },
    )

    assert response.status_code == 200
    assert (
        "Bạn không có quyền sắp xếp lại “Đảng ủy Phường Phú Khương”: cần quyền quản lý đơn vị cấp trên."
        in response.content.decode()
    )
    assert Unit.objects.get(pk=tree.sibling.pk).ended_on is None
    assert Unit.objects.get(pk=tree.cell.pk).ended_on is None


# --- access is granted within one's own subtree -------------------------------------------------
def test_city_secretary_grants_access_within_the_city(tree, city_secretary):
    newcomer = make_user("canbo_moi")

    services.access_grant(
        actor=city_secretary, user=newcomer, unit=tree.ward, role=AccessRole.EDITOR
    )

    assert rules.can_edit_unit(newcomer, tree.ward)
    assert not rules.can_view_unit(newcomer, tree.sibling)


def test_city_secretary_cannot_grant_access_above_the_city(tree, city_secretary, login):
    from django.core.exceptions import ValidationError

    newcomer = make_user("canbo_moi")

    with pytest.raises(ValidationError) as caught:
        services.access_grant(
            actor=city_secretary, user=newcomer, unit=tree.province, role=AccessRole.VIEWER
        )
    assert caught.value.messages == ["Bạn chỉ có thể phân quyền trong phạm vi mình quản lý."]
    response = login(city_secretary).post(
        reverse("org:access", args=[tree.province.pk]), {"username": "canbo_moi", "role": "viewer"}
    )
    assert response.status_code == 404
    assert not Access.objects.filter(user=newcomer).exists()


def test_ward_manager_cannot_grant_access_to_the_sibling_ward(tree, ward_manager, login):
    make_user("canbo_moi")

    response = login(ward_manager).post(
        reverse("org:access", args=[tree.sibling.pk]), {"username": "canbo_moi", "role": "viewer"}
    )

    assert response.status_code == 404
    assert not Access.objects.filter(user__username="canbo_moi").exists()


def test_ward_manager_cannot_make_themselves_manager_of_the_city(tree, ward_manager, login):
    response = login(ward_manager).post(
        reverse("org:access", args=[tree.city.pk]),
        {"username": "quanly_anhoi", "role": "manager"},
    )

    assert response.status_code == 404
    assert not rules.can_manage_unit(ward_manager, tree.city)


def test_city_secretary_cannot_revoke_an_access_above_the_city_through_the_city(
    tree, city_secretary, login
):
    provincial = make_user("tinhuy", unit=tree.province, role=AccessRole.MANAGER)
    access = Access.objects.get(user=provincial)

    response = login(city_secretary).post(
        reverse("org:access_revoke", args=[tree.city.pk, access.pk])
    )

    assert response.status_code == 404
    assert Access.objects.filter(pk=access.pk).exists()


def test_editor_cannot_grant_access(tree, propaganda_officer, login):
    make_user("canbo_moi")

    response = login(propaganda_officer).post(
        reverse("org:access", args=[tree.ward.pk]), {"username": "canbo_moi", "role": "manager"}
    )

    assert response.status_code == 403
    assert not Access.objects.filter(user__username="canbo_moi").exists()


def test_anonymous_visitor_is_sent_to_login_and_back(tree, client):
    url = reverse("org:unit", args=[tree.city.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={url}"
