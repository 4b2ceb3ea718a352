"""Template tags through which the document, task and indicator pages show readings.

Those apps sit below this one and never import it; their templates load these tags, as the
document page loads `plans_tags`.
"""

from django import template

from trienkhai.documents import rules as document_rules

from .. import rules, selectors
from ..models import Reading

register = template.Library()


@register.inclusion_tag("reading/partials/source.html", takes_context=True)
def reading_source(context, obj):
    """ "Trích từ văn bản: «…»" for a task or an indicator created from a reading."""
    user = context["request"].user
    quotes = []
    for link in selectors.links_to(obj):
        quotes.append(
            {
                "sentence": link.sentence,
                "reading": link.reading,
                "anchor": link.anchor,
                "visible": rules.can_view(user, link.reading),
            }
        )
    return {"quotes": quotes}


@register.inclusion_tag("reading/partials/document_panel.html", takes_context=True)
def document_readings(context, document):
    """The "read this document" button, and the earlier readings of it the user may see."""
    user = context["request"].user
    can_read = document_rules.can_edit(user, document) and rules.can_read_for(
        user, document.owner_unit
    )
    readings = rules.filter_readings(
        user, Reading.objects.filter(document=document).select_related("created_by")
    )
    return {"document": document, "can_read": can_read, "readings": list(readings[:10])}
