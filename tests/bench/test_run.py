"""`trienkhai bench run`: every operation timed against its bound, on a small world.

The world: Đảng Cộng sản Việt Nam (a national root) → Tỉnh ủy Bến Tre → Thành ủy Bến Tre → two
wards; 60 open tasks in the province (one page of the list, not a hundred), two requirements on
the wards with one ward complying late, a few documents, the congress survey open today with six
forms. Timings are never asserted: only that each operation reports numbers (or says why not),
and that each bound computes the numbers its page shows.
"""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.surveys.builders import congress_survey, full_answers
from tests.surveys.respond_world import open_today
from trienkhai.bench import bounds_plans, bounds_reads, bounds_surveys, run_operations
from trienkhai.documents.models import Document
from trienkhai.documents.selectors import COUNT_LIMIT, PAGE_SIZE, search_documents
from trienkhai.lib.text import fold
from trienkhai.org import services
from trienkhai.org.models import AccessRole, UnitKind
from trienkhai.plans import compliance, dashboard, selectors_tasks
from trienkhai.plans.models import Requirement, RequirementTarget, Task, TaskStatus
from trienkhai.surveys import results
from trienkhai.surveys.models import QuestionKind
from trienkhai.surveys.responses import response_submit


class World:
    pass


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def world(db, target_groups):
    w = World()

    def unit(parent, kind, name, **extra):
        return services.unit_create(actor=None, parent=parent, kind=kind, name=name, **extra)

    w.nation = unit(None, UnitKind.OTHER, "Đảng Cộng sản Việt Nam")
    w.province = unit(w.nation, UnitKind.PROVINCIAL_PARTY_COMMITTEE, "Tỉnh ủy Bến Tre")
    w.city = unit(w.province, UnitKind.CITY_PARTY_COMMITTEE, "Thành ủy Bến Tre", short_name="ThU")
    w.ward = unit(w.city, UnitKind.GRASSROOTS_PARTY_COMMITTEE, "Đảng ủy Phường An Hội")
    w.sibling = unit(w.city, UnitKind.GRASSROOTS_PARTY_COMMITTEE, "Đảng ủy Phường Phú Khương")
    statuses = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.POSTPONED]
    Task.objects.bulk_create(
        [
            Task(
                title=f"Nhiệm vụ số {i}",
                assigned_by=w.city,
                lead_unit=[w.city, w.ward, w.sibling][i % 3],
                deadline=days(i - 30),
                deadline_end=days(i - 30),
                status=statuses[i % 3],
            )
            for i in range(60)
        ]
        + [Task(title="Đã xong", assigned_by=w.province, lead_unit=w.ward, status=TaskStatus.DONE)]
    )
    for doc_type, due in (("QC", -10), ("CTr", 20)):
        requirement = Requirement.objects.create(
            title="Ban hành văn bản",
            set_by=w.city,
            parent_unit=w.city,
            unit_kinds=[],
            doc_type=doc_type,
            due_on=days(due),
        )
        # Set two months ago: documents issued since then count.
        Requirement.objects.filter(pk=requirement.pk).update(
            created_at=timezone.now() - dt.timedelta(days=60)
        )
        RequirementTarget.objects.bulk_create(
            [RequirementTarget(requirement=requirement, unit=u) for u in (w.ward, w.sibling)]
        )
    for n, (summary, owner) in enumerate(
        [
            ("Quy chế làm việc của Ban Chấp hành", w.ward),
            ("Kế hoạch triển khai thực hiện Nghị quyết Đại hội", w.city),
            ("Kế hoạch tuyên truyền kỷ niệm ngày thành lập Đảng", w.sibling),
        ],
        start=1,
    ):
        Document.objects.create(
            system="party",
            doc_type="QC" if owner == w.ward else "KH",
            number=n,
            number_text=f"{n:02d}-QC/ĐU",
            issuer_unit=owner,
            owner_unit=owner,
            issuer_name=owner.name,
            issued_on=days(-5),
            summary=summary,
            status="issued",
            search_text=fold(summary),
        )
    w.survey_world = open_today(congress_survey(w))
    for code in w.survey_world.codes[:6]:
        response_submit(code_text=code.code, data=full_answers(w.survey_world))
    return w


def bench_run(*args) -> list[dict]:
    out = StringIO()
    call_command("bench", "run", "--json", "--repeat", "2", "--warmup", "1", *args, stdout=out)
    return json.loads(out.getvalue())


def test_every_operation_is_timed_against_its_bound(world):
    rows = bench_run()
    assert [row["operation"] for row in rows] == run_operations.NAMES
    by_name = {row["operation"]: row for row in rows}
    # One page of open tasks: the hundredth is missing, and said so.
    assert by_name["tasks_page_100"]["skipped"].startswith("no data")
    assert by_name["tasks_page_100"]["p50_ms"] is None
    for row in rows:
        assert "error" not in row, row
        if row["operation"] == "tasks_page_100":
            continue
        assert "skipped" not in row, row
        assert row["p50_ms"] > 0 and row["p95_ms"] >= row["p50_ms"] and row["bound_ms"] > 0
        assert row["ratio"] == pytest.approx(row["p50_ms"] / row["bound_ms"], rel=0.05)
        assert isinstance(row["target_met"], bool)
    # The submissions were committed: six forms, then warm-up and timed runs through the view
    # and as bare INSERTs (3 each).
    forms = bounds_surveys.results(world.survey_world.survey.pk, [], False)["forms"]
    assert forms == 6 + 3 + 3


def test_only_measures_the_operations_named(world):
    rows = bench_run("--only", "subtree, dashboard_city")
    assert [row["operation"] for row in rows] == ["dashboard_city", "subtree"]


