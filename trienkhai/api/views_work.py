"""Carrying work out: a task's progress, its comments and evidence, its history; requirements on
subordinate units and how far each target unit has complied.

Thin, as the pages are: the same rules decide who sees (404) and who may act (403), the same
services write (plans.tasks.task_report_progress and task_comment, plans.requirements), and the
compliance of a unit is read by plans.compliance from the register — a unit "answers" a
requirement by registering the document it issued (POST /api/documents/ and its relation
"implements" the required document), exactly as on the pages; nobody ticks a cell by hand."""

import base64
import binascii
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from trienkhai.audit.selectors import audit_entries_for
from trienkhai.documents import rules as document_rules
from trienkhai.documents.models import ISSUED_STATES, Document
from trienkhai.lib import dates
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit
from trienkhai.org.selectors import successors_now
from trienkhai.plans import compliance, requirements, rules
from trienkhai.plans import tasks as task_services
from trienkhai.plans.models import Requirement, RequirementTarget, Task, TaskComment
from trienkhai.plans.selectors_tasks import comments_of, visible_tasks

from .conventions import (
    AnyAccept,
    ApiView,
    Cursor,
    deadline_message,
    etag_of,
    idempotent_create,
    query_id,
    revision_from,
    stale,
)
from .errors import ApiError
from .serializers import TaskOut
from .serializers_work import (
    HistoryOut,
    ProgressIn,
    RequirementChangeIn,
    RequirementDetailOut,
    RequirementIn,
    RequirementOut,
    RequirementTargetOut,
    TaskCommentIn,
    TaskCommentOut,
)


class Oldest(Cursor):
    """Comments as the page lists them: oldest first."""

    ordering = "id"


def _forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


# --- tasks ----------------------------------------------------------------------------------------
def _tasks(user):
    return (
        visible_tasks(user)
        .select_related("assigned_by", "lead_unit")
        .prefetch_related(
            Prefetch("coordinating_units", queryset=Unit.objects.only("id", "name")),
            "coordinations__unit",
        )
    )


def _task(user, pk: int) -> Task:
    """The task if the user sees it (404 otherwise), as the task page fetches it."""
    return get_object_or_404(_tasks(user), pk=pk)


class TaskProgress(ApiView):
    """Report progress and status, as the task page's progress form: the lead unit's and the
    assigning unit's editors. Needs the task's revision (If-Match or `revision`)."""

    serializer_class = TaskOut

    @extend_schema(
        operation_id="tasks_progress_create",
        request=ProgressIn,
        responses={200: TaskOut},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER)],
    )
    def post(self, request, pk: int):
        user = request.user
        task = _task(user, pk)
        if not rules.can_report_on_task(user, task):
            raise _forbidden(_("Bạn không có quyền cập nhật tiến độ nhiệm vụ này."))
        revision = revision_from(request, task)
        incoming = ProgressIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        deadline, precision = None, None
        if data.get("new_deadline"):
            try:
                deadline, precision = dates.parse_deadline(data["new_deadline"])
            except ValueError:
                raise ValidationError(
                    {"new_deadline": deadline_message(data["new_deadline"])}
                ) from None
        try:
            task_services.task_report_progress(
                actor=user,
                task=task,
                revision=revision,
                status=data["status"],
                progress=data.get("progress"),
                reason=data.get("reason", ""),
                new_deadline=deadline,
                new_deadline_precision=precision,
                completed_on=data.get("completed_on"),
                note=data.get("note", ""),
            )
        except task_services.StaleTask:
            raise stale() from None
        task = _task(user, pk)
        return Response(TaskOut(task).data, headers={"ETag": etag_of(task)})


class TaskHistory(mixins.ListModelMixin, ApiView):
    """The task's history as its page shows it, newest first: progress reports, status and
    deadline changes, changes of the assignment, comments."""

    serializer_class = HistoryOut

    def get_queryset(self):
        return audit_entries_for(_task(self.request.user, self.kwargs["pk"]))

    @extend_schema(operation_id="tasks_history_list")
    def get(self, request, pk: int):
        return self.list(request)


