"""Each compliance cell keeps the document that complied, so reading the matrix needs no search.

Whether a unit complied with a requirement depends on the register (its documents, their type,
status and date, their relations to the requirement's document) and on the tree (a unit that
ended counts its successors' documents). Deciding it for every cell on every read costs a
document lookup per cell: 58,642 of them for the whole country's dashboard. Instead each
`RequirementTarget` row stores the earliest complying document (`complied_by`), its date
(`complied_on`) and whether it came from a successor (`by_successor`); the state — done, late,
missing, overdue — then needs only the row, the requirement's due date and today.

The rule itself stays in one place, `compliance.complying_documents`; this module runs it for
the cells an event may have changed and writes what differs:

* a document saved or deleted (issued, withdrawn, its type, date or issuer corrected): the cells
  of its issuer and of the ended units it succeeded;
* a relation added or removed: the cells of its source document's issuer;
* requirement targets created: those cells;
* a unit ended with successors (merge, split, dissolution): its cells.

The receivers run inside the writer's transaction, as the task tallies do. The nightly job
`plans.jobs.recheck_compliance` runs the rule over every cell and repairs (and logs) any
difference, and the tests compare stored and computed cells after each service.
"""

import logging
from collections.abc import Iterable

from django.db.models import Q, QuerySet, Subquery

from trienkhai.org.models import UnitSuccession

from .models import RequirementTarget

log = logging.getLogger(__name__)
CHUNK = 2000


def computed(qs: QuerySet[RequirementTarget]) -> dict[int, tuple]:
    """{target id: (document id, its date, by a successor)} by the rule, for the rows of `qs`."""
    from .compliance import complying_documents

    own = complying_documents(successors=False)
    succ = complying_documents(successors=True)
    rows = qs.annotate(
        own_id=Subquery(own.values("pk")[:1]),
        own_on=Subquery(own.values("issued_on")[:1]),
    ).values_list("pk", "own_id", "own_on", "unit__ended_on")
    out, ended = {}, []
    for pk, own_id, own_on, ended_on in rows:
        out[pk] = (own_id, own_on, False)
        if own_id is None and ended_on is not None:
            ended.append(pk)
    for start in range(0, len(ended), CHUNK):
        found = (
            RequirementTarget.objects.filter(pk__in=ended[start : start + CHUNK])
            .annotate(
                doc_id=Subquery(succ.values("pk")[:1]),
                doc_on=Subquery(succ.values("issued_on")[:1]),
            )
            .filter(doc_id__isnull=False)
            .values_list("pk", "doc_id", "doc_on")
        )
        for pk, doc_id, doc_on in found:
            out[pk] = (doc_id, doc_on, True)
    return out


def stored(qs: QuerySet[RequirementTarget]) -> dict[int, tuple]:
    """{target id: (document id, date, by a successor)} as stored."""
    return {
        pk: (doc, on, succ)
        for pk, doc, on, succ in qs.values_list(
            "pk", "complied_by_id", "complied_on", "by_successor"
        )
    }


def refresh(qs: QuerySet[RequirementTarget]) -> int:
    """Decide the cells of `qs` again and store what changed. Returns how many changed."""
    changed = []
    now = stored(qs)
    for pk, (doc, on, succ) in computed(qs).items():
        if now.get(pk) != (doc, on, succ):
            changed.append(
                RequirementTarget(pk=pk, complied_by_id=doc, complied_on=on, by_successor=succ)
            )
    if changed:
        RequirementTarget.objects.bulk_update(
            changed, ["complied_by", "complied_on", "by_successor"], batch_size=500
        )
    return len(changed)


def predecessors(unit_ids: Iterable[int]) -> set[int]:
    """Units that `unit_ids` succeeded, one, two or three merges or splits earlier."""
    found, level = set(), set(unit_ids)
    for _step in range(3):
        level = set(
            UnitSuccession.objects.filter(successor_id__in=level).values_list(
                "predecessor_id", flat=True
            )
        )
        level -= found
        if not level:
            break
        found |= level
    return found


def refresh_units(unit_ids: Iterable[int]) -> int:
    """The cells of these units, and of the ended units whose successors they are."""
    ids = {pk for pk in unit_ids if pk is not None}
    if not ids:
        return 0
    ended = predecessors(ids)
    q = Q(unit_id__in=ids)
    if ended:
        q |= Q(unit_id__in=ended, unit__ended_on__isnull=False)
    return refresh(RequirementTarget.objects.filter(q))


def refresh_requirement(requirement_id: int) -> int:
    """Every cell of one requirement, in chunks of units (a national one has tens of thousands)."""
    ids = list(
        RequirementTarget.objects.filter(requirement_id=requirement_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(
        refresh(RequirementTarget.objects.filter(pk__in=ids[start : start + CHUNK]))
        for start in range(0, len(ids), CHUNK)
    )


def _sweep(*, repair: bool) -> list[int]:
    """Run the rule over every cell in chunks; the ids whose stored answer differed (stored
    again when `repair`)."""
    ids = list(RequirementTarget.objects.order_by("pk").values_list("pk", flat=True))
    wrong: list[int] = []
    for start in range(0, len(ids), CHUNK):
        qs = RequirementTarget.objects.filter(pk__in=ids[start : start + CHUNK])
        now = stored(qs)
        rule = computed(qs)
        differing = [pk for pk, value in rule.items() if now.get(pk) != value]
        wrong += differing
        if differing and repair:
            refresh(RequirementTarget.objects.filter(pk__in=differing))
    return wrong


def refresh_all() -> int:
    """Decide every cell (after a bulk load that bypassed the services). Returns how many
    changed."""
    return len(_sweep(repair=True))


def recheck(*, repair: bool = True) -> list[int]:
    """The nightly check: the ids of the cells whose stored answer differs from the rule (and,
    with `repair`, the rule's answer stored). An empty list means the stored cells are right;
    anything else is a write path that missed its refresh, and is logged."""
    wrong = _sweep(repair=repair)
    if wrong:
        log.warning("compliance cells differed from the register: %s", wrong[:50])
    return wrong
