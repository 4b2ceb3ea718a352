#!/usr/bin/env python
"""Benchmark the streamed exports at national scale: time and peak memory of each download.

Issue 8's target: the XLSX and the CSV export of all 1,000,000 survey responses and of all
1,000,000 tasks each finishes in under 2 minutes, the process staying under 300 MB.

Builds two databases of its own with the builders of the other benchmarks (imported, not
copied): the survey of `bench_survey.py` (a city of 50 wards, 20 questions of every kind,
`--responses` forms) and the national tree and work of `bench_dashboard.py` (`--tasks` tasks over
52,000 cells, with coordinating units and programmes). Then it downloads the four files through
`trienkhai.bench.exports.measure_export`: each in a fresh process, through Django's test client
(the whole view, middleware included), the body read piece by piece and thrown away; it reports
seconds, peak RSS (and the peak before the download began) and size.

Usage (from the repository root, in the project's venv):

    python benchmarks/bench_exports.py                          # 1M + 1M, builds about 15 min
    python benchmarks/bench_exports.py --responses 50000 --tasks 50000 --cells 5000 --keep
    python benchmarks/bench_exports.py --reuse                  # measure kept databases again
    python benchmarks/bench_exports.py --reuse --only survey-csv,tasks-csv

DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres);
the databases `trienkhai_bench_exports_survey` and `trienkhai_bench_exports_tasks` are created
there (`--survey-db`, `--tasks-db`; an old one is dropped unless --reuse) and dropped at the end
unless --keep or --reuse.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench"
SURVEY_USER = "bench_exports_manager"  # manager of the survey's city
TASKS_USER = "bench_exports_admin"  # an administrator: sees every task
EXPORTS = ["survey-xlsx", "survey-csv", "tasks-xlsx", "tasks-csv"]
TARGET_SECONDS, TARGET_MB = 120, 300
RESULT = "BENCH-EXPORTS "


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_SERVER))
    parser.add_argument("--survey-db", default="trienkhai_bench_exports_survey")
    parser.add_argument("--tasks-db", default="trienkhai_bench_exports_tasks")
    parser.add_argument("--responses", type=int, default=1_000_000, help="survey forms")
    parser.add_argument("--tasks", type=int, default=1_000_000, help="tasks in all")
    parser.add_argument("--cells", type=int, default=52_000, help="grassroots units in all")
    parser.add_argument("--only", default=",".join(EXPORTS), help="exports to measure")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    parser.add_argument("--reuse", action="store_true", help="measure databases kept before")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    parser.add_argument("--worker", choices=["survey", "tasks"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args)
    only = [name for name in args.only.split(",") if name]
    unknown = set(only) - set(EXPORTS)
    if unknown:
        parser.error(f"unknown exports: {', '.join(sorted(unknown))}; known: {', '.join(EXPORTS)}")
    return _run(args, only)


# --- the parent: databases, workers, measures ---------------------------------------------------
def _run(args, only: list[str]) -> int:
    import psycopg
    from psycopg import sql

    server = urlsplit(args.database_url)
    admin_url = urlunsplit(server._replace(scheme="postgresql"))
    kinds = [k for k in ("survey", "tasks") if any(name.startswith(k) for name in only)]
    databases = {"survey": args.survey_db, "tasks": args.tasks_db}
    results = []
    with tempfile.TemporaryDirectory(prefix="trienkhai-bench-") as data:
        env = {**os.environ, "TRIENKHAI_DATA_DIR": data, "TRIENKHAI_ALLOWED_HOSTS": "testserver"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
        try:
            for kind in kinds:
                name = databases[kind]
                if not args.reuse:
                    with psycopg.connect(admin_url, autocommit=True) as conn:
                        ident = sql.Identifier(name)
                        conn.execute(
                            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident)
                        )
                        conn.execute(
                            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                                ident
                            )
                        )
                env["DATABASE_URL"] = urlunsplit(server._replace(path=f"/{name}"))
                paths = _prepare(args, kind, env)
                for export in [n for n in only if n.startswith(kind)]:
                    results.append(_measure(export, paths[export], env))
        finally:
            if not (args.keep or args.reuse):
                with psycopg.connect(admin_url, autocommit=True) as conn:
                    for kind in kinds:
                        ident = sql.Identifier(databases[kind])
                        conn.execute(
                            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident)
                        )
                        print(f"dropped database {databases[kind]}")
    _table(results)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0 if all(r["met"] for r in results) else 1


def _prepare(args, kind: str, env: dict) -> dict[str, str]:
    """Build (unless --reuse) in a worker process on that database; get the export paths."""
    cmd = [sys.executable, __file__, "--worker", kind]
    cmd += ["--responses", str(args.responses), "--tasks", str(args.tasks)]
    cmd += ["--cells", str(args.cells)] + (["--reuse"] if args.reuse else [])
    done = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    lines = done.stdout.splitlines()
    for line in lines:
        if not line.startswith(RESULT):
            print(line, flush=True)
    line = next((x for x in lines if x.startswith(RESULT)), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"the {kind} worker failed (exit {done.returncode})")
    return json.loads(line[len(RESULT) :])


def _measure(export: str, target: dict, env: dict) -> dict:
    from trienkhai.bench.exports import measure_export

    os.environ.update({k: env[k] for k in ("DATABASE_URL", "TRIENKHAI_DATA_DIR")})
    os.environ.update({k: env[k] for k in ("TRIENKHAI_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")})
    print(f"measuring {export}: {target['path']} ({target['rows']:,} rows) …", flush=True)
    got = measure_export(target["path"], target["user"], PASSWORD)
    met = got["seconds"] < TARGET_SECONDS and got["peak_rss_mb"] < TARGET_MB
    return {"export": export, "rows": target["rows"], **got, "met": met}


def _table(results: list[dict]) -> None:
    print(f"\nTargets: under {TARGET_SECONDS} s and under {TARGET_MB} MB peak RSS each.\n")
    print(
        "| export | rows | seconds | CPU of the process (s) | first byte (s) | peak RSS (MB) "
        "| before (MB) | size (MB) | met |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(
            f"| {r['export']} | {r['rows']:,} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} "
            f"| {r['first_byte_seconds']} "
            f"| {r['peak_rss_mb']:.0f} | {r['rss_before_mb']:.0f} | {r['bytes'] / 1e6:.1f} "
            f"| {'yes' if r['met'] else 'NO'} |"
        )


# --- the worker: one database ---------------------------------------------------------------------
def _worker(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
    sys.path.insert(0, str(ROOT))
    if args.worker == "survey":
        import django

        django.setup()
        if not args.reuse:
            import bench_survey

            bench_survey.build(args.responses)
        paths = _survey_paths()
    else:
        import bench_dashboard  # sets Django up in its worker

        worker = bench_dashboard.DashboardWorker(args)
        if not args.reuse:
            _build_tasks(worker, bench_dashboard)
        paths = _task_paths()
    print(RESULT + json.dumps(paths), flush=True)
    return 0


def _build_tasks(worker, bench_dashboard) -> None:
    """The national tree and the work on it, as bench_dashboard builds them."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    bench_dashboard._load_bench_tree().Worker.build(worker)
    worker.build_work()
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)


