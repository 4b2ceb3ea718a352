"""Tasks: list with the task list page's filters, read, assign (create), change the
assignment. Every write goes through plans.tasks, as the pages' do."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import Document
from trienkhai.lib import dates
from trienkhai.org.models import Unit
from trienkhai.plans import rules
from trienkhai.plans import tasks as task_services
from trienkhai.plans.models import Programme, TaskStatus
from trienkhai.plans.selectors_tasks import (
    DUE_SOON,
    OPEN,
    OVERDUE,
    TaskFilters,
    apply_filters,
    pickable_units,
    visible_tasks,
)

from .conventions import (
    ApiView,
    deadline_message,
    etag_of,
    idempotent_create,
    query_date,
    query_id,
    revision_from,
    stale,
)
from .errors import ApiError
from .serializers import TaskIn, TaskOut

STATUSES = [OPEN, OVERDUE, DUE_SOON, *TaskStatus.values]
TASK_FILTERS = [
    OpenApiParameter("unit", int, description="tasks led or coordinated by this unit's subtree"),
    OpenApiParameter("role", str, enum=["lead", "coordinating"]),
    OpenApiParameter("status", str, enum=STATUSES),
    OpenApiParameter("deadline_from", OpenApiTypes.DATE),
    OpenApiParameter("deadline_to", OpenApiTypes.DATE),
    OpenApiParameter("programme", int),
    OpenApiParameter("q", str, description="words in the title or content"),
]


def _tasks(user):
    return (
        visible_tasks(user)
        .select_related("assigned_by", "lead_unit")
        .prefetch_related(Prefetch("coordinating_units", queryset=Unit.objects.only("id", "name")))
    )


class TaskList(mixins.ListModelMixin, ApiView):
    """Tasks you may see, newest first; POST assigns a new task (Idempotency-Key honoured)."""

    serializer_class = TaskOut

    def get_queryset(self):
        user, params = self.request.user, self.request.query_params
        status = params.get("status", "")
        if status and status not in STATUSES:
            raise ApiError(
                400, "invalid", _("Trạng thái “%(s)s” không có.") % {"s": status}, "status"
            )
        role = params.get("role", "")
        if role not in ("", "lead", "coordinating"):
            raise ApiError(400, "invalid", _("“role” là lead hoặc coordinating."), "role")
        units = None
        unit_id = query_id(params, "unit")
        if unit_id is not None:
            from trienkhai.org import rules as org_rules

            units = [
                get_object_or_404(org_rules.filter_units(user, Unit.objects.all()), pk=unit_id)
            ]
        filters = TaskFilters(
            units=units,
            role=role,
            status=status,
            deadline_from=query_date(params, "deadline_from"),
            deadline_to=query_date(params, "deadline_to"),
            programme_id=query_id(params, "programme"),
            text=params.get("q", "")[:200],
        )
        return apply_filters(_tasks(user), filters).order_by("-id")

    @extend_schema(parameters=TASK_FILTERS, operation_id="tasks_list")
    def get(self, request):
        return self.list(request)

    @extend_schema(request=TaskIn, responses={201: TaskOut})
    def post(self, request):
        incoming = TaskIn(data=request.data)
        incoming.is_valid(raise_exception=True)

        def create():
            data = dict(incoming.validated_data)
            day = data.pop("assigned_on", None)  # work of 2020 recorded later: its 2020 day
            task = task_services.task_create(
                actor=request.user, today=day, **_resolve(request.user, data)
            )
            task = _tasks(request.user).get(pk=task.pk)
            return TaskOut(task).data, reverse("api:task", args=[task.pk])

        return idempotent_create(request, "tasks", create)


class TaskDetail(ApiView):
    serializer_class = TaskOut

    def _task(self, request, pk):
        return get_object_or_404(_tasks(request.user), pk=pk)

    def get(self, request, pk: int):
        task = self._task(request, pk)
        return Response(TaskOut(task).data, headers={"ETag": etag_of(task)})

    @extend_schema(request=TaskIn(partial=True), responses={200: TaskOut})
    def patch(self, request, pk: int):
        task = self._task(request, pk)
        if not rules.can_change_assignment(request.user, task):
            raise ApiError(403, "forbidden", _("Bạn không có quyền sửa việc giao nhiệm vụ này."))
        revision = revision_from(request, task)
        incoming = TaskIn(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        changes = _resolve(request.user, incoming.validated_data)
        coordinators = changes.pop("coordinating_units", None)
        try:
            task_services.task_update(
                actor=request.user,
                task=task,
                revision=revision,
                coordinating_units=coordinators,
                **changes,
            )
        except task_services.StaleTask:
            raise stale() from None
        task = self._task(request, pk)
        return Response(TaskOut(task).data, headers={"ETag": etag_of(task)})


def _resolve(user, data: dict) -> dict:
    """Ids → the objects the user may name; a deadline text → date and precision. Unknown or
    invisible ids are field errors, like a wrong choice in the page's form."""
    from django.core.exceptions import ValidationError

    out, errors = {}, {}
    units = pickable_units(user)
    for field in ("assigned_by", "lead_unit"):
        if field in data:
            unit = units.filter(pk=data[field]).first()
            if unit is None:
                errors[field] = _(
                    "Không tìm thấy đơn vị số %(id)s trong các đơn vị bạn chọn được."
                ) % {"id": data[field]}
            out[field] = unit
    if "coordinating_units" in data:
        wanted = set(data["coordinating_units"])
        found = list(units.filter(pk__in=wanted))
        missing = wanted - {u.pk for u in found}
        if missing:
            errors["coordinating_units"] = _(
                "Không tìm thấy đơn vị số %(id)s trong các đơn vị bạn chọn được."
            ) % {"id": ", ".join(map(str, sorted(missing)))}
        out["coordinating_units"] = found
    lookups = {
        "assigning_document": document_rules.filter_documents(user, Document.objects.all()),
        "programme": rules.filter_programmes(user, Programme.objects.all()),
        "parent": visible_tasks(user),
    }
    for field, qs in lookups.items():
        if field in data:
            if data[field] is None:
                out[field] = None
                continue
            obj = qs.filter(pk=data[field]).first()
            if obj is None:
                errors[field] = _("Không tìm thấy mục số %(id)s.") % {"id": data[field]}
            out[field] = obj
    if "deadline" in data:
        text = data["deadline"]
        if text:
            try:
                out["deadline"], out["deadline_precision"] = dates.parse_deadline(text)
            except ValueError:
                errors["deadline"] = deadline_message(text)
        else:
            out["deadline"] = None
    for field in ("title", "description", "output_text", "start_on", "weight"):
        if field in data:
            out[field] = data[field]
    if errors:
        raise ValidationError(errors)
    return out
