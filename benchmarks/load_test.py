#!/usr/bin/env python
"""Load test: gunicorn with the production settings, a city's data, logged-in pages and survey
submissions, against the framework's own ceiling measured in the same run.

In a PostgreSQL database of its own (`trienkhai_load`, on DATABASE_URL's server, default
postgres://postgres@127.0.0.1:5432/postgres, dropped at the end) the script loads the demo city
(`trienkhai demo`'s loaders: Bến Tre's party and state tree, documents, plans, outreach) and
adds, through the services, `--tasks` tasks and `--documents` documents of the city committee,
and an open survey of 20 questions of every kind on one page with enough one-time codes. It
starts gunicorn (`--workers` sync workers, production settings, Redis db 9) and a Celery worker,
and two more gunicorns, same command, serving `_ceiling_wsgi.py`: a Django endpoint that returns
a constant, bare (no middleware, no app: the framework's ceiling) and behind the product's whole
settings and middleware stack. Sessions are made beforehand through the login page.

Then, `--seconds` each, after a short warm-up, phases of closed-loop clients (each sends its
next request when the last one is answered; `--users` of them):

1. ceiling: GET / of the bare endpoint;
2. ceiling, full stack: GET / of the constant behind the product's middleware;
3. submissions: anonymous respondents, each with its own code, open the form (GET /s/<code>/,
   which gives the CSRF cookie and token) and send the whole 20-question form (POST /s/gui/,
   committed before the redirect to the thanks page);
4. sends alone: the same form sent without opening the page first (a CSRF cookie and token
   taken once from the code entry page), each with its own code: the POST's own cost;
5. with `--api`, API submissions: the whole form as JSON to POST /api/surveys/respond/ (201);
6. mix (unless `--no-mix`): three quarters of the clients are logged-in users opening the
   dashboard, the task list, the document register and a document's page, one quarter are
   respondents.

The ratios are submissions per second over each ceiling's requests per second, the target
(≥ 30 %) being over the bare one; the gunicorn CPU per request or submission comes from the
cores gunicorn used in the phase.

gunicorn's sync workers close the connection after each answer (behind nginx in production), so
each request opens a loopback connection, in every phase alike. The generator is Python threads
over raw sockets (a request is prebuilt bytes; the answer is read to the end): it costs little
per request, and the cores used by each side are measured from /proc and printed.

Any answer other than the expected one (200; 302 to the thanks page for a submission) is an
error; afterwards the database must hold exactly one response per accepted submission. Exit 1
on any error.

    python benchmarks/load_test.py                       # 5 × 20 s, 8 clients, 4 workers, ~5 min
    python benchmarks/load_test.py --seconds 10 --users 16 --workers 2 --json
    python benchmarks/load_test.py --api --no-mix --tasks 100 --documents 100
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _servers import HOST, Servers, drop_database, prepare_driver  # noqa: E402

LOAD_DB = "trienkhai_load"
ORIGIN = f"https://{HOST}"
WARMUP_SECONDS = 5
CSRF_COOKIE = re.compile(rb"Set-Cookie: csrftoken=([^;\r\n]+)", re.IGNORECASE)
SESSION_COOKIE = re.compile(rb"Set-Cookie: sessionid=([^;\r\n]+)", re.IGNORECASE)
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CONTENT_LENGTH = re.compile(rb"\r\nContent-Length: *(\d+)", re.IGNORECASE)
LOCATION = re.compile(rb"\r\nLocation: *([^\r\n]+)", re.IGNORECASE)
ACCOUNTS = ("bithu", "tuyengiao", "xem", "admin")  # demo accounts that see the city committee


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--users", type=int, default=8, help="concurrent clients in each phase")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--tasks", type=int, default=1000, help="tasks added to the demo city")
    parser.add_argument("--documents", type=int, default=1000, help="documents added")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--api", action="store_true", help="add a phase of submissions through the JSON API"
    )
    parser.add_argument(
        "--no-mix", action="store_true", help="leave out the logged-in users' mix phase"
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="sample gunicorn's workers with py-spy (pip install py-spy) during the submissions "
        "phase and write the collapsed stacks to FILE (for flamegraph.pl or speedscope)",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--keep-logs", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    database_url, store, work = prepare_driver(LOAD_DB, args.redis_url, "load", "driver")
    app = Servers(work, database_url, args.redis_url)
    ceiling = Servers(work, database_url, args.redis_url)
    stack = Servers(work, database_url, args.redis_url)
    try:
        return run(args, app, ceiling, stack)
    finally:
        from django.db import connections

        app.stop()
        ceiling.stop()
        stack.stop()
        connections.close_all()
        drop_database(LOAD_DB)
        store.flushdb()
        if args.keep_logs:
            print(f"logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def say(*parts) -> None:
    """Progress goes to stderr, so that --json leaves stdout to the results."""
    print(*parts, file=sys.stderr, flush=True)


# --- the world ----------------------------------------------------------------------------------
QUESTIONS = [  # kind, text, choices, grid rows, allow "other"
    ("yesno", "Đồng chí có được quán triệt Kế hoạch 07-KH/ThU không?", "", "", False),
    ("single", "Đồng chí thuộc độ tuổi nào?", "Dưới 30\n30–45\n46–60\nTrên 60", "", False),
    ("single", "Kênh thông tin chính", "Chi bộ\nBáo in\nTruyền hình\nMạng xã hội\nKhác (ghi rõ)",
     "", True),
    ("multi", "Đồng chí biết về Đại hội qua kênh nào?",
     "Sinh hoạt chi bộ\nBáo, đài\nMạng xã hội\nHội nghị\nBạn bè", "", False),
    ("likert", "Tin tưởng vào sự lãnh đạo của cấp ủy", "", "", False),
    ("likert", "Hài lòng với công tác chuẩn bị Đại hội", "", "", False),
    ("likert", "Văn kiện phản ánh đúng tình hình địa phương", "", "", False),
    ("grid", "Đánh giá các mặt công tác", "Kém\nTrung bình\nKhá\nTốt",
     "Xây dựng Đảng\nKinh tế\nVăn hóa, xã hội\nQuốc phòng, an ninh\nDân vận", False),
    ("grid", "Đánh giá cán bộ các cấp", "1\n2\n3\n4\n5", "Cấp thành phố\nCấp phường\nChi bộ",
     False),
    ("number", "Số năm tuổi Đảng", "", "", False),
    ("number", "Số lần dự sinh hoạt chuyên đề trong năm", "", "", False),
    ("yesno", "Đồng chí có đọc dự thảo văn kiện không?", "", "", False),
    ("single", "Trình độ lý luận chính trị", "Sơ cấp\nTrung cấp\nCao cấp", "", False),
    ("multi", "Những vấn đề cần quan tâm", "Kinh tế\nViệc làm\nMôi trường\nY tế\nGiáo dục", "",
     False),
    ("likert", "Công tác tuyên truyền hiệu quả", "", "", False),
    ("single", "Lĩnh vực công tác", "Đảng\nChính quyền\nMặt trận\nĐoàn thể\nDoanh nghiệp", "",
     False),
    ("yesno", "Đồng chí có tham gia góp ý văn kiện không?", "", "", False),
    ("short_text", "Kiến nghị ngắn", "", "", False),
    ("long_text", "Ý kiến đóng góp cho Đại hội", "", "", False),
    ("short_text", "Ý kiến khác", "", "", False),
]  # fmt: skip
TEXTS = [
    "Cần chọn người có đức, có tài, thật sự tiêu biểu",
    "Đề nghị tăng cường quán triệt nghị quyết đến từng chi bộ",
    "Tăng cường đối thoại giữa cấp ủy với nhân dân",
    "Đẩy mạnh chuyển đổi số trong công tác tuyên truyền",
    "Kiên quyết phòng chống tham nhũng, lãng phí",
]


def build(args) -> dict:
    """The demo city, topped up with tasks and documents, and the survey with its codes."""
    from django.core.management import call_command
    from django.utils.module_loading import import_string

    from trienkhai.demo import LOADERS
    from trienkhai.demo.scenario_org import DEMO_ACCOUNTS, ensure_demo_accounts

    call_command("migrate", verbosity=0)
    for loader in LOADERS:
        import_string(loader)()
    ensure_demo_accounts()
    world = {"passwords": {a.username: a.password for a in DEMO_ACCOUNTS}}
    world.update(_top_up(args.tasks, args.documents))
    # Three phases of submissions (four with --api), at up to ~100 a second each.
    codes_wanted = max(3000, int(args.seconds * 500))
    world.update(_survey(codes_wanted))
    return world


def _top_up(n_tasks: int, n_documents: int) -> dict:
    """Tasks the city committee assigns to its wards and documents in its register, 2021–2025,
    through the services (audit entries included)."""
    from django.contrib.auth import get_user_model

    from trienkhai.demo.scenario_org import KEY_CITY_PARTY, unit_by_key
    from trienkhai.documents import services as documents
    from trienkhai.documents.models import Document
    from trienkhai.org.models import Unit, UnitKind
    from trienkhai.plans import tasks

    rng = random.Random(8)
    admin = get_user_model().objects.get(username="admin")
    city = unit_by_key(KEY_CITY_PARTY)
    wards = list(
        Unit.objects.filter(path__startswith=city.path, kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE)
    )
    kinds = ["KH", "CV", "TB", "BC", "QĐ", "HD"]
    for n in range(n_documents):
        issued = dt.date(2021, 1, 4) + dt.timedelta(days=rng.randrange(4 * 365))
        documents.document_register(
            actor=admin, owner_unit=city, issuer_unit=city,
            number_text=f"{n + 100}-{rng.choice(kinds)}/ThU", issued_on=issued,
            summary=f"Về việc {rng.choice(TEXTS).lower()} (số {n + 1})",
        )  # fmt: skip
    for n in range(n_tasks):
        given = dt.date(2021, 1, 4) + dt.timedelta(days=rng.randrange(4 * 365))
        tasks.task_create(
            actor=admin, title=f"Nhiệm vụ {n + 1}: {rng.choice(TEXTS).lower()}",
            assigned_by=city, lead_unit=rng.choice([w for w in wards if w.active_on(given)]),
            deadline=given + dt.timedelta(days=rng.randrange(30, 540)), today=given,
        )  # fmt: skip
    visible = list(
        Document.objects.filter(owner_unit=city).order_by("pk").values_list("pk", flat=True)
    )
    return {"documents": visible, "wards": len(wards)}


def _survey(codes_wanted: int) -> dict:
    """An open survey of 20 questions on one page, its codes, and for each question what a
    respondent may pick."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from trienkhai.demo.scenario_org import KEY_AN_HOI_PARTY, KEY_CITY_PARTY, unit_by_key
    from trienkhai.surveys import audience, builder
    from trienkhai.surveys.models import Code, CodeKind

    admin = get_user_model().objects.get(username="admin")
    city, ward = unit_by_key(KEY_CITY_PARTY), unit_by_key(KEY_AN_HOI_PARTY)
    today = timezone.localdate()
    survey = builder.survey_create(
        actor=admin, owner_unit=city, title="Khảo sát dư luận về Đại hội Đảng bộ thành phố"
    )
    section = builder.section_create(actor=admin, survey=survey, title="Ý kiến của đồng chí")
    form = []
    for kind, text, choices, rows, other in QUESTIONS:
        q = builder.question_create(
            actor=admin, section=section, kind=kind, text=text, required=kind != "long_text",
            allow_other=other, choices_text=choices, rows_text=rows,
            min_value=0 if kind == "number" else None, max_value=80 if kind == "number" else None,
        )  # fmt: skip
        picks = [c.pk for c in q.choices.order_by("position") if not c.is_other]
        form.append((q.pk, kind, picks, [r.pk for r in q.rows.order_by("position")]))
    audience.audience_update(
        actor=admin, survey=survey, target_groups=[], total_forms=codes_wanted,
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=30),
        record_group=False, record_unit=True, double_entry=False,
    )  # fmt: skip
    audience.allocation_save(
        actor=admin, survey=survey, unit=ward, target_group=None, forms=codes_wanted
    )
    audience.codes_generate(actor=admin, survey=survey, kind=CodeKind.LINK)
    audience.survey_open(actor=admin, survey=survey)
    codes = list(Code.objects.filter(survey=survey).values_list("code", flat=True))
    return {"survey": survey.pk, "form": form, "codes": codes}


