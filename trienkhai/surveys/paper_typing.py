"""Reading paper forms as typed: the inputs of the entry screen, the digits a staff member types
read into the canonical answers (see `answers`), and two typings compared.

What is typed, per question (each input is named as in `answers.from_post`):
- single choice, likert, yes/no: the number printed beside the choice ("3");
- multiple choice: the numbers, "1 3 4", "1,3,4", or "134" when every number is one digit;
- grid: one number per row (`q<id>_r<row id>`);
- "other, specify": the text in its own input after the question (`q<id>_other`);
- number: the number ("12" or "12,5"); short and long text: the text. Empty means not answered.
"""

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from trienkhai.lib.text import normalize

from . import answers
from .models import GridRow, Question, QuestionKind
from .structure import Structure, question_numbers

OTHER = answers.OTHER_SUFFIX
_SEPARATORS = re.compile(r"[\s,;.+/]+")
# "1.500" is one thousand five hundred to a Vietnamese reader and 1.5 to Python: refused.
_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
CHOICE_ONE = (QuestionKind.SINGLE, QuestionKind.LIKERT, QuestionKind.YESNO)
NUMERIC_KINDS = (*CHOICE_ONE, QuestionKind.MULTI, QuestionKind.GRID)


# --- the inputs of the entry screen -----------------------------------------------------------
@dataclass
class Slot:
    """One input of the entry screen."""

    name: str
    label: str
    kind: str  # "choice", "multi", "number", "text" or "other"
    hint: str = ""
    row: GridRow | None = None
    maxlength: int | None = None


@dataclass
class Item:
    """A question on the entry screen, its label ("C3") and its inputs in tab order."""

    question: Question
    label: str
    slots: list[Slot] = field(default_factory=list)


def _legend(question: Question) -> str:
    """The numbers to type, as on the paper: "1 Có · 2 Không"."""
    return " · ".join(f"{c.value} {c.label}" for c in question.choice_list)


def _range(question: Question) -> str:
    low, high = question.min_value, question.max_value
    if low is None and high is None:
        return _("một số")
    low = "…" if low is None else format(low.normalize(), "f").replace(".", ",")
    high = "…" if high is None else format(high.normalize(), "f").replace(".", ",")
    return _("một số, từ %(low)s đến %(high)s") % {"low": low, "high": high}


def items(structure: Structure) -> list[Item]:
    """Every question in form order, conditional ones included (a condition is read from the
    answers, not from the screen)."""
    result = []
    numbers = question_numbers(structure)
    for q in structure.questions:
        label = numbers[q.pk]
        name = f"q{q.pk}"
        head = f"{label} {q.text if len(q.text) <= 60 else q.text[:59] + '…'}"
        item = Item(question=q, label=label)
        if q.kind == QuestionKind.GRID:
            for row in q.row_list:
                item.slots.append(
                    Slot(f"{name}_r{row.pk}", f"{label} · {row.label}", "choice", _legend(q), row)
                )
        elif q.kind in CHOICE_ONE:
            item.slots.append(Slot(name, head, "choice", _legend(q)))
        elif q.kind == QuestionKind.MULTI:
            hint = _("%(legend)s · chọn nhiều") % {"legend": _legend(q)}
            item.slots.append(Slot(name, head, "multi", hint, maxlength=200))
        elif q.kind == QuestionKind.NUMBER:
            item.slots.append(Slot(name, head, "number", _range(q), maxlength=30))
        else:
            short = q.kind == QuestionKind.SHORT_TEXT
            limit = answers.SHORT_TEXT_MAX if short else answers.LONG_TEXT_MAX
            hint = _("chép lời trên phiếu; để trống nếu không có")
            item.slots.append(Slot(name, head, "text", hint, maxlength=limit))
        if q.allow_other:
            item.slots.append(
                Slot(
                    f"{name}_other",
                    _("%(q)s · ý kiến khác (ghi rõ)") % {"q": label},
                    "other",
                    _("chỉ khi đã chọn “Khác”"),
                    maxlength=answers.SHORT_TEXT_MAX,
                )
            )
        result.append(item)
    return result


# --- reading what was typed --------------------------------------------------------------------
@dataclass
class Parsed:
    data: dict
    errors: dict[int, str]  # {question id: "Câu C3: ..."}
    blank_required: list[int]  # required questions asked but left empty


def _values_text(question: Question) -> str:
    values = sorted(question.choice_by_value)
    if values and values == list(range(values[0], values[-1] + 1)):
        return f"{values[0]}–{values[-1]}"
    return ", ".join(str(v) for v in values)


