"""API clients as a script holds them: a fresh personal key of a user in the Authorization
header (read-only when asked), or no key at all."""

from rest_framework.test import APIClient

from trienkhai.api.tokens import token_create


def client_for(user, read_only=False) -> APIClient:
    """A client with a new key of `user`; with None, an anonymous client."""
    client = APIClient()
    if user is not None:
        raw = token_create(user=user, name="script", read_only=read_only)[1]
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        client.user = user
    return client


def api(request, fixture, read_only=False) -> APIClient:
    """`client_for` the persona fixture named `fixture` (a falsy name: anonymous)."""
    return client_for(request.getfixturevalue(fixture) if fixture else None, read_only)
