import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Personas log in with a cheap hash: the API's tests make thousands of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
