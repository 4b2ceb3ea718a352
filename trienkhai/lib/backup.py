"""A whole site in one file: the database, the uploaded files and a manifest that proves them.

`backup_create` writes a tar archive (gzip, xz or bz2 when the name ends so):

    manifest.json        first, so a wrong archive is refused before anything is unpacked
    database.dump        PostgreSQL: `pg_dump --format=custom`
    database.sqlite3     SQLite: a copy made by SQLite's online backup API
    media/...            every uploaded file, read through the file storage (the local
                         folder MEDIA_ROOT or an S3-compatible bucket: TRIENKHAI_STORAGE)

Both copies are consistent on a live site: pg_dump reads one snapshot, which the manifest's
row counts and checksums are computed from too (an exported snapshot); SQLite's backup API
copies the database in one step, and the manifest is computed from the copy.

`backup_restore` refuses an archive of the other database or of a newer format, and a target
that holds data unless forced; it replaces the database in one transaction, then the uploaded
files (through the storage again, so a backup of a local folder restores into a bucket and
back), and checks every table's row count and checksum and every file's SHA-256 against the
manifest. Errors are `BackupError`, one line in Vietnamese and English: the operator of a
province's server may ask for help from someone who reads only one of the two.

A table's checksum is computed the same way on both databases: each row becomes a canonical
JSON array (columns in name order, values in one form whatever the driver returned: UTC
instants, normalised decimals, booleans, hex UUIDs, sorted JSON), each row's SHA-256 is read
as a number, and the numbers are added modulo 2**256. The sum does not depend on the order the
rows come back in, so no ORDER BY (whose collation differs between databases) is needed and a
table is read once, as a stream.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
import hashlib
import io
import json
import lzma
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
import zlib
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

import trienkhai

FORMAT = "trienkhai-backup"
FORMAT_VERSION = 1
CHECKSUM_METHOD = "sum-sha256-v1"
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBER = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
COMPRESSION = {".gz": "gz", ".tgz": "gz", ".xz": "xz", ".txz": "xz", ".bz2": "bz2"}
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
CHUNK = 1024 * 1024
# Rows that `migrate` itself writes: a database holding only these is empty to an operator.
SET_UP_BY_MIGRATE = {"django_migrations", "django_content_type", "auth_permission"}


class BackupError(Exception):
    """Why a backup or a restore stopped: one line, Vietnamese then English."""


def _fail(vietnamese: str, english: str) -> BackupError:
    return BackupError(f"{vietnamese} — {english}")


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise _fail(
            _("Chỉ sao lưu, khôi phục được PostgreSQL và SQLite, không phải %(vendor)s.")
            % {"vendor": vendor},
            f"Only PostgreSQL and SQLite can be backed up and restored, not {vendor}.",
        )
    return vendor


@contextlib.contextmanager
def _database_errors():
    """A refused query (permissions, a locked SQLite file, a lost connection) as one line."""
    try:
        yield
    except (DatabaseError, sqlite3.Error, connection.Database.Error) as exc:
        detail = " ".join(str(exc).split()) or exc.__class__.__name__
        raise _fail(
            _("Cơ sở dữ liệu báo lỗi: %(error)s") % {"error": detail},
            f"The database reported an error: {detail}",
        ) from exc


def _number(n: int) -> str:
    """12345 -> "12.345", as Vietnamese writes thousands."""
    return f"{n:,}".replace(",", ".")


# --- Canonical rows and table checksums -------------------------------------------------------
_KIND_OF_FIELD = {
    "BooleanField": "bool",
    "NullBooleanField": "bool",
    "DateTimeField": "datetime",
    "DateField": "date",
    "TimeField": "time",
    "DecimalField": "decimal",
    "FloatField": "float",
    "DurationField": "duration",
    "UUIDField": "uuid",
    "JSONField": "json",
    "BinaryField": "binary",
    "AutoField": "int",
    "BigAutoField": "int",
    "SmallAutoField": "int",
    "IntegerField": "int",
    "BigIntegerField": "int",
    "SmallIntegerField": "int",
    "PositiveIntegerField": "int",
    "PositiveBigIntegerField": "int",
    "PositiveSmallIntegerField": "int",
}


def column_kinds() -> dict[tuple[str, str], str]:
    """(table, column) -> how its values are made canonical, from the models; columns no
    model describes are read as text."""
    from django.db.migrations.recorder import MigrationRecorder

    kinds: dict[tuple[str, str], str] = {}
    models = [*apps.get_models(include_auto_created=True), MigrationRecorder.Migration]
    for model in models:
        for field in model._meta.local_concrete_fields:
            target = field
            while target.is_relation and target.target_field is not target:
                target = target.target_field
            kinds[(model._meta.db_table, field.column)] = _KIND_OF_FIELD.get(
                target.get_internal_type(), "text"
            )
    return kinds


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite keeps UTC without an offset (USE_TZ); PostgreSQL answers in the session's zone.
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def canonical(value, kind: str):
    """One JSON-ready form of a column value, whichever database and driver returned it."""
    if value is None:
        return None
    if kind == "bool":
        return bool(int(value)) if isinstance(value, str) else bool(value)
    if kind == "int":
        return int(value)
    if kind == "datetime":
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return _utc(value).strftime("%Y-%m-%dT%H:%M:%S.%f")
    if kind == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        return value if isinstance(value, str) else value.isoformat()
    if kind == "time":
        if isinstance(value, str):
            value = dt.time.fromisoformat(value)
        return value.replace(tzinfo=None).strftime("%H:%M:%S.%f")
    if kind == "decimal":
        if isinstance(value, float):
            # As Django reads a decimal SQLite kept as a REAL: 15 significant digits.
            value = decimal.Context(prec=15).create_decimal_from_float(value)
        number = decimal.Decimal(str(value)).normalize()
        return format(number, "f")
    if kind == "float":
        return repr(float(value))
    if kind == "duration":
        if isinstance(value, dt.timedelta):
            return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
        return int(value)
    if kind == "uuid":
        return uuid.UUID(str(value)).hex
    if kind == "json":
        if isinstance(value, bytes | bytearray | memoryview):
            value = bytes(value).decode()
        if isinstance(value, str):
            value = json.loads(value)
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if kind == "binary":
        return bytes(value).hex()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def row_hash(values: list) -> int:
    line = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(line.encode()).digest(), "big")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_names(raw, vendor: str) -> list[str]:
    cursor = raw.cursor()
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
            "ESCAPE '\\'"
        )
    names = sorted(row[0] for row in cursor.fetchall())
    cursor.close()
    return names


def _column_names(raw, table: str) -> list[str]:
    cursor = raw.cursor()
    cursor.execute(f"SELECT * FROM {_quote(table)} WHERE 1 = 0")
    names = [column[0] for column in cursor.description]
    cursor.close()
    return names


def _rows(raw, vendor: str, sql: str):
    if vendor == "postgresql":
        # A server-side cursor: a table of millions of rows is read a batch at a time.
        with raw.cursor(name="trienkhai_backup_rows") as cursor:
            cursor.itersize = 5000
            cursor.execute(sql)
            yield from cursor
    else:
        cursor = raw.cursor()
        try:
            cursor.execute(sql)
            yield from cursor
        finally:
            cursor.close()


def table_fingerprints(raw, vendor: str, only: dict | None = None) -> dict[str, dict]:
    """{table: {"rows", "checksum", "columns"}} read through the DB-API connection `raw`.

    Without `only`, every table of the database with its columns; with `only` (a manifest's
    "tables"), the same tables and columns, so an archive is checked against what it recorded
    whatever the installed code's models say. A table or column that is missing counts as a
    difference (rows -1)."""
    present = set(_table_names(raw, vendor))
    available = {table: set(_column_names(raw, table)) for table in present}
    if only is None:
        kinds = column_kinds()
        plan = {
            table: [[column, kinds.get((table, column), "text")] for column in available[table]]
            for table in present
        }
    else:
        plan = {table: info["columns"] for table, info in only.items()}
    result = {}
    for table in sorted(plan):
        columns = sorted(plan[table])
        if not {name for name, _kind in columns} <= available.get(table, set()):
            result[table] = {"rows": -1, "checksum": "", "columns": columns}
            continue
        names = ", ".join(_quote(name) for name, _kind in columns) or "1"
        total, count = 0, 0
        for row in _rows(raw, vendor, f"SELECT {names} FROM {_quote(table)}"):
            values = [
                canonical(value, kind) for value, (_name, kind) in zip(row, columns, strict=False)
            ]
            total = (total + row_hash(values)) % (1 << 256)
            count += 1
        result[table] = {"rows": count, "checksum": f"{total:064x}", "columns": columns}
    return result


# --- Media: the uploaded files, through the file storage ---------------------------------------
def media_storage():
    """The storage the file fields use: a local folder, or a bucket (TRIENKHAI_STORAGE=s3)."""
    return default_storage


def _is_link(storage, name: str) -> bool:
    """In a local folder, links are skipped: they may point outside it."""
    return isinstance(storage, FileSystemStorage) and os.path.islink(storage.path(name))


def media_names(storage) -> list[str]:
    """Every stored file by its name ("documents/2026/01/ab12.pdf"), sorted."""
    found: list[str] = []

    def walk(folder: str) -> None:
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            return  # a local media folder that no upload has created yet
        for name in [*files, *folders]:
            rel = f"{folder}/{name}" if folder else name
            if _safe_relative(rel) != rel or _is_link(storage, rel):
                continue
            if name in files:
                found.append(rel)
            else:
                walk(rel)

    walk("")
    return sorted(found)


def sha256_stored(storage, name: str) -> tuple[int, str]:
    """(size, SHA-256) of a stored file, read once as a stream."""
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def _storage_error_types() -> tuple[type[Exception], ...]:
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return ()
    return (BotoCoreError, ClientError)


@contextlib.contextmanager
def _storage_errors():
    """An unreachable or refusing bucket (wrong key, no such bucket) as one line."""
    try:
        yield
    except _storage_error_types() as exc:
        detail = " ".join(str(exc).split()) or exc.__class__.__name__
        raise _fail(
            _("Kho tệp tải lên báo lỗi: %(error)s") % {"error": detail},
            f"The file storage reported an error: {detail}",
        ) from exc


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


class _HashingReader:
    """Reads a file for tarfile while hashing exactly what went into the archive."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


