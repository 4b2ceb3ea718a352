"""One survey form submitted through the public answering view, against its bare INSERTs.

Each timed run spends a fresh one-time code, made at run time by the product's own service
(`audience.codes_generate`). The respondent has already gone through the earlier pages (their
answers are in the code's draft, saved untimed by `respond.draft_save`); the timed request is
the last page posted with "send": the whole form checked and committed (`response_submit`).

The bound writes the same rows bare, in one transaction: the code spent, the response, its
answers and its tally cells, worked out untimed by the product's own `answers.answer_rows` and
the tally keys of `responses`.
"""

import datetime as dt

from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from trienkhai.surveys import answers, audience, respond, responses
from trienkhai.surveys.models import Code, CodeKind, QuestionKind, random_key
from trienkhai.surveys.structure import load

from . import bounds_surveys
from .run_operations import Case, NoData, ViewFailed

TEXT = "Đề nghị tăng cường quán triệt nghị quyết đến từng chi bộ"
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.LIKERT, QuestionKind.YESNO)


def _fields(question) -> list[tuple[str, str]]:
    """What a respondent's browser posts for `question`: a valid, complete answer."""
    name = f"q{question.pk}"
    plain = [c for c in question.choice_list if not c.is_other]
    if question.kind in CHOICE_KINDS:
        return [(name, str(plain[0].pk))] if plain else []
    if question.kind == QuestionKind.MULTI:
        return [(name, str(c.pk)) for c in plain[:2]]
    if question.kind == QuestionKind.GRID:
        if not plain:
            return []
        return [(f"{name}_r{row.pk}", str(plain[-1].pk)) for row in question.row_list]
    if question.kind == QuestionKind.NUMBER:
        low = question.min_value if question.min_value is not None else 1
        return [(name, str(int(low) + 1 if question.max_value is None else low))]
    return [(name, TEXT)]


def _post(questions) -> QueryDict:
    post = QueryDict(mutable=True)
    for question in questions:
        for key, value in _fields(question):
            post.appendlist(key, value)
    return post


def _fresh_codes(survey, user, wanted: int) -> list[Code]:
    """`wanted` unused codes of the survey's first allocation, made by the product's service."""
    allocation = survey.allocations.order_by("pk").first()
    made: list[str] = []
    while len(made) < wanted:
        batch = audience.codes_generate(
            actor=user,
            survey=survey,
            kind=CodeKind.LINK,
            allocation=allocation,
            extra=min(wanted - len(made), audience.MAX_EXTRA),
        )
        made += [code.code for code in batch]
    return list(Code.objects.filter(code__in=made).select_related("survey", "allocation"))


def case(survey, user, runs: int, today: dt.date) -> Case:
    structure = load(survey)
    pages = structure.pages()
    if not pages:
        raise NoData(f"no data: the survey “{survey.title[:40]}” has no question")
    everything = _post(structure.questions)
    data = answers.from_post(structure, everything, structure.questions)
    errors = answers.validate(structure, data)
    if errors:
        raise NoData(f"no data: could not fill a valid form for “{survey.title[:40]}”: {errors}")
    last = respond.visible_pages(structure, data)[-1]
    earlier = [q for i, page in enumerate(pages) if i != last for q in page.question_list]
    draft = answers.from_post(structure, everything, earlier)
    last_fields = list(_post(pages[last].question_list).lists())
    rows = answers.answer_rows(structure, data)
    codes = iter(_fresh_codes(survey, user, runs))
    done_url = reverse("respond:done")
    save_url = reverse("respond:save")
    client = Client()  # anonymous, as a respondent
    current: dict = {}

    def view_before():
        code = next(codes)
        respond.draft_save(code, last, draft)
        current["view"] = code

    def view():
        post = dict(last_fields)
        post.update({"code": current["view"].code, "page": str(last), "action": "send"})
        response = client.post(save_url, post)
        if response.status_code != 302 or response.headers.get("Location") != done_url:
            raise ViewFailed(f"POST {save_url}: HTTP {response.status_code}, form not taken")
        return len(rows)

    def bound_before():
        code = next(codes)
        group_id, unit_id = responses._cell(survey, code)
        current["bound"] = bounds_surveys.Form(
            code_id=code.pk,
            response_id=random_key(),
            survey_id=survey.pk,
            group_id=group_id or None,
            unit_id=unit_id or None,
            day=today,
            answers=[
                (
                    random_key(),
                    row["question"].pk,
                    row["row"].pk if row.get("row") else None,
                    row["choice"].pk if row.get("choice") is not None else None,
                    row.get("number"),
                    row.get("text", ""),
                )
                for row in rows
            ],
            tally_keys=responses._tally_keys(survey, rows, group_id, unit_id),
        )

    return Case(
        kind="submit",
        detail=(
            f"{len(structure.questions)} questions, {len(rows)} answer rows, "
            f"page {last + 1} of {len(pages)} sent, “{survey.title[:40]}”"
        ),
        view=view,
        bound=lambda: bounds_surveys.submit(current["bound"]),
        view_before=view_before,
        bound_before=bound_before,
    )
