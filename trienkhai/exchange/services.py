"""Importing a package in two steps, for the pages and the API alike: `preview` reads and checks
the file and runs a dry run (kept with the file); `apply` runs the same file for real, only if it
still does what the preview showed."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trienkhai.audit.models import AuditEntry
from trienkhai.audit.services import audit_record
from trienkhai.lib import upload

from . import format as fmt
from . import importer, jobs, xlsx
from .models import ExchangeImport, ImportStatus


def read_package(file) -> tuple[str, dict]:
    """("json" | "xlsx", the package as written): the content decides, not the name."""
    try:
        data = upload.read_upload(file)
    except upload.FileRejected as rejected:
        raise fmt.PackageInvalid([fmt.Problem(rejected.message)]) from None
    if data[:2] == b"PK" or data.startswith(upload.OLE2_MAGIC):
        try:
            return "xlsx", xlsx.read_workbook(data)
        except upload.FileRejected as rejected:
            raise fmt.PackageInvalid([fmt.Problem(rejected.message)]) from None
    try:
        return "json", json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise fmt.PackageInvalid(
            [
                fmt.Problem(
                    _(
                        "Không đọc được tệp: hãy chọn tệp gói dữ liệu .json hoặc .xlsx do Triển "
                        "Khai xuất ra."
                    )
                )
            ]
        ) from None


def preview(*, actor, raw: dict, file_format: str, filename: str = "") -> ExchangeImport:
    """Check the package (at once: PackageInvalid when the file itself is wrong) and start its
    dry run: inline where jobs run eagerly, else in the background (the page waits for it)."""
    package = fmt.check(raw)
    record = ExchangeImport.objects.create(
        created_by=actor,
        filename=(filename or "")[:255],
        file_format=file_format,
        payload=fmt.plain(package),
        status=ImportStatus.QUEUED,
    )
    _start(jobs.preview_import, record)
    record.refresh_from_db()
    return record


def request_apply(*, record: ExchangeImport) -> ExchangeImport:
    """Start applying a previewed import (inline or in the background, as `preview`)."""
    claimed = ExchangeImport.objects.filter(pk=record.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.APPLYING
    )
    if claimed:
        _start(jobs.apply_import, record)
    record.refresh_from_db()
    return record


def _start(job, record: ExchangeImport) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        job.apply(args=[record.pk])
    else:
        transaction.on_commit(lambda: job.delay(record.pk))


def run_preview(record_id: int) -> None:
    """The dry run of a queued import (the job's work)."""
    record = ExchangeImport.objects.select_related("created_by").get(pk=record_id)
    if record.status != ImportStatus.QUEUED:
        return
    try:
        outcome = importer.run(
            actor=record.created_by, package=fmt.check(record.payload), apply=False
        )
    except Exception:
        _failed(record)
        raise
    record.preview = outcome.as_dict()
    record.digest = outcome.digest()
    record.status = ImportStatus.REJECTED if outcome.errors else ImportStatus.PREVIEWED
    record.save(update_fields=["preview", "digest", "status"])


def run_apply(record_id: int) -> None:
    """Apply an import whose apply was requested (the job's work); when the data changed since
    the preview the import goes back to "previewed" with the new preview, marked stale."""
    record = ExchangeImport.objects.select_related("created_by").get(pk=record_id)
    if record.status != ImportStatus.APPLYING:
        return
    try:
        apply(actor=record.created_by, record=record)
    except AlreadyApplied:
        # The same job delivered twice (a worker killed before it acknowledged the first
        # delivery): the copy waited for the first one's lock and finds the work done.
        return
    except StalePreview:
        record.refresh_from_db()
        record.preview = {**record.preview, "stale": True}
        record.save(update_fields=["preview"])
    except Exception:
        _failed(record)
        raise


def _failed(record: ExchangeImport) -> None:
    """An unexpected error: the import says so instead of waiting for ever."""
    ExchangeImport.objects.filter(pk=record.pk).update(
        status=ImportStatus.FAILED,
        preview={"failed": True, "counts": {}, "changes": [], "errors": 0},
    )


class StalePreview(Exception):
    """The data changed since the preview: the same file would now do something else."""


class AlreadyApplied(ValueError):
    """The import was applied already: applying it again would write nothing new."""


def apply(*, actor, record: ExchangeImport) -> importer.Outcome:
    """Apply a previewed package, all or nothing. A new preview is stored (and StalePreview
    raised) when the outcome differs from the one the user saw."""
    with transaction.atomic():
        record = ExchangeImport.objects.select_for_update().get(pk=record.pk)
        if record.status == ImportStatus.APPLIED:
            raise AlreadyApplied
        package = fmt.check(record.payload)
        outcome = importer.run(actor=actor, package=package, apply=False)
        stale = bool(outcome.errors) or outcome.digest() != record.digest
        if not stale:
            outcome = importer.run(actor=actor, package=package, apply=True)
            record.status = ImportStatus.APPLIED
            record.applied_at = timezone.now()
            record.preview = outcome.as_dict()
            record.save(update_fields=["status", "applied_at", "preview"])
            audit_record(
                actor=actor,
                obj=record,
                action=AuditEntry.Action.IMPORT,
                changes={"counts": [None, outcome.counts()]},
                note=_("Nhập gói dữ liệu %(file)s") % {"file": record.filename or record.pk},
            )
    if stale:
        # Kept (outside the rolled-back work) so the user sees what the file would now do.
        record.preview = outcome.as_dict()
        record.digest = outcome.digest()
        record.status = ImportStatus.REJECTED if outcome.errors else ImportStatus.PREVIEWED
        record.save(update_fields=["preview", "digest", "status"])
        raise StalePreview
    return outcome
