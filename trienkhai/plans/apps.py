from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "trienkhai.plans"
    label = "plans"
    verbose_name = _("Chương trình, nhiệm vụ")

    def ready(self):
        from . import receivers

        receivers.connect()
