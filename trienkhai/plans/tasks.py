"""Writes to tasks: assigning, changing the assignment, reporting progress, commenting, and
closing a task when its output document is issued.

Rules kept here (the forms only check shapes):
- a unit assigns work to itself, to units below it, or to the State side of its level (its
  `counterpart` subtree: "Thành ủy giao UBND thành phố chủ trì"); an administrator to anyone;
- a deadline is a period (day, month, quarter, year) and may not end before the task starts;
- a task is never its own ancestor; the lead unit is not also a coordinating unit;
- every change carries the `revision` the user saw and is written with a conditional UPDATE,
  so of two people saving the same task the second is refused, never silently overwritten;
- the progress of a task with subtasks is derived: Σ(progress × weight) ÷ Σ weight over its
  subtasks that are not cancelled, a finished subtask counting 100 %. It is stored, for lists
  to filter and sort, and recomputed up the chain in the same transaction as each change.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record, diff, snapshot
from trienkhai.documents import files as document_files
from trienkhai.documents.models import Document, DocumentRelation, RelationKind, type_choices
from trienkhai.lib import dates
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit

from . import tallies
from .models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Precision,
    Programme,
    Task,
    TaskComment,
    TaskCoordination,
    TaskStatus,
)

DONE_STATUSES = (TaskStatus.DONE, TaskStatus.DONE_LATE)
# Evidence: scans and photos as well as office files; anything else is refused by its content.
EVIDENCE_KINDS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "png": "png", "jpeg": "jpg"}
EVIDENCE_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
}
EVIDENCE_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
}

# The fields of the assignment itself, changed by those who assigned the task.
ASSIGNMENT_FIELDS = [
    "title",
    "description",
    "parent",
    "programme",
    "assigned_by",
    "assigning_document",
    "lead_unit",
    "output_text",
    "output_doc_type",
    "output_issuer",
    "start_on",
    "deadline",
    "deadline_precision",
    "weight",
]
_PLAIN_FIELDS = [
    "title",
    "description",
    "parent",
    "programme",
    "assigned_by",
    "assigning_document",
    "lead_unit",
    "output_text",
    "output_doc_type",
    "output_issuer",
    "output_document",
    "start_on",
    "status",
    "postponed_reason",
    "progress",
    "weight",
    "completed_on",
]


def evidence_limit() -> int:
    return settings.TRIENKHAI_MAX_EVIDENCE_BYTES


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _snapshot(task: Task) -> dict:
    """What the history shows: the deadline as written ("tháng 12-2020"), the coordinators by
    name."""
    data = snapshot(task, _PLAIN_FIELDS)
    data["deadline"] = task.deadline_text
    # One text, not a list: the history page shows it as it shows any other value.
    data["coordinating_units"] = (
        "; ".join(sorted(task.coordinating_units.values_list("name", flat=True))) if task.pk else ""
    )
    return data


def _fmt(day: dt.date | None) -> str:
    return dates.format_vi(day)


class StaleTask(ValidationError):
    """The task changed since the user opened it; carries the current revision."""

    def __init__(self, message, *, current_revision: int):
        super().__init__(message, code="stale")
        self.current_revision = current_revision


def _stale(task_pk: int) -> StaleTask:
    current = Task.objects.filter(pk=task_pk).values_list("revision", flat=True).first() or 0
    last = (
        AuditEntry.objects.filter(
            content_type__app_label="plans", content_type__model="task", object_id=str(task_pk)
        )
        .exclude(changes={})  # a comment is recorded on the task too, without a new revision
        .select_related("actor")
        .first()
    )
    who = (last.actor.get_username() if last and last.actor else "") or _("người khác")
    when = timezone.localtime(last.at).strftime("%H:%M %d-%m-%Y") if last else ""
    return StaleTask(
        _(
            "Nhiệm vụ vừa được %(who)s cập nhật lúc %(when)s, sau khi bạn mở trang; thay đổi "
            "của bạn chưa được lưu. Hãy tải lại trang nhiệm vụ (mở trong thẻ mới) để xem nội dung "
            "mới. Những gì bạn đã nhập vẫn còn trong biểu mẫu: bấm lưu lần nữa nếu vẫn muốn ghi."
        )
        % {"who": who, "when": when},
        current_revision=current,
    )


# --- who may assign to whom --------------------------------------------------------------------
def assigner_reaches(assigner: Unit, lead: Unit) -> bool:
    """A unit assigns to itself and its subtree, and to the subtree of its State counterpart
    (the city Party committee assigns the city People's Committee)."""
    if lead.path.startswith(assigner.path):
        return True
    counterpart = assigner.counterpart
    return counterpart is not None and lead.path.startswith(counterpart.path)


def _ancestor_ids(task_id: int | None) -> list[int]:
    """The chain of ids from `task_id` up to its root (a query per level: task trees are short)."""
    chain, seen = [], set()
    while task_id is not None and task_id not in seen:
        seen.add(task_id)
        chain.append(task_id)
        task_id = Task.objects.filter(pk=task_id).values_list("parent_id", flat=True).first()
    return chain


def _ended_by(unit: Unit, day: dt.date) -> bool:
    return unit.ended_on is not None and unit.ended_on <= day


def _check(
    *,
    actor,
    task: Task | None,
    data: dict,
    coordinating_units: list[Unit],
    changed: set[str],
    today: dt.date | None = None,
) -> None:
    """Every meaning check of an assignment, all errors at once, keyed by form field. The units
    named must still be active on `today` (the day of the assignment; the current date by
    default)."""
    errors: dict[str, list[str]] = {}
    today = today or timezone.localdate()

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    title = (data.get("title") or "").strip()
    if not title:
        add("title", _("Hãy nhập tên nhiệm vụ."))
    elif len(title) > Task._meta.get_field("title").max_length:
        add("title", _("Tên nhiệm vụ dài quá 500 ký tự; hãy đưa phần chi tiết vào mục Nội dung."))

    assigned_by: Unit | None = data.get("assigned_by")
    lead: Unit | None = data.get("lead_unit")
    if assigned_by is None:
        add("assigned_by", _("Hãy chọn đơn vị giao nhiệm vụ."))
    if lead is None:
        add("lead_unit", _("Hãy chọn đơn vị chủ trì."))

    if (
        assigned_by is not None
        and "assigned_by" in changed
        and actor is not None
        and not org_rules.can_edit_unit(actor, assigned_by)
    ):
        add(
            "assigned_by",
            _("Bạn không có quyền giao nhiệm vụ thay cho “%(unit)s”.") % {"unit": assigned_by.name},
        )
    for field, unit in (("assigned_by", assigned_by), ("lead_unit", lead)):
        if unit is not None and field in changed and _ended_by(unit, today):
            add(
                field,
                _("“%(unit)s” đã kết thúc hoạt động từ ngày %(day)s; hãy chọn đơn vị kế thừa.")
                % {"unit": unit.name, "day": _fmt(unit.ended_on)},
            )
    if (
        assigned_by is not None
        and lead is not None
        and changed & {"assigned_by", "lead_unit"}
        and not org_rules.is_admin(actor)
        and not assigner_reaches(assigned_by, lead)
    ):
        add(
            "lead_unit",
            _(
                "“%(assigner)s” không giao nhiệm vụ được cho “%(lead)s”: đơn vị chủ trì phải là "
                "chính đơn vị giao, một đơn vị trực thuộc, hoặc thuộc cơ quan chính quyền tương "
                "ứng của đơn vị giao."
            )
            % {"assigner": assigned_by.name, "lead": lead.name},
        )

    if lead is not None and any(u.pk == lead.pk for u in coordinating_units):
        add(
            "coordinating_units",
            _(
                "“%(unit)s” đã là đơn vị chủ trì, không thể đồng thời là đơn vị phối hợp. Hãy bỏ "
                "đơn vị này khỏi danh sách phối hợp."
            )
            % {"unit": lead.name},
        )
    if len({u.pk for u in coordinating_units}) != len(coordinating_units):
        add("coordinating_units", _("Có đơn vị phối hợp bị chọn hai lần."))
    if "coordinating_units" in changed:
        for unit in coordinating_units:
            if _ended_by(unit, today):
                add(
                    "coordinating_units",
                    _("“%(unit)s” đã kết thúc hoạt động từ ngày %(day)s.")
                    % {"unit": unit.name, "day": _fmt(unit.ended_on)},
                )

    parent: Task | None = data.get("parent")
    if parent is not None and task is not None and "parent" in changed:
        if parent.pk == task.pk:
            add("parent", _("Một nhiệm vụ không thể là nhiệm vụ cha của chính nó."))
        elif task.pk in _ancestor_ids(parent.pk):
            add(
                "parent",
                _(
                    "“%(parent)s” là nhiệm vụ con (hoặc cháu) của nhiệm vụ này nên không thể làm "
                    "nhiệm vụ cha: như vậy sẽ tạo vòng lặp."
                )
                % {"parent": parent.title[:120]},
            )

    precision = data.get("deadline_precision") or Precision.DAY
    if precision not in Precision.values:
        add("deadline", _("Độ chính xác của thời hạn không hợp lệ."))
    deadline, start = data.get("deadline"), data.get("start_on")
    if deadline is not None and start is not None and precision in Precision.values:
        end = dates.period_end(deadline, precision)
        if end < start:
            add(
                "deadline",
                _(
                    "Thời hạn “%(deadline)s” kết thúc ngày %(end)s, trước ngày bắt đầu %(start)s. "
                    "Hãy sửa thời hạn hoặc ngày bắt đầu."
                )
                % {
                    "deadline": dates.format_deadline_vi(deadline, precision),
                    "end": _fmt(end),
                    "start": _fmt(start),
                },
            )

    weight = data.get("weight")
    if weight is None or not 1 <= int(weight) <= 100:
        add("weight", _("Trọng số là một số nguyên từ 1 đến 100."))

    doc_type = data.get("output_doc_type") or ""
    if doc_type and doc_type not in {code for code, _label in type_choices()}:
        add(
            "output_doc_type",
            _("Loại văn bản “%(code)s” không có trong danh mục.") % {"code": doc_type},
        )
    issuer: Unit | None = data.get("output_issuer")
    if issuer is not None:
        if not doc_type:
            add(
                "output_issuer",
                _("Chỉ chọn đơn vị ban hành khi sản phẩm là một văn bản (hãy chọn loại văn bản)."),
            )
        elif issuer.pk not in {getattr(assigned_by, "pk", None), getattr(lead, "pk", None)}:
            add(
                "output_issuer",
                _("Văn bản sản phẩm do đơn vị chủ trì hoặc đơn vị giao ban hành."),
            )
    if errors:
        raise ValidationError(errors)


def _normalise(data: dict) -> dict:
    """Trim texts; store a deadline as the first day of its period and its end beside it."""
    out = dict(data)
    for field in ("title", "description", "output_text", "output_doc_type"):
        if field in out:
            out[field] = (out[field] or "").strip()
    precision = out.get("deadline_precision") or Precision.DAY
    out["deadline_precision"] = precision
    if out.get("deadline") is not None:
        out["deadline"] = dates.period_start(out["deadline"], precision)
    if not out.get("output_doc_type"):
        out["output_issuer"] = None
    # "Issued by the lead unit" is the default: store it as empty.
    issuer, lead = out.get("output_issuer"), out.get("lead_unit")
    if issuer is not None and lead is not None and issuer.pk == lead.pk:
        out["output_issuer"] = None
    return out


def _set_coordinators(task: Task, units: list[Unit]) -> None:
    wanted = {u.pk for u in units}
    have = set(task.coordinations.values_list("unit_id", flat=True))
    task.coordinations.filter(unit_id__in=have - wanted).delete()
    TaskCoordination.objects.bulk_create(
        [TaskCoordination(task=task, unit_id=pk) for pk in wanted - have]
    )


# --- derived progress --------------------------------------------------------------------------
def _weighted():
    """progress × weight of a subtask, a finished one counting 100 %."""
    return Case(
        When(status__in=DONE_STATUSES, then=Value(100)),
        default=F("progress"),
        output_field=IntegerField(),
    ) * F("weight")


def derived_progress(parent_id: int) -> int | None:
    """Σ(progress × weight) ÷ Σ weight over the subtasks that are not cancelled, rounded half up;
    None when there are none. One aggregate query."""
    totals = (
        Task.objects.filter(parent_id=parent_id)
        .exclude(status=TaskStatus.CANCELLED)
        .aggregate(w=Sum("weight"), s=Sum(_weighted()))
    )
    weight, total = totals["w"], totals["s"]
    if not weight:
        return None
    return (2 * int(total) + int(weight)) // (2 * int(weight))


def recompute_progress_up(parent_id: int | None) -> None:
    """Store the derived progress of `parent_id` and of every task above it."""
    for task_id in _ancestor_ids(parent_id):
        value = derived_progress(task_id)
        if value is None:
            continue
        # A finished parent stays at 100 %; it still counts as finished one level up.
        Task.objects.filter(pk=task_id).exclude(status__in=DONE_STATUSES).update(progress=value)


def has_subtasks(task: Task) -> bool:
    return Task.objects.filter(parent_id=task.pk).exists()


# --- assigning ---------------------------------------------------------------------------------
@transaction.atomic
def task_create(
    *,
    actor,
    title: str,
    assigned_by: Unit,
    lead_unit: Unit,
    description: str = "",
    parent: Task | None = None,
    programme: Programme | None = None,
    assigning_document: Document | None = None,
    coordinating_units=(),
    output_text: str = "",
    output_doc_type: str = "",
    output_issuer: Unit | None = None,
    start_on: dt.date | None = None,
    deadline: dt.date | None = None,
    deadline_precision: str = Precision.DAY,
    weight: int = 1,
    today: dt.date | None = None,
) -> Task:
    """Assign a task. Refused (all reasons at once) when the assigner may not reach the lead
    unit, the deadline ends before the start, the lead unit also coordinates, and so on.
    `today` is the day of the assignment (work of 2020 recorded later gives its 2020 date: the
    units had not ended then)."""
    data = _normalise(
        {
            "title": title,
            "description": description,
            "parent": parent,
            "programme": programme,
            "assigned_by": assigned_by,
            "assigning_document": assigning_document,
            "lead_unit": lead_unit,
            "output_text": output_text,
            "output_doc_type": output_doc_type,
            "output_issuer": output_issuer,
            "start_on": start_on,
            "deadline": deadline,
            "deadline_precision": deadline_precision,
            "weight": weight,
        }
    )
    coordinators = list(coordinating_units or [])
    _check(
        actor=actor,
        task=None,
        data=data,
        coordinating_units=coordinators,
        changed=set(data) | {"coordinating_units"},
        today=today,
    )
    task = Task(**data, created_by=_user(actor))
    task.save()
    _set_coordinators(task, coordinators)
    recompute_progress_up(task.parent_id)
    audit_record(
        actor=actor,
        obj=task,
        action=AuditEntry.Action.CREATE,
        changes=diff({}, _snapshot(task)),
    )
    return task


@transaction.atomic
def task_update(*, actor, task: Task, revision: int, coordinating_units=None, **changes) -> Task:
    """Change the assignment. `revision` is the one the user saw: if someone saved the task in
    between, a `StaleTask` error is raised and nothing is written."""
    unknown = set(changes) - set(ASSIGNMENT_FIELDS)
    if unknown:
        raise ValueError(f"task_update cannot change {sorted(unknown)}")
    stored = Task.objects.select_related("assigned_by", "lead_unit").get(pk=task.pk)
    if stored.revision != revision:
        raise _stale(stored.pk)
    before = _snapshot(stored)
    current = {field: getattr(stored, field) for field in ASSIGNMENT_FIELDS}
    data = _normalise({**current, **changes})
    old_coordinators = list(stored.coordinating_units.all())
    coordinators = old_coordinators if coordinating_units is None else list(coordinating_units)
    changed = {f for f in ASSIGNMENT_FIELDS if data[f] != current[f]}
    if {u.pk for u in coordinators} != {u.pk for u in old_coordinators}:
        changed.add("coordinating_units")
    _check(actor=actor, task=stored, data=data, coordinating_units=coordinators, changed=changed)

    values = {field: data[field] for field in ASSIGNMENT_FIELDS}
    values["deadline_end"] = (
        dates.period_end(data["deadline"], data["deadline_precision"]) if data["deadline"] else None
    )
    if stored.status in DONE_STATUSES and stored.completed_on is not None:
        # A corrected deadline decides again whether the finished task was late.
        late = values["deadline_end"] is not None and stored.completed_on > values["deadline_end"]
        values["status"] = TaskStatus.DONE_LATE if late else TaskStatus.DONE
    values["updated_at"] = timezone.now()
    # The claim: only the revision the user saw may be replaced.
    claimed = Task.objects.filter(pk=stored.pk, revision=revision).update(
        **values, revision=F("revision") + 1
    )
    if not claimed:
        raise _stale(stored.pk)
    updated = Task.objects.get(pk=stored.pk)
    # The claimed revision is the one read into `stored`: its key is the row's old key.
    tallies.task_changed(tallies.key_of(stored), tallies.key_of(updated))
    _set_coordinators(updated, coordinators)
    if "parent" in changed or "weight" in changed:
        recompute_progress_up(current["parent"].pk if current["parent"] else None)
        recompute_progress_up(updated.parent_id)
    changes_done = diff(before, _snapshot(updated))
    if changes_done:
        audit_record(
            actor=actor, obj=updated, action=AuditEntry.Action.UPDATE, changes=changes_done
        )
    return updated


# --- reporting ---------------------------------------------------------------------------------
@transaction.atomic
def task_report_progress(
    *,
    actor,
    task: Task,
    revision: int,
    status: str,
    progress: int | None = None,
    reason: str = "",
    new_deadline: dt.date | None = None,
    new_deadline_precision: str | None = None,
    completed_on: dt.date | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Task:
    """Report progress and status. Done after the end of the deadline's period becomes "done
    late"; postponing needs a reason and a later deadline (the old one stays in the history);
    the progress of a task with subtasks is derived from them, not typed."""
    today = today or timezone.localdate()
    stored = Task.objects.get(pk=task.pk)
    if stored.revision != revision:
        raise _stale(stored.pk)
    before = _snapshot(stored)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if status == TaskStatus.DONE_LATE:
        status = TaskStatus.DONE  # lateness is computed, not chosen
    if status not in TaskStatus.values:
        add("status", _("Hãy chọn trạng thái của nhiệm vụ."))
    reason = (reason or "").strip()
    note = (note or "").strip()

    values: dict = {"status": status}
    children = Task.objects.filter(parent_id=stored.pk).count()
    if progress is not None:
        if progress > 100:
            add(
                "progress",
                _("Tiến độ %(value)s%% vượt quá 100%%. Hãy nhập một số từ 0 đến 100.")
                % {"value": progress},
            )
        elif progress < 0:
            add("progress", _("Tiến độ không được âm. Hãy nhập một số từ 0 đến 100."))
        elif children and progress != stored.progress:
            add(
                "progress",
                _(
                    "Nhiệm vụ này có %(n)d nhiệm vụ con: tiến độ được tính từ các nhiệm vụ con "
                    "theo trọng số, không nhập trực tiếp. Hãy cập nhật tiến độ các nhiệm vụ con."
                )
                % {"n": children},
            )
        elif not children:
            values["progress"] = progress
    new_progress = values.get("progress", stored.progress)

    if status == TaskStatus.NOT_STARTED and new_progress > 0:
        status = values["status"] = TaskStatus.IN_PROGRESS

    if status == TaskStatus.POSTPONED:
        if not reason and not (stored.status == TaskStatus.POSTPONED and stored.postponed_reason):
            add("reason", _("Hãy nêu lý do tạm hoãn hoặc lùi thời hạn."))
        if reason:
            values["postponed_reason"] = reason
        if new_deadline is None and stored.status != TaskStatus.POSTPONED:
            add("new_deadline", _("Hãy nhập thời hạn mới khi lùi thời hạn."))
        if new_deadline is not None:
            precision = new_deadline_precision or Precision.DAY
            new_end = dates.period_end(new_deadline, precision)
            if stored.deadline_end is not None and new_end <= stored.deadline_end:
                add(
                    "new_deadline",
                    _(
                        "Thời hạn mới “%(new)s” phải sau thời hạn cũ “%(old)s” (kết thúc ngày "
                        "%(end)s)."
                    )
                    % {
                        "new": dates.format_deadline_vi(new_deadline, precision),
                        "old": stored.deadline_text,
                        "end": _fmt(stored.deadline_end),
                    },
                )
            elif stored.start_on is not None and new_end < stored.start_on:
                add(
                    "new_deadline",
                    _("Thời hạn mới kết thúc trước ngày bắt đầu %(start)s.")
                    % {"start": _fmt(stored.start_on)},
                )
            values["deadline"] = dates.period_start(new_deadline, precision)
            values["deadline_precision"] = precision
            values["deadline_end"] = new_end
    elif reason:
        add("reason", _("Lý do chỉ ghi khi tạm hoãn, lùi thời hạn."))
    elif new_deadline is not None:
        add(
            "new_deadline",
            _("Chỉ nhập thời hạn mới khi chọn trạng thái “Tạm hoãn, lùi thời hạn”."),
        )

    if status == TaskStatus.DONE:
        finished = completed_on or today
        if finished > today:
            add("completed_on", _("Ngày hoàn thành không thể ở tương lai."))
        elif stored.start_on is not None and finished < stored.start_on:
            add(
                "completed_on",
                _("Ngày hoàn thành %(day)s trước ngày bắt đầu %(start)s.")
                % {"day": _fmt(finished), "start": _fmt(stored.start_on)},
            )
        late = stored.deadline_end is not None and finished > stored.deadline_end
        values["status"] = TaskStatus.DONE_LATE if late else TaskStatus.DONE
        values["completed_on"] = finished
        values["progress"] = 100
    elif completed_on is not None:
        add("completed_on", _("Chỉ nhập ngày hoàn thành khi chọn trạng thái “Hoàn thành”."))
    elif status in OPEN_STATUSES:
        values["completed_on"] = None
    if status == TaskStatus.CANCELLED and not note and stored.status != TaskStatus.CANCELLED:
        add("note", _("Hãy ghi lý do hủy nhiệm vụ."))
    if status != TaskStatus.POSTPONED and stored.status == TaskStatus.POSTPONED:
        values["postponed_reason"] = ""
    if errors:
        raise ValidationError(errors)

    values["updated_at"] = timezone.now()
    claimed = Task.objects.filter(pk=stored.pk, revision=revision).update(
        **values, revision=F("revision") + 1
    )
    if not claimed:
        raise _stale(stored.pk)
    updated = Task.objects.get(pk=stored.pk)
    # The claimed revision is the one read into `stored`: its key is the row's old key.
    tallies.task_changed(tallies.key_of(stored), tallies.key_of(updated))
    recompute_progress_up(updated.parent_id)
    changes = diff(before, _snapshot(updated))
    if changes or note:
        audit_record(
            actor=actor,
            obj=updated,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
            note=note,
        )
    return updated


# --- comments and evidence ---------------------------------------------------------------------
def _check_evidence(uploaded) -> tuple[str, str, bytes]:
    """(clean name, stored extension, bytes) of an evidence file, or a specific refusal."""
    name = document_files.clean_name(getattr(uploaded, "name", ""))
    limit = evidence_limit()
    size = getattr(uploaded, "size", None)
    too_large = ValidationError(
        {
            "evidence": _(
                "Tệp “%(name)s” có dung lượng %(size)s MB, vượt quá giới hạn %(limit)s MB. Hãy "
                "giảm dung lượng (ảnh chụp nhỏ hơn, PDF chất lượng thấp hơn) hoặc tách tệp."
            )
            % {
                "name": name,
                "size": f"{(size or 0) / (1024 * 1024):.1f}".replace(".", ","),
                "limit": f"{limit / (1024 * 1024):g}".replace(".", ","),
            }
        }
    )
    if size is not None and size > limit:
        raise too_large
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise too_large
    if not data:
        raise ValidationError({"evidence": _("Tệp “%(name)s” rỗng (0 byte).") % {"name": name}})
    kind = document_files._sniff(data)
    if kind not in EVIDENCE_KINDS:
        raise ValidationError(
            {
                "evidence": _(
                    "Tệp “%(name)s” là %(what)s: không nhận loại tệp này làm minh chứng. Chỉ nhận "
                    "PDF, Word (.docx), Excel (.xlsx) hoặc ảnh PNG, JPEG."
                )
                % {"name": name, "what": document_files._what_is(kind)}
            }
        )
    dot = name.rfind(".")
    extension = name[dot:].lower() if dot > 0 else ""
    if EVIDENCE_EXTENSIONS.get(extension) != kind:
        raise ValidationError(
            {
                "evidence": _(
                    "Tệp “%(name)s” có đuôi “%(ext)s” nhưng thực chất là %(what)s. Hãy kiểm tra "
                    "lại tệp, hoặc đổi đuôi tệp cho đúng rồi tải lên lại."
                )
                % {
                    "name": name,
                    "ext": extension or _("(không có đuôi)"),
                    "what": document_files._what_is(kind),
                }
            }
        )
    return name, EVIDENCE_KINDS[kind], data


@transaction.atomic
def task_comment(*, actor, task: Task, text: str, evidence=None) -> TaskComment:
    """Add a comment, optionally with an evidence file (PDF, DOCX, XLSX, PNG or JPEG)."""
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = [_("Hãy nhập nội dung ý kiến (ví dụ: kết quả đã làm, tệp gửi kèm).")]
    checked = None
    if evidence is not None:
        try:
            checked = _check_evidence(evidence)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    comment = TaskComment(task=task, author=_user(actor), text=text)
    if checked is not None:
        name, extension, data = checked
        digest = hashlib.sha256(data).hexdigest()
        # The stored name is the content's hash: no clerk's file name reaches the file system.
        comment.evidence.save(f"{digest[:32]}.{extension}", ContentFile(data), save=False)
        comment.evidence_name = name
    comment.save()
    note = _("Ý kiến: %(text)s") % {"text": text[:300]}
    if checked is not None:
        note += " · " + _("Tệp minh chứng: %(name)s") % {"name": checked[0]}
    audit_record(actor=actor, obj=task, action=AuditEntry.Action.UPDATE, note=note)
    return comment


# --- the output closes the task ----------------------------------------------------------------
def tasks_closed_by(document: Document):
    """The open tasks whose expected output `document` is: the same document type, issued by
    the unit meant to issue it (the lead unit unless another is named), and — when the task
    has an assigning document and the new one already records what it implements or is based
    on — carrying out that assigning document."""
    if document.issuer_unit_id is None or not document.doc_type:
        return Task.objects.none()
    issuer = document.issuer_unit_id
    candidates = Task.objects.filter(
        Q(output_issuer_id=issuer) | Q(output_issuer__isnull=True, lead_unit_id=issuer),
        status__in=OPEN_STATUSES,
        output_doc_type=document.doc_type,
    )
    carried_out = list(
        DocumentRelation.objects.filter(
            source=document, kind__in=[RelationKind.IMPLEMENTS, RelationKind.BASED_ON]
        ).values_list("target_id", flat=True)
    )
    if carried_out:
        candidates = candidates.filter(
            Q(assigning_document__isnull=True) | Q(assigning_document_id__in=carried_out)
        )
    return candidates


@transaction.atomic
def task_close_by_document(*, document: Document) -> list[Task]:
    """Close every open task whose output `document` is: done, or done late when the issue date
    falls after the end of the deadline's period. Recorded with no actor and a note."""
    closed: list[Task] = []
    issued_on = document.issued_on or timezone.localdate()
    for task in tasks_closed_by(document).order_by("id"):
        before = _snapshot(task)
        late = task.deadline_end is not None and issued_on > task.deadline_end
        status = TaskStatus.DONE_LATE if late else TaskStatus.DONE
        claimed = Task.objects.filter(pk=task.pk, status__in=OPEN_STATUSES).update(
            status=status,
            progress=100,
            completed_on=issued_on,
            output_document=document,
            postponed_reason="",
            updated_at=timezone.now(),
            revision=F("revision") + 1,
        )
        if not claimed:
            continue
        updated = Task.objects.get(pk=task.pk)
        tallies.task_changed(tallies.key_of(task), tallies.key_of(updated))
        recompute_progress_up(updated.parent_id)
        audit_record(
            actor=None,
            obj=updated,
            action=AuditEntry.Action.UPDATE,
            changes=diff(before, _snapshot(updated)),
            note=(
                f"Tự động hoàn thành: đã ban hành văn bản sản phẩm "
                f"{document.number_text or document.summary[:80]} ngày {_fmt(issued_on)}"
            ),
        )
        closed.append(updated)
    return closed


def is_closed(task: Task) -> bool:
    return task.status in CLOSED_STATUSES
