"""Fill PostgreSQL with a benchmark data set: the whole country, one province, or one city.

`trienkhai bench generate --scale national|province|city [--seed N] [--replace]` runs the
migrations, then writes (national): 34 provinces, 3,321 communes and 52,000 grassroots
organisations with the real 2025 names; 200,000 documents; 1,000,000 tasks with their
coordinating units and programmes; requirements on every commune and cell with their compliance
cells; indicators with five years of values; five years of quarterly reports with their figures;
a survey of 20 questions with 1,000,000 answered forms and its tallies. The same seed gives the
same data. Known logins for the benchmarks, password `bench` (see BENCH_USERS).

PostgreSQL only: the rows go in with COPY and INSERT … SELECT, indexes rebuilt once at the end.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from . import gen_documents, gen_survey, gen_tree, gen_work
from .gen_load import Timer, bulk_session, empty_tables, execute, fetch, product_tables

# The logins the benchmarks use (password BENCH_PASSWORD), by what they stand for:
# - admin: an administrator (superuser), sees the whole country;
# - province: manager of the biggest province of the data set (Thành phố Hồ Chí Minh, national);
# - city: manager of a centrally-run city of about 40 wards (Thành phố Huế, national); at
#   `province` and `city` scale the data set has one province, which both managers manage;
# - commune: editor of the first commune of that city.
BENCH_USERS = {
    "admin": "bench_admin",
    "province": "bench_province",
    "city": "bench_city",
    "commune": "bench_commune",
}
BENCH_PASSWORD = "bench"
HCM, HUE, CAN_THO = 79, 46, 92  # province codes of vietnam-provinces


@dataclass(frozen=True)
class Scale:
    provinces: tuple[int, ...] | None  # province codes; None for all 34
    province: int  # the province bench_province manages (and the survey's owner)
    city: int  # the city bench_city manages
    documents: int
    tasks: int
    responses: int
    communes_limit: int | None = None
    cells_each: int | None = None


SCALES = {
    "national": Scale(None, HCM, HUE, 200_000, 1_000_000, 1_000_000),
    # Cần Thơ: 103 communes, about a 34th of the country.
    "province": Scale((CAN_THO,), CAN_THO, CAN_THO, 6_000, 30_000, 100_000),
    "city": Scale((HUE,), HUE, HUE, 3_000, 20_000, 20_000),
    # For the tests: four communes of three cells, a few seconds.
    "tiny": Scale((HUE,), HUE, HUE, 300, 400, 200, communes_limit=4, cells_each=3),
}


def add_arguments(parser):
    parser.add_argument(
        "--scale",
        choices=list(SCALES),
        default="national",
        metavar="{national,province,city}",
        help="national (cả nước), province (một tỉnh), city (một thành phố); default national",
    )
    parser.add_argument("--seed", type=int, default=2025, help="the same seed, the same data")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="empty the product's tables first (TRUNCATE) when the database holds data",
    )


def handle(options, stdout) -> dict:
    """Generate the data set; returns {"parts": [(label, seconds)], "rows": {table: n}}."""
    if connection.vendor != "postgresql":
        raise ValueError(
            "Bộ dữ liệu đo hiệu năng chỉ tạo được trên PostgreSQL (đặt DATABASE_URL). / "
            "The benchmark data set needs PostgreSQL (set DATABASE_URL); this database is "
            f"{connection.vendor}."
        )
    scale_name = options.get("scale") or "national"
    scale, seed = SCALES[scale_name], options.get("seed", 2025)
    timer = Timer(stdout)
    with timer.part("migrations"):
        call_command("migrate", verbosity=0, interactive=False)
    held = _held_data()
    if held and not options.get("replace"):
        raise ValueError(
            f"Cơ sở dữ liệu {connection.settings_dict['NAME']} đã có dữ liệu ({held}); thêm "
            "--replace để xóa hết và tạo lại. / The database already holds data "
            f"({held}); add --replace to empty it and generate again."
        )
    with timer.part("empty the tables"):
        empty_tables()
    rng = random.Random(seed)
    today = timezone.localdate()
    timer.note(f"scale {scale_name}, seed {seed}, today {today:%d-%m-%Y}")
    with bulk_session():
        _generate(scale, rng, seed, today, timer)
    with timer.part("VACUUM ANALYZE"):
        execute("VACUUM ANALYZE")
    rows = _row_counts()
    _summary(stdout, timer, rows)
    return {"parts": timer.parts, "rows": rows, "total": timer.total}


def _held_data() -> str:
    """What the database already holds of the product's data ('' when nothing)."""
    counts = [
        (label, fetch(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1) t")[0][0])
        for label, table in (
            ("đơn vị / units", "org_unit"),
            ("văn bản / documents", "documents_document"),
            ("tài khoản / accounts", "auth_user"),
        )
    ]
    return ", ".join(label for label, n in counts if n)


def _generate(scale: Scale, rng, seed: int, today: dt.date, timer: Timer) -> None:
    from trienkhai.org.models import Unit
    from trienkhai.plans import compliance_cells

    with timer.part("organisation tree"):
        counts = gen_tree.build_tree(
            province_codes=list(scale.provinces) if scale.provinces else None,
            communes_limit=scale.communes_limit,
            cells_each=scale.cells_each,
        )
        timer.note(
            f"{counts.units:,} units: {counts.provinces} provinces, {counts.communes:,} "
            f"communes, {counts.cells:,} grassroots organisations"
        )
    with timer.part("logins"):
        _users(scale)
    tree = gen_work.Tree.load()
    register = gen_documents.Register(today)
    with timer.part("documents"):
        plan = gen_work.plan_work(tree, register, rng)
        rest = max(0, scale.documents - len(register.rows))
        gen_documents.fill_register(register, tree.issuers(), rest, rng)
        timer.step("drawn")
        documents, files = register.write()
        doc_ids = [i for (i,) in fetch("SELECT id FROM documents_document ORDER BY id")]
        timer.note(
            f"{documents:,} documents ({plan.compliance_docs:,} meeting requirements), "
            f"{files:,} with file text"
        )
    with timer.part("programmes and requirements"):
        programmes = gen_work.write_programmes(plan, doc_ids, today)
        cells = gen_work.write_requirements(plan)
        # Each cell's complying document, stored by the product's own rule (compliance_cells).
        complied = compliance_cells.refresh_all()
        timer.note(
            f"{sum(map(len, programmes.values())):,} programmes, {cells:,} compliance cells "
            f"({complied:,} complied)"
        )
    with timer.part("tasks"):
        tasks, links = gen_work.write_tasks(
            tree, programmes, scale.tasks, rng, today, step=timer.step
        )
        timer.note(f"{tasks:,} tasks, {links:,} coordinating units")
    with timer.part("indicators"):
        indicators, values = gen_work.write_indicators(tree, programmes, rng, today)
        timer.note(f"{indicators:,} indicators, {values:,} values")
    with timer.part("quarterly reports"):
        reports = gen_work.write_reports(tree, rng, today)
        timer.note(f"{reports:,} reports")
    with timer.part("survey"):
        owner = Unit.objects.get(source_key=f"bench:province:{scale.province}")
        communes = list(
            Unit.objects.filter(path__startswith=owner.path, depth=gen_tree.COMMUNE_DEPTH).order_by(
                "path"
            )
        )
        survey, questions, allocations = gen_survey.create_survey(owner, communes, today=today)
        forms, answers = gen_survey.load_responses(
            survey, questions, allocations, scale.responses, seed, today, step=timer.step
        )
        timer.note(f"{forms:,} forms, {answers:,} answers, tallies recounted")


def _users(scale: Scale) -> None:
    """The benchmark logins, each with the access its name says."""
    from django.contrib.auth import get_user_model

    from trienkhai.org.models import Access, AccessRole, Unit

    User = get_user_model()
    province = Unit.objects.get(source_key=f"bench:province:{scale.province}")
    city = Unit.objects.get(source_key=f"bench:province:{scale.city}")
    commune = (
        Unit.objects.filter(path__startswith=city.path, depth=gen_tree.COMMUNE_DEPTH)
        .order_by("path")
        .first()
    )
    admin = User.objects.create_superuser(BENCH_USERS["admin"], "", BENCH_PASSWORD)
    for key, unit, role in (
        ("province", province, AccessRole.MANAGER),
        ("city", city, AccessRole.MANAGER),
        ("commune", commune, AccessRole.EDITOR),
    ):
        user = User.objects.create_user(BENCH_USERS[key], "", BENCH_PASSWORD)
        Access.objects.create(user=user, unit=unit, role=role, granted_by=admin)


def _row_counts() -> dict[str, int]:
    out = {}
    for table in product_tables():
        (n,) = fetch(f'SELECT count(*) FROM "{table}"')[0]
        if n:
            out[table] = n
    return out


def _summary(stdout, timer: Timer, rows: dict[str, int]) -> None:
    lines = ["", "Rows per table:"]
    lines += [f"  {table:<36} {n:>12,}" for table, n in sorted(rows.items())]
    lines += ["", "Seconds per part:"]
    lines += [f"  {label:<36} {seconds:>10.1f}" for label, seconds in timer.parts]
    lines += [f"  {'total':<36} {timer.total:>10.1f}", ""]
    stdout.write("\n".join(lines) + "\n")
