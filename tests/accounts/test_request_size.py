"""A request declaring a body larger than anything the site accepts is refused before it is read:
413, with a short bilingual page, or the API's JSON error."""

import pytest


@pytest.fixture
def small_limit(settings):
    settings.TRIENKHAI_MAX_REQUEST_BYTES = 1000


def test_a_page_refuses_a_body_too_large(client, small_limit):
    response = client.generic(
        "POST", "/accounts/login/", b"x" * 2000, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn: tối đa 0.000953674 MB cho một lần gửi." in page
    assert "too large" in page.lower()


def test_the_api_answers_in_its_error_shape(client, small_limit):
    response = client.generic("POST", "/api/tasks/", b"{}" * 1000, content_type="application/json")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large" and "quá lớn" in error["message"]


def test_a_body_within_the_limit_goes_through(client, small_limit, db):
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 200  # the form, with its error
