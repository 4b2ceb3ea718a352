"""The audit log: who changed which official record, when, and from what to what."""

import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Sửa")
        REORGANISE = "reorganise", _("Sắp xếp lại tổ chức")
        END = "end", _("Kết thúc")
        IMPORT = "import", _("Nhập từ tệp")
        GRANT = "grant", _("Phân quyền")
        REVOKE = "revoke", _("Thu hồi quyền")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=300)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    def labelled_changes(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) in the reader's language, empty values left out."""
        model = self.content_type.model_class()
        rows = []
        for name, pair in self.changes.items():
            before, after = (
                (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            )
            if before in (None, "") and after in (None, ""):
                continue
            label, choices = str(_FIELD_LABELS.get(name, name)), {}
            if model is not None:
                try:
                    field = model._meta.get_field(name)
                except FieldDoesNotExist:  # a computed key such as "parent"
                    field = None
                if field is not None:
                    # A reverse relation has no verbose name; keep the label found above.
                    label = str(getattr(field, "verbose_name", label))
                    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
            rows.append((label, _readable(before, choices), _readable(after, choices)))
        return rows


def _readable(value, choices: dict):
    if isinstance(value, bool):  # a raw True/False would show in English on a Vietnamese page
        return _("Có") if value else _("Không")
    if isinstance(value, list | tuple):  # units merged, recipients: each item read the same way
        return ", ".join(str(_readable(item, choices)) for item in value)
    if isinstance(value, dict):  # counts of an import
        return "; ".join(f"{key}: {_readable(item, choices)}" for key, item in value.items())
    if value in choices:
        return choices[value]
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        year, month, day = value.split("-")
        return f"{day}-{month}-{year}"
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FIELD_LABELS = {
    "parent": _("trực thuộc"),
    "predecessors": _("tiếp nhận từ"),
    "attendee_count": _("số người trong danh sách"),
    "present_count": _("có mặt"),
    "absent_count": _("vắng"),
    "excused_count": _("vắng có lý do"),
}
