"""What the programme, indicator, measurement and report endpoints return.

Numbers are decimal strings without trailing zeros ("1200", "12.5"), so a script never loses a
digit to a float; deadlines and report periods carry their precision as tasks' deadlines do.
The values and statuses are computed by the pages' own selectors; these only shape them."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trienkhai.lib import dates
from trienkhai.plans.indicators import IndicatorStatus, plain_decimal
from trienkhai.plans.models import Direction, Frequency, Report, Rollup

from .serializers import MAX_ID, DeadlineOut, Id, UnitRef


def number(value: Decimal | None) -> str | None:
    return None if value is None else str(plain_decimal(value))


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True, "example": "1200.5"})
class NumberOut(serializers.Field):
    """A decimal as a plain string ("1200", "12.5")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return number(value)


REPORT_STATUSES = Report.Status.values  # named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]


def choice(values, **kwargs):
    """A code out of `values`, documented inline (no shared enum component whose name could
    collide with another endpoint's "status")."""
    schema = {"type": "string", "enum": [str(v) for v in values]}
    return extend_schema_field(schema)(type("Code", (serializers.CharField,), {}))(**kwargs)


def deadline(day, precision, ends_on) -> dict | None:
    if day is None:
        return None
    return {
        "date": day,
        "precision": precision,
        "text": dates.format_deadline(day, precision),
        "ends_on": ends_on,
    }


class ProgrammeDocumentRef(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)


def document_ref(doc) -> dict | None:
    if doc is None:
        return None
    return {"id": doc.pk, "number": doc.number_text or "", "summary": doc.summary or ""}


# --- indicators ---------------------------------------------------------------------------------
class BaselineOut(serializers.Serializer):
    value = NumberOut()
    year = serializers.IntegerField()


class TargetOut(serializers.Serializer):
    value = NumberOut(help_text="the goal: 0 for “eliminate”")
    deadline = DeadlineOut(allow_null=True)


class LatestOut(serializers.Serializer):
    value = NumberOut(help_text="the unit's latest value, or the sum of its units' latest values")
    measured_on = serializers.DateField()


class StatusOut(serializers.Serializer):
    code = choice(IndicatorStatus.values)
    label = serializers.CharField()
    value = NumberOut(help_text="the value judged (the latest, else the baseline)")
    from_baseline = serializers.BooleanField(help_text="no measurement yet: the baseline judged")
    progress = serializers.IntegerField(
        allow_null=True, help_text="% of the way from the baseline to the goal"
    )
    time_share = serializers.IntegerField(
        allow_null=True, help_text="% of the time from the baseline to the deadline"
    )


def status_of(assessment) -> dict:
    return {
        "code": assessment.status,
        "label": str(assessment.label),
        "value": number(assessment.value),
        "from_baseline": assessment.from_baseline,
        "progress": assessment.progress,
        "time_share": assessment.time_share,
    }


class IndicatorOut(serializers.Serializer):
    """An indicator with its status; `latest` and `status` come from `attach_assessments` (a
    list) or `indicator_assessment` (one indicator), as on the pages."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    measure_unit = serializers.CharField()
    unit = UnitRef()
    programme = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()
    direction = choice(Direction.values)
    baseline = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    by_subunits = serializers.BooleanField()
    rollup = choice(Rollup.values)
    latest = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_programme(self, ind):
        return ind.programme_id

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_document(self, ind):
        return ind.document_id

    @extend_schema_field(BaselineOut(allow_null=True))
    def get_baseline(self, ind):
        if ind.baseline_value is None or ind.baseline_year is None:
            return None
        return {"value": number(ind.baseline_value), "year": ind.baseline_year}

    @extend_schema_field(TargetOut())
    def get_target(self, ind):
        return {
            "value": number(ind.goal),
            "deadline": deadline(ind.target_date, ind.target_precision, ind.target_end),
        }

    @extend_schema_field(LatestOut(allow_null=True))
    def get_latest(self, ind):
        if getattr(ind, "value", None) is None:
            return None
        return {"value": number(ind.value), "measured_on": ind.value_on}

    @extend_schema_field(StatusOut())
    def get_status(self, ind):
        return status_of(ind.assessment)


class BreakdownOut(serializers.Serializer):
    unit = UnitRef()
    value = NumberOut()
    measured_on = serializers.DateField(allow_null=True)
    units_reporting = serializers.IntegerField()
    is_own = serializers.BooleanField(help_text="the indicator's own unit, not a sub-unit")


class SeriesPoint(serializers.Serializer):
    year = serializers.IntegerField()
    value = NumberOut()


class IndicatorDetailOut(IndicatorOut):
    version = serializers.SerializerMethodField()
    breakdown = serializers.SerializerMethodField()
    series = serializers.SerializerMethodField()

    def get_version(self, ind) -> str:
        """The definition's version, as in the ETag: send it back (If-Match) to change it."""
        return self.context["version"]

    @extend_schema_field(BreakdownOut(many=True))
    def get_breakdown(self, ind):
        return [
            {
                "unit": {"id": row.unit.pk, "name": row.unit.name},
                "value": number(row.value),
                "measured_on": row.value_on,
                "units_reporting": row.units_reporting,
                "is_own": row.is_own,
            }
            for row in self.context.get("breakdown", [])
        ]

    @extend_schema_field(SeriesPoint(many=True))
    def get_series(self, ind):
        return [{"year": y, "value": number(v)} for y, v in self.context.get("series", [])]


