"""The completion matrix of a campaign: unit × target group, people reached against expected.

Expected numbers are the quotas (`Quota.expected`); reached numbers are the attendance of the
classes actually held (`ClassGroup.attended` of classes with status HELD). Each row rolls up a
subtree: a ward's row counts the classes of its cells too. The sums are GROUP BY queries over a
prefix of the unit path (one per distinct row depth), so a campaign over thousands of units costs
a handful of queries; Python only lays out the rows.

Without `root` the rows are the organising unit's own part ("trực tiếp tổ chức": everything in
its subtree outside the delegated subtrees) and one row per delegation. With `root` (the drill
down of one unit) the rows are the root's own part and each child of the root that has quotas,
classes or delegations below it.

A user sees only their part of a campaign (`rules.campaign_units_q`): a ward clerk sees its own
ward's row, and totals of what they may see — never a sibling ward's numbers.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from trienkhai.org import rules as org_rules
from trienkhai.org.models import Unit

from . import rules
from .models import (
    Campaign,
    ClassGroup,
    ClassSession,
    ClassStatus,
    Delegation,
    DelegationStatus,
    Quota,
    TargetGroup,
)

STEP = Unit.steplen
SOON_DAYS = 7  # "deadline within a week and not half reached" is behind


@dataclass
class Cell:
    expected: int
    reached: int
    percent: int | None  # None when expected == 0

    @classmethod
    def of(cls, expected: int, reached: int) -> "Cell":
        percent = (100 * reached) // expected if expected else None
        return cls(expected=expected, reached=reached, percent=percent)


@dataclass
class Row:
    unit: Unit
    cells: dict[int, Cell]  # by target group id
    total: Cell
    delegation: Delegation | None
    classes_held: int
    behind: bool
    depth: int
    own: bool = False  # the unit's own part, not its subtree ("trực tiếp tổ chức")
    deadline_end: dt.date | None = None


@dataclass
class Matrix:
    campaign: Campaign
    groups: list[TargetGroup]
    rows: list[Row]
    total: Row
    root: Unit | None = None
    today: dt.date | None = None
    partial: bool = False  # the user sees only a part of the campaign
    delegations: list[Delegation] = field(default_factory=list)


# --- sums, by the database -----------------------------------------------------------------------
@dataclass
class _Sums:
    expected: dict[int, int] = field(default_factory=dict)
    reached: dict[int, int] = field(default_factory=dict)
    classes: int = 0

    def add(self, other: "_Sums", sign: int = 1) -> None:
        for mine, theirs in ((self.expected, other.expected), (self.reached, other.reached)):
            for group_id, n in theirs.items():
                mine[group_id] = mine.get(group_id, 0) + sign * n
        self.classes += sign * other.classes

    @property
    def empty(self) -> bool:
        return not (any(self.expected.values()) or any(self.reached.values()) or self.classes)


def _where(q_for, field_name: str, under: str | None) -> Q:
    where = Q()
    if under:
        where &= Q(**{f"{field_name}__startswith": under})
    q = q_for(field_name)
    if q is not None:
        where &= q
    return where


def _collect(campaign: Campaign, q_for, *, length: int | None, under: str | None = None):
    """{path prefix of `length` (or "" without length): _Sums}, over the rows the user sees.

    Three GROUP BY queries: quotas, attendance of held classes, count of held classes."""
    out: dict[str, _Sums] = {}

    def key_expr(path_field):
        return Substr(path_field, 1, length) if length else Value("")

    quotas = (
        Quota.objects.filter(campaign=campaign)
        .filter(_where(q_for, "unit__path", under))
        .annotate(prefix=key_expr("unit__path"))
        .order_by()
        .values("prefix", "target_group_id")
        .annotate(n=Sum("expected"))
    )
    for row in quotas:
        out.setdefault(row["prefix"], _Sums()).expected[row["target_group_id"]] = row["n"] or 0
    held = {"session__campaign": campaign, "session__status": ClassStatus.HELD}
    reached = (
        ClassGroup.objects.filter(**held)
        .filter(_where(q_for, "session__organiser__path", under))
        .annotate(prefix=key_expr("session__organiser__path"))
        .order_by()
        .values("prefix", "target_group_id")
        .annotate(n=Coalesce(Sum("attended"), Value(0), output_field=IntegerField()))
    )
    for row in reached:
        out.setdefault(row["prefix"], _Sums()).reached[row["target_group_id"]] = row["n"] or 0
    classes = (
        ClassSession.objects.filter(campaign=campaign, status=ClassStatus.HELD)
        .filter(_where(q_for, "organiser__path", under))
        .annotate(prefix=key_expr("organiser__path"))
        .order_by()
        .values("prefix")
        .annotate(n=Count("id"))
    )
    for row in classes:
        out.setdefault(row["prefix"], _Sums()).classes = row["n"]
    return out


# --- behind schedule -----------------------------------------------------------------------------
def is_behind(
    *, expected: int, reached: int, deadline_end: dt.date | None, today: dt.date, delegation=None
) -> bool:
    """Behind: the deadline passed and not everyone expected was reached (or the delegated unit
    has not reported), or the deadline is within a week and not half was reached."""
    if deadline_end is None:
        return False
    if today > deadline_end:
        if reached < expected:
            return True
        return delegation is not None and delegation.status != DelegationStatus.REPORTED
    soon = (deadline_end - today).days <= SOON_DAYS
    return bool(soon and expected and reached * 2 < expected)


def _covering(delegations: list[Delegation], path: str) -> Delegation | None:
    """The deepest delegation whose unit is `path` or one of its ancestors."""
    best = None
    for d in delegations:
        if path.startswith(d.unit.path) and (
            best is None or len(d.unit.path) > len(best.unit.path)
        ):
            best = d
    return best


def _row(
    unit: Unit,
    sums: _Sums,
    groups: list[TargetGroup],
    *,
    campaign: Campaign,
    delegation: Delegation | None,
    covering: Delegation | None,
    today: dt.date,
    depth: int,
    own: bool = False,
) -> Row:
    cells = {
        g.pk: Cell.of(max(sums.expected.get(g.pk, 0), 0), max(sums.reached.get(g.pk, 0), 0))
        for g in groups
    }
    total = Cell.of(sum(c.expected for c in cells.values()), sum(c.reached for c in cells.values()))
    deadline_from = delegation or covering
    deadline_end = (
        deadline_from.deadline_end if deadline_from and deadline_from.deadline_end else None
    )
    deadline_end = deadline_end or campaign.deadline_end
    return Row(
        unit=unit,
        cells=cells,
        total=total,
        delegation=delegation,
        classes_held=max(sums.classes, 0),
        behind=is_behind(
            expected=total.expected,
            reached=total.reached,
            deadline_end=deadline_end,
            today=today,
            delegation=delegation,
        ),
        depth=depth,
        own=own,
        deadline_end=deadline_end,
    )


def _groups(campaign: Campaign, *sums: _Sums) -> list[TargetGroup]:
    """The campaign's target groups, and any other group that has numbers, in their order."""
    ids = set()
    for s in sums:
        ids |= {k for k, v in s.expected.items() if v} | {k for k, v in s.reached.items() if v}
    own_ids = set(campaign.target_groups.values_list("pk", flat=True))
    return list(TargetGroup.objects.filter(pk__in=own_ids | ids))


