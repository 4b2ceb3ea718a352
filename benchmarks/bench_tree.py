#!/usr/bin/env python
"""Benchmark the organisation tree at national scale.

Builds a tree of the size of the whole country into a database of its own, then times the reads
every page makes: a province's subtree (counted and fetched), a leaf's ancestors, a node's
children (current and as of a date), and the search box. Prints p50/p95 over repeated runs as a
Markdown table, and the PostgreSQL plan of the subtree query.

    34 provinces            Tỉnh ủy, Thành ủy (real 2025 names, from vietnam-provinces)
    3,321 communes          Đảng ủy xã, phường, đặc khu (real 2025 names)
    52,000 grassroots units Chi bộ thôn, khu phố (15 or 16 per commune)

Usage (from the repository root, in the project's venv):

    python benchmarks/bench_tree.py                      # PostgreSQL from DATABASE_URL
    python benchmarks/bench_tree.py --backends postgres,sqlite --repeat 100

DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres);
the script creates the database `trienkhai_bench` there (dropping an old one), migrates it, and
drops it at the end unless --keep. The SQLite run uses a file in a temporary folder.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


# --- the parent process: one database per backend, a worker process for each ---------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="postgres", help="postgres, sqlite or both (comma)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_SERVER))
    parser.add_argument("--bench-db", default="trienkhai_bench", help="database to create")
    parser.add_argument(
        "--icu-locale",
        default="vi-VN",
        help="collation of the bench database (ICU); '' keeps the server's default. A non-C "
        "collation is what a Vietnamese server has, and what makes the pattern index matter.",
    )
    parser.add_argument("--cells", type=int, default=52_000, help="grassroots units in all")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per measure")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        return Worker(args).run()

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(backends) - {"postgres", "sqlite"}
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    rc = 0
    for backend in backends:
        print(f"\n######## {backend}", flush=True)
        if backend == "postgres":
            rc |= _run_postgres(args)
        else:
            rc |= _run_sqlite(args)
    return rc


def _worker(args, env: dict) -> int:
    cmd = [sys.executable, __file__, "--worker", "--cells", str(args.cells)]
    cmd += ["--repeat", str(args.repeat), "--backends", env["BENCH_BACKEND"]]
    return subprocess.run(cmd, env={**os.environ, **env}, cwd=ROOT).returncode


def _run_postgres(args) -> int:
    import psycopg
    from psycopg import sql

    server = urlsplit(args.database_url)
    admin_url = urlunsplit(server._replace(scheme="postgresql"))
    bench_url = urlunsplit(server._replace(path="/" + args.bench_db))
    name = sql.Identifier(args.bench_db)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        create = sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(name)
        if args.icu_locale:
            create += sql.SQL(" LOCALE_PROVIDER icu ICU_LOCALE {} LOCALE 'C.UTF-8'").format(
                sql.Literal(args.icu_locale)
            )
        conn.execute(create)
        version = conn.execute("SHOW server_version").fetchone()[0]
    print(f"created database {args.bench_db} (PostgreSQL {version})", flush=True)
    with tempfile.TemporaryDirectory(prefix="trienkhai-bench-") as data:
        env = {"BENCH_BACKEND": "postgres", "DATABASE_URL": bench_url, "TRIENKHAI_DATA_DIR": data}
        try:
            return _worker(args, env)
        finally:
            if not args.keep:
                with psycopg.connect(admin_url, autocommit=True) as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
                print(f"dropped database {args.bench_db}")


def _run_sqlite(args) -> int:
    with tempfile.TemporaryDirectory(prefix="trienkhai-bench-") as data:
        env = {"BENCH_BACKEND": "sqlite", "TRIENKHAI_DATA_DIR": data}
        os.environ.pop("DATABASE_URL", None)
        return _worker(args, env)


# --- the worker: Django set up on the bench database --------------------------------------------
class Worker:
    def __init__(self, args):
        self.args = args
        self.backend = args.backends
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
        import django

        django.setup()

    def run(self) -> int:
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)
        self.build()
        # Statistics, as autovacuum would gather them within a minute of a bulk load.
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        index_ok = self.explain()
        self.measure()
        return 0 if index_ok else 1

    # --- data --------------------------------------------------------------------------------
    def build(self) -> None:
        """The national tree, as `trienkhai bench generate` builds it, and two logins."""
        from django.contrib.auth import get_user_model

        from trienkhai.bench.gen_tree import build_tree
        from trienkhai.org.models import Access, AccessRole, Unit

        started = time.perf_counter()
        counts = build_tree(cells=self.args.cells)
        User = get_user_model()
        User.objects.create(username="bench_admin", is_superuser=True, is_staff=True)
        manager = User.objects.create(username="bench_province_manager")
        Access.objects.create(
            user=manager,
            unit=Unit.objects.get(path=Unit._get_path(None, 1, 1)),
            role=AccessRole.MANAGER,
        )
        elapsed = time.perf_counter() - started
        print(
            f"built {counts.units:,} units ({counts.provinces} provinces, {counts.communes:,} "
            f"communes, {counts.cells:,} grassroots) and as many history rows in {elapsed:.1f} s",
            flush=True,
        )

    # --- the plan of the subtree query --------------------------------------------------------
    def explain(self) -> bool:
        """Show the subtree query's plan; False when PostgreSQL reads it without a path index."""
        from django.db import connection

        from trienkhai.bench.gen_tree import PROVINCE_DEPTH
        from trienkhai.org import selectors
        from trienkhai.org.models import Unit

        province = Unit.objects.filter(depth=PROVINCE_DEPTH).order_by("-numchild").first()
        qs = selectors.subtree(province)
        print(f"\nsubtree of {province.name} ({province.numchild} communes): SQL\n  {qs.query}")
        if connection.vendor != "postgresql":
            plan = qs.explain()
            print("EXPLAIN QUERY PLAN:\n  " + plan.replace("\n", "\n  "))
            # SQLite's LIKE is case-insensitive and Django adds ESCAPE, so SQLite cannot turn the
            # prefix into an index range: "SCAN ... USING INDEX" reads the whole index in order.
            kind = "an index range" if "SEARCH" in plan else "a full scan in index order"
            print(f"SQLite reads the subtree with {kind}")
            return True

        with connection.cursor() as cur:
            cur.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                [Unit._meta.db_table, "%(path varchar_pattern_ops)%"],
            )
            pattern_indexes = [row[0] for row in cur.fetchall()]
        plan = qs.explain(analyze=True)
        print("EXPLAIN ANALYZE:\n  " + plan.replace("\n", "\n  "))
        used = [name for name in pattern_indexes if name in plan]
        print(f"pattern-ops indexes on path: {', '.join(pattern_indexes)}; used: {used or 'NONE'}")
        return bool(used)

    # --- timings ------------------------------------------------------------------------------
    def measure(self) -> None:
        from django.contrib.auth import get_user_model

        from trienkhai.bench.gen_tree import CELL_DEPTH, COMMUNE_DEPTH, PROVINCE_DEPTH
        from trienkhai.bench.run_timing import percentiles  # as `trienkhai bench run`
        from trienkhai.org import rules, selectors
        from trienkhai.org.models import Unit

        rng = random.Random(20251)
        provinces = list(Unit.objects.filter(depth=PROVINCE_DEPTH))
        communes = rng.sample(list(Unit.objects.filter(depth=COMMUNE_DEPTH)), 200)
        leaves = rng.sample(list(Unit.objects.filter(depth=CELL_DEPTH)), 200)
        User = get_user_model()
        admin = User.objects.get(username="bench_admin")
        manager = User.objects.get(username="bench_province_manager")
        day = dt.date(2025, 8, 1)

        def rotate(items):
            state = {"i": 0}

            def pick():
                state["i"] += 1
                return items[state["i"] % len(items)]

            return pick

        p, c, leaf = rotate(provinces), rotate(communes), rotate(leaves)

        def search_as(user):
            def run():
                rules.forget_scopes(user)  # a new request loads the user's scopes again
                return selectors.search_units(user, "phuong an hoi")

            return run

        measures = [
            ("subtree of a province, count()", lambda: selectors.subtree(p()).count()),
            ("subtree of a province, fetch rows", lambda: list(selectors.subtree(p()))),
            (
                "subtree of a province, ids only",
                lambda: list(selectors.subtree(p()).values_list("id", flat=True)),
            ),
            ("subtree of a commune, fetch rows", lambda: list(selectors.subtree(c()))),
            ("ancestors of a leaf", lambda: list(selectors.ancestors(leaf()))),
            ("children of a province", lambda: list(selectors.children(p()))),
            ("children of a commune", lambda: list(selectors.children(c()))),
            (
                "children of a province as of a date",
                lambda: list(selectors.children_as_of(p(), day)),
            ),
            ("search 'phuong an hoi', administrator", search_as(admin)),
            ("search 'phuong an hoi', province manager", search_as(manager)),
        ]
        print(
            f"\n{self.backend}: {Unit.objects.count():,} units; {self.args.repeat} timed runs "
            "per measure after 3 warm-up runs; targets rotate over provinces, 200 communes, "
            "200 leaves\n"
        )
        print("| measure | rows (mean) | p50 ms | p95 ms |")
        print("|---|---:|---:|---:|")
        for label, fn in measures:
            for _ in range(3):
                fn()
            times, rows = [], []
            for _ in range(self.args.repeat):
                t0 = time.perf_counter()
                result = fn()
                times.append((time.perf_counter() - t0) * 1000)
                rows.append(result if isinstance(result, int) else len(result))
            p50, p95 = percentiles(times)
            print(f"| {label} | {statistics.mean(rows):,.0f} | {p50:.2f} | {p95:.2f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
