"""Steps shared by the browser flows: logging in and out as a person does, and watching the
console for what the Content-Security-Policy refused."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def watch_csp(page) -> list[str]:
    """The console messages in which Chromium reports something the page's policy refused
    (an inline style or script, a blocked image...); filled as the test goes on."""
    refused: list[str] = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return refused
