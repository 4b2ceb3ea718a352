"""Request and response middleware: the chosen language, and security headers."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from trienkhai.lib.bilingual import english as english_of

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)


class RequestSizeMiddleware:
    """Refuse a request whose declared body is larger than any form or API call accepts, before
    Django reads it (uploads are otherwise spooled to disk in full before a service can say
    "too large"). Pages get a short page, the API its JSON error shape; status 413."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.TRIENKHAI_MAX_REQUEST_BYTES
        if declared <= limit:
            return self.get_response(request)
        with translation.override("vi"):
            message = _("Dữ liệu gửi lên quá lớn: tối đa %(mb)s MB cho một lần gửi.") % {
                "mb": f"{limit / (1024 * 1024):g}"
            }
        if request.path.startswith("/api/"):
            from trienkhai.api.errors import body

            return JsonResponse(body("too_large", {"": [message]}), status=413)
        english = english_of(message)
        return HttpResponse(
            f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>413</title>'
            f'<p>{escape(message)}</p><p lang="en">{escape(english)}</p></html>',
            status=413,
        )


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switch.

    Many offices run browsers set to English; the browser's Accept-Language must not turn the
    product English for them. Only the language cookie (set by the switch) counts.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
