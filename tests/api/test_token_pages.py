"""The API keys page: a key is shown once, stored hashed, revoked by its owner only."""

import hashlib

import pytest
from django.urls import reverse

from tests.conftest import make_user
from trienkhai.api.models import ApiToken

LIST = reverse("api_keys:list")


@pytest.mark.django_db
def test_a_key_is_shown_once_and_stored_hashed(client, city_secretary):
    client.force_login(city_secretary)
    page = client.post(LIST, {"name": "Báo cáo tự động", "read_only": "on"})
    assert page.status_code == 200
    key = page.context["new_key"]
    assert key.startswith("tk_") and key in page.content.decode()
    stored = ApiToken.objects.get(user=city_secretary)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest() and stored.read_only
    again = client.get(LIST).content.decode()
    assert key not in again and stored.prefix in again
    assert client.get(reverse("accounts:profile")).content.decode().count(LIST) == 1


@pytest.mark.django_db
def test_bad_input_keeps_what_was_typed(client, city_secretary):
    client.force_login(city_secretary)
    page = client.post(LIST, {"name": "", "expires_on": "31-02-2030"})
    assert page.status_code == 200
    assert page.context["new_key"] is None
    assert page.context["form"].errors.keys() >= {"name", "expires_on"}
    page = client.post(LIST, {"name": "Khóa cũ", "expires_on": "01-01-2020"})
    assert "Ngày hết hạn phải sau hôm nay." in page.content.decode()
    assert 'value="Khóa cũ"' in page.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_only_the_owner_revokes_and_anonymous_is_sent_to_login(client, city_secretary, tree):
    client.force_login(city_secretary)
    client.post(LIST, {"name": "Khóa"})
    token = ApiToken.objects.get()
    other = make_user("nguoikhac", unit=tree.city, role="editor")
    client.force_login(other)
    assert client.post(reverse("api_keys:revoke", args=[token.pk])).status_code == 404
    client.force_login(city_secretary)
    assert client.post(reverse("api_keys:revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert client.get(LIST).status_code == 302
    assert client.post(reverse("api_keys:revoke", args=[token.pk])).status_code == 302
