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
TEXTS = [
    "Cần chọn người có đức, có tài, thật sự tiêu biểu",
    "Đề nghị tăng cường quán triệt nghị quyết đến từng chi bộ",
    "Quán triệt sâu rộng hơn nữa trong nhân dân",
    "Tăng cường đối thoại giữa cấp ủy với nhân dân",
    "Phát huy dân chủ trong chuẩn bị nhân sự",
    "Quan tâm hơn đến đời sống cán bộ hưu trí",
    "Đẩy mạnh chuyển đổi số trong công tác tuyên truyền",
    "Kiên quyết phòng chống tham nhũng, lãng phí",
    "Không có ý kiến thêm",
    "Nên tổ chức lấy ý kiến rộng rãi hơn",
]


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
def _survey():
    """The city, its wards, the survey's questions and the quota, through the models."""
    from trienkhai.org import services as org
    from trienkhai.org.models import UnitKind
    from trienkhai.outreach.models import TargetGroup
    from trienkhai.surveys.models import (
        Allocation,
        Choice,
        GridRow,
        Question,
        QuestionKind,
        Section,
        Survey,
        SurveyStatus,
    )
    from trienkhai.surveys.structure import standard_choices

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
    groups = list(TargetGroup.objects.order_by("position"))
    survey = Survey.objects.create(
        title="Khảo sát dư luận xã hội về Đại hội Đảng bộ thành phố",
        owner_unit=city,
        total_forms=0,
        status=SurveyStatus.OPEN,
    )
    sections = [
        Section.objects.create(survey=survey, title=f"Phần {n}", position=n) for n in (1, 2)
    ]
    K = QuestionKind
    scale = ["Kém", "Trung bình", "Khá", "Tốt"]
    specs = [  # kind, text, choices, rows, allow_other
        (K.YESNO, "Đồng chí có được quán triệt Kế hoạch 07-KH/ThU không?", [], [], False),
        (K.SINGLE, "Đồng chí thuộc độ tuổi nào?", ["Dưới 30", "30–45", "46–60", "Trên 60"], [], False),
        (K.SINGLE, "Kênh thông tin chính", ["Chi bộ", "Báo in", "Truyền hình", "Mạng xã hội", "Khác (ghi rõ)"], [], True),
        (K.MULTI, "Đồng chí biết về Đại hội qua kênh nào?", ["Sinh hoạt chi bộ", "Báo, đài", "Mạng xã hội", "Hội nghị", "Bạn bè", "Khác (ghi rõ)"], [], True),
        (K.LIKERT, "Tin tưởng vào sự lãnh đạo của cấp ủy", [], [], False),
        (K.LIKERT, "Hài lòng với công tác chuẩn bị Đại hội", [], [], False),
        (K.LIKERT, "Văn kiện phản ánh đúng tình hình địa phương", [], [], False),
        (K.GRID, "Đánh giá các mặt công tác", scale, ["Xây dựng Đảng", "Kinh tế", "Văn hóa, xã hội", "Quốc phòng, an ninh", "Dân vận"], False),
        (K.GRID, "Đánh giá cán bộ các cấp", ["1", "2", "3", "4", "5"], ["Cấp thành phố", "Cấp phường", "Chi bộ"], False),
        (K.NUMBER, "Số năm tuổi Đảng", [], [], False),
        (K.NUMBER, "Số lần dự sinh hoạt chuyên đề trong năm", [], [], False),
        (K.YESNO, "Đồng chí có đọc dự thảo văn kiện không?", [], [], False),
        (K.SINGLE, "Trình độ lý luận chính trị", ["Sơ cấp", "Trung cấp", "Cao cấp"], [], False),
        (K.MULTI, "Những vấn đề cần quan tâm", ["Kinh tế", "Việc làm", "Môi trường", "Y tế", "Giáo dục"], [], False),
        (K.LIKERT, "Công tác tuyên truyền hiệu quả", [], [], False),
        (K.SINGLE, "Lĩnh vực công tác", ["Đảng", "Chính quyền", "Mặt trận", "Đoàn thể", "Doanh nghiệp", "Khác"], [], False),
        (K.YESNO, "Đồng chí có tham gia góp ý văn kiện không?", [], [], False),
        (K.SHORT_TEXT, "Kiến nghị ngắn", [], [], False),
        (K.LONG_TEXT, "Ý kiến đóng góp cho Đại hội", [], [], False),
        (K.SHORT_TEXT, "Ý kiến khác", [], [], False),
    ]  # fmt: skip
    questions = []
    for n, (kind, text, choices, rows, other) in enumerate(specs, 1):
        q = Question.objects.create(
            survey=survey, section=sections[0 if n <= 10 else 1], kind=kind, text=text,
            position=n, code=f"C{n}", allow_other=other,
            min_value=0 if kind == K.NUMBER else None, max_value=80 if kind == K.NUMBER else None,
        )  # fmt: skip
        pairs = standard_choices(kind) or list(enumerate(choices, start=1))
        for value, label in pairs:
            Choice.objects.create(
                question=q, value=value, label=label, position=value,
                is_other=label.startswith("Khác (ghi rõ)"),
            )  # fmt: skip
        for i, label in enumerate(rows, 1):
            GridRow.objects.create(question=q, label=label, position=i)
        questions.append(q)
    allocations = [
        Allocation.objects.create(survey=survey, unit=w, target_group=g, forms=1)
        for w in wards
        for g in groups
    ]
    return survey, city, wards, groups, questions, allocations


