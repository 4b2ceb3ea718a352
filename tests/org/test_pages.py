"""The organisation pages as people meet them, in Vietnamese.

The tree and its as-of view, search, the unit page, and every form: a mistake comes back on the
same page with a specific message and what was typed still in place, and nothing typed into a
form makes the server fail.
"""

import datetime as dt
import html
import os
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.conftest import make_user
from trienkhai.org import services
from trienkhai.org.models import AccessRole, PositionRole, Unit

INVALID_DATE = "Ngày không hợp lệ. Hãy nhập theo dạng ngày-tháng-năm, ví dụ 07-08-2020."
PAGE_BUDGET = 150 * 1024


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def renamed_ward(tree, admin_user):
    """An Hội ward was renamed Phú Tân on 1-7-2025."""
    services.unit_rename(
        actor=admin_user,
        unit=tree.ward,
        name="Đảng ủy Phường Phú Tân",
        short_name="",
        effective_on=dt.date(2025, 7, 1),
    )
    return tree


# --- the tree -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "top", "not_shown"),
    [
        ("admin_user", "Tỉnh ủy Bến Tre", None),
        ("city_secretary", "Thành ủy Bến Tre", "Tỉnh ủy Bến Tre"),
        ("ward_clerk", "Đảng ủy Phường An Hội", "Thành ủy Bến Tre"),
    ],
)
def test_the_tree_page_starts_at_the_users_own_units(request, login, persona, top, not_shown):
    page = text_of(login(request.getfixturevalue(persona)).get(reverse("org:home")))

    tree_part = page.split('<ul class="tree">', 1)[1]
    assert "<h1>Cây tổ chức" in page
    assert top in tree_part
    if not_shown:
        assert not_shown not in tree_part


def test_an_account_without_units_is_told_so(outsider, login):
    page = text_of(login(outsider).get(reverse("org:home")))

    assert "Bạn chưa được giao phạm vi đơn vị nào" in page


def test_opening_a_node_loads_its_children(tree, city_secretary, login):
    response = login(city_secretary).get(
        reverse("org:tree_children", args=[tree.city.pk]), HTTP_HX_REQUEST="true"
    )

    page = text_of(response)
    assert "<html" not in page  # a fragment for htmx to insert
    for name in ("Ban Tuyên giáo Thành ủy", "Đảng ủy Phường An Hội", "Đảng ủy Phường Phú Khương"):
        assert name in page
    # The ward has a cell, so it can be opened in turn; the board cannot.
    assert f'hx-get="{reverse("org:tree_children", args=[tree.ward.pk])}"' in page
    assert reverse("org:tree_children", args=[tree.board.pk]) not in page


def test_a_node_without_children_says_so(tree, city_secretary, login):
    response = login(city_secretary).get(reverse("org:tree_children", args=[tree.cell.pk]))

    assert "Không có đơn vị trực thuộc." in text_of(response)


def test_the_tree_as_of_a_past_date_shows_old_names(renamed_ward, city_secretary, login):
    tree = renamed_ward
    client = login(city_secretary)

    page = text_of(client.get(reverse("org:home"), {"as_of": "21-09-2020"}))
    assert "tại ngày 21-09-2020" in page
    assert "Thành ủy Bến Tre" in page
    children_url = reverse("org:tree_children", args=[tree.city.pk])
    assert f'hx-get="{children_url}?as_of=2020-09-21"' in page

    children = text_of(client.get(children_url, {"as_of": "2020-09-21"}))
    assert "Đảng ủy Phường An Hội" in children
    assert "Phú Tân" not in children

    today = text_of(client.get(children_url))
    assert "Đảng ủy Phường Phú Tân" in today
    assert "An Hội" not in today


def test_the_tree_as_of_a_past_date_shows_the_old_name_of_ones_own_unit(
    tree, admin_user, city_secretary, login
):
    services.unit_rename(
        actor=admin_user,
        unit=tree.city,
        name="Đảng ủy Thành phố Bến Tre",
        short_name="",
        effective_on=dt.date(2025, 7, 1),
    )
    client = login(city_secretary)

    then = text_of(client.get(reverse("org:home"), {"as_of": "21-09-2020"}))
    now = text_of(client.get(reverse("org:home")))

    assert "Thành ủy Bến Tre" in then and "Đảng ủy Thành phố" not in then
    assert "Đảng ủy Thành phố Bến Tre" in now and ">Thành ủy Bến Tre<" not in now


