"""On a deployment with a Celery worker the dry run and the apply run in the background: the page
says it is working and refreshes itself, the API answers 202, and a crash leaves a clear state."""

import pytest
from django.db import transaction

from tests.api.clients import client_for
from tests.exchange.conftest import build_plan
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