# --- the matrix ----------------------------------------------------------------------------------
def completion_matrix(
    campaign: Campaign, *, user, root: Unit | None = None, today: dt.date | None = None
) -> Matrix:
    """The matrix of `campaign` as `user` may see it (see the module docstring)."""
    today = today or timezone.localdate()
    owner = campaign.owner_unit

    def q_for(field_name: str) -> Q | None:
        return rules.campaign_units_q(user, campaign, field=field_name)

    partial = q_for("path") is not None
    all_delegations = list(
        Delegation.objects.filter(campaign=campaign).select_related("unit").order_by("unit__path")
    )
    visible_ids = _visible_unit_ids(q_for, [d.unit_id for d in all_delegations])
    delegations = [d for d in all_delegations if d.unit_id in visible_ids]

    base = root or owner
    under = root.path if root is not None else None
    total_sums = _collect(campaign, q_for, length=None, under=under).get("", _Sums())
    rows_data: list[tuple[Unit, _Sums, Delegation | None, bool]] = []

    if root is None:
        by_length: dict[int, dict[str, _Sums]] = {}
        for d in delegations:
            length = len(d.unit.path)
            if length not in by_length:
                by_length[length] = _collect(campaign, q_for, length=length)
        own = _Sums()
        own.add(total_sums)
        for d in _outermost(delegations):
            own.add(by_length[len(d.unit.path)].get(d.unit.path, _Sums()), sign=-1)
        if not partial and not own.empty:
            rows_data.append((owner, own, _delegation_on(all_delegations, owner), True))
        for d in delegations:
            rows_data.append(
                (d.unit, by_length[len(d.unit.path)].get(d.unit.path, _Sums()), d, False)
            )
    else:
        length = len(root.path) + STEP
        sums = _collect(campaign, q_for, length=length, under=root.path)
        prefixes = set(sums) | {
            d.unit.path[:length]
            for d in delegations
            if d.unit.path.startswith(root.path) and len(d.unit.path) >= length
        }
        prefixes.discard(root.path)
        units = Unit.objects.in_bulk(list(prefixes), field_name="path")
        shown = _visible_unit_ids(q_for, [u.pk for u in units.values()] + [root.pk])
        own_sums = sums.get(root.path, _Sums())
        if root.pk in shown and not own_sums.empty:
            rows_data.append((root, own_sums, _delegation_on(all_delegations, root), True))
        for path in sorted(prefixes):
            unit = units.get(path)
            if unit is None or unit.pk not in shown:
                continue
            rows_data.append(
                (unit, sums.get(path, _Sums()), _delegation_on(delegations, unit), False)
            )

    groups = _groups(campaign, total_sums, *(s for _u, s, _d, _o in rows_data))
    rows = [
        _row(
            unit,
            sums,
            groups,
            campaign=campaign,
            delegation=delegation,
            covering=_covering(all_delegations, unit.path),
            today=today,
            depth=max(unit.depth - base.depth, 0),
            own=own,
        )
        for unit, sums, delegation, own in rows_data
    ]
    if root is not None:
        total_delegation = _delegation_on(all_delegations, root)
        total_covering = _covering(all_delegations, root.path)
    else:
        # A partial viewer's total is their part: judged by their delegation's deadline.
        total_delegation = delegations[0] if partial and len(delegations) == 1 else None
        total_covering = None
    total = _row(
        base,
        total_sums,
        groups,
        campaign=campaign,
        delegation=total_delegation,
        covering=total_covering,
        today=today,
        depth=0,
    )
    return Matrix(
        campaign=campaign,
        groups=groups,
        rows=rows,
        total=total,
        root=root,
        today=today,
        partial=partial,
        delegations=delegations,
    )


