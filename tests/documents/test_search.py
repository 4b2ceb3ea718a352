"""Finding documents: words with or without diacritics, numbers as typed, filters, the export."""

import datetime as dt
import html
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.documents.builders import draft, register
from trienkhai.documents import selectors, services
from trienkhai.documents.models import DocStatus

D = dt.date


@pytest.fixture
def shelf(tree):
    """A small register: the city's plan and report, the ward's plan, a cell's plan, a Central
    regulation, a provincial State decision, and a draft of the city."""
    s = tree
    s.plan = register(
        tree.city,
        "07-KH/ThU",
        D(2020, 8, 7),
        "Kế hoạch triển khai thực hiện Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần thứ XII",
        signer_name="Lê Văn Bình",
    )
    s.report = register(
        tree.city, "15-BC/ThU", D(2019, 12, 10), "Báo cáo tổng kết công tác năm 2019"
    )
    s.ward_plan = register(
        tree.ward, "05-KH/ĐU", D(2020, 9, 1), "Kế hoạch tuyên truyền Đại hội phường An Hội"
    )
    s.cell_plan = register(tree.cell, "02-KH/CB", D(2020, 9, 20), "Kế hoạch của chi bộ Khu phố 1")
    s.regulation = register(
        tree.city,
        "127-QĐ/TW",
        D(2020, 3, 1),
        "Quy định về luân chuyển cán bộ",
        issuer_name="Ban Bí thư Trung ương Đảng",
    )
    s.decision = register(
        tree.city,
        "123/QĐ-UBND",
        D(2020, 9, 15),
        "Quyết định ban hành Kế hoạch phòng, chống thiên tai",
        issuer_name="Ủy ban nhân dân tỉnh Bến Tre",
    )
    s.draft = draft(tree.city, "Dự thảo Chương trình làm việc toàn khóa")
    return s


def found(user, **filters):
    return list(selectors.documents_matching(user, **filters))


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# --- words ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed",
    [
        "ke hoach trien khai",
        "Kế hoạch triển khai",
        "KẾ HOẠCH TRIỂN KHAI",
        "trien khai ke hoach",  # every word, in any order
        "ke  hoach\ttrien   khai",
        "Ke\u0302\u0301 hoa\u0323ch trie\u0302\u0309n khai",  # NFD, as some keyboards send it
    ],
)
def test_a_plan_is_found_with_or_without_diacritics(shelf, admin_user, typed):
    assert found(admin_user, q=typed) == [shelf.plan]


def test_every_word_must_occur(shelf, admin_user):
    assert found(admin_user, q="ke hoach thien tai") == [shelf.decision]
    assert found(admin_user, q="ke hoach xyz") == []


def test_the_issuer_and_the_signer_are_searched_too(shelf, admin_user):
    assert found(admin_user, q="ban bi thu") == [shelf.regulation]
    assert found(admin_user, q="le van binh") == [shelf.plan]


@pytest.mark.parametrize("typed", ["07-KH/ThU", "07-kh/thu", "7-KH/ThU", "số 07-KH/ThU"])
def test_a_number_is_found_however_it_is_typed(shelf, admin_user, typed):
    assert found(admin_user, q=typed) == [shelf.plan]


def test_a_state_number_typed_without_the_d_bar_is_found(shelf, admin_user):
    assert found(admin_user, q="123/QD-UBND") == [shelf.decision]


def test_results_come_newest_first_with_drafts_on_top(shelf, admin_user):
    assert found(admin_user, q="ke hoach") == [
        shelf.cell_plan,
        shelf.decision,
        shelf.ward_plan,
        shelf.plan,
    ]
    everything = found(admin_user)
    assert everything[0] == shelf.draft
    assert everything[-1] == shelf.report


# --- filters ----------------------------------------------------------------------------------------------
def test_filter_by_type_year_status_and_system(shelf, admin_user):
    assert found(admin_user, doc_type="BC") == [shelf.report]
    assert set(found(admin_user, year=2019)) == {shelf.report}
    assert found(admin_user, status=selectors.ALL_DRAFTS) == [shelf.draft]
    assert found(admin_user, system="state") == [shelf.decision]
    assert found(admin_user, status=DocStatus.DRAFT, system="party") == [shelf.draft]


def test_filter_by_issuer_includes_its_subtree(shelf, admin_user):
    by_city = found(admin_user, issuer=shelf.city)
    by_ward = found(admin_user, issuer=shelf.ward.pk)

    assert set(by_city) == {shelf.plan, shelf.report, shelf.ward_plan, shelf.cell_plan, shelf.draft}
    assert set(by_ward) == {shelf.ward_plan, shelf.cell_plan}
    assert shelf.regulation not in by_city  # external: issued by nobody in the tree


def test_in_force_leaves_out_superseded_documents(shelf, admin_user):
    services.document_set_status(actor=None, document=shelf.report, status=DocStatus.EXPIRED)

    in_force = found(admin_user, status=selectors.IN_FORCE)

    assert shelf.report not in in_force and shelf.plan in in_force


# --- what a ward finds -----------------------------------------------------------------------------------
def test_a_ward_clerk_finds_the_citys_plan_but_not_the_citys_draft(shelf, ward_clerk):
    everything = found(ward_clerk)

    assert shelf.plan in everything and shelf.regulation in everything
    assert shelf.draft not in everything
    assert found(ward_clerk, q="chuong trinh lam viec") == []


