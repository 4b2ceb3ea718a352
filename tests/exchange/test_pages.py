"""The exchange pages and API endpoints: who may export what, an import seen only by its
uploader, the two steps (preview, apply) on the page and through the API."""

import io
import json

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.api.clients import client_for
from tests.exchange.conftest import build_plan
from trienkhai.exchange import xlsx
from trienkhai.exchange.export import export_package
from trienkhai.exchange.models import ExchangeImport, ImportStatus
from trienkhai.plans.models import Task

pytestmark = pytest.mark.django_db

ROLES = ["admin_user", "city_secretary", "propaganda_officer", "ward_clerk", "viewer", "outsider"]


def package_file(package, name="goi.json"):
    upload = io.BytesIO(json.dumps(package, ensure_ascii=False).encode())
    upload.name = name
    return upload


def elsewhere(tree, user):
    with transaction.atomic():
        w = build_plan(tree, user)
        package = export_package(user, w.plan)
        transaction.set_rollback(True)
    return package


# --- export -------------------------------------------------------------------------------------
# Who sees the city's plan (07-KH/ThU, in the city's register): the city's people, the ward
# below (it carries it out), the administrator; not an outsider.
SEES_PLAN = {"admin_user", "city_secretary", "propaganda_officer", "ward_clerk", "viewer"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("extension", ["json", "xlsx"])
def test_export_page_by_role(request, client, world, role, extension):
    client.force_login(request.getfixturevalue(role))
    response = client.get(f"/exchange/documents/{world.plan.pk}/package.{extension}")
    if role not in SEES_PLAN:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if extension == "json":
        package = json.loads(response.content)
        assert package["format"] == "trienkhai.exchange"
    else:
        assert response.content[:2] == b"PK"


def test_export_needs_login(client, world):
    response = client.get(f"/exchange/documents/{world.plan.pk}/package.json")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_document_page_links_its_package(client, world, viewer):
    client.force_login(viewer)
    page = client.get(f"/documents/{world.plan.pk}/").content.decode()
    assert f"/exchange/documents/{world.plan.pk}/package.xlsx" in page


@pytest.mark.parametrize("role", ROLES)
def test_export_api_by_role(request, world, role):
    client = client_for(request.getfixturevalue(role))
    response = client.get(f"/api/exchange/export/?document={world.plan.pk}")
    assert response.status_code == (200 if role in SEES_PLAN else 404)
    if response.status_code == 200:
        assert response.json()["scope"].endswith(f":document:{world.plan.pk}")
    xlsx_answer = client.get(f"/api/exchange/export/?document={world.plan.pk}&format=xlsx")
    assert xlsx_answer.status_code == (200 if role in SEES_PLAN else 404)


def test_export_api_errors(world, city_secretary):
    client = client_for(city_secretary)
    missing = client.get("/api/exchange/export/")
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "document"
    bad = client.get(f"/api/exchange/export/?document={world.plan.pk}&format=pdf")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "format"
    assert APIClient().get(f"/api/exchange/export/?document={world.plan.pk}").status_code == 401


# --- import on the page -------------------------------------------------------------------------
def test_import_on_the_page_previews_then_applies(client, tree, city_secretary):
    package = elsewhere(tree, city_secretary)
    client.force_login(city_secretary)
    assert "Nhập gói dữ liệu" in client.get("/exchange/import/").content.decode()
    response = client.post("/exchange/import/", {"file": package_file(package)})
    record = ExchangeImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exchange/import/{record.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Xem trước khi nhập" in page and "Tổ chức học tập, quán triệt Nghị quyết" in page
    assert not Task.objects.exists()
    response = client.post(f"/exchange/import/{record.pk}/apply/", follow=True)
    # 3 documents, 2 relations, a programme, an indicator, 2 values, 3 tasks, a requirement.
    assert "Đã nhập gói dữ liệu: 13 mục mới, 0 mục cập nhật." in response.content.decode()
    assert Task.objects.count() == 3
    # Applied once: the button is gone and a second post is refused.
    assert client.post(f"/exchange/import/{record.pk}/apply/").status_code == 403


def test_import_page_says_what_is_wrong_and_keeps_nothing(client, tree, city_secretary):
    client.force_login(city_secretary)
    response = client.post("/exchange/import/", {})
    assert response.status_code == 400
    assert "Hãy chọn tệp gói dữ liệu" in response.content.decode()
    response = client.post("/exchange/import/", {"file": package_file({"format": "x"})})
    assert response.status_code == 400
    assert "không phải một gói dữ liệu Triển Khai" in response.content.decode()
    assert not ExchangeImport.objects.exists()


def test_import_page_from_a_workbook(client, tree, city_secretary):
    package = elsewhere(tree, city_secretary)
    upload = io.BytesIO(xlsx.to_bytes(package))
    upload.name = "goi.xlsx"
    client.force_login(city_secretary)
    client.post("/exchange/import/", {"file": upload})
    record = ExchangeImport.objects.get()
    assert record.file_format == "xlsx" and record.status == ImportStatus.PREVIEWED
    assert record.preview["counts"]["tasks"]["create"] == 3


@pytest.mark.parametrize("role", ROLES)
def test_an_import_is_seen_only_by_its_uploader(request, client, tree, city_secretary, role):
    package = elsewhere(tree, city_secretary)
    client.force_login(city_secretary)
    client.post("/exchange/import/", {"file": package_file(package)})
    record = ExchangeImport.objects.get()
    other = request.getfixturevalue(role)
    client.force_login(other)
    expected = 200 if other == city_secretary else 404
    assert client.get(f"/exchange/import/{record.pk}/").status_code == expected
    if other != city_secretary:
        assert client.post(f"/exchange/import/{record.pk}/apply/").status_code == 404
        assert client_for(other).get(f"/api/exchange/imports/{record.pk}/").status_code == 404
        assert (
            client_for(other).post(f"/api/exchange/imports/{record.pk}/apply/").status_code == 404
        )
    assert not Task.objects.exists()


def test_import_pages_need_login(client):
    assert client.get("/exchange/import/").status_code == 302
    assert client.get("/exchange/import/1/").status_code == 302


# --- import through the API ---------------------------------------------------------------------
def test_import_api_preview_then_apply(tree, city_secretary):
    package = elsewhere(tree, city_secretary)
    client = client_for(city_secretary)
    response = client.post(
        "/api/exchange/imports/", {"file": package_file(package)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "previewed" and body["counts"]["tasks"]["create"] == 3
    assert response["Location"] == body["url"]
    assert not Task.objects.exists()
    applied = client.post(f"{body['url']}apply/")
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    assert Task.objects.count() == 3
    # Applying again answers the same, and writes nothing more.
    assert client.post(f"{body['url']}apply/").json()["status"] == "applied"
    assert Task.objects.count() == 3


def test_import_api_takes_the_package_as_json_body_once_per_key(tree, city_secretary):
    package = elsewhere(tree, city_secretary)
    client = client_for(city_secretary)
    first = client.post(
        "/api/exchange/imports/", package, format="json", HTTP_IDEMPOTENCY_KEY="goi-1"
    )
    again = client.post(
        "/api/exchange/imports/", package, format="json", HTTP_IDEMPOTENCY_KEY="goi-1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert ExchangeImport.objects.count() == 1


def test_import_api_errors(tree, city_secretary):
    client = client_for(city_secretary)
    nothing = client.post("/api/exchange/imports/", {}, format="json")
    assert nothing.status_code == 400 and nothing.json()["error"]["field"] == "file"
    package = elsewhere(tree, city_secretary)
    package["tasks"][0]["deadline"] = "31/12/2021"
    wrong = client.post("/api/exchange/imports/", package, format="json")
    error = wrong.json()["error"]
    assert wrong.status_code == 400 and error["code"] == "invalid_package"
    assert error["field"] == "tasks[1].deadline"
    assert "không phải ngày dạng YYYY-MM-DD" in error["message"]
    assert "YYYY-MM-DD" in error["message_en"]
    # A file whose rows the services refuse is previewed, and cannot be applied.
    package = elsewhere(tree, city_secretary)
    package["tasks"][0]["start_on"] = "2022-01-01"
    package["tasks"][0]["deadline"] = "2021-01-01"
    refused = client.post("/api/exchange/imports/", package, format="json").json()
    assert refused["status"] == "rejected" and refused["errors"] == 1
    blocked = client.post(f"{refused['url']}apply/")
    assert blocked.status_code == 422 and blocked.json()["error"]["code"] == "import_has_errors"
    assert not Task.objects.exists()


def test_a_read_only_key_exports_but_does_not_import(tree, world, city_secretary):
    client = client_for(city_secretary, read_only=True)
    assert client.get(f"/api/exchange/export/?document={world.plan.pk}").status_code == 200
    response = client.post("/api/exchange/imports/", {"format": "x"}, format="json")
    assert response.status_code == 403
