"""What plans do when other apps announce something. Connected in `PlansConfig.ready()`."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from trienkhai.documents.signals import document_issued
from trienkhai.org.signals import unit_moved

from . import tallies, tasks
from .models import Task


def close_tasks_on_output(sender, document, **kwargs):
    """A document was issued: the tasks whose expected output it is are done."""
    tasks.task_close_by_document(document=document)


# --- the task tallies follow every saved or deleted task ---------------------------------------
def tally_before_save(sender, instance, raw=False, **kwargs):
    instance._tally_before = None if raw or instance.pk is None else tallies.stored_key(instance.pk)


def tally_after_save(sender, instance, raw=False, **kwargs):
    if not raw:
        tallies.task_changed(getattr(instance, "_tally_before", None), tallies.key_of(instance))


def tally_before_delete(sender, instance, **kwargs):
    instance._tally_before = tallies.stored_key(instance.pk)


def tally_after_delete(sender, instance, **kwargs):
    tallies.task_changed(getattr(instance, "_tally_before", None), None)


def recount_tallies_on_move(sender, unit, old_path, new_path, **kwargs):
    """Paths below a moved unit changed: when the keys of their tasks did too (a move across
    the branches the tallies keep), they are recounted."""
    if tallies.keys_change(old_path, new_path):
        tallies.rebuild()


def connect() -> None:
    document_issued.connect(close_tasks_on_output, dispatch_uid="plans.close_tasks_on_output")
    pre_save.connect(tally_before_save, sender=Task, dispatch_uid="plans.tally_before_save")
    post_save.connect(tally_after_save, sender=Task, dispatch_uid="plans.tally_after_save")
    pre_delete.connect(tally_before_delete, sender=Task, dispatch_uid="plans.tally_before_delete")
    post_delete.connect(tally_after_delete, sender=Task, dispatch_uid="plans.tally_after_delete")
    unit_moved.connect(recount_tallies_on_move, dispatch_uid="plans.recount_tallies_on_move")
