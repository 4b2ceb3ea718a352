"""A survey's results and quota progress, counted by the database.

Choice counts come from `Tally` rows (one GROUP BY over a few hundred rows, whatever the number
of forms); numbers are aggregated from `Answer` rows by the database (count, mean, min, max,
median); free texts are read a page at a time. Nothing here loops over responses.

Small cells: a selection (a filter by group or unit, a cross-tab column, a question's answers)
that covers fewer than MIN_CELL forms shows no numbers and no texts, only `HIDDEN_MESSAGE`. The
headline count of forms is not hidden: the quota page shows the same figure from the codes.
"""

import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy

from trienkhai.lib.text import fold
from trienkhai.org.models import Unit
from trienkhai.outreach.models import TargetGroup

from . import rules
from .models import MIN_CELL, Answer, Choice, Code, Question, QuestionKind, Survey, Tally
from .structure import Structure, load

HIDDEN_MESSAGE = gettext_lazy("Dưới 5 phiếu: không hiển thị để bảo đảm ẩn danh")
NUMBERS_CACHE_SECONDS = 3600
COUNTED_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTI, QuestionKind.LIKERT, QuestionKind.YESNO}
TEXT_KINDS = {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}


def percent(n: int, base: int) -> float | None:
    return round(100 * n / base, 1) if base else None


# --- what is looked at -----------------------------------------------------------------------
@dataclass(frozen=True)
class Selection:
    """The forms looked at: all of them, or those of a target group and/or a unit's subtree."""

    group: TargetGroup | None = None
    unit: Unit | None = None

    @property
    def filtered(self) -> bool:
        return self.group is not None or self.unit is not None

    def unit_ids(self):
        return Unit.objects.filter(path__startswith=self.unit.path).values("pk")

    def tally_q(self) -> Q:
        """Tally cells of the selection. Unfiltered: the (0, 0) totals, which count everyone."""
        if not self.filtered:
            return Q(group_id=0, unit_id=0)
        q = Q()
        if self.group is not None:
            q &= Q(group_id=self.group.pk)
        if self.unit is not None:
            q &= Q(unit_id__in=self.unit_ids())
        return q

    def response_q(self, prefix: str = "response__") -> Q:
        q = Q()
        if self.group is not None:
            q &= Q(**{f"{prefix}target_group_id": self.group.pk})
        if self.unit is not None:
            q &= Q(**{f"{prefix}unit_id__in": self.unit_ids()})
        return q

    def query(self) -> dict:
        """The filter as query parameters, for links to charts and exports."""
        out = {}
        if self.group is not None:
            out["group"] = self.group.pk
        if self.unit is not None:
            out["unit"] = self.unit.pk
        return out


def tally_counts(survey: Survey, selection: Selection, question_ids=None) -> dict:
    """{(question, row, choice): forms} for the selection; (0, 0, 0) is the number of forms."""
    qs = Tally.objects.filter(survey=survey).filter(selection.tally_q())
    if question_ids is not None:
        qs = qs.filter(question_id__in=[0, *question_ids])
    if not selection.filtered:
        rows = qs.values_list("question_id", "row_id", "choice_id", "n")
    else:
        rows = (
            qs.values("question_id", "row_id", "choice_id")
            .annotate(total=Sum("n"))
            .order_by()
            .values_list("question_id", "row_id", "choice_id", "total")
        )
    return {(q, r, c): n for q, r, c, n in rows}


# --- one question ------------------------------------------------------------------------------
@dataclass
class ChoiceCount:
    choice: Choice
    n: int
    percent: float | None


@dataclass
class RowResult:
    row: object  # GridRow
    answered: int
    cells: list[ChoiceCount]
    mean: float | None


@dataclass
class NumberStats:
    count: int
    mean: float | None
    minimum: float | None
    maximum: float | None
    median: float | None