def _evidence(raw) -> ContentFile | None:
    """The base64 file of a comment, as an upload the service checks like the page's."""
    if not raw:
        return None
    try:
        data = base64.b64decode(raw["content"], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"evidence": _("Nội dung tệp phải được mã hóa base64.")}) from None
    return ContentFile(data, name=raw["name"].replace("\x00", ""))


class TaskComments(mixins.ListModelMixin, ApiView):
    """The comments on a task, oldest first, to whoever sees it; POST adds one (the lead,
    assigning and coordinating units' editors), with an evidence file if given
    (Idempotency-Key honoured)."""

    serializer_class = TaskCommentOut
    pagination_class = Oldest

    def get_queryset(self):
        return comments_of(_task(self.request.user, self.kwargs["pk"]))

    @extend_schema(operation_id="tasks_comments_list")
    def get(self, request, pk: int):
        return self.list(request)

    @extend_schema(
        operation_id="tasks_comments_create", request=TaskCommentIn, responses={201: TaskCommentOut}
    )
    def post(self, request, pk: int):
        user = request.user
        task = _task(user, pk)
        if not rules.can_comment_on_task(user, task):
            raise _forbidden(_("Bạn không có quyền gửi ý kiến về nhiệm vụ này."))
        incoming = TaskCommentIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data

        def create():
            comment = task_services.task_comment(
                actor=user,
                task=task,
                text=data["text"],
                evidence=_evidence(data.get("evidence")),
            )
            return TaskCommentOut(comment).data, None

        return idempotent_create(request, f"tasks/{task.pk}/comments", create)


class CommentEvidence(ApiView):
    """A comment's evidence file, to whoever sees the task (as the page's download)."""

    content_negotiation_class = AnyAccept

    @extend_schema(
        operation_id="tasks_comments_evidence_retrieve",
        responses={
            (200, t): OpenApiResponse(OpenApiTypes.BINARY)
            for t in {
                "application/octet-stream",
                *task_services.EVIDENCE_CONTENT_TYPES.values(),
            }
        },
    )
    def get(self, request, pk: int, comment_id: int):
        task = _task(request.user, pk)
        comment = get_object_or_404(TaskComment, pk=comment_id, task=task)
        if not comment.evidence:
            raise Http404
        try:
            handle = comment.evidence.open("rb")
        except (FileNotFoundError, OSError) as error:
            raise ApiError(404, "not_found", _("Tệp không còn trên máy chủ.")) from error
        extension = comment.evidence.name.rsplit(".", 1)[-1].lower()
        return FileResponse(
            handle,
            as_attachment=True,
            filename=comment.evidence_name or f"minh-chung.{extension}",
            content_type=task_services.EVIDENCE_CONTENT_TYPES.get(
                extension, "application/octet-stream"
            ),
        )


# --- requirements ---------------------------------------------------------------------------------
REQUIREMENT_FILTERS = [
    OpenApiParameter("document", int, description="requirements carrying out this document"),
    OpenApiParameter("unit", int, description="set by this unit or applying under it"),
]


def _requirements(user):
    return rules.filter_requirements(user, Requirement.objects.all()).select_related(
        "set_by", "parent_unit", "implements"
    )


def _requirement(user, pk: int) -> Requirement:
    """The requirement if the user sees it (404 otherwise)."""
    return get_object_or_404(_requirements(user), pk=pk)


def _counts(user, page) -> dict:
    """{requirement id: Counts} over the target units the user sees, as the list page."""
    targets = compliance.visible_targets(user, page)
    return compliance.column_counts(targets, timezone.localdate())


def version_of(requirement: Requirement) -> str:
    """A requirement has no revision number: its version is a digest of what may change (the
    wording and the deadline), so a change made by someone else in between is still refused."""
    digest = hashlib.sha256(f"{requirement.title}\n{requirement.due_on}".encode()).hexdigest()
    return f"{requirement.pk}-{digest[:16]}"


