"""A survey's sections, questions, choices and rows, loaded once in three queries."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import Choice, GridRow, Question, QuestionKind, Section, Survey

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
