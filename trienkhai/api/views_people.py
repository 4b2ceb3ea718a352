"""People, their positions, units' terms, and one's own notifications.

Thin, as the org pages are: who may see a person, a unit or a position is org.rules' answer,
every write goes through org.services (which checks dates and terms and audits), and notices
are marked read through notifications.services, only ever the caller's own."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from trienkhai.lib.dates import format_vi
from trienkhai.lib.text import fold
from trienkhai.notifications.models import Notification
from trienkhai.notifications.services import notifications_mark_read
from trienkhai.org import rules, selectors, services
from trienkhai.org.models import Person, Position, PositionRole, Term, Unit

from .conventions import ApiView, Cursor, idempotent_create, query_date
from .errors import ApiError
from .serializers_people import (
    MarkedOut,
    NotificationOut,
    PersonDetailOut,
    PersonIn,
    PersonOut,
    PositionEndIn,
    PositionIn,
    PositionOut,
    TermIn,
    TermOut,
)


def _text(params, name="q") -> str:
    """Free text from the query string; PostgreSQL refuses a NUL character."""
    return params.get(name, "").replace("\x00", "").strip()[:150]


def _flag(params, name: str) -> bool | None:
    raw = params.get(name, "").strip().lower()
    if raw == "":
        return None
    if raw in ("1", "true", "yes"):
        return True
    if raw in ("0", "false", "no"):
        return False
    raise ApiError(400, "invalid", _("“%(name)s” là true hoặc false.") % {"name": name}, name)


def _unit_for(user, pk: int, check=rules.can_view_unit) -> Unit:
    """As the org pages fetch a unit: 404 when one may not see it, 403 when `check` refuses."""
    unit = get_object_or_404(Unit, pk=pk)
    if not rules.can_view_unit(user, unit):
        raise Http404
    if not check(user, unit):
        raise ApiError(
            403,
            "forbidden",
            _("Bạn không có quyền sửa dữ liệu của đơn vị “%(name)s”.") % {"name": unit.name},
        )
    return unit


# --- people -------------------------------------------------------------------------------------
PEOPLE_FILTERS = [
    OpenApiParameter("q", str, description="words of the name (with or without diacritics)"),
]


def _people(user):
    return rules.filter_people(user, Person.objects.all()).select_related("home_unit")


class PersonList(mixins.ListModelMixin, ApiView):
    """The people you may see: those whose record your units keep or who hold a position in
    them, as on the people page; POST adds a person's record (Idempotency-Key honoured)."""

    serializer_class = PersonOut

    def get_queryset(self):
        qs = _people(self.request.user)
        for word in fold(_text(self.request.query_params)).split():
            qs = qs.filter(name_folded__contains=word)
        return qs

    @extend_schema(parameters=PEOPLE_FILTERS, operation_id="people_list")
    def get(self, request):
        return self.list(request)

    @extend_schema(request=PersonIn, responses={201: PersonDetailOut}, operation_id="people_create")
    def post(self, request):
        user = request.user
        if not rules.can_add_person(user):
            raise ApiError(
                403, "forbidden", _("Bạn không có quyền sửa dữ liệu của đơn vị nào để thêm cán bộ.")
            )
        incoming = PersonIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        # As the page's form: the record is kept by a unit the user may edit.
        editable = rules.filter_units(user, Unit.objects.all(), rules.EDIT)
        data["home_unit"] = editable.filter(pk=data["home_unit"]).first()
        if data["home_unit"] is None:
            raise ValidationError(
                {
                    "home_unit": _(
                        "Không tìm thấy đơn vị số %(id)s trong các đơn vị bạn được sửa dữ liệu."
                    )
                    % {"id": incoming.validated_data["home_unit"]}
                }
            )

        def create():
            person = services.person_save(actor=user, person=None, **data)
            return _person_data(user, person), reverse("api:person", args=[person.pk])

        return idempotent_create(request, "people", create)


def _person_data(user, person) -> dict:
    person = Person.objects.select_related("home_unit", "user").get(pk=person.pk)
    context = {"user": user, "positions": selectors.positions_of_person(person)}
    return PersonDetailOut(person, context=context).data


