"""What the scripts that run the real servers share: a database of their own, gunicorn, Celery.

crash_safety.py, scale_out.py and load_test.py each make a PostgreSQL database afresh on
DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/postgres), empty a Redis db
of their own, work in a temporary folder, and start gunicorn with the production settings (and a
Celery worker when they need one). The driver itself runs Django on the embedded settings
against the same database, to build the data and check it afterwards.
"""

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
HOST = "example.org"
CONNECTION_ERRORS = (OSError, http.client.HTTPException)

# The server's URL as given before prepare_driver points DATABASE_URL at the script's database.
_SERVER: dict[str, str] = {}


def drop_database(db_name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_SERVER["admin_url"], autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db_name))
        )


def prepare_driver(db_name: str, redis_url: str, label: str, data_dir: str):
    """A PostgreSQL database of the script's own (made afresh on DATABASE_URL's server), its
    Redis db emptied, a temporary folder, and Django set up for the driver itself on the
    embedded settings. Returns (database URL, Redis client, folder)."""
    import psycopg
    import redis
    from psycopg import sql

    server = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    admin_url = _SERVER["admin_url"] = urlunsplit(server._replace(scheme="postgresql"))
    name = sql.Identifier(db_name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(name))
    database_url = urlunsplit(server._replace(path=f"/{db_name}"))
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    work = Path(tempfile.mkdtemp(prefix=f"trienkhai-{label}."))
    os.environ["TRIENKHAI_DATA_DIR"] = str(work / data_dir)
    os.environ["DATABASE_URL"] = database_url
    for variable in ("REDIS_URL", "CELERY_BROKER_URL", "TRIENKHAI_ENV"):
        os.environ.pop(variable, None)  # the driver itself runs the embedded settings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trienkhai.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return database_url, store, work


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    """gunicorn (its master stays; workers may be killed) and a Celery worker (killed whole)."""

    def __init__(self, work: Path, database_url: str, redis_url: str):
        self.work = work
        self.cwd = ROOT  # where the processes start
        self.port = free_port()
        self.env = {
            **os.environ,
            "TRIENKHAI_ENV": "production",
            "TRIENKHAI_SECRET_KEY": secrets.token_urlsafe(64),
            "TRIENKHAI_ALLOWED_HOSTS": HOST,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "TRIENKHAI_STATIC_ROOT": str(work / "static"),
            "TRIENKHAI_MEDIA_ROOT": str(work / "media"),
            "TRIENKHAI_DATA_DIR": str(work / "data"),
            "TRIENKHAI_API_RATE": "",  # the clients are one user: no budget in the way
        }
        for name in ("CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE"):
            self.env.pop(name, None)
        self.gunicorn: subprocess.Popen | None = None
        self.celery: subprocess.Popen | None = None
        self.logs: list = []

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.work / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop()
        self.logs.append(log)
        return subprocess.Popen(
            command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def collectstatic(self) -> subprocess.Popen:
        """Production serves hashed static files from the static root: pages need them."""
        (self.work / "static").mkdir(exist_ok=True)
        command = [str(Path(sys.executable).parent / "trienkhai"), "collectstatic", "--noinput"]
        return subprocess.Popen(
            [*command, "-v", "0"], cwd=self.cwd, env=self.env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def start_gunicorn(
        self, app: str = "trienkhai.wsgi", workers: int = 2, log_name: str = "gunicorn"
    ) -> None:
        bindir = Path(sys.executable).parent
        (self.work / "static").mkdir(exist_ok=True)
        # gunicorn 27 opens a control socket in ~/.gunicorn, shared with any other gunicorn.
        usage = subprocess.run(
            [str(bindir / "gunicorn"), "--help"], capture_output=True, text=True, check=False
        ).stdout
        extra = ["--no-control-socket"] if "--no-control-socket" in usage else []
        self.gunicorn = self._start(
            log_name,
            [str(bindir / "gunicorn"), app, "-w", str(workers), "-b",
             f"127.0.0.1:{self.port}", "--timeout", "30", "--graceful-timeout", "2",
             "--access-logfile", "-", "--logger-class", "trienkhai.gunicorn_logging.Logger",
             *extra],
        )  # fmt: skip

    def start_celery(self) -> None:
        bindir = Path(sys.executable).parent
        self.celery = self._start(
            "celery",
            [str(bindir / "celery"), "-A", "trienkhai", "worker", "-l", "warning",
             "--concurrency", "1", "--without-gossip", "--without-mingle"],
        )  # fmt: skip

    def gunicorn_workers(self) -> list[int]:
        """The master's children, from /proc (no psutil needed)."""
        if self.gunicorn is None:
            return []
        master = self.gunicorn.pid
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state, ppid, ...
            if int(fields[1]) == master and fields[0] != "Z":
                found.append(int(entry.name))
        return found

    def kill_celery(self) -> None:
        """SIGKILL the worker and its pool (its own process group), then start a new one."""
        if self.celery is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.celery.pid, signal.SIGKILL)
            self.celery.wait()
        self.start_celery()

    def stop(self) -> None:
        for proc in (self.gunicorn, self.celery):
            if proc is None or proc.poll() is not None:
                continue
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            except ProcessLookupError:
                pass
        for log in self.logs:
            log.close()
