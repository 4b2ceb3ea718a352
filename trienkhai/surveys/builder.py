"""Building a survey: the survey itself, its sections, questions with their choices and grid
rows (parsed in `choice_lines`), conditions. Copies and new versions are in `copies`.

Every change goes through one function here, so the page and the demo loader make the same
checks and write the same audit entries (on the survey, so its page shows the whole history).
Choices are typed as one line each and numbered 1..n (`value`, the number printed on paper and
typed in entry); likert and yes/no questions get their standard choices. Question codes (C1,
C2, ...) follow the order of the form and are renumbered after every change.

Every service that changes the form ends with `structure.revision_bump`, so the answering pages
stop serving the form they keep in memory (bulk writes, such as renumbering, send no signal).

A survey is frozen once a form has been answered (`Survey.is_frozen`): its questions no longer
change, whoever asks; `copies.survey_new_version` makes an editable copy instead.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record
from trienkhai.lib.text import normalize

from . import choice_lines
from .models import (
    CHOICE_KINDS,
    Choice,
    Question,
    QuestionKind,
    Section,
    Survey,
)
from .structure import revision_bump

LABEL_MAX = choice_lines.LABEL_MAX
SURVEY_FIELDS = ["title", "intro", "campaign"]


class SurveyFrozen(ValidationError):
    """The survey has answered forms; its questions cannot change."""

    def __init__(self, survey: Survey):
        super().__init__(
            _(
                "Cuộc khảo sát đã có phiếu trả lời (hoặc mã phiếu đã được dùng) nên không sửa "
                "được nội dung phiếu nữa. Muốn thay đổi, hãy tạo phiên bản mới."
            )
        )
        self.survey = survey


def check_editable(survey: Survey) -> None:
    """Raise SurveyFrozen when the survey's questions may no longer change."""
    if survey.is_frozen:
        raise SurveyFrozen(survey)


def _audit(actor, survey: Survey, note: str, changes: dict | None = None, action=None) -> None:
    audit_record(
        actor=actor,
        obj=survey,
        action=action or AuditEntry.Action.UPDATE,
        changes=changes,
        note=note,
    )


