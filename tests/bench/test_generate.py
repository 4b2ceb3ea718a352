"""`trienkhai bench generate`: the benchmark data set, at the tests' tiny scale (a few seconds).

On PostgreSQL only (COPY, TRUNCATE, INSERT … SELECT with random()); on SQLite the command must
refuse clearly. The data are written outside a test transaction, hence transaction=True.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from trienkhai.bench import generate
from trienkhai.lib.dates import period_end

ON_POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="the data set is loaded with COPY: PostgreSQL only (DATABASE_URL)"
)
TINY = {"scale": "tiny", "seed": 7, "replace": True}


def run(**options) -> dict:
    return generate.handle({**TINY, **options}, io.StringIO())


def fetch(sql, params=None):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def checksums() -> dict[str, tuple]:
    """Row count and an md5 of the key columns of the main tables, ordered by their keys."""
    columns = {
        "org_unit": "path, name, depth, numchild, kind",
        "org_unitperiod": "unit_id, parent_id, name, valid_from",
        "documents_document": "id, number_text, doc_type, owner_unit_id, issued_on, status, "
        "search_text",
        "plans_task": "id, title, lead_unit_id, assigned_by_id, programme_id, status, deadline, "
        "deadline_end, completed_on, progress",
        "plans_taskcoordination": "task_id, unit_id",
        "plans_requirementtarget": "requirement_id, unit_id",
        "plans_measurement": "indicator_id, unit_id, value, measured_on",
        "plans_report": "schedule_id, unit_id, period_start, is_late, figures::text",
        "surveys_response": "id, unit_id, target_group_id, submitted_on, channel",
        "surveys_answer": "id, response_id, question_id, row_id, choice_id, number, text",
        "surveys_tally": "question_id, row_id, choice_id, group_id, unit_id, n",
    }
    out = {}
    for table, cols in columns.items():
        out[table] = fetch(
            f"SELECT count(*), md5(string_agg(row({cols})::text, '|' ORDER BY {cols})) FROM {table}"
        )[0]
    return out


@pytest.mark.skipif(ON_POSTGRES, reason="the refusal of SQLite is tested on SQLite")
@pytest.mark.django_db
def test_sqlite_is_refused_in_both_languages():
    with pytest.raises(ValueError, match="PostgreSQL") as caught:
        generate.handle({"scale": "tiny"}, io.StringIO())
    assert "chỉ tạo được trên PostgreSQL" in str(caught.value)
    assert "needs PostgreSQL" in str(caught.value)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_tiny_data_set_counts_and_invariants():
    result = run()
    rows = result["rows"]
    assert rows["org_unit"] == 1 + 1 + 4 + 4 * 3  # the root, a province, its communes, cells
    assert rows["org_unitperiod"] == rows["org_unit"]
    assert rows["plans_task"] == 400
    assert rows["documents_document"] == 300
    assert rows["surveys_response"] == 200
    labels = [label for label, _seconds in result["parts"]]
    assert {"organisation tree", "documents", "tasks", "survey"} <= set(labels)

    # treebeard: depth from the path, numchild from the children, one period per unit with
    # the parent of the current tree.
    assert fetch(
        "SELECT count(*) FROM org_unit u WHERE length(u.path) <> 4 * u.depth OR u.numchild <> "
        "(SELECT count(*) FROM org_unit c WHERE c.path LIKE u.path || '%%' AND c.depth = "
        "u.depth + 1)"
    ) == [(0,)]
    assert fetch(
        "SELECT count(*) FROM org_unitperiod p JOIN org_unit u ON u.id = p.unit_id "
        "LEFT JOIN org_unit parent ON parent.id = p.parent_id "
        "WHERE coalesce(parent.path, '') <> substr(u.path, 1, length(u.path) - 4)"
    ) == [(0,)]

    # Tasks: the period end kept beside the deadline, completion agreeing with the status.
    from trienkhai.plans.models import Task

    tasks = list(Task.objects.all())
    assert all(t.deadline_end == period_end(t.deadline, t.deadline_precision) for t in tasks)
    statuses = {t.status for t in tasks}
    assert {"done", "done_late", "in_progress", "not_started"} <= statuses
    for t in tasks:
        if t.status == "done":
            assert t.completed_on <= t.deadline_end and t.progress == 100
        elif t.status == "done_late":
            assert t.completed_on > t.deadline_end and t.progress == 100
        else:
            assert t.completed_on is None
    assert any(t.is_overdue() for t in tasks)
    assert fetch("SELECT count(*) FROM plans_taskcoordination")[0][0] > 0

    # Documents: Party numbers written as the register writes them.
    assert fetch(
        "SELECT count(*) FROM documents_document WHERE system = 'party' AND NOT is_external "
        "AND number IS NOT NULL AND number_text <> lpad(number::text, 2, '0') || '-' || "
        "doc_type || '/' || issuer_code"
    ) == [(0,)]

    # Survey: the tallies are those a recount gives.
    from trienkhai.surveys import responses
    from trienkhai.surveys.models import Survey, Tally

    survey = Survey.objects.get()
    before = sorted(Tally.objects.values_list("question_id", "row_id", "choice_id", "group_id",
                                              "unit_id", "n"))  # fmt: skip
    assert responses.tallies_recount(survey) == 200
    after = sorted(Tally.objects.values_list("question_id", "row_id", "choice_id", "group_id",
                                             "unit_id", "n"))  # fmt: skip
    assert before == after
    assert Tally.objects.get(survey=survey, question_id=0, group_id=0, unit_id=0).n == 200

    # Reports carry the task counts of their commune as collect_figures takes them.
    from trienkhai.plans.models import Report

    report = Report.objects.order_by("-period_start", "unit_id").first()
    led = Task.objects.filter(lead_unit__path__startswith=report.unit.path).count()
    assert report.figures["tasks"]["total"] == led

    # The logins.
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__in=generate.BENCH_USERS.values())
    assert users.count() == 4
    assert all(u.check_password(generate.BENCH_PASSWORD) for u in users)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_same_seed_same_data_another_seed_other_data():
    run(seed=7)
    first = checksums()
    run(seed=7)
    assert checksums() == first
    run(seed=8)
    other = checksums()
    assert other["org_unit"] == first["org_unit"]  # the tree is the real one, not drawn
    assert other["plans_task"] != first["plans_task"]
    assert other["surveys_answer"] != first["surveys_answer"]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_database_with_data_is_refused_without_replace():
    run()
    with pytest.raises(CommandError, match="--replace") as caught:
        call_command("bench", "generate", "--scale", "tiny", stdout=io.StringIO())
    assert "đã có dữ liệu" in str(caught.value)
    assert "already holds data" in str(caught.value)
    call_command("bench", "generate", "--scale", "tiny", "--replace", stdout=io.StringIO())


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_pages_answer_on_the_generated_data(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    run()
    from django.contrib.auth import get_user_model

    from trienkhai.surveys.models import Survey

    survey = Survey.objects.get()
    client = Client()
    client.force_login(get_user_model().objects.get(username=generate.BENCH_USERS["city"]))
    for url in (
        reverse("plans:dashboard"),
        reverse("plans:task_list"),
        reverse("plans:compliance"),
        reverse("documents:register") + "?q=ke+hoach",
        reverse("surveys:results", args=[survey.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
