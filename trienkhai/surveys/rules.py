"""Who may see and change surveys, their codes, paper entry and results.

A survey is seen by those who see its owning unit and by units given part of its quota. A
unit with a quota sees the survey, its own quota and how many of its forms came back; results
belong to those who see the owning unit, and no one sees an individual response (the raw data
export is anonymised and only for the survey's managers). Paper forms are typed by editors of
the owning unit, or of a unit for the codes allocated to it.
"""

from django.db.models import Q, QuerySet

from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit

from .models import Allocation, Code, Survey


def filter_surveys(user, queryset: QuerySet[Survey]) -> QuerySet[Survey]:
    if org_rules.is_admin(user):
        return queryset
    owned = org_rules.visible_q(user, field="owner_unit__path")
    allocated = Allocation.objects.filter(org_rules.visible_q(user, field="unit__path"))
    return queryset.filter(owned | Q(pk__in=allocated.values("survey_id")))


def can_view_survey(user, survey: Survey) -> bool:
    return filter_surveys(user, Survey.objects.filter(pk=survey.pk)).exists()


def can_manage_survey(user, survey: Survey) -> bool:
    """Build, copy, allocate, make codes, open and close; export anonymised raw data."""
    return org_rules.can_edit_unit(user, survey.owner_unit)


def can_view_results(user, survey: Survey) -> bool:
    return org_rules.can_view_unit(user, survey.owner_unit)


def allocation_units_q(user, survey: Survey, field: str = "unit__path") -> Q | None:
    """The part of the quota the user sees; None: all of it."""
    if can_view_results(user, survey):
        return None
    return org_rules.visible_q(user, field=field) or Q()


def can_enter_paper(user, survey: Survey) -> bool:
    if can_manage_survey(user, survey):
        return True
    q = org_rules.visible_q(user, min_rank=org_rules.EDIT, field="unit__path")
    return survey.allocations.filter(q if q is not None else Q()).exists()


def can_enter_code(user, code: Code) -> bool:
    """Type the paper form carrying `code`."""
    if can_manage_survey(user, code.survey):
        return True
    return code.allocation is not None and org_rules.can_edit_unit(user, code.allocation.unit)


def units_for_new_survey(user) -> QuerySet[Unit]:
    """The units a user may make a survey for: those they edit (none: they make no survey)."""
    return org_rules.filter_units(user, Unit.objects.all(), org_rules.EDIT)