def form_answers(form: list, rng: random.Random) -> dict:
    """A whole form's answers as the API takes them (`surveys.answers`' canonical shape)."""
    answers: dict = {}
    for pk, kind, picks, rows in form:
        if kind == "multi":
            answers[str(pk)] = rng.sample(picks, 2)
        elif kind == "grid":
            answers[str(pk)] = {str(r): rng.choice(picks) for r in rows}
        elif kind == "number":
            answers[str(pk)] = str(rng.randint(1, 60))
        elif kind in ("short_text", "long_text"):
            answers[str(pk)] = rng.choice(TEXTS)
        else:
            answers[str(pk)] = rng.choice(picks)
    return answers


def form_fields(form: list, rng: random.Random) -> list[tuple[str, str]]:
    """The posted fields of a whole form, as a browser sends them."""
    fields = []
    for pk, kind, picks, rows in form:
        name = f"q{pk}"
        if kind == "multi":
            fields += [(name, str(c)) for c in rng.sample(picks, 2)]
        elif kind == "grid":
            fields += [(f"{name}_r{r}", str(rng.choice(picks))) for r in rows]
        elif kind == "number":
            fields.append((name, str(rng.randint(1, 60))))
        elif kind in ("short_text", "long_text"):
            fields.append((name, rng.choice(TEXTS)))
        else:
            fields.append((name, str(rng.choice(picks))))
    return fields


