"""What an organisation shows the public: its site, and the news it writes there.

Nothing is public by default: a unit opens its site explicitly, and a post is seen outside only
once it is published on an open site. Everything else of the product stays behind the login.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trienkhai.org.models import Unit


class PublicSite(models.Model):
    """A unit's public site: its address (/p/<slug>/), its name and how comments are moderated."""

    class Moderation(models.TextChoices):
        BEFORE = "before", _("Duyệt trước, hiện sau khi được duyệt")
        AFTER = "after", _("Hiện ngay, duyệt sau")

    unit = models.OneToOneField(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="public_site"
    )
    slug = models.SlugField(_("địa chỉ"), max_length=60, unique=True)
    title = models.CharField(_("tên trang"), max_length=200)
    intro = models.TextField(_("giới thiệu"), blank=True)
    moderation = models.CharField(
        _("duyệt ý kiến"), max_length=10, choices=Moderation.choices, default=Moderation.BEFORE
    )
    is_open = models.BooleanField(_("đang mở cho công chúng"), default=False)
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trang công khai")
        verbose_name_plural = _("trang công khai")
        ordering = ["title", "id"]

    def __str__(self):
        return self.title


class Category(models.Model):
    """A heading the site's news are filed under (Tin hoạt động, Thông báo…)."""

    site = models.ForeignKey(PublicSite, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("tên chuyên mục"), max_length=100)
    slug = models.SlugField(max_length=120)

    class Meta:
        verbose_name = _("chuyên mục")
        verbose_name_plural = _("chuyên mục")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="public_category_once")
        ]

    def __str__(self):
        return self.name


