"""A limit on wrong codes typed from one address, so codes cannot be guessed by trying.

Only failures count (a code that does not exist); a working code costs nothing. The address is
kept only as a keyed hash, in the cache, for the length of the window: never in the database,
never in a log. While an address is over the limit every code from it is refused, working or
not, so the refusal itself tells nothing about a code.
"""

import hashlib
import hmac
import math
import time

from django.conf import settings
from django.core.cache import cache

_PREFIX = "respond-fail:"


def _limit() -> int:
    """Failed attempts allowed per address within the window."""
    return getattr(settings, "TRIENKHAI_RESPOND_FAILURE_LIMIT", 10)


def _window() -> int:
    return getattr(settings, "TRIENKHAI_RESPOND_FAILURE_SECONDS", 10 * 60)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind TRIENKHAI_PROXY_COUNT trusted proxies the
    address they saw (the same setting the login throttle uses)."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or ""


def _key(request) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256
    ).hexdigest()
    return _PREFIX + digest[:32]


def _recent(key: str, now: float) -> list[float]:
    stamps = cache.get(key) or []
    return sorted(t for t in stamps if isinstance(t, (int, float)) and now - t < _window())


def blocked_minutes(request) -> int:
    """Minutes (at least 1) until the address may try again; 0 when it may try now."""
    now = time.time()
    stamps = _recent(_key(request), now)
    limit = _limit()
    if len(stamps) < limit:
        return 0
    # A place frees up when the oldest of the last `limit` failures leaves the window.
    oldest = stamps[-limit]
    return max(1, math.ceil((oldest + _window() - now) / 60))


def failure_record(request) -> None:
    """Count one wrong code from the request's address."""
    now = time.time()
    key = _key(request)
    stamps = _recent(key, now)
    stamps.append(now)
    cache.set(key, stamps[-_limit() :], _window())
