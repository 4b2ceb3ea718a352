"""`{% shown_publicly thing %}`: on the page of a programme, task, campaign, survey or document
inside the product, where the public sees it (each kind's publications are its `publications`),
so that nobody changes it without knowing it is public."""

from django import template

register = template.Library()


@register.inclusion_tag("public/manage/shown_publicly.html")
def shown_publicly(thing):
    publications = getattr(thing, "publications", None)
    if publications is None:
        return {"shown": []}
    return {"shown": list(publications.select_related("site").order_by("site__title"))}
