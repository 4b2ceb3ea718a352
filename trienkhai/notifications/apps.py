from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "trienkhai.notifications"
    label = "notifications"
    verbose_name = _("Thông báo")

    def ready(self):
        # Load the Celery app with Django, so jobs queued from any app use its settings (eager
        # in the embedded default, the Redis broker in production).
        from trienkhai import celery  # noqa: F401
