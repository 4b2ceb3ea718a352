"""The administration pages work under the site's Content-Security-Policy too: the index, a list
with its filter, a change form with its date widget, and the user form with its permission picker
(the admin's own scripts), with nothing refused."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_runs_under_the_policy(page, tree, admin_user):
    refused = watch_csp(page)
    log_in(page, admin_user)
    response = page.goto("/admin/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#content")).to_be_visible()

    page.goto("/admin/org/unit/?kind__exact=city_party_committee")
    expect(page.locator("#result_list")).to_contain_text("Thành ủy Bến Tre")

    page.goto(f"/admin/org/unit/{tree.ward.pk}/change/")
    calendar = page.locator(".datetimeshortcuts a").first
    if calendar.count():
        calendar.click()  # "Today" fills the date with the admin's script
    page.goto("/admin/auth/user/add/")
    expect(page.locator("#id_username")).to_be_visible()
    page.goto(f"/admin/auth/user/{admin_user.pk}/change/")
    expect(page.locator(".selector")).to_have_count(2)  # groups, permissions: built by script
    assert refused == []
