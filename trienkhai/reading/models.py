"""A text read for a unit (optionally the text of one of its documents), and what came of it.

`Reading.found` keeps what the extractor found when the text was read, spans included, so the
review screen and the "create" click work on the same items even after the rules improve.
Each object created from the text keeps a `ReadingLink` to the sentence it came from.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trienkhai.documents.models import Document, DocumentRelation
from trienkhai.org.models import Unit
from trienkhai.plans.models import Indicator, Task


class Reading(models.Model):
    """One text read on behalf of `unit`: the tasks it proposes are assigned by that unit."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="readings"
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("văn bản được đọc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="readings",
    )
    text = models.TextField(_("nội dung (đã chuẩn hóa)"))
    source_name = models.CharField(_("tệp gốc"), max_length=255, blank=True)
    found = models.JSONField(_("các mục tìm thấy"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, when the chosen proposals are created: a second click finds it set.
    applied_at = models.DateTimeField(_("đã tạo lúc"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("lần đọc văn bản")
        verbose_name_plural = _("lần đọc văn bản")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        what = self.document.number_text if self.document_id else self.source_name
        return f"{what or _('Văn bản dán vào')} ({self.created_at:%d-%m-%Y})"

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None

    def excerpt(self, start: int, end: int) -> str:
        return self.text[start:end]


class ReadingLink(models.Model):
    """Something created from a reading, and the sentence (`start`:`end` of the text) it came
    from."""

    class Kind(models.TextChoices):
        TASK = "task", _("nhiệm vụ")
        INDICATOR = "indicator", _("chỉ tiêu")
        RELATION = "relation", _("quan hệ văn bản")
        DOCUMENT = "document", _("văn bản vào sổ")

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="links")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="reading_links"
    )
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="reading_links"
    )
    relation = models.ForeignKey(
        DocumentRelation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reading_links",
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="reading_links"
    )

    class Meta:
        ordering = ["reading_id", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=models.F("end")), name="reading_span"),
            models.CheckConstraint(
                condition=(
                    Q(kind="task", task__isnull=False)
                    | Q(kind="indicator", indicator__isnull=False)
                    | Q(kind="relation", relation__isnull=False)
                    | Q(kind="document", document__isnull=False)
                ),
                name="reading_link_target",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ← {self.reading_id}:{self.start}-{self.end}"

    @property
    def sentence(self) -> str:
        return self.reading.text[self.start : self.end]

    @property
    def anchor(self) -> str:
        return f"s{self.start}"