# --- HTTP, lean ---------------------------------------------------------------------------------
def request_bytes(method: str, path: str, headers: dict | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "X-Forwarded-Proto: https",
             "Connection: close", "User-Agent: trienkhai-load-test"]  # fmt: skip
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def exchange(port: int, raw: bytes, timeout: float = 60) -> tuple[int, bytes, bytes]:
    """Send a prebuilt request on a new connection, read the answer to the end (the server
    closes it). (status, head, body); raises OSError when the answer is cut short."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(262144):
            chunks.append(chunk)
    head, _sep, body = b"".join(chunks).partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1."):
        raise OSError("no HTTP answer")
    length = CONTENT_LENGTH.search(head)
    if length and int(length.group(1)) != len(body):
        raise OSError(f"answer cut short: {len(body)} of {length.group(1)} bytes")
    return int(head[9:12]), head, body


def log_in(port: int, username: str, password: str) -> str:
    """A session made through the login page, as a browser makes it; returns its cookie."""
    status, head, body = exchange(port, request_bytes("GET", "/accounts/login/"))
    csrf, token = CSRF_COOKIE.search(head), CSRF_FIELD.search(body)
    if status != 200 or not csrf or not token:
        raise SystemExit(f"login page: {status}")
    form = urlencode(
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": username,
            "password": password,
        }  # fmt: skip
    ).encode()
    headers = {
        "Cookie": f"csrftoken={csrf.group(1).decode()}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": ORIGIN,
        "Referer": f"{ORIGIN}/accounts/login/",
    }
    status, head, _body = exchange(port, request_bytes("POST", "/accounts/login/", headers, form))
    session = SESSION_COOKIE.search(head)
    if status != 302 or not session:
        raise SystemExit(f"logging in {username}: {status}")
    return session.group(1).decode()


# --- the clients --------------------------------------------------------------------------------
class Phase:
    """Latencies and errors per request type, shared by the client threads of one phase."""

    def __init__(self, name: str, seconds: float):
        self.name = name
        self.seconds = seconds
        self.stop_at = time.monotonic() + seconds
        self.started = time.monotonic()
        self.ended = None
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.done: dict[str, int] = defaultdict(int)  # requests answered as expected
        self.accepted: list[str] = []  # codes whose submission was answered by the thanks page

    def running(self) -> bool:
        return time.monotonic() < self.stop_at

    def timed(self, kind: str, port: int, raw: bytes, expect: int):
        """Send and record; returns (head, body) when the answer was the expected one."""
        started = time.perf_counter()
        try:
            status, head, body = exchange(port, raw)
        except OSError as error:
            self.errors[kind].append(f"{type(error).__name__}: {error}")
            return None
        self.times[kind].append(time.perf_counter() - started)
        if status != expect:
            self.errors[kind].append(f"status {status}")
            return None
        return head, body


class Codes:
    def __init__(self, codes: list[str]):
        self.left = iter(codes)
        self.lock = threading.Lock()

    def next(self) -> str | None:
        with self.lock:
            return next(self.left, None)


def ceiling_client(phase: Phase, port: int, _seed: int) -> None:
    raw = request_bytes("GET", "/")
    while phase.running():
        if phase.timed("ceiling: constant", port, raw, 200):
            phase.done["ceiling: constant"] += 1


def respondent(phase: Phase, port: int, seed: int, world: dict, codes: Codes) -> None:
    """Open one's personal link, then send the whole form; a fresh code (browser) each time."""
    rng = random.Random(seed)
    while phase.running():
        code = codes.next()
        if code is None:
            phase.errors["survey: submit"].append("out of codes")
            return
        got = phase.timed("survey: form page", port, request_bytes("GET", f"/s/{code}/"), 200)
        if got is None:
            continue
        head, body = got
        csrf, token = CSRF_COOKIE.search(head), CSRF_FIELD.search(body)
        if not csrf or not token:
            phase.errors["survey: form page"].append("no CSRF cookie or token")
            continue
        phase.done["survey: form page"] += 1
        csrf_pair = (csrf.group(1).decode(), token.group(1).decode())
        send(phase, port, world, rng, code, csrf_pair, "survey: submit")


