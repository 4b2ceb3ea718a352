"""Recording a response: one transaction claims the code, stores the answers, counts them in
the tallies and forgets the draft. Anything that fails rolls all of it back, so a form is either
recorded whole, once, with its code spent — or not at all, with the code still usable.

Nothing here logs, audits or returns anything that would tie the response to its code.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import answers
from .models import (
    Answer,
    Channel,
    Code,
    PaperEntry,
    Response,
    ResponseDraft,
    Survey,
    SurveyStatus,
    Tally,
)
from .structure import Structure, current

_CODE_JUNK = re.compile(r"[\s\-_.]+")


class CodeProblem(Exception):
    """Why a code cannot be used now: "invalid", "used", "not_open" or "closed"."""

    def __init__(self, reason: str, survey: Survey | None = None):
        super().__init__(reason)
        self.reason = reason
        self.survey = survey

    @property
    def message(self) -> str:
        return {
            "invalid": _(
                "Mã phiếu không đúng. Xin kiểm tra lại mã in trên phiếu hoặc trong đường dẫn."
            ),
            "used": _(
                "Mã phiếu này đã được dùng: phiếu trả lời đã được ghi nhận. Mỗi mã chỉ dùng "
                "được một lần."
            ),
            "not_open": _("Cuộc khảo sát chưa mở. Xin quay lại từ ngày mở khảo sát."),
            "closed": _("Cuộc khảo sát đã kết thúc, không nhận thêm phiếu."),
        }[self.reason]


class AnswerErrors(ValidationError):
    """The answers do not pass the survey's checks; `errors` is {question id: message}."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(_("Phiếu còn câu trả lời chưa hợp lệ."))
        self.errors = errors


def normalize_code(text: str) -> str:
    """Codes are typed from paper: case, spaces and dashes do not matter."""
    return _CODE_JUNK.sub("", (text or "")).upper()[:24]


def code_display(code: str) -> str:
    """ "ABCDEFGHJK" -> "ABCDE-FGHJK": groups of five are easier to read out and type. Text
    of another length (a mistyped code) is shown as it was typed."""
    if len(code) <= 5 or len(code) % 5:
        return code
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def survey_problem(survey: Survey, today: dt.date | None = None) -> str | None:
    """Why the survey takes no response today, or None."""
    today = today or timezone.localdate()
    if survey.status == SurveyStatus.CLOSED or (survey.closes_on and today > survey.closes_on):
        return "closed"
    if survey.status != SurveyStatus.OPEN or (survey.opens_on and today < survey.opens_on):
        return "not_open"
    return None


def code_check(text: str, today: dt.date | None = None, *, with_draft: bool = False) -> Code:
    """The code if it can be used now; CodeProblem otherwise. `with_draft`: read its draft in
    the same query (`code.draft`, see `respond.draft_load`)."""
    related = ("survey", "allocation", "draft") if with_draft else ("survey", "allocation")
    code = Code.objects.select_related(*related).filter(code=normalize_code(text)).first()
    if code is None:
        raise CodeProblem("invalid")
    problem = survey_problem(code.survey, today)
    if problem:
        raise CodeProblem(problem, code.survey)
    if code.used:
        raise CodeProblem("used", code.survey)
    return code


def _tally_keys(survey: Survey, rows: list[dict], group_id: int, unit_id: int) -> list[tuple]:
    """The tally cells one response adds 1 to: the form itself, each answered question (and
    grid row), each picked choice."""
    cells: set[tuple] = {(0, 0, 0)}
    for row in rows:
        q = row["question"].pk
        r = row["row"].pk if row.get("row") else 0
        cells.add((q, 0, 0))
        if r:
            cells.add((q, r, 0))
        if row.get("choice") is not None:
            cells.add((q, r, row["choice"].pk))
    keys = []
    for q, r, c in sorted(cells):
        keys.append((survey.pk, q, r, c, group_id, unit_id))
        if group_id or unit_id:
            # Totals over everyone too, so the headline results are one lookup.
            keys.append((survey.pk, q, r, c, 0, 0))
    return sorted(set(keys))


