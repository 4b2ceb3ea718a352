"""What the task progress, comment, history and requirement endpoints read and return.

Input serializers only check shapes (types, lengths); what a value means — a progress over 100,
a postponement without a reason, a parent unit outside one's own — is decided by the same
services as the pages (plans.tasks, plans.requirements), whose field errors come back as ours."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trienkhai.audit.models import AuditEntry
from trienkhai.org.models import UnitKind
from trienkhai.plans.compliance import STATES
from trienkhai.plans.forms_tasks import REPORTABLE_STATUSES

from .serializers import MAX_ID, Id, UnitRef
from .serializers_documents import TYPE_CODES
from .serializers_programmes import ProgrammeDocumentRef, choice, document_ref

REPORTABLE = [value for value, _label in REPORTABLE_STATUSES]


def choice_in(values, **kwargs):
    """A code out of `values` for input, documented inline: no shared enum component whose
    name could collide with another endpoint's "status"."""
    schema = {"type": "string", "enum": [str(v) for v in values]}
    field = extend_schema_field(schema)(type("CodeIn", (serializers.ChoiceField,), {}))
    return field(choices=list(values), **kwargs)


def compliance_state(**kwargs):
    """A target unit's state. Its enum sits inside `allOf`, so the schema's enum naming leaves
    it inline instead of pairing it by name with the periodic reports' own `state`."""
    schema = {"oneOf": [{"type": "string", "enum": list(STATES)}]}
    return extend_schema_field(schema)(type("StateOut", (serializers.CharField,), {}))(**kwargs)


# --- task progress ------------------------------------------------------------------------------
class ProgressIn(serializers.Serializer):
    """What the task page's progress form takes. "done" after the end of the deadline's period
    is recorded as done late (lateness is computed, never chosen)."""

    status = choice_in(REPORTABLE)
    progress = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="0–100; not for a task with subtasks (computed from them)",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="why postponed (postponed)"
    )
    new_deadline = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=60,
        help_text="postponed: the later deadline, 2021-06-30 (day), 2021-06 (month), 2021-Q2 "
        "(quarter) or 2021 (year)",
    )
    completed_on = serializers.DateField(
        required=False, allow_null=True, help_text="done: the day it was done (default: today)"
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="kept in the history; required when cancelling",
    )
    revision = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="the task's revision, or If-Match"
    )


