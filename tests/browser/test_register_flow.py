"""The city office registers a plan in a real browser: the pickers and the next-number hint are
filled by htmx, a mistake keeps what was typed, and the register's filters stay in the URL."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD
from tests.documents.builders import register
from trienkhai.documents.models import Document
from trienkhai.org import services as org_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_the_city_office_registers_a_plan_with_the_hint_and_finds_it(
    page, tree, propaganda_officer
):
    org_services.term_save(
        actor=None, unit=tree.city, name="Khóa XI", start_on=dt.date(2015, 10, 1)
    )
    register(tree.city, "06-KH/ThU", dt.date(2020, 7, 1), "Kế hoạch tổ chức Đại hội")
    log_in(page, propaganda_officer)
    page.goto("/documents/new/")
    main = page.get_by_role("main")

    # The issuer is picked by typing part of its name, without diacritics.
    page.locator("#id_issuer_unit").fill("thanh uy")
    main.get_by_role("radio", name="Thành ủy Bến Tre").check()
    page.get_by_label("Loại văn bản").select_option("KH")
    page.get_by_label("Ngày ban hành").fill("07-08-2020")
    page.get_by_label("Ngày ban hành").blur()
    hint = page.locator("#next-number")
    expect(hint).to_contain_text("07-KH/ThU")
    expect(hint).to_contain_text("nhiệm kỳ Khóa XI")

    # A number that does not parse comes back on its field, the summary still there.
    page.get_by_label("Số, ký hiệu").fill("KH/ThU")
    page.get_by_label("Trích yếu").fill("Kế hoạch triển khai thực hiện Nghị quyết Đại hội")
    page.get_by_role("button", name="Vào sổ").click()
    expect(main.get_by_text("không bắt đầu bằng số thứ tự của văn bản")).to_be_visible()
    expect(page.get_by_label("Trích yếu")).to_have_value(
        "Kế hoạch triển khai thực hiện Nghị quyết Đại hội"
    )
    expect(main.get_by_role("radio", name="Thành ủy Bến Tre")).to_be_checked()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "register-form-error.png", full_page=True)

    page.get_by_label("Số, ký hiệu").fill("07-KH/ThU")
    page.get_by_role("button", name="Vào sổ").click()
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("07-KH/ThU")
    assert Document.objects.filter(number_text="07-KH/ThU").exists()
    page.screenshot(path=ARTIFACTS / "register-detail.png", full_page=True)

    # The register: search without diacritics and filter by issuer; the URL keeps the filters
    # and no stray search text of the picker.
    page.goto("/documents/")
    page.get_by_label("Tìm trong số, trích yếu, nội dung").fill("ke hoach trien khai")
    page.locator("#id_issuer").fill("thanh uy")
    main.get_by_role("radio", name="Thành ủy Bến Tre").check()
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"q=ke\+hoach\+trien\+khai"))
    assert re.search(rf"issuer={tree.city.pk}\b", page.url)
    assert page.url.count("q=") == 1
    table = main.locator("table")
    expect(table.get_by_role("link", name="07-KH/ThU")).to_be_visible()
    expect(table.get_by_role("link", name="06-KH/ThU")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "register-list.png", full_page=True)


def test_a_relation_is_added_by_searching_for_the_other_document(page, tree, propaganda_officer):
    resolution = register(tree.city, "01-NQ/ThU", dt.date(2020, 8, 1), "Nghị quyết Đại hội")
    plan = register(tree.city, "07-KH/ThU", dt.date(2020, 8, 7), "Kế hoạch triển khai")
    log_in(page, propaganda_officer)
    page.goto(f"/documents/{plan.pk}/relations/new/")
    main = page.get_by_role("main")

    page.get_by_label("Văn bản này").select_option("implements")
    page.locator("#id_target").fill("nghi quyet dai hoi")
    main.get_by_role("radio", name=re.compile("Nghị quyết Đại hội")).check()
    page.get_by_role("button", name="Ghi quan hệ").click()

    expect(page).to_have_url(re.compile(rf"/documents/{plan.pk}/$"))
    page.goto(f"/documents/{resolution.pk}/")
    expect(main.get_by_text("1 văn bản triển khai thực hiện")).to_be_visible()
    expect(main.get_by_role("link", name="07-KH/ThU")).to_be_visible()
