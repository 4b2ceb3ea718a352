"""The online form, page by page: which questions a page shows, what the respondent typed so far,
and the draft that keeps it between pages.

One page per section. A question whose condition depends on an answer given on an earlier page
is shown only when the condition holds (the server decides when the respondent moves between
pages: the page needs no JavaScript). A question whose condition depends on an answer on the
same page is always shown there, with a note saying when to answer it; `answers.answer_rows`
drops its answer when the condition does not hold.

The draft is keyed by the code until the form is recorded; `response_submit` deletes it in the
transaction that records the response. A draft is written only while its code is unused, under
a lock on the code row, so a late "Next" racing a submission cannot leave a draft behind.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from . import answers
from .models import Code, QuestionKind, ResponseDraft
from .structure import Structure, question_numbers

_TEXT_KEPT = answers.LONG_TEXT_MAX + 1000


def page_of(structure: Structure) -> dict[int, int]:
    """{question id: index of its page in `structure.pages()`}."""
    return {q.pk: i for i, page in enumerate(structure.pages()) for q in page.question_list}


def displayed(structure: Structure, data: dict) -> set[int]:
    """Ids of the questions the form shows given the answers so far (see the module docstring).

    A superset of `answers.shown`: it adds the questions conditioned on a question of their own
    page, as long as that question is itself displayed.
    """
    asked = answers.shown(structure, data)
    pages = page_of(structure)
    out: set[int] = set()
    for q in structure.questions:
        if q.condition_question_id is None or q.condition_choice_id is None:
            out.add(q.pk)
            continue
        parent_id = q.condition_question_id
        if parent_id not in out:
            # Unknown, not asked, or placed after the question: never asked (as in `shown`).
            continue
        same_page = pages.get(parent_id, -1) >= pages.get(q.pk, 0)
        if same_page or q.pk in asked:
            out.add(q.pk)
    return out


def visible_pages(structure: Structure, data: dict) -> list[int]:
    """Indexes (in `structure.pages()`) of the pages that show at least one question."""
    shown_ids = displayed(structure, data)
    return [
        i
        for i, page in enumerate(structure.pages())
        if any(q.pk in shown_ids for q in page.question_list)
    ]


def settle_page(structure: Structure, data: dict, wanted: int) -> int:
    """The page to show when `wanted` is asked for: itself when visible, else the next visible
    one (or the last)."""
    visible = visible_pages(structure, data)
    if not visible:
        return 0
    for i in visible:
        if i >= wanted:
            return i
    return visible[-1]


def step(structure: Structure, data: dict, current: int, direction: int) -> int:
    """The visible page before (-1) or after (+1) `current`; `current` itself at either end."""
    visible = visible_pages(structure, data)
    if direction > 0:
        later = [i for i in visible if i > current]
        return later[0] if later else current
    earlier = [i for i in visible if i < current]
    return earlier[-1] if earlier else current


def merge_page(structure: Structure, data: dict, post, page_index: int) -> dict:
    """The answers so far with those typed on page `page_index` put in (kept even when wrong,
    so they can be shown again). Only questions the page showed are read from the form: the
    others keep what they had, in case going back makes them asked again."""
    pages = structure.pages()
    if not 0 <= page_index < len(pages):
        return dict(data)
    shown_ids = displayed(structure, data)
    questions = [q for q in pages[page_index].question_list if q.pk in shown_ids]
    merged = dict(data)
    for key, value in answers.from_post(structure, post, questions).items():
        # Kept to show again, not without end: a text far too long is refused anyway.
        merged[key] = value[:_TEXT_KEPT] if isinstance(value, str) else value
    return merged


def errors_by_page(structure: Structure, errors: dict[int, str]) -> list[int]:
    """Indexes of the pages holding the questions in `errors`, in order."""
    pages = page_of(structure)
    return sorted({pages[qid] for qid in errors if qid in pages})


# --- the draft ----------------------------------------------------------------------------------
def draft_load(code: Code) -> tuple[int, dict]:
    """(page, answers) saved for `code`, or (0, {}). No query when `code_check` read the draft
    with the code (`with_draft`)."""
    try:
        draft = code.draft
    except ResponseDraft.DoesNotExist:
        return 0, {}
    return draft.page, draft.data if isinstance(draft.data, dict) else {}


@transaction.atomic
def draft_save(code: Code, page: int, data: dict) -> bool:
    """Keep the answers so far; False when the code was spent meanwhile (nothing written)."""
    unused = Code.objects.select_for_update().filter(pk=code.pk, used=False).first()
    if unused is None:
        return False
    ResponseDraft.objects.update_or_create(code=unused, defaults={"page": page, "data": data})
    return True


# --- what a page shows --------------------------------------------------------------------------
@dataclass
class Option:
    choice: object
    checked: bool


@dataclass
class GridLine:
    row: object
    options: list[Option]
    error: bool = False


@dataclass
class Item:
    """A question as the page shows it, with what was typed and its error."""

    question: object
    number: str
    kind: str
    value: str = ""
    other: str = ""
    options: list[Option] = field(default_factory=list)
    lines: list[GridLine] = field(default_factory=list)
    note: str = ""
    error: str = ""

    @property
    def grouped(self) -> bool:
        """Answered by picking among several inputs: a fieldset with a legend."""
        return self.kind in (
            QuestionKind.SINGLE,
            QuestionKind.MULTI,
            QuestionKind.LIKERT,
            QuestionKind.YESNO,
            QuestionKind.GRID,
        )

    @property
    def has_other(self) -> bool:
        return any(o.choice.is_other for o in self.options)


def _as_text(value) -> str:
    return "" if value is None else str(value)


def condition_note(structure: Structure, question, numbers: dict[int, str]) -> str:
    parent = structure.by_id.get(question.condition_question_id)
    choice = parent.choice_by_id.get(question.condition_choice_id) if parent else None
    if parent is None or choice is None:
        return ""
    return _("Chỉ trả lời nếu câu %(number)s chọn “%(choice)s”.") % {
        "number": numbers[parent.pk],
        "choice": choice.label,
    }


def page_items(
    structure: Structure, data: dict, page_index: int, errors: dict[int, str] | None = None
) -> list[Item]:
    """The questions of page `page_index` shown for the answers `data`, ready for the template."""
    errors = errors or {}
    pages = structure.pages()
    numbers = question_numbers(structure)
    where = page_of(structure)
    shown_ids = displayed(structure, data)
    items = []
    for q in pages[page_index].question_list:
        if q.pk not in shown_ids:
            continue
        key = str(q.pk)
        raw = data.get(key)
        item = Item(question=q, number=numbers[q.pk], kind=q.kind, error=errors.get(q.pk, ""))
        if q.condition_question_id and where.get(q.condition_question_id) == page_index:
            item.note = condition_note(structure, q, numbers)
        if q.kind == QuestionKind.MULTI:
            picked = {_as_text(v) for v in raw} if isinstance(raw, list) else set()
            item.options = [Option(c, str(c.pk) in picked) for c in q.choice_list]
        elif q.kind == QuestionKind.GRID:
            picked = raw if isinstance(raw, dict) else {}
            for row in q.row_list:
                value = _as_text(picked.get(str(row.pk)))
                options = [Option(c, str(c.pk) == value) for c in q.choice_list]
                missing = bool(item.error) and q.required and not value
                item.lines.append(GridLine(row, options, missing))
        elif q.is_choice:
            value = _as_text(raw)
            item.options = [Option(c, str(c.pk) == value) for c in q.choice_list]
        else:
            item.value = _as_text(raw)
        if q.allow_other:
            item.other = _as_text(data.get(f"{key}{answers.OTHER_SUFFIX}"))
        items.append(item)
    return items