def _wrong_choice(question: Question, label: str, row: GridRow | None = None) -> str:
    if row is not None:
        return _("Câu %(q)s, hàng “%(row)s”: chỉ có lựa chọn %(values)s.") % {
            "q": label,
            "row": row.label,
            "values": _values_text(question),
        }
    return _("Câu %(q)s: chỉ có lựa chọn %(values)s.") % {
        "q": label,
        "values": _values_text(question),
    }


def _one_choice(question: Question, text: str) -> int | str | None:
    """The choice id for a typed number, "" when empty, None when it is no choice."""
    text = text.strip()
    if not text:
        return ""
    if not (text.isascii() and text.isdigit()):
        return None
    choice = question.choice_by_value.get(int(text))
    return choice.pk if choice else None


def _many_choices(question: Question, text: str, label: str) -> tuple[list[int], str | None]:
    text = text.strip()
    if not text:
        return [], None
    if _SEPARATORS.search(text):
        tokens = [t for t in _SEPARATORS.split(text) if t]
    elif max(question.choice_by_value, default=0) <= 9:
        tokens = list(text)  # "134": every number is one digit
    else:
        tokens = [text]
    if not all(t.isascii() and t.isdigit() for t in tokens):
        return [], _("Câu %(q)s: gõ các số của lựa chọn, ví dụ 134 hoặc 1 3 4.") % {"q": label}
    values = [int(t) for t in tokens]
    if any(v not in question.choice_by_value for v in values):
        return [], _wrong_choice(question, label)
    for v in values:
        if values.count(v) > 1:
            return [], _("Câu %(q)s: lựa chọn %(n)d được gõ hai lần.") % {"q": label, "n": v}
    return [question.choice_by_value[v].pk for v in sorted(values)], None


def _number(text: str, label: str) -> tuple[str, str | None]:
    text = text.strip().replace(" ", "")
    if _THOUSANDS.match(text):
        return text, _(
            "Câu %(q)s: gõ số không có dấu chấm phân cách hàng nghìn (1500); phần lẻ dùng "
            "dấu phẩy (12,5)."
        ) % {"q": label}
    return text.replace(",", "."), None


def relaxed(structure: Structure) -> Structure:
    """The structure with no question required: for a paper form on which the respondent left
    a required question blank, once the typist confirms it."""
    questions = []
    for q in structure.questions:
        q = copy.copy(q)
        q.required = False
        questions.append(q)
    return Structure(
        survey=structure.survey,
        sections=structure.sections,
        questions=questions,
        by_id={q.pk: q for q in questions},
    )


def parse(
    structure: Structure, raw, *, allow_blank: bool = False, only: set[int] | None = None
) -> Parsed:
    """Read the typed inputs `raw` ({input name: text}) of the questions (all, or those in
    `only`) into canonical answers, with one message per question that cannot be read or
    fails the survey's checks. What was typed stays in `raw` for the page to show again."""
    data: dict = {}
    errors: dict[int, str] = {}
    labels = {}
    for item in items(structure):
        q = item.question
        if only is not None and q.pk not in only:
            continue
        labels[q.pk] = item.label
        key = str(q.pk)
        name = f"q{q.pk}"
        text = str(raw.get(name, "") or "").replace("\x00", "")
        error = None
        if q.kind in CHOICE_ONE:
            value = _one_choice(q, text)
            if value is None:
                error, value = _wrong_choice(q, item.label), ""
            data[key] = value
        elif q.kind == QuestionKind.MULTI:
            data[key], error = _many_choices(q, text, item.label)
        elif q.kind == QuestionKind.GRID:
            cells = {}
            for row in q.row_list:
                value = _one_choice(q, str(raw.get(f"{name}_r{row.pk}", "") or ""))
                if value is None:
                    error = error or _wrong_choice(q, item.label, row)
                    value = ""
                cells[str(row.pk)] = value
            data[key] = cells
        elif q.kind == QuestionKind.NUMBER:
            data[key], error = _number(text, item.label)
        else:
            data[key] = normalize(text)
        if q.allow_other:
            other = normalize(str(raw.get(f"{name}_other", "") or "").replace("\x00", ""))
            data[f"{key}{OTHER}"] = other
            if other and not error and not _other_picked(q, data[key]):
                error = _("Câu %(q)s: có ghi ý kiến khác nhưng chưa gõ số của lựa chọn “Khác”.") % {
                    "q": item.label
                }
        if error:
            errors[q.pk] = error
    checked = parse_check(structure, data, allow_blank=allow_blank, only=set(labels) - set(errors))
    errors.update(checked.errors)
    return Parsed(data=data, errors=errors, blank_required=checked.blank_required)