def tallies_add(keys: list[tuple], amount: int = 1) -> None:
    """Add `amount` to each tally cell, creating it when new. Cells are taken in a fixed order
    (`keys` sorted) so concurrent responses never deadlock.

    On PostgreSQL the cells travel as six arrays: the statement stays short whatever the form,
    where one placeholder per value made the driver parse a statement of a thousand
    placeholders on every response (a fifth of a submission's CPU for 20 questions)."""
    if not keys:
        return
    table = Tally._meta.db_table
    columns = "survey_id, question_id, row_id, choice_id, group_id, unit_id"
    conflict = f"ON CONFLICT ({columns}) DO UPDATE SET n = {table}.n + excluded.n"
    if connection.vendor == "postgresql":
        arrays = ", ".join(["%s::integer[]"] * 6)
        sql = (
            f"INSERT INTO {table} ({columns}, n) SELECT {columns}, %s FROM UNNEST({arrays}) "
            f"WITH ORDINALITY AS k({columns}, i) ORDER BY i {conflict}"
        )
        params = [amount, *(list(column) for column in zip(*keys, strict=True))]
    else:
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(keys))
        sql = f"INSERT INTO {table} ({columns}, n) VALUES {values} {conflict}"
        params = [value for key in keys for value in (*key, amount)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _cell(survey: Survey, code: Code) -> tuple[int, int]:
    """Respondent group and unit, only as far as the survey declares it records them."""
    allocation = code.allocation
    if allocation is None:
        return 0, 0
    group = allocation.target_group_id if survey.record_group and allocation.target_group_id else 0
    unit = allocation.unit_id if survey.record_unit else 0
    return group or 0, unit or 0


@transaction.atomic
def response_submit(
    *,
    code_text: str,
    data: dict,
    channel: str = Channel.ONLINE,
    structure: Structure | None = None,
    today: dt.date | None = None,
    checked: Code | None = None,
) -> None:
    """Record the answers `data` (see `answers`) for the holder of `code_text`.

    Raises CodeProblem when the code is unknown, spent, or its survey not taking forms, and
    AnswerErrors when an answer fails the survey's checks. A second submission of the same code
    (a double click, a retry after a timeout) finds it spent and records nothing more.

    `checked`: the code as `code_check` returned it for `code_text` in this same request, which
    spares reading it again; the claim below is what spends it once, whatever was read before.
    """
    today = today or timezone.localdate()
    if checked is not None and checked.code == normalize_code(code_text):
        code = checked
    else:
        code = code_check(code_text, today)
    survey = code.survey
    structure = structure or current(survey)
    errors = answers.validate(structure, data)
    if errors:
        raise AnswerErrors(errors)
    # The claim: whoever flips `used` first records the form; a concurrent twin finds 0 rows.
    if not Code.objects.filter(pk=code.pk, used=False).update(used=True):
        raise CodeProblem("used", survey)
    group_id, unit_id = _cell(survey, code)
    response = Response.objects.create(
        survey=survey,
        submitted_on=today,
        target_group_id=group_id or None,
        unit_id=unit_id or None,
        channel=channel,
    )
    rows = answers.answer_rows(structure, data)
    Answer.objects.bulk_create([Answer(response=response, **row) for row in rows])
    tallies_add(_tally_keys(survey, rows, group_id, unit_id))
    ResponseDraft.objects.filter(code=code).delete()
    PaperEntry.objects.filter(code=code).delete()


@transaction.atomic
def tallies_recount(survey: Survey) -> int:
    """Rebuild a survey's tallies from its stored answers, in the database (four GROUP BY
    statements, twice: per cell, then the totals); returns the number of forms. For checking the
    running counts and after bulk loads."""
    table = Tally._meta.db_table
    if connection.vendor == "postgresql":
        # A form arriving meanwhile could otherwise create a cell the recount then adds to
        # again; submissions wait for the recount instead (SQLite writes one at a time anyway).
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    Tally.objects.filter(survey=survey).delete()
    resp = Response._meta.db_table
    ans = Answer._meta.db_table
    join = f"FROM {ans} a JOIN {resp} r ON r.id = a.response_id WHERE r.survey_id = %s"
    # (question, row, choice, count, extra condition, grouping)
    parts = [
        ("0", "0", "0", "COUNT(*)", f"FROM {resp} r WHERE r.survey_id = %s", ""),
        ("a.question_id", "0", "0", "COUNT(DISTINCT a.response_id)", join, "a.question_id"),
        (
            "a.question_id",
            "a.row_id",
            "0",
            "COUNT(*)",
            join + " AND a.row_id IS NOT NULL",
            "a.question_id, a.row_id",
        ),
        (
            "a.question_id",
            "COALESCE(a.row_id, 0)",
            "a.choice_id",
            "COUNT(*)",
            join + " AND a.choice_id IS NOT NULL",
            "a.question_id, COALESCE(a.row_id, 0), a.choice_id",
        ),
    ]
    cell = ("COALESCE(r.target_group_id, 0)", "COALESCE(r.unit_id, 0)")
    with connection.cursor() as cursor:
        for q, row, choice, count, source, grouping in parts:
            for group, unit, extra in (
                (*cell, ""),
                ("0", "0", " AND (r.target_group_id IS NOT NULL OR r.unit_id IS NOT NULL)"),
            ):
                keys = [
                    k
                    for k in (grouping, group if group != "0" else "", unit if unit != "0" else "")
                    if k
                ]
                group_by = f" GROUP BY {', '.join(keys)}" if keys else ""
                cursor.execute(
                    f"INSERT INTO {table} (survey_id, question_id, row_id, choice_id, group_id, "
                    f"unit_id, n) SELECT %s, {q}, {row}, {choice}, {group}, {unit}, {count} "
                    f"{source}{extra}{group_by} HAVING COUNT(*) > 0 "
                    f"ON CONFLICT (survey_id, question_id, row_id, choice_id, group_id, unit_id) "
                    f"DO UPDATE SET n = {table}.n + excluded.n",
                    [survey.pk, survey.pk],
                )
    return Response.objects.filter(survey=survey).count()
