"""What the exchange keeps: this deployment's identity, which local row each foreign key became,
and each import (the file, its dry-run preview and whether it was applied)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Instance(models.Model):
    """One row: the id this deployment writes into the keys it exports, so a file sent back
    (or sent on, and back again) finds the same rows."""

    origin = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.origin.hex


class ExchangeKey(models.Model):
    """A key from a file ("<origin>:task:42") and the local row it was matched to or created as."""

    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="exchange_key_once"),
        ]

    def __str__(self):
        return f"{self.key} → {self.kind} {self.object_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang kiểm tra")
    PREVIEWED = "previewed", _("Đã xem trước")
    APPLYING = "applying", _("Đang áp dụng")
    APPLIED = "applied", _("Đã áp dụng")
    REJECTED = "rejected", _("Có lỗi, chưa áp dụng")
    FAILED = "failed", _("Lỗi hệ thống, chưa áp dụng")


WAITING = {ImportStatus.QUEUED, ImportStatus.APPLYING}


class ExchangeImport(models.Model):
    """An uploaded package: kept between the dry run and the apply, so what is applied is
    exactly what was previewed."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("tệp"), max_length=255, blank=True)
    file_format = models.CharField(max_length=10)
    payload = models.JSONField()
    preview = models.JSONField(default=dict)
    digest = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=ImportStatus.choices)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return self.filename or f"#{self.pk}"
