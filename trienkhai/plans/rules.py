"""Who may see and change plans, tasks, indicators, requirements and reports.

Work flows down the tree: a unit sees what its ancestors assigned to it, and everything in its
own subtree. A task is visible to those who see its lead unit, its assigning unit, or one of its
coordinating units; it is changed by editors of its lead unit (progress, comments, evidence)
and of its assigning unit (the assignment itself). A ward never sees a sibling ward's tasks.
"""

from django.db.models import Q, QuerySet

from trienkhai.documents.rules import _ancestor_paths
from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit

from .models import Indicator, Programme, Report, Requirement, Task, TaskCoordination


def _in_scope(user, field: str, min_rank: int = org_rules.VIEW) -> Q | None:
    return org_rules.visible_q(user, min_rank, field)


def _any(*qs: Q | None) -> Q | None:
    if any(q is None for q in qs):
        return None
    out = Q(pk__in=[])
    for q in qs:
        out |= q
    return out


def task_visible_q(user) -> Q | None:
    """Tasks led, assigned or coordinated by a unit of the user's scope. Written as "id in (a
    subquery)" rather than joins on the unit paths: each subquery runs once and is hashed, and
    a task comes back once however many of its units are in scope (a million tasks stay fast)."""
    if org_rules.is_admin(user):
        return None
    units = Unit.objects.filter(org_rules.visible_q(user)).values("pk")
    coordinated = TaskCoordination.objects.filter(unit__in=units).values("task_id")
    return Q(lead_unit__in=units) | Q(assigned_by__in=units) | Q(pk__in=coordinated)


def filter_tasks(user, queryset: QuerySet[Task]) -> QuerySet[Task]:
    q = task_visible_q(user)
    if q is None:
        return queryset
    return queryset.filter(q)


def can_view_task(user, task: Task) -> bool:
    return filter_tasks(user, Task.objects.filter(pk=task.pk)).exists()


def can_report_on_task(user, task: Task) -> bool:
    """Update progress and status, comment, attach evidence: the lead unit's editors."""
    return org_rules.can_edit_unit(user, task.lead_unit) or org_rules.can_edit_unit(
        user, task.assigned_by
    )


def can_comment_on_task(user, task: Task) -> bool:
    """Coordinating units may comment and add evidence too."""
    if can_report_on_task(user, task):
        return True
    return any(org_rules.can_edit_unit(user, c.unit) for c in task.coordinations.all())


def can_change_assignment(user, task: Task) -> bool:
    """Title, units, deadline, output: those who assigned it."""
    return org_rules.can_edit_unit(user, task.assigned_by)


def filter_programmes(user, queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    """Programmes of the user's subtree and of its ancestors (they carry them out)."""
    if org_rules.is_admin(user):
        return queryset
    q = _in_scope(user, "owner_unit__path") or Q()
    paths = [p for p, _r in org_rules.scopes(user)]
    q |= Q(owner_unit__path__in=_ancestor_paths(paths))
    return queryset.filter(q)


def can_view_programme(user, programme: Programme) -> bool:
    return filter_programmes(user, Programme.objects.filter(pk=programme.pk)).exists()


def can_edit_programme(user, programme: Programme) -> bool:
    return org_rules.can_edit_unit(user, programme.owner_unit)


def filter_indicators(user, queryset: QuerySet[Indicator]) -> QuerySet[Indicator]:
    if org_rules.is_admin(user):
        return queryset
    q = _in_scope(user, "unit__path") or Q()
    paths = [p for p, _r in org_rules.scopes(user)]
    q |= Q(unit__path__in=_ancestor_paths(paths))
    return queryset.filter(q)


def can_view_indicator(user, indicator: Indicator) -> bool:
    return filter_indicators(user, Indicator.objects.filter(pk=indicator.pk)).exists()


def can_edit_indicator(user, indicator: Indicator) -> bool:
    return org_rules.can_edit_unit(user, indicator.unit)


def can_measure(user, indicator: Indicator, unit) -> bool:
    """Enter a value for `unit`: editors of that unit, which must be the indicator's unit or,
    when the indicator is broken down, one below it."""
    if unit.pk != indicator.unit_id and not (
        indicator.by_subunits and unit.path.startswith(indicator.unit.path)
    ):
        return False
    return org_rules.can_edit_unit(user, unit)


def filter_requirements(user, queryset: QuerySet[Requirement]) -> QuerySet[Requirement]:
    """Requirements set in the user's subtree, or set above it on units that include theirs."""
    if org_rules.is_admin(user):
        return queryset
    own = _in_scope(user, "parent_unit__path") or Q()
    targeted = _in_scope(user, "targets__unit__path") or Q()
    return queryset.filter(pk__in=Requirement.objects.filter(own | targeted).values("pk"))


def can_manage_requirement(user, requirement: Requirement) -> bool:
    return org_rules.can_edit_unit(user, requirement.set_by)


def requirement_setters(user) -> QuerySet[Unit]:
    """Units on whose behalf the user may set a requirement (and under which it may apply):
    the active units they edit. Shared by the page and the API so both refuse alike."""
    return org_rules.filter_units(user, Unit.objects.filter(ended_on__isnull=True), org_rules.EDIT)


def can_set_requirements(user) -> bool:
    return requirement_setters(user).exists()


def can_view_report(user, report: Report) -> bool:
    return org_rules.can_view_unit(user, report.unit)


def can_write_report(user, report: Report) -> bool:
    return org_rules.can_edit_unit(user, report.unit)