def test_a_ward_clerk_does_not_find_the_other_wards_documents(shelf, ward_clerk):
    other = register(shelf.sibling, "05-KH/ĐU", D(2020, 9, 2), "Kế hoạch tuyên truyền Đại hội")
    other_draft = draft(shelf.sibling, "Dự thảo Kế hoạch tuyên truyền")

    results = found(ward_clerk, q="ke hoach tuyen truyen")

    assert results == [shelf.ward_plan]
    assert other not in found(ward_clerk) and other_draft not in found(ward_clerk)


# --- the page -------------------------------------------------------------------------------------------------
def test_the_register_page_keeps_the_filters_in_the_url(shelf, admin_user, login):
    services.document_set_status(actor=None, document=shelf.plan, status=DocStatus.AMENDED)
    client = login(admin_user)
    query = {"q": "ke hoach", "year": "2020", "issuer": shelf.city.pk, "status": "in_force"}

    page = text_of(client.get(reverse("documents:register"), query))

    assert "07-KH/ThU" in page and "05-KH/ĐU" in page
    assert "123/QĐ-UBND" not in page  # external
    assert 'value="ke hoach"' in page and 'value="2020"' in page
    assert f'name="issuer" value="{shelf.city.pk}" checked' in page
    assert '<option value="in_force" selected>' in page
    export = page.split('href="/documents/register.xlsx?', 1)[1].split('"', 1)[0]
    assert parse_qs(html.unescape(export)) == {
        "q": ["ke hoach"],
        "year": ["2020"],
        "issuer": [str(shelf.city.pk)],
        "status": ["in_force"],
    }


def test_the_pages_of_results_keep_the_filters(shelf, admin_user, login, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)

    page = text_of(login(admin_user).get(reverse("documents:register"), {"q": "ke hoach"}))

    assert "Trang 1/2" in page
    next_link = page.split("Sau ›", 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert parse_qs(urlsplit(next_link).query) == {"q": ["ke hoach"], "page": ["2"]}


def test_the_filtered_register_is_exported_to_excel(shelf, ward_clerk, login):
    response = login(ward_clerk).get(reverse("documents:register_xlsx"), {"q": "ke hoach"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="so-van-ban-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Số, ký hiệu",
        "Loại",
        "Cơ quan ban hành",
        "Ngày ban hành",
        "Trích yếu",
        "Trạng thái",
        "Người ký",
    )
    numbers = [r[0] for r in rows[1:]]
    # The provincial decision is registered as external: every account sees it.
    assert numbers == ["02-KH/CB", "123/QĐ-UBND", "05-KH/ĐU", "07-KH/ThU"]
    plan = rows[4]
    assert plan[1] == "KH — Kế hoạch"
    assert plan[2] == "Thành ủy Bến Tre"
    assert plan[3].date() == D(2020, 8, 7)
    assert plan[5] == "Đã ban hành"
    assert plan[6] == "Lê Văn Bình"


def test_a_summary_that_looks_like_a_formula_stays_text_in_excel(tree, admin_user, login):
    register(tree.city, "01-TB/ThU", D(2020, 1, 2), '=HYPERLINK("http://x")')

    response = login(admin_user).get(reverse("documents:register_xlsx"))

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=5)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_a_very_long_result_is_counted_only_so_far(shelf, admin_user, login, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 3)

    page = text_of(login(admin_user).get(reverse("documents:register")))

    assert "Hơn 3 văn bản: hãy thêm từ tìm kiếm hoặc điều kiện lọc để thu hẹp." in page
    assert "07-KH/ThU" in page


@pytest.mark.parametrize("persona", ["ward_clerk", "propaganda_officer", "viewer", "outsider"])
def test_a_wide_scope_written_as_a_join_sees_the_same_documents(
    request, shelf, monkeypatch, persona
):
    """Scopes of more than ID_LIST_LIMIT units are filtered by path instead of by ids."""
    from trienkhai.documents import rules

    user = request.getfixturevalue(persona)
    by_ids = set(found(user))
    monkeypatch.setattr(rules, "ID_LIST_LIMIT", 1)

    assert set(found(user)) == by_ids


def test_a_ward_clerk_may_filter_by_the_city_above_but_not_by_the_other_ward(
    tree, ward_clerk, login
):
    client = login(ward_clerk)

    hits = client.get(reverse("documents:pick_unit"), {"q": "bến tre", "for": "filter"})
    wards = client.get(reverse("documents:pick_unit"), {"q": "phuong", "for": "filter"})

    assert f'value="{tree.city.pk}"' in hits.content.decode()
    assert f'value="{tree.ward.pk}"' in wards.content.decode()
    assert f'value="{tree.sibling.pk}"' not in wards.content.decode()


def test_the_draft_picker_offers_only_units_still_active(tree, admin_user, login):
    from trienkhai.org import services as org_services

    org_services.unit_dissolve(actor=admin_user, unit=tree.sibling, effective_on=D(2025, 7, 1))
    client = login(admin_user)

    for_draft = client.get(reverse("documents:pick_unit"), {"q": "phuong", "for": "draft"})
    for_register = client.get(reverse("documents:pick_unit"), {"q": "phuong", "for": "edit"})

    assert f'value="{tree.sibling.pk}"' not in for_draft.content.decode()
    assert f'value="{tree.sibling.pk}"' in for_register.content.decode()
    assert "(đã kết thúc)" in for_register.content.decode()
