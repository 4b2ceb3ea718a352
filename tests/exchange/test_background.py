"""On a deployment with a Celery worker the dry run and the apply run in the background: the page
says it is working and refreshes itself, the API answers 202, and a crash leaves a clear state."""

import threading
import time

import pytest
from django.db import connection, transaction

from tests.api.clients import client_for
from tests.exchange.conftest import build_plan
from trienkhai.audit.models import AuditEntry
from trienkhai.exchange import jobs, services
from trienkhai.exchange.export import export_package
from trienkhai.exchange.models import ExchangeImport, ImportStatus
from trienkhai.plans.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False


def elsewhere(tree, user):
    with transaction.atomic():
        package = export_package(user, build_plan(tree, user).plan)
        transaction.set_rollback(True)
    return package


def test_preview_and_apply_wait_for_the_worker(
    worker, tree, city_secretary, client, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(jobs.preview_import, "delay", queued.append)
    monkeypatch.setattr(jobs.apply_import, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        record = services.preview(
            actor=city_secretary, raw=elsewhere(tree, city_secretary), file_format="json"
        )
    assert record.status == ImportStatus.QUEUED and queued == [record.pk]

    client.force_login(city_secretary)
    page = client.get(f"/exchange/import/{record.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "Đang kiểm tra từng dòng của gói" in page
    assert "Áp dụng" not in page

    services.run_preview(record.pk)  # what the worker does
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED
    assert record.preview["counts"]["tasks"]["create"] == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/exchange/import/{record.pk}/apply/", follow=True)
    assert "Đang ghi dữ liệu; trang tự cập nhật khi xong." in response.content.decode()
    assert not Task.objects.exists()
    services.run_apply(record.pk)
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and Task.objects.count() == 3


def test_the_api_answers_202_while_applying(worker, tree, city_secretary, monkeypatch):
    monkeypatch.setattr(jobs.preview_import, "delay", lambda pk: None)
    monkeypatch.setattr(jobs.apply_import, "delay", lambda pk: None)
    record = services.preview(
        actor=city_secretary, raw=elsewhere(tree, city_secretary), file_format="json"
    )
    services.run_preview(record.pk)
    client = client_for(city_secretary)
    answer = client.post(f"/api/exchange/imports/{record.pk}/apply/")
    assert answer.status_code == 202 and answer.json()["status"] == "applying"
    again = client.post(f"/api/exchange/imports/{record.pk}/apply/")
    assert again.status_code == 409
    services.run_apply(record.pk)
    assert client.get(f"/api/exchange/imports/{record.pk}/").json()["status"] == "applied"


def test_a_crash_in_the_worker_is_shown_not_waited_for(
    worker, tree, city_secretary, client, monkeypatch
):
    monkeypatch.setattr(jobs.preview_import, "delay", lambda pk: None)
    record = services.preview(
        actor=city_secretary, raw=elsewhere(tree, city_secretary), file_format="json"
    )

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.importer, "run", broken)
    with pytest.raises(RuntimeError):
        services.run_preview(record.pk)
    assert ExchangeImport.objects.get().status == ImportStatus.FAILED
    client.force_login(city_secretary)
    page = client.get(f"/exchange/import/{record.pk}/").content.decode()
    assert "Có lỗi hệ thống khi xử lý gói" in page and 'http-equiv="refresh"' not in page


def _in_thread(fn, errors):
    def run():
        try:
            fn()
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_job_delivered_twice_at_once_applies_once(worker, tree, city_secretary, monkeypatch):
    """A worker killed before it acknowledged makes Redis hand the apply out again, possibly
    while the first copy still runs: the copy waits for the first one's lock, finds the import
    applied and leaves it so, instead of marking it failed or writing it twice."""
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks: SQLite locks the whole file, so two copies cannot overlap")
    monkeypatch.setattr(jobs.preview_import, "delay", lambda pk: None)
    monkeypatch.setattr(jobs.apply_import, "delay", lambda pk: None)
    record = services.preview(
        actor=city_secretary, raw=elsewhere(tree, city_secretary), file_format="json"
    )
    services.run_preview(record.pk)
    services.request_apply(record=ExchangeImport.objects.get(pk=record.pk))

    writing, release = threading.Event(), threading.Event()
    real_run = services.importer.run

    def first_copy_pauses_while_writing(**kwargs):
        if kwargs["apply"] and not writing.is_set():
            writing.set()
            release.wait(20)
        return real_run(**kwargs)

    monkeypatch.setattr(services.importer, "run", first_copy_pauses_while_writing)
    errors = []
    first = _in_thread(lambda: services.run_apply(record.pk), errors)
    assert writing.wait(20)
    second = _in_thread(lambda: services.run_apply(record.pk), errors)
    with connection.cursor() as cur:  # the copy is waiting for the first one's row lock
        for _ in range(200):
            cur.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cur.fetchone()[0]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the second copy never waited for the first one's lock")
    release.set()
    first.join(30)
    second.join(30)
    assert errors == []
    assert ExchangeImport.objects.get(pk=record.pk).status == ImportStatus.APPLIED
    assert Task.objects.count() == 3
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == 1


def test_a_job_delivered_again_after_it_finished_changes_nothing(
    worker, tree, city_secretary, monkeypatch
):
    monkeypatch.setattr(jobs.preview_import, "delay", lambda pk: None)
    monkeypatch.setattr(jobs.apply_import, "delay", lambda pk: None)
    record = services.preview(
        actor=city_secretary, raw=elsewhere(tree, city_secretary), file_format="json"
    )
    services.run_preview(record.pk)
    services.request_apply(record=ExchangeImport.objects.get(pk=record.pk))
    services.run_apply(record.pk)
    services.run_apply(record.pk)  # delivered again: the worker died before acknowledging
    assert ExchangeImport.objects.get(pk=record.pk).status == ImportStatus.APPLIED
    assert Task.objects.count() == 3
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == 1
