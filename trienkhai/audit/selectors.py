from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from .models import AuditEntry


def audit_entries_for(obj: Model) -> QuerySet[AuditEntry]:
    """The history of one record, newest first, with the actor loaded."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
    ).select_related("actor", "content_type")


def audit_entries_for_many(*groups) -> QuerySet[AuditEntry]:
    """The joint history of several records (a campaign and its delegations), newest first;
    each group is a model instance or a QuerySet of one model."""
    q = Q(pk__in=[])
    for group in groups:
        if isinstance(group, Model):
            ct = ContentType.objects.get_for_model(group, for_concrete_model=True)
            q |= Q(content_type=ct, object_id=str(group.pk))
        else:
            ct = ContentType.objects.get_for_model(group.model, for_concrete_model=True)
            ids = [str(pk) for pk in group.values_list("pk", flat=True)]
            q |= Q(content_type=ct, object_id__in=ids)
    return (
        AuditEntry.objects.filter(q).select_related("actor", "content_type").order_by("-at", "-id")
    )
