"""The task tallies (plans.tallies) always equal a recount of the tasks, whichever way a task
is written: created, edited, reported on, closed by its output document, deleted, or moved with
its unit; and the dashboard of a whole tree reads the same numbers from them as from the tasks.

In the `tree` fixture the province is a root (depth 1): its dashboard is the one the tallies
answer for.
"""

import datetime as dt

from django.db.models import Sum
from django.utils import timezone

from tests.plans.test_tasks import make_task
from trienkhai.org import services as org
from trienkhai.org.models import UnitKind
from trienkhai.plans import dashboard, jobs, tallies
from trienkhai.plans import tasks as services
from trienkhai.plans.models import Task, TaskStatus, TaskTally


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def kept() -> dict:
    """The tallies as kept (deltas folded), without keys that net to nothing."""
    rows = TaskTally.objects.values(
        "lead_branch", "assigner_root", "status", "deadline_end"
    ).annotate(total=Sum("n"))
    return {
        (r["lead_branch"], r["assigner_root"], r["status"], r["deadline_end"]): r["total"]
        for r in rows
        if r["total"]
    }


def assert_tallies_equal_a_recount():
    before = kept()
    tallies.rebuild()
    assert before == kept()
    assert sum(before.values()) == Task.objects.count()


def test_created_and_edited_tasks_are_tallied(tree):
    task = make_task(tree, deadline=days(-5))
    make_task(tree, lead_unit=tree.board, deadline=days(3))
    assert_tallies_equal_a_recount()
    services.task_update(
        actor=None, task=task, revision=task.revision, lead_unit=tree.city, deadline=days(20)
    )
    assert_tallies_equal_a_recount()


def test_progress_reports_and_closing_by_document_are_tallied(tree):
    task = make_task(tree, deadline=days(-5))
    task = services.task_report_progress(
        actor=None, task=task, revision=task.revision, status="in_progress", progress=40
    )
    assert_tallies_equal_a_recount()
    services.task_report_progress(
        actor=None,
        task=task,
        revision=task.revision,
        status=TaskStatus.DONE,
        completed_on=days(-1),
    )
    assert_tallies_equal_a_recount()


def test_saved_and_deleted_rows_are_tallied(tree):
    task = Task.objects.create(
        title="Việc ghi thẳng", assigned_by=tree.city, lead_unit=tree.ward, deadline=days(-2)
    )
    task.status = TaskStatus.POSTPONED
    task.save()
    assert_tallies_equal_a_recount()
    Task.objects.filter(pk=task.pk).delete()
    assert_tallies_equal_a_recount()
    assert kept() == {}


def test_a_unit_moving_to_another_tree_moves_its_tallies(tree):
    make_task(tree, deadline=days(-5))
    other = org.unit_create(
        actor=None, parent=None, kind=UnitKind.PROVINCIAL_PARTY_COMMITTEE, name="Tỉnh ủy Trà Vinh"
    )
    org.unit_move(actor=None, unit=tree.ward, new_parent=other, effective_on=days(0))
    assert_tallies_equal_a_recount()
    assert {key[0][:4] for key in kept()} == {other.path}


def test_the_dashboard_of_a_root_reads_the_same_numbers_from_the_tallies(tree):
    """Every bucket, branch and the work given outside the tree: as counted from the tasks."""
    state = org.unit_create(
        actor=None, parent=None, kind=UnitKind.PEOPLES_COMMITTEE, name="UBND tỉnh Bến Tre"
    )
    make_task(tree, deadline=days(-40))
    make_task(tree, lead_unit=tree.board, deadline=days(5))
    make_task(tree, lead_unit=tree.city, assigned_by=tree.province, deadline=days(30))
    Task.objects.create(  # given to the State tree, written straight (as an import would)
        title="Tham mưu đề án", assigned_by=tree.province, lead_unit=state, deadline=days(-1)
    )
    make_task(tree, lead_unit=tree.province, assigned_by=tree.province)
    done = make_task(tree, lead_unit=tree.sibling, deadline=days(-3))
    services.task_report_progress(
        actor=None, task=done, revision=done.revision, status=TaskStatus.DONE, completed_on=days(-9)
    )
    today = timezone.localdate()
    assert tallies.covers(tree.province)
    tallied = dashboard.task_counts_by_branch(tree.province, today)
    assert tallied == dashboard.counted_by_branch(tree.province, today)
    assert dashboard.OUTSIDE in tallied and tallied[dashboard.OUTSIDE]["overdue"] == 1
    board = dashboard.dashboard_for(tree.province)
    assert board.total == 6 and board.overdue_count == 2 and board.counts["done"] == 1


def test_a_move_inside_one_branch_keeps_the_keys_and_one_across_changes_them():
    assert not tallies.keys_change("000100020003", "0001000200050001")
    assert not tallies.keys_change("0001000200030004", "000100020001")
    assert tallies.keys_change("000100020003", "000100030001")
    assert tallies.keys_change("00010002", "000100030001")  # a province becomes a district
    assert tallies.keys_change("000100020003", "00020001")


def test_the_nightly_job_folds_the_deltas_into_one_row_per_key(tree):
    task = make_task(tree, deadline=days(-5))
    for progress in (10, 20, 30):
        task = services.task_report_progress(
            actor=None, task=task, revision=task.revision, status="in_progress", progress=progress
        )
    task = services.task_update(
        actor=None, task=task, revision=task.revision, lead_unit=tree.city, deadline=days(20)
    )
    before, rows_before = kept(), TaskTally.objects.count()

    jobs.fold_task_tallies.delay()  # eager here; Celery beat runs it each night

    assert kept() == before
    assert TaskTally.objects.count() == len(before) < rows_before