def send(phase: Phase, port: int, world: dict, rng, code: str, csrf_pair, kind: str) -> None:
    """POST the whole form for `code`, as the page's "Send" button does."""
    cookie, token = csrf_pair
    fields = [("csrfmiddlewaretoken", token), ("code", code), ("page", "0"),
              *form_fields(world["form"], rng), ("action", "send")]  # fmt: skip
    body = urlencode(fields, quote_via=quote).encode()
    headers = {
        "Cookie": f"csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": ORIGIN,
        "Referer": f"{ORIGIN}/s/{code}/",
    }
    got = phase.timed(kind, port, request_bytes("POST", "/s/gui/", headers, body), 302)
    if got is None:
        return
    where = LOCATION.search(got[0])
    if not where or not where.group(1).endswith(b"/s/cam-on/"):
        phase.errors[kind].append("not sent to the thanks page (form refused)")
        return
    with phase.lock:
        phase.accepted.append(code)
        phase.done[kind] += 1


def csrf_pair_of(port: int) -> tuple[str, str]:
    """A CSRF cookie and a form token, from the code entry page: valid for any code's form."""
    status, head, body = exchange(port, request_bytes("GET", "/s/"))
    csrf, token = CSRF_COOKIE.search(head), CSRF_FIELD.search(body)
    if status != 200 or not csrf or not token:
        raise SystemExit(f"code entry page: {status}, no CSRF cookie or token")
    return csrf.group(1).decode(), token.group(1).decode()


