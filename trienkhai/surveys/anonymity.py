"""Erasing the order in which codes were used, where the database itself would keep it.

A response and the spending of its code are written in one transaction, so the form is stored
exactly once or not at all. On PostgreSQL that transaction leaves two traces in hidden columns:
the spent code's row carries the same transaction id (`xmin`) as the response, and its new
place in the table (`ctid`) follows the order of use. `codes_reseal` rewrites every spent code
of the surveys in one statement (one shared transaction id for all of them) and then rebuilds
the table in key order (CLUSTER), which also drops the old row versions. Run by a periodic job
and when a survey closes; on SQLite rows are updated in place and there is nothing to erase.
"""

from django.db import connection, transaction

from .models import Code, PaperEntry, ResponseDraft


def codes_reseal() -> int:
    """Rewrite the spent codes so nothing orders them or ties them to a response; returns how
    many codes were rewritten (0 on SQLite)."""
    if connection.vendor != "postgresql":
        return 0
    code_table = Code._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {code_table} SET used = used WHERE used")
        count = cursor.rowcount
        cursor.execute(f"CLUSTER {code_table} USING {code_table}_pkey")
    if not connection.in_atomic_block:
        # Deleted drafts and paper typings keep the transaction id of the response that deleted
        # them until vacuum.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {ResponseDraft._meta.db_table}")
            cursor.execute(f"VACUUM {PaperEntry._meta.db_table}")
    return count