def parse_check(
    structure: Structure, data: dict, *, allow_blank: bool = False, only: set[int] | None = None
) -> Parsed:
    """The survey's checks on canonical answers, with messages naming the question ("Câu C3:
    ..."); a required question left empty gets a message saying how to record the form as the
    paper has it."""
    labels = {item.question.pk: item.label for item in items(structure)}
    only = set(labels) if only is None else only
    asked = answers.shown(structure, data)
    blank_required = [
        q.pk
        for q in structure.questions
        if q.pk in only and q.pk in asked and q.required and answers.is_empty(q, data)
    ]
    checking = relaxed(structure) if allow_blank else structure
    errors = {
        qid: labelled(labels[qid], message)
        for qid, message in answers.validate(checking, data, only).items()
    }
    if not allow_blank:
        for qid in blank_required:
            errors[qid] = _(
                "Câu %(q)s: câu bắt buộc nhưng chưa được nhập. Nếu trên phiếu giấy câu này để "
                "trống, đánh dấu ô “Phiếu để trống câu bắt buộc” rồi lưu."
            ) % {"q": labels[qid]}
    return Parsed(data=data, errors=errors, blank_required=blank_required)


def labelled(label: str, message: str) -> str:
    """ "Câu C3: số phải từ 0 trở lên." from a message of `answers`."""
    return _("Câu %(q)s: %(message)s") % {"q": label, "message": message[:1].lower() + message[1:]}


def _other_picked(question: Question, value) -> bool:
    picked = value if isinstance(value, list) else [value]
    return any(v not in ("", None) and question.choice_by_id[int(v)].is_other for v in picked)


# --- comparing and showing answers -------------------------------------------------------------
def _comparable(question: Question, data: dict, asked: set[int]):
    """What a typing says about one question, in a form where equal means the same answer."""
    if question.pk not in asked or answers.is_empty(question, data):
        return None
    value = data.get(str(question.pk))
    other = normalize(str(data.get(f"{question.pk}{OTHER}", "")))
    try:
        if question.kind in CHOICE_ONE:
            chosen = question.choice_by_id.get(int(value))
            return (int(value), other if chosen and chosen.is_other else "")
        if question.kind == QuestionKind.MULTI:
            ids = sorted(int(v) for v in value)
            has_other = any(
                question.choice_by_id.get(i) and question.choice_by_id[i].is_other for i in ids
            )
            return (tuple(ids), other if has_other else "")
        if question.kind == QuestionKind.GRID:
            return tuple(sorted((str(r), int(v)) for r, v in value.items() if v not in ("", None)))
        if question.kind == QuestionKind.NUMBER:
            return format(Decimal(str(value).strip().replace(",", ".")).normalize(), "f")
    except (TypeError, ValueError, AttributeError, InvalidOperation):
        return ("?", str(value))
    return normalize(str(value))


def differences(structure: Structure, first: dict, second: dict) -> list[Question]:
    """The questions on which two typings of one form disagree."""
    asked_1 = answers.shown(structure, first)
    asked_2 = answers.shown(structure, second)
    return [
        q
        for q in structure.questions
        if _comparable(q, first, asked_1) != _comparable(q, second, asked_2)
    ]


def display(structure: Structure, question: Question, data: dict) -> str:
    """One answer as a person reads it: "3. Khá", "1. Sinh hoạt chi bộ; 4. Khác: ..."."""
    if question.pk not in answers.shown(structure, data):
        return _("(không được hỏi)")
    if answers.is_empty(question, data):
        return _("(để trống)")
    value = data.get(str(question.pk))
    other = normalize(str(data.get(f"{question.pk}{OTHER}", "")))

    def choice_text(cid) -> str:
        choice = question.choice_by_id.get(int(cid))
        if choice is None:
            return "?"
        text = f"{choice.value}. {choice.label}"
        return f"{text}: {other}" if choice.is_other and other else text

    try:
        if question.kind in CHOICE_ONE:
            return choice_text(value)
        if question.kind == QuestionKind.MULTI:
            return "; ".join(choice_text(v) for v in value)
        if question.kind == QuestionKind.GRID:
            return "; ".join(
                f"{row.label}: {choice_text(value[str(row.pk)])}"
                if value.get(str(row.pk)) not in (None, "")
                else f"{row.label}: {_('(để trống)')}"
                for row in question.row_list
            )
    except (TypeError, ValueError, AttributeError):
        return str(value)
    return str(value).replace(".", ",") if question.kind == QuestionKind.NUMBER else str(value)


def merged(base: dict, picks: dict[int, dict]) -> dict:
    """`base` with the answers of some questions taken from other data: {question id: data}."""
    result = dict(base)
    for qid, source in picks.items():
        for key in (str(qid), f"{qid}{OTHER}"):
            result.pop(key, None)
            if key in source:
                result[key] = source[key]
    return result