# --- surveys ------------------------------------------------------------------------------------
@transaction.atomic
def survey_create(*, actor, owner_unit, title: str, intro: str = "", campaign=None) -> Survey:
    title = normalize(title)
    if not title:
        raise ValidationError({"title": _("Hãy nhập tên cuộc khảo sát.")})
    survey = Survey.objects.create(
        title=title,
        intro=(intro or "").strip(),
        owner_unit=owner_unit,
        campaign=campaign,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _audit(actor, survey, _("Lập cuộc khảo sát."), action=AuditEntry.Action.CREATE)
    return survey


@transaction.atomic
def survey_update(*, actor, survey: Survey, title: str, intro: str = "", campaign=None) -> None:
    check_editable(survey)
    title = normalize(title)
    if not title:
        raise ValidationError({"title": _("Hãy nhập tên cuộc khảo sát.")})
    before = {f: str(getattr(survey, f) or "") for f in SURVEY_FIELDS}
    survey.title, survey.intro, survey.campaign = title, (intro or "").strip(), campaign
    survey.save(update_fields=[*SURVEY_FIELDS, "updated_at"])
    after = {f: str(getattr(survey, f) or "") for f in SURVEY_FIELDS}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        _audit(actor, survey, "", changes)


# --- order, codes and conditions ----------------------------------------------------------------
def ordered_questions(survey: Survey) -> list[Question]:
    return list(
        Question.objects.filter(survey=survey)
        .select_related("section")
        .order_by("section__position", "section_id", "position", "id")
    )


def questions_renumber(survey: Survey) -> list[Question]:
    """Positions 1..n inside each section and codes C1..Cn over the whole form, in order."""
    questions = ordered_questions(survey)
    changed = []
    counts: dict[int, int] = {}
    for number, q in enumerate(questions, start=1):
        counts[q.section_id] = counts.get(q.section_id, 0) + 1
        position, code = counts[q.section_id], f"C{number}"
        if q.position != position or q.code != code:
            q.position, q.code = position, code
            changed.append(q)
    if changed:
        Question.objects.bulk_update(changed, ["position", "code"])
    return questions


def _check_conditions(questions: list[Question]) -> None:
    """Every condition must point at a choice question placed before the one it conditions."""
    index = {q.pk: i for i, q in enumerate(questions)}
    for i, q in enumerate(questions):
        if q.condition_question_id is None:
            continue
        j = index.get(q.condition_question_id)
        if j is None:
            continue
        if j >= i:
            source = questions[j]
            raise ValidationError(
                {
                    "condition": _(
                        "Câu %(q)s chỉ được hỏi tùy theo câu trả lời của câu %(source)s, nên câu "
                        "%(source)s phải đứng trước câu %(q)s."
                    )
                    % {"q": q.code, "source": source.code}
                }
            )


def _renumber_and_check(survey: Survey) -> None:
    _check_conditions(questions_renumber(survey))


def _check_condition_choice(survey: Survey, question: Question | None, choice) -> None:
    if choice is None:
        return
    source = choice.question
    if source.survey_id != survey.pk:
        raise ValidationError({"condition": _("Điều kiện phải là một câu của chính phiếu này.")})
    if source.kind not in CHOICE_KINDS:
        raise ValidationError(
            {"condition": _("Điều kiện chỉ đặt được theo một câu hỏi có các lựa chọn.")}
        )
    if question is not None and source.pk == question.pk:
        raise ValidationError({"condition": _("Một câu không thể là điều kiện của chính nó.")})


def _block_if_depended_on(questions, doing: str) -> None:
    ids = [q.pk for q in questions]
    dependant = (
        Question.objects.filter(condition_question_id__in=ids)
        .exclude(pk__in=ids)
        .order_by("code")
        .first()
    )
    if dependant is not None:
        raise ValidationError(
            _(
                "Câu %(code)s chỉ được hỏi tùy theo câu trả lời của câu %(source)s: hãy bỏ điều "
                "kiện ở câu %(code)s trước khi %(doing)s."
            )
            % {
                "code": dependant.code,
                "source": dependant.condition_question.code,
                "doing": doing,
            }
        )


# --- sections -----------------------------------------------------------------------------------
def _section_text(title: str) -> str:
    title = normalize(title)
    if not title:
        raise ValidationError({"title": _("Hãy nhập tên phần, ví dụ: Phần I. Đánh giá chung.")})
    return title


@transaction.atomic
def section_create(*, actor, survey: Survey, title: str, description: str = "") -> Section:
    check_editable(survey)
    title = _section_text(title)
    last = survey.sections.aggregate(m=Max("position"))["m"] or 0
    section = Section.objects.create(
        survey=survey, position=last + 1, title=title, description=(description or "").strip()
    )
    revision_bump(survey.pk)
    _audit(actor, survey, _("Thêm phần “%(title)s”.") % {"title": title})
    return section


@transaction.atomic
def section_update(*, actor, section: Section, title: str, description: str = "") -> None:
    check_editable(section.survey)
    title = _section_text(title)
    changes = {}
    if section.title != title:
        changes["title"] = [section.title, title]
    description = (description or "").strip()
    if section.description != description:
        changes["description"] = [section.description, description]
    section.title, section.description = title, description
    section.save(update_fields=["title", "description"])
    revision_bump(section.survey_id)
    if changes:
        _audit(actor, section.survey, _("Sửa phần “%(title)s”.") % {"title": title}, changes)


@transaction.atomic
def section_delete(*, actor, section: Section) -> None:
    survey = section.survey
    check_editable(survey)
    _block_if_depended_on(list(section.questions.all()), _("xóa phần này"))
    n = section.questions.count()
    title = section.title
    section.delete()
    for i, s in enumerate(survey.sections.order_by("position", "id"), start=1):
        if s.position != i:
            Section.objects.filter(pk=s.pk).update(position=i)
    questions_renumber(survey)
    revision_bump(survey.pk)
    _audit(
        actor,
        survey,
        _("Xóa phần “%(title)s” (%(n)d câu hỏi).") % {"title": title, "n": n},
    )


# --- questions ----------------------------------------------------------------------------------
def _question_values(
    *,
    kind,
    text,
    help_text,
    required,
    allow_other,
    choices_text,
    rows_text,
    min_value,
    max_value,
):
    """Check the typed question and return (fields, choice plan, grid rows)."""
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("Hãy chọn loại câu hỏi.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Hãy nhập câu hỏi.")})
    plan = choice_lines.choice_plan(kind, choices_text, allow_other)
    rows = []
    if kind == QuestionKind.GRID:
        rows = choice_lines.lines_of(rows_text, field="rows", what=_("hàng"))
        if not rows:
            raise ValidationError(
                {
                    "rows": _(
                        "Hãy nhập các hàng của bảng, mỗi dòng một hàng (một nội dung đánh giá)."
                    )
                }
            )
    min_value, max_value = choice_lines.check_range(kind, min_value, max_value)
    fields = {
        "kind": kind,
        "text": text,
        "help_text": normalize(help_text or "")[:LABEL_MAX],
        "required": bool(required),
        "allow_other": any(other for _label, other in plan),
        "min_value": min_value,
        "max_value": max_value,
    }
    return fields, plan, rows


def _question_summary(question: Question, choices: list[str], rows: list[str]) -> dict:
    """What the audit log shows of a question, keyed by words (the log is kept on the survey,
    which has no such fields to name them)."""
    condition = ""
    if question.condition_choice_id:
        condition = f"{question.condition_question.code} = {question.condition_choice}"
    return {
        _("câu hỏi"): question.text,
        _("loại câu hỏi"): str(question.get_kind_display()),
        _("bắt buộc trả lời"): question.required,
        _("các lựa chọn"): "; ".join(choices),
        _("các hàng"): "; ".join(rows),
        _("điều kiện"): condition,
    }


