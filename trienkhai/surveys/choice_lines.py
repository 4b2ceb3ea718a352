"""Choices and grid rows typed one per line in the builder, and how they replace the stored
ones. Numbers are given by the order (1..n, the `value` printed on paper), a line starting with
"Khác" is the "other, specify" choice, likert and yes/no questions get their standard choices.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from trienkhai.lib.text import normalize

from .models import Choice, GridRow, Question, QuestionKind
from .structure import standard_choices

OTHER_LABEL = "Khác (ghi rõ)"
OTHER_PREFIX = "khác"
MAX_LINES = 50
LABEL_MAX = 300
# "1. Sinh hoạt chi bộ" or "2) Báo, đài": numbers are given by the order, not typed.
_NUMBERING = re.compile(r"^\d{1,2}[.)]\s+")
WITH_OTHER = {QuestionKind.SINGLE, QuestionKind.MULTI}


def lines_of(text: str, *, field: str, what: str) -> list[str]:
    """One entry per non-empty line, typed numbering dropped; refuses repeats and long lines."""
    lines = []
    seen = set()
    for raw in (text or "").splitlines():
        line = _NUMBERING.sub("", normalize(raw))
        if not line:
            continue
        if len(line) > LABEL_MAX:
            raise ValidationError(
                {
                    field: _("Mỗi dòng dài tối đa %(n)d ký tự: “%(line)s…”.")
                    % {"n": LABEL_MAX, "line": line[:40]}
                }
            )
        key = line.casefold()
        if key in seen:
            raise ValidationError({field: _("“%(line)s” bị lặp lại.") % {"line": line}})
        seen.add(key)
        lines.append(line)
    if len(lines) > MAX_LINES:
        raise ValidationError({field: _("Tối đa %(n)d %(what)s.") % {"n": MAX_LINES, "what": what}})
    return lines


def choice_plan(kind: str, choices_text: str, allow_other: bool) -> list[tuple[str, bool]]:
    """The choices a question will have, in order: (label, is_other)."""
    if kind in (QuestionKind.LIKERT, QuestionKind.YESNO):
        return [(label, False) for _value, label in standard_choices(kind)]
    if kind == QuestionKind.GRID:
        lines = lines_of(choices_text, field="choices", what=_("mức của thang đo"))
        if len(lines) < 2:
            raise ValidationError(
                {
                    "choices": _(
                        "Hãy nhập thang đánh giá của bảng, ít nhất hai mức, mỗi dòng một mức "
                        "(ví dụ: Kém, Trung bình, Khá, Tốt)."
                    )
                }
            )
        return [(line, False) for line in lines]
    if kind in WITH_OTHER:
        lines = lines_of(choices_text, field="choices", what=_("lựa chọn"))
        plan = [(line, line.casefold().startswith(OTHER_PREFIX)) for line in lines]
        if sum(1 for _label, other in plan if other) > 1:
            raise ValidationError(
                {"choices": _("Chỉ được có một lựa chọn “Khác”, ở dòng bắt đầu bằng chữ “Khác”.")}
            )
        if allow_other and not any(other for _label, other in plan):
            plan.append((OTHER_LABEL, True))
        if len(plan) < 2:
            raise ValidationError(
                {"choices": _("Hãy nhập ít nhất hai lựa chọn, mỗi dòng một lựa chọn.")}
            )
        return plan
    return []


def check_range(kind: str, min_value, max_value):
    if kind != QuestionKind.NUMBER:
        return None, None
    if min_value is not None and max_value is not None and min_value > max_value:
        raise ValidationError(
            {"max_value": _("Giá trị lớn nhất phải lớn hơn hoặc bằng giá trị nhỏ nhất.")}
        )
    return min_value, max_value


def choices_sync(question: Question, plan: list[tuple[str, bool]]) -> None:
    """Make the question's choices match `plan`, keeping the rows of unchanged labels (and, in
    order, of renamed ones) so conditions on them still hold."""
    existing = list(question.choices.order_by("position", "value"))
    by_label: dict[str, list[Choice]] = {}
    for c in existing:
        by_label.setdefault(c.label, []).append(c)
    assigned: list[Choice | None] = []
    taken = set()
    for label, _other in plan:
        same = by_label.get(label)
        c = same.pop(0) if same else None
        assigned.append(c)
        if c is not None:
            taken.add(c.pk)
    spare = [c for c in existing if c.pk not in taken]
    for i, c in enumerate(assigned):
        if c is None and spare:
            assigned[i] = spare.pop(0)
    if spare:
        blocked = (
            Question.objects.filter(condition_choice__in=[c.pk for c in spare])
            .order_by("code")
            .first()
        )
        if blocked is not None:
            raise ValidationError(
                {
                    "choices": _(
                        "Lựa chọn “%(label)s” đang là điều kiện của câu %(code)s: hãy sửa điều "
                        "kiện của câu %(code)s trước khi bỏ lựa chọn này."
                    )
                    % {"label": blocked.condition_choice.label, "code": blocked.code}
                }
            )
        Choice.objects.filter(pk__in=[c.pk for c in spare]).delete()
    kept = [c for c in assigned if c is not None]
    # Values are unique per question: move the kept rows out of the way before renumbering.
    Choice.objects.filter(pk__in=[c.pk for c in kept]).update(value=F("value") + 1000)
    new = []
    for number, ((label, other), c) in enumerate(zip(plan, assigned, strict=True), start=1):
        if c is None:
            new.append(
                Choice(
                    question=question, position=number, value=number, label=label, is_other=other
                )
            )
        else:
            c.position, c.value, c.label, c.is_other = number, number, label, other
    if kept:
        Choice.objects.bulk_update(kept, ["position", "value", "label", "is_other"])
    Choice.objects.bulk_create(new)


def rows_sync(question: Question, labels: list[str]) -> None:
    existing = list(question.rows.order_by("position", "id"))
    for position, label in enumerate(labels, start=1):
        if existing:
            row = existing.pop(0)
            row.position, row.label = position, label
            row.save(update_fields=["position", "label"])
        else:
            GridRow.objects.create(question=question, position=position, label=label)
    GridRow.objects.filter(pk__in=[r.pk for r in existing]).delete()
