"""Reads across a survey's rows for the staff pages: the list, the survey's home, its quota and
its code batches. Counts come from the database (the form count from the tallies, codes used
from the codes' index), never from loading rows; a unit with only part of the quota sees only
that part (`rules.allocation_units_q`).
"""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from . import rules
from .models import Allocation, Code, Survey, Tally


def _returned_subquery():
    """The number of forms received: the tally cell of the forms themselves, over everyone."""
    return Coalesce(
        Subquery(
            Tally.objects.filter(
                survey=OuterRef("pk"), question_id=0, row_id=0, choice_id=0, group_id=0, unit_id=0
            ).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def surveys_for(user, *, status: str = "", text: str = "") -> QuerySet[Survey]:
    """Surveys the user may see, newest first, each with `returned` (forms received)."""
    qs = rules.filter_surveys(user, Survey.objects.all()).select_related("owner_unit")
    if status:
        qs = qs.filter(status=status)
    if text:
        qs = qs.filter(title__icontains=text)
    return qs.annotate(returned=_returned_subquery()).order_by("-created_at", "-id")


def attach_own_part(user, surveys: list[Survey]) -> list[Survey]:
    """For the surveys in which the user sees only part of the quota, replace the totals by
    that part: `part_forms`, `part_returned` (codes of their allocations spent); None when the
    user sees the whole survey."""
    for survey in surveys:
        q = rules.allocation_units_q(user, survey)
        survey.part_forms = survey.part_returned = None
        if q is None:
            continue
        mine = Allocation.objects.filter(q, survey=survey)
        survey.part_forms = mine.aggregate(n=Sum("forms"))["n"] or 0
        survey.part_returned = Code.objects.filter(allocation__in=mine, used=True).count()
    return surveys


def allocations_for(user, survey: Survey) -> QuerySet[Allocation]:
    """The quota lines the user may see, each with `made` and `used` codes."""
    qs = survey.allocations.select_related("unit", "target_group").annotate(
        made=Count("codes"), used=Count("codes", filter=Q(codes__used=True))
    )
    q = rules.allocation_units_q(user, survey)
    if q is not None:
        qs = qs.filter(q)
    return qs.order_by("unit__path", "target_group__position", "id")


@dataclass
class Totals:
    forms: int
    allocated: int
    codes_made: int
    codes_used: int
    returned: int

    @property
    def balanced(self) -> bool:
        return self.forms > 0 and self.forms == self.allocated


def survey_totals(survey: Survey) -> Totals:
    """The whole survey's quota in numbers (for those who see the whole survey)."""
    codes = Code.objects.filter(survey=survey).aggregate(
        made=Count("id"), used=Count("id", filter=Q(used=True))
    )
    tally = Tally.objects.filter(
        survey=survey, question_id=0, row_id=0, choice_id=0, group_id=0, unit_id=0
    ).first()
    return Totals(
        forms=survey.total_forms,
        allocated=survey.allocations.aggregate(n=Sum("forms"))["n"] or 0,
        codes_made=codes["made"],
        codes_used=codes["used"],
        returned=tally.n if tally else 0,
    )


def code_batches(survey: Survey) -> list[dict]:
    """One line per batch and allocation: batch, kind, allocation, count (no use per code)."""
    rows = list(
        Code.objects.filter(survey=survey)
        .values("batch", "kind", "allocation_id")
        .annotate(n=Count("id"))
        .order_by("-batch", "allocation_id")
    )
    labels = {
        a.pk: a
        for a in Allocation.objects.filter(survey=survey).select_related("unit", "target_group")
    }
    batches: dict[int, dict] = {}
    for row in rows:
        batch = batches.setdefault(
            row["batch"], {"batch": row["batch"], "kinds": set(), "lines": [], "count": 0}
        )
        batch["kinds"].add(row["kind"])
        batch["count"] += row["n"]
        batch["lines"].append((labels.get(row["allocation_id"]), row["n"]))
    return list(batches.values())


def codes_of_batch(survey: Survey, batch: int | None, allocation_id: int | None):
    """The codes to hand out, with their allocation's unit and group, in a stable order."""
    qs = Code.objects.filter(survey=survey).select_related(
        "allocation__unit", "allocation__target_group"
    )
    if batch is not None:
        qs = qs.filter(batch=batch)
    if allocation_id is not None:
        qs = qs.filter(allocation_id=allocation_id)
    return qs.order_by("allocation__unit__path", "allocation__target_group__position", "code")
