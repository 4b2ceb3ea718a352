#!/usr/bin/env python
"""Benchmark the dashboard at national scale on PostgreSQL.

Builds, in a database of its own and with the builders of `trienkhai bench generate`
(trienkhai/bench/), the national tree (34 provinces → 3,321 communes → 52,000 cells), then
1,000,000 tasks spread over every unit (deadlines two years back to one year ahead, statuses
mixed as they are for past and coming deadlines, coordinating units, programmes), requirements on
every commune and every cell with their compliance documents, a quarterly report schedule per
province over five years with four in five communes reporting, and indicators with five years of
values. Then it times:

* `dashboard_for(province)` and `dashboard_for(commune)`: every number of the page, the same
  function the XLSX export and the review use (the database part);
* the dashboard page itself, as the province's manager (numbers and template), through
  Django's test client, and one of its chart images (drawn by matplotlib, or from the cache);
* the XLSX export of a province.

It prints p50/p95 over repeated runs as a Markdown table and the plan of the status-count query.

Usage (from the repository root, in the project's venv):

    python benchmarks/bench_dashboard.py                  # PostgreSQL from DATABASE_URL
    python benchmarks/bench_dashboard.py --tasks 200000 --repeat 10 --keep

DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres);
the script creates the database `trienkhai_bench_dashboard` there (dropping an old one) and
drops it at the end unless --keep.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_SERVER))
    parser.add_argument("--bench-db", default="trienkhai_bench_dashboard")
    parser.add_argument("--icu-locale", default="vi-VN")
    parser.add_argument("--cells", type=int, default=52_000, help="grassroots units in all")
    parser.add_argument("--tasks", type=int, default=1_000_000, help="tasks in all")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measure")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--reuse", action="store_true", help="measure a database kept by an earlier --keep run"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return DashboardWorker(args).run()
    return _run_postgres(args)


def _run_postgres(args) -> int:
    import psycopg
    from psycopg import sql

    server = urlsplit(args.database_url)
    admin_url = urlunsplit(server._replace(scheme="postgresql"))
    bench_url = urlunsplit(server._replace(path="/" + args.bench_db))
    name = sql.Identifier(args.bench_db)
    if not args.reuse:
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
    cmd = [sys.executable, __file__, "--worker", "--cells", str(args.cells)]
    cmd += ["--tasks", str(args.tasks), "--repeat", str(args.repeat)]
    cmd += ["--reuse"] if args.reuse else []
    with tempfile.TemporaryDirectory(prefix="trienkhai-bench-") as data:
        env = {
            **os.environ,
            "DATABASE_URL": bench_url,
            "TRIENKHAI_DATA_DIR": data,
            "TRIENKHAI_ALLOWED_HOSTS": "testserver",
        }
        try:
            return subprocess.run(cmd, env=env, cwd=ROOT).returncode
        finally:
            if not (args.keep or args.reuse):
                with psycopg.connect(admin_url, autocommit=True) as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
                print(f"dropped database {args.bench_db}")


def _load_bench_tree():
    import bench_tree

    return bench_tree


class DashboardWorker:
    def __init__(self, args):
        self.args = args
        self.backend = "postgres"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def run(self) -> int:
        from django.core.management import call_command
        from django.db import connection

        if not self.args.reuse:
            call_command("migrate", verbosity=0)
            _load_bench_tree().Worker.build(self)  # the national tree, as bench_tree builds it
            self.build_work()
            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE")
        self.explain()
        self.measure()
        return 0

    # --- data --------------------------------------------------------------------------------
    def build_work(self) -> None:
        """Tasks, programmes, requirements with their compliance documents, indicators and
        quarterly reports, with the builders of `trienkhai bench generate`."""
        from django.utils import timezone

        from trienkhai.bench import gen_documents, gen_work
        from trienkhai.bench.gen_load import bulk_session, fetch

        rng = random.Random(2020)
        today = timezone.localdate()
        started = time.perf_counter()
        with bulk_session():
            tree = gen_work.Tree.load()
            register = gen_documents.Register(today)
            plan = gen_work.plan_work(tree, register, rng)
            documents, _files = register.write()
            doc_ids = [i for (i,) in fetch("SELECT id FROM documents_document ORDER BY id")]
            programmes = gen_work.write_programmes(plan, doc_ids, today)
            cells = gen_work.write_requirements(plan)
            tasks, _links = gen_work.write_tasks(tree, programmes, self.args.tasks, rng, today)
            print(f"built {tasks:,} tasks in {time.perf_counter() - started:.1f} s", flush=True)
            started = time.perf_counter()
            indicators, measurements = gen_work.write_indicators(tree, programmes, rng, today)
            reports = gen_work.write_reports(tree, rng, today)
        print(
            f"built {cells:,} requirement cells, {documents:,} documents, {reports:,} reports, "
            f"{indicators:,} indicators with {measurements:,} values in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )

    # --- the plan -----------------------------------------------------------------------------
    def explain(self) -> None:
        """The plan of the one query that counts a province's tasks by status."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from trienkhai.bench.gen_tree import PROVINCE_DEPTH
        from trienkhai.org.models import Unit
        from trienkhai.plans import dashboard

        province = Unit.objects.filter(depth=PROVINCE_DEPTH).order_by("-numchild").first()
        with CaptureQueriesContext(connection) as captured:
            rows = dashboard.task_counts_by_branch(province, timezone.localdate())
        counts = {"total": sum(r["total"] for r in rows.values())}
        sql = captured.captured_queries[-1]["sql"]
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n  ".join(row[0] for row in cur.fetchall())
        print(f"\n{province.name}: {counts['total']:,} tasks in its subtree; the count query:")
        print("  " + sql[:400] + (" …" if len(sql) > 400 else ""))
        print("EXPLAIN (ANALYZE, BUFFERS):\n  " + plan, flush=True)

    # --- timings ------------------------------------------------------------------------------
    def measure(self) -> None:
        from django.contrib.auth import get_user_model
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from trienkhai.bench.gen_tree import COMMUNE_DEPTH, PROVINCE_DEPTH
        from trienkhai.bench.run_timing import percentiles  # as `trienkhai bench run`
        from trienkhai.org.models import Access, AccessRole, Unit
        from trienkhai.plans import dashboard, dashboard_xlsx
        from trienkhai.plans.models import Task

        rng = random.Random(2025)
        provinces = list(Unit.objects.filter(depth=PROVINCE_DEPTH))
        communes = rng.sample(list(Unit.objects.filter(depth=COMMUNE_DEPTH)), 200)
        clients = {}
        User = get_user_model()
        for province in provinces:
            user, _new = User.objects.get_or_create(username=f"bench_manager_{province.pk}")
            Access.objects.get_or_create(user=user, unit=province, role=AccessRole.MANAGER)
            clients[province.pk] = Client()
            clients[province.pk].force_login(user)  # logged in once, as a browser stays

        def rotate(items):
            state = {"i": 0}

            def pick():
                state["i"] += 1
                return items[state["i"] % len(items)]

            return pick

        p, c, pp = rotate(provinces), rotate(communes), rotate(provinces)

        def page():
            response = clients[pp().pk].get(reverse("plans:dashboard"))
            assert response.status_code == 200, response.status_code
            return 1

        def chart(cold: bool):
            counts = {"i": 0}

            def run():
                counts["i"] += 1
                if cold:
                    cache.clear()
                n = counts["i"] if cold else 1  # new counts each time, or the same ones
                values = f"{n % 97},{n % 13},3,40,120,7,2"
                url = reverse("plans:dashboard_chart", args=["tasks"]) + f"?v={values}"
                response = clients[provinces[0].pk].get(url)
                assert response.status_code == 200, response.status_code
                return len(response.content)

            return run

        def export():
            board = dashboard.dashboard_for(p(), list_size=dashboard_xlsx.LIST_ROWS)
            return len(dashboard_xlsx.workbook(board))

        measures = [
            ("dashboard_for(province): all numbers", lambda: dashboard.dashboard_for(p()).total),
            ("dashboard_for(commune): all numbers", lambda: dashboard.dashboard_for(c()).total),
            ("province: tasks by status and commune (1 query)", lambda: len(
                dashboard.task_counts_by_branch(p(), dt.date.today()))),
            ("province: compliance by state and commune (1 query)", lambda: len(
                dashboard.compliance_by_branch(p(), dt.date.today()))),
            ("province: indicators off track only", lambda: len(dashboard.indicators_off_track(
                p(), dt.date.today()))),
            ("province: reports missing only", lambda: len(dashboard.reports_missing(
                p(), dt.date.today()))),
            ("province: overdue and due-soon lists only", lambda: len(list(
                dashboard.overdue_tasks(dashboard.tasks_in(p()), dt.date.today())[:20])) + len(list(
                dashboard.due_soon_tasks(dashboard.tasks_in(p()), dt.date.today())[:20]))),
            ("dashboard page of a province (HTML; charts are images)", page),
            ("one chart image, drawn", chart(cold=True)),
            ("one chart image, from the server's cache", chart(cold=False)),
            ("XLSX export of a province", export),
        ]  # fmt: skip
        units, tasks = Unit.objects.count(), Task.objects.count()
        for jit in ("on", "off"):
            with connection.cursor() as cur:
                cur.execute(f"SET jit = {jit}")
            print(
                f"\npostgres, jit={jit}: {units:,} units, {tasks:,} tasks; {self.args.repeat} "
                "timed runs per measure after 3 warm-up runs; targets rotate over the 34 "
                "provinces and 200 communes\n"
            )
            print("| measure | result (mean) | p50 ms | p95 ms |")
            print("|---|---:|---:|---:|")
            for label, fn, *warmups in measures:
                for _ in range(warmups[0] if warmups else 3):
                    fn()
                times, results = [], []
                for _ in range(self.args.repeat):
                    t0 = time.perf_counter()
                    results.append(fn())
                    times.append((time.perf_counter() - t0) * 1000)
                p50, p95 = percentiles(times)
                print(
                    f"| {label} | {statistics.mean(results):,.0f} | {p50:.1f} | {p95:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    sys.exit(main())