@dataclass
class QuestionResult:
    question: Question
    answered: int  # forms that answered it, in the selection
    hidden: bool
    choices: list[ChoiceCount] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    mean: float | None = None  # likert
    numbers: NumberStats | None = None
    texts: list[str] = field(default_factory=list)  # a preview of free or "other" texts
    text_count: int = 0

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def is_multi(self) -> bool:
        return self.kind == QuestionKind.MULTI

    @property
    def is_counted(self) -> bool:
        return self.kind in COUNTED_KINDS

    @property
    def is_grid(self) -> bool:
        return self.kind == QuestionKind.GRID

    @property
    def is_number(self) -> bool:
        return self.kind == QuestionKind.NUMBER

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def has_texts(self) -> bool:
        return self.is_text or self.question.allow_other

    def chart(self) -> tuple[list[str], list[float]]:
        """Labels and values of the bar chart: forms per choice, or a grid's row means."""
        if self.hidden:
            return [], []
        if self.is_counted:
            return [f"{c.choice.value}. {c.choice.label}" for c in self.choices], [
                c.n for c in self.choices
            ]
        if self.is_grid:
            return [r.row.label for r in self.rows], [r.mean or 0 for r in self.rows]
        return [], []


def _mean(cells: list[ChoiceCount]) -> float | None:
    total = sum(c.n for c in cells)
    if not total:
        return None
    return round(sum(c.choice.value * c.n for c in cells) / total, 2)


def _cells(q: Question, counts: dict, row_id: int, base: int) -> list[ChoiceCount]:
    out = []
    for c in q.choice_list:
        n = counts.get((q.pk, row_id, c.pk), 0)
        out.append(ChoiceCount(c, n, percent(n, base)))
    return out


def _question_result(q: Question, counts: dict, hide_all: bool) -> QuestionResult:
    answered = counts.get((q.pk, 0, 0), 0)
    result = QuestionResult(q, answered, hidden=hide_all or answered < MIN_CELL)
    if q.allow_other:
        other = [c.pk for c in q.choice_list if c.is_other]
        result.text_count = sum(counts.get((q.pk, 0, c), 0) for c in other)
    elif q.kind in TEXT_KINDS:
        result.text_count = answered
    if result.hidden:
        return result
    if q.kind in COUNTED_KINDS:
        result.choices = _cells(q, counts, 0, answered)
        if q.kind == QuestionKind.LIKERT:
            result.mean = _mean(result.choices)
    elif q.kind == QuestionKind.GRID:
        for row in q.row_list:
            base = counts.get((q.pk, row.pk, 0), 0)
            cells = _cells(q, counts, row.pk, base)
            result.rows.append(RowResult(row, base, cells, _mean(cells)))
    return result


# --- numbers and texts, from Answer rows ----------------------------------------------------------
def _float(value) -> float | None:
    return None if value is None else float(value)


# Count, mean, min, max and median of each question from its histogram: number questions hold
# few distinct values (ages, years, counts), so a million answers fold into a few dozen
# (question, number, forms) rows read in index order, with no sort of every answer — the
# median is the mean of the first values whose running count reaches half the forms
# (`2 * below >= total`) and passes it (`2 * below > total`): no division, as PostgreSQL's SUM
# is numeric and SQLite's an integer. Window functions and FILTER read alike on both; `* 1.0`
# and `/ 2.0` keep SQLite from dividing integers.
_NUMBER_STATS_SQL = """
WITH histogram AS ({histogram}),
running AS (
    SELECT question_id, number, n,
        SUM(n) OVER (PARTITION BY question_id ORDER BY number) AS below,
        SUM(n) OVER (PARTITION BY question_id) AS total
    FROM histogram
)
SELECT question_id, MAX(total), SUM(number * n) * 1.0 / MAX(total), MIN(number), MAX(number),
    (MIN(number) FILTER (WHERE 2 * below >= total)
        + MIN(number) FILTER (WHERE 2 * below > total)) / 2.0
FROM running GROUP BY question_id
"""


def number_stats(questions: list[Question], selection: Selection) -> dict[int, NumberStats]:
    """{question id: stats} in one query over the histogram of the answers' numbers."""
    if not questions:
        return {}
    histogram = (
        Answer.objects.filter(question_id__in=[q.pk for q in questions], number__isnull=False)
        .filter(selection.response_q())
        .values("question_id", "number")
        .annotate(n=Count("*"))  # not Count("pk"): the id would need the table, not the index
        .order_by()
    )
    inner, params = histogram.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_NUMBER_STATS_SQL.format(histogram=inner), params)
        rows = cursor.fetchall()
    return {
        qid: NumberStats(
            int(count),
            None if mean is None else round(float(mean), 2),
            _float(low),
            _float(high),
            None if median is None else round(float(median), 2),
        )
        for qid, count, mean, low, high, median in rows
    }