def test_the_tree_as_of_a_date_before_a_unit_existed_leaves_it_out(tree, city_secretary, login):
    children = text_of(
        login(city_secretary).get(
            reverse("org:tree_children", args=[tree.city.pk]), {"as_of": "2019-06-01"}
        )
    )

    assert "Đảng ủy Phường An Hội" not in children  # established 1-2-2020
    assert "Ban Tuyên giáo Thành ủy" in children


def test_the_administrator_sees_the_roots_as_of_a_date(renamed_ward, admin_user, login):
    page = text_of(login(admin_user).get(reverse("org:home"), {"as_of": "21-09-2020"}))

    assert "Tỉnh ủy Bến Tre" in page.split('<ul class="tree">', 1)[1]


def test_a_mistyped_as_of_date_is_explained_and_kept(city_secretary, login):
    page = text_of(login(city_secretary).get(reverse("org:home"), {"as_of": "31-02-2020"}))

    assert INVALID_DATE in page
    assert 'value="31-02-2020"' in page


# --- search -------------------------------------------------------------------------------------
def test_searching_ben_tre_without_diacritics_finds_the_city(tree, city_secretary, login):
    page = text_of(login(city_secretary).get(reverse("org:search"), {"q": "ben tre"}))

    assert f'<a href="{reverse("org:unit", args=[tree.city.pk])}">Thành ủy Bến Tre</a>' in page


def test_searching_a_former_name_says_it_is_former(renamed_ward, city_secretary, login):
    page = text_of(login(city_secretary).get(reverse("org:search"), {"q": "an hoi"}))

    assert "Đảng ủy Phường Phú Tân" in page
    assert "tên cũ: Đảng ủy Phường An Hội" in page


def test_searching_for_nothing_known_says_so(city_secretary, login):
    page = text_of(login(city_secretary).get(reverse("org:search"), {"q": "ha noi"}))

    assert "Không tìm thấy đơn vị nào khớp với “ha noi”." in page


# --- the unit page ------------------------------------------------------------------------------
@pytest.fixture
def busy_city(renamed_ward, admin_user):
    """The city with a term, a secretary in office and one who left."""
    tree = renamed_ward
    term = services.term_save(
        actor=admin_user, unit=tree.city, name="Khóa XII", start_on=dt.date(2020, 10, 1)
    )
    for full_name, start, end in (
        ("Nguyễn Văn An", dt.date(2020, 10, 15), None),
        ("Lê Văn Cường", dt.date(2015, 10, 1), dt.date(2020, 9, 30)),
    ):
        person = services.person_save(actor=admin_user, full_name=full_name, home_unit=tree.city)
        services.position_save(
            actor=admin_user,
            person=person,
            unit=tree.city,
            role=PositionRole.SECRETARY,
            term=term if end is None else None,
            start_on=start,
            end_on=end,
        )
    services.unit_update(actor=admin_user, unit=tree.city, official_code="TU-BT")
    return tree


def test_the_unit_page_shows_children_positions_terms_and_history(busy_city, viewer, login):
    page = text_of(login(viewer).get(reverse("org:unit", args=[busy_city.city.pk])))

    for expected in (
        "<h1>Thành ủy Bến Tre",
        "Đơn vị trực thuộc",
        "Ban Tuyên giáo Thành ủy",
        "Đảng ủy Phường Phú Tân",
        "Cán bộ đang giữ chức vụ",
        "Nguyễn Văn An",
        "Cán bộ đã giữ chức vụ",
        "Lê Văn Cường",
        "Khóa XII (2020–)",
        "Lịch sử tổ chức",
        "01-01-1976",  # the city's first period starts at its establishment
        "Thành lập Thành ủy Bến Tre",
        "Nhật ký thay đổi",
        "<strong>Mã chính thức</strong>",
        "<ins>TU-BT</ins>",
    ):
        assert expected in page, expected


