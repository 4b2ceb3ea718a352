"""The API's reference page works from the installed package alone (no CDN), under the site's
Content-Security-Policy: the operations are listed and nothing is refused."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reference_page_lists_the_operations(page):
    refused = watch_csp(page)
    outside = []
    local = ("http://localhost", "http://127.0.0.1", "data:", "blob:")
    page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .opblock-summary-path").first).to_be_visible(timeout=15000)
    # Swagger UI draws the operations as they scroll into view: scroll down to a later one.
    later = page.get_by_text("/api/exchange/imports/", exact=True).first
    for _ in range(60):
        if later.count():
            break
        page.mouse.wheel(0, 1500)
        page.wait_for_timeout(250)
    expect(later).to_be_visible()
    assert refused == []
    assert outside == []
