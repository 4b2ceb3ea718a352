"""The register of official documents, their files and relations, and consultation on drafts.

A document's number, issuer name and signer are kept as they were written on it: a committee
dissolved in 2025 still reads right on its 2020 plan. Numbering rules live in `numbering.py`
(the written form) and `services.py` (what counts as a duplicate, the next free number).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trienkhai.org.models import Person, Term, Unit

from . import numbering


class System(models.TextChoices):
    PARTY = numbering.PARTY, _("Văn bản của Đảng")
    STATE = numbering.STATE, _("Văn bản của Nhà nước")


def type_choices(system: str | None = None) -> list[tuple[str, str]]:
    """(code, "code — name") for a system's document types, or for both."""
    tables = {numbering.PARTY: numbering.PARTY_TYPES, numbering.STATE: numbering.STATE_TYPES}
    seen, out = set(), []
    for key in [system] if system else [numbering.PARTY, numbering.STATE]:
        for code, name in tables[key].items():
            if code not in seen and "-" not in code:
                seen.add(code)
                out.append((code, f"{code} — {name}"))
    return out


class DocStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_CONSULTATION = "consultation", _("Đang lấy ý kiến")
    REVISED = "revised", _("Đã tiếp thu, chỉnh sửa")
    SUBMITTED = "submitted", _("Đã trình ký")
    ISSUED = "issued", _("Đã ban hành")
    AMENDED = "amended", _("Đã được sửa đổi, bổ sung")
    SUPERSEDED = "superseded", _("Đã bị thay thế")
    EXPIRED = "expired", _("Hết hiệu lực")


DRAFT_STATES = {DocStatus.DRAFT, DocStatus.IN_CONSULTATION, DocStatus.REVISED, DocStatus.SUBMITTED}
ISSUED_STATES = {DocStatus.ISSUED, DocStatus.AMENDED, DocStatus.SUPERSEDED, DocStatus.EXPIRED}


class Document(models.Model):
    """An official document: a registered external one, one of ours, or a draft of ours."""

    system = models.CharField(_("hệ thống văn bản"), max_length=10, choices=System.choices)
    doc_type = models.CharField(_("loại văn bản"), max_length=10)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("năm trong số hiệu"), null=True, blank=True)
    number_text = models.CharField(_("số, ký hiệu"), max_length=80, blank=True, db_index=True)
    issuer_code = models.CharField(
        _("ký hiệu cơ quan ban hành"), max_length=40, help_text=_("Ví dụ: ThU, TW, UBND")
    )
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=255)
    issuer_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents_issued",
    )
    # The register the document belongs to: its issuer for ours, the registering unit for
    # external ones (a Central Committee regulation registered by the City Office).
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("sổ đăng ký của"), on_delete=models.PROTECT, related_name="documents"
    )
    is_external = models.BooleanField(_("văn bản của cơ quan khác"), default=False)
    term = models.ForeignKey(
        Term, verbose_name=_("nhiệm kỳ"), null=True, blank=True, on_delete=models.PROTECT
    )
    signer = models.ForeignKey(
        Person, verbose_name=_("người ký"), null=True, blank=True, on_delete=models.PROTECT
    )
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True, db_index=True)
    summary = models.TextField(_("trích yếu"))
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=DocStatus.choices, default=DocStatus.DRAFT
    )
    # Number, summary, issuer and the text of the files, folded (no diacritics, lower case):
    # searched with LIKE on SQLite and through a trigram index on PostgreSQL.
    search_text = models.TextField(editable=False, default="")
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["issuer_code", "doc_type", "number"], name="doc_number_key"),
            models.Index(fields=["owner_unit", "status"], name="doc_owner_status"),
            models.Index(fields=["doc_type", "issued_on"], name="doc_type_date"),
            # The register's visibility rule starts with "every external document": with this
            # index PostgreSQL can combine it with the text search index (see rules.visible_q).
            models.Index(fields=["id"], condition=models.Q(is_external=True), name="doc_external"),
            # A compliance cell asks for a unit's earliest issued document of a type: with the
            # date, id and status as its last columns that is an index-only scan, no heap visit (the
            # national dashboard's 58,642 cells: 392 ms with the issuer index alone, ~150 ms).
            models.Index(
                fields=["issuer_unit", "doc_type", "issued_on", "id", "status"],
                name="doc_issuer_type_date",
            ),
        ]

    def __str__(self):
        label = self.number_text or _("Dự thảo")
        return f"{label} — {self.summary[:120]}"

    @property
    def type_name(self) -> str:
        table = numbering.PARTY_TYPES if self.system == numbering.PARTY else numbering.STATE_TYPES
        return table.get(self.doc_type, self.doc_type)

    @property
    def is_draft(self) -> bool:
        return self.status in DRAFT_STATES