def _fold_classes() -> dict[str, str]:
    """For each ASCII letter, every letter `lib.text.fold` turns into it, both cases:
    "d" -> "dDđĐ", "a" -> "aAàáạảãâầấậẩẫăằắặẳẵ..." ."""
    classes: dict[str, list[str]] = {}
    for cp in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(cp)
        key = fold(ch)
        if len(key) == 1 and key.isascii() and key.isalpha():
            classes.setdefault(key, []).append(ch)
    return {key: "".join(chars) for key, chars in classes.items()}


_FOLD_CLASSES = _fold_classes()
_MARKS = "[\u0300-\u036f]*"  # combining marks, for text typed in decomposed form


def fold_pattern(search: str) -> str:
    """A regular expression matching the text that `lib.text.fold` turns into `fold(search)`:
    "quan triet" finds "quán triệt", "QUÁN TRIỆT" and "quan triet". Only character classes,
    repetition and escapes, which PostgreSQL and SQLite (Python's re) read alike."""
    parts = []
    for ch in fold(search):
        if ch in _FOLD_CLASSES:
            parts.append(f"[{_FOLD_CLASSES[ch]}]{_MARKS}")
        elif ch == " ":
            parts.append("\\s+")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def text_answers(question: Question, selection: Selection, search: str = ""):
    """The free texts of a question (its "other, specify" texts for a choice question), in the
    order of their random ids, optionally those containing `search` with or without diacritics.
    """
    qs = Answer.objects.filter(question=question).exclude(text="").filter(selection.response_q())
    if question.kind not in TEXT_KINDS:
        others = [c.pk for c in question.choices.all() if c.is_other]
        qs = qs.filter(choice_id__in=others)
    if fold(search):
        qs = qs.filter(text__iregex=fold_pattern(search))
    return qs.order_by("id").values_list("text", flat=True)


# --- the whole survey ------------------------------------------------------------------------
@dataclass
class Results:
    survey: Survey
    structure: Structure
    selection: Selection
    forms: int
    questions: list[QuestionResult]

    @property
    def hidden(self) -> bool:
        return self.forms < MIN_CELL

    @property
    def percent_of_quota(self) -> float | None:
        return percent(self.forms, self.survey.total_forms)

    def sections(self) -> list[tuple[object, list[QuestionResult]]]:
        by_section: dict[int, list[QuestionResult]] = {}
        for r in self.questions:
            by_section.setdefault(r.question.section_id, []).append(r)
        return [(s, by_section[s.pk]) for s in self.structure.sections if s.pk in by_section]


def _number_stats_cached(survey: Survey, questions, selection: Selection, forms: int) -> dict:
    """Number statistics read every answer to the question; they change only when a form of
    the selection comes in, which changes `forms`, so they are kept under that count."""
    if not questions:
        return {}
    key = ":".join(
        str(part)
        for part in (
            "surveys:numbers",
            survey.pk,
            survey.created_at.timestamp() if survey.created_at else "",
            selection.group.pk if selection.group else 0,
            selection.unit.pk if selection.unit else 0,
            forms,
            ",".join(str(q.pk) for q in questions),
        )
    )
    return cache.get_or_set(key, lambda: number_stats(questions, selection), NUMBERS_CACHE_SECONDS)


def results_for(
    survey: Survey,
    selection: Selection | None = None,
    *,
    structure: Structure | None = None,
    preview: int = 0,
) -> Results:
    """Every question's results for the selection: one tally query and one number query (kept
    while no form comes in); with `preview`, that many free texts per question (a query each)."""
    selection = selection or Selection()
    structure = structure or load(survey)
    counts = tally_counts(survey, selection)
    forms = counts.get((0, 0, 0), 0)
    hide_all = forms < MIN_CELL
    questions = [_question_result(q, counts, hide_all) for q in structure.questions]
    if not hide_all:
        shown = [r.question for r in questions if r.is_number and not r.hidden]
        numbers = _number_stats_cached(survey, shown, selection, forms)
        for r in questions:
            if r.is_number and not r.hidden:
                r.numbers = numbers.get(r.question.pk) or NumberStats(0, None, None, None, None)
            if preview and r.has_texts and r.text_count and not r.hidden:
                r.texts = list(text_answers(r.question, selection)[:preview])
    return Results(survey, structure, selection, forms, questions)