def sender(phase: Phase, port: int, seed: int, world: dict, codes: Codes, csrf_pair) -> None:
    """Send whole forms without opening the page: one fresh code after another."""
    rng = random.Random(seed)
    while phase.running():
        code = codes.next()
        if code is None:
            phase.errors["survey: submit alone"].append("out of codes")
            return
        send(phase, port, world, rng, code, csrf_pair, "survey: submit alone")


def api_respondent(phase: Phase, port: int, seed: int, world: dict, codes: Codes) -> None:
    """The whole form as JSON to the API, with a fresh code each time (no account, no CSRF)."""
    rng = random.Random(seed)
    kind = "api: submit"
    while phase.running():
        code = codes.next()
        if code is None:
            phase.errors[kind].append("out of codes")
            return
        body = json.dumps({"code": code, "answers": form_answers(world["form"], rng)}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        raw = request_bytes("POST", "/api/surveys/respond/", headers, body)
        if phase.timed(kind, port, raw, 201) is None:
            continue
        with phase.lock:
            phase.accepted.append(code)
            phase.done[kind] += 1


def browser(phase: Phase, port: int, seed: int, world: dict, session: str) -> None:
    """A logged-in user moving between the dashboard, the task list, the register and documents."""
    rng = random.Random(seed)
    cookie = {"Cookie": f"sessionid={session}", "Accept": "text/html"}
    pages = {
        "dashboard": request_bytes("GET", "/plans/dashboard/", cookie),
        "task list": request_bytes("GET", "/plans/tasks/", cookie),
        "document register": request_bytes("GET", "/documents/", cookie),
    }
    kinds = [*pages, "document page"]
    while phase.running():
        kind = rng.choice(kinds)
        if kind == "document page":
            raw = request_bytes("GET", f"/documents/{rng.choice(world['documents'])}/", cookie)
        else:
            raw = pages[kind]
        if phase.timed(kind, port, raw, 200):
            phase.done[kind] += 1


def run_phase(name: str, seconds: float, clients: list, sampler: "Cpu", profile=None) -> Phase:
    """Start the client threads (target, args) together and stop them after `seconds`;
    `profile` is (gunicorn master pid, file) to sample the workers with py-spy meanwhile."""
    phase = Phase(name, seconds)
    threads = [
        threading.Thread(target=target, args=(phase, *rest), daemon=True)
        for target, *rest in clients
    ]
    before = sampler.sample()
    phase.started = time.monotonic()
    phase.stop_at = phase.started + seconds
    spy = None
    if profile:
        spy = subprocess.Popen(
            [str(Path(sys.executable).parent / "py-spy"), "record", "--subprocesses",
             "--pid", str(profile[0]), "--duration", str(max(1, int(seconds) - 1)),
             "--rate", "200", "--format", "raw", "--output", profile[1], "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.ended = time.monotonic()
    if spy is not None:
        spy.wait()
    phase.cpu = sampler.used(before, sampler.sample(), phase.ended - phase.started)
    return phase


# --- CPU, from /proc ----------------------------------------------------------------------------
class Cpu:
    """CPU seconds used by the generator, gunicorn (master and workers), PostgreSQL and Redis
    (all their processes on the machine), and the whole machine."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, servers: list[Servers]):
        self.servers = servers

    @classmethod
    def _ticks(cls, pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / cls.TICK  # utime, stime

    @staticmethod
    def _named(names: tuple[str, ...]) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if (entry / "comm").read_text().strip() in names:
                        found.append(int(entry.name))
                except OSError:
                    pass
        return found

    def sample(self) -> dict[str, dict[int, float]]:
        gunicorn = [s.gunicorn.pid for s in self.servers if s.gunicorn]
        gunicorn += [pid for s in self.servers for pid in s.gunicorn_workers()]
        groups = {
            "generator": [os.getpid()],
            "gunicorn": gunicorn,
            "postgresql": self._named(("postgres",)),
            "redis": self._named(("redis-server",)),
        }
        out = {name: {pid: self._ticks(pid) for pid in pids} for name, pids in groups.items()}
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        values = [int(v) for v in fields[:8]]
        busy = sum(values) - values[3] - values[4]  # all but idle and iowait
        out["machine"] = {0: busy / self.TICK}
        return out

    @staticmethod
    def used(before: dict, after: dict, seconds: float) -> dict[str, float]:
        """Cores used on average over the phase, per side (processes present at both ends)."""
        cores = {}
        for name, now in after.items():
            then = before.get(name, {})
            spent = sum(now[pid] - then[pid] for pid in now if pid in then)
            cores[name] = round(spent / seconds, 2)
        return cores


# --- the run ------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def rows_of(phase: Phase) -> list[dict]:
    seconds = phase.ended - phase.started
    rows = []
    for kind in sorted(set(phase.times) | set(phase.errors)):
        times = phase.times.get(kind, [])
        rows.append(
            {
                "phase": phase.name,
                "request": kind,
                "requests": len(times),
                "per_second": round(phase.done.get(kind, 0) / seconds, 1),
                "p50_ms": round(percentile(times, 50) * 1000, 1) if times else None,
                "p95_ms": round(percentile(times, 95) * 1000, 1) if times else None,
                "errors": len(phase.errors.get(kind, [])),
            }
        )
    return rows


def wait_ready(port: int, path: str, limit: float = 60) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            if exchange(port, request_bytes("GET", path), timeout=5)[0] in (200, 302):
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn on {port} did not answer within {limit:.0f} s (see its log)")


def run(args, app: Servers, ceiling: Servers, stack: Servers) -> int:
    started = time.monotonic()
    world = build(args)
    say(f"built the city in {time.monotonic() - started:.1f} s: {len(world['documents']):,} "
        f"documents of the city committee, {len(world['codes']):,} codes")  # fmt: skip
    collecting = app.collectstatic()
    output, _ = collecting.communicate()
    if collecting.returncode:
        raise SystemExit(f"collectstatic failed: {output.decode(errors='replace')}")
    app.start_gunicorn(workers=args.workers)
    app.start_celery()
    ceiling.start_gunicorn(
        app="benchmarks._ceiling_wsgi:bare()", workers=args.workers, log_name="ceiling"
    )
    stack.start_gunicorn(
        app="benchmarks._ceiling_wsgi:stacked()", workers=args.workers, log_name="ceiling-stack"
    )
    wait_ready(app.port, "/accounts/login/")
    wait_ready(ceiling.port, "/")
    wait_ready(stack.port, "/")
    sessions = [
        log_in(app.port, name, world["passwords"][name])
        for name in (ACCOUNTS[i % len(ACCOUNTS)] for i in range(args.users))
    ]
    codes = Codes(world["codes"])
    sampler = Cpu([app, ceiling, stack])
    csrf_pair = csrf_pair_of(app.port)
    users = max(args.users, 2)
    respondents = max(1, users // 4)
    say(f"gunicorn ({args.workers} sync workers) on 127.0.0.1:{app.port}, the ceiling on "
        f"127.0.0.1:{ceiling.port}; {users} clients, {args.seconds:g} s a phase")  # fmt: skip

    def mix():
        return [(browser, app.port, 100 + n, world, sessions[n % len(sessions)])
                for n in range(users - respondents)] + [
                (respondent, app.port, 200 + n, world, codes) for n in range(respondents)]  # fmt: skip

    warm = run_phase("warm-up", WARMUP_SECONDS, mix(), sampler)
    warm_errors = sum(len(e) for e in warm.errors.values())
    phases = [
        run_phase("ceiling", args.seconds,
                  [(ceiling_client, ceiling.port, n) for n in range(users)], sampler),
        run_phase("ceiling, full stack", args.seconds,
                  [(ceiling_client, stack.port, n) for n in range(users)], sampler),
        run_phase("submissions", args.seconds,
                  [(respondent, app.port, 300 + n, world, codes) for n in range(users)], sampler,
                  (app.gunicorn.pid, args.profile) if args.profile else None),
        run_phase("sends alone", args.seconds,
                  [(sender, app.port, 400 + n, world, codes, csrf_pair) for n in range(users)],
                  sampler),
    ]  # fmt: skip
    if args.api:
        phases.append(run_phase("api", args.seconds, [
            (api_respondent, app.port, 500 + n, world, codes) for n in range(users)], sampler))  # fmt: skip
    if not args.no_mix:
        phases.append(run_phase("mix", args.seconds, mix(), sampler))
    rows = [row for phase in phases for row in rows_of(phase)]
    errors = warm_errors + sum(row["errors"] for row in rows)

    from trienkhai.surveys.models import Code, Response

    accepted = {code for phase in (warm, *phases) for code in phase.accepted}
    stored = Response.objects.filter(survey_id=world["survey"]).count()
    spent = set(
        Code.objects.filter(survey_id=world["survey"], used=True).values_list("code", flat=True)
    )
    problems = []
    if stored != len(accepted) or not accepted <= spent:
        problems.append(f"{len(accepted)} submissions accepted, {stored} responses stored, "
                        f"{len(accepted - spent)} accepted codes not spent")  # fmt: skip

    per_second = {(r["phase"], r["request"]): r["per_second"] for r in rows}
    ceilings = {
        "bare": per_second.get(("ceiling", "ceiling: constant"), 0.0),
        "full stack": per_second.get(("ceiling, full stack", "ceiling: constant"), 0.0),
    }
    top = ceilings["bare"]
    submitted = per_second.get(("submissions", "survey: submit"), 0.0)
    ratio = submitted / top if top else 0.0
    rates = {
        "page and send": submitted,
        "send alone": per_second.get(("sends alone", "survey: submit alone"), 0.0),
    }
    if args.api:
        rates["api"] = per_second.get(("api", "api: submit"), 0.0)
    ratios = {
        f"{what} / {name}": round(rate / ceiling, 3) if ceiling else 0.0
        for what, rate in rates.items()
        for name, ceiling in ceilings.items()
    }
    # Gunicorn's CPU per request answered (ceilings) or per form stored (submissions).
    counted = {"ceiling": ceilings["bare"], "ceiling, full stack": ceilings["full stack"],
               "submissions": rates["page and send"], "sends alone": rates["send alone"],
               "api": rates.get("api", 0.0)}  # fmt: skip
    cpu_ms = {
        phase.name: round(phase.cpu["gunicorn"] * 1000 / counted[phase.name], 2)
        for phase in phases
        if counted.get(phase.name)
    }
    result = {
        "machine": machine(),
        "settings": {"seconds_per_phase": args.seconds, "clients": users,
                     "respondents_in_mix": respondents, "gunicorn_workers": args.workers,
                     "documents": len(world["documents"]), "codes": len(world["codes"])},
        "rows": rows,
        "cores": {phase.name: phase.cpu for phase in phases},
        "ceiling_per_second": top,
        "ceilings_per_second": ceilings,
        "submissions_per_second": submitted,
        "rates_per_second": rates,
        "ratio": round(ratio, 3),
        "ratios": ratios,
        "gunicorn_cpu_ms": cpu_ms,
        "load_average": list(os.getloadavg()),
        "target": 0.30,
        "responses_stored": stored,
        "errors": errors,
        "problems": problems,
    }  # fmt: skip
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        report(result, phases, warm_errors)
    failed = errors or problems
    say("FAIL" if failed else ("OK" if ratio >= 0.30 else "OK, but below the 30 % target"))
    return 1 if failed else 0


def machine() -> dict:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    import django

    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "django": django.get_version()}  # fmt: skip


def report(result: dict, phases: list[Phase], warm_errors: int) -> None:
    print("\n| phase | request | requests | per second | p50 ms | p95 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in result["rows"]:
        print(f"| {r['phase']} | {r['request']} | {r['requests']:,} | {r['per_second']:,.1f} | "
              f"{r['p50_ms']} | {r['p95_ms']} | {r['errors']} |")  # fmt: skip
    print("\n| phase | generator | gunicorn | PostgreSQL | Redis | whole machine |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, c in result["cores"].items():
        print(f"| {name} | {c['generator']} | {c['gunicorn']} | {c['postgresql']} | "
              f"{c['redis']} | {c['machine']} |")  # fmt: skip
    print("(cores used on average; PostgreSQL and Redis count all their processes)")
    print("\n| gunicorn CPU per request or stored form | ms |")
    print("|---|---:|")
    for name, ms in result["gunicorn_cpu_ms"].items():
        print(f"| {name} | {ms} |")
    print()
    for what, rate in result["rates_per_second"].items():
        for name, top in result["ceilings_per_second"].items():
            print(f"{what}: {rate:.1f}/s ÷ {name} ceiling {top:.1f}/s = "
                  f"{result['ratios'][f'{what} / {name}']:.1%}")  # fmt: skip
    print(f"target: page and send ÷ bare ceiling ≥ 30 %: {result['ratio']:.1%}; load average at "
          f"the end {', '.join(f'{v:.2f}' for v in result['load_average'])}")  # fmt: skip
    print(f"responses stored: {result['responses_stored']:,}; errors: {result['errors']}"
          + (f" (warm-up {warm_errors})" if warm_errors else ""))  # fmt: skip
    for phase in phases:
        for kind, errors in phase.errors.items():
            for text in sorted(set(errors))[:5]:
                print(f"  {phase.name} / {kind}: {text} ×{errors.count(text)}")
    for line in result["problems"]:
        print(f"PROBLEM: {line}")


if __name__ == "__main__":
    sys.exit(main())
