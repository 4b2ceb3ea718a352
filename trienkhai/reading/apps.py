from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadingConfig(AppConfig):
    name = "trienkhai.reading"
    label = "reading"
    verbose_name = _("Đọc văn bản")
