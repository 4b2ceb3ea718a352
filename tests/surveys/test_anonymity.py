"""Anonymity by construction: someone with the whole database in hand, after forms sent in an
order unrelated to the codes', cannot tell which response came from which code (and so from
which person the code was handed to).

What could link them, and why it cannot:
- a column: the response and answer tables have none for a user, a code, an address or a time
  finer than a day, and the code table has no time and no response;
- the order of keys or of rows: response and answer keys are random (SQLite's rowid is that key);
- traces left on the side: no audit entry, notice, session, cookie, draft or log line holds the
  code once the form is in;
- PostgreSQL's hidden columns: the transaction that records a response also spends its code, so
  both rows share an `xmin`, and the spent code moves (`ctid`) in the order of use, until
  `anonymity.codes_reseal` rewrites the spent codes together and puts them back in key order.
"""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test import Client

from trienkhai.audit.models import AuditEntry
from trienkhai.notifications.models import Notification
from trienkhai.org.models import Unit
from trienkhai.outreach.models import TargetGroup
from trienkhai.surveys import anonymity, responses
from trienkhai.surveys.models import (
    Answer,
    Choice,
    Code,
    GridRow,
    PaperEntry,
    Question,
    Response,
    ResponseDraft,
    Survey,
)

from . import respond_world
from .builders import DURING, congress_survey, full_answers
from .respond_world import answer_all, page1, post

w = respond_world.w
_fresh_throttle = respond_world._fresh_throttle

# A shuffled order of use, fixed so that it differs from the codes' own order.
USE_ORDER = [7, 2, 11, 0, 14, 5, 9, 3, 12, 1, 16, 6]
FORBIDDEN_WORDS = ("user", "code", "token", "ip", "addr", "session", "time", "_at", "created")


def _submit(world, order=USE_ORDER) -> list[Code]:
    used = []
    for n, i in enumerate(order):
        code = world.codes[i]
        data = full_answers(world, aware=1 + n % 2, trust=1 + n % 5, level=1 + n % 3)
        responses.response_submit(code_text=code.code, data=data, today=DURING)
        used.append(code)
    return used


def _columns(model) -> dict[str, str]:
    """{column: Django field type} as the database itself describes the table."""
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    out = {}
    for column in description:
        try:
            kind = connection.introspection.get_field_type(column.type_code, column)
        except KeyError:
            kind = str(column.type_code)
        out[column.name] = kind
    return out


def _referenced_tables(model) -> set[str]:
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, model._meta.db_table)
    return {table for _column, table in relations.values()}


# --- the tables -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "model, columns, may_point_at",
    [
        (
            Response,
            {"id", "survey_id", "submitted_on", "target_group_id", "unit_id", "channel"},
            {Survey, TargetGroup, Unit},
        ),
        (
            Answer,
            {"id", "response_id", "question_id", "row_id", "choice_id", "number", "text"},
            {Response, Question, GridRow, Choice},
        ),
    ],
)
def test_a_response_has_no_column_for_a_person_a_code_an_address_or_a_time(
    db, model, columns, may_point_at
):
    # The model declares nothing else...
    for field in model._meta.concrete_fields:
        assert not isinstance(field, (models.DateTimeField, models.TimeField)), field.name
        if field.is_relation:
            assert field.related_model in may_point_at, field.name
            assert field.related_model not in (get_user_model(), Code, ResponseDraft, PaperEntry)
    # ...and the table, as the database describes it, holds exactly these columns.
    found = _columns(model)
    assert set(found) == columns
    for name, kind in found.items():
        assert kind not in ("DateTimeField", "TimeField"), name
        if name not in ("id", "text"):
            assert not any(word in name for word in FORBIDDEN_WORDS if word != "ip"), name
    assert not any(name in ("ip", "ip_address", "remote_addr") for name in found)
    allowed = {m._meta.db_table for m in may_point_at}
    assert _referenced_tables(model) <= allowed
    assert Code._meta.db_table not in _referenced_tables(model)


def test_a_code_knows_whether_it_was_used_never_when_nor_by_which_response(db):
    found = _columns(Code)
    assert set(found) == {"id", "survey_id", "allocation_id", "code", "kind", "batch", "used"}
    assert not any(kind in ("DateTimeField", "TimeField", "DateField") for kind in found.values())
    assert Response._meta.db_table not in _referenced_tables(Code)


# --- the order of rows ----------------------------------------------------------------------------
def _submit_one_by_one(world) -> list[int]:
    """Send the forms in USE_ORDER; the keys of the responses in the order they came."""
    keys = []
    for i in USE_ORDER:
        before = set(Response.objects.values_list("id", flat=True))
        responses.response_submit(
            code_text=world.codes[i].code, data=full_answers(world), today=DURING
        )
        (new,) = set(Response.objects.values_list("id", flat=True)) - before
        keys.append(new)
    return keys


