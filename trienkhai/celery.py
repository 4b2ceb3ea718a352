"""The Celery application. Jobs live in each app's jobs.py; in the embedded default they run
eagerly in the web process, so the demo needs no broker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
app = Celery("trienkhai")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