def _user(username: str, *, superuser: bool = False):
    from django.contrib.auth import get_user_model

    user, _new = get_user_model().objects.get_or_create(
        username=username, defaults={"is_superuser": superuser, "is_staff": superuser}
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def _survey_paths() -> dict:
    from django.urls import reverse

    from trienkhai.org.models import Access, AccessRole
    from trienkhai.surveys.models import Response, Survey

    survey = Survey.objects.order_by("-pk").first()
    user = _user(SURVEY_USER)
    Access.objects.get_or_create(user=user, unit=survey.owner_unit, role=AccessRole.MANAGER)
    rows = Response.objects.filter(survey=survey).count()
    return {
        f"survey-{ext}": {
            "path": reverse(f"surveys:results_raw_{ext}", args=[survey.pk]),
            "user": user.username,
            "rows": rows,
        }
        for ext in ("xlsx", "csv")
    }


def _task_paths() -> dict:
    from django.urls import reverse

    from trienkhai.plans.models import Task

    user = _user(TASKS_USER, superuser=True)
    rows = Task.objects.count()
    return {
        "tasks-xlsx": {"path": reverse("plans:task_export"), "user": user.username, "rows": rows},
        "tasks-csv": {
            "path": reverse("plans:task_export_csv"),
            "user": user.username,
            "rows": rows,
        },
    }


if __name__ == "__main__":
    sys.exit(main())
