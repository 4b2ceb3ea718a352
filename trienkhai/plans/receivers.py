"""What plans do when other apps announce something. Connected in `PlansConfig.ready()`."""

from trienkhai.documents.signals import document_issued

from . import tasks


def close_tasks_on_output(sender, document, **kwargs):
    """A document was issued: the tasks whose expected output it is are done."""
    tasks.task_close_by_document(document=document)


def connect() -> None:
    document_issued.connect(close_tasks_on_output, dispatch_uid="plans.close_tasks_on_output")