def build(responses: int) -> None:
    from django.db import IntegrityError, connection

    from trienkhai.surveys import responses as recording
    from trienkhai.surveys.models import Allocation, Survey

    t0 = time.perf_counter()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    survey, city, wards, groups, questions, allocations = _survey()
    per = -(-responses // len(allocations))
    Allocation.objects.filter(survey=survey).update(forms=per)
    Survey.objects.filter(pk=survey.pk).update(total_forms=per * len(allocations))
    print(f"migrated and built the survey in {time.perf_counter() - t0:.1f} s", flush=True)

    rid = "(floor(random() * 4.6e18))::bigint + 1"  # a random key, as models.random_key
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '1GB'")
        # The rows are consistent by construction: skip the per-row foreign key triggers.
        cur.execute("SET session_replication_role = replica")
        t0 = time.perf_counter()
        alloc = ",".join(str(a.pk) for a in allocations)
        grp = ",".join(str(a.target_group_id) for a in allocations)
        unit = ",".join(str(a.unit_id) for a in allocations)
        cur.execute(
            f"""CREATE UNLOGGED TABLE bench_r AS
            SELECT i, {rid} AS id, k, (ARRAY[{alloc}])[k] AS alloc, (ARRAY[{grp}])[k] AS grp,
                   (ARRAY[{unit}])[k] AS unit, DATE '2020-08-20' + (random() * 30)::int AS day
            FROM (SELECT i, 1 + floor(power(random(), 1.3) * {len(allocations)})::int AS k
                  FROM generate_series(1, %s) AS i) s""",
            [responses],
        )
        cur.execute(
            f"""INSERT INTO surveys_response (id, survey_id, submitted_on, target_group_id,
                unit_id, channel)
            SELECT id, {survey.pk}, day, grp, unit,
                   CASE WHEN random() < 0.1 THEN 'paper' ELSE 'online' END FROM bench_r
            ON CONFLICT (id) DO NOTHING"""
        )
        cur.execute(
            f"""INSERT INTO surveys_code (survey_id, allocation_id, code, kind, batch, used)
            SELECT {survey.pk}, alloc, 'B' || lpad(i::text, 9, '0'), 'paper', 1, true
            FROM bench_r"""
        )
        print(f"{responses:,} responses and codes in {time.perf_counter() - t0:.1f} s", flush=True)

        # Answers without their secondary indexes, rebuilt once at the end (a bulk load).
        t0 = time.perf_counter()
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'surveys_answer' "
            "AND indexname NOT LIKE %s",
            ["%pkey"],
        )
        indexes = cur.fetchall()
        for index, _definition in indexes:
            cur.execute(f'DROP INDEX "{index}"')
        # Each question's answers go to a staging table first, then into surveys_answer in the
        # order the forms arrived: a form's answers lie together in the table, as they do when
        # forms come in one at a time (not grouped by question, which would flatter the reads).
        cur.execute(
            "CREATE UNLOGGED TABLE bench_a (id bigint, response_id bigint, question_id int, "
            "row_id int, choice_id int, number numeric, text text, i int)"
        )
        insert = "INSERT INTO bench_a "
        for q in questions:
            choices = list(q.choices.order_by("position").values_list("pk", "is_other"))
            ids = ",".join(str(c) for c, _o in choices)
            n = len(choices)
            other = next((c for c, o in choices if o), 0)
            texts = "(ARRAY[" + ",".join("'" + t.replace("'", "''") + "'" for t in TEXTS) + "])"
            pick = f"(ARRAY[{ids}])[1 + floor(power(random(), 1.4) * {n})::int]"
            text = f"{texts}[1 + floor(random() * {len(TEXTS)})::int]"
            if q.kind in ("single", "likert", "yesno"):
                sql = (
                    f"SELECT {rid}, id, {q.pk}, NULL::int, c, NULL::numeric, "
                    f"CASE WHEN c = {other} THEN {text} ELSE '' END, i "
                    f"FROM (SELECT id, i, {pick} AS c FROM bench_r WHERE random() < 0.97) s"
                )
            elif q.kind == "multi":
                sql = (
                    f"SELECT {rid}, r.id, {q.pk}, NULL::int, c, NULL::numeric, "
                    f"CASE WHEN c = {other} THEN {text} ELSE '' END, i "
                    f"FROM bench_r r CROSS JOIN unnest(ARRAY[{ids}]) AS c WHERE random() < 0.35"
                )
            elif q.kind == "grid":
                rows = ",".join(str(r) for r in q.rows.values_list("pk", flat=True))
                sql = (
                    f"SELECT {rid}, r.id, {q.pk}, row_id, {pick}, NULL::numeric, '', i "
                    f"FROM bench_r r CROSS JOIN unnest(ARRAY[{rows}]) AS row_id "
                    f"WHERE random() < 0.95"
                )
            elif q.kind == "number":
                sql = (
                    f"SELECT {rid}, id, {q.pk}, NULL::int, NULL::int, "
                    f"floor(random() * 60)::numeric, '', i "
                    f"FROM bench_r WHERE random() < 0.9"
                )
            else:
                share = {18: 0.2, 19: 0.1, 20: 0.05}.get(q.position, 0.1)
                sql = (
                    f"SELECT {rid}, id, {q.pk}, NULL::int, NULL::int, NULL::numeric, "
                    f"{text} || ' (' || i || ')', i FROM bench_r WHERE random() < {share}"
                )
            cur.execute(insert + sql)
            print(f"  answers to {q.code} ({q.kind})   ", end="\r", flush=True)
        cur.execute("SET work_mem = '1GB'")
        # The primary key too is built once, after the rows (inserting 25 million random keys
        # one by one into its B-tree is what takes the time).
        cur.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'surveys_answer'::regclass "
            "AND contype = 'p'"
        )
        (pkey,) = cur.fetchone()
        cur.execute(f'ALTER TABLE surveys_answer DROP CONSTRAINT "{pkey}"')
        cur.execute(
            "INSERT INTO surveys_answer (id, response_id, question_id, row_id, choice_id, "
            "number, text) SELECT id, response_id, question_id, row_id, choice_id, number, text "
            "FROM bench_a ORDER BY i"
        )
        cur.execute("DROP TABLE bench_a")
        add_pkey = f'ALTER TABLE surveys_answer ADD CONSTRAINT "{pkey}" PRIMARY KEY (id)'
        try:
            cur.execute(add_pkey)
        except IntegrityError:  # two equal random keys: unlikely among 25 million, not impossible
            cur.execute(
                "DELETE FROM surveys_answer WHERE ctid IN (SELECT ctid FROM (SELECT ctid, "
                "row_number() OVER (PARTITION BY id) AS n FROM surveys_answer) d WHERE n > 1)"
            )
            cur.execute(add_pkey)
        cur.execute("SELECT count(*) FROM surveys_answer")
        answers = cur.fetchone()[0]
        print(f"{answers:,} answers in {time.perf_counter() - t0:.1f} s", flush=True)
        t0 = time.perf_counter()
        for _index, definition in indexes:
            cur.execute(definition)
        cur.execute("DROP TABLE bench_r")
        cur.execute("SET session_replication_role = DEFAULT")
        print(f"answer indexes rebuilt in {time.perf_counter() - t0:.1f} s", flush=True)
    t0 = time.perf_counter()
    forms = recording.tallies_recount(survey)
    print(f"tallies_recount: {forms:,} forms in {time.perf_counter() - t0:.1f} s", flush=True)
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.perf_counter() - t0:.1f} s", flush=True)


def _has_twins(cur) -> bool:
    cur.execute("SELECT EXISTS (SELECT 1 FROM surveys_answer GROUP BY id HAVING count(*) > 1)")
    return cur.fetchone()[0]


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
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
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