# --- PostgreSQL tools ---------------------------------------------------------------------------
def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise _fail(
            _(
                "Không tìm thấy chương trình %(tool)s: hãy cài gói postgresql-client "
                "(cùng phiên bản chính với máy chủ PostgreSQL)."
            )
            % {"tool": name},
            f"{name} was not found: install the postgresql-client package "
            "(the same major version as the PostgreSQL server).",
        )
    return path


def _pg_command(executable: str, extra: list[str]) -> tuple[list[str], dict[str, str]]:
    """`executable` with the connection of the default database (user, host, port, database
    name as arguments; password and TLS settings in the environment, never on the command
    line where `ps` shows them)."""
    from django.db.backends.postgresql.client import DatabaseClient

    args, env = DatabaseClient.settings_to_cmd_args_env(connection.settings_dict, extra)
    return [executable, *args[1:]], {**os.environ, **(env or {})}


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "ERROR" in line or "error" in line or "LỖI" in line]
    return (errors or lines or ["?"])[-1]


@contextlib.contextmanager
def _pg_snapshot():
    """A read-only REPEATABLE READ transaction on a connection of its own, and the name of its
    exported snapshot, which pg_dump can read from."""
    reader = connection.copy()
    reader.ensure_connection()
    raw = reader.connection
    try:
        raw.autocommit = False
        cursor = raw.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        cursor.close()
        yield raw, snapshot
    finally:
        with contextlib.suppress(Exception):
            raw.rollback()
        reader.close()


