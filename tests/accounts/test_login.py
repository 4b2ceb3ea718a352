"""Logging in: Argon2 hashes, throttled failures, Vietnamese messages, the language switch."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.mark.real_password_hashing
def test_passwords_are_stored_as_argon2_hashes(city_secretary):
    assert city_secretary.password.startswith("argon2")


def test_anonymous_visitor_is_sent_to_the_vietnamese_login_page(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    page = response.content.decode()
    assert "Đăng nhập" in page
    assert 'lang="vi"' in page


def test_city_secretary_logs_in_and_sees_the_tree(client, city_secretary, tree):
    response = client.post(
        reverse("accounts:login"), {"username": "bithu", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert "Thành ủy Bến Tre" in response.content.decode()


def test_wrong_password_says_so_in_vietnamese_and_keeps_the_username(client, city_secretary):
    response = client.post(reverse("accounts:login"), {"username": "bithu", "password": "sai"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page
    assert 'value="bithu"' in page


def test_five_failed_logins_lock_the_account_from_that_address(client, city_secretary):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "bithu", "password": "sai"})
    response = client.post(reverse("accounts:login"), {"username": "bithu", "password": PASSWORD})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lock_on_one_account_does_not_lock_another(client, city_secretary, ward_clerk):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "bithu", "password": "sai"})
    response = client.post(
        reverse("accounts:login"), {"username": "vanthu_anhoi", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_logout_needs_a_post(client, city_secretary):
    client.force_login(city_secretary)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_switching_to_english_translates_the_page(client, city_secretary, tree):
    client.force_login(city_secretary)
    client.post(reverse("set_language"), {"language": "en", "next": "/org/"})
    page = client.get("/org/").content.decode()
    assert 'lang="en"' in page
    assert "Organisation tree" in page
    assert "Tiếng Việt" in page  # the way back, in its own language


def test_profile_lists_the_scopes_and_changes_the_password(client, ward_clerk, tree):
    client.force_login(ward_clerk)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Đảng ủy Phường An Hội" in page
    response = client.post(
        reverse("accounts:profile"),
        {
            "old_password": PASSWORD,
            "new_password1": "mot-mat-khau-moi-2025",
            "new_password2": "khac",
        },
    )
    assert response.status_code == 200
    assert "không giống nhau" in response.content.decode()
    response = client.post(
        reverse("accounts:profile"),
        {
            "old_password": PASSWORD,
            "new_password1": "mot-mat-khau-moi-2025",
            "new_password2": "mot-mat-khau-moi-2025",
        },
    )
    assert response.status_code == 302
    ward_clerk.refresh_from_db()
    assert ward_clerk.check_password("mot-mat-khau-moi-2025")


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client, db):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in page.content.decode()
