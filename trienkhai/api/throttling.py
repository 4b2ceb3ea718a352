"""A budget of API calls per person (all their keys and their session together), or per address
for calls without a user, so one runaway script cannot starve the offices using the pages.

The rate is read from the settings on each call (TRIENKHAI_API_RATE, e.g. "600/min"; empty to
switch it off); the counters live in the cache (Redis in production, shared by every worker)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from trienkhai.surveys.throttle import client_address


class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        return getattr(settings, "TRIENKHAI_API_RATE", None) or None

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"api-rate:user:{user.pk}"
        return f"api-rate:addr:{client_address(request)}"
