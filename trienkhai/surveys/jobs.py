"""Background jobs of surveys: thin wrappers over services, safe to run twice."""

from celery import shared_task

from trienkhai.celery import app as _app  # noqa: F401

from . import anonymity


@shared_task(ignore_result=True)
def reseal_codes() -> int:
    """Erase the order of code use from PostgreSQL's hidden columns (see anonymity)."""
    return anonymity.codes_reseal()