def _version_from(request) -> str:
    header = request.headers.get("If-Match", "").strip()
    if header:
        return header.removeprefix("W/").strip('"')
    version = request.data.get("version") if hasattr(request.data, "get") else None
    if version:
        return str(version)
    raise ApiError(
        428,
        "precondition_required",
        _(
            "Hãy gửi If-Match (ETag đã nhận) hoặc trường version để không ghi đè thay đổi "
            "của người khác."
        ),
    )


def _detail(user, requirement: Requirement) -> Response:
    requirement.version = version_of(requirement)
    requirement.target_count = requirement.targets.count()
    requirement.can_manage = rules.can_manage_requirement(user, requirement)
    context = {"counts": _counts(user, [requirement])}
    return Response(
        RequirementDetailOut(requirement, context=context).data,
        headers={"ETag": f'"{requirement.version}"'},
    )


class RequirementList(mixins.ListModelMixin, ApiView):
    """Requirements you set or must meet, newest first, each with its counts over the target
    units you see; POST sets one on the units below a unit you edit (Idempotency-Key
    honoured)."""

    serializer_class = RequirementOut

    def get_queryset(self):
        user, params = self.request.user, self.request.query_params
        document = unit = None
        doc_id = query_id(params, "document")
        if doc_id is not None:
            document = get_object_or_404(
                document_rules.filter_documents(user, Document.objects.all()), pk=doc_id
            )
        unit_id = query_id(params, "unit")
        if unit_id is not None:
            unit = get_object_or_404(org_rules.filter_units(user, Unit.objects.all()), pk=unit_id)
        return compliance.requirements_for(user, document=document, unit=unit)

    @extend_schema(operation_id="requirements_list", parameters=REQUIREMENT_FILTERS)
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        context = {"counts": _counts(request.user, page)}
        return self.get_paginated_response(RequirementOut(page, many=True, context=context).data)

    @extend_schema(
        operation_id="requirements_create",
        request=RequirementIn,
        responses={201: RequirementDetailOut},
    )
    def post(self, request):
        user = request.user
        setters = rules.requirement_setters(user)
        if not setters.exists():
            raise _forbidden(_("Bạn không biên tập đơn vị nào nên không đặt yêu cầu được."))
        incoming = RequirementIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        errors = {}
        for field in ("set_by", "parent_unit"):
            if data.get(field) is not None:
                unit = setters.filter(pk=data[field]).first()
                if unit is None:
                    errors[field] = _(
                        "Không tìm thấy đơn vị số %(id)s trong các đơn vị bạn đặt yêu cầu được."
                    ) % {"id": data[field]}
                data[field] = unit
        if data.get("implements") is not None:
            issued = Document.objects.filter(status__in=ISSUED_STATES)
            found = document_rules.filter_documents(user, issued).filter(pk=data["implements"])
            data["implements"] = found.first()
            if data["implements"] is None:
                errors["implements"] = _("Không tìm thấy văn bản đã ban hành số %(id)s.") % {
                    "id": incoming.validated_data["implements"]
                }
        if errors:
            raise ValidationError(errors)

        def create():
            requirement = requirements.requirement_create(
                actor=user,
                title=data["title"],
                set_by=data["set_by"],
                parent_unit=data.get("parent_unit"),
                unit_kinds=data["unit_kinds"],
                direct_only=data.get("direct_only", False),
                doc_type=data["doc_type"],
                implements=data.get("implements"),
                due_on=data["due_on"],
            )
            answer = _detail(user, _requirement(user, requirement.pk))
            return answer.data, reverse("api:requirement", args=[requirement.pk])

        return idempotent_create(request, "requirements", create)


