"""Every API error as one JSON shape, in Vietnamese and English, naming the field at fault:

    {"error": {"code": "invalid", "message": "…", "message_en": "…", "field": "deadline",
               "fields": {"deadline": ["…"], "lead_unit": ["…"]}}}

Services raise Django's ValidationError (a dict of field → messages); DRF raises its own
exceptions. Both end here, so a script sees the same shape whatever went wrong, and never a
page of HTML.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from trienkhai.lib.bilingual import english

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    415: "unsupported_media_type",
    422: "idempotency_key_reused",
    428: "precondition_required",
    429: "throttled",
}


class ApiError(exceptions.APIException):
    """An error with our own code and status (412 stale version, 428 no If-Match, ...)."""

    def __init__(self, status_code: int, code: str, message: str, field: str | None = None):
        self.status_code = status_code
        self.code = code
        self.field = field
        super().__init__(detail=message, code=code)


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """DRF's nested detail → {"field": ["message", ...]} ("non_field_errors" → "")."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            nested = (f"{prefix}.{name}" if prefix else name) if name else prefix
            for field, messages in _flatten(value, nested).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        for item in detail:
            for field, messages in _flatten(item, prefix).items():
                out.setdefault(field, []).extend(messages)
    else:
        out.setdefault(prefix, []).append(str(detail))
    return out


def body(code: str, fields: dict[str, list[str]], field: str | None = None) -> dict:
    first_field = field if field is not None else next(iter(fields), "")
    message = (fields.get(first_field) or next(iter(fields.values()), [""]))[0]
    return {
        "error": {
            "code": code,
            "message": message,
            "message_en": english(message),
            "field": first_field or None,
            "fields": dict(fields),
            "fields_en": {name: [english(m) for m in msgs] for name, msgs in fields.items()},
        }
    }


def handler(exc, context):
    """DRF's exception handler, in our shape; messages are read in Vietnamese."""
    with translation.override("vi"):
        if isinstance(exc, ValidationError):
            if hasattr(exc, "error_dict"):
                fields = {
                    k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()
                }
            else:
                fields = {"": [str(m) for m in exc.messages]}
            fields = {("" if k == "__all__" else k): v for k, v in fields.items()}
            return Response(body("invalid", fields), status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, Http404):
            exc = exceptions.NotFound()
        elif isinstance(exc, PermissionDenied):
            exc = exceptions.PermissionDenied()
        response = drf_handler(exc, context)
        if response is None:
            return None
        code = getattr(exc, "code", None) or CODES.get(response.status_code, "error")
        if isinstance(exc, exceptions.ValidationError):
            code = "invalid"
        fields = _flatten(exc.detail) if isinstance(exc, exceptions.APIException) else {}
        response.data = body(code, fields or {"": [str(exc)]}, getattr(exc, "field", None))
        return response
