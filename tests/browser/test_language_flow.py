"""Switching the language in a real browser. A browser set to English still gets Vietnamese (only
the switch counts); "English" turns the page it is pressed on, its menu and the pieces htmx loads
into English, and "Tiếng Việt" turns them back."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENU_VI = ["Tổng hợp", "Nhiệm vụ", "Chương trình", "Chỉ tiêu", "Văn bản", "Cần góp ý", "Tổ chức"]
MENU_EN = ["Overview", "Tasks", "Indicators", "Documents", "To comment on", "Organisation"]


@pytest.fixture
def english_browser_page(browser, live_server):
    """A page in a browser whose own language is English, as in many offices."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_switching_to_english_and_back(english_browser_page, tree, city_secretary):
    page = english_browser_page
    ARTIFACTS.mkdir(exist_ok=True)
    refused = watch_csp(page)
    main = page.get_by_role("main")

    # The browser asks for English; the site stays Vietnamese until the switch is used.
    log_in(page, city_secretary)
    expect(page).to_have_url(re.compile(r"/org/$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Cây tổ chức", level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Chức năng chính")
    for label in MENU_VI:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()

    # "English" keeps the page and turns it into English: heading, menu, buttons.
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/org/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Organisation tree", level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Main menu")
    for label in MENU_EN:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("button", name="Tiếng Việt")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_have_count(0)
    # A piece loaded by htmx comes in English too.
    toggle = main.get_by_role(
        "button", name="Expand or collapse the subordinate units of Thành ủy Bến Tre"
    )
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    ward = main.get_by_role("link", name="Đảng ủy Phường An Hội", exact=True)
    expect(ward).to_be_visible()
    expect(ward.locator("xpath=following-sibling::span[1]")).to_have_text(
        "Grassroots Party Committee, commune or ward Party Committee"
    )
    page.screenshot(path=ARTIFACTS / "language-english.png", full_page=True)

    # The choice holds on the next pages.
    nav.get_by_role("link", name="Tasks", exact=True).click()
    expect(page.get_by_role("heading", name="Tasks", level=1)).to_be_visible()
    expect(main.get_by_role("link", name="My unit’s tasks")).to_be_visible()

    # And back to Vietnamese, on the page where it is pressed.
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page).to_have_url(re.compile(r"/plans/tasks/$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Nhiệm vụ", level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Chức năng chính")
    for label in MENU_VI:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "language-vietnamese.png", full_page=True)
    assert refused == []
