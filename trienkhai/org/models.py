"""The organisation tree, its history, people in positions, and who may see what.

The current tree is a materialized path (treebeard MP_Node): a subtree is one indexed prefix
query. History is kept beside it in `UnitPeriod` rows (name, kind and parent over a date range),
written by the reorganisation services, so the tree can be drawn as of any date.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from trienkhai.lib.dates import overlaps
from trienkhai.lib.text import fold


class Sector(models.TextChoices):
    PARTY = "party", _("Đảng")
    STATE = "state", _("Chính quyền")
    MASS = "mass", _("Mặt trận, đoàn thể")
    OTHER = "other", _("Khác")


class UnitKind(models.TextChoices):
    PROVINCIAL_PARTY_COMMITTEE = "provincial_party_committee", _("Tỉnh ủy, Thành ủy trực thuộc TW")
    CITY_PARTY_COMMITTEE = "city_party_committee", _("Thành ủy (thành phố thuộc tỉnh)")
    DISTRICT_PARTY_COMMITTEE = "district_party_committee", _("Huyện ủy, Quận ủy, Thị ủy")
    GRASSROOTS_PARTY_COMMITTEE = (
        "grassroots_party_committee",
        _("Đảng ủy cơ sở, Đảng ủy xã, phường"),
    )
    PARTY_CELL = "party_cell", _("Chi bộ")
    EXECUTIVE_COMMITTEE = "executive_committee", _("Ban Chấp hành")
    STANDING_COMMITTEE = "standing_committee", _("Ban Thường vụ")
    STANDING_BOARD = "standing_board", _("Thường trực cấp ủy")
    PARTY_BOARD = "party_board", _("Ban đảng, Văn phòng cấp ủy")
    PROVINCE = "province", _("Tỉnh, thành phố trực thuộc TW")
    DISTRICT = "district", _("Huyện, quận, thị xã, thành phố thuộc tỉnh")
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ngành, phòng ban")
    MASS_ORGANISATION = "mass_organisation", _("Mặt trận, đoàn thể")
    OTHER = "other", _("Khác")


PARTY_KINDS = {
    UnitKind.PROVINCIAL_PARTY_COMMITTEE,
    UnitKind.CITY_PARTY_COMMITTEE,
    UnitKind.DISTRICT_PARTY_COMMITTEE,
    UnitKind.GRASSROOTS_PARTY_COMMITTEE,
    UnitKind.PARTY_CELL,
    UnitKind.EXECUTIVE_COMMITTEE,
    UnitKind.STANDING_COMMITTEE,
    UnitKind.STANDING_BOARD,
    UnitKind.PARTY_BOARD,
}
STATE_KINDS = {
    UnitKind.PROVINCE,
    UnitKind.DISTRICT,
    UnitKind.COMMUNE,
    UnitKind.PEOPLES_COMMITTEE,
    UnitKind.DEPARTMENT,
}


class EndReason(models.TextChoices):
    DISSOLVED = "dissolved", _("Giải thể")
    MERGED = "merged", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia tách")


class Unit(MP_Node):
    """An organisation, body or administrative division; a node of the current tree."""

    kind = models.CharField(_("loại đơn vị"), max_length=40, choices=UnitKind.choices)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    official_code = models.CharField(
        _("mã chính thức"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("Mã hành chính hoặc mã tổ chức; chỉ để tra cứu, có thể bị dùng lại."),
    )
    # A stable key given by an importer ("vietnam-provinces/2025:ward:28777") so loading the
    # same source twice finds the same row; administrative codes alone are not keys.
    source_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    name_folded = models.CharField(max_length=255, editable=False)
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    ended_on = models.DateField(_("ngày kết thúc"), null=True, blank=True, db_index=True)
    end_reason = models.CharField(
        _("lý do kết thúc"), max_length=20, choices=EndReason.choices, blank=True
    )
    counterpart = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị tương ứng"),
        help_text=_("Liên kết giữa cây Đảng và cây chính quyền, ví dụ Đảng ủy xã và UBND xã."),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        # `path` is unique: PostgreSQL already gets a varchar_pattern_ops index for prefix queries.
        indexes = [models.Index(fields=["kind", "path"], name="org_unit_kind_path")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def active_on(self, day: dt.date) -> bool:
        return overlaps(self.established_on, self.ended_on, day)

    @property
    def sector(self) -> str:
        if self.kind in PARTY_KINDS:
            return Sector.PARTY
        if self.kind in STATE_KINDS:
            return Sector.STATE
        if self.kind == UnitKind.MASS_ORGANISATION:
            return Sector.MASS
        return Sector.OTHER

    def parent_unit(self) -> "Unit | None":
        """The parent in the current tree (None for a root)."""
        if self.depth <= 1:
            return None
        return Unit.objects.filter(path=self.path[: -self.steplen]).first()

    def is_within(self, other: "Unit") -> bool:
        """True when this unit is `other` or one of its descendants (in the current tree)."""
        return self.path.startswith(other.path)


class ReorgEvent(models.Model):
    """A dated change of the tree: establishing, renaming, moving, merging, splitting, dissolving."""

    class Kind(models.TextChoices):
        ESTABLISH = "establish", _("Thành lập")
        RENAME = "rename", _("Đổi tên")
        MOVE = "move", _("Chuyển trực thuộc")
        MERGE = "merge", _("Hợp nhất, sáp nhập")
        SPLIT = "split", _("Chia tách")
        DISSOLVE = "dissolve", _("Giải thể")

    kind = models.CharField(_("loại sự kiện"), max_length=20, choices=Kind.choices)
    effective_on = models.DateField(_("ngày hiệu lực"), db_index=True)
    legal_basis = models.CharField(
        _("căn cứ"),
        max_length=300,
        blank=True,
        help_text=_("Số, ký hiệu văn bản quyết định, ví dụ 1664/NQ-UBTVQH15."),
    )
    summary = models.CharField(_("tóm tắt"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện sắp xếp tổ chức")
        verbose_name_plural = _("sự kiện sắp xếp tổ chức")
        ordering = ["-effective_on", "-id"]

    def __str__(self):
        return f"{self.effective_on:%d-%m-%Y} {self.get_kind_display()}: {self.summary}"


class ReorgEventUnit(models.Model):
    """A unit's part in an event: the unit changed, a source merged away, a result, a parent."""

    class Role(models.TextChoices):
        SUBJECT = "subject", _("Đơn vị thay đổi")
        SOURCE = "source", _("Đơn vị nguồn")
        RESULT = "result", _("Đơn vị kết quả")
        OLD_PARENT = "old_parent", _("Trực thuộc cũ")
        NEW_PARENT = "new_parent", _("Trực thuộc mới")

    event = models.ForeignKey(ReorgEvent, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="event_roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "unit", "role"], name="org_event_unit_role_once"
            )
        ]

    def __str__(self):
        return f"{self.unit} ({self.get_role_display()})"


