"""Template tags through which other apps' pages show the work that carries out a document.

The register (a lower layer) knows nothing of plans; its document page loads this tag, so the
one-way import rule holds in the code while the page shows the whole chain.
"""

from django import template
from django.db.models import Count, Q

from .. import rules
from ..models import CLOSED_STATUSES, Programme, Task

register = template.Library()


@register.inclusion_tag("plans/partials/document_work.html", takes_context=True)
def document_work(context, document):
    """The programmes under `document` and the tasks it assigned, as far as the user may see."""
    user = context["request"].user
    programmes = rules.filter_programmes(user, Programme.objects.filter(document=document))
    tasks = rules.filter_tasks(user, Task.objects.filter(assigning_document=document))
    counts = tasks.aggregate(
        total=Count("id"), closed=Count("id", filter=Q(status__in=CLOSED_STATUSES))
    )
    return {
        "programmes": programmes.select_related("owner_unit").order_by("title"),
        "tasks": tasks.select_related("lead_unit").order_by("deadline_end", "id")[:20],
        "task_counts": counts,
    }