# --- cross-tabulation by respondent group ------------------------------------------------------
@dataclass
class CrossColumn:
    group: TargetGroup | None  # None: all the selection's forms
    answered: int

    @property
    def hidden(self) -> bool:
        return self.answered < MIN_CELL


@dataclass
class CrossTab:
    question: Question
    columns: list[CrossColumn]
    rows: list[tuple[Choice, list[tuple[int, float | None] | None]]]  # None: hidden cell


def crosstabs(survey: Survey, questions: list[Question], selection: Selection) -> list[CrossTab]:
    """Choice × respondent group for each question (single, multi, likert, yes/no) in one
    GROUP BY; column percentages are of the group's forms that answered the question."""
    questions = [q for q in questions if q.kind in COUNTED_KINDS]
    if not questions:
        return []
    qs = Tally.objects.filter(
        survey=survey, question_id__in=[q.pk for q in questions], row_id=0
    ).exclude(group_id=0)
    if selection.group is not None:
        qs = qs.filter(group_id=selection.group.pk)
    if selection.unit is not None:
        qs = qs.filter(unit_id__in=selection.unit_ids())
    cells: dict[tuple[int, int, int], int] = {}
    for q, g, c, n in (
        qs.values("question_id", "group_id", "choice_id")
        .annotate(total=Sum("n"))
        .order_by()
        .values_list("question_id", "group_id", "choice_id", "total")
    ):
        cells[q, g, c] = n
    group_ids = {g for _q, g, _c in cells}
    groups = list(TargetGroup.objects.filter(pk__in=group_ids).order_by("position", "name"))
    overall = tally_counts(survey, selection, [q.pk for q in questions])
    tables = []
    for q in questions:
        columns = [CrossColumn(g, cells.get((q.pk, g.pk, 0), 0)) for g in groups]
        columns.append(CrossColumn(None, overall.get((q.pk, 0, 0), 0)))
        rows = []
        choices = getattr(q, "choice_list", None) or list(q.choices.order_by("position"))
        for choice in choices:
            line = []
            for col in columns:
                if col.hidden:
                    line.append(None)
                    continue
                if col.group is None:
                    n = overall.get((q.pk, 0, choice.pk), 0)
                else:
                    n = cells.get((q.pk, col.group.pk, choice.pk), 0)
                line.append((n, percent(n, col.answered)))
            rows.append((choice, line))
        tables.append(CrossTab(q, columns, rows))
    return tables


# --- quota progress ----------------------------------------------------------------------------
@dataclass
class QuotaLine:
    unit: Unit | None
    group: TargetGroup | None
    forms: int
    codes: int
    used: int
    level: int = 0

    @property
    def percent(self) -> float | None:
        return percent(self.used, self.forms)

    @property
    def indent(self) -> str:
        return "\u2003" * self.level


@dataclass
class Quota:
    survey: Survey
    lines: list[QuotaLine]  # per allocation (unit × group)
    units: list[QuotaLine]  # per unit, rolled up the tree below the owner
    groups: list[QuotaLine]  # per target group
    total: QuotaLine
    unallocated: QuotaLine | None  # codes made for no allocation
    partial: bool  # the user sees only their part of the quota


def _rollup_paths(path: str, owner_depth: int) -> list[str]:
    """The unit's path and its ancestors' strictly below the survey's owner: where a line of
    the quota is summed up the tree."""
    depth = len(path) // Unit.steplen
    return [path[: d * Unit.steplen] for d in range(min(owner_depth + 1, depth), depth + 1)]


