"""Dissemination (quán triệt): campaigns that carry documents to target groups through classes.

A campaign belongs to the unit that runs it; it may delegate to sub-units, which hold their own
classes and report. How far a campaign has reached is counted from the classes actually held:
per class and target group, how many were expected and how many attended (typed as counts, or
derived from the list of attendees when the list is known).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trienkhai.documents.models import Document
from trienkhai.lib import dates
from trienkhai.org.models import Person, Unit
from trienkhai.plans.models import Precision


class TargetGroup(models.Model):
    """Đối tượng: a kind of people reached by campaigns and asked by surveys."""

    name = models.CharField(_("tên đối tượng"), max_length=150, unique=True)
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    description = models.CharField(_("mô tả"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("đối tượng")
        verbose_name_plural = _("đối tượng")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Đang chuẩn bị")
    RUNNING = "running", _("Đang triển khai")
    DONE = "done", _("Đã hoàn thành")


class Campaign(models.Model):
    """A dissemination campaign: documents to be studied by target groups, by a deadline."""

    title = models.CharField(_("tên đợt quán triệt"), max_length=300)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT, related_name="campaigns"
    )
    plan_document = models.ForeignKey(
        Document,
        verbose_name=_("kế hoạch triển khai"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns_planned",
    )
    documents = models.ManyToManyField(
        Document,
        verbose_name=_("văn bản quán triệt"),
        blank=True,
        related_name="campaigns",
    )
    description = models.TextField(_("nội dung, yêu cầu"), blank=True)
    start_on = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    deadline = models.DateField(_("thời hạn hoàn thành"), null=True, blank=True)
    deadline_precision = models.CharField(
        _("độ chính xác thời hạn"), max_length=10, choices=Precision.choices, default=Precision.DAY
    )
    deadline_end = models.DateField(editable=False, null=True, blank=True, db_index=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=CampaignStatus.choices,
        default=CampaignStatus.PLANNED,
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("đối tượng"), blank=True, related_name="campaigns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đợt quán triệt")
        verbose_name_plural = _("đợt quán triệt")
        ordering = ["-start_on", "-id"]

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


class Quota(models.Model):
    """How many people of a target group a unit is expected to reach in a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    target_group = models.ForeignKey(
        TargetGroup, verbose_name=_("đối tượng"), on_delete=models.PROTECT, related_name="+"
    )
    expected = models.PositiveIntegerField(_("số người dự kiến"))

    class Meta:
        verbose_name = _("chỉ tiêu số người")
        verbose_name_plural = _("chỉ tiêu số người")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "target_group"], name="outreach_quota_once"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.target_group}: {self.expected}"


class DelegationStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Đã giao")
    REPORTED = "reported", _("Đã báo cáo")


class Delegation(models.Model):
    """The campaign handed to a sub-unit, which holds its own classes and reports back."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="delegations")
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị thực hiện"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    deadline_precision = models.CharField(
        _("độ chính xác thời hạn"), max_length=10, choices=Precision.choices, default=Precision.DAY
    )
    deadline_end = models.DateField(editable=False, null=True, blank=True)
    instructions = models.TextField(_("yêu cầu"), blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=DelegationStatus.choices,
        default=DelegationStatus.ASSIGNED,
    )
    report = models.TextField(_("báo cáo kết quả"), blank=True)
    reported_on = models.DateField(_("ngày báo cáo"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giao đơn vị thực hiện")
        verbose_name_plural = _("giao đơn vị thực hiện")
        ordering = ["campaign_id", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="outreach_delegation_once")
        ]

    def __str__(self):
        return f"{self.campaign} → {self.unit}"

    def save(self, *args, **kwargs):
        self.deadline_end = (
            dates.period_end(self.deadline, self.deadline_precision) if self.deadline else None
        )
        super().save(*args, **kwargs)

    @property
    def deadline_text(self) -> str:
        return dates.format_deadline_vi(self.deadline, self.deadline_precision)


class ClassStatus(models.TextChoices):
    PLANNED = "planned", _("Dự kiến")
    HELD = "held", _("Đã tổ chức")
    CANCELLED = "cancelled", _("Hủy")


class ClassSession(models.Model):
    """One class (lớp quán triệt) held by a unit for some target groups."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="classes")
    organiser = models.ForeignKey(
        Unit, verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT, related_name="classes"
    )
    title = models.CharField(_("tên lớp"), max_length=300)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)
    presenters = models.CharField(_("báo cáo viên"), max_length=500, blank=True)
    materials = models.ManyToManyField(
        Document, verbose_name=_("tài liệu"), blank=True, related_name="classes"
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ClassStatus.choices, default=ClassStatus.PLANNED
    )
    makeup_of = models.ForeignKey(
        "self",
        verbose_name=_("lớp bù cho lớp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="makeups",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lớp quán triệt")
        verbose_name_plural = _("lớp quán triệt")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["campaign", "organiser"], name="outreach_class_unit")]

    def __str__(self):
        return self.title


class ClassGroup(models.Model):
    """Expected and actual attendance of one target group in one class."""

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="groups")
    target_group = models.ForeignKey(
        TargetGroup, verbose_name=_("đối tượng"), on_delete=models.PROTECT, related_name="+"
    )
    expected = models.PositiveIntegerField(_("dự kiến"), default=0)
    attended = models.PositiveIntegerField(_("thực tế tham dự"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "target_group"], name="outreach_class_group_once"
            )
        ]

    def __str__(self):
        return f"{self.session} · {self.target_group}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Có mặt")
    ABSENT = "absent", _("Vắng")
    EXCUSED = "excused", _("Vắng có lý do")


class Attendee(models.Model):
    """A named participant of a class, when the list is known."""

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    workplace = models.CharField(_("đơn vị công tác"), max_length=300, blank=True)
    target_group = models.ForeignKey(
        TargetGroup, verbose_name=_("đối tượng"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("điểm danh"),
        max_length=20,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.PRESENT,
    )
    made_up_in = models.ForeignKey(
        ClassSession,
        verbose_name=_("đã học bù tại lớp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="made_up_attendees",
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("người tham dự")
        verbose_name_plural = _("người tham dự")
        ordering = ["session_id", "full_name", "id"]

    def __str__(self):
        return self.full_name
