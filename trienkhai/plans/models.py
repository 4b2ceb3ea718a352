"""From a resolution to tracked work: programmes, indicators, tasks, requirements, reports.

Deadlines carry a precision (day, month, quarter, year) and the last day of their period is kept
beside them (`deadline_end`), so "overdue" is one indexed comparison in the database.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from trienkhai.documents.models import Document
from trienkhai.lib import dates
from trienkhai.org.models import Unit, UnitKind


class Precision(models.TextChoices):
    DAY = dates.DAY, _("ngày")
    MONTH = dates.MONTH, _("tháng")
    QUARTER = dates.QUARTER, _("quý")
    YEAR = dates.YEAR, _("năm")


class Programme(models.Model):
    """An action programme in one field, carrying out a resolution or plan."""

    document = models.ForeignKey(
        Document,
        verbose_name=_("thực hiện văn bản"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    programme_document = models.ForeignKey(
        Document,
        verbose_name=_("văn bản chương trình"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("tên chương trình"), max_length=300)
    field = models.CharField(_("lĩnh vực"), max_length=150)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="programmes"
    )
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    description = models.TextField(_("mô tả"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chương trình hành động")
        verbose_name_plural = _("chương trình hành động")
        ordering = ["owner_unit_id", "title"]

    def __str__(self):
        return self.title


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("Đạt tối thiểu")
    AT_MOST = "at_most", _("Không vượt quá")
    ELIMINATE = "eliminate", _("Xóa bỏ (về 0)")
    REACH = "reach", _("Đạt mức")


class Rollup(models.TextChoices):
    SUM = "sum", _("Cộng các đơn vị trực thuộc")
    NONE = "none", _("Không cộng dồn")


class Indicator(models.Model):
    """A target (chỉ tiêu) measured over time, for a unit and optionally its sub-units."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("chương trình"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("văn bản đặt chỉ tiêu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="indicators"
    )
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    measure_unit = models.CharField(_("đơn vị tính"), max_length=50)
    direction = models.CharField(_("hướng"), max_length=20, choices=Direction.choices)
    baseline_value = models.DecimalField(
        _("giá trị ban đầu"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("năm gốc"), null=True, blank=True)
    target_value = models.DecimalField(
        _("giá trị mục tiêu"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    target_date = models.DateField(_("thời hạn đạt"), null=True, blank=True)
    target_precision = models.CharField(
        _("độ chính xác thời hạn"), max_length=10, choices=Precision.choices, default=Precision.YEAR
    )
    # The last day of the target period, kept so "has the period ended" is a column comparison.
    target_end = models.DateField(editable=False, null=True, blank=True, db_index=True)
    by_subunits = models.BooleanField(_("theo dõi theo đơn vị trực thuộc"), default=False)
    rollup = models.CharField(
        _("tổng hợp"), max_length=10, choices=Rollup.choices, default=Rollup.SUM
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["programme_id", "position", "id"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.target_end = (
            dates.period_end(self.target_date, self.target_precision) if self.target_date else None
        )
        super().save(*args, **kwargs)

    @property
    def goal(self) -> Decimal | None:
        """The value that counts as reached: 0 for "eliminate"."""
        return Decimal(0) if self.direction == Direction.ELIMINATE else self.target_value


class Measurement(models.Model):
    """One value of an indicator for a unit, on a date, with its source."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="measurements")
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="measurements"
    )
    value = models.DecimalField(_("giá trị"), max_digits=16, decimal_places=4)
    measured_on = models.DateField(_("ngày số liệu"))
    source = models.CharField(_("nguồn số liệu"), max_length=300, blank=True)
    evidence = models.FileField(_("minh chứng"), upload_to="evidence/%Y/", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    # The last of its series (indicator, unit) by date, then by entry: kept by
    # `indicators.mark_latest` whenever a value is added or removed, so the latest values of a
    # subtree are read from a partial index instead of comparing every value with the others.
    is_latest = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        ordering = ["indicator_id", "measured_on", "id"]
        indexes = [
            models.Index(fields=["indicator", "unit", "measured_on"], name="plan_measure_series"),
            models.Index(
                fields=["indicator", "unit", "measured_on"],
                name="plan_measure_latest",
                condition=models.Q(is_latest=True),
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value} ({self.measured_on})"


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    DONE_LATE = "done_late", _("Hoàn thành chậm")
    CANCELLED = "cancelled", _("Hủy bỏ")
    POSTPONED = "postponed", _("Tạm hoãn, lùi thời hạn")


OPEN_STATUSES = {TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.POSTPONED}
CLOSED_STATUSES = {TaskStatus.DONE, TaskStatus.DONE_LATE, TaskStatus.CANCELLED}


class Task(models.Model):
    """A piece of work: assigned by a unit (under a document), led by one unit, with others."""

    title = models.CharField(_("tên nhiệm vụ"), max_length=500)
    description = models.TextField(_("nội dung"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("nhiệm vụ cha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subtasks",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("chương trình"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    assigned_by = models.ForeignKey(
        Unit, verbose_name=_("đơn vị giao"), on_delete=models.PROTECT, related_name="tasks_assigned"
    )
    assigning_document = models.ForeignKey(
        Document,
        verbose_name=_("văn bản giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="tasks_led"
    )
    coordinating_units = models.ManyToManyField(
        Unit,
        verbose_name=_("đơn vị phối hợp"),
        through="TaskCoordination",
        blank=True,
        related_name="tasks_coordinated",
    )
    output_text = models.CharField(_("sản phẩm"), max_length=300, blank=True)
    output_doc_type = models.CharField(
        _("sản phẩm là văn bản loại"),
        max_length=10,
        blank=True,
        help_text=_("Khi đơn vị chủ trì ban hành văn bản loại này, nhiệm vụ tự hoàn thành."),
    )
    # "UBND thành phố tham mưu xây dựng nghị quyết": the lead unit prepares it, the assigning
    # committee issues it. Empty means the lead unit issues the output itself.
    output_issuer = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị ban hành sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống nếu đơn vị chủ trì tự ban hành văn bản sản phẩm."),
    )
    output_document = models.ForeignKey(
        Document,
        verbose_name=_("văn bản sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_produced",
    )
    start_on = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    deadline_precision = models.CharField(
        _("độ chính xác thời hạn"), max_length=10, choices=Precision.choices, default=Precision.DAY
    )
    deadline_end = models.DateField(editable=False, null=True, blank=True, db_index=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    postponed_reason = models.CharField(_("lý do tạm hoãn, lùi hạn"), max_length=500, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("tiến độ (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    weight = models.PositiveSmallIntegerField(
        _("trọng số"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Dùng khi tính tiến độ của nhiệm vụ cha từ các nhiệm vụ con."),
    )
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["deadline_end", "id"]
        indexes = [
            models.Index(fields=["lead_unit", "status", "deadline_end"], name="plan_task_lead"),
            models.Index(fields=["assigned_by", "status"], name="plan_task_assigner"),
            # The dashboard's count of work a subtree assigned to units outside it: read from
            # the index alone (the lead unit decides "outside", status and deadline the bucket).
            models.Index(
                fields=["assigned_by", "lead_unit", "status", "deadline_end"],
                name="plan_task_assigner_lead",
            ),
            models.Index(fields=["programme", "status"], name="plan_task_programme"),
            # The task lists of open work: a subtree's led tasks in deadline order, and the
            # open tasks its units coordinate, both read from an index alone (selectors_tasks).
            models.Index(
                fields=["lead_unit", "deadline_end", "id"],
                include=["status"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="plan_task_open_lead",
            ),
            models.Index(
                fields=["id"],
                include=["deadline_end", "status"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="plan_task_open_id",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.deadline_end = (
            dates.period_end(self.deadline, self.deadline_precision) if self.deadline else None
        )
        super().save(*args, **kwargs)

    @property
    def deadline_text(self) -> str:
        return dates.format_deadline_vi(self.deadline, self.deadline_precision)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return (
            self.status in OPEN_STATUSES
            and self.deadline_end is not None
            and self.deadline_end < today
        )


class TaskCoordination(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="coordinations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="coordinations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="plan_coordination_once")
        ]
        # A subtree's coordinated tasks, from the index alone (the task lists).
        indexes = [models.Index(fields=["unit", "task"], name="plan_coordination_unit")]

    def __str__(self):
        return f"{self.unit} ↔ {self.task}"


class TaskTally(models.Model):
    """How many tasks share a key: the province-level branch of the lead unit, the tree of the
    assigning unit, the status and, for open work, the end of the deadline period.

    The dashboard of a whole tree (1,000,000 tasks) sums these rows (tens of thousands) instead
    of reading the tasks. Every write of a task adds, in its own transaction, a row of -1 for
    its old key and one of +1 for its new key (plans.tallies): only inserts, so concurrent
    writers never lose a count; `tallies.rebuild` recounts the rows into one per key (after a
    bulk load, a move in the tree, or nightly to fold the deltas)."""

    lead_branch = models.CharField(max_length=255)  # the lead unit's path, two steps of it
    assigner_root = models.CharField(max_length=255)  # the assigning unit's path, one step
    status = models.CharField(max_length=20, choices=TaskStatus.choices)
    deadline_end = models.DateField(null=True, blank=True)  # open work only: NULL when closed
    n = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.lead_branch} {self.status} {self.deadline_end}: {self.n}"


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("ý kiến"))
    evidence = models.FileField(_("tệp minh chứng"), upload_to="tasks/%Y/", blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task_id", "created_at", "id"]

    def __str__(self):
        return self.text[:80]


class Requirement(models.Model):
    """Every unit of `unit_kind` under `parent_unit` issues a document of `doc_type` by `due_on`."""

    title = models.CharField(_("yêu cầu"), max_length=300)
    set_by = models.ForeignKey(
        Unit, verbose_name=_("đơn vị yêu cầu"), on_delete=models.PROTECT, related_name="+"
    )
    parent_unit = models.ForeignKey(
        Unit,
        verbose_name=_("các đơn vị thuộc"),
        on_delete=models.PROTECT,
        related_name="requirements",
    )
    unit_kinds = models.JSONField(_("loại đơn vị phải thực hiện"), default=list)
    doc_type = models.CharField(_("loại văn bản phải ban hành"), max_length=10)
    implements = models.ForeignKey(
        Document,
        verbose_name=_("văn bản được cụ thể hóa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requirements",
    )
    due_on = models.DateField(_("thời hạn"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("yêu cầu đối với đơn vị trực thuộc")
        verbose_name_plural = _("yêu cầu đối với đơn vị trực thuộc")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title

    def kind_labels(self) -> list[str]:
        labels = dict(UnitKind.choices)
        return [str(labels.get(k, k)) for k in self.unit_kinds]


class RequirementTarget(models.Model):
    """A unit the requirement applied to when it was set: kept even if the unit ends later."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="requirement_targets")
    # The earliest complying document and its date, kept by `compliance_cells` whenever the
    # register or the tree changes, so reading a cell's state needs no document lookup.
    complied_by = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    complied_on = models.DateField(null=True, blank=True)
    by_successor = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requirement", "unit"], name="plan_target_once")
        ]

    def __str__(self):
        return f"{self.requirement} — {self.unit}"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Hằng tuần")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    HALF_YEARLY = "half_yearly", _("6 tháng")
    YEARLY = "yearly", _("Hằng năm")


class ReportSchedule(models.Model):
    """Units of given kinds under `parent_unit` report every period, `due_days` after it ends."""

    title = models.CharField(_("tên báo cáo"), max_length=300)
    parent_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị nhận báo cáo"), on_delete=models.PROTECT, related_name="+"
    )
    unit_kinds = models.JSONField(_("loại đơn vị báo cáo"), default=list)
    frequency = models.CharField(_("định kỳ"), max_length=20, choices=Frequency.choices)
    due_days = models.PositiveSmallIntegerField(_("hạn nộp (số ngày sau kỳ)"), default=5)
    starts_on = models.DateField(_("áp dụng từ"))
    ends_on = models.DateField(_("đến"), null=True, blank=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("chương trình"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_schedules",
    )

    class Meta:
        verbose_name = _("lịch báo cáo")
        verbose_name_plural = _("lịch báo cáo")

    def __str__(self):
        return self.title


class Report(models.Model):
    """A unit's report for one period; resubmitting updates it and keeps the history."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã gửi")

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(default=False)
    sections = models.JSONField(default=dict, blank=True)  # {"results": "...", "next": "..."}
    figures = models.JSONField(default=dict, blank=True)  # indicator id -> value, task counts
    revision = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        ordering = ["-period_start", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "unit", "period_start"], name="plan_report_once"
            )
        ]
        # The dashboard's count of the reports a subtree submitted this year, from the index
        # alone (the rows carry long texts: a scan of the table reads few reports per page).
        indexes = [
            models.Index(fields=["unit", "status", "period_end"], name="plan_report_unit_status")
        ]

    def __str__(self):
        return f"{self.schedule} — {self.unit} — {self.period_start}"


class CalendarFeed(models.Model):
    """A secret, revocable address of a person's deadlines as an ICS calendar."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