def test_the_ward_page_shows_its_old_name_in_its_history(renamed_ward, city_secretary, login):
    page = text_of(login(city_secretary).get(reverse("org:unit", args=[renamed_ward.ward.pk])))

    history = page.split("Lịch sử tổ chức", 1)[1]
    assert "<td>01-02-2020</td><td>01-07-2025</td><td>Đảng ủy Phường An Hội</td>" in history
    assert "Đổi tên “Đảng ủy Phường An Hội” thành “Đảng ủy Phường Phú Tân”" in history


def test_a_merged_ward_points_to_its_successor(tree, city_secretary, login):
    services.unit_merge(
        actor=city_secretary,
        sources=[tree.sibling],
        into=tree.ward,
        effective_on=dt.date(2025, 7, 1),
    )

    page = text_of(login(city_secretary).get(reverse("org:unit", args=[tree.sibling.pk])))

    assert "Hợp nhất, sáp nhập ngày 01-07-2025" in page
    assert "Đơn vị kế thừa hiện nay:" in page
    assert "Đảng ủy Phường An Hội" in page
    assert "Chuyển trực thuộc" not in page  # an ended unit is not reorganised again


# --- forms: a mistake is explained on the same page, with what was typed kept --------------------
def reorganise(unit, kind):
    return reverse("org:reorganise", args=[unit.pk, kind])


