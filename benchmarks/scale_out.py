#!/usr/bin/env python
"""Scale-out, shown: two app instances that share only PostgreSQL, Redis and the file storage.

Instance A and instance B each run gunicorn (production settings, the same secret key) and a
Celery worker (`-n a@%h`, `-n b@%h`), each from a working directory, a data directory and a
static root of its own, on a port of its own. They share a PostgreSQL database of their own
(`trienkhai_scale`, on DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/postgres,
dropped at the end), one Redis database (redis://127.0.0.1:6379/8, `--redis-url`, flushed before
and after: cache, sessions and the Celery broker) and one media folder (the file storage). Then:

* sessions: log in through A's login page as a browser does (CSRF cookie and token), open a
  logged-in page on B with the same cookie (200, not a redirect to the login page), log out on B
  and see A refuse the cookie;
* files: upload a PDF to a document through A's API (a personal API key), download it through
  B and compare the bytes; the file lies in the shared media folder, in neither instance's own;
* jobs: export a plan through A (GET /api/exchange/export/), import the package for a preview
  (POST /api/exchange/imports/, queued for a worker) `--jobs` times, alternately through A and
  B, reading each import back through the other instance until it is previewed; the worker
  whose log gains the job's "succeeded" line ran it. More jobs are sent (up to `--max-jobs`)
  until both workers have run one.

It prints the checks and which worker ran which job, and exits 1 on any failure.

    python benchmarks/scale_out.py
    python benchmarks/scale_out.py --jobs 10 --keep-logs
    python benchmarks/scale_out.py --self-test   # B with another key and media: must fail
"""

import argparse
import http.client
import json
import re
import secrets
import shutil
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _servers import CONNECTION_ERRORS, HOST, Servers, drop_database, prepare_driver  # noqa: E402

