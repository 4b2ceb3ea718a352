"""What the API returns: plain fields, ISO dates, deadlines with their precision."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trienkhai.lib import dates
from trienkhai.org.models import Unit
from trienkhai.plans.models import Task


class UnitRef(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]


class UnitOut(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()
    depth = serializers.IntegerField(read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "official_code",
            "parent",
            "depth",
            "established_on",
            "ended_on",
        ]

    def get_parent(self, unit) -> int | None:
        if unit.depth <= 1:
            return None
        path = unit.path[: -Unit.steplen]
        known = self.context.get("parent_ids")
        if known is not None and path in known:
            return known[path]
        return Unit.objects.filter(path=path).values_list("pk", flat=True).first()


def parent_ids(units) -> dict[str, int]:
    """The parents' ids of a page of units in one query (for UnitOut's context)."""
    paths = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
    return dict(Unit.objects.filter(path__in=paths).values_list("path", "pk"))


class DeadlineOut(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    precision = serializers.CharField()
    text = serializers.CharField(help_text="2020-09-20, 2020-12, 2025-Q4 or 2025")
    ends_on = serializers.DateField(allow_null=True)


class TaskOut(serializers.ModelSerializer):
    assigned_by = UnitRef()
    lead_unit = UnitRef()
    coordinating_units = UnitRef(many=True)
    deadline = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "revision",
            "title",
            "description",
            "parent",
            "programme",
            "assigning_document",
            "assigned_by",
            "lead_unit",
            "coordinating_units",
            "output_text",
            "start_on",
            "deadline",
            "status",
            "progress",
            "weight",
            "completed_on",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(DeadlineOut(allow_null=True))
    def get_deadline(self, task):
        if task.deadline is None:
            return None
        return {
            "date": task.deadline,
            "precision": task.deadline_precision,
            "text": dates.format_deadline(task.deadline, task.deadline_precision),
            "ends_on": task.deadline_end,
        }


MAX_ID = 2**63 - 1  # the database's ids are 64-bit


def Id(**kwargs):  # noqa: N802 - reads like a field class
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class TaskIn(serializers.Serializer):
    """A new task, or the fields of an assignment to change (PATCH: any subset)."""

    title = serializers.CharField(max_length=500)
    description = serializers.CharField(required=False, allow_blank=True)
    assigned_by = Id(help_text="id of the assigning unit")
    lead_unit = Id(help_text="id of the lead unit (chủ trì)")
    coordinating_units = serializers.ListField(
        child=Id(), required=False, max_length=500, help_text="ids (phối hợp)"
    )
    assigning_document = Id(required=False, allow_null=True)
    programme = Id(required=False, allow_null=True)
    parent = Id(required=False, allow_null=True)
    output_text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    start_on = serializers.DateField(required=False, allow_null=True)
    deadline = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="2020-09-20 (day), 2020-12 (month), 2025-Q4 (quarter) or 2025 (year)",
    )
    weight = serializers.IntegerField(required=False, min_value=1, max_value=100)
    assigned_on = serializers.DateField(
        required=False,
        help_text="the day of the assignment, for work recorded later (default: today); the "
        "units named must have been active then",
    )
    revision = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="for updates, or If-Match"
    )
