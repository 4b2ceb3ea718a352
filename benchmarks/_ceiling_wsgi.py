"""The framework's ceilings for load_test.py: a Django endpoint that returns a constant.

Two ways, each served by the same gunicorn command as the product (gunicorn calls the factory:
`benchmarks._ceiling_wsgi:bare()` or `benchmarks._ceiling_wsgi:stacked()`):

- `bare`: minimal settings, no middleware, no app, no database — the framework alone;
- `stacked`: the product's own settings (production, as the load test's environment gives them)
  with every app and the whole middleware stack (security headers, WhiteNoise, sessions, CSRF,
  authentication, messages, axes…), only the address table replaced by the constant view.

The difference between the bare ceiling and the product is what the product's code costs; the
stacked ceiling splits it into what every page pays and what the page itself does. They exist
only here: the product has no constant endpoint.
"""

import os

from django.conf import settings
from django.http import HttpResponse
from django.urls import path


def constant(request):
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("", constant)]


def bare():
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("TRIENKHAI_SECRET_KEY", "ceiling-only"),
        ALLOWED_HOSTS=os.environ.get("TRIENKHAI_ALLOWED_HOSTS", "example.org").split(","),
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
    )
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def stacked():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
    settings.ROOT_URLCONF = __name__  # read at every request: only the addresses change
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()
