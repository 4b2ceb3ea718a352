"""Who may read a text for a unit, see a reading, and create what it proposes.

Reading a text is the first step of assigning tasks and registering documents for a unit, so
it takes the same right: editing the unit (`org.rules.can_edit_unit`, which is what
`plans` asks before assigning and `documents` before registering). A reading holds the text of
the unit's work: whoever sees the unit sees it.
"""

from django.db.models import QuerySet

from trienkhai.org import rules as org_rules

from .models import Reading


def can_read_for(user, unit) -> bool:
    """Read a text to plan the work of `unit` (and register the documents it cites)."""
    return unit is not None and unit.ended_on is None and org_rules.can_edit_unit(user, unit)


def can_view(user, reading: Reading) -> bool:
    return org_rules.can_view_unit(user, reading.unit)


def can_apply(user, reading: Reading) -> bool:
    """Create the tasks, indicators and document records the reading proposes."""
    return org_rules.can_edit_unit(user, reading.unit)


def filter_readings(user, queryset: QuerySet[Reading]) -> QuerySet[Reading]:
    q = org_rules.visible_q(user, field="unit__path")
    return queryset if q is None else queryset.filter(q)
