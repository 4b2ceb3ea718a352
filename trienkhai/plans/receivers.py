"""What plans do when other apps announce something. Connected in `PlansConfig.ready()`."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from trienkhai.documents.models import Document, DocumentRelation
from trienkhai.documents.signals import document_issued
from trienkhai.org.signals import unit_moved, units_ended

from . import compliance_cells, indicators, tallies, tasks
from .models import Measurement, RequirementTarget, Task


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


# --- the compliance cells follow the register and the tree -------------------------------------
def issuer_before_save(sender, instance, raw=False, **kwargs):
    instance._issuer_before = (
        None
        if raw or instance.pk is None
        else Document.objects.filter(pk=instance.pk)
        .values_list("issuer_unit_id", flat=True)
        .first()
    )


def cells_after_document_save(sender, instance, raw=False, **kwargs):
    """Issued, withdrawn, retyped, redated or moved to another issuer: its issuers' cells."""
    if not raw:
        compliance_cells.refresh_units(
            {instance.issuer_unit_id, getattr(instance, "_issuer_before", None)}
        )


def cells_after_document_delete(sender, instance, **kwargs):
    compliance_cells.refresh_units({instance.issuer_unit_id})


def cells_after_relation_change(sender, instance, raw=False, **kwargs):
    """A document now carries out (or no longer carries out) a required document."""
    if not raw:
        issuer = (
            Document.objects.filter(pk=instance.source_id)
            .values_list("issuer_unit_id", flat=True)
            .first()
        )
        compliance_cells.refresh_units({issuer})


def cells_after_target_save(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        compliance_cells.refresh(RequirementTarget.objects.filter(pk=instance.pk))


def cells_after_units_ended(sender, unit_ids, **kwargs):
    """Units ended with successors: their successors' documents may now count for them."""
    compliance_cells.refresh(RequirementTarget.objects.filter(unit_id__in=unit_ids))


# --- each series of measurements flags its latest value ----------------------------------------
def latest_after_measurement_change(sender, instance, raw=False, **kwargs):
    if not raw:
        indicators.mark_latest(instance.indicator_id, instance.unit_id)


def connect() -> None:
    document_issued.connect(close_tasks_on_output, dispatch_uid="plans.close_tasks_on_output")
    pre_save.connect(tally_before_save, sender=Task, dispatch_uid="plans.tally_before_save")
    post_save.connect(tally_after_save, sender=Task, dispatch_uid="plans.tally_after_save")
    pre_delete.connect(tally_before_delete, sender=Task, dispatch_uid="plans.tally_before_delete")
    post_delete.connect(tally_after_delete, sender=Task, dispatch_uid="plans.tally_after_delete")
    unit_moved.connect(recount_tallies_on_move, dispatch_uid="plans.recount_tallies_on_move")
    pre_save.connect(issuer_before_save, sender=Document, dispatch_uid="plans.issuer_before_save")
    post_save.connect(
        cells_after_document_save, sender=Document, dispatch_uid="plans.cells_after_document_save"
    )
    post_delete.connect(
        cells_after_document_delete,
        sender=Document,
        dispatch_uid="plans.cells_after_document_delete",
    )
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(
            cells_after_relation_change,
            sender=DocumentRelation,
            dispatch_uid=f"plans.cells_after_relation_{name}",
        )
    post_save.connect(
        cells_after_target_save, sender=RequirementTarget, dispatch_uid="plans.cells_after_target"
    )
    units_ended.connect(cells_after_units_ended, dispatch_uid="plans.cells_after_units_ended")
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(
            latest_after_measurement_change,
            sender=Measurement,
            dispatch_uid=f"plans.latest_after_measurement_{name}",
        )