class PersonDetail(ApiView):
    """One person as the person page shows them: contact details, login account, and every
    position they held (a unit you may not see is named, with unit_visible false)."""

    serializer_class = PersonDetailOut

    def get(self, request, pk: int):
        person = get_object_or_404(_people(request.user), pk=pk)
        return Response(_person_data(request.user, person))


# --- positions ----------------------------------------------------------------------------------
POSITION_FILTERS = [
    OpenApiParameter(
        "as_of", OpenApiTypes.DATE, description="positions held on that day (start ≤ day ≤ end)"
    ),
    OpenApiParameter(
        "state",
        str,
        enum=["current", "past"],
        description="current: held today or later; past: ended before today (the unit page's "
        "two tables)",
    ),
    OpenApiParameter("role", str, enum=PositionRole.values, description="one role"),
]


def _positions():
    return Position.objects.select_related("person", "unit", "term")


class UnitPositionList(mixins.ListModelMixin, ApiView):
    """The positions of a unit you may see; POST appoints a person (you must be able to edit
    the unit; Idempotency-Key honoured)."""

    serializer_class = PositionOut

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    def get_queryset(self):
        params = self.request.query_params
        unit = _unit_for(self.request.user, self.kwargs["pk"])
        state = params.get("state", "")
        if state not in ("", "current", "past"):
            raise ApiError(400, "invalid", _("“state” là current hoặc past."), "state")
        if state:
            # The unit page's own split of current and past positions.
            qs = selectors.positions_of(unit, current=state == "current").select_related("unit")
        else:
            qs = _positions().filter(unit=unit)
        day = query_date(params, "as_of")
        if day is not None:
            qs = qs.filter(Q(end_on__isnull=True) | Q(end_on__gte=day), start_on__lte=day)
        role = params.get("role", "")
        if role:
            if role not in PositionRole.values:
                raise ApiError(
                    400, "invalid", _("Chức vụ “%(r)s” không có.") % {"r": role[:40]}, "role"
                )
            qs = qs.filter(role=role)
        return qs

    @extend_schema(parameters=POSITION_FILTERS, operation_id="units_positions_list")
    def get(self, request, pk: int):
        return self.list(request)

    @extend_schema(
        request=PositionIn, responses={201: PositionOut}, operation_id="units_positions_create"
    )
    def post(self, request, pk: int):
        user = request.user
        unit = _unit_for(user, pk, rules.can_edit_unit)
        incoming = PositionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = _resolve_position(user, unit, dict(incoming.validated_data))

        def create():
            position = services.position_save(actor=user, position=None, unit=unit, **data)
            position = _positions().get(pk=position.pk)
            return (
                PositionOut(position, context={"user": user}).data,
                reverse("api:position", args=[position.pk]),
            )

        return idempotent_create(request, f"units/{unit.pk}/positions", create)


def _resolve_position(user, unit: Unit, data: dict) -> dict:
    """Ids → the person and term the page's form would offer: a person one may see, a term
    of this unit; anything else is an error on that field."""
    errors = {}
    person_id = data["person"]
    data["person"] = rules.filter_people(user, Person.objects.all()).filter(pk=person_id).first()
    if data["person"] is None:
        errors["person"] = _("Không tìm thấy cán bộ số %(id)s trong những người bạn xem được.") % {
            "id": person_id
        }
    term_id = data.get("term")
    if term_id is not None:
        data["term"] = Term.objects.filter(unit=unit, pk=term_id).first()
        if data["term"] is None:
            errors["term"] = _("Nhiệm kỳ được chọn không thuộc đơn vị này.")
    if errors:
        raise ValidationError(errors)
    return data


class PositionDetail(ApiView):
    """One position, if you may see its unit."""

    serializer_class = PositionOut

    def get(self, request, pk: int):
        position = _position_for(request.user, pk)
        return Response(PositionOut(position, context={"user": request.user}).data)