def _visible_unit_ids(q_for, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    qs = Unit.objects.filter(pk__in=ids)
    q = q_for("path")
    if q is not None:
        qs = qs.filter(q)
    return set(qs.values_list("pk", flat=True))


def _outermost(delegations: list[Delegation]) -> list[Delegation]:
    """Delegations not inside another one: their subtrees do not overlap."""
    kept: list[Delegation] = []
    for d in sorted(delegations, key=lambda d: len(d.unit.path)):
        if not any(d.unit.path.startswith(k.unit.path) for k in kept):
            kept.append(d)
    return kept


def _delegation_on(delegations: list[Delegation], unit: Unit | None) -> Delegation | None:
    if unit is None:
        return None
    return next((d for d in delegations if d.unit_id == unit.pk), None)


@dataclass
class Progress:
    total: Cell
    behind: bool
    classes_held: int
    deadline_end: dt.date | None


def progress_by_campaign(campaigns, *, user, today: dt.date | None = None) -> dict[int, Progress]:
    """{campaign id: Progress} of each campaign as `user` sees it, for a list page: six GROUP BY
    queries whatever the number of campaigns (a partial viewer's numbers are their part only)."""
    today = today or timezone.localdate()
    campaigns = list(campaigns)
    whole = [c.pk for c in campaigns if rules.sees_whole_campaign(user, c)]
    part = [c.pk for c in campaigns if c.pk not in set(whole)]
    expected: dict[int, int] = {}
    reached: dict[int, int] = {}
    classes: dict[int, int] = {}
    for ids, scoped in ((whole, False), (part, True)):
        if not ids:
            continue

        def scope(qs, field_name, scoped=scoped):
            if not scoped:
                return qs
            q = org_rules.visible_q(user, field=field_name)
            return qs if q is None else qs.filter(q)

        quotas = scope(Quota.objects.filter(campaign_id__in=ids), "unit__path")
        for row in quotas.order_by().values("campaign_id").annotate(n=Sum("expected")):
            expected[row["campaign_id"]] = row["n"] or 0
        groups = scope(
            ClassGroup.objects.filter(
                session__campaign_id__in=ids, session__status=ClassStatus.HELD
            ),
            "session__organiser__path",
        )
        for row in groups.order_by().values("session__campaign_id").annotate(n=Sum("attended")):
            reached[row["session__campaign_id"]] = row["n"] or 0
        held = scope(
            ClassSession.objects.filter(campaign_id__in=ids, status=ClassStatus.HELD),
            "organiser__path",
        )
        for row in held.order_by().values("campaign_id").annotate(n=Count("id")):
            classes[row["campaign_id"]] = row["n"]
    # A partial viewer is judged by the deadline of the delegation they see, when there is one.
    theirs: dict[int, Delegation] = {}
    if part:
        delegations = Delegation.objects.filter(campaign_id__in=part)
        q = org_rules.visible_q(user, field="unit__path")
        if q is not None:
            delegations = delegations.filter(q)
        for d in delegations.order_by("campaign_id", "unit__path"):
            theirs.setdefault(d.campaign_id, d)
    out = {}
    for c in campaigns:
        total = Cell.of(expected.get(c.pk, 0), reached.get(c.pk, 0))
        delegation = theirs.get(c.pk)
        deadline_end = (delegation.deadline_end if delegation else None) or c.deadline_end
        out[c.pk] = Progress(
            total=total,
            behind=is_behind(
                expected=total.expected,
                reached=total.reached,
                deadline_end=deadline_end,
                today=today,
                delegation=delegation,
            ),
            classes_held=classes.get(c.pk, 0),
            deadline_end=deadline_end,
        )
    return out
