"""Recording paper forms, once or by double entry (what is typed is read by `paper_typing`).

Double entry (`Survey.double_entry`): the first typing of a code waits as a `PaperEntry`; a
second typing by another person is compared with it, recorded when both agree, and kept beside
it for resolution when they do not.

No audit entry, log line or notice is written here, not even an aggregate one: a response is
anonymous data, not official data, and a line saying who typed a form when would order the
forms. Only the recording itself (`responses.response_submit`) touches the tables.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.org import rules as org_rules

from . import answers, rules
from .models import Channel, Code, PaperEntry, Question, Survey
from .paper_typing import differences, display, items, relaxed
from .responses import (
    AnswerErrors,
    CodeProblem,
    code_display,
    normalize_code,
    response_submit,
    survey_problem,
)
from .structure import Structure, load


# --- services ----------------------------------------------------------------------------------
class PaperProblem(Exception):
    """Why this typing cannot be saved: invalid, forbidden, used, closed, not_open,
    same_person, pending, not_pending."""

    def __init__(self, reason: str, code: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.code = code

    @property
    def message(self) -> str:
        code = code_display(self.code)
        return {
            "invalid": _(
                "Không có mã phiếu “%(code)s” trong cuộc khảo sát này. Xin kiểm tra lại mã in "
                "trên phiếu."
            ),
            "forbidden": _(
                "Phiếu “%(code)s” thuộc phần phiếu của đơn vị khác: đồng chí không được nhập "
                "phiếu này."
            ),
            "used": _("Phiếu này đã được nhập (mã “%(code)s”): mỗi phiếu chỉ nhập một lần."),
            "closed": _("Cuộc khảo sát đã kết thúc, không nhận thêm phiếu."),
            "not_open": _("Cuộc khảo sát chưa mở, chưa nhận phiếu."),
            "same_person": _(
                "Đồng chí đã nhập phiếu “%(code)s” một lần: cần người thứ hai nhập để đối chiếu."
            ),
            "pending": _(
                "Phiếu “%(code)s” đã được hai người nhập và đang chờ đối chiếu: xin xử lý ở "
                "trang phiếu cần đối chiếu."
            ),
            "not_pending": _("Phiếu “%(code)s” không còn chờ đối chiếu."),
        }[self.reason] % {"code": code}


@dataclass
class Outcome:
    """What became of a typing: "recorded", "first" (waits for the second typing) or
    "mismatch" (on `differing` questions)."""

    status: str
    code: Code
    differing: int = 0


def _code_for(actor, survey: Survey, code_text: str, today: dt.date, lock: bool) -> Code:
    text = normalize_code(code_text)
    codes = Code.objects.select_related("survey", "allocation__unit").filter(
        survey=survey, code=text
    )
    if lock:
        # Two typists of one form are served one after the other.
        codes = codes.select_for_update(of=("self",))
    code = codes.first()
    if code is None:
        raise PaperProblem("invalid", text)
    if not rules.can_enter_code(actor, code):
        raise PaperProblem("forbidden", text)
    problem = survey_problem(survey, today)
    if problem:
        raise PaperProblem(problem, text)
    if code.used:
        raise PaperProblem("used", text)
    return code


def paper_code_check(*, actor, survey: Survey, code_text: str, today=None) -> Code:
    """The code if `actor` may type its form now; PaperProblem otherwise. Writes nothing."""
    today = today or timezone.localdate()
    code = _code_for(actor, survey, code_text, today, lock=False)
    if survey.double_entry:
        entries = list(PaperEntry.objects.filter(code=code).values_list("entered_by_id", flat=True))
        if len(entries) >= 2:
            raise PaperProblem("pending", code.code)
        if actor.pk in entries:
            raise PaperProblem("same_person", code.code)
    return code


def _record(code: Code, data: dict, structure: Structure, today: dt.date) -> None:
    try:
        response_submit(
            code_text=code.code, data=data, channel=Channel.PAPER, structure=structure, today=today
        )
    except CodeProblem as problem:
        raise PaperProblem(problem.reason, code.code) from None


def _checked(structure: Structure, data: dict, allow_blank: bool) -> Structure:
    checking = relaxed(structure) if allow_blank else structure
    errors = answers.validate(checking, data)
    if errors:
        raise AnswerErrors(errors)
    return checking


@transaction.atomic
def paper_entry_save(
    *,
    actor,
    survey: Survey,
    code_text: str,
    data: dict,
    allow_blank: bool = False,
    structure: Structure | None = None,
    today: dt.date | None = None,
) -> Outcome:
    """Save one typing of the paper form carrying `code_text`. Raises PaperProblem (the code,
    the survey's period, who typed it before) or AnswerErrors (the survey's checks)."""
    today = today or timezone.localdate()
    structure = structure or load(survey)
    code = _code_for(actor, survey, code_text, today, lock=survey.double_entry)
    checking = _checked(structure, data, allow_blank)
    if not survey.double_entry:
        _record(code, data, checking, today)
        return Outcome("recorded", code)
    entries = list(PaperEntry.objects.filter(code=code).order_by("created_at", "id"))
    if len(entries) >= 2:
        raise PaperProblem("pending", code.code)
    if any(e.entered_by_id == actor.pk for e in entries):
        raise PaperProblem("same_person", code.code)
    if not entries:
        PaperEntry.objects.create(survey=survey, code=code, data=data, entered_by=actor)
        return Outcome("first", code)
    differing = differences(structure, entries[0].data, data)
    if not differing:
        _record(code, data, checking, today)
        return Outcome("recorded", code)
    PaperEntry.objects.create(survey=survey, code=code, data=data, entered_by=actor)
    return Outcome("mismatch", code, differing=len(differing))


@dataclass
class Difference:
    question: Question
    label: str
    first: str
    second: str


@dataclass
class Mismatch:
    """A form typed twice with different answers: the two typings and where they differ."""

    code: Code
    first: PaperEntry
    second: PaperEntry
    rows: list[Difference]

    @property
    def code_text(self) -> str:
        return code_display(self.code.code)


def _enterable(actor, survey: Survey, entries):
    """Entries of the codes `actor` may type (see `rules.can_enter_code`)."""
    if rules.can_manage_survey(actor, survey):
        return entries
    q = org_rules.visible_q(actor, min_rank=org_rules.EDIT, field="code__allocation__unit__path")
    return entries.filter(q if q is not None else Q())


def _mismatch(structure: Structure, code: Code, first: PaperEntry, second: PaperEntry):
    labels = {item.question.pk: item.label for item in items(structure)}
    rows = [
        Difference(
            question=q,
            label=labels[q.pk],
            first=display(structure, q, first.data),
            second=display(structure, q, second.data),
        )
        for q in differences(structure, first.data, second.data)
    ]
    return Mismatch(code=code, first=first, second=second, rows=rows)


def paper_mismatches(*, actor, survey: Survey, structure: Structure | None = None) -> list:
    """The forms typed twice differently, among the codes `actor` may type, by code."""
    structure = structure or load(survey)
    pending = (
        PaperEntry.objects.filter(survey=survey)
        .values("code_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .values("code_id")
    )
    entries = _enterable(
        actor,
        survey,
        PaperEntry.objects.filter(survey=survey, code_id__in=pending).select_related(
            "code", "entered_by"
        ),
    ).order_by("code__code", "created_at", "id")
    by_code: dict[int, list[PaperEntry]] = {}
    for entry in entries:
        by_code.setdefault(entry.code_id, []).append(entry)
    return [
        _mismatch(structure, pair[0].code, pair[0], pair[1])
        for pair in by_code.values()
        if len(pair) >= 2
    ]


def paper_counts(*, actor, survey: Survey) -> tuple[int, int]:
    """(forms typed once, waiting for a second typing; forms typed twice differently), among
    the forms `actor` may type."""
    typings = PaperEntry.objects.filter(survey=survey).values("code_id").annotate(n=Count("id"))
    waiting = typings.filter(n=1).values("code_id")
    differing = typings.filter(n__gte=2).values("code_id")
    entries = _enterable(actor, survey, PaperEntry.objects.filter(survey=survey))
    return (
        entries.filter(code_id__in=waiting).count(),
        entries.filter(code_id__in=differing).values("code_id").distinct().count(),
    )


def paper_mismatch(*, actor, survey: Survey, code: Code, structure=None) -> Mismatch:
    """The mismatch of one code; PaperProblem("forbidden"/"not_pending") otherwise."""
    structure = structure or load(survey)
    if not rules.can_enter_code(actor, code):
        raise PaperProblem("forbidden", code.code)
    entries = list(
        PaperEntry.objects.filter(code=code)
        .select_related("entered_by")
        .order_by("created_at", "id")
    )
    if code.used or len(entries) < 2:
        raise PaperProblem("not_pending", code.code)
    return _mismatch(structure, code, entries[0], entries[1])


@transaction.atomic
def paper_resolve(
    *,
    actor,
    survey: Survey,
    code: Code,
    data: dict,
    allow_blank: bool = False,
    structure: Structure | None = None,
    today: dt.date | None = None,
) -> Outcome:
    """Record the form of a mismatch with the answers `data` settled by `actor`; the two
    typings go with it. Raises PaperProblem or AnswerErrors."""
    today = today or timezone.localdate()
    structure = structure or load(survey)
    code = _code_for(actor, survey, code.code, today, lock=True)
    if PaperEntry.objects.filter(code=code).count() < 2:
        raise PaperProblem("not_pending", code.code)
    checking = _checked(structure, data, allow_blank)
    _record(code, data, checking, today)
    return Outcome("recorded", code)


@transaction.atomic
def paper_discard(*, actor, survey: Survey, code: Code) -> int:
    """Drop both typings of a form (typed under a wrong code, say), so it can be typed anew."""
    if not rules.can_enter_code(actor, code) or code.survey_id != survey.pk:
        raise PaperProblem("forbidden", code.code)
    deleted, _rows = PaperEntry.objects.filter(code=code).delete()
    return deleted
