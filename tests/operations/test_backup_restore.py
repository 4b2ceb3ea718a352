"""`trienkhai backup` and `trienkhai restore`: a site that moved on after its backup comes back
exactly (every table's rows and checksum, every uploaded file's bytes), on SQLite and on
PostgreSQL. pg_dump reads committed data only, hence transactional tests."""

import datetime as dt
import json
import stat

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

import trienkhai
from tests.operations.conftest import members, run_backup, run_restore
from trienkhai.documents.models import Document, DocumentFile
from trienkhai.lib.backup import live_fingerprints, media_names, media_storage
from trienkhai.org import services as org
from trienkhai.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db(transaction=True)


def media_bytes() -> dict[str, bytes]:
    storage = media_storage()
    found = {}
    for rel in media_names(storage):
        with storage.open(rel, "rb") as handle:
            found[rel] = handle.read()
    return found


def test_the_archive_holds_manifest_database_and_media(site, tmp_path):
    archive = tmp_path / "trienkhai.tar.gz"

    printed = run_backup(archive)

    content = members(archive)
    names = list(content)
    database = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}[connection.vendor]
    assert names[:2] == ["manifest.json", database]
    assert sorted(names[2:]) == sorted(f"media/{rel}" for rel in media_bytes())
    assert len(names) == 4  # the PDF and the DOCX
    manifest = json.loads(content["manifest.json"])
    assert manifest["format"] == "trienkhai-backup" and manifest["format_version"] == 1
    assert manifest["trienkhai_version"] == trienkhai.__version__
    assert manifest["database"]["vendor"] == connection.vendor
    assert dt.datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    assert manifest["tables"]["documents_document"]["rows"] == Document.objects.count() == 3
    assert manifest["tables"] == live_fingerprints()
    assert {e["path"]: e["size"] for e in manifest["media"]} == {
        rel: len(data) for rel, data in media_bytes().items()
    }
    # Password hashes and personal data: readable by its owner only.
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert "Đã sao lưu vào" in printed and "2 tệp tải lên" in printed


def test_a_site_that_moved_on_is_restored_exactly(site, city_secretary, tmp_path):
    archive = tmp_path / "trienkhai.tar"
    run_backup(archive)
    before, files_before = live_fingerprints(), media_bytes()

    # After the backup: new and renamed units, a lost file, a damaged one and a stray one.
    org.unit_create(
        actor=None, parent=site.plan.owner_unit, kind=UnitKind.PARTY_CELL, name="Chi bộ mới"
    )
    Unit.objects.filter(name="Chi bộ Khu phố 1").update(name="Chi bộ đổi tên")
    stored = DocumentFile.objects.get(pk=site.pdf.pk)
    stored.file.open("wb").write(b"hong")
    lost = DocumentFile.objects.get(pk=site.docx.pk)
    lost.file.delete(save=False)
    lost.delete()
    media_storage().save("la.txt", ContentFile(b"tep la"))
    assert live_fingerprints() != before

    printed = run_restore(archive, "--force")

    assert live_fingerprints() == before
    assert media_bytes() == files_before
    assert DocumentFile.objects.count() == 2
    assert not Unit.objects.filter(name="Chi bộ mới").exists()
    assert DocumentFile.objects.get(pk=site.pdf.pk).file.read().startswith(b"%PDF")
    assert "Đã thay thế dữ liệu cũ" in printed
    assert "khớp với bản kê" in printed and "2 tệp tải lên" in printed
    # The identity sequences came back too: the next unit gets a fresh number.
    unit = org.unit_create(actor=None, parent=None, kind=UnitKind.PARTY_CELL, name="Chi bộ sau")
    assert unit.pk > max(Unit.objects.exclude(pk=unit.pk).values_list("pk", flat=True))


def test_an_empty_site_is_restored_without_force(site, tmp_path):
    archive = tmp_path / "trienkhai.tar.gz"
    run_backup(archive)
    before, files_before = live_fingerprints(), media_bytes()
    # A new server: migrated, nothing else, no uploaded file.
    call_command("flush", interactive=False, verbosity=0)
    for rel in media_names(media_storage()):
        media_storage().delete(rel)

    printed = run_restore(archive)

    assert live_fingerprints() == before
    assert media_bytes() == files_before
    assert "Đã thay thế" not in printed


def test_an_archive_from_an_older_release_asks_for_migrate(site, tmp_path):
    from django.db.migrations.recorder import MigrationRecorder

    # An older release had not yet applied the newest migration.
    newest = MigrationRecorder.Migration.objects.latest("id")
    newest.delete()
    archive = tmp_path / "cu.tar"
    try:
        run_backup(archive)

        printed = run_restore(archive, "--force")
    finally:
        # The test database keeps its migration history for the tests that follow.
        MigrationRecorder.Migration.objects.get_or_create(app=newest.app, name=newest.name)

    assert "hãy chạy `trienkhai migrate`" in printed