class Post(models.Model):
    """A news post written in the product; seen by the public once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã đăng")

    site = models.ForeignKey(PublicSite, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("tiêu đề"), max_length=300)
    slug = models.SlugField(max_length=120)
    summary = models.CharField(_("tóm tắt"), max_length=500, blank=True)
    body = models.TextField(_("nội dung"))
    author_name = models.CharField(_("tác giả"), max_length=200)
    categories = models.ManyToManyField(
        Category, verbose_name=_("chuyên mục"), blank=True, related_name="posts"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(_("ngày đăng"), null=True, blank=True)
    # Title, summary and body folded (no diacritics, lower case): searched with or without them.
    search_text = models.TextField(editable=False, blank=True)
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tin bài")
        verbose_name_plural = _("tin bài")
        ordering = ["-published_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["site", "slug"], name="public_post_once")]
        indexes = [
            models.Index(fields=["site", "status", "published_on"], name="public_post_listed")
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Publication(models.Model):
    """What every publication of a site keeps besides what it shows: who published it and when,
    and its revision (a change made on a stale page is refused)."""

    revision = models.PositiveIntegerField(default=1, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ProgrammePublication(Publication):
    """An action programme shown on a unit's public site: in the words chosen for the public, with
    the indicators chosen one by one (nothing else of the programme is shown)."""

    site = models.ForeignKey(PublicSite, on_delete=models.CASCADE, related_name="programmes")
    programme = models.ForeignKey(
        "plans.Programme",
        verbose_name=_("chương trình"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    summary = models.TextField(_("giới thiệu với công chúng"))
    indicators = models.ManyToManyField(
        "plans.Indicator", verbose_name=_("chỉ tiêu công khai"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("chương trình công khai")
        verbose_name_plural = _("chương trình công khai")
        ordering = ["programme__title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "programme"], name="public_programme_once")
        ]

    def __str__(self):
        return str(self.programme)


class PublicComment(models.Model):
    """A citizen's comment on a post or on a programme shown on the site.

    The name is shown; the contact, the address's key and the text's key are never shown to the
    public (they serve the reply and the spam defences) and are deleted with the comment when its
    writer asks."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        PUBLISHED = "published", _("Đang hiện")
        REJECTED = "rejected", _("Không đăng")

    site = models.ForeignKey(PublicSite, on_delete=models.CASCADE, related_name="comments")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    programme = models.ForeignKey(
        ProgrammePublication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    # Kept when the programme is taken off the site, so its feedback still counts inside.
    about_programme = models.ForeignKey(
        "plans.Programme", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("họ tên"), max_length=100)
    contact = models.CharField(
        _("điện thoại hoặc email (không công khai)"), max_length=200, blank=True
    )
    body = models.TextField(_("ý kiến"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("lý do không đăng"), max_length=300, blank=True)
    reply = models.TextField(_("trả lời của đơn vị"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    reports = models.PositiveIntegerField(default=0)
    needs_review = models.BooleanField(default=True)
    client_key = models.CharField(max_length=64, editable=False)
    body_key = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ý kiến người dân")
        verbose_name_plural = _("ý kiến người dân")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["site", "needs_review", "created_at"], name="public_comment_queue"
            ),
            models.Index(fields=["site", "body_key"], name="public_comment_dupes"),
        ]

    def __str__(self):
        return f"{self.name}: {self.body[:60]}"


class PostImage(models.Model):
    """A picture in a post, with the caption shown under it and the text read in its place."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(upload_to="public/%Y/")
    kind = models.CharField(max_length=10, editable=False)  # png, jpeg, gif: from the content
    caption = models.CharField(_("chú thích"), max_length=300, blank=True)
    alt = models.CharField(_("mô tả ảnh cho người không xem được"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ảnh trong tin")
        verbose_name_plural = _("ảnh trong tin")
        ordering = ["post_id", "position", "id"]

    def __str__(self):
        return self.caption or self.alt


class SurveyPublication(Publication):
    """A survey's results shown on a unit's public site: counts of the questions chosen (never a
    free text, never a single form), with an introduction for the public."""

    site = models.ForeignKey(PublicSite, on_delete=models.CASCADE, related_name="surveys")
    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.PROTECT, related_name="publications"
    )
    summary = models.TextField(_("giới thiệu với công chúng"))
    questions = models.ManyToManyField(
        "surveys.Question", verbose_name=_("câu hỏi công khai"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("kết quả khảo sát công khai")
        verbose_name_plural = _("kết quả khảo sát công khai")
        ordering = ["-published_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "survey"], name="public_survey_once")
        ]

    def __str__(self):
        return str(self.survey)


class DocumentPublication(Publication):
    """An issued document shown on a unit's public site: its number, date, issuer and summary,
    an introduction for the public, and the files chosen one by one."""

    site = models.ForeignKey(PublicSite, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="publications"
    )
    summary = models.TextField(_("giới thiệu với công chúng"), blank=True)
    files = models.ManyToManyField(
        "documents.DocumentFile", verbose_name=_("tệp công khai"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("văn bản công khai")
        verbose_name_plural = _("văn bản công khai")
        ordering = ["-published_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "document"], name="public_document_once")
        ]

    def __str__(self):
        return str(self.document)


class TaskGroupPublication(Publication):
    """A group of tasks shown on a unit's public site: a task and the subtasks chosen, each with
    its lead unit, deadline, status and progress (never a comment, a piece of evidence, a reason
    written inside or a person)."""

    site = models.ForeignKey(PublicSite, on_delete=models.CASCADE, related_name="task_groups")
    task = models.ForeignKey("plans.Task", on_delete=models.PROTECT, related_name="publications")
    summary = models.TextField(_("giới thiệu với công chúng"))
    tasks = models.ManyToManyField(
        "plans.Task", verbose_name=_("nhiệm vụ con công khai"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("nhóm nhiệm vụ công khai")
        verbose_name_plural = _("nhóm nhiệm vụ công khai")
        ordering = ["task__title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "task"], name="public_task_group_once")
        ]

    def __str__(self):
        return str(self.task)


class CampaignPublication(Publication):
    """A dissemination campaign shown on a unit's public site: its period, the documents studied
    and how many people of the target groups chosen were reached, by delegated unit (never a
    class's list of attendees, a presenter or a note)."""

    site = models.ForeignKey(PublicSite, on_delete=models.CASCADE, related_name="campaigns")
    campaign = models.ForeignKey(
        "outreach.Campaign", on_delete=models.PROTECT, related_name="publications"
    )
    summary = models.TextField(_("giới thiệu với công chúng"))
    target_groups = models.ManyToManyField(
        "outreach.TargetGroup", verbose_name=_("đối tượng công khai"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("đợt quán triệt công khai")
        verbose_name_plural = _("đợt quán triệt công khai")
        ordering = ["-published_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "campaign"], name="public_campaign_once")
        ]

    def __str__(self):
        return str(self.campaign)
