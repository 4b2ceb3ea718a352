"""Import: a package applied through the same services as the pages, all or nothing.

The dry run and the apply are one code path: every record is matched and written inside one
transaction, each in its own savepoint so one refusal does not hide the next; the dry run (or
any refusal) rolls the whole transaction back. So the preview shows exactly what the apply will
do, with the services' own checks and permission rules, and nothing is half applied.

Matching, in order: a key an earlier import recorded, one of this deployment's own keys, then
the natural key a person would use (a document's number in its series; a programme's title
under its document and unit; a task's title under its assigner, lead unit and document). Units
are never created: each must be found in the tree (by source key, name and ancestors, or code).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.audit.services import diff, snapshot
from trienkhai.documents import numbering
from trienkhai.documents import rules as document_rules
from trienkhai.documents import services as documents
from trienkhai.documents.models import Document, DocumentRelation
from trienkhai.lib.text import fold
from trienkhai.org.models import Unit
from trienkhai.plans import compliance, programmes, requirements, rules, tasks
from trienkhai.plans import indicators as indicator_services
from trienkhai.plans.models import (
    Indicator,
    Measurement,
    Programme,
    Requirement,
    Task,
    TaskStatus,
)

from .keys import KeyMap, origin

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"

# What a package may change on a matched row: the fields the update services accept (an
# indicator keeps its programme, document and place in the list).
PROGRAMME_FIELDS = programmes.PROGRAMME_FIELDS
INDICATOR_FIELDS = [
    f for f in indicator_services.INDICATOR_FIELDS if f not in ("programme", "document", "position")
]
TASK_FIELDS = tasks.ASSIGNMENT_FIELDS
STATUS_FIELDS = ["status", "progress", "completed_on", "postponed_reason"]


@dataclass
class Change:
    section: str
    row: int
    label: str
    action: str
    changes: dict = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "section": self.section,
            "row": self.row,
            "label": self.label,
            "action": self.action,
            "changes": self.changes,
            "messages": [str(m) for m in self.messages],
        }


@dataclass
class Outcome:
    changes: list[Change]
    applied: bool
    compliance: dict

    @property
    def errors(self) -> list[Change]:
        return [c for c in self.changes if c.action == ERROR]

    def counts(self) -> dict:
        out: dict = {}
        for change in self.changes:
            bucket = out.setdefault(change.section, {CREATE: 0, UPDATE: 0, UNCHANGED: 0, ERROR: 0})
            bucket[change.action] += 1
        return out

    def digest(self) -> str:
        """What the preview promised: the apply refuses if the same file would now do otherwise."""
        body = [(c.section, c.row, c.action, c.changes) for c in self.changes]
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()

    def as_dict(self) -> dict:
        return {
            "applied": self.applied,
            "counts": self.counts(),
            "errors": len(self.errors),
            "compliance": self.compliance,
            "changes": [c.as_dict() for c in self.changes if c.action != UNCHANGED],
        }


class _Refused(Exception):
    """A record the services refused; its messages go to the preview."""

    def __init__(self, messages):
        super().__init__(messages[0] if messages else "")
        self.messages = messages


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [str(m) for messages in error.message_dict.values() for m in messages]
    return [str(m) for m in error.messages]


def run(*, actor, package: dict, apply: bool, today: dt.date | None = None) -> Outcome:
    """Match and write `package` (already checked by format.check); keep the writes only when
    `apply` and nothing was refused."""
    today = today or timezone.localdate()
    with transaction.atomic():
        importer = _Importer(actor, package, today)
        importer.run()
        outcome = Outcome(
            changes=importer.changes,
            applied=False,
            compliance=importer.compliance_check(),
        )
        if apply and not outcome.errors:
            outcome.applied = True
        else:
            transaction.set_rollback(True)
    return outcome


class _Importer:
    def __init__(self, actor, package: dict, today: dt.date):
        self.actor = actor
        self.package = package
        self.today = today
        self.origin = origin()
        self.keys = KeyMap(package, self.origin)
        self.changes: list[Change] = []
        self.local: dict[str, dict[str, object]] = {}  # section → key → model instance
        self.failed: dict[str, set[str]] = {}
        self.units: dict[str, Unit] = {}

    # --- bookkeeping -------------------------------------------------------------------------
    def record(self, section, row, label, action, changes=None, messages=()):
        change = Change(section, row, str(label)[:300], action, changes or {}, list(messages))
        self.changes.append(change)
        return change

    def fail(self, section: str, row: dict, label, messages) -> None:
        self.record(section, row["_row"], label, ERROR, messages=messages)
        if row.get("key"):
            self.failed.setdefault(section, set()).add(row["key"])

    def ref(self, section: str, key: str | None, what):
        """The local row a key of the file names (None when the key is empty); _Refused when
        the record it names is missing from the file or could not be imported."""
        if not key:
            return None
        if section == "units":
            unit = self.units.get(key)
            if unit is None:
                raise _Refused(
                    [
                        _("%(what)s: đơn vị “%(key)s” không tìm được.")
                        % {"what": what, "key": key[:60]}
                    ]
                )
            return unit
        found = self.local.get(section, {}).get(key)
        if found is None:
            if key in self.failed.get(section, set()):
                message = _("%(what)s: phụ thuộc vào một dòng bị lỗi (%(key)s).")
            else:
                message = _("%(what)s: mã “%(key)s” không có trong gói.")
            raise _Refused([message % {"what": what, "key": key[:60]}])
        return found

    def write(self, section: str, row: dict, label, work) -> None:
        """Run one record's writes in a savepoint; a refusal is recorded, not raised."""
        try:
            with transaction.atomic():
                work()
        except _Refused as refused:
            self.fail(section, row, label, refused.messages)
        except ValidationError as error:
            self.fail(section, row, label, _messages(error))

    def matched(self, section: str, kind: str, row: dict, obj) -> None:
        self.local.setdefault(section, {})[row["key"]] = obj
        self.keys.remember(row["key"], kind, obj.pk)

    def by_key(self, kind: str, row: dict, queryset):
        object_id = self.keys.local_id(row["key"], kind)
        return queryset.filter(pk=object_id).first() if object_id is not None else None

    # --- the run -----------------------------------------------------------------------------
    def run(self) -> None:
        for row in self.package.get("units", []):
            self.unit(row)
        for section in ("documents", "relations", "programmes", "indicators", "measurements"):
            for row in self.package.get(section, []):
                getattr(self, section[:-1])(row)
        for row in self.package.get("tasks", []):
            self.task(row)
        for row in self.package.get("requirements", []):
            self.requirement(row)

    # --- units: found, never made --------------------------------------------------------------
    def unit(self, row: dict) -> None:
        label = row["name"]
        candidates = Unit.objects.none()
        object_id = self.keys.local_id(row["key"], "unit")
        if object_id is not None:
            candidates = Unit.objects.filter(pk=object_id)
        if not candidates and row.get("source_key"):
            candidates = Unit.objects.filter(source_key=row["source_key"])
        if not candidates:
            candidates = self._units_by_name(row)
        if not candidates and row.get("official_code"):
            candidates = Unit.objects.filter(official_code=row["official_code"], kind=row["kind"])
        found = list(candidates[:3])
        if len(found) > 1:
            active = [u for u in found if u.ended_on is None]
            found = active if len(active) == 1 else found
        if len(found) != 1:
            where = " › ".join([*row.get("path", []), row["name"]])
            message = (
                _("Không tìm thấy đơn vị “%(path)s” trong cây tổ chức. Hãy thêm đơn vị này trước.")
                if not found
                else _(
                    "Có nhiều đơn vị “%(path)s”; hãy ghi khóa nguồn hoặc mã chính thức để phân biệt."
                )
            )
            self.fail("units", row, label, [message % {"path": where}])
            return
        # Naming a unit needs no right on it (a resolution's issuer is above the reader); the
        # services refuse what the actor may not write for it.
        unit = found[0]
        self.units[row["key"]] = unit
        self.keys.remember(row["key"], "unit", unit.pk)
        self.record("units", row["_row"], label, UNCHANGED)

    def _units_by_name(self, row: dict):
        same = list(Unit.objects.filter(name_folded=fold(row["name"]), kind=row["kind"])[:50])
        path = [fold(name) for name in row.get("path") or []]
        if not path:
            return same
        step = Unit.steplen
        prefixes = {u.path[:end] for u in same for end in range(step, len(u.path), step)}
        names = dict(Unit.objects.filter(path__in=prefixes).values_list("path", "name_folded"))
        keep = [
            u.pk
            for u in same
            if [names.get(u.path[:end]) for end in range(step, len(u.path), step)][-len(path) :]
            == path
        ]
        return Unit.objects.filter(pk__in=keep)

    # --- documents -----------------------------------------------------------------------------
    def document(self, row: dict) -> None:
        label = f"{row['number_text']} — {row['summary'][:120]}"

        def work():
            owner = self.ref("units", row["owner_unit"], _("Sổ đăng ký"))
            issuer = self.ref("units", row["issuer_unit"], _("Đơn vị ban hành"))
            visible = document_rules.filter_documents(self.actor, Document.objects.all())
            found = self.by_key("document", row, visible) or self._same_number(row, issuer)
            if found is not None:
                self.matched("documents", "document", row, found)
                self.record("documents", row["_row"], label, UNCHANGED)
                return
            messages = []
            if not document_rules.can_register_in(self.actor, owner):
                # A superior's document the actor only reads (a province's resolution in a city's
                # package) goes into the register of the package's own document, as a reference.
                fallback = self._scope_owner()
                if fallback is None or not document_rules.can_register_in(self.actor, fallback):
                    raise _Refused(
                        [
                            _("Bạn không có quyền vào sổ văn bản của %(unit)s.")
                            % {"unit": owner.name}
                        ]
                    )
                messages.append(
                    _("Vào sổ của %(unit)s (bạn không có quyền với sổ của %(owner)s).")
                    % {"unit": fallback.name, "owner": owner.name}
                )
                owner = fallback
            created = documents.document_register(
                actor=self.actor,
                owner_unit=owner,
                number_text=row["number_text"],
                issued_on=row["issued_on"],
                summary=row["summary"],
                issuer_unit=issuer,
                issuer_name=row["issuer_name"],
                signer_name=row["signer_name"],
                signer_title=row["signer_title"],
                doc_type=row["doc_type"] or "",
                status=row["status"] or "issued",
            )
            self.matched("documents", "document", row, created)
            self.record("documents", row["_row"], label, CREATE, messages=messages)

        self.write("documents", row, label, work)

    def _scope_owner(self) -> Unit | None:
        """The unit whose register holds the package's own document (its scope)."""
        for row in self.package.get("documents", []):
            if row["key"] == self.package.get("scope"):
                return self.units.get(row["owner_unit"])
        return None

    def _same_number(self, row: dict, issuer: Unit | None) -> Document | None:
        try:
            parsed = numbering.parse(row["number_text"])
        except numbering.NumberError:
            return None
        issued_on = row["issued_on"]
        return documents.find_duplicate(
            system=parsed.system,
            issuer_unit=issuer,
            issuer_name=row["issuer_name"],
            issuer_code=parsed.issuer,
            doc_type=parsed.type or row["doc_type"] or "CV",
            number=parsed.number,
            year=parsed.year,
            term=documents.term_for(issuer, issued_on)
            if parsed.system == numbering.PARTY
            else None,
            issued_on=issued_on,
        )

    def relation(self, row: dict) -> None:
        label = f"{row['source'][-20:]} {row['kind']} {row['target'][-20:]}"

        def work():
            source = self.ref("documents", row["source"], _("Văn bản"))
            target = self.ref("documents", row["target"], _("Văn bản được liên kết"))
            shown = f"{source.number_text} → {target.number_text}"
            if DocumentRelation.objects.filter(
                source=source, target=target, kind=row["kind"]
            ).exists():
                self.record("relations", row["_row"], shown, UNCHANGED)
                return
            if not document_rules.can_edit(self.actor, source):
                raise _Refused(
                    [
                        _("Bạn không có quyền ghi quan hệ cho văn bản %(doc)s.")
                        % {"doc": source.number_text}
                    ]
                )
            documents.relation_add(
                actor=self.actor, source=source, target=target, kind=row["kind"], note=row["note"]
            )
            self.record("relations", row["_row"], shown, CREATE)

        self.write("relations", row, label, work)

    # --- programmes and indicators -------------------------------------------------------------
    def programme(self, row: dict) -> None:
        label = row["title"]

        def work():
            values = {
                "document": self.ref("documents", row["document"], _("Văn bản")),
                "programme_document": self.ref(
                    "documents", row["programme_document"], _("Văn bản chương trình")
                ),
                "title": row["title"],
                "field": row["field"],
                "owner_unit": self.ref("units", row["owner_unit"], _("Đơn vị chủ trì")),
                "start_year": row["start_year"],
                "end_year": row["end_year"],
                "description": row["description"],
            }
            visible = rules.filter_programmes(self.actor, Programme.objects.all())
            found = self.by_key("programme", row, visible) or _same_title(
                visible.filter(document=values["document"], owner_unit=values["owner_unit"]),
                "title",
                row["title"],
            )
            if found is None:
                created = programmes.programme_create(
                    actor=self.actor, today=self._day(row), **values
                )
                self.matched("programmes", "programme", row, created)
                self.record("programmes", row["_row"], label, CREATE)
                return
            self.matched("programmes", "programme", row, found)
            changed = _changed(found, values, PROGRAMME_FIELDS)
            if not changed:
                self.record("programmes", row["_row"], label, UNCHANGED)
                return
            before = snapshot(found, PROGRAMME_FIELDS)
            updated = programmes.programme_update(actor=self.actor, programme=found, **changed)
            self.local["programmes"][row["key"]] = updated
            self.record(
                "programmes",
                row["_row"],
                label,
                UPDATE,
                diff(before, snapshot(updated, PROGRAMME_FIELDS)),
            )

        self.write("programmes", row, label, work)

    def indicator(self, row: dict) -> None:
        label = row["name"]

        def work():
            programme = self.ref("programmes", row["programme"], _("Chương trình"))
            document = self.ref("documents", row["document"], _("Văn bản"))
            values = {
                "unit": self.ref("units", row["unit"], _("Đơn vị")),
                "name": row["name"],
                "measure_unit": row["measure_unit"],
                "direction": row["direction"],
                "baseline_value": row["baseline_value"],
                "baseline_year": row["baseline_year"],
                "target_value": row["target_value"],
                "target_date": row["target_date"],
                "target_precision": row["target_precision"] or "year",
                "by_subunits": row["by_subunits"],
                "rollup": row["rollup"] or "sum",
            }
            visible = rules.filter_indicators(self.actor, Indicator.objects.all())
            scope = visible.filter(unit=values["unit"])
            scope = (
                scope.filter(programme=programme)
                if programme
                else scope.filter(document=document, programme=None)
            )
            found = self.by_key("indicator", row, visible) or _same_title(
                scope, "name", row["name"]
            )
            if found is None:
                created = indicator_services.indicator_create(
                    actor=self.actor,
                    programme=programme,
                    document=document,
                    position=row["position"],
                    today=self._day(row),
                    **values,
                )
                self.matched("indicators", "indicator", row, created)
                self.record("indicators", row["_row"], label, CREATE)
                return
            self.matched("indicators", "indicator", row, found)
            changed = _changed(found, values, INDICATOR_FIELDS)
            if not changed:
                self.record("indicators", row["_row"], label, UNCHANGED)
                return
            before = snapshot(found, INDICATOR_FIELDS)
            updated = indicator_services.indicator_update(
                actor=self.actor, indicator=found, **changed
            )
            self.local["indicators"][row["key"]] = updated
            self.record(
                "indicators",
                row["_row"],
                label,
                UPDATE,
                diff(before, snapshot(updated, INDICATOR_FIELDS)),
            )

        self.write("indicators", row, label, work)

    def measurement(self, row: dict) -> None:
        label = f"{row['indicator'][-24:]} · {row['measured_on']}"

        def work():
            indicator = self.ref("indicators", row["indicator"], _("Chỉ tiêu"))
            unit = self.ref("units", row["unit"], _("Đơn vị"))
            shown = f"{indicator.name} · {unit.name} · {row['measured_on']:%d/%m/%Y}"
            latest = (
                Measurement.objects.filter(
                    indicator=indicator, unit=unit, measured_on=row["measured_on"]
                )
                .order_by("-entered_at", "-pk")
                .first()
            )
            if latest is not None and latest.value == row["value"]:
                self.record("measurements", row["_row"], shown, UNCHANGED)
                return
            indicator_services.measurement_add(
                actor=self.actor,
                indicator=indicator,
                unit=unit,
                value=row["value"],
                measured_on=row["measured_on"],
                source=row["source"],
            )
            if latest is None:
                self.record("measurements", row["_row"], shown, CREATE)
            else:
                self.record(
                    "measurements",
                    row["_row"],
                    shown,
                    UPDATE,
                    {"value": [str(latest.value), str(row["value"])]},
                )

        self.write("measurements", row, label, work)

    # --- tasks ---------------------------------------------------------------------------------
    def task(self, row: dict) -> None:
        label = row["title"]

        def work():
            values = {
                "title": row["title"],
                "description": row["description"],
                "parent": self.ref("tasks", row["parent"], _("Nhiệm vụ cha")),
                "programme": self.ref("programmes", row["programme"], _("Chương trình")),
                "assigned_by": self.ref("units", row["assigned_by"], _("Đơn vị giao")),
                "assigning_document": self.ref(
                    "documents", row["assigning_document"], _("Văn bản giao")
                ),
                "lead_unit": self.ref("units", row["lead_unit"], _("Đơn vị chủ trì")),
                "output_text": row["output_text"],
                "output_doc_type": row["output_doc_type"],
                "output_issuer": self.ref(
                    "units", row["output_issuer"], _("Đơn vị ban hành sản phẩm")
                ),
                "start_on": row["start_on"],
                "deadline": row["deadline"],
                "deadline_precision": row["deadline_precision"] or "day",
                "weight": row["weight"] or 1,
            }
            coordinators = [
                self.ref("units", k, _("Đơn vị phối hợp")) for k in row["coordinating_units"]
            ]
            visible = rules.filter_tasks(self.actor, Task.objects.all())
            scope = visible.filter(
                assigned_by=values["assigned_by"],
                lead_unit=values["lead_unit"],
                assigning_document=values["assigning_document"],
                parent=values["parent"],
            )
            found = self.by_key("task", row, visible) or _same_title(scope, "title", row["title"])
            postponed = row["status"] == TaskStatus.POSTPONED
            if found is None:
                if postponed:
                    # The original deadline is not in the file: the task is set without one and
                    # the postponement gives it the file's deadline (as the history would).
                    values["deadline"] = None
                task = tasks.task_create(
                    actor=self.actor,
                    coordinating_units=coordinators,
                    today=self._day(row),
                    **values,
                )
                task = self._status(task, row)
                self.matched("tasks", "task", row, task)
                self.record("tasks", row["_row"], label, CREATE)
                return
            self.matched("tasks", "task", row, found)
            before = snapshot(found, TASK_FIELDS + STATUS_FIELDS)
            before["coordinating_units"] = sorted(u.name for u in found.coordinating_units.all())
            if postponed and found.status != TaskStatus.POSTPONED:
                values.pop("deadline")
                values.pop("deadline_precision")
            changed = _changed(found, values, TASK_FIELDS)
            if {u.pk for u in coordinators} != {u.pk for u in found.coordinating_units.all()}:
                changed["coordinating_units"] = coordinators
            task = found
            if changed:
                task = tasks.task_update(
                    actor=self.actor, task=task, revision=task.revision, **changed
                )
            task = self._status(task, row)
            after = snapshot(task, TASK_FIELDS + STATUS_FIELDS)
            after["coordinating_units"] = sorted(u.name for u in task.coordinating_units.all())
            changes = diff(before, after)
            self.local["tasks"][row["key"]] = task
            self.record("tasks", row["_row"], label, UPDATE if changes else UNCHANGED, changes)

        self.write("tasks", row, label, work)

    def _status(self, task: Task, row: dict) -> Task:
        """Bring status, progress and completion to the file's, through the progress report."""
        wanted = row["status"] or TaskStatus.NOT_STARTED
        done = wanted in (TaskStatus.DONE, TaskStatus.DONE_LATE)
        same = (
            task.status == wanted
            and (row["progress"] is None or task.progress == row["progress"])
            and (not done or task.completed_on == row["completed_on"])
            and (wanted != TaskStatus.POSTPONED or task.deadline == row["deadline"])
        )
        if same:
            return task
        postponing = wanted == TaskStatus.POSTPONED and (
            task.status != TaskStatus.POSTPONED or task.deadline != row["deadline"]
        )
        return tasks.task_report_progress(
            actor=self.actor,
            task=task,
            revision=task.revision,
            status=TaskStatus.DONE if done else wanted,
            progress=None if tasks.has_subtasks(task) or done else row["progress"],
            reason=row["postponed_reason"] if wanted == TaskStatus.POSTPONED else "",
            new_deadline=row["deadline"] if postponing else None,
            new_deadline_precision=row["deadline_precision"] if postponing else None,
            completed_on=row["completed_on"] if done else None,
            note=_("Cập nhật từ gói dữ liệu"),
            today=self.today,
        )

    # --- requirements and what they find -------------------------------------------------------
    def requirement(self, row: dict) -> None:
        label = row["title"]

        def work():
            set_by = self.ref("units", row["set_by"], _("Đơn vị yêu cầu"))
            implements = self.ref("documents", row["implements"], _("Thực hiện văn bản"))
            visible = rules.filter_requirements(self.actor, Requirement.objects.all())
            scope = visible.filter(set_by=set_by, implements=implements, doc_type=row["doc_type"])
            found = self.by_key("requirement", row, visible) or _same_title(
                scope, "title", row["title"]
            )
            if found is None:
                created = requirements.requirement_create(
                    actor=self.actor,
                    title=row["title"],
                    set_by=set_by,
                    unit_kinds=row["unit_kinds"],
                    doc_type=row["doc_type"],
                    due_on=row["due_on"],
                    parent_unit=self.ref("units", row["parent_unit"], _("Áp dụng trong")),
                    implements=implements,
                    today=self._day(row),
                )
                self.matched("requirements", "requirement", row, created)
                self.record(
                    "requirements",
                    row["_row"],
                    label,
                    CREATE,
                    messages=self._target_note(created, row),
                )
                return
            self.matched("requirements", "requirement", row, found)
            if found.title == row["title"] and found.due_on == row["due_on"]:
                self.record("requirements", row["_row"], label, UNCHANGED)
                return
            before = snapshot(found, ["title", "due_on"])
            updated = requirements.requirement_update(
                actor=self.actor, requirement=found, title=row["title"], due_on=row["due_on"]
            )
            self.record(
                "requirements",
                row["_row"],
                label,
                UPDATE,
                diff(before, snapshot(updated, ["title", "due_on"])),
            )

        self.write("requirements", row, label, work)

    def _target_note(self, requirement: Requirement, row: dict) -> list[str]:
        """The units a requirement applies to are taken from this tree on its date; say so when
        that differs from the file's list."""
        wanted = {self.units[k].pk for k in row["targets"] if k in self.units}
        have = set(requirement.targets.values_list("unit_id", flat=True))
        if not row["targets"] or wanted == have:
            return []
        return [
            _(
                "Danh sách đơn vị phải thực hiện được lấy từ cây tổ chức nơi nhận: %(have)d đơn "
                "vị (gói ghi %(file)d)."
            )
            % {"have": len(have), "file": len(row["targets"])}
        ]

    def compliance_check(self) -> dict:
        """The compliance cells of the file against what this register now gives: the matrix is
        computed, so a difference means a document missing on one side."""
        rows = self.package.get("compliance", [])
        imported = self.local.get("requirements", {})
        if not rows or not imported:
            return {"cells": 0, "same": 0, "different": 0}
        by_pk = {req.pk: key for key, req in imported.items()}
        states = {
            (by_pk[t.requirement_id], t.unit_id): t.state
            for t in compliance.annotate_cells(
                compliance.visible_targets(self.actor, list(imported.values())), self.today
            )
        }
        same = different = 0
        for row in rows:
            unit = self.units.get(row["unit"])
            if row["requirement"] not in imported or unit is None:
                continue
            if states.get((row["requirement"], unit.pk)) == row["state"]:
                same += 1
            else:
                different += 1
        return {"cells": same + different, "same": same, "different": different}

    def _day(self, row: dict) -> dt.date:
        day = row.get("created_on")
        return min(day, self.today) if day else self.today


def _same_title(queryset, name: str, title: str):
    """The one row whose `name` reads the same as `title` (case and diacritics aside)."""
    wanted = fold(title)
    found = [obj for obj in queryset[:200] if fold(getattr(obj, name)) == wanted]
    return found[0] if len(found) == 1 else None


def _changed(obj, values: dict, names: list[str]) -> dict:
    out = {}
    for name in names:
        if name not in values:
            continue
        current = getattr(obj, name)
        new = values[name]
        if current != new:
            out[name] = new
    return out
