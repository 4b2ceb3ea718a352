"""What the bounds share: bare queries through `connection.cursor()`, no ORM.

A bound is the SQL that computes the same numbers as a page, written by hand and run bare: the
floor under what the page can cost. The SQL is portable (PostgreSQL and SQLite) except where a
helper here hides the one difference (a timestamp's local date, a median).
"""

from django.db import connection
from django.utils import timezone


def fetch(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def placeholders(values) -> str:
    """`%s, %s, …` for an IN list (never empty: an empty list matches nothing)."""
    values = list(values)
    return ", ".join(["%s"] * len(values)) if values else "NULL"


def prefix(path: str) -> str:
    """A LIKE pattern for a subtree. Paths are treebeard's [0-9A-Z] steps: nothing to escape."""
    return path + "%"


def local_date(column: str) -> str:
    """SQL for the date of a timestamp column in the site's time zone (what `__date` compares)."""
    sql, params = connection.ops.datetime_cast_date_sql(
        column, (), timezone.get_current_timezone_name()
    )
    # The parameters are time zone names from the settings: written in as literals.
    return sql % tuple("'" + str(p).replace("'", "''") + "'" for p in params)


def ancestor_paths(path: str, steplen: int) -> list[str]:
    """The paths of a unit and of every unit above it."""
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]