class DocumentVersion(models.Model):
    """One version of a draft (v1 circulated, v2 revised after comments...)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("phiên bản"))
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="doc_version_once")
        ]

    def __str__(self):
        return _("Phiên bản %(n)d") % {"n": self.number}


class DocumentFile(models.Model):
    """A file of a document (or of one version of a draft), with its text for search."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        XLSX = "xlsx", "XLSX"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    version = models.ForeignKey(
        DocumentVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    file = models.FileField(_("tệp"), upload_to="documents/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    kind = models.CharField(_("định dạng"), max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    text = models.TextField(_("nội dung văn bản"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "-uploaded_at"]

    def __str__(self):
        return self.original_name


class RelationKind(models.TextChoices):
    IMPLEMENTS = "implements", _("triển khai thực hiện")
    BASED_ON = "based_on", _("căn cứ")
    REPLACES = "replaces", _("thay thế")
    AMENDS = "amends", _("sửa đổi, bổ sung")
    GUIDES = "guides", _("hướng dẫn")


# How the other side reads the relation: "07-KH/ThU implements the Congress resolution" is,
# seen from the resolution, "implemented by 07-KH/ThU".
INVERSE_LABELS = {
    RelationKind.IMPLEMENTS: _("được triển khai bởi"),
    RelationKind.BASED_ON: _("là căn cứ của"),
    RelationKind.REPLACES: _("bị thay thế bởi"),
    RelationKind.AMENDS: _("được sửa đổi, bổ sung bởi"),
    RelationKind.GUIDES: _("được hướng dẫn bởi"),
}


class DocumentRelation(models.Model):
    """`source` <kind> `target`: 07-KH/ThU implements the Congress resolution."""

    source = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="relations_out")
    target = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="relations_in")
    kind = models.CharField(_("quan hệ"), max_length=20, choices=RelationKind.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="doc_relation_once"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="doc_relation_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.source} — {self.get_kind_display()} — {self.target}"


class StatusChange(models.Model):
    """A step in a document's life, for its timeline."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=DocStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=DocStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["document_id", "at", "id"]

    def __str__(self):
        return f"{self.document_id}: {self.from_status} → {self.to_status}"


class Consultation(models.Model):
    """One round of comments on a version of a draft."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="consultations")
    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="rounds")
    round_number = models.PositiveSmallIntegerField(_("lần lấy ý kiến"))
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("lời nhắn"), blank=True)
    opened_at = models.DateTimeField(_("mở lúc"), auto_now_add=True)
    deadline = models.DateTimeField(_("hạn góp ý"))
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đợt lấy ý kiến")
        verbose_name_plural = _("đợt lấy ý kiến")
        ordering = ["document_id", "round_number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "round_number"], name="doc_round_once")
        ]

    def __str__(self):
        return _("Lấy ý kiến lần %(n)d: %(doc)s") % {"n": self.round_number, "doc": self.document}

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_overdue(self) -> bool:
        """Still open after its deadline: the organiser should remind or close it."""
        return self.closed_at is None and self.deadline < timezone.now()


class Recipient(models.Model):
    """A person asked for comments in a round; `answered_at` is set by a comment or "no comment"."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="recipients"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consultations")
    title = models.CharField(_("chức vụ"), max_length=200, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    no_comment = models.BooleanField(_("không có ý kiến"), default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["consultation_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "person"], name="doc_recipient_once")
        ]

    def __str__(self):
        return f"{self.person} ({self.consultation_id})"


class Resolution(models.TextChoices):
    PENDING = "pending", _("Chưa xử lý")
    ACCEPTED = "accepted", _("Tiếp thu")
    PARTLY = "partly", _("Tiếp thu một phần")
    EXPLAINED = "explained", _("Giải trình")


class Comment(models.Model):
    """A recipient's comment on the whole draft or on one article/paragraph of it."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="comments"
    )
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="comments")
    section = models.CharField(
        _("điều, khoản"),
        max_length=100,
        blank=True,
        help_text=_("Để trống nếu góp ý chung cho cả dự thảo. Ví dụ: Điều 5, khoản 2"),
    )
    text = models.TextField(_("nội dung góp ý"))
    created_at = models.DateTimeField(auto_now_add=True)
    is_late = models.BooleanField(_("gửi sau hạn"), default=False)
    # A token carried by the comment form: a second submission of the same form (double click,
    # reload) finds the first comment instead of making a copy.
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    resolution = models.CharField(
        _("xử lý"), max_length=20, choices=Resolution.choices, default=Resolution.PENDING
    )
    response = models.TextField(_("nội dung tiếp thu, giải trình"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    answered_in = models.ForeignKey(
        DocumentVersion,
        verbose_name=_("đã chỉnh sửa trong phiên bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answered_comments",
    )

    class Meta:
        verbose_name = _("ý kiến góp ý")
        verbose_name_plural = _("ý kiến góp ý")
        ordering = ["consultation_id", "id"]

    def __str__(self):
        return f"{self.recipient.person}: {self.text[:80]}"
