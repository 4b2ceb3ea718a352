"""Background jobs of the documents app: thin wrappers over services, safe to run twice."""

from celery import shared_task

from . import consultation


@shared_task(ignore_result=True)
def send_consultation_reminders(consultation_id: int) -> int:
    """Remind everyone in the round who has not answered (each person claimed atomically, so a
    second run, or a second worker, reminds nobody twice)."""
    return consultation.consultation_send_reminders(consultation_id=consultation_id)
