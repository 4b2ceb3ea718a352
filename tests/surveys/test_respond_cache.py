"""The answering pages keep the form in memory (`structure.current`), and the blank page's
questions rendered: an edit in the builder is seen at the next request all the same, and the
pages make the few queries pinned here, so no query creeps back in unnoticed."""

import re

import pytest
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from trienkhai.surveys import builder
from trienkhai.surveys.models import (
    Choice,
    GridRow,
    Question,
    QuestionKind,
    Response,
    Section,
    Survey,
)
from trienkhai.surveys.structure import current, signals_connect

from . import respond_world
from .builders import choice, full_answers
from .respond_world import form_url, page1, page2, post

w = respond_world.w
_fresh_throttle = respond_world._fresh_throttle
STRUCTURE = (Section, Question, Choice, GridRow)


@pytest.fixture
def signals_off():
    """The builder's services must renew the revision themselves: their bulk writes send no
    signal, and with the signals off so do their plain saves."""
    for model in STRUCTURE:
        post_save.disconnect(sender=model, dispatch_uid=f"structure-{model.__name__}")
        post_delete.disconnect(sender=model, dispatch_uid=f"structure-{model.__name__}-d")
    yield
    signals_connect()


def form_now(w):
    """The form as the answering pages get it for the next respondent."""
    return current(Survey.objects.get(pk=w.survey.pk))


def html(response) -> str:
    return response.content.decode()


# --- kept in memory -----------------------------------------------------------------------------
def test_the_form_is_loaded_once_per_revision(w):
    first = form_now(w)
    survey = Survey.objects.get(pk=w.survey.pk)
    with CaptureQueriesContext(connection) as queries:
        again = current(survey)
    assert len(queries) == 0
    assert again.questions is first.questions and again.survey is survey


def test_each_builder_service_renews_the_form(w, signals_off):
    """Every service that changes the form gives the survey a new revision."""
    seen = form_now(w)

    def changed() -> bool:
        nonlocal seen
        now = form_now(w)
        renewed = now.questions is not seen.questions
        seen = now
        return renewed

    p1 = w.q_aware.section
    extra = builder.section_create(actor=None, survey=w.survey, title="Phần III. Thêm")
    assert changed() and [s.title for s in seen.sections][-1] == "Phần III. Thêm"
    builder.section_update(actor=None, section=extra, title="Phần III. Góp ý thêm")
    assert changed() and seen.sections[-1].title == "Phần III. Góp ý thêm"
    added = builder.question_create(
        actor=None, section=extra, kind=QuestionKind.SHORT_TEXT, text="Ý kiến thêm"
    )
    assert changed() and seen.questions[-1].text == "Ý kiến thêm"
    builder.question_update(
        actor=None, question=added, kind=QuestionKind.SHORT_TEXT, text="Ý kiến khác"
    )
    assert changed() and seen.questions[-1].text == "Ý kiến khác"
    assert builder.question_move(actor=None, question=w.q_trust, direction="up")
    assert changed() and [q.pk for q in seen.sections[0].question_list][1] == w.q_trust.pk
    builder.question_delete(actor=None, question=added)
    assert changed() and added.pk not in seen.by_id
    builder.section_delete(actor=None, section=extra)
    assert changed() and extra.pk not in [s.pk for s in seen.sections]
    assert p1.pk == seen.sections[0].pk
    assert not changed()  # nothing changed, nothing reloaded


def test_a_question_edited_in_the_builder_shows_at_once(client, w, signals_off):
    old = "Đồng chí biết thông tin về Đại hội qua kênh nào?"
    assert old in html(client.get(form_url(w.codes[0])))
    builder.question_update(
        actor=None,
        question=w.q_source,
        kind=QuestionKind.MULTI,
        text="Đồng chí theo dõi tin Đại hội qua đâu?",
        choices_text="Sinh hoạt chi bộ\nBáo in\nTruyền hình\nKhác (ghi rõ)",
        allow_other=True,
    )
    page = html(client.get(form_url(w.codes[1])))
    assert "Đồng chí theo dõi tin Đại hội qua đâu?" in page and old not in page
    assert "Truyền hình" in page and "Mạng xã hội" not in page
    # And the answers are checked against the new choices.
    fields = page1(w)
    fields[f"q{w.q_source.pk}"] = [choice(w.q_source, 3)]
    assert post(client, w.codes[1], 0, "next", fields).status_code == 302
    answer = post(client, w.codes[1], 1, "send", page2(w))
    assert answer.status_code == 302 and Response.objects.count() == 1


