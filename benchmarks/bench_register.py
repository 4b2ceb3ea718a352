#!/usr/bin/env python
"""Benchmark the register's search at the scale of a province over many years.

Builds a database of its own on PostgreSQL with `--documents` documents (default 200,000) spread
over a tree of 1 province → 10 city committees → 20 wards each, then times one page of the
register (`selectors.search_documents`: the filtered, visible page of 50 rows and its count) the
way the register page asks for it, as an administrator, a city editor and a ward editor.

    python benchmarks/bench_register.py                        # 200,000 documents, 20 runs each
    python benchmarks/bench_register.py --documents 20000 --repeat 50 --keep

DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/postgres); the script
creates `trienkhai_bench_docs` there (dropping an old one) and drops it at the end unless --keep.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_SERVER))
    parser.add_argument("--bench-db", default="trienkhai_bench_docs")
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)

    import psycopg

    server = urlsplit(args.database_url)
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.bench_db}"')
        conn.execute(f'CREATE DATABASE "{args.bench_db}"')
    os.environ["DATABASE_URL"] = urlunsplit(server._replace(path=f"/{args.bench_db}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        return run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(args.database_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.bench_db}"')


def run(args) -> int:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from trienkhai.bench import gen_documents
    from trienkhai.bench.gen_load import bulk_session
    from trienkhai.documents import selectors
    from trienkhai.org import services as org
    from trienkhai.org.models import AccessRole, UnitKind

    call_command("migrate", verbosity=0)
    rng = random.Random(2020)
    province = org.unit_create(
        actor=None, parent=None, kind=UnitKind.PROVINCIAL_PARTY_COMMITTEE, name="Tỉnh ủy Bến Tre",
        short_name="TU", audit=False,
    )  # fmt: skip
    units = [province]
    cities = []
    for c in range(10):
        city = org.unit_create(
            actor=None, parent=province, kind=UnitKind.CITY_PARTY_COMMITTEE,
            name=f"Thành ủy số {c + 1}", short_name="ThU", audit=False,
        )  # fmt: skip
        cities.append(city)
        units.append(city)
        for w in range(20):
            units.append(
                org.unit_create(
                    actor=None,
                    parent=city,
                    kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE,
                    name=f"Đảng ủy Phường {c + 1}-{w + 1}",
                    short_name="ĐU",
                    audit=False,
                )
            )
    User = get_user_model()
    admin = User.objects.create_user("admin", is_superuser=True)
    city_editor = User.objects.create_user("city")
    ward_editor = User.objects.create_user("ward")
    org.access_grant(actor=None, user=city_editor, unit=cities[3], role=AccessRole.EDITOR)
    ward = units[3 * 21 + 1 + 5 + 1]
    org.access_grant(actor=None, user=ward_editor, unit=ward, role=AccessRole.EDITOR)

    started = time.perf_counter()
    register = gen_documents.Register(dt.date.today())
    issuers = [gen_documents.Issuer(u.pk, u.name, u.short_name, province.name) for u in units]
    with bulk_session():
        gen_documents.fill_register(register, issuers, args.documents, rng, years=20)
        register.write()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{args.documents:,} documents built in {time.perf_counter() - started:.1f} s")

    cases = [
        ("no filter", {}),
        ('text "ke hoach trien khai"', {"q": "ke hoach trien khai"}),
        ('text "tham nhung"', {"q": "tham nhung"}),
        ("a number, 01-KH/ThU", {"q": "01-KH/ThU"}),
        ("issuer city subtree + year 2020", {"issuer": cities[3], "year": 2020}),
        ('text "chuyen doi so" + type KH', {"q": "chuyen doi so", "doc_type": "KH"}),
        ('rare text "xyzzy"', {"q": "xyzzy"}),
    ]
    users = [("admin", admin), ("city editor", city_editor), ("ward editor", ward_editor)]
    print("\n| search | user | rows | p50 ms | p95 ms |\n|---|---|---:|---:|---:|")
    for label, filters in cases:
        for who, user in users:
            times, rows = [], 0
            for run_number in range(args.repeat + 2):
                user.__dict__.pop("_trienkhai_scopes", None)
                t0 = time.perf_counter()
                page = selectors.search_documents(user, page=1, **filters)
                list(page.object_list)
                rows = page.paginator.count
                elapsed = (time.perf_counter() - t0) * 1000
                if run_number >= 2:
                    times.append(elapsed)
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"| {label} | {who} | {rows:,} | {statistics.median(times):.1f} | {p95:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