# --- programmes ---------------------------------------------------------------------------------
class ProgressOut(serializers.Serializer):
    percent = serializers.IntegerField(
        allow_null=True, help_text="weighted progress of the top-level tasks; null: none counts"
    )
    tasks = serializers.IntegerField()
    weight = serializers.IntegerField()


class ProgrammeOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    field = serializers.CharField()
    owner_unit = UnitRef()
    document = serializers.SerializerMethodField()
    programme_document = serializers.SerializerMethodField()
    start_year = serializers.IntegerField()
    end_year = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True)
    progress = serializers.IntegerField(
        allow_null=True, help_text="weighted progress of the top-level tasks, %"
    )
    indicator_count = serializers.IntegerField(source="n_indicators", default=0)
    task_count = serializers.IntegerField(source="n_tasks", default=0)

    @extend_schema_field(ProgrammeDocumentRef())
    def get_document(self, programme):
        return document_ref(programme.document)

    @extend_schema_field(ProgrammeDocumentRef(allow_null=True))
    def get_programme_document(self, programme):
        return document_ref(programme.programme_document)

    def to_representation(self, programme):
        data = super().to_representation(programme)
        for key in ("indicator_count", "task_count"):
            data[key] = data[key] or 0
        return data


class TaskCountsOut(serializers.Serializer):
    total = serializers.IntegerField()
    overdue = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())


class ProgrammeDetailOut(ProgrammeOut):
    version = serializers.SerializerMethodField()
    progress_detail = serializers.SerializerMethodField()

    def get_version(self, programme) -> str:
        """The programme's version, as in the ETag: send it back (If-Match) to change it."""
        return self.context["version"]

    task_counts = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()

    @extend_schema_field(ProgressOut())
    def get_progress_detail(self, programme):
        p = self.context["progress"]
        return {"percent": p.percent, "tasks": p.tasks, "weight": p.weight}

    @extend_schema_field(TaskCountsOut())
    def get_task_counts(self, programme):
        counts = self.context["counts"]
        return {
            "total": counts["total"],
            "overdue": counts["overdue"],
            "by_status": {status: n for status, _label, n in counts["by_status"]},
        }

    @extend_schema_field(IndicatorOut(many=True))
    def get_indicators(self, programme):
        return IndicatorOut(self.context["indicators"], many=True).data


# --- measurements -------------------------------------------------------------------------------
class MeasurementOut(serializers.Serializer):
    id = serializers.IntegerField()
    indicator = serializers.IntegerField(source="indicator_id")
    unit = UnitRef()
    value = NumberOut()
    measured_on = serializers.DateField()
    source = serializers.CharField(allow_blank=True)
    has_evidence = serializers.SerializerMethodField()
    entered_at = serializers.DateTimeField()

    def get_has_evidence(self, m) -> bool:
        return bool(m.evidence)


class MeasurementIn(serializers.Serializer):
    """A value of the indicator for a unit (the indicator's own, or one below it when the
    indicator is followed by sub-units). Evidence files are added on the page."""

    unit = Id(help_text="id of the unit whose value this is")
    value = serializers.DecimalField(
        max_digits=16, decimal_places=4, help_text="a decimal: 1200 or 12.5 (string or number)"
    )
    measured_on = serializers.DateField(help_text="the day the figure stands for (not future)")
    source = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text="e.g. Báo cáo số 45-BC/ĐU"
    )


# --- reports ------------------------------------------------------------------------------------
class ScheduleRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    frequency = choice(Frequency.values)
    parent_unit = UnitRef()