SCALE_DB = "trienkhai_scale"
ORIGIN = f"https://{HOST}"
SUCCEEDED = re.compile(r"trienkhai\.exchange\.jobs\.preview_import\[[0-9a-f-]+\] succeeded")
PASSWORD = secrets.token_urlsafe(16)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=6, help="import previews to run")
    parser.add_argument("--max-jobs", type=int, default=20, help="until both workers ran one")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--keep-logs", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="give B another secret key and a media folder of its own: the session and file "
        "checks must then fail",
    )
    args = parser.parse_args(argv)

    database_url, store, work = prepare_driver(SCALE_DB, args.redis_url, "scale", "driver")
    media = work / "shared-media"
    media.mkdir()
    secret = secrets.token_urlsafe(64)
    instances = [
        Instance(label, work / f"instance-{label}", database_url, args.redis_url, media, secret)
        for label in ("a", "b")
    ]
    if args.self_test:
        b = instances[1]
        b.env["TRIENKHAI_SECRET_KEY"] = secrets.token_urlsafe(64)
        b.env["TRIENKHAI_MEDIA_ROOT"] = str(b.work / "media")
        print("self-test: B has another secret key and its own media folder (must fail)")
    try:
        return run(args, instances, media)
    finally:
        from django.db import connections

        for instance in instances:
            instance.stop()
        connections.close_all()
        drop_database(SCALE_DB)
        store.flushdb()
        if args.keep_logs:
            print(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


# --- the instances ------------------------------------------------------------------------------
class Instance(Servers):
    """_servers' gunicorn + Celery worker, run from a folder of its own; only the database,
    Redis, the media folder and the secret key are the same for every instance."""

    def __init__(self, label: str, work: Path, database_url: str, redis_url: str, media, secret):
        work.mkdir()
        super().__init__(work, database_url, redis_url)
        self.label = label
        self.cwd = work
        self.env["TRIENKHAI_SECRET_KEY"] = secret
        self.env["TRIENKHAI_MEDIA_ROOT"] = str(media)

    def start_celery(self) -> None:
        bindir = Path(sys.executable).parent
        self.celery = self._start(
            "celery",
            [str(bindir / "celery"), "-A", "trienkhai", "worker", "-l", "info", "-n",
             f"{self.label}@%h", "--concurrency", "1", "--without-gossip", "--without-mingle"],
        )  # fmt: skip

    def celery_log(self) -> str:
        path = self.work / "celery.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def worker_name(self) -> str | None:
        """The worker's full name once it said it is ready (then it takes jobs)."""
        found = re.search(rf"\b({self.label}@\S+) ready\.", self.celery_log())
        return found.group(1) if found else None

    def jobs_done(self) -> int:
        return len(SUCCEEDED.findall(self.celery_log()))


# --- HTTP, as a browser and as an API client ----------------------------------------------------
def fetch(port: int, method: str, path: str, body: bytes | None = None, headers=None):
    """(status, headers, body); raises a connection error when no answer came."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        sent = {"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})}
        conn.request(method, path, body=body, headers=sent)
        answer = conn.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        conn.close()


class Browser:
    """The cookies a browser keeps for the site, whichever instance answers."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": ORIGIN,
                    "Referer": f"{ORIGIN}{path}",
                }
            )
        status, answer_headers, raw = fetch(port, method, path, body, headers)
        for line in answer_headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or not morsel.value or morsel.value == '""':
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        return status, answer_headers, raw.decode("utf-8", errors="replace")

    @staticmethod
    def csrf_token(html: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return found.group(1) if found else ""


def api(port: int, method: str, path: str, key: str, body=None, files=None):
    """(status, decoded JSON or None, raw bytes) with a personal API key; JSON or multipart."""
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    data = None
    if files is not None:
        boundary = uuid.uuid4().hex
        parts = []
        for field, (filename, content, content_type) in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        data = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    status, _headers, raw = fetch(port, method, path, data, headers)
    try:
        payload = json.loads(raw) if raw and raw[:1] in b"{[" else None
    except ValueError:
        payload = None
    return status, payload, raw


# --- the world ----------------------------------------------------------------------------------
def build() -> dict:
    """A city's plan with a programme and tasks, and an administrator (a password and an API key),
    all through the services."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from trienkhai.api.tokens import token_create
    from trienkhai.documents import services as documents
    from trienkhai.org import services as org
    from trienkhai.org.models import UnitKind
    from trienkhai.plans import programmes, tasks

    province = org.unit_create(
        actor=None, parent=None, kind=UnitKind.PROVINCIAL_PARTY_COMMITTEE, name="Tỉnh ủy Bến Tre"
    )
    city = org.unit_create(
        actor=None, parent=province, kind=UnitKind.CITY_PARTY_COMMITTEE, name="Thành ủy Bến Tre"
    )
    wards = [
        org.unit_create(
            actor=None,
            parent=city,
            kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE,
            name=f"Đảng ủy Phường {ward}",
        )  # fmt: skip
        for ward in ("An Hội", "Phú Khương", "Phú Tân")
    ]
    admin = get_user_model().objects.create_superuser("quantri", password=PASSWORD)
    _token, key = token_create(user=admin, name="Kiểm tra hai phiên bản chạy song song")
    day = dt.date(2020, 12, 15)
    plan = documents.document_register(
        actor=admin, owner_unit=city, number_text="07-KH/ThU", issued_on=dt.date(2020, 12, 10),
        summary="Kế hoạch thực hiện Nghị quyết Đại hội", issuer_unit=city,
    )  # fmt: skip
    programme = programmes.programme_create(
        actor=admin, document=plan, title="Chương trình hành động số 1", field="Kinh tế",
        owner_unit=city, start_year=2021, end_year=2025, today=day,
    )  # fmt: skip
    for n, lead in enumerate(wards):
        tasks.task_create(
            actor=admin, title=f"Nhiệm vụ số {n + 1}: tổ chức quán triệt", assigned_by=city,
            lead_unit=lead, coordinating_units=[w for w in wards if w != lead],
            assigning_document=plan, programme=programme, deadline=dt.date(2025, 12, 31),
            today=day,
        )  # fmt: skip
    return {"username": admin.username, "key": key, "plan": plan.pk}


def pdf_file() -> bytes:
    """A real PDF (the upload checks the content), different on every run."""
    import matplotlib
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("dejavu", fname=str(Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"))
    pdf.set_font("dejavu", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, f"Kế hoạch số 07-KH/ThU của Ban Thường vụ Thành ủy. Bản {uuid.uuid4()}")
    return bytes(pdf.output())


# --- the checks ---------------------------------------------------------------------------------
class Report:
    def __init__(self):
        self.rows: list[tuple[bool, str]] = []

    def check(self, ok: bool, what: str) -> bool:
        self.rows.append((bool(ok), what))
        print(f"{'PASS' if ok else 'FAIL'}  {what}", flush=True)
        return bool(ok)

    @property
    def failed(self) -> bool:
        return not self.rows or not all(ok for ok, _what in self.rows)


def wait_ready(instances: list[Instance], key: str, limit: float = 90) -> None:
    end = time.monotonic() + limit
    pending = set(range(len(instances)))
    while pending and time.monotonic() < end:
        for i in list(pending):
            try:
                status, _p, _r = api(instances[i].port, "GET", "/api/documents/?limit=1", key)
            except CONNECTION_ERRORS:
                status = None
            if status == 200 and instances[i].worker_name():
                pending.discard(i)
        time.sleep(0.3)
    if pending:
        names = ", ".join(instances[i].label.upper() for i in sorted(pending))
        raise SystemExit(f"instance {names} not ready within {limit:.0f} s (see its logs)")


def check_sessions(report: Report, a: Instance, b: Instance, username: str) -> None:
    browser = Browser()
    status, _h, html = browser.request(a.port, "GET", "/accounts/login/")
    token = browser.csrf_token(html)
    report.check(status == 200 and token and "csrftoken" in browser.cookies,
                 f"A's login page: {status}, CSRF cookie and token given")  # fmt: skip
    status, headers, _html = browser.request(
        a.port, "POST", "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
    )  # fmt: skip
    report.check(status == 302 and "sessionid" in browser.cookies,
                 f"log in through A: {status} → {headers.get('Location')}, session cookie set")  # fmt: skip
    status, headers, html = browser.request(b.port, "GET", "/org/")
    report.check(status == 200 and 'name="password"' not in html,
                 f"A's session cookie on B: GET /org/ answers {status} "
                 f"{headers.get('Location') or '(the logged-in page)'}")  # fmt: skip
    stranger = Browser()
    status, headers, _html = stranger.request(b.port, "GET", "/org/")
    report.check(status == 302 and "/accounts/login/" in (headers.get("Location") or ""),
                 f"without the cookie B sends to the login page: {status}")  # fmt: skip
    # Log out on B, then replay the old cookie on A (as a stolen copy would): A must refuse it.
    old = Browser()
    old.cookies = dict(browser.cookies)
    token = browser.csrf_token(html)
    status, _headers, _html = browser.request(
        b.port, "POST", "/accounts/logout/", {"csrfmiddlewaretoken": token}
    )
    status_a, headers_a, _html = old.request(a.port, "GET", "/org/")
    report.check(status == 302 and status_a == 302
                 and "/accounts/login/" in (headers_a.get("Location") or ""),
                 f"log out on B ({status}): the old session cookie on A then goes to the login "
                 f"page ({status_a})")  # fmt: skip


def check_files(report: Report, a: Instance, b: Instance, world: dict, media: Path) -> None:
    content = pdf_file()
    name = "ke-hoach-07-KH-ThU.pdf"
    path = f"/api/documents/{world['plan']}/files/"
    status, payload, raw = api(
        a.port, "POST", path, world["key"], files=[("files", (name, content, "application/pdf"))]
    )
    files = (payload or {}).get("files") or []
    if not report.check(status == 201 and files,
                        f"upload a {len(content):,}-byte PDF through A's API: {status}"):  # fmt: skip
        print(raw[:500].decode(errors="replace"))
        return
    stored = files[-1]
    status, _payload, downloaded = api(b.port, "GET", stored["download"], world["key"])
    report.check(status == 200 and downloaded == content,
                 f"download it through B ({stored['download']}): {status}, "
                 f"{len(downloaded):,} bytes, {'the same' if downloaded == content else 'DIFFERENT'}"
                 )  # fmt: skip
    in_media = [p for p in media.rglob("*.pdf") if p.read_bytes() == content]
    own = [p for i in (a, b) for p in i.work.rglob("*.pdf")]
    report.check(len(in_media) == 1 and not own,
                 f"the file lies in the shared media folder ({len(in_media)}), in neither "
                 f"instance's own folder ({len(own)})")  # fmt: skip


def check_jobs(report: Report, instances: list[Instance], world: dict, args) -> list[tuple]:
    a = instances[0]
    status, package, _raw = api(
        a.port, "GET", f"/api/exchange/export/?document={world['plan']}", world["key"]
    )
    records = sum(len(v) for v in (package or {}).values() if isinstance(v, list))
    if not report.check(status == 200 and package,
                        f"export the plan through A: {status}, {records} records"):  # fmt: skip
        return []
    jobs: list[tuple] = []
    ran: dict[str, int] = {}
    n = 0
    while n < args.max_jobs and (n < args.jobs or len(ran) < len(instances)):
        through, reader = instances[n % 2], instances[(n + 1) % 2]
        before = {i.label: i.jobs_done() for i in instances}
        started = time.monotonic()
        status, payload, raw = api(
            through.port, "POST", "/api/exchange/imports/", world["key"], body=package
        )
        n += 1
        if status != 201:
            report.check(False, f"job {n}: import through {through.label.upper()} answered "
                         f"{status}: {raw[:300].decode(errors='replace')}")  # fmt: skip
            continue
        record = payload["id"]
        state = payload["status"]
        while state == "queued" and time.monotonic() - started < 60:
            time.sleep(0.1)
            _s, payload, _r = api(
                reader.port, "GET", f"/api/exchange/imports/{record}/", world["key"]
            )
            state = (payload or {}).get("status")
        seconds = time.monotonic() - started
        runner = None
        while time.monotonic() - started < 70:  # the log line follows the status by a moment
            grown = [i for i in instances if i.jobs_done() > before[i.label]]
            if grown:
                runner = grown[0].worker_name() if len(grown) == 1 else "several?"
                break
            time.sleep(0.05)
        if runner and runner != "several?":
            ran[runner] = ran.get(runner, 0) + 1
        jobs.append((n, record, through.label.upper(), reader.label.upper(), state, runner,
                     seconds))  # fmt: skip
        report.check(state == "previewed" and runner not in (None, "several?"),
                     f"job {n}: import {record} sent through {through.label.upper()}, read "
                     f"through {reader.label.upper()}: {state} in {seconds:.2f} s, run by "
                     f"{runner or 'no worker log line'}")  # fmt: skip
    names = [i.worker_name() for i in instances]
    report.check(all(ran.get(name) for name in names),
                 "both workers ran jobs: "
                 + ", ".join(f"{name} {ran.get(name, 0)}" for name in names))  # fmt: skip
    return jobs


# --- the run ------------------------------------------------------------------------------------
def run(args, instances: list[Instance], media: Path) -> int:
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    world = build()
    collecting = [i.collectstatic() for i in instances]
    for instance, proc in zip(instances, collecting, strict=True):
        output, _ = proc.communicate()
        if proc.returncode:
            print(output.decode(errors="replace"))
            raise SystemExit(f"collectstatic failed for instance {instance.label.upper()}")
    for instance in instances:
        instance.start_gunicorn()
        instance.start_celery()
    wait_ready(instances, world["key"])
    a, b = instances
    print(f"ready in {time.monotonic() - started:.1f} s: A on 127.0.0.1:{a.port} "
          f"(worker {a.worker_name()}), B on 127.0.0.1:{b.port} (worker {b.worker_name()}); "
          f"shared: {SCALE_DB}, {args.redis_url}, {media}\n", flush=True)  # fmt: skip

    report = Report()
    report.check(a.work != b.work and a.port != b.port
                 and a.env["TRIENKHAI_STATIC_ROOT"] != b.env["TRIENKHAI_STATIC_ROOT"]
                 and a.env["TRIENKHAI_DATA_DIR"] != b.env["TRIENKHAI_DATA_DIR"]
                 and a.worker_name() != b.worker_name(),
                 "two instances: own processes, ports, working, data and static folders, "
                 "worker names")  # fmt: skip
    check_sessions(report, a, b, world["username"])
    check_files(report, a, b, world, media)
    jobs = check_jobs(report, instances, world, args)
    for instance in instances:
        alive = all(
            p is not None and p.poll() is None for p in (instance.gunicorn, instance.celery)
        )
        report.check(alive, f"instance {instance.label.upper()}: gunicorn and worker still up")
    for instance in instances:
        instance.stop()

    print("\n| job | import | sent through | read through | status | ran on | seconds |")
    print("|---:|---:|---|---|---|---|---:|")
    for n, record, through, reader, state, runner, seconds in jobs:
        print(f"| {n} | {record} | {through} | {reader} | {state} | {runner} | {seconds:.2f} |")
    passed = sum(ok for ok, _what in report.rows)
    print(f"\n{passed}/{len(report.rows)} checks passed")
    print("FAIL" if report.failed else "OK: A and B serve the same users, files and jobs")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