@transaction.atomic
def question_create(
    *,
    actor,
    section: Section,
    kind: str,
    text: str,
    help_text: str = "",
    required: bool = False,
    allow_other: bool = False,
    choices_text: str = "",
    rows_text: str = "",
    min_value=None,
    max_value=None,
    condition_choice: Choice | None = None,
) -> Question:
    """A question at the end of `section`. `condition_choice`: ask it only when that choice
    of an earlier question was picked."""
    survey = section.survey
    check_editable(survey)
    fields, plan, rows = _question_values(
        kind=kind,
        text=text,
        help_text=help_text,
        required=required,
        allow_other=allow_other,
        choices_text=choices_text,
        rows_text=rows_text,
        min_value=min_value,
        max_value=max_value,
    )
    _check_condition_choice(survey, None, condition_choice)
    last = section.questions.aggregate(m=Max("position"))["m"] or 0
    question = Question.objects.create(
        survey=survey,
        section=section,
        position=last + 1,
        condition_question=condition_choice.question if condition_choice else None,
        condition_choice=condition_choice,
        **fields,
    )
    choice_lines.choices_sync(question, plan)
    choice_lines.rows_sync(question, rows)
    _renumber_and_check(survey)
    revision_bump(survey.pk)
    question.refresh_from_db(fields=["code", "position"])
    _audit(
        actor,
        survey,
        _("Thêm câu %(code)s: %(text)s") % {"code": question.code, "text": question.text[:200]},
    )
    return question


@transaction.atomic
def question_update(
    *,
    actor,
    question: Question,
    section: Section | None = None,
    kind: str,
    text: str,
    help_text: str = "",
    required: bool = False,
    allow_other: bool = False,
    choices_text: str = "",
    rows_text: str = "",
    min_value=None,
    max_value=None,
    condition_choice: Choice | None = None,
) -> None:
    survey = question.survey
    check_editable(survey)
    fields, plan, rows = _question_values(
        kind=kind,
        text=text,
        help_text=help_text,
        required=required,
        allow_other=allow_other,
        choices_text=choices_text,
        rows_text=rows_text,
        min_value=min_value,
        max_value=max_value,
    )
    _check_condition_choice(survey, question, condition_choice)
    if fields["kind"] not in CHOICE_KINDS:
        _block_if_depended_on([question], _("đổi câu này sang loại không có lựa chọn"))
    before = _question_summary(
        question,
        [c.label for c in question.choices.order_by("position", "value")],
        [r.label for r in question.rows.order_by("position", "id")],
    )
    for name, value in fields.items():
        setattr(question, name, value)
    question.condition_question = condition_choice.question if condition_choice else None
    question.condition_choice = condition_choice
    if section is not None and section.pk != question.section_id:
        if section.survey_id != survey.pk:
            raise ValidationError({"section": _("Phần đã chọn không thuộc phiếu này.")})
        question.section = section
        question.position = (section.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    question.save()
    choice_lines.choices_sync(question, plan)
    choice_lines.rows_sync(question, rows)
    _renumber_and_check(survey)
    revision_bump(survey.pk)
    question.refresh_from_db(fields=["code", "position"])
    after = _question_summary(question, [label for label, _other in plan], rows)
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    _audit(actor, survey, _("Sửa câu %(code)s.") % {"code": question.code}, changes)


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    survey = question.survey
    check_editable(survey)
    _block_if_depended_on([question], _("xóa câu này"))
    code, text = question.code, question.text
    question.delete()
    questions_renumber(survey)
    revision_bump(survey.pk)
    _audit(actor, survey, _("Xóa câu %(code)s: %(text)s") % {"code": code, "text": text[:200]})


@transaction.atomic
def question_move(*, actor, question: Question, direction: str) -> bool:
    """Move a question one place up or down; past the edge of its section it goes to the end
    of the previous section or the start of the next. False when it cannot go further."""
    survey = question.survey
    check_editable(survey)
    if direction not in ("up", "down"):
        raise ValidationError(_("Hướng di chuyển không hợp lệ."))
    questions = questions_renumber(survey)
    sections = list(survey.sections.order_by("position", "id"))
    current = next(q for q in questions if q.pk == question.pk)
    same = [q for q in questions if q.section_id == current.section_id]
    i = same.index(current)
    step = -1 if direction == "up" else 1
    if 0 <= i + step < len(same):
        other = same[i + step]
        Question.objects.filter(pk=current.pk).update(position=other.position)
        Question.objects.filter(pk=other.pk).update(position=current.position)
    else:
        s = [x.pk for x in sections].index(current.section_id) + step
        if not 0 <= s < len(sections):
            return False
        target = sections[s]
        if direction == "up":
            position = (target.questions.aggregate(m=Max("position"))["m"] or 0) + 1
        else:
            position = 0
        Question.objects.filter(pk=current.pk).update(section=target, position=position)
    try:
        _renumber_and_check(survey)
    except ValidationError as error:
        raise ValidationError(error.message_dict["condition"]) from None
    revision_bump(survey.pk)
    moved = Question.objects.get(pk=question.pk)
    _audit(
        actor,
        survey,
        _("Chuyển câu “%(text)s” thành câu %(code)s.")
        % {"text": moved.text[:120], "code": moved.code},
    )
    return True
