"""Task counts kept beside the tasks, for the dashboard of a whole tree.

Counting a million tasks by branch and status takes seconds however it is indexed; the
dashboard of a root unit (the whole Party) sums `TaskTally` rows instead: one per lead unit's
province-level branch, assigning tree, status and (open work only) deadline end. Every write of
a task goes through `task_changed` (the model's save and delete, and the services that update
a task in one statement), which inserts -1 for the old key and +1 for the new one in the same
transaction. Rows are only inserted, never updated, so two writers never lose a count;
`rebuild` folds them into one row per key and is the recount that must always agree.
"""

from django.db import connection, transaction
from django.db.models import Q

from trienkhai.org.models import Unit

from .models import OPEN_STATUSES, Task, TaskTally

BRANCH_STEPS = 2  # the key keeps the lead unit's path down to the provinces


def _key(status: str, deadline_end, lead_path: str, assigner_path: str) -> tuple:
    return (
        lead_path[: BRANCH_STEPS * Unit.steplen],
        assigner_path[: Unit.steplen],
        status,
        deadline_end if status in OPEN_STATUSES else None,
    )


def key_of(task: Task | None) -> tuple | None:
    """The tally key of a task as it is stored now (None for no task)."""
    if task is None:
        return None
    paths = dict(
        Unit.objects.filter(pk__in=[task.lead_unit_id, task.assigned_by_id]).values_list(
            "pk", "path"
        )
    )
    return _key(
        task.status, task.deadline_end, paths[task.lead_unit_id], paths[task.assigned_by_id]
    )


def stored_key(pk: int) -> tuple | None:
    """The key of the task row `pk` in the database (None if there is none)."""
    row = (
        Task.objects.filter(pk=pk)
        .values_list("status", "deadline_end", "lead_unit__path", "assigned_by__path")
        .first()
    )
    return _key(*row) if row else None


def task_changed(before: tuple | None, after: tuple | None) -> None:
    """Record that one task went from key `before` to key `after` (None: did not exist, or no
    longer does). Call it in the transaction of the write."""
    if before == after:
        return
    rows = []
    for key, n in ((before, -1), (after, 1)):
        if key is not None:
            lead_branch, assigner_root, status, deadline_end = key
            rows.append(
                TaskTally(
                    lead_branch=lead_branch,
                    assigner_root=assigner_root,
                    status=status,
                    deadline_end=deadline_end,
                    n=n,
                )
            )
    TaskTally.objects.bulk_create(rows)


def rebuild() -> int:
    """Recount every tally from the tasks: one row per key. Returns the number of rows."""
    width = BRANCH_STEPS * Unit.steplen
    opened = ", ".join(["%s"] * len(OPEN_STATUSES))
    table = TaskTally._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Writers wait while the rows are recounted, so none is counted twice or lost.
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"""INSERT INTO {table} (lead_branch, assigner_root, status, deadline_end, n)
            SELECT substr(lu.path, 1, {width}), substr(ab.path, 1, {Unit.steplen}), t.status,
                   CASE WHEN t.status IN ({opened}) THEN t.deadline_end END, COUNT(*)
            FROM plans_task t
            JOIN org_unit lu ON lu.id = t.lead_unit_id
            JOIN org_unit ab ON ab.id = t.assigned_by_id
            GROUP BY 1, 2, 3, 4""",
            [str(s) for s in sorted(OPEN_STATUSES)],
        )
        return cursor.rowcount


def keys_change(old_path: str, new_path: str) -> bool:
    """Whether moving a unit from `old_path` to `new_path` changes the keys of the tasks in its
    subtree: not when it stays below the same province-level branch (a ward moving between two
    districts of one province), since every key keeps only that much of a path."""
    width = BRANCH_STEPS * Unit.steplen
    below = len(old_path) > width and len(new_path) > width
    return not (below and old_path[:width] == new_path[:width])


def covers(unit: Unit) -> bool:
    """The tallies answer for a root unit: its children are the keys' branches."""
    return unit.depth < BRANCH_STEPS


def in_tree(unit: Unit) -> Q:
    """Tally rows of work led in `unit`'s tree or assigned from it."""
    return Q(lead_branch__startswith=unit.path) | Q(assigner_root__startswith=unit.path)
