"""Headless Debian Chromium driven by Playwright's sync API, for tests marked `browser`.

The browser is the system's /usr/bin/chromium (Debian package `chromium`); Playwright's own
browser download is never used. Without it the tests skip, unless TRIENKHAI_REQUIRE_BROWSER=1
(as in .ci/run), where a missing or broken browser fails them.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    # This machine has no network: without these Chromium keeps calling home and logging refusals.
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _unavailable(reason: str):
    if os.environ.get("TRIENKHAI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (TRIENKHAI_REQUIRE_BROWSER=1 requires the browser tests to run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    Playwright's sync API keeps an asyncio loop running in this thread while it is started, and
    Django refuses ORM calls from a thread with a running loop; the fixtures and the test talk to
    the database in between browser calls, so the check is lifted for as long as Playwright runs.
    """
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium fonts-dejavu-core")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: pip install -e '.[test]'")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            try:
                chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            except Exception as exc:  # a browser that will not start is "unavailable" too
                _unavailable(f"Chromium did not start: {exc}")
            yield chromium
            chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context in Vietnamese, against the live server; a screenshot on failure."""
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=ARTIFACTS / f"{request.node.name}-failure.png", full_page=True)
    context.close()