def allocation_units(survey: Survey) -> list[tuple[Unit, int]]:
    """The units given part of the quota and their ancestors below the owner, with their level:
    the units results can be filtered by."""
    paths: set[str] = set()
    for path in survey.allocations.values_list("unit__path", flat=True).distinct():
        paths.update(_rollup_paths(path, survey.owner_unit.depth))
    units = list(Unit.objects.filter(path__in=paths).order_by("path"))
    top = min((u.depth for u in units), default=0)
    return [(u, u.depth - top) for u in units]


@dataclass
class GroupReturn:
    group: TargetGroup | None
    planned: int
    returned: int | None  # None: the survey does not record groups

    @property
    def percent(self) -> float | None:
        return None if self.returned is None else percent(self.returned, self.planned)


def returns_by_group(survey: Survey) -> list[GroupReturn]:
    """Forms planned (allocations) and returned (tallies) per target group: two GROUP BYs."""
    planned = dict(
        survey.allocations.values("target_group")
        .annotate(n=Sum("forms"))
        .order_by()
        .values_list("target_group", "n")
    )
    returned = {}
    if survey.record_group:
        returned = dict(
            Tally.objects.filter(survey=survey, question_id=0, row_id=0, choice_id=0)
            .exclude(group_id=0)
            .values("group_id")
            .annotate(n=Sum("n"))
            .order_by()
            .values_list("group_id", "n")
        )
    ids = {g for g in [*planned, *returned] if g}
    lines = [
        GroupReturn(g, planned.get(g.pk, 0), returned.get(g.pk, 0) if survey.record_group else None)
        for g in TargetGroup.objects.filter(pk__in=ids).order_by("position", "name")
    ]
    if planned.get(None):
        lines.append(GroupReturn(None, planned[None], None))
    return lines


def _add(line: QuotaLine, other: QuotaLine) -> None:
    line.forms += other.forms
    line.codes += other.codes
    line.used += other.used


def quota_for(survey: Survey, user) -> Quota:
    """Forms allocated, codes made and codes used per allocation, the part the user may see.
    Returned forms are counted from the codes, never from the responses."""
    q = rules.allocation_units_q(user, survey)
    seen = survey.allocations.all() if q is None else survey.allocations.filter(q)
    allocations = list(
        seen.select_related("unit", "target_group").order_by(
            "unit__path", "target_group__position", "pk"
        )
    )
    # Codes counted on their own table (one GROUP BY), not joined to the allocations' columns.
    counts = {
        row["allocation"]: row
        for row in Code.objects.filter(allocation__in=seen.values("pk"))
        .values("allocation")
        .annotate(made=Count("pk"), used=Count("pk", filter=Q(used=True)))
        .order_by()
    }
    none = {"made": 0, "used": 0}
    lines = [
        QuotaLine(
            a.unit,
            a.target_group,
            a.forms,
            counts.get(a.pk, none)["made"],
            counts.get(a.pk, none)["used"],
        )
        for a in allocations
    ]
    per_path: dict[str, QuotaLine] = {}
    for line in lines:
        for prefix in _rollup_paths(line.unit.path, survey.owner_unit.depth):
            _add(per_path.setdefault(prefix, QuotaLine(None, None, 0, 0, 0)), line)
    names = {u.path: u for u in Unit.objects.filter(path__in=list(per_path))}
    top = min((len(p) for p in per_path), default=0)
    units = []
    for path in sorted(per_path):
        line = per_path[path]
        line.unit, line.level = names.get(path), (len(path) - top) // Unit.steplen
        units.append(line)
    by_group: dict[int, QuotaLine] = {}
    for line in lines:
        key = line.group.pk if line.group else 0
        _add(by_group.setdefault(key, QuotaLine(None, line.group, 0, 0, 0)), line)
    total = QuotaLine(None, None, 0, 0, 0)
    for line in lines:
        _add(total, line)
    unallocated = None
    if q is None:
        free = Code.objects.filter(survey=survey, allocation=None).aggregate(
            codes=Count("pk"), used=Count("pk", filter=Q(used=True))
        )
        if free["codes"]:
            unallocated = QuotaLine(None, None, 0, free["codes"], free["used"])
            total.codes += unallocated.codes
            total.used += unallocated.used
    groups = sorted(
        by_group.values(), key=lambda g: (g.group is None, g.group.position if g.group else 0)
    )
    return Quota(survey, lines, units, groups, total, unallocated, partial=q is not None)