# (who, page, what they typed, the message, what must still be in the form)
FORM_MISTAKES = [
    (
        "rename on a day that does not exist",
        lambda t: reorganise(t.ward, "rename"),
        lambda t: {"name": "Đảng ủy Phường Phú Tân", "effective_on": "31-02-2020"},
        INVALID_DATE,
        ['value="Đảng ủy Phường Phú Tân"', 'value="31-02-2020"'],
    ),
    (
        "rename before the ward existed",
        lambda t: reorganise(t.ward, "rename"),
        lambda t: {"name": "Đảng ủy Phường Phú Tân", "effective_on": "15-01-2020"},
        "Ngày hiệu lực phải sau ngày thành lập 1-2-2020 của “Đảng ủy Phường An Hội”.",
        ['value="Đảng ủy Phường Phú Tân"', 'value="15-01-2020"'],
    ),
    (
        "rename to the same name",
        lambda t: reorganise(t.board, "rename"),
        lambda t: {
            "name": "Ban Tuyên giáo Thành ủy",
            "short_name": "BTG",
            "effective_on": "01-07-2025",
        },
        "Tên mới trùng với tên hiện tại.",
        ['value="Ban Tuyên giáo Thành ủy"'],
    ),
    (
        "move the ward into its own cell",
        lambda t: reorganise(t.ward, "move"),
        lambda t: {"new_parent": t.cell.pk, "effective_on": "01-07-2025"},
        "Không thể chuyển một đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó.",
        ['value="01-07-2025"', "Chi bộ Khu phố 1"],
    ),
    (
        "move without choosing where",
        lambda t: reorganise(t.ward, "move"),
        lambda t: {"effective_on": "01-07-2025"},
        "Hãy chọn một đơn vị.",
        ['value="01-07-2025"'],
    ),
    (
        "merge into an existing unit without naming it",
        lambda t: reorganise(t.ward, "merge"),
        lambda t: {"mode": "into", "effective_on": "01-07-2025", "legal_basis": "1687/NQ"},
        "Hãy chọn đơn vị nhận sáp nhập.",
        ['value="1687/NQ"'],
    ),
    (
        "merge into a new unit without naming it",
        lambda t: reorganise(t.ward, "merge"),
        lambda t: {
            "mode": "new",
            "others": [t.sibling.pk],
            "new_parent": t.city.pk,
            "effective_on": "01-07-2025",
        },
        "Hãy nhập tên đơn vị mới sau hợp nhất.",
        ["Đảng ủy Phường Phú Khương", 'value="01-07-2025"'],
    ),
    (
        "merge a ward alone",
        lambda t: reorganise(t.ward, "merge"),
        lambda t: {
            "mode": "new",
            "new_name": "Đảng ủy mới",
            "new_parent": t.city.pk,
            "effective_on": "01-07-2025",
        },
        "Hợp nhất cần ít nhất hai đơn vị.",
        ['value="Đảng ủy mới"'],
    ),
    (
        "split into twice the same name",
        lambda t: reorganise(t.sibling, "split"),
        lambda t: {"parts": "Phường Bắc\nPhường Bắc", "effective_on": "01-07-2025"},
        "Có tên đơn vị mới bị lặp lại.",
        ["Phường Bắc\nPhường Bắc</textarea>"],
    ),
    (
        "split a ward that still has a cell",
        lambda t: reorganise(t.ward, "split"),
        lambda t: {"parts": "Phường Bắc\nPhường Nam", "effective_on": "01-07-2025"},
        "“Đảng ủy Phường An Hội” còn đơn vị trực thuộc đang hoạt động; hãy chuyển chúng sang đơn vị mới trước khi chia tách.",
        ["Phường Bắc\nPhường Nam</textarea>"],
    ),
    (
        "dissolve without confirming",
        lambda t: reorganise(t.sibling, "dissolve"),
        lambda t: {"effective_on": "01-07-2025", "legal_basis": "15/QĐ-TU"},
        "Hãy đánh dấu xác nhận trước khi giải thể.",
        ['value="01-07-2025"', 'value="15/QĐ-TU"'],
    ),
    (
        "dissolve a ward that still has a cell",
        lambda t: reorganise(t.ward, "dissolve"),
        lambda t: {"effective_on": "01-07-2025", "confirm": "on"},
        "“Đảng ủy Phường An Hội” còn đơn vị trực thuộc đang hoạt động (Chi bộ Khu phố 1). "
        "Hãy chuyển, sáp nhập hoặc giải thể chúng trước.",
        ['value="01-07-2025"'],
    ),
    (
        "add a unit without a name",
        lambda t: reverse("org:unit_new") + f"?parent={t.city.pk}",
        lambda t: {"kind": "party_cell", "name": "", "official_code": "CB-09"},
        "Trường này là bắt buộc.",
        ['value="CB-09"'],
    ),
    (
        "add a unit founded in the future",
        lambda t: reverse("org:unit_new") + f"?parent={t.city.pk}",
        lambda t: {"kind": "party_cell", "name": "Chi bộ mới", "established_on": "01-01-2999"},
        "Ngày thành lập không thể ở tương lai.",
        ['value="Chi bộ mới"'],
    ),
    (
        "add a unit founded before its parent",
        lambda t: reverse("org:unit_new") + f"?parent={t.ward.pk}",
        lambda t: {"kind": "party_cell", "name": "Chi bộ mới", "established_on": "01-01-2019"},
        "Ngày thành lập không thể trước ngày thành lập 1-2-2020 của đơn vị cấp trên.",
        ['value="Chi bộ mới"', 'value="01-01-2019"'],
    ),
    (
        "make a unit its own counterpart",
        lambda t: reverse("org:unit_edit", args=[t.board.pk]),
        lambda t: {"name": "Ban Tuyên giáo Thành ủy (sửa)", "counterpart": t.board.pk},
        "Một đơn vị không thể là đơn vị tương ứng của chính nó.",
        ['value="Ban Tuyên giáo Thành ủy (sửa)"'],
    ),
    (
        "a term that ends before it starts",
        lambda t: reverse("org:term_new", args=[t.city.pk]),
        lambda t: {"name": "Khóa XIII", "start_on": "01-10-2025", "end_on": "01-09-2025"},
        "Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu.",
        ['value="Khóa XIII"', 'value="01-10-2025"', 'value="01-09-2025"'],
    ),
    (
        "a term named twice",
        lambda t: reverse("org:term_new", args=[t.city.pk]),
        lambda t: {"name": "Khóa XII", "start_on": "01-10-2025"},
        "đã có nhiệm kỳ “Khóa XII”",
        ['value="Khóa XII"'],
    ),
    (
        "a position that ends before it starts",
        lambda t: reverse("org:position_new", args=[t.city.pk]),
        lambda t: {
            "person": t.an.pk,
            "role": "secretary",
            "title": "Bí thư Thành ủy",
            "start_on": "01-10-2020",
            "end_on": "30-09-2020",
        },
        "Ngày thôi giữ chức vụ không được trước ngày bắt đầu.",
        ['value="Bí thư Thành ủy"', 'value="30-09-2020"'],
    ),
    (
        "a position in the ward before it existed",
        lambda t: reverse("org:position_new", args=[t.ward.pk]),
        lambda t: {"person": t.an.pk, "role": "secretary", "start_on": "01-10-2019"},
        "Ngày bắt đầu không thể trước ngày thành lập 1-2-2020 của đơn vị.",
        ['value="01-10-2019"'],
    ),
    (
        "a person linked to an unknown account",
        lambda t: reverse("org:person_new"),
        lambda t: {"full_name": "Trần Thị Bình", "home_unit": t.city.pk, "username": "khong_co"},
        "Không có tài khoản “khong_co”.",
        ['value="Trần Thị Bình"', 'value="khong_co"'],
    ),
    (
        "a person without a unit",
        lambda t: reverse("org:person_new"),
        lambda t: {"full_name": "Trần Thị Bình", "email": "binh@example"},
        "Hãy chọn một đơn vị.",
        ['value="Trần Thị Bình"'],
    ),
    (
        "access for an unknown account",
        lambda t: reverse("org:access", args=[t.ward.pk]),
        lambda t: {"username": "khong_co", "role": "viewer"},
        "Không có tài khoản đang hoạt động tên “khong_co”.",
        ['value="khong_co"'],
    ),
]


