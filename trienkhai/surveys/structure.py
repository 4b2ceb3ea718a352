"""A survey's sections, questions, choices and rows, loaded in four queries — and, for the
answering pages, kept in memory under the survey's `structure_revision`.

The answering pages read the same form for every respondent; rebuilding it (four queries and a
hundred model instances) was a quarter of a submission's cost. `current` keeps it per process,
keyed by the survey and its revision, which every change to the form renews (`revision_bump`:
called by the builder's services, and by the signals below for any other save or delete), so
the next request after an edit reads the revision with its code and loads the new form.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save

from .models import Choice, GridRow, Question, QuestionKind, Section, Survey, random_key

LIKERT_LABELS = [
    "Hoàn toàn không đồng ý",
    "Không đồng ý",
    "Phân vân",
    "Đồng ý",
    "Hoàn toàn đồng ý",
]
YESNO_LABELS = ["Có", "Không"]


@dataclass
class Structure:
    survey: Survey
    sections: list[Section]
    questions: list[Question] = field(default_factory=list)
    by_id: dict[int, Question] = field(default_factory=dict)
    # What the pages render once per revision (blank pages), keyed by the caller; shared by
    # the copies `current` returns, and forgotten with the structure.
    rendered: dict = field(default_factory=dict)

    def pages(self) -> list[Section]:
        """One page per section that has questions."""
        return [s for s in self.sections if s.question_list]


def load(survey: Survey) -> Structure:
    """Every question in order, each with `choice_list` and `row_list`; sections with
    `question_list`."""
    questions = list(
        Question.objects.filter(survey=survey)
        .select_related("section")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "value")),
            Prefetch("rows", queryset=GridRow.objects.order_by("position", "id")),
        )
        .order_by("section__position", "section_id", "position", "id")
    )
    sections = list(Section.objects.filter(survey=survey).order_by("position", "id"))
    by_section = {s.pk: s for s in sections}
    for s in sections:
        s.question_list = []
    for q in questions:
        q.choice_list = list(q.choices.all())
        q.row_list = list(q.rows.all())
        q.choice_by_id = {c.pk: c for c in q.choice_list}
        q.choice_by_value = {c.value: c for c in q.choice_list}
        by_section[q.section_id].question_list.append(q)
    return Structure(
        survey=survey, sections=sections, questions=questions, by_id={q.pk: q for q in questions}
    )


# --- kept in memory for the answering pages ------------------------------------------------------
_KEPT = 64  # surveys open at once in one process; the least recently used goes first
_kept: OrderedDict[tuple[int, int], Structure] = OrderedDict()
_kept_lock = threading.Lock()


def current(survey: Survey) -> Structure:
    """The structure of `survey` at its `structure_revision`, from memory when this process
    already loaded it. Shared between requests: read it, never change it. `survey` must be
    freshly read (as `code_check` reads it), so its revision is the one in the database."""
    key = (survey.pk, survey.structure_revision)
    with _kept_lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
    if kept is None:
        kept = load(survey)
        with _kept_lock:
            _kept[key] = kept
            while len(_kept) > _KEPT:
                _kept.popitem(last=False)
    # The survey's own fields (status, title, dates) are the caller's fresh ones.
    return replace(kept, survey=survey)


def revision_bump(survey_id: int) -> None:
    """The survey's form changed: a new revision, so no page serves the old one from memory."""
    Survey.objects.filter(pk=survey_id).update(structure_revision=random_key())


def _changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loading a fixture
    survey_id = getattr(instance, "survey_id", None)
    if survey_id is not None:
        revision_bump(survey_id)
    elif instance.question_id is not None:
        Survey.objects.filter(questions=instance.question_id).update(
            structure_revision=random_key()
        )


def signals_connect() -> None:
    """Any save or delete of a section, question, choice or grid row renews the revision, even
    outside the builder (a test's factory, the shell, the demo). Bulk writes send no signal: the
    builder's services call `revision_bump` themselves."""
    for model in (Section, Question, Choice, GridRow):
        post_save.connect(_changed, sender=model, dispatch_uid=f"structure-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"structure-{model.__name__}-d")


def question_numbers(structure: Structure) -> dict[int, str]:
    """The number printed before each question, the same on the paper form, online, on the entry
    screen and in the results: its own number ("số câu", C1..Cn from the builder) when it has
    one, "C" and its rank in the form otherwise."""
    return {q.pk: (q.code or "").strip() or f"C{i}" for i, q in enumerate(structure.questions, 1)}


def standard_choices(kind: str) -> list[tuple[int, str]]:
    """The choices a likert or yes/no question always has: (value, label)."""
    if kind == QuestionKind.LIKERT:
        return list(enumerate(LIKERT_LABELS, start=1))
    if kind == QuestionKind.YESNO:
        return list(enumerate(YESNO_LABELS, start=1))
    return []