def test_a_question_moved_in_the_builder_moves_on_the_page(client, w, signals_off):
    page = html(client.get(form_url(w.codes[0])))
    assert page.index(w.q_source.text) < page.index(w.q_trust.text)
    builder.question_move(actor=None, question=w.q_trust, direction="up")
    page = html(client.get(form_url(w.codes[0])))
    assert page.index(w.q_trust.text) < page.index(w.q_source.text)


def test_a_form_changed_outside_the_builder_shows_at_once(client, w):
    """A plain save or delete (the shell, a fixture, the demo) renews the form by its signal."""
    client.get(form_url(w.codes[0]))
    Choice.objects.filter(question=w.q_source, value=3).update(label="unused")  # no signal
    label = Choice.objects.get(question=w.q_source, value=2)
    label.label = "Báo, đài, truyền hình"
    label.save()
    GridRow.objects.filter(question=w.q_grid, position=2).delete()
    page = html(client.get(form_url(w.codes[0])))
    assert "Báo, đài, truyền hình" in page and "Phát triển kinh tế" not in page


def test_the_api_form_follows_the_builder(w, signals_off):
    api = APIClient()
    form = {"code": w.codes[0].code}
    assert api.post("/api/surveys/respond/form/", form, format="json").status_code == 200
    builder.section_update(actor=None, section=w.q_aware.section, title="Phần I. Chung")
    data = api.post("/api/surveys/respond/form/", form, format="json").json()
    assert data["sections"][0]["title"] == "Phần I. Chung"


def test_a_blank_page_kept_rendered_never_shows_someone_elses_answers(client, w):
    """The first page is rendered once while blank; a page with answers is rendered for them."""
    blank = html(client.get(form_url(w.codes[0])))
    post(client, w.codes[1], 0, "save", page1(w))
    mine = html(client.get(form_url(w.codes[1])))
    assert "Qua bạn bè" in mine and " checked" in mine
    again = html(client.get(form_url(w.codes[2])))
    assert "Qua bạn bè" not in again and " checked" not in again
    assert again.count("<fieldset") == blank.count("<fieldset")


# --- queries ------------------------------------------------------------------------------------
def _statements(call) -> list[str]:
    """What `call` asks the database, as "VERB table" (savepoints left out: they come from the
    test's own transaction, or stand for BEGIN and COMMIT)."""
    with CaptureQueriesContext(connection) as captured:
        call()
    out = []
    for query in captured.captured_queries:
        sql = query["sql"].replace('"', "")
        verb = sql.split()[0].upper()
        if verb in ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"):
            continue
        table = re.search(r"(?:FROM|INTO|UPDATE)\s+(\w+)", sql).group(1)
        out.append(f"{verb} {table}")
    return out


SPEND_AND_STORE = [
    "UPDATE surveys_code",  # the claim: used = true where still unused
    "INSERT surveys_response",
    "INSERT surveys_answer",  # every answer in one statement
    "INSERT surveys_tally",  # every tally cell in one upsert
    "DELETE surveys_responsedraft",
    "DELETE surveys_paperentry",
]


def test_queries_of_the_form_page_and_of_a_submission(client, w):
    """Pinned: the form page reads the code with its survey, allocation and draft in one query,
    and nothing else (the form is kept in memory; no session, content type or permission is read
    or written for a respondent). Sending the form reads the code again, then in one transaction
    spends it, stores the response, its answers and its tallies, and forgets its draft and paper
    typings — each deleted by its own statement after the claim, so one written meanwhile by
    another tab is deleted too."""
    client.get(form_url(w.codes[0]))  # the form is kept in memory from now on
    opened = {}
    assert _statements(lambda: opened.update(page=client.get(form_url(w.codes[1])))) == [
        "SELECT surveys_code"
    ]
    assert "sessionid" not in opened["page"].cookies
    first, second = page1(w), page2(w)
    post(client, w.codes[1], 0, "next", first)
    sent = {}
    statements = _statements(
        lambda: sent.update(answer=post(client, w.codes[1], 1, "send", second))
    )
    assert sent["answer"].status_code == 302 and Response.objects.count() == 1
    assert statements == ["SELECT surveys_code", *SPEND_AND_STORE]
    assert "sessionid" not in sent["answer"].cookies


def test_queries_of_a_submission_through_the_api(w):
    api = APIClient()
    api.post("/api/surveys/respond/form/", {"code": w.codes[0].code}, format="json")
    body = {"code": w.codes[1].code, "answers": full_answers(w)}
    sent = {}
    statements = _statements(
        lambda: sent.update(answer=api.post("/api/surveys/respond/", body, format="json"))
    )
    assert sent["answer"].status_code == 201
    assert statements == ["SELECT surveys_code", *SPEND_AND_STORE]
