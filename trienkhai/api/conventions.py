"""The API's conventions, shared by every endpoint: the base view (Vietnamese errors, our error
shape), stable cursor pagination, version checks (ETag / If-Match) and idempotency keys."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import generics, pagination, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from .errors import ApiError
from .models import IdempotentAnswer


def is_id(raw) -> bool:
    """An object id as text: ASCII digits, at most 18 (ids are 64-bit integers)."""
    return re.fullmatch(r"[0-9]{1,18}", str(raw or "")) is not None


def query_id(params, name: str) -> int | None:
    """An id from the query string (None when absent); anything else is a 400 on that field."""
    raw = params.get(name)
    if raw in (None, ""):
        return None
    if not is_id(raw):
        raise ApiError(400, "invalid", _("“%(name)s” phải là một số.") % {"name": name}, name)
    return int(raw)


def query_date(params, name: str) -> dt.date | None:
    """An ISO date from the query string (None when absent); anything else is a 400."""
    raw = params.get(name)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ApiError(
            400, "invalid", _("Ngày “%(day)s” không đúng dạng YYYY-MM-DD.") % {"day": raw}, name
        ) from None


def deadline_message(text: str) -> str:
    """The refusal of a deadline that is not one of the API's forms (lib.dates.parse_deadline)."""
    return _("Thời hạn “%(text)s” phải có dạng 2020-09-20, 2020-12, 2025-Q4 hoặc 2025.") % {
        "text": str(text)[:40]
    }


class Cursor(pagination.CursorPagination):
    """Opaque cursors over a fixed order (newest first by id unless a view says otherwise):
    no row is skipped or repeated when rows are added while a client pages."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class AnyAccept(DefaultContentNegotiation):
    """A download answers whatever the client accepts (errors stay JSON), never 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ApiView(generics.GenericAPIView):
    """Errors are composed in Vietnamese (English added by the error handler)."""

    pagination_class = Cursor

    def dispatch(self, request, *args, **kwargs):
        with translation.override("vi"):
            return super().dispatch(request, *args, **kwargs)


# --- versions: ETag and If-Match --------------------------------------------------------------
def etag_of(obj) -> str:
    return f'"{obj.pk}-{obj.revision}"'


def revision_from(request, obj) -> int:
    """The revision the client last saw: from `If-Match` (the ETag it was given) or a
    `revision` field. Without either an update is refused (428), so no change is lost."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        if header == "*":
            return obj.revision
        tag = header.removeprefix("W/").strip('"')
        try:
            pk, revision = tag.rsplit("-", 1)
            if int(pk) == obj.pk:
                return int(revision)
        except ValueError:
            pass
        raise ApiError(
            412, "precondition_failed", _("Phiên bản trong If-Match không khớp với bản ghi này.")
        )
    if "revision" in request.data:
        try:
            return int(request.data["revision"])
        except (TypeError, ValueError):
            raise ApiError(
                400, "invalid", _("“revision” phải là một số nguyên."), field="revision"
            ) from None
    raise ApiError(
        428,
        "precondition_required",
        _(
            "Hãy gửi If-Match (ETag đã nhận) hoặc trường revision để không ghi đè thay đổi của người khác."
        ),
    )


def stale() -> ApiError:
    return ApiError(
        412,
        "precondition_failed",
        _("Bản ghi đã được người khác sửa sau khi bạn tải về; hãy tải lại rồi sửa."),
    )


# --- idempotency --------------------------------------------------------------------------------
def idempotent_create(request, route: str, create) -> Response:
    """Run `create()` (→ (data, location)) once per `Idempotency-Key`: a retry with the same key
    and body gets the first answer; the same key with another body is refused (422)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        data, location = create()
        return Response(data, status=status.HTTP_201_CREATED, headers=_location(location))
    if len(key) > 100:
        raise ApiError(400, "invalid", _("Idempotency-Key dài tối đa 100 ký tự."))
    digest = hashlib.sha256(
        json.dumps(request.data, sort_keys=True, default=str).encode()
    ).hexdigest()
    user = request.user
    try:
        with transaction.atomic():
            answer = IdempotentAnswer.objects.select_for_update().filter(user=user, key=key).first()
            if answer is not None:
                if answer.route != route or answer.body_hash != digest:
                    raise ApiError(
                        422,
                        "idempotency_key_reused",
                        _("Idempotency-Key này đã dùng cho một yêu cầu khác."),
                    )
                return Response(
                    answer.body, status=answer.status, headers=_location(answer.location)
                )
            data, location = create()
            IdempotentAnswer.objects.create(
                user=user,
                key=key,
                route=route,
                body_hash=digest,
                status=201,
                body=json.loads(json.dumps(data, default=str)),
                location=location or "",
            )
    except IntegrityError:
        # Two identical retries at once: the other one won; give its answer.
        answer = IdempotentAnswer.objects.get(user=user, key=key)
        return Response(answer.body, status=answer.status, headers=_location(answer.location))
    return Response(data, status=status.HTTP_201_CREATED, headers=_location(location))


def _location(location: str | None) -> dict:
    return {"Location": location} if location else {}