def _pg_dump(target: Path, snapshot: str) -> None:
    pg_dump = require_tool("pg_dump")
    command, env = _pg_command(
        pg_dump, ["--format=custom", f"--snapshot={snapshot}", f"--file={target}"]
    )
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise _fail(
            _("pg_dump không sao lưu được cơ sở dữ liệu: %(error)s")
            % {"error": _last_line(done.stderr)},
            f"pg_dump could not dump the database: {_last_line(done.stderr)}",
        )


# Every table of the schema goes, so that a table a later release added does not survive a
# restore of an older backup (`trienkhai migrate` then creates it again, empty).
_PG_DROP_TABLES = """
DO $trienkhai$
DECLARE t record;
BEGIN
  FOR t IN SELECT schemaname, tablename FROM pg_catalog.pg_tables
           WHERE schemaname = current_schema() LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I.%I CASCADE', t.schemaname, t.tablename);
  END LOOP;
END
$trienkhai$;
"""


def _pg_restore(dump: Path, workdir: Path) -> None:
    """Replace the database with `dump` in one transaction: psql runs BEGIN, the drops, the
    script pg_restore writes, and COMMIT only when pg_restore finished well; any error, or a
    pg_restore that stops early, leaves the database as it was."""
    pg_restore = require_tool("pg_restore")
    psql = require_tool("psql")
    listing = subprocess.run(
        [pg_restore, "--list", str(dump)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise _fail(
            _("pg_restore không đọc được bản sao cơ sở dữ liệu: %(error)s")
            % {"error": _last_line(listing.stderr)},
            f"pg_restore could not read the database dump: {_last_line(listing.stderr)}",
        )
    # A comment on an extension (pg_trgm) can only be set by a superuser; the extension
    # itself is created "IF NOT EXISTS" and keeps its own comment.
    entries = [line for line in listing.stdout.splitlines() if " COMMENT - EXTENSION " not in line]
    use_list = workdir / "restore.list"
    use_list.write_text("\n".join(entries) + "\n")
    script_errors = (workdir / "pg_restore.err").open("w+")
    psql_errors = (workdir / "psql.err").open("w+")
    command, env = _pg_command(
        psql, ["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-"]
    )
    env["PGOPTIONS"] = "-c client_min_messages=warning"
    with script_errors, psql_errors:
        loader = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors
        )
        writer = subprocess.Popen(
            [pg_restore, "--no-owner", "--no-acl", f"--use-list={use_list}", "--file=-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=script_errors,
        )
        complete = False
        try:
            loader.stdin.write(b"BEGIN;\n" + _PG_DROP_TABLES.encode() + b"\n")
            shutil.copyfileobj(writer.stdout, loader.stdin, CHUNK)
            complete = writer.wait() == 0
            if complete:
                loader.stdin.write(b"COMMIT;\n")
            loader.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped on an error: reported below
        finally:
            if writer.poll() is None:
                writer.kill()
            writer.wait()
            loader.wait()
        script_errors.seek(0)
        psql_errors.seek(0)
        if loader.returncode != 0 or not complete:
            error = _last_line(psql_errors.read() + "\n" + script_errors.read())
            raise _fail(
                _("Không khôi phục được cơ sở dữ liệu, dữ liệu cũ được giữ nguyên: %(error)s")
                % {"error": error},
                f"The database could not be restored and was left as it was: {error}",
            )


# --- SQLite -------------------------------------------------------------------------------------
def _sqlite_live():
    """The site's own sqlite3 connection (also the in-memory database of a test run)."""
    connection.ensure_connection()
    return connection.connection


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    try:
        # pages=-1: the whole database in one step, under one read lock: a consistent copy.
        source.backup(target, pages=-1)
    except sqlite3.Error as exc:
        raise _fail(
            _("SQLite không sao chép được cơ sở dữ liệu: %(error)s") % {"error": exc},
            f"SQLite could not copy the database: {exc}",
        ) from exc


# --- Backup -------------------------------------------------------------------------------------
@dataclasses.dataclass
class BackupReport:
    path: Path
    size: int
    tables: int
    rows: int
    files: int


def _open_for_writing(path: Path):
    """The archive holds password hashes and personal data: only its owner may read it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "wb")


def _compression(path: Path) -> str:
    return COMPRESSION.get(path.suffix.lower(), "")


def backup_create(*, path: Path) -> BackupReport:
    """Write the site's database and uploaded files to the archive `path`; the file appears
    under its name only once complete."""
    with _database_errors():
        return _backup_create(Path(path))


def _backup_create(path: Path) -> BackupReport:
    vendor = _vendor()
    path = Path(path).absolute()
    if not path.parent.is_dir():
        raise _fail(
            _("Không có thư mục %(folder)s để ghi bản sao lưu.") % {"folder": path.parent},
            f"The folder {path.parent} does not exist.",
        )
    if vendor == "postgresql":
        require_tool("pg_dump")
    with tempfile.TemporaryDirectory(prefix=".trienkhai-backup-", dir=path.parent) as work:
        workdir = Path(work)
        database = workdir / DATABASE_MEMBER[vendor]
        if vendor == "postgresql":
            with _pg_snapshot() as (raw, snapshot):
                _pg_dump(database, snapshot)
                tables = table_fingerprints(raw, vendor)
            server = connection.pg_version
        else:
            target = sqlite3.connect(database)
            try:
                _sqlite_copy(_sqlite_live(), target)
                tables = table_fingerprints(target, vendor)
            finally:
                target.close()
            server = sqlite3.sqlite_version
        # Files after the database: every file a copied row names was already stored.
        storage = media_storage()
        with _storage_errors():
            media = [_media_entry(storage, rel) for rel in media_names(storage)]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "trienkhai_version": trienkhai.__version__,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "database": {
                "vendor": vendor,
                "server_version": str(server),
                "file": database.name,
                "size": database.stat().st_size,
                "sha256": sha256_file(database),
            },
            "checksum_method": CHECKSUM_METHOD,
            "tables": tables,
            "media": media,
        }
        partial = workdir / "archive.partial"
        with _storage_errors():
            _write_archive(partial, _compression(path), manifest, database, storage)
        os.replace(partial, path)
    return BackupReport(
        path=path,
        size=path.stat().st_size,
        tables=len(tables),
        rows=sum(info["rows"] for info in tables.values()),
        files=len(media),
    )


def _media_entry(storage, rel: str) -> dict:
    try:
        size, digest = sha256_stored(storage, rel)
    except FileNotFoundError as exc:
        raise _changed(rel) from exc
    return {"path": rel, "size": size, "sha256": digest}


def _write_archive(
    partial: Path, compression: str, manifest: dict, database: Path, storage
) -> None:
    options = {"compresslevel": 6} if compression in {"gz", "bz2"} else {}
    with (
        _open_for_writing(partial) as handle,
        tarfile.open(
            fileobj=handle, mode=f"w:{compression}", format=tarfile.PAX_FORMAT, **options
        ) as tar,
    ):
        now = timezone.now().timestamp()
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), now, 0o600
        tar.addfile(info, io.BytesIO(data))
        tar.add(database, arcname=database.name, recursive=False)
        for entry in manifest["media"]:
            info = tarfile.TarInfo(MEDIA_PREFIX + entry["path"])
            info.size, info.mtime, info.mode = entry["size"], now, 0o600
            try:
                with storage.open(entry["path"], "rb") as stream:
                    reader = _HashingReader(stream)
                    tar.addfile(info, reader)
            except (OSError, tarfile.TarError) as exc:
                raise _changed(entry["path"]) from exc
            if reader.digest.hexdigest() != entry["sha256"]:
                raise _changed(entry["path"])


def _changed(rel: str) -> BackupError:
    return _fail(
        _("Tệp tải lên %(file)s thay đổi trong lúc sao lưu; hãy chạy lại lệnh.") % {"file": rel},
        f"The uploaded file {rel} changed during the backup; run the command again.",
    )


# --- Reading an archive ------------------------------------------------------------------------
def _damaged(path: Path, detail: str) -> BackupError:
    return _fail(
        _("Tệp %(file)s bị hỏng hoặc không phải bản sao lưu Triển Khai (%(detail)s).")
        % {"file": path, "detail": detail},
        f"{path} is damaged or not a Triển Khai backup ({detail}).",
    )


def _check_manifest(path: Path, manifest, vendor: str) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(path, "manifest.json")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise _fail(
            _(
                "Bản sao lưu %(file)s có định dạng %(version)s, mới hơn định dạng %(known)s mà "
                "phiên bản Triển Khai %(ours)s đọc được; hãy cài phiên bản Triển Khai mới hơn."
            )
            % {
                "file": path,
                "version": version,
                "known": FORMAT_VERSION,
                "ours": trienkhai.__version__,
            },
            f"The backup {path} has format {version}, newer than the format {FORMAT_VERSION} "
            f"Triển Khai {trienkhai.__version__} reads; install a newer Triển Khai.",
        )
    if not isinstance(manifest.get("database"), dict):
        raise _damaged(path, MANIFEST)
    theirs = manifest["database"].get("vendor")
    if theirs != vendor:
        name = VENDOR_NAMES.get(theirs, str(theirs))
        raise _fail(
            _(
                "Bản sao lưu %(file)s là của %(theirs)s, còn máy chủ này dùng %(ours)s: không "
                "khôi phục được sang cơ sở dữ liệu khác loại."
            )
            % {"file": path, "theirs": name, "ours": VENDOR_NAMES[vendor]},
            f"The backup {path} is of {name} while this server uses {VENDOR_NAMES[vendor]}: "
            "it cannot be restored into another kind of database.",
        )
    if not _well_formed(manifest):
        raise _damaged(path, MANIFEST)


def _well_formed(manifest: dict) -> bool:
    """The parts a restore relies on have the expected shape; a media path that could leave
    the media folder makes the whole manifest bad."""
    database, tables, media = manifest["database"], manifest.get("tables"), manifest.get("media")
    if not isinstance(database.get("file"), str) or not isinstance(database.get("sha256"), str):
        return False
    if not isinstance(tables, dict) or not isinstance(media, list):
        return False
    for info in tables.values():
        if not isinstance(info, dict) or not isinstance(info.get("rows"), int):
            return False
        columns = info.get("columns")
        if not isinstance(columns, list) or not isinstance(info.get("checksum"), str):
            return False
        if not all(
            isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) for x in c)
            for c in columns
        ):
            return False
    for entry in media:
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            return False
        if not isinstance(entry.get("path"), str) or _safe_relative(entry["path"]) != entry["path"]:
            return False
    return True


def _safe_relative(name: str) -> str | None:
    rel = PurePosixPath(name)
    if rel.is_absolute() or not rel.parts or any(part in {"", ".", ".."} for part in rel.parts):
        return None
    return rel.as_posix()


def _copy_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    with source, open(target, "wb") as out:
        while block := source.read(CHUNK):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def archive_unpack(path: Path, workdir: Path | None, vendor: str) -> dict:
    """Read the archive into `workdir` (database file, media/ folder) and return its
    manifest; every byte is checked against the manifest before anything is replaced.
    Without `workdir`, only the manifest is read and checked (it comes first: quick)."""
    if not path.is_file():
        raise _fail(
            _("Không tìm thấy tệp sao lưu %(file)s.") % {"file": path},
            f"The backup file {path} was not found.",
        )
    manifest = None
    seen_database = False
    seen_media: set[str] = set()
    try:
        with tarfile.open(path, mode="r|*") as tar:
            for member in tar:
                if manifest is None:
                    if member.name != MANIFEST or not member.isfile():
                        raise _damaged(path, MANIFEST)
                    if member.size > MAX_MANIFEST_BYTES:
                        raise _damaged(path, "manifest.json")
                    try:
                        manifest = json.loads(tar.extractfile(member).read())
                    except ValueError as exc:
                        raise _damaged(path, "manifest.json") from exc
                    _check_manifest(path, manifest, vendor)
                    if workdir is None:
                        return manifest
                    media = {entry["path"]: entry for entry in manifest["media"]}
                    continue
                if not member.isfile():
                    raise _damaged(path, member.name)
                if member.name == manifest["database"].get("file") == DATABASE_MEMBER[vendor]:
                    digest = _copy_member(tar, member, workdir / DATABASE_MEMBER[vendor])
                    if digest != manifest["database"].get("sha256"):
                        raise _damaged(path, member.name)
                    seen_database = True
                    continue
                rel = _safe_relative(member.name.removeprefix(MEDIA_PREFIX))
                if not member.name.startswith(MEDIA_PREFIX) or rel not in media:
                    raise _damaged(path, member.name)
                digest = _copy_member(tar, member, workdir / "media" / rel)
                if digest != media[rel]["sha256"]:
                    raise _damaged(path, member.name)
                seen_media.add(rel)
    except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError, KeyError) as exc:
        raise _damaged(path, str(exc) or exc.__class__.__name__) from exc
    if manifest is None:
        raise _damaged(path, MANIFEST)
    missing = sorted(set(media) - seen_media)
    if not seen_database or missing:
        raise _damaged(path, missing[0] if missing else DATABASE_MEMBER[vendor])
    return manifest


# --- What a restore would replace --------------------------------------------------------------
@dataclasses.dataclass
class TargetContents:
    tables: int = 0
    rows: int = 0
    files: int = 0
    highlights: list[str] = dataclasses.field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows and not self.files

    def describe(self) -> tuple[str, str]:
        parts = []
        if self.rows:
            detail = f" ({', '.join(self.highlights)})" if self.highlights else ""
            parts.append(
                _("%(rows)s dòng trong %(tables)s bảng")
                % {
                    "rows": _number(self.rows),
                    "tables": _number(self.tables),
                }
                + detail
            )
        if self.files:
            parts.append(_("%(files)s tệp tải lên") % {"files": _number(self.files)})
        english = []
        if self.rows:
            english.append(f"{self.rows} rows in {self.tables} tables")
        if self.files:
            english.append(f"{self.files} uploaded files")
        return "; ".join(parts), "; ".join(english)


def _seeded_tables() -> set[str]:
    from trienkhai.outreach.models import TargetGroup

    return SET_UP_BY_MIGRATE | {TargetGroup._meta.db_table}


def target_contents() -> TargetContents:
    """What the site holds now, apart from the rows `migrate` writes by itself."""
    from django.contrib.auth import get_user_model

    from trienkhai.documents.models import Document
    from trienkhai.org.models import Unit

    with _storage_errors():
        contents = TargetContents(files=len(media_names(media_storage())))
    named = {
        get_user_model()._meta.db_table: _("người dùng"),
        Unit._meta.db_table: _("đơn vị"),
        Document._meta.db_table: _("văn bản"),
    }
    seeded = _seeded_tables()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in seeded:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
            rows = cursor.fetchone()[0]
            if rows:
                contents.tables += 1
                contents.rows += rows
                if table in named:
                    contents.highlights.append(f"{_number(rows)} {named[table]}")
    return contents


# --- Restore ------------------------------------------------------------------------------------
@dataclasses.dataclass
class RestoreReport:
    manifest: dict
    tables_checked: int
    rows: int
    files_checked: int
    replaced: TargetContents
    pending_migrations: int


def _workdir_parent(storage) -> Path | None:
    """Unpack beside a local media folder when possible: files then move in by renaming. For a
    bucket, the system's temporary folder (TMPDIR)."""
    if not isinstance(storage, FileSystemStorage):
        return None
    root = Path(storage.location)
    with contextlib.suppress(OSError):
        root.mkdir(parents=True, exist_ok=True)
        if os.access(root.parent, os.W_OK):
            return root.parent
    return None


class _StagedFile(File):
    """A file unpacked from the archive; a local media folder takes it by renaming."""

    def __init__(self, path: Path, name: str):
        super().__init__(open(path, "rb"), name=name)  # noqa: SIM115 - closed by the caller
        self.staged_path = path

    def temporary_file_path(self) -> str:
        return str(self.staged_path)


def _restore_media(staged: Path, storage, manifest: dict) -> None:
    """Put the archive's files in place under their own names and remove the others: the
    storage becomes what it was at the backup. Files are replaced one by one, so a media folder
    that is a mount point (shared by several web machines) stays mounted."""
    wanted = {entry["path"] for entry in manifest["media"]}
    for rel in sorted(wanted):
        storage.delete(rel)
        staged_file = _StagedFile(staged / rel, rel)
        with staged_file:
            saved = storage.save(rel, staged_file)
        if saved != rel:
            raise _fail(
                _("Kho tệp lưu %(file)s dưới tên khác (%(saved)s).")
                % {"file": rel, "saved": saved},
                f"The file storage stored {rel} under another name ({saved}).",
            )
    for rel in media_names(storage):
        if rel not in wanted:
            storage.delete(rel)
    if isinstance(storage, FileSystemStorage):
        root = Path(storage.location)
        for folder, _dirs, _files in sorted(os.walk(root), key=lambda item: -len(item[0])):
            if Path(folder) != root and not os.listdir(folder):
                os.rmdir(folder)


def _pending_migrations() -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def live_fingerprints(only: dict | None = None) -> dict[str, dict]:
    """`table_fingerprints` of the site's database as it is now (one consistent read)."""
    vendor = _vendor()
    if vendor == "postgresql":
        with _pg_snapshot() as (raw, _snapshot):
            return table_fingerprints(raw, vendor, only=only)
    return table_fingerprints(_sqlite_live(), vendor, only=only)


def restore_check(manifest: dict) -> tuple[dict, list[str]]:
    """Compare the live database and stored files with a manifest: (fingerprints, the
    tables and files that differ)."""
    found = live_fingerprints(only=manifest["tables"])
    differ = [
        table
        for table, info in manifest["tables"].items()
        if (found[table]["rows"], found[table]["checksum"]) != (info["rows"], info["checksum"])
    ]
    storage = media_storage()
    with _storage_errors():
        present = set(media_names(storage))
        for entry in manifest["media"]:
            rel = entry["path"]
            if rel not in present or sha256_stored(storage, rel)[1] != entry["sha256"]:
                differ.append(MEDIA_PREFIX + rel)
    recorded = {entry["path"] for entry in manifest["media"]}
    differ += [MEDIA_PREFIX + rel for rel in sorted(present) if rel not in recorded]
    return found, differ


def backup_restore(*, path: Path, force: bool = False) -> RestoreReport:
    """Replace the site's database and uploaded files with the archive `path`, then prove
    the result against the archive's manifest."""
    with _database_errors():
        return _backup_restore(Path(path), force)


def _backup_restore(path: Path, force: bool) -> RestoreReport:
    vendor = _vendor()
    path = Path(path).absolute()
    if vendor == "postgresql":
        require_tool("pg_restore")
        require_tool("psql")
    storage = media_storage()
    with tempfile.TemporaryDirectory(
        prefix=".trienkhai-restore-", dir=_workdir_parent(storage)
    ) as work:
        workdir = Path(work)
        # The quick refusals first (wrong archive, data in the way), then the long unpacking.
        archive_unpack(path, None, vendor)
        replaced = target_contents()
        if not replaced.empty and not force:
            vi, en = replaced.describe()
            raise _fail(
                _(
                    "Máy chủ này đang có dữ liệu: %(what)s; khôi phục sẽ thay thế toàn bộ. "
                    "Chạy lại với --force nếu chắc chắn."
                )
                % {"what": vi},
                f"This server holds data: {en}; a restore replaces all of it. "
                "Run again with --force if you are sure.",
            )
        manifest = archive_unpack(path, workdir, vendor)
        database = workdir / DATABASE_MEMBER[vendor]
        if vendor == "postgresql":
            connection.close()
            _pg_restore(database, workdir)
        else:
            source = sqlite3.connect(database)
            try:
                _sqlite_copy(source, _sqlite_live())
            finally:
                source.close()
        with _storage_errors():
            _restore_media(workdir / "media", storage, manifest)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    found, differ = restore_check(manifest)
    if differ:
        shown = ", ".join(differ[:5]) + (", …" if len(differ) > 5 else "")
        raise _fail(
            _("Đã khôi phục nhưng %(n)s mục không khớp với bản sao lưu: %(items)s.")
            % {"n": len(differ), "items": shown},
            f"Restored, but {len(differ)} items do not match the backup: {shown}.",
        )
    return RestoreReport(
        manifest=manifest,
        tables_checked=len(found),
        rows=sum(info["rows"] for info in found.values()),
        files_checked=len(manifest["media"]),
        replaced=replaced,
        pending_migrations=_pending_migrations(),
    )
