"""One page of the task list with its counts (`selectors_tasks.list_page`): the same tasks, in
the same order, and the same counts as the filtered queryset paged by Django's Paginator, for
every sort, role, status, scope and user — including a unit filter that leaves the visibility
filter out, and page numbers out of range or not numbers."""

import datetime as dt
import itertools

import pytest
from django.core.paginator import Paginator

from tests.plans import test_task_pages as pages
from tests.plans.test_tasks import make_task
from trienkhai.plans import selectors_tasks as selectors
from trienkhai.plans.models import TaskStatus

tasks = pages.tasks
media = pages.media
state = pages.state
TODAY = dt.date.today()


@pytest.fixture
def more_tasks(tasks):
    """A few more, so pages of two have a second and a third page: one done, one done late."""
    t = tasks
    for days in (1, 2, 10):
        make_task(t, title=f"Phường An Hội việc {days}", deadline=TODAY + dt.timedelta(days=days))
    done = make_task(t, title="Phường An Hội việc xong", deadline=TODAY - dt.timedelta(days=9))
    late = make_task(t, title="Phường An Hội việc chậm", deadline=TODAY - dt.timedelta(days=20))
    type(done).objects.filter(pk=done.pk).update(status=TaskStatus.DONE)
    type(late).objects.filter(pk=late.pk).update(status=TaskStatus.DONE_LATE)
    return t


def expected(user, filters, number, size):
    qs = selectors.apply_filters(selectors.visible_tasks(user), filters)
    counts = selectors.summary(qs, soon_days=filters.soon_days)
    paginator = Paginator(selectors.list_queryset(qs, soon_days=filters.soon_days), size)
    page = paginator.get_page(number)
    return counts, page.number, [(t.pk, t.due_soon) for t in page]


def actual(user, filters, number, size):
    counts, page = selectors.list_page(
        selectors.visible_tasks(user, within=filters.units), filters, number, size
    )
    return counts, page.number, [(t.pk, t.due_soon) for t in page]


def test_a_page_and_its_counts_match_the_paginated_queryset(
    more_tasks, admin_user, propaganda_officer, ward_clerk
):
    t = more_tasks
    for user, unit_list, subtree, role, status in itertools.product(
        [admin_user, propaganda_officer, ward_clerk],
        [None, [t.city], [t.ward, t.board]],
        [True, False],
        ["", "lead", "coordinating"],
        ["", selectors.OPEN, selectors.OVERDUE],
    ):
        filters = selectors.TaskFilters(units=unit_list, subtree=subtree, role=role, status=status)
        got = actual(user, filters, 2, 2)
        assert got == expected(user, filters, 2, 2), (user, unit_list, subtree, role, status)


@pytest.mark.parametrize("sort", list(selectors.SORTS))
def test_every_sort_pages_as_the_queryset_does(more_tasks, propaganda_officer, sort):
    for status in ("", TaskStatus.DONE):
        filters = selectors.TaskFilters(units=[more_tasks.city], status=status, sort=sort)
        for number in (1, 2, 3):
            got = actual(propaganda_officer, filters, number, 2)
            assert got == expected(propaganda_officer, filters, number, 2), (status, number)


@pytest.mark.parametrize("number", [None, "", "abc", "0", "-1", "2.5", "99"])
def test_a_page_number_out_of_range_or_not_a_number_pages_as_django_does(
    more_tasks, propaganda_officer, number
):
    filters = selectors.TaskFilters(units=[more_tasks.city])
    assert actual(propaganda_officer, filters, number, 2) == expected(
        propaganda_officer, filters, number, 2
    )


def test_an_empty_list_has_zero_counts_and_one_empty_page(tasks, propaganda_officer):
    filters = selectors.TaskFilters(text="không có việc này")
    counts, page = selectors.list_page(
        selectors.visible_tasks(propaganda_officer), filters, "3", 50
    )
    assert set(counts.values()) == {0}
    assert page.number == 1 and list(page) == []


def test_a_unit_outside_the_users_scope_keeps_the_visibility_filter(tasks, ward_clerk):
    """The ward clerk filtering on the sibling ward sees none of its tasks but those its own
    ward coordinates."""
    filters = selectors.TaskFilters(units=[tasks.sibling])
    counts, page = selectors.list_page(
        selectors.visible_tasks(ward_clerk, within=filters.units), filters, 1, 50
    )
    assert [t.pk for t in page] == [tasks.sibling_task.pk]
    assert counts["total"] == 1


def test_a_user_without_any_scope_gets_an_empty_list(tasks, outsider):
    counts, page = selectors.list_page(
        selectors.visible_tasks(outsider), selectors.TaskFilters(), "2", 50
    )
    assert set(counts.values()) == {0}
    assert page.number == 1 and list(page) == []
