"""Answers to a survey in one canonical, JSON-safe shape, whatever typed them (the online form,
the paper entry screen, a generator), and the checks that apply to all of them.

The shape, keyed by the question id as a string:
- single choice, likert, yes/no: the choice id (int);
- multiple choice: a list of choice ids;
- "other, specify": the text under "<qid>_other";
- grid: {"<row id>": choice id};
- number: the number as a string ("12.5");
- short or long text: the text.
A question not shown (its condition not met) is not answered, whatever the data holds.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import QuestionKind
from .structure import Structure

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
OTHER_SUFFIX = "_other"


def _picked(question, value) -> set[int]:
    if value in (None, "", []):
        return set()
    if question.kind == QuestionKind.MULTI:
        return {int(v) for v in value}
    if question.kind == QuestionKind.GRID:
        return {int(v) for v in value.values()}
    return {int(value)}


def shown(structure: Structure, data: dict) -> set[int]:
    """Ids of the questions asked, given the answers so far: a question with a condition is
    asked when the question it depends on is asked and was answered with the chosen choice."""
    asked: set[int] = set()
    for q in structure.questions:
        if q.condition_question_id is None or q.condition_choice_id is None:
            asked.add(q.pk)
            continue
        parent = structure.by_id.get(q.condition_question_id)
        if parent is None or parent.pk not in asked:
            continue
        try:
            picked = _picked(parent, data.get(str(parent.pk)))
        except (TypeError, ValueError, AttributeError):
            picked = set()
        if q.condition_choice_id in picked:
            asked.add(q.pk)
    return asked


def is_empty(question, data: dict) -> bool:
    value = data.get(str(question.pk))
    if question.kind == QuestionKind.GRID:
        return not value or not any(value.values())
    return value in (None, "", [], {})


def _check_choice(question, value) -> str | None:
    try:
        cid = int(value)
    except (TypeError, ValueError):
        return _("Lựa chọn không hợp lệ.")
    if cid not in question.choice_by_id:
        return _("Lựa chọn không hợp lệ.")
    return None


def _check_one(question, data: dict) -> str | None:
    value = data.get(str(question.pk))
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.LIKERT, QuestionKind.YESNO):
        error = _check_choice(question, value)
        if error:
            return error
        choice = question.choice_by_id[int(value)]
        if choice.is_other and not str(data.get(f"{question.pk}{OTHER_SUFFIX}", "")).strip():
            return _("Xin ghi rõ ý kiến khác.")
        return None
    if kind == QuestionKind.MULTI:
        if not isinstance(value, list):
            return _("Lựa chọn không hợp lệ.")
        for v in value:
            error = _check_choice(question, v)
            if error:
                return error
        if len(set(map(int, value))) != len(value):
            return _("Một lựa chọn được chọn hai lần.")
        others = [
            question.choice_by_id[int(v)] for v in value if question.choice_by_id[int(v)].is_other
        ]
        if others and not str(data.get(f"{question.pk}{OTHER_SUFFIX}", "")).strip():
            return _("Xin ghi rõ ý kiến khác.")
        return None
    if kind == QuestionKind.GRID:
        if not isinstance(value, dict):
            return _("Lựa chọn không hợp lệ.")
        rows = {str(r.pk) for r in question.row_list}
        for row, v in value.items():
            if row not in rows:
                return _("Lựa chọn không hợp lệ.")
            if v in (None, ""):
                continue
            error = _check_choice(question, v)
            if error:
                return error
        if question.required and any(value.get(r) in (None, "") for r in rows):
            return _("Xin trả lời đủ các hàng của câu này.")
        return None
    if kind == QuestionKind.NUMBER:
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            return _("Xin nhập một số, ví dụ 12 hoặc 12,5.")
        if not number.is_finite():
            return _("Xin nhập một số, ví dụ 12 hoặc 12,5.")
        if question.min_value is not None and number < question.min_value:
            return _("Số phải từ %(min)s trở lên.") % {"min": _plain(question.min_value)}
        if question.max_value is not None and number > question.max_value:
            return _("Số không được lớn hơn %(max)s.") % {"max": _plain(question.max_value)}
        if abs(number) >= Decimal("1e12"):
            return _("Số quá lớn.")
        return None
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        limit = SHORT_TEXT_MAX if kind == QuestionKind.SHORT_TEXT else LONG_TEXT_MAX
        if not isinstance(value, str):
            return _("Câu trả lời không hợp lệ.")
        if len(value) > limit:
            return _("Câu trả lời dài quá %(n)d ký tự.") % {"n": limit}
        return None
    return _("Câu trả lời không hợp lệ.")


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text.replace(".", ",")


def validate(structure: Structure, data: dict, question_ids=None) -> dict[int, str]:
    """{question id: message} for the asked questions among `question_ids` (all by default):
    a required one left empty, an answer that is not one of the choices, a number out of range.
    """
    asked = shown(structure, data)
    errors: dict[int, str] = {}
    for q in structure.questions:
        if question_ids is not None and q.pk not in question_ids:
            continue
        if q.pk not in asked:
            continue
        if is_empty(q, data):
            if q.required:
                errors[q.pk] = _("Câu này cần được trả lời.")
            continue
        error = _check_one(q, data)
        if error:
            errors[q.pk] = error
    return errors


def answer_rows(structure: Structure, data: dict) -> list[dict]:
    """The Answer rows (as field dicts) of valid `data`: one per picked choice (per grid row),
    number or text; questions not asked or left empty give none."""
    asked = shown(structure, data)
    rows: list[dict] = []
    for q in structure.questions:
        if q.pk not in asked or is_empty(q, data):
            continue
        value = data[str(q.pk)]
        other = str(data.get(f"{q.pk}{OTHER_SUFFIX}", "")).strip()
        if q.kind in (QuestionKind.SINGLE, QuestionKind.LIKERT, QuestionKind.YESNO):
            choice = q.choice_by_id[int(value)]
            rows.append({"question": q, "choice": choice, "text": other if choice.is_other else ""})
        elif q.kind == QuestionKind.MULTI:
            for v in value:
                choice = q.choice_by_id[int(v)]
                rows.append(
                    {"question": q, "choice": choice, "text": other if choice.is_other else ""}
                )
        elif q.kind == QuestionKind.GRID:
            for row in q.row_list:
                v = value.get(str(row.pk))
                if v not in (None, ""):
                    rows.append({"question": q, "row": row, "choice": q.choice_by_id[int(v)]})
        elif q.kind == QuestionKind.NUMBER:
            rows.append({"question": q, "number": Decimal(str(value).strip().replace(",", "."))})
        else:
            text = value.strip()
            if text:
                rows.append({"question": q, "text": text})
    return rows


def from_post(structure: Structure, post, questions) -> dict:
    """The canonical answers to `questions` from an HTML form (fields `q<id>`, `q<id>_other`,
    `q<id>_r<row id>`), keeping what was typed even when it is wrong, so it can be shown again."""
    data: dict = {}
    for q in questions:
        name = f"q{q.pk}"
        key = str(q.pk)
        if q.kind == QuestionKind.MULTI:
            data[key] = [v for v in post.getlist(name) if v]
        elif q.kind == QuestionKind.GRID:
            data[key] = {str(r.pk): post.get(f"{name}_r{r.pk}", "") for r in q.row_list}
        else:
            data[key] = post.get(name, "").replace("\x00", "")
        if q.allow_other:
            data[f"{key}{OTHER_SUFFIX}"] = post.get(f"{name}_other", "").replace("\x00", "")[
                :SHORT_TEXT_MAX
            ]
    return data
