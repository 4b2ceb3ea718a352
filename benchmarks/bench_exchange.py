#!/usr/bin/env python
"""Benchmark exchange packages at the size of a city's five-year plan.

Builds, through the services, a city committee with `--units` grassroots committees, a plan with
4 programmes × 10 indicators (half of them tracked by sub-unit, with a value per unit and year
over 5 years), `--tasks` tasks (each with a lead and two coordinating units) and a requirement on
every grassroots committee; then times:

* export (the package as JSON values), its JSON and XLSX writing, the XLSX read back and checked;
* a dry run in the same deployment (everything matched, nothing to do);
* the same package in a deployment that has none of it: the dry run, and the apply.

    python benchmarks/bench_exchange.py                    # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/bench_exchange.py

With DATABASE_URL the script creates `trienkhai_bench_exchange` on that server (dropping an old
one) and drops it at the end.
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "trienkhai_bench_exchange"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=51)
    parser.add_argument("--tasks", type=int, default=1000)
    args = parser.parse_args(argv)
    server = os.environ.get("DATABASE_URL", "")
    temp = tempfile.TemporaryDirectory()
    os.environ["TRIENKHAI_DATA_DIR"] = temp.name
    if server:
        import psycopg

        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(server)._replace(path=f"/{BENCH_DB}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        return run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if server:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        temp.cleanup()


@contextmanager
def timed(label: str, rows: list):
    start = time.perf_counter()
    yield
    rows.append((label, time.perf_counter() - start))


def build(args, actor):
    from trienkhai.documents import services as documents
    from trienkhai.org import services as org
    from trienkhai.org.models import UnitKind
    from trienkhai.plans import indicators, programmes, requirements, tasks
    from trienkhai.plans.models import Direction, Rollup

    rng = random.Random(2020)
    city = org.Unit.objects.get(name="Thành ủy Bến Tre")
    wards = list(org.Unit.objects.filter(kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE))
    plan = documents.document_register(
        actor=actor, owner_unit=city, number_text="07-KH/ThU", issued_on=dt.date(2020, 12, 10),
        summary="Kế hoạch thực hiện Nghị quyết Đại hội", issuer_unit=city,
    )  # fmt: skip
    day = dt.date(2020, 12, 15)
    indicator_rows = []
    programme_rows = []
    for p in range(4):
        programme = programmes.programme_create(
            actor=actor, document=plan, title=f"Chương trình hành động số {p + 1}",
            field="Kinh tế", owner_unit=city, start_year=2021, end_year=2025, today=day,
        )  # fmt: skip
        programme_rows.append(programme)
        for i in range(10):
            indicator_rows.append(
                indicators.indicator_create(
                    actor=actor,
                    programme=programme,
                    unit=city,
                    name=f"Chỉ tiêu {p + 1}.{i + 1}",
                    measure_unit="hộ",
                    direction=Direction.AT_LEAST,
                    target_value=Decimal(1000 + i),
                    target_date=dt.date(2025, 12, 31),
                    by_subunits=i % 2 == 0,
                    rollup=Rollup.SUM,
                    today=day,
                )  # fmt: skip
            )
    for indicator in indicator_rows:
        if not indicator.by_subunits:
            continue
        for ward in wards:
            for year in range(2021, 2026):
                indicators.measurement_add(
                    actor=actor, indicator=indicator, unit=ward, value=Decimal(rng.randint(1, 40)),
                    measured_on=dt.date(year, 12, 31),
                )  # fmt: skip
    for n in range(args.tasks):
        lead, *helpers = rng.sample(wards, 3)
        tasks.task_create(
            actor=actor, title=f"Nhiệm vụ số {n + 1}: tổ chức thực hiện", assigned_by=city,
            lead_unit=lead, coordinating_units=helpers, assigning_document=plan,
            programme=programme_rows[n % 4], deadline=dt.date(2021 + n % 5, 12, 31), today=day,
        )  # fmt: skip
    requirements.requirement_create(
        actor=actor, title="Ban hành kế hoạch thực hiện", set_by=city,
        unit_kinds=[UnitKind.GRASSROOTS_PARTY_COMMITTEE], doc_type="KH",
        due_on=dt.date(2021, 1, 31), implements=plan, today=day,
    )  # fmt: skip
    return plan


def run(args) -> int:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from trienkhai.exchange import format as fmt
    from trienkhai.exchange import importer, xlsx
    from trienkhai.exchange.export import export_package
    from trienkhai.org import services as org
    from trienkhai.org.models import UnitKind

    call_command("migrate", verbosity=0)
    province = org.unit_create(
        actor=None, parent=None, kind=UnitKind.PROVINCIAL_PARTY_COMMITTEE, name="Tỉnh ủy Bến Tre"
    )
    city = org.unit_create(
        actor=None, parent=province, kind=UnitKind.CITY_PARTY_COMMITTEE, name="Thành ủy Bến Tre"
    )
    for n in range(args.units):
        org.unit_create(
            actor=None, parent=city, kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE,
            name=f"Đảng ủy cơ sở số {n + 1}",
        )  # fmt: skip
    admin = get_user_model().objects.create_superuser("bench", password="x")

    rows: list = []
    with transaction.atomic():
        with timed("build the plan through the services", rows):
            plan = build(args, admin)
        with timed("export (package as JSON values)", rows):
            package = export_package(admin, plan)
        with timed("write JSON", rows):
            body = json.dumps(package, ensure_ascii=False).encode()
        with timed("write XLSX", rows):
            book = xlsx.to_bytes(package)
        with timed("read XLSX back and check it", rows):
            fmt.check(xlsx.read_workbook(book))
        checked = fmt.check(package)
        with timed("dry run, same deployment (all matched)", rows):
            same = importer.run(actor=admin, package=checked, apply=False)
        transaction.set_rollback(True)  # the rows go: the next runs are another deployment
    records = sum(len(package[name]) for name in fmt.SECTIONS)
    with timed("dry run, another deployment (all created)", rows):
        preview = importer.run(actor=admin, package=checked, apply=False)
    with timed("apply, another deployment", rows):
        applied = importer.run(actor=admin, package=checked, apply=True)
    assert not preview.errors and applied.applied, [c.messages for c in applied.errors][:3]
    assert all(c["create"] == c["update"] == 0 for c in same.counts().values())

    print(f"\n{connection.vendor}: {records:,} records; JSON {len(body) / 1e6:.1f} MB, XLSX "
          f"{len(book) / 1e6:.1f} MB; {len(package['tasks']):,} tasks, "
          f"{len(package['measurements']):,} values\n")  # fmt: skip
    print("| step | seconds |\n|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