def _position_for(user, pk: int, check=rules.can_view_unit) -> Position:
    position = get_object_or_404(_positions(), pk=pk)
    _unit_for(user, position.unit_id, check)
    return position


class PositionEnd(ApiView):
    """End a position on a day (the person page then shows it as past). Positions carry no
    revision: ending is a one-way step, so a position already ended on another day is a
    conflict (409) rather than silently moved; the same day again changes nothing."""

    serializer_class = PositionOut

    @extend_schema(
        request=PositionEndIn, responses={200: PositionOut}, operation_id="positions_end"
    )
    def post(self, request, pk: int):
        user = request.user
        position = _position_for(user, pk, rules.can_edit_unit)
        incoming = PositionEndIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        day = incoming.validated_data["end_on"]
        with transaction.atomic():
            # Locked so two clients ending it at once cannot both pass the check below.
            stored = Position.objects.select_for_update().get(pk=position.pk)
            if stored.end_on is not None and stored.end_on != day:
                raise ApiError(
                    409,
                    "conflict",
                    _("Chức vụ này đã kết thúc ngày %(day)s.") % {"day": format_vi(stored.end_on)},
                    "end_on",
                )
            if stored.end_on is None:
                services.position_save(actor=user, position=position, end_on=day)
        position = _positions().get(pk=position.pk)
        return Response(PositionOut(position, context={"user": user}).data)


# --- terms --------------------------------------------------------------------------------------
class UnitTermList(mixins.ListModelMixin, ApiView):
    """The terms of office of a unit you may see; POST adds one (you must be able to edit the
    unit; Idempotency-Key honoured)."""

    serializer_class = TermOut

    def get_queryset(self):
        unit = _unit_for(self.request.user, self.kwargs["pk"])
        return Term.objects.filter(unit=unit).select_related("unit")

    @extend_schema(operation_id="units_terms_list")
    def get(self, request, pk: int):
        return self.list(request)

    @extend_schema(request=TermIn, responses={201: TermOut}, operation_id="units_terms_create")
    def post(self, request, pk: int):
        user = request.user
        unit = _unit_for(user, pk, rules.can_edit_unit)
        incoming = TermIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)

        def create():
            term = services.term_save(actor=user, unit=unit, term=None, **data)
            return TermOut(term).data, None

        return idempotent_create(request, f"units/{unit.pk}/terms", create)


# --- notifications ------------------------------------------------------------------------------
NOTIFICATION_FILTERS = [
    OpenApiParameter("unread", bool, description="true: only unread notices; false: only read"),
]


def _notices(user):
    """Only the caller's own notices: anyone else's is "not found"."""
    return Notification.objects.filter(user=user)


class NewestNoticeFirst(Cursor):
    ordering = ("-created_at", "-id")  # the inbox's order


class NotificationList(mixins.ListModelMixin, ApiView):
    """Your notices, newest first, as in your inbox."""

    serializer_class = NotificationOut
    pagination_class = NewestNoticeFirst

    def get_queryset(self):
        qs = _notices(self.request.user)
        unread = _flag(self.request.query_params, "unread")
        if unread is not None:
            qs = qs.filter(read_at__isnull=unread)
        return qs

    @extend_schema(parameters=NOTIFICATION_FILTERS, operation_id="notifications_list")
    def get(self, request):
        return self.list(request)


class NotificationRead(ApiView):
    """Mark one of your notices read (as opening it in the inbox does); again changes nothing."""

    serializer_class = NotificationOut

    @extend_schema(
        request=None, responses={200: NotificationOut}, operation_id="notifications_read"
    )
    def post(self, request, pk: int):
        notice = get_object_or_404(_notices(request.user), pk=pk)
        notifications_mark_read(user=request.user, ids=[notice.pk])
        notice.refresh_from_db()
        return Response(NotificationOut(notice).data)


class NotificationReadAll(ApiView):
    """Mark all your notices read, as the inbox's button does."""

    serializer_class = MarkedOut

    @extend_schema(request=None, responses={200: MarkedOut}, operation_id="notifications_read_all")
    def post(self, request):
        return Response({"marked": notifications_mark_read(user=request.user)})