class RequirementDetail(ApiView):
    """A requirement with its counts over the target units you see (each unit's state:
    …/targets/); PATCH changes its wording or deadline, for the setting unit's editors, with the
    version read (If-Match or `version`)."""

    serializer_class = RequirementDetailOut

    @extend_schema(operation_id="requirements_retrieve")
    def get(self, request, pk: int):
        return _detail(request.user, _requirement(request.user, pk))

    @extend_schema(
        operation_id="requirements_partial_update",
        request=RequirementChangeIn,
        responses={200: RequirementDetailOut},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER)],
    )
    def patch(self, request, pk: int):
        user = request.user
        requirement = _requirement(user, pk)
        if not rules.can_manage_requirement(user, requirement):
            raise _forbidden(_("Bạn không có quyền sửa yêu cầu này."))
        wanted = _version_from(request)
        incoming = RequirementChangeIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        with transaction.atomic():
            stored = Requirement.objects.select_for_update().get(pk=requirement.pk)
            if wanted != "*" and wanted != version_of(stored):
                raise ApiError(
                    412,
                    "precondition_failed",
                    _("Yêu cầu đã được người khác sửa sau khi bạn tải về; hãy tải lại rồi sửa."),
                )
            requirements.requirement_update(
                actor=user,
                requirement=stored,
                title=data.get("title", stored.title),
                due_on=data.get("due_on", stored.due_on),
                note=data.get("note", ""),
            )
        return _detail(user, _requirement(user, pk))


TARGET_FILTERS = [
    OpenApiParameter("state", str, enum=list(compliance.STATES)),
    OpenApiParameter("unit", int, description="target units in this unit's subtree"),
]


class RequirementTargets(mixins.ListModelMixin, ApiView):
    """The units the requirement applies to that you see (a ward sees its own row, not its
    sibling's), each with its state read from the register and the document that met it."""

    serializer_class = RequirementTargetOut
    pagination_class = Oldest

    def get_queryset(self):
        user, params = self.request.user, self.request.query_params
        requirement = _requirement(user, self.kwargs["pk"])
        state = params.get("state", "")
        if state and state not in compliance.STATES:
            raise ApiError(
                400, "invalid", _("Trạng thái “%(s)s” không có.") % {"s": state[:40]}, "state"
            )
        targets = compliance.visible_targets(user, [requirement])
        unit_id = query_id(params, "unit")
        if unit_id is not None:
            unit = get_object_or_404(org_rules.filter_units(user, Unit.objects.all()), pk=unit_id)
            targets = targets.filter(unit__path__startswith=unit.path)
        qs = compliance.annotate_cells(targets, timezone.localdate(), documents=True)
        if state:
            qs = qs.filter(state=state)
        return qs.select_related("unit")

    @extend_schema(operation_id="requirements_targets_list", parameters=TARGET_FILTERS)
    def get(self, request, pk: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([_target(t, docs) for t, docs in _with_docs(page)])


def _with_docs(page: list[RequirementTarget]):
    ids = {t.own_doc or t.successor_doc for t in page} - {None}
    docs = Document.objects.only("id", "number_text", "issued_on").in_bulk(ids) if ids else {}
    return [(t, docs) for t in page]


def _target(target, docs) -> dict:
    unit = target.unit
    doc = docs.get(target.own_doc or target.successor_doc)
    note = compliance.ended_note(unit, successors_now(unit)) if unit.ended_on else ""
    return RequirementTargetOut(
        {
            "id": target.pk,
            "unit": unit,
            "state": target.state,
            "state_label": str(compliance.STATE_LABELS[target.state]),
            "document": (
                {"id": doc.pk, "number": doc.number_text or "", "issued_on": doc.issued_on}
                if doc
                else None
            ),
            "by_successor": bool(target.by_successor),
            "ended_note": note,
        }
    ).data


class RequirementHistory(mixins.ListModelMixin, ApiView):
    """The requirement's history as its page shows it, newest first."""

    serializer_class = HistoryOut

    def get_queryset(self):
        return audit_entries_for(_requirement(self.request.user, self.kwargs["pk"]))

    @extend_schema(operation_id="requirements_history_list")
    def get(self, request, pk: int):
        return self.list(request)
