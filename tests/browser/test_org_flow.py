"""The city secretary's first visit, in a real browser: log in, unfold the tree, search, open."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_secretary_unfolds_the_tree_searches_and_opens_the_city(page, tree, city_secretary):
    page.goto("/")

    # Not logged in yet: the site sends her to the login page, in Vietnamese.
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill(city_secretary.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    # Her tree starts at the unit she manages.
    expect(page).to_have_url(re.compile(r"/org/$"))
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Thành ủy Bến Tre", exact=True)).to_be_visible()
    expect(main.get_by_text("Đảng ủy Phường An Hội")).to_have_count(0)

    # Unfolding the city loads its children with htmx, without leaving the page.
    toggle = main.get_by_role("button", name=re.compile("Thành ủy Bến Tre"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(main.get_by_role("link", name="Đảng ủy Phường An Hội", exact=True)).to_be_visible()
    expect(main.get_by_role("link", name="Ban Tuyên giáo Thành ủy", exact=True)).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page).to_have_url(re.compile(r"/org/$"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "org-flow-tree.png", full_page=True)

    # Searching without diacritics finds the city.
    search = page.get_by_role("banner").get_by_role("searchbox", name="Tìm đơn vị")
    search.fill("ben tre")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/org/search/\?q=ben\+tre"))
    result = main.get_by_role("link", name="Thành ủy Bến Tre", exact=True)
    expect(result).to_be_visible()
    # The province above her scope is not hers to see.
    expect(main.get_by_role("link", name="Tỉnh ủy Bến Tre", exact=True)).to_have_count(0)

    result.click()
    expect(page).to_have_url(re.compile(rf"/org/units/{tree.city.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thành ủy Bến Tre")
    page.screenshot(path=ARTIFACTS / "org-flow-unit.png", full_page=True)