def test_response_keys_are_random_not_in_the_order_forms_came(tree):
    keys = _submit_one_by_one(congress_survey(tree))
    assert len(set(keys)) == len(USE_ORDER)
    assert keys != sorted(keys) and keys != sorted(keys, reverse=True)
    assert all(k > 2**32 for k in keys)  # not a counter
    answer_keys = list(Answer.objects.values_list("id", flat=True))
    assert answer_keys != sorted(answer_keys)


def test_sqlite_rowid_of_responses_is_their_random_key(tree):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: the rowid is SQLite's hidden insertion counter")
    ids_in_order = _submit_one_by_one(congress_survey(tree))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, id FROM {Response._meta.db_table} ORDER BY rowid")
        rows = cursor.fetchall()
    assert all(rowid == key for rowid, key in rows)
    assert [key for _rowid, key in rows] != ids_in_order
    for table in (Answer._meta.db_table, Response._meta.db_table):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE rowid != id")
            assert cursor.fetchone()[0] == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="xmin and ctid are PostgreSQL's hidden columns; SQLite updates rows in place",
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_hidden_columns_forget_the_order_of_use_after_reseal(target_groups, tree):
    world = congress_survey(tree)
    code_table, response_table = Code._meta.db_table, Response._meta.db_table
    used = _submit(world)  # each form in its own committed transaction, as in production

    def spent_codes() -> list[tuple[int, str]]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, xmin::text FROM {code_table} WHERE used ORDER BY ctid")
            return cursor.fetchall()

    def response_xmins() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text, ctid::text FROM {response_table}")
            return {xmin for xmin, _ctid in cursor.fetchall()}

    # The threat is real: before the reseal each spent code shares its response's transaction,
    # and the codes' physical order is the order of use.
    before = spent_codes()
    assert {xmin for _id, xmin in before} == response_xmins()
    assert [pk for pk, _xmin in before] == [c.pk for c in used]

    assert anonymity.codes_reseal() == len(USE_ORDER)

    after = spent_codes()
    assert not {xmin for _id, xmin in after} & response_xmins()
    assert [pk for pk, _xmin in after] == sorted(c.pk for c in used)
    assert [pk for pk, _xmin in after] != [c.pk for c in used]


# --- nothing on the side --------------------------------------------------------------------------
def test_no_trace_of_the_code_is_left_once_the_form_is_in(w, caplog):
    caplog.set_level(logging.DEBUG)
    code = w.codes[3]
    browser = Client()
    browser.post("/s/", {"code": code.code.lower()})
    browser.get(f"/s/{code.code}/")
    post(browser, code, 0, "next", page1(w))
    assert ResponseDraft.objects.filter(code=code).exists()  # kept between pages...
    answer_all(browser, w, code)
    browser.post("/s/gui/", {"code": code.code, "page": 1, "action": "send"})  # a retry
    assert Response.objects.count() == 1
    assert not ResponseDraft.objects.exists()  # ...and gone with the form

    def mentions(value) -> bool:
        return code.code in str(value) or code.code.lower() in str(value).lower()

    for entry in AuditEntry.objects.all():
        assert not any(
            mentions(v) for v in (entry.object_repr, entry.object_id, entry.changes, entry.note)
        )
    for notice in Notification.objects.all():
        assert not mentions(notice.text) and not mentions(notice.url)
    for session in Session.objects.all():
        assert not mentions(session.get_decoded())
    assert not any(mentions(morsel.value) for morsel in browser.cookies.values())
    assert not any(mentions(record.getMessage()) for record in caplog.records)


def test_a_failed_attempt_logs_no_code_either(w, caplog):
    caplog.set_level(logging.DEBUG)
    browser = Client(enforce_csrf_checks=True)
    browser.post("/s/gui/", {"code": w.codes[0].code, "page": 0, "action": "next"})  # no token
    browser.head(f"/s/{w.codes[0].code}/")  # a chat app previewing a shared link
    for _i in range(12):
        browser.get(f"/s/{w.codes[1].code}X/")
    browser.get(f"/s/{w.codes[1].code}/")  # throttled now
    assert caplog.records  # Django did log the refusals...
    for record in caplog.records:  # ...without any code
        assert w.codes[0].code not in record.getMessage()
        assert w.codes[1].code not in record.getMessage()


def test_a_response_carries_group_and_unit_only_as_far_as_the_survey_declares(tree):
    world = congress_survey(tree)
    plans = [(True, True), (True, False), (False, True), (False, False)]
    for i, (group, unit) in enumerate(plans):
        Survey.objects.filter(pk=world.survey.pk).update(record_group=group, record_unit=unit)
        responses.response_submit(
            code_text=world.codes[i].code, data=full_answers(world), today=DURING
        )
    rows = set(Response.objects.values_list("target_group_id", "unit_id"))
    assert rows == {
        (world.members.pk, tree.ward.pk),
        (world.members.pk, None),
        (None, tree.ward.pk),
        (None, None),
    }