@pytest.fixture
def an(tree):
    tree.an = services.person_save(actor=None, full_name="Nguyễn Văn An", home_unit=tree.city)
    services.term_save(actor=None, unit=tree.city, name="Khóa XII", start_on=dt.date(2020, 10, 1))
    return tree


@pytest.mark.parametrize(
    ("mistake", "url_of", "data_of", "message", "kept"),
    FORM_MISTAKES,
    ids=[m[0] for m in FORM_MISTAKES],
)
def test_a_mistake_is_explained_and_what_was_typed_is_kept(
    an, city_secretary, login, mistake, url_of, data_of, message, kept
):
    tree = an
    units_before = Unit.objects.count()

    response = login(city_secretary).post(url_of(tree), data_of(tree))

    assert response.status_code == 200
    page = text_of(response)
    assert message in page
    assert 'class="field-error"' in page or 'class="error"' in page
    for typed in kept:
        assert typed in page, typed
    assert Unit.objects.count() == units_before


def test_the_password_form_explains_a_wrong_old_password(city_secretary, login):
    response = login(city_secretary).post(
        reverse("accounts:profile"),
        {"old_password": "sai", "new_password1": "x", "new_password2": "x"},
    )

    assert response.status_code == 200
    assert "Mật khẩu cũ không chính xác. Hãy nhập lại lần nữa" in text_of(response)


# --- forms that succeed -------------------------------------------------------------------------
def test_renaming_on_the_page_confirms_in_vietnamese(tree, city_secretary, login):
    client = login(city_secretary)

    response = client.post(
        reorganise(tree.ward, "rename"),
        {"name": "Đảng ủy Phường Phú Tân", "effective_on": "1/7/2025", "legal_basis": "1664/NQ"},
        follow=True,
    )

    page = text_of(response)
    assert response.redirect_chain[-1][0] == reverse("org:unit", args=[tree.ward.pk])
    assert "Đã ghi nhận: Đổi tên “Đảng ủy Phường An Hội” thành “Đảng ủy Phường Phú Tân”." in page
    assert "(1664/NQ)" in page


def test_ward_manager_adds_a_cell_on_the_page(tree, login):
    ward_manager = make_user("quanly_anhoi", unit=tree.ward, role=AccessRole.MANAGER)

    response = login(ward_manager).post(
        reverse("org:unit_new") + f"?parent={tree.ward.pk}",
        {"kind": "party_cell", "name": "Chi bộ Khu phố 2", "established_on": "02-09-2021"},
        follow=True,
    )

    page = text_of(response)
    assert "Đã thêm đơn vị “Chi bộ Khu phố 2”." in page
    cell = Unit.objects.get(name="Chi bộ Khu phố 2")
    assert cell.parent_unit() == tree.ward
    assert cell.established_on == dt.date(2021, 9, 2)


