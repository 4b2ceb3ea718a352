"""Background jobs of the exchange: an import's dry run and its apply can take a minute for a
city's five-year plan, longer than a page request may wait."""

from celery import shared_task


@shared_task(ignore_result=True)
def preview_import(record_id: int) -> None:
    from .services import run_preview

    run_preview(record_id)


@shared_task(ignore_result=True)
def apply_import(record_id: int) -> None:
    from .services import run_apply

    run_apply(record_id)
