"""A small site with real records and an uploaded file, and helpers to run the two commands
and to take an archive apart."""

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.documents.builders import docx_bytes, pdf_bytes, upload
from tests.exchange.conftest import build_plan
from trienkhai.documents import files
from trienkhai.operations.management.commands import backup, restore


@pytest.fixture
def site(tree, city_secretary, ward_clerk, target_groups):
    """The city's plan carried out in the tree, with a PDF and a DOCX attached to it."""
    world = build_plan(tree, city_secretary)
    world.pdf = files.file_attach(
        actor=city_secretary,
        document=world.plan,
        uploaded=upload("ke-hoach-07.pdf", pdf_bytes("Ke hoach 07-KH/ThU"), "application/pdf"),
    )
    world.docx = files.file_attach(
        actor=city_secretary,
        document=world.ward_plan,
        uploaded=upload("ke-hoach-12.docx", docx_bytes("Kế hoạch 12-KH/ĐU của Đảng ủy phường")),
    )
    return world


def run_backup(path) -> str:
    out = io.StringIO()
    call_command(backup.Command(), str(path), stdout=out)
    return out.getvalue()


def run_restore(path, *options) -> str:
    out = io.StringIO()
    call_command(restore.Command(), str(path), *options, stdout=out)
    return out.getvalue()


def members(path: Path) -> dict[str, bytes]:
    """The archive's members in order, name -> bytes."""
    with tarfile.open(path, "r:*") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of the archive `source` (plain tar) in which `change(name, data)` returns the new
    bytes of each member, or None to leave it out."""
    with tarfile.open(target, "w") as tar:
        for name, data in members(source).items():
            data = change(name, data)
            if data is None:
                continue
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def with_manifest(source: Path, target: Path, **fields) -> Path:
    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        for key, value in fields.items():
            if key == "vendor":
                manifest["database"]["vendor"] = value
            else:
                manifest[key] = value
        return json.dumps(manifest).encode()

    return rewrite(source, target, change)