class UnitPeriod(models.Model):
    """What a unit was called, what it was and where it sat, between two dates.

    valid_from is inclusive, valid_to exclusive; None on either side means open.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="periods")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=60, blank=True)
    name_folded = models.CharField(max_length=255)
    kind = models.CharField(max_length=40, choices=UnitKind.choices)
    parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="child_periods"
    )
    event = models.ForeignKey(
        ReorgEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="periods"
    )

    class Meta:
        ordering = ["unit_id", "valid_from"]
        indexes = [
            models.Index(fields=["parent", "valid_from"], name="org_period_parent_from"),
            models.Index(fields=["unit", "valid_from"], name="org_period_unit_from"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="org_period_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.name} [{self.valid_from or '…'} – {self.valid_to or '…'})"

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class UnitSuccession(models.Model):
    """`successor` took over (part of) `predecessor` in a merge or split."""

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successions")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessions")
    event = models.ForeignKey(ReorgEvent, on_delete=models.PROTECT, related_name="successions")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "event"], name="org_succession_once"
            )
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"


class Term(models.Model):
    """A term of office of a unit: "khóa XII, nhiệm kỳ 2020–2025"."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="terms"
    )
    name = models.CharField(_("tên khóa, nhiệm kỳ"), max_length=100, help_text=_("Ví dụ: Khóa XII"))
    number = models.PositiveSmallIntegerField(_("số khóa"), null=True, blank=True)
    start_on = models.DateField(_("bắt đầu"))
    end_on = models.DateField(_("kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = _("nhiệm kỳ")
        ordering = ["unit_id", "-start_on"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="org_term_name_once_per_unit")
        ]

    def __str__(self):
        years = (
            f"{self.start_on.year}–{self.end_on.year}" if self.end_on else f"{self.start_on.year}–"
        )
        return f"{self.name} ({years})"

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError(
                {"end_on": _("Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu.")}
            )


class Person(models.Model):
    """A cadre or member; may have a login account."""

    full_name = models.CharField(_("họ và tên"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản đăng nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    home_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị quản lý hồ sơ"),
        on_delete=models.PROTECT,
        related_name="people_managed",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["full_name", "id"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)


class PositionRole(models.TextChoices):
    SECRETARY = "secretary", _("Bí thư")
    DEPUTY_SECRETARY = "deputy_secretary", _("Phó Bí thư")
    STANDING_MEMBER = "standing_member", _("Ủy viên Ban Thường vụ")
    EXECUTIVE_MEMBER = "executive_member", _("Ủy viên Ban Chấp hành")
    CHAIR = "chair", _("Chủ tịch")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch")
    HEAD = "head", _("Trưởng ban, Chánh Văn phòng, Giám đốc")
    DEPUTY_HEAD = "deputy_head", _("Phó Trưởng ban, Phó Chánh Văn phòng, Phó Giám đốc")
    STAFF = "staff", _("Chuyên viên, cán bộ")
    MEMBER = "member", _("Thành viên, đảng viên")
    OTHER = "other", _("Khác")


class Position(models.Model):
    """A person holding a role in a unit between two dates."""

    person = models.ForeignKey(
        Person, verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="positions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="positions"
    )
    role = models.CharField(_("chức vụ"), max_length=30, choices=PositionRole.choices)
    title = models.CharField(
        _("chức danh đầy đủ"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Phó Trưởng Ban Tuyên giáo Thành ủy"),
    )
    term = models.ForeignKey(
        Term,
        verbose_name=_("nhiệm kỳ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    start_on = models.DateField(_("từ ngày"))
    end_on = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        ordering = ["unit_id", "role", "-start_on"]
        indexes = [models.Index(fields=["unit", "end_on"], name="org_position_unit_current")]

    def __str__(self):
        return f"{self.person} — {self.display_title} ({self.unit})"

    @property
    def display_title(self) -> str:
        return self.title or self.get_role_display()

    @property
    def is_current(self) -> bool:
        return self.end_on is None or self.end_on >= dt.date.today()


class AccessRole(models.TextChoices):
    MANAGER = "manager", _("Quản lý")
    EDITOR = "editor", _("Biên tập")
    VIEWER = "viewer", _("Xem")


class Access(models.Model):
    """A user's role over a unit and everything below it. Administrators are superusers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="accesses",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("phạm vi"), on_delete=models.PROTECT, related_name="accesses"
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=AccessRole.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyền truy cập")
        verbose_name_plural = _("quyền truy cập")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="org_access_one_role_per_unit")
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
