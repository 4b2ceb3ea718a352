"""What `trienkhai restore` refuses, with one line and exit code 2, leaving the site as it was:
a site holding data (without --force), an archive of the other database or of a newer format,
a damaged archive, a missing file, missing PostgreSQL tools."""

import pytest
from django.core.management import CommandError
from django.db import connection

from tests.operations.conftest import members, rewrite, run_backup, run_restore, with_manifest
from trienkhai.lib.backup import BackupError, live_fingerprints, require_tool
from trienkhai.operations.management.commands import restore

pytestmark = pytest.mark.django_db(transaction=True)

OTHER = {"postgresql": "sqlite", "sqlite": "postgresql"}


@pytest.fixture
def archive(site, tmp_path):
    path = tmp_path / "trienkhai.tar"
    run_backup(path)
    return path


def refused(path, *options) -> str:
    before = live_fingerprints()
    with pytest.raises(CommandError) as caught:
        run_restore(path, *options)
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert "\n" not in message
    assert live_fingerprints() == before
    return message


def test_a_site_with_data_is_not_replaced_without_force(archive):
    message = refused(archive)

    assert "--force" in message
    assert "người dùng" in message and "văn bản" in message and "2 tệp tải lên" in message
    assert "a restore replaces all of it" in message


def test_an_archive_of_the_other_database_is_refused(archive, tmp_path):
    other = with_manifest(archive, tmp_path / "khac.tar", vendor=OTHER[connection.vendor])

    message = refused(other, "--force")

    assert "không khôi phục được sang cơ sở dữ liệu khác loại" in message
    assert "cannot be restored into another kind of database" in message
    assert "PostgreSQL" in message and "SQLite" in message


def test_an_archive_of_a_newer_format_is_refused(archive, tmp_path):
    newer = with_manifest(archive, tmp_path / "moi.tar", format_version=2)

    message = refused(newer, "--force")

    assert "mới hơn định dạng 1" in message and "install a newer Triển Khai" in message


@pytest.mark.parametrize(
    "damage",
    ["truncated", "not a tar", "database bytes", "media bytes", "no manifest", "file missing"],
)
def test_a_damaged_archive_is_refused(archive, tmp_path, damage):
    target = tmp_path / "hong.tar"
    data = archive.read_bytes()
    if damage == "truncated":
        target.write_bytes(data[: len(data) // 2])
    elif damage == "not a tar":
        target.write_text("Đây không phải bản sao lưu")
    elif damage == "database bytes":
        rewrite(
            archive, target, lambda n, d: d[:-10] + b"x" * 10 if n.startswith("database") else d
        )
    elif damage == "media bytes":
        rewrite(archive, target, lambda n, d: d + b"!" if n.startswith("media/") else d)
    elif damage == "no manifest":
        rewrite(archive, target, lambda n, d: None if n == "manifest.json" else d)
    else:
        rewrite(archive, target, lambda n, d: None if n.endswith(".pdf") else d)

    message = refused(target, "--force")

    assert "bị hỏng hoặc không phải bản sao lưu Triển Khai" in message
    assert "is damaged or not a Triển Khai backup" in message


def test_a_media_path_leaving_the_folder_is_refused(archive, tmp_path):
    import json

    def change(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["media"][0]["path"] = "../../ngoai.pdf"
            return json.dumps(manifest).encode()
        return data

    message = refused(rewrite(archive, tmp_path / "xau.tar", change), "--force")

    assert "bị hỏng" in message
    assert not (tmp_path / "ngoai.pdf").exists()


def test_a_missing_file_is_one_line_and_exit_code_2(db, tmp_path, capsys):
    command = restore.Command()

    with pytest.raises(SystemExit) as caught:
        command.run_from_argv(["trienkhai", "restore", str(tmp_path / "khong-co.tar.gz")])

    assert caught.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert "Không tìm thấy tệp sao lưu" in lines[0] and "was not found" in lines[0]


def test_missing_postgresql_tools_are_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(BackupError) as caught:
        require_tool("pg_dump")

    assert "pg_dump" in str(caught.value) and "postgresql-client" in str(caught.value)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump is needed on PostgreSQL only"
)
def test_backup_without_pg_dump_is_one_clear_error(site, monkeypatch, tmp_path):
    from tests.operations.conftest import run_backup as backup

    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(CommandError) as caught:
        backup(tmp_path / "x.tar")

    assert caught.value.returncode == 2 and "pg_dump" in str(caught.value)
    assert not (tmp_path / "x.tar").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psql and pg_restore on PostgreSQL")
def test_a_restore_that_stops_half_way_leaves_the_database_as_it_was(archive, tmp_path):
    from trienkhai.lib.backup import _pg_restore

    dump = members(archive)["database.dump"]
    # The table of contents reads, the data ends early: pg_restore fails after psql began.
    cut = tmp_path / "cut.dump"
    cut.write_bytes(dump[:-200])
    before = live_fingerprints()

    with pytest.raises(BackupError) as caught:
        _pg_restore(cut, tmp_path)

    assert "dữ liệu cũ được giữ nguyên" in str(caught.value)
    assert live_fingerprints() == before
