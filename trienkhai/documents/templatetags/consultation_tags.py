"""`{% consultation_panel document %}`: the consultation box of a document's page (its rounds,
and the actions the user may take on the draft)."""

from django import template

from trienkhai.documents import consultation as consult
from trienkhai.documents import rules
from trienkhai.documents.models import DocStatus

register = template.Library()


@register.inclusion_tag("documents/consultation/partials/panel.html", takes_context=True)
def consultation_panel(context, document):
    request = context.get("request")
    user = getattr(request, "user", None)
    if document is None or user is None or not user.is_authenticated:
        return {"show": False}
    rounds = list(consult.rounds_of(document))
    can_edit = rules.can_edit(user, document)
    person = getattr(user, "person", None)
    my_rounds = (
        set(document.consultations.filter(recipients__person=person).values_list("pk", flat=True))
        if person is not None
        else set()
    )
    running = any(r.is_open for r in rounds)
    submittable = {DocStatus.DRAFT, DocStatus.IN_CONSULTATION, DocStatus.REVISED}
    return {
        "show": bool(rounds) or (can_edit and document.is_draft),
        "document": document,
        "rounds": rounds,
        "my_rounds": my_rounds,
        "can_edit": can_edit,
        "can_open": can_edit and document.status in consult.OPENABLE and not running,
        "can_submit": can_edit and document.status in submittable,
        "submit_blockers": consult.submit_blockers(document) if can_edit else [],
        "can_sign": rules.can_sign(user, document),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
