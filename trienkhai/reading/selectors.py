"""Reads of what a reading created: its links, and the sentence behind a task or a target."""

from __future__ import annotations

from trienkhai.plans.models import Indicator, Task

from .models import Reading, ReadingLink


def links_of(reading: Reading):
    return reading.links.select_related(
        "task__lead_unit", "indicator__unit", "relation__target", "document"
    ).order_by("start", "id")


def links_to(obj) -> list[ReadingLink]:
    """The sentences a task or an indicator was created from."""
    if isinstance(obj, Task):
        qs = ReadingLink.objects.filter(task=obj)
    elif isinstance(obj, Indicator):
        qs = ReadingLink.objects.filter(indicator=obj)
    else:
        return []
    return list(qs.select_related("reading__unit").order_by("id"))