def test_merging_two_wards_on_the_page(tree, city_secretary, login):
    client = login(city_secretary)

    response = client.post(
        reorganise(tree.sibling, "merge"),
        {
            "others": [tree.ward.pk],
            "mode": "new",
            "new_name": "Đảng ủy Phường Bến Tre Mới",
            "new_parent": tree.city.pk,
            "effective_on": "02-07-2025",
        },
        follow=True,
    )

    page = text_of(response)
    assert "Đã ghi nhận: Hợp nhất Đảng ủy Phường Phú Khương, Đảng ủy Phường An Hội" in page
    merged = Unit.objects.get(name="Đảng ủy Phường Bến Tre Mới")
    assert fresh_parent(tree.cell) == merged
    ward_page = text_of(client.get(reverse("org:unit", args=[tree.ward.pk])))
    assert "Đơn vị kế thừa hiện nay:" in ward_page and "Đảng ủy Phường Bến Tre Mới" in ward_page
    as_of = text_of(
        client.get(reverse("org:tree_children", args=[tree.city.pk]), {"as_of": "2025-07-01"})
    )
    assert "Đảng ủy Phường An Hội" in as_of and "Bến Tre Mới" not in as_of


def fresh_parent(unit):
    return Unit.objects.get(pk=unit.pk).parent_unit()


def test_a_new_person_page_sends_back_to_the_position_form(tree, propaganda_officer, login):
    position_url = reverse("org:position_new", args=[tree.city.pk])

    response = login(propaganda_officer).post(
        reverse("org:person_new"),
        {"full_name": "Trần Thị Bình", "home_unit": tree.city.pk, "next": position_url},
    )

    assert response.status_code == 302
    assert response.url == position_url


@pytest.mark.parametrize("elsewhere", ["//example.com/", "/\\example.com/", "https://example.com/"])
def test_a_new_person_page_never_sends_the_user_to_another_site(
    tree, propaganda_officer, login, elsewhere
):
    response = login(propaganda_officer).post(
        reverse("org:person_new"),
        {"full_name": "Trần Thị Bình", "home_unit": tree.city.pk, "next": elsewhere},
    )

    assert response.status_code == 302
    target = urlsplit(response.url)
    assert (target.scheme, target.netloc) == ("", "")
    assert not response.url.startswith(("//", "/\\"))


# --- nothing typed makes the server fail --------------------------------------------------------
NASTY = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "²",
    "9" * 25,
    "31-02-2020",
    "01-01-0001",
    "x" * 300,
    "<script>alert(1)</script>",
    "Đ\u0301\x00",
]

# Each form and the fields it reads; every field gets the same odd value.
FORMS = [
    (lambda t: reorganise(t.cell, "rename"), ["name", "short_name", "effective_on", "legal_basis"]),
    (lambda t: reorganise(t.cell, "move"), ["new_parent", "effective_on", "legal_basis"]),
    (
        lambda t: reorganise(t.cell, "merge"),
        [
            "others",
            "mode",
            "into",
            "new_name",
            "new_short_name",
            "new_kind",
            "new_parent",
            "effective_on",
        ],
    ),
    (lambda t: reorganise(t.cell, "split"), ["parts", "source_continues", "effective_on"]),
    (lambda t: reorganise(t.cell, "dissolve"), ["effective_on", "successors", "confirm"]),
    (
        lambda t: reverse("org:unit_new") + f"?parent={t.cell.pk}",
        ["kind", "name", "short_name", "official_code", "established_on", "notes"],
    ),
    (lambda t: reverse("org:unit_new"), ["parent", "kind", "name", "established_on"]),
    (
        lambda t: reverse("org:unit_edit", args=[t.cell.pk]),
        ["name", "short_name", "official_code", "established_on", "counterpart", "notes"],
    ),
    (lambda t: reverse("org:term_new", args=[t.cell.pk]), ["name", "number", "start_on", "end_on"]),
    (
        lambda t: reverse("org:position_new", args=[t.cell.pk]),
        ["person", "role", "title", "term", "start_on", "end_on", "note"],
    ),
    (
        lambda t: reverse("org:person_new"),
        ["full_name", "email", "phone", "home_unit", "username", "next"],
    ),
    (lambda t: reverse("org:access", args=[t.cell.pk]), ["username", "role"]),
    (lambda t: reverse("accounts:profile"), ["old_password", "new_password1", "new_password2"]),
]


