"""Bulk loading for the benchmark data set: COPY, indexes put aside, the product's tables emptied.

PostgreSQL only. Rows that the generator makes consistent by construction are loaded with the
per-row foreign-key triggers off (`session_replication_role = replica`) and, for the big tables,
without their secondary indexes, which are built once afterwards: that is what makes a million
rows a matter of seconds rather than minutes.
"""

import contextlib
import time

from django.apps import apps
from django.db import connection

# Tables that the migrations fill with reference data, or Django's own bookkeeping: kept.
KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission", "auth_group"}


def product_tables() -> list[str]:
    """Every table of the project's models (and auth, sessions...), except the kept ones."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    existing = set(connection.introspection.table_names())
    return sorted((tables & existing) - KEPT_TABLES)


def empty_tables() -> None:
    """TRUNCATE every product table and restart its ids, so a seed always gives the same ids;
    then seed again the reference rows a migration made (the target groups)."""
    from trienkhai.outreach.defaults import ensure_target_groups
    from trienkhai.outreach.models import TargetGroup

    names = ", ".join(connection.ops.quote_name(t) for t in product_tables())
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    ensure_target_groups(TargetGroup)


def copy_rows(table: str, columns: list[str], rows) -> int:
    """COPY `rows` (tuples in the order of `columns`; None is NULL) into `table`."""
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    statement = f"COPY {connection.ops.quote_name(table)} ({cols}) FROM STDIN"
    with connection.cursor() as cur, cur.cursor.copy(statement) as cp:
        for row in rows:
            cp.write_row(row)
            count += 1
    return count


def fetch(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


@contextlib.contextmanager
def bulk_session():
    """Session settings for a bulk load, set back afterwards."""
    execute("SET synchronous_commit = off")
    execute("SET maintenance_work_mem = '512MB'")
    execute("SET work_mem = '256MB'")
    execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        execute("SET session_replication_role = DEFAULT")
        for name in ("synchronous_commit", "maintenance_work_mem", "work_mem"):
            execute(f"RESET {name}")


@contextlib.contextmanager
def indexes_set_aside(*tables: str, primary_key: bool = False):
    """Drop the secondary indexes of `tables` (not those behind a constraint), and rebuild them
    when the block ends; with `primary_key`, the primary key too (random keys inserted one by
    one into a B-tree are what take the time)."""
    saved, pkeys = [], []
    for table in tables:
        saved += fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        if primary_key:
            for (name,) in fetch(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
                [table],
            ):
                pkeys.append((table, name))
    for name, _definition in saved:
        execute(f'DROP INDEX "{name}"')
    for table, name in pkeys:
        execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    try:
        yield
    finally:
        for table, name in pkeys:
            _add_primary_key(table, name)
        for _name, definition in saved:
            execute(definition)


def _add_primary_key(table: str, name: str) -> None:
    """Put the primary key back; two equal random keys (unlikely among millions, not
    impossible) lose their second row first."""
    if fetch(f'SELECT 1 FROM "{table}" GROUP BY id HAVING count(*) > 1 LIMIT 1'):
        execute(
            f'DELETE FROM "{table}" WHERE ctid IN (SELECT ctid FROM (SELECT ctid, row_number() '
            f'OVER (PARTITION BY id ORDER BY ctid) AS n FROM "{table}") d WHERE n > 1)'
        )
    execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" PRIMARY KEY (id)')


class Timer:
    """Seconds per part of the load, printed as it goes."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.parts: list[tuple[str, float]] = []
        self.started = self._last = time.perf_counter()

    @contextlib.contextmanager
    def part(self, label: str):
        self._say(f"… {label}")
        t0 = self._last = time.perf_counter()
        yield
        elapsed = time.perf_counter() - t0
        self.parts.append((label, elapsed))
        self._say(f"  {label}: {elapsed:.1f} s")

    def step(self, text: str) -> None:
        """A line with the seconds since the part began or the previous step."""
        now = time.perf_counter()
        self._say(f"    {text}: {now - self._last:.1f} s")
        self._last = now

    def note(self, text: str) -> None:
        self._say(f"  {text}")

    def _say(self, text: str) -> None:
        self.stdout.write(text + "\n")  # a Django OutputWrapper or a plain stream
        self.stdout.flush()

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started