class PeriodOut(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    label = serializers.CharField(help_text="as the pages write it: Quý I/2021, Tháng 3-2021, …")


STATES = ["on_time", "late", "draft", "missing", "open"]


class ReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    revision = serializers.IntegerField()
    schedule = ScheduleRef()
    unit = UnitRef()
    period = serializers.SerializerMethodField()
    due_on = serializers.DateField()
    status = choice(REPORT_STATUSES)
    state = serializers.SerializerMethodField()
    state_label = serializers.SerializerMethodField()
    is_late = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    @extend_schema_field(PeriodOut())
    def get_period(self, report):
        period = self.context["periods"][report.pk]
        return {"start": period.start, "end": period.end, "label": str(period.label)}

    @extend_schema_field({"type": "string", "enum": STATES})
    def get_state(self, report):
        return self.context["states"][report.pk]

    def get_state_label(self, report) -> str:
        from trienkhai.plans.reports import STATE_LABELS

        return str(STATE_LABELS[self.context["states"][report.pk]])


class SectionsOut(serializers.Serializer):
    results = serializers.CharField(allow_blank=True)
    limitations = serializers.CharField(allow_blank=True)
    next_tasks = serializers.CharField(allow_blank=True)


class ReportDetailOut(ReportOut):
    sections = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()

    @extend_schema_field(SectionsOut())
    def get_sections(self, report):
        from trienkhai.plans.reports import SECTIONS

        return {k: (report.sections or {}).get(k, "") for k in SECTIONS}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_figures(self, report) -> dict:
        """The snapshot taken when the report was saved: indicator values and task counts."""
        return report.figures or {}


# --- writes -------------------------------------------------------------------------------------
def choice_in(values, **kwargs):
    """An input code out of `values`, documented inline like `choice` (no enum component)."""
    values = [str(v) for v in values]
    schema = {"type": "string", "enum": values}
    field_class = extend_schema_field(schema)(type("CodeIn", (serializers.ChoiceField,), {}))
    return field_class(choices=values, **kwargs)


VERSION_HELP = "for updates, instead of If-Match: the `version` (ETag) read last"


def Year(**kwargs):  # noqa: N802 - reads like a field class
    """A year; the services say which years make sense (1945–2100), this only keeps it small."""
    return serializers.IntegerField(min_value=0, max_value=32767, **kwargs)


class ProgrammeIn(serializers.Serializer):
    """A new programme, or the fields to change (PATCH: any subset), as on the programme form."""

    document = Id(help_text="id of the issued resolution or plan it carries out")
    programme_document = Id(
        required=False, allow_null=True, help_text="id of the programme's own document, if any"
    )
    title = serializers.CharField(max_length=300)
    field = serializers.CharField(max_length=150, help_text="lĩnh vực, e.g. Thương mại, dịch vụ")
    owner_unit = Id(help_text="id of the unit that owns it (chủ trì)")
    start_year = Year()
    end_year = Year()
    description = serializers.CharField(required=False, allow_blank=True)
    version = serializers.CharField(required=False, max_length=100, help_text=VERSION_HELP)


class IndicatorChangeIn(serializers.Serializer):
    """An indicator's definition as on its form; its target is `target_value` by
    `target_deadline` (with its precision), measured from `baseline_value` in `baseline_year`."""

    unit = Id(help_text="id of the unit that carries it out")
    name = serializers.CharField(max_length=300)
    measure_unit = serializers.CharField(max_length=50, help_text="e.g. hộ, người, vụ, %")
    direction = choice_in(Direction.values)
    target_value = serializers.DecimalField(
        max_digits=16,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text="the goal (leave out for “eliminate”: its goal is 0)",
    )
    target_deadline = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=20,
        help_text="by when: 2020-09-20 (day), 2020-12 (month), 2020-Q4 (quarter) or 2020 (year)",
    )
    baseline_value = serializers.DecimalField(
        max_digits=16, decimal_places=4, required=False, allow_null=True
    )
    baseline_year = Year(required=False, allow_null=True)
    by_subunits = serializers.BooleanField(
        required=False, help_text="values are entered by the units below it"
    )
    rollup = choice_in(Rollup.values, required=False)
    document = Id(
        required=False,
        allow_null=True,
        help_text="id of the document that sets it (not for a programme's indicator: it "
        "carries the programme's document)",
    )
    position = serializers.IntegerField(required=False, min_value=0, max_value=999)
    version = serializers.CharField(required=False, max_length=100, help_text=VERSION_HELP)


class IndicatorIn(IndicatorChangeIn):
    programme = Id(
        required=False, allow_null=True, help_text="id of the programme it belongs to, if any"
    )


class SectionsIn(serializers.Serializer):
    results = serializers.CharField(required=False, allow_blank=True)
    limitations = serializers.CharField(required=False, allow_blank=True)
    next_tasks = serializers.CharField(required=False, allow_blank=True)


class ReportIn(serializers.Serializer):
    """A unit's report for one period of a schedule: a draft, or submitted at once."""

    schedule = Id(help_text="id of the report schedule")
    unit = Id(help_text="id of the reporting unit")
    period = serializers.DateField(help_text="the period's first day, e.g. 2021-04-01 for Q2")
    sections = SectionsIn(required=False)
    submit = serializers.BooleanField(
        required=False, default=False, help_text="send it now (results required); else a draft"
    )


class ReportChangeIn(serializers.Serializer):
    """The sections to change (the others are kept), and whether to submit the report now. A
    submitted report stays submitted: saving it again updates it (its history is kept)."""

    sections = SectionsIn(required=False)
    submit = serializers.BooleanField(required=False, default=False)
    revision = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="instead of If-Match"
    )
