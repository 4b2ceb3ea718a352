from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "trienkhai.surveys"
    label = "surveys"
    verbose_name = _("Khảo sát dư luận")

    def ready(self):
        from .structure import signals_connect

        signals_connect()
