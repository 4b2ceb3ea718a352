#!/usr/bin/env python
"""Benchmark a survey's results with 1,000,000 responses on PostgreSQL.

Builds, in a database of its own, a city with 50 wards, a survey of 20 questions of every kind
(yes/no, single and multiple choice with "other", Likert, two grids, two numbers, three free
texts) with a quota over 50 wards × 7 target groups, and `--responses` forms (default
1,000,000) with about 25 answers each, written by the database itself (INSERT ... SELECT over
generate_series, random choices, random keys), a used code per form; then it counts the tallies
with `responses.tallies_recount`, as after any bulk load. Then it times, p50/p95 over repeated
runs:

* the bare SQL bound: the tally aggregation query alone (unfiltered and by group);
* `results.results_for` (every number of the page: tallies, number statistics, text previews);
* the results page itself through Django's test client as the city's manager, template
  included: unfiltered, filtered by group, by a ward, with a cross-tabulation;
* a page of free texts with a search, a chart drawn cold, the quota page, the XLSX tables;

"cold" clears the cache, where the number statistics are kept until the next form arrives. A
second pass repeats the number and cold measures with a partial index on answers
(question_id, number, response_id) WHERE number IS NOT NULL, proposed for the migrations: with
it PostgreSQL reads the number statistics from the index alone.

Usage (from the repository root, in the project's venv):

    python benchmarks/bench_survey.py                         # 1,000,000 forms, about 7 min
    python benchmarks/bench_survey.py --responses 100000 --repeat 10 --keep
    python benchmarks/bench_survey.py --reuse                 # measure a kept database again

DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/postgres); the script
creates `trienkhai_bench_survey` there (dropping an old one unless --reuse) and drops it at the
end unless --keep or --reuse.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
WARDS = 50


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_SERVER))
    parser.add_argument("--bench-db", default="trienkhai_bench_survey")
    parser.add_argument("--responses", type=int, default=1_000_000, help="forms in all")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measure")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--no-proposed-index",
        dest="proposed_index",
        action="store_false",
        help="skip the second pass with the index proposed for number statistics",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure a database kept by an earlier --keep run"
    )
    args = parser.parse_args(argv)

    import psycopg
    from psycopg import sql

    server = urlsplit(args.database_url)
    admin_url = urlunsplit(server._replace(scheme="postgresql"))
    name = sql.Identifier(args.bench_db)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.bench_db]
        ).fetchone()
        if exists and not args.reuse:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))
        if not exists or not args.reuse:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(name)
            )
            args.reuse = False
        version = conn.execute("SHOW server_version").fetchone()[0]
    print(f"database {args.bench_db} on PostgreSQL {version}", flush=True)
    os.environ["DATABASE_URL"] = urlunsplit(server._replace(path=f"/{args.bench_db}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
    os.environ.setdefault("TRIENKHAI_ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        if not args.reuse:
            build(args.responses)
        measure(args)
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep or args.reuse):
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            print(f"dropped database {args.bench_db}")


# --- data ----------------------------------------------------------------------------------------
def build(responses: int) -> None:
    """A city of WARDS wards, then the survey and its forms with the builders of `trienkhai bench
    generate` (trienkhai/bench/gen_survey.py)."""
    from django.core.management import call_command
    from django.db import connection

    from trienkhai.bench import gen_survey
    from trienkhai.bench.gen_load import bulk_session
    from trienkhai.org import services as org
    from trienkhai.org.models import UnitKind

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    province = org.unit_create(
        actor=None, parent=None, kind=UnitKind.PROVINCIAL_PARTY_COMMITTEE, name="Tỉnh ủy Bến Tre",
        short_name="TU", audit=False,
    )  # fmt: skip
    city = org.unit_create(
        actor=None, parent=province, kind=UnitKind.CITY_PARTY_COMMITTEE, name="Thành ủy Bến Tre",
        short_name="ThU", audit=False,
    )  # fmt: skip
    wards = [
        org.unit_create(
            actor=None,
            parent=city,
            kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE,
            name=f"Đảng ủy Phường {n + 1}",
            short_name="ĐU",
            audit=False,
        )  # fmt: skip
        for n in range(WARDS)
    ]
    survey, questions, allocations = gen_survey.create_survey(city, wards)
    print(f"migrated and built the survey in {time.perf_counter() - t0:.1f} s", flush=True)
    t0 = time.perf_counter()
    with bulk_session():
        forms, answers = gen_survey.load_responses(survey, questions, allocations, responses, 2020)
    print(
        f"{forms:,} forms, {answers:,} answers, indexes and tallies in "
        f"{time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.perf_counter() - t0:.1f} s", flush=True)


# --- timings -------------------------------------------------------------------------------------
def measure(args) -> None:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from trienkhai.org.models import Access, AccessRole
    from trienkhai.surveys import paper_pdf, results
    from trienkhai.surveys.models import Answer, Question, Survey, Tally
    from trienkhai.surveys.structure import load

    survey = Survey.objects.select_related("owner_unit").get()
    city = survey.owner_unit
    structure = load(survey)
    by_code = {q.code: q for q in structure.questions}
    group = survey.allocations.order_by("-pk").first().target_group
    ward = survey.allocations.order_by("unit__path").first().unit
    user, _new = get_user_model().objects.get_or_create(username="bench_manager")
    Access.objects.get_or_create(user=user, unit=city, role=AccessRole.MANAGER)
    client = Client()
    client.force_login(user)  # logged in once, as a browser stays
    page_url = reverse("surveys:results", args=[survey.pk])

    def get(url, params=None):
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
        return len(response.content)

    def bare_sql():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT question_id, row_id, choice_id, n FROM surveys_tally "
                "WHERE survey_id = %s AND group_id = 0 AND unit_id = 0",
                [survey.pk],
            )
            return len(cur.fetchall())

    def bare_sql_group():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT question_id, row_id, choice_id, SUM(n) FROM surveys_tally "
                "WHERE survey_id = %s AND group_id = %s GROUP BY 1, 2, 3",
                [survey.pk, group.pk],
            )
            return len(cur.fetchall())

    numbers = [q for q in structure.questions if q.kind == "number"]
    chart_count = {"i": 0}

    def chart():
        chart_count["i"] += 1
        cache.clear()
        url = reverse("surveys:results_chart", args=[survey.pk, by_code["C13"].pk])
        return get(url, {"v": f"{1000 + chart_count['i']},2000,3000"})

    def cold(fn):
        """Without the numbers kept from an earlier view: the first view after a new form."""

        def run():
            cache.clear()
            return fn()

        return run

    def page(params=None):
        return lambda: get(page_url, params)

    everyone = results.Selection()
    by_group = results.Selection(group=group)
    by_ward = results.Selection(unit=ward)
    c13, c19 = by_code["C13"].pk, by_code["C19"].pk
    measures = [
        ("bare SQL: the tally rows of all forms", bare_sql),
        ("bare SQL: tally rows of one group (SUM … GROUP BY)", bare_sql_group),
        ("results.tally_counts(all forms)", lambda: len(results.tally_counts(survey, everyone))),
        ("results.number_stats, all forms (2 questions, median)", lambda: len(
            results.number_stats(numbers, everyone))),
        ("results.number_stats, one group", lambda: len(results.number_stats(numbers, by_group))),
        ("results.number_stats, one ward", lambda: len(results.number_stats(numbers, by_ward))),
        ("results.results_for(all forms), cold", cold(lambda: results.results_for(
            survey, everyone, structure=structure).forms)),
        ("results page, all forms, cold (HTML)", cold(page())),
        ("results page, all forms, warm (numbers kept)", page()),
        ("results page, one group, cold", cold(page({"group": group.pk}))),
        ("results page, one group, warm", page({"group": group.pk})),
        ("results page, one ward, cold", cold(page({"unit": ward.pk}))),
        ("results page, one ward, warm", page({"unit": ward.pk})),
        ("results page with a cross-tab by group, warm", page({"cross": c13})),
        ("free texts of C19, first page", page({"answers": c19})),
        ("free texts of C19, search 'quan triet'", page({"answers": c19, "s": "quan triet"})),
        ("one chart, drawn (SVG)", chart),
        ("quota page (codes counted per allocation)", lambda: get(
            reverse("surveys:quota", args=[survey.pk]))),
        ("results tables as XLSX, cold", cold(lambda: get(
            reverse("surveys:results_xlsx", args=[survey.pk])))),
        ("paper forms, 100 copies (PDF bytes)", lambda: len(paper_pdf.form_pdf(
            survey, [f"C{i:09d}" for i in range(100)], structure))),
    ]  # fmt: skip
    forms = Tally.objects.get(survey=survey, question_id=0, group_id=0, unit_id=0).n
    print(
        f"\n{forms:,} forms, {Answer.objects.count():,} answers, "
        f"{Tally.objects.filter(survey=survey).count():,} tally rows, "
        f"{Question.objects.filter(survey=survey).count()} questions; {args.repeat} timed runs "
        "per measure after 2 warm-up runs\n"
    )
    _table(args, measures)
    _explain(survey, numbers)
    if args.proposed_index and _add_proposed_index():
        print(
            "\nwith the proposed partial index on answers (question_id, number, response_id) "
            "WHERE number IS NOT NULL:\n"
        )
        _table(args, [m for m in measures if "number_stats" in m[0] or "cold" in m[0]])
        _explain(survey, numbers)


def _add_proposed_index() -> bool:
    """The index the number statistics need to be read from an index alone (not in the
    migrations yet); False when an index on (question_id, number) already exists."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM pg_indexes WHERE tablename = 'surveys_answer' AND indexdef LIKE %s",
            ["%(question_id, number%"],
        )
        if cur.fetchone():
            return False
        t0 = time.perf_counter()
        cur.execute(
            "CREATE INDEX bench_answer_number ON surveys_answer "
            "(question_id, number, response_id) WHERE number IS NOT NULL"
        )
        cur.execute("VACUUM ANALYZE surveys_answer")
    print(f"\ncreated the proposed index in {time.perf_counter() - t0:.1f} s", flush=True)
    return True


def _table(args, measures) -> None:
    from trienkhai.bench.run_timing import percentiles  # the p50/p95 of `trienkhai bench run`

    print("| measure | result (mean) | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|")
    for label, fn in measures:
        repeat = args.repeat if "XLSX" not in label else max(3, args.repeat // 4)
        for _ in range(2):
            fn()
        times, outs = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            outs.append(fn())
            times.append((time.perf_counter() - t0) * 1000)
        p50, p95 = percentiles(times)
        print(f"| {label} | {statistics.mean(outs):,.0f} | {p50:.1f} | {p95:.1f} |", flush=True)


def _explain(survey, numbers) -> None:
    """The plan of the number statistics, the one query that reads answers on the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trienkhai.surveys import results

    with CaptureQueriesContext(connection) as captured:
        results.number_stats(numbers, results.Selection())
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n  ".join(row[0] for row in cur.fetchall())
    print("\nnumber statistics query:\n  " + sql[:300])
    print("EXPLAIN (ANALYZE, BUFFERS):\n  " + plan, flush=True)


if __name__ == "__main__":
    sys.exit(main())