# --- history ------------------------------------------------------------------------------------
class ChangeOut(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.JSONField(allow_null=True, help_text="as stored: ISO dates, codes")
    after = serializers.JSONField(allow_null=True)


class ReadableChangeOut(serializers.Serializer):
    label = serializers.CharField(help_text="the field's name as the page shows it")
    before = serializers.JSONField(allow_null=True, help_text="as the page shows it")
    after = serializers.JSONField(allow_null=True)


class HistoryOut(serializers.Serializer):
    """One line of the history the page shows under a task or a requirement."""

    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField(help_text="user name; null: the system")
    action = choice(AuditEntry.Action.values)
    action_label = serializers.CharField(source="get_action_display")
    note = serializers.CharField(allow_blank=True)
    changes = serializers.SerializerMethodField()
    changes_readable = serializers.SerializerMethodField()

    def get_actor(self, entry) -> str | None:
        return entry.actor.get_username() if entry.actor_id else None

    @extend_schema_field(ChangeOut(many=True))
    def get_changes(self, entry):
        out = []
        for name, pair in (entry.changes or {}).items():
            before, after = (
                (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            )
            out.append({"field": name, "before": before, "after": after})
        return out

    @extend_schema_field(ReadableChangeOut(many=True))
    def get_changes_readable(self, entry):
        return [
            {"label": str(label), "before": _plain(before), "after": _plain(after)}
            for label, before, after in entry.labelled_changes()
        ]


def _plain(value):
    """A value as JSON: the page's readable labels are lazy translations."""
    if value is None or isinstance(value, bool | int | float | list | dict):
        return value
    return str(value)


# --- comments -----------------------------------------------------------------------------------
class EvidenceOut(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.CharField(help_text="download it here, with the same token")


class TaskCommentOut(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id")
    author = serializers.SerializerMethodField(help_text="user name; null: removed user")
    text = serializers.CharField()
    evidence = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_author(self, comment) -> str | None:
        return comment.author.get_username() if comment.author_id else None

    @extend_schema_field(EvidenceOut(allow_null=True))
    def get_evidence(self, comment):
        if not comment.evidence:
            return None
        from django.urls import reverse

        return {
            "name": comment.evidence_name or comment.evidence.name.rsplit("/", 1)[-1],
            "url": reverse("api:task_comment_evidence", args=[comment.task_id, comment.pk]),
        }


class EvidenceIn(serializers.Serializer):
    name = serializers.CharField(max_length=255, help_text="the file's name, e.g. bien-ban.pdf")
    content = serializers.CharField(
        max_length=20 * 1024 * 1024,
        allow_blank=True,  # an empty file: the service says so, as on the page
        trim_whitespace=False,
        help_text="the file, base64-encoded: PDF, DOCX, XLSX, PNG or JPEG within the size limit",
    )


class TaskCommentIn(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text="what was done, what is attached")
    evidence = EvidenceIn(required=False, allow_null=True)


# --- requirements -------------------------------------------------------------------------------
class CountsOut(serializers.Serializer):
    """The target units you see, counted by state (the compliance matrix's footer)."""

    total = serializers.IntegerField()
    done = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField(help_text="no document yet, not yet due")
    overdue = serializers.IntegerField()
    by_successor = serializers.IntegerField(help_text="ended units met by a successor's document")
    pct_complied = serializers.FloatField(allow_null=True, help_text="(done + late) / total, %")


def counts_of(c) -> dict:
    return {
        "total": c.total,
        "done": c.done,
        "late": c.late,
        "missing": c.missing,
        "overdue": c.overdue,
        "by_successor": c.by_successor,
        "pct_complied": c.pct_complied,
    }


class RequirementOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    set_by = UnitRef()
    parent_unit = UnitRef(help_text="the units below it must comply")
    unit_kinds = serializers.ListField(child=choice(UnitKind.values))
    doc_type = serializers.CharField(help_text="the type of document each unit must issue")
    implements = serializers.SerializerMethodField()
    due_on = serializers.DateField()
    created_at = serializers.DateTimeField(help_text="the day the list of units was fixed")
    counts = serializers.SerializerMethodField()

    @extend_schema_field(ProgrammeDocumentRef(allow_null=True))
    def get_implements(self, requirement):
        return document_ref(requirement.implements)

    @extend_schema_field(CountsOut())
    def get_counts(self, requirement):
        from trienkhai.plans.compliance import Counts

        return counts_of(self.context.get("counts", {}).get(requirement.pk, Counts()))


class RequirementDetailOut(RequirementOut):
    version = serializers.CharField(help_text="send back as If-Match (or `version`) to change it")
    target_count = serializers.IntegerField(help_text="all target units, seen or not")
    can_manage = serializers.BooleanField(help_text="you may change the wording or the deadline")


class RequirementTargetDocumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_blank=True)
    issued_on = serializers.DateField(allow_null=True)


class RequirementTargetOut(serializers.Serializer):
    """A unit the requirement applied to when it was set, and how far it has complied, read
    from the register by the compliance rule (never typed)."""

    id = serializers.IntegerField()
    unit = UnitRef()
    state = compliance_state()
    state_label = serializers.CharField()
    document = RequirementTargetDocumentOut(
        allow_null=True, help_text="the earliest complying document (its own or a successor's)"
    )
    by_successor = serializers.BooleanField()
    ended_note = serializers.CharField(allow_blank=True, help_text="the unit ended: how")


class RequirementIn(serializers.Serializer):
    """A new requirement, as the page's form takes it."""

    title = serializers.CharField(max_length=300)
    set_by = Id(help_text="id of the unit setting it (one you edit)")
    parent_unit = Id(
        required=False,
        allow_null=True,
        help_text="the units below this one must comply (default: set_by)",
    )
    unit_kinds = serializers.ListField(
        child=choice_in(UnitKind.values), min_length=1, max_length=50
    )
    direct_only = serializers.BooleanField(
        required=False, default=False, help_text="only the units directly under parent_unit"
    )
    doc_type = serializers.ChoiceField(choices=TYPE_CODES)
    implements = Id(
        required=False, allow_null=True, help_text="id of the issued document to carry out"
    )
    due_on = serializers.DateField()


class RequirementChangeIn(serializers.Serializer):
    """What may change once set: the wording and the deadline (the units stay the snapshot)."""

    title = serializers.CharField(max_length=300, required=False)
    due_on = serializers.DateField(required=False)
    note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="why, kept in the history"
    )
    version = serializers.CharField(
        max_length=100, required=False, help_text="the version you read, or If-Match"
    )
