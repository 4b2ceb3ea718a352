"""Bounds of a survey's results page and of one submitted form, in bare SQL.

Results over all forms: the tally rows of everyone (group 0, unit 0), the statistics of the
number questions over their answers (count, mean, min, max, median), and forms planned and
returned per target group (surveys/results.py). One form: the code spent, the response, its
answer rows and its tally cells, in one transaction (surveys/responses.py) — the rows are
worked out before timing, only the writes are timed.
"""

from dataclasses import dataclass

from django.db import connection, transaction

from .bounds_common import fetch, placeholders


def results(survey_id: int, number_question_ids: list[int], record_group: bool) -> dict:
    tallies = fetch(
        """SELECT question_id, row_id, choice_id, n FROM surveys_tally
        WHERE survey_id = %s AND group_id = 0 AND unit_id = 0""",
        [survey_id],
    )
    numbers = number_stats(number_question_ids)
    planned = fetch(
        """SELECT target_group_id, SUM(forms) FROM surveys_allocation WHERE survey_id = %s
        GROUP BY target_group_id""",
        [survey_id],
    )
    returned = []
    if record_group:
        returned = fetch(
            """SELECT group_id, SUM(n) FROM surveys_tally
            WHERE survey_id = %s AND question_id = 0 AND row_id = 0 AND choice_id = 0
              AND group_id <> 0 GROUP BY group_id""",
            [survey_id],
        )
    forms = next((n for q, r, c, n in tallies if (q, r, c) == (0, 0, 0)), 0)
    return {
        "forms": forms,
        "tally_rows": len(tallies),
        "numbers": numbers,
        "groups": len(planned) + len(returned),
    }


def number_stats(question_ids: list[int]) -> dict[int, tuple]:
    """{question: (count, mean, min, max, median)} over the answers' numbers: one histogram
    row per (question, number) read from the index in order, then the running count finds the
    median — no sort of the answers (PERCENTILE_CONT sorts them all, spilling to disk)."""
    if not question_ids:
        return {}
    rows = fetch(
        f"""WITH histogram AS (
            SELECT question_id, number, COUNT(*) AS n FROM surveys_answer
            WHERE question_id IN ({placeholders(question_ids)}) AND number IS NOT NULL
            GROUP BY question_id, number
        ), running AS (
            SELECT question_id, number, n,
                SUM(n) OVER (PARTITION BY question_id ORDER BY number) AS below,
                SUM(n) OVER (PARTITION BY question_id) AS total
            FROM histogram
        )
        SELECT question_id, MAX(total), SUM(number * n) * 1.0 / MAX(total), MIN(number),
            MAX(number), (MIN(number) FILTER (WHERE 2 * below >= total)
                + MIN(number) FILTER (WHERE 2 * below > total)) / 2.0
        FROM running GROUP BY question_id""",
        question_ids,
    )
    return {row[0]: row[1:] for row in rows}


@dataclass
class Form:
    """One form's rows, ready to write: (id, question, row, choice, number, text) answers and
    (survey, question, row, choice, group, unit) tally keys."""

    code_id: int
    response_id: int
    survey_id: int
    group_id: int | None
    unit_id: int | None
    day: object
    answers: list[tuple]
    tally_keys: list[tuple]


def submit(form: Form) -> int:
    """Spend the code and write the response, its answers and its tallies; committed."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "UPDATE surveys_code SET used = %s WHERE id = %s AND used = %s",
            [True, form.code_id, False],
        )
        if cur.rowcount != 1:
            raise RuntimeError("the code was spent already")
        cur.execute(
            """INSERT INTO surveys_response (id, survey_id, submitted_on, target_group_id,
                unit_id, channel) VALUES (%s, %s, %s, %s, %s, 'online')""",
            [form.response_id, form.survey_id, form.day, form.group_id, form.unit_id],
        )
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(form.answers))
        params = []
        for answer_id, question, row, choice, number, text in form.answers:
            params += [answer_id, form.response_id, question, row, choice, number, text]
        cur.execute(
            "INSERT INTO surveys_answer (id, response_id, question_id, row_id, choice_id, "
            f"number, text) VALUES {values}",
            params,
        )
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, 1)"] * len(form.tally_keys))
        cur.execute(
            "INSERT INTO surveys_tally (survey_id, question_id, row_id, choice_id, group_id, "
            f"unit_id, n) VALUES {values} ON CONFLICT (survey_id, question_id, row_id, "
            "choice_id, group_id, unit_id) DO UPDATE SET n = surveys_tally.n + excluded.n",
            [v for key in form.tally_keys for v in key],
        )
    return len(form.answers)