def test_the_generators_logins_are_used_when_they_are_there(world):
    from trienkhai.bench.generate import BENCH_USERS

    province_manager = _manager(world.province, BENCH_USERS["province"])
    rows = bench_run("--only", "dashboard_province,dashboard_city")
    assert f"as {province_manager.username}" in rows[0]["detail"]
    assert "Thành ủy Bến Tre" in rows[1]["detail"] and "as bench_run_city" in rows[1]["detail"]


def test_an_unknown_operation_is_a_clear_error(world):
    with pytest.raises(CommandError, match="Không có thao tác dashboard_moon"):
        bench_run("--only", "dashboard_moon")


def test_missing_data_is_skipped_not_crashed(tree):
    """The persona tree: provinces but no unit above them, no task, no survey."""
    rows = bench_run("--only", "dashboard_national,tasks_page_1,survey_results,survey_submit")
    assert [row["operation"] for row in rows] == [
        "dashboard_national",
        "tasks_page_1",
        "survey_results",
        "survey_submit",
    ]
    for row in rows:
        assert row["skipped"].startswith("no data"), row
        assert row["p50_ms"] is None and row["bound_ms"] is None


def test_the_table_names_the_target_and_whether_it_is_met(world):
    out = StringIO()
    call_command("bench", "run", "--repeat", "1", "--only", "subtree", stdout=out)
    text = out.getvalue()
    assert "| operation | p50 ms | p95 ms | bound ms | ratio | target | met |" in text
    assert "| subtree |" in text and "p95 ≤ 200 ms" in text
    assert "1 measured, 0 skipped, 0 failed" in text


# --- the bounds compute the page's numbers ----------------------------------------------------
def test_the_dashboard_bound_counts_what_the_dashboard_shows(world):
    today = timezone.localdate()
    for unit in (world.nation, world.province, world.city, world.ward):
        board = dashboard.dashboard_for(unit, today=today)
        bound = bounds_plans.dashboard(unit.path, today, bounds_plans.due_periods(unit.path, today))
        assert bound["tasks"] == {key: board.counts[key] for key in bound["tasks"]}
        assert bound["compliance"] == {
            s: getattr(board.compliance, s)
            for s in compliance.STATES
            if getattr(board.compliance, s)
        }
        assert bound["lists"] == (len(board.overdue), len(board.due_soon))
        assert bound["received"] == board.reports_received


def test_the_matrix_bound_counts_what_the_matrix_shows(world):
    user = _manager(world.province)
    chosen = list(compliance.requirements_for(user, unit=world.province))
    matrix = compliance.build_matrix(user, chosen)
    bound = bounds_plans.compliance_matrix(
        world.province.path, world.province.pk, world.province.path, timezone.localdate(), 30, 200
    )
    assert bound["requirements"] == len(chosen) == 2
    assert bound["states"] == {
        s: getattr(matrix.total, s) for s in compliance.STATES if getattr(matrix.total, s)
    }
    assert bound["states"] == {"late": 1, "missing": 2, "overdue": 1}
    assert bound["groups"] == len(matrix.groups)
    assert bound["cells"] == sum(1 for row in matrix.rows for cell in row.cells if cell)


def test_the_task_list_bound_counts_what_the_list_shows(world):
    user = _manager(world.province)
    filters = selectors_tasks.TaskFilters(units=[world.province], status=selectors_tasks.OPEN)
    qs = selectors_tasks.apply_filters(selectors_tasks.visible_tasks(user), filters)
    counts = selectors_tasks.summary(qs)
    bound = bounds_plans.task_list(
        world.province.path, timezone.localdate(), 1, 50, selectors_tasks.DUE_SOON_DAYS
    )
    assert {k: bound[k] for k in counts} == counts
    assert counts["total"] == 60 and bound["rows"] == 50
    # The page as the view reads it: the same counts in one pass, then the rows of a page.
    listed, page = selectors_tasks.list_page(selectors_tasks.visible_tasks(user), filters, 2, 50)
    assert listed == counts
    assert page.number == 2 and len(page.object_list) == 10
    assert bounds_plans.task_list(
        world.province.path, timezone.localdate(), 2, 50, selectors_tasks.DUE_SOON_DAYS
    ) == {**counts, "rows": 10}


def test_the_search_bound_finds_what_the_register_finds(world):
    user = _manager(world.province)
    for words in ("ke hoach", "quy che", "xyz"):
        page = search_documents(user, q=words)
        bound = bounds_reads.register_search(world.province.path, words, PAGE_SIZE, COUNT_LIMIT)
        assert bound == {"count": page.paginator.count, "rows": len(page.object_list)}


def test_the_results_bound_counts_what_the_results_show(world):
    survey = world.survey_world.survey
    numbers = list(survey.questions.filter(kind=QuestionKind.NUMBER).values_list("pk", flat=True))
    res = results.results_for(survey)
    bound = bounds_surveys.results(survey.pk, numbers, survey.record_group)
    assert bound["forms"] == res.forms == 6
    (stats,) = results.number_stats(
        list(survey.questions.filter(pk__in=numbers)), results.Selection()
    ).values()
    (count, mean, low, high, median) = bound["numbers"][numbers[0]]
    assert (count, float(mean), float(low), float(high), float(median)) == (
        stats.count,
        stats.mean,
        stats.minimum,
        stats.maximum,
        stats.median,
    )


def _manager(unit, username=""):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username or f"quanly_{unit.pk}")
    services.access_grant(actor=None, user=user, unit=unit, role=AccessRole.MANAGER)
    return user