@pytest.mark.parametrize("value", NASTY, ids=[repr(v)[:20] for v in NASTY])
def test_no_odd_input_makes_a_form_fail(tree, admin_user, login, value):
    """The test client raises any server error, so reaching the end means none happened."""
    client = login(admin_user)
    failures = []

    for url_of, fields in FORMS:
        url = url_of(tree)
        response = client.post(url, dict.fromkeys(fields, value))
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
    for url in (
        reverse("org:unit_new") + f"?parent={value}",
        reverse("org:person_new") + f"?unit={value}",
        reverse("org:home") + f"?as_of={value}",
        reverse("org:tree_children", args=[tree.city.pk]) + f"?as_of={value}",
        reverse("org:pick") + f"?q={value}&field={value}&multiple=1",
        reverse("org:search") + f"?q={value}",
        reverse("org:events") + f"?kind={value}&page={value}",
        reverse("org:people") + f"?q={value}&page={value}",
    ):
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url}: {response.status_code}")

    assert failures == []


def test_a_split_into_very_long_names_is_refused_kindly(tree, city_secretary, login):
    long_name = "Đảng ủy Phường " + "Rất Dài " * 40

    response = login(city_secretary).post(
        reorganise(tree.sibling, "split"),
        {"parts": f"{long_name}\nĐảng ủy Phường Ngắn", "effective_on": "01-07-2025"},
    )

    assert response.status_code == 200
    assert "255" in text_of(response)
    assert Unit.objects.get(pk=tree.sibling.pk).ended_on is None


def test_a_year_that_is_surely_a_typo_is_refused(tree, city_secretary, login):
    response = login(city_secretary).post(
        reorganise(tree.cell, "dissolve"), {"effective_on": "01-01-0001", "confirm": "on"}
    )

    assert response.status_code == 200
    assert "Ngày không hợp lệ" in text_of(response)
    assert Unit.objects.get(pk=tree.cell.pk).ended_on is None


# --- page weight --------------------------------------------------------------------------------
def page_weight(response) -> tuple[int, list[str]]:
    """The page and every local stylesheet and script it loads, in bytes."""
    page = response.content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"?#]+)"', page)
    total = len(response.content)
    for asset in assets:
        found = finders.find(asset)
        assert found, f"{asset} is not a static file"
        total += os.path.getsize(found)
    return total, assets


@pytest.mark.parametrize("page", ["tree", "unit"])
def test_a_page_with_its_styles_and_scripts_weighs_under_150_kb(busy_city, admin_user, login, page):
    url = reverse("org:home") if page == "tree" else reverse("org:unit", args=[busy_city.city.pk])

    total, assets = page_weight(login(admin_user).get(url))

    assert "css/site.css" in assets
    assert any("htmx" in asset for asset in assets)
    assert total < PAGE_BUDGET, f"{total} bytes"


def test_the_unit_picker_never_names_a_unit_outside_the_users_scope(tree, login):
    from tests.conftest import make_user
    from trienkhai.org.models import AccessRole

    ward_manager = make_user("quanly_anhoi", unit=tree.ward, role=AccessRole.MANAGER)
    client = login(ward_manager)
    response = client.post(
        reverse("org:reorganise", args=[tree.cell.pk, "move"]),
        {"new_parent": tree.sibling.pk, "effective_on": "01-07-2025"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "bạn không có quyền" in page.lower() or "Không tìm thấy đơn vị" in page
    assert "Phú Khương" not in page
