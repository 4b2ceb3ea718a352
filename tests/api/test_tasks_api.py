"""The task endpoints as a script uses them: a token, JSON in and out, errors in both languages,
versions that refuse a lost update, idempotent creation, pagination."""

import json

import pytest
from rest_framework.test import APIClient

from tests.api.clients import client_for
from tests.plans.test_tasks import make_task
from trienkhai.api.tokens import token_create
from trienkhai.audit.models import AuditEntry
from trienkhai.plans.models import Task


def new_task(tree, **extra):
    body = {
        "title": "Tổ chức hội nghị quán triệt",
        "assigned_by": tree.city.pk,
        "lead_unit": tree.ward.pk,
        "coordinating_units": [tree.board.pk],
        "deadline": "2020-09",
    }
    body.update(extra)
    return body


@pytest.mark.django_db
def test_create_read_and_list_a_task(tree, city_secretary):
    api = client_for(city_secretary)
    answer = api.post("/api/tasks/", new_task(tree), format="json")
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["lead_unit"] == {"id": tree.ward.pk, "name": "Đảng ủy Phường An Hội"}
    assert data["coordinating_units"] == [{"id": tree.board.pk, "name": "Ban Tuyên giáo Thành ủy"}]
    assert data["deadline"] == {
        "date": "2020-09-01",
        "precision": "month",
        "text": "2020-09",
        "ends_on": "2020-09-30",
    }
    assert answer["Location"] == f"/api/tasks/{data['id']}/"
    read = api.get(answer["Location"])
    assert read.json()["title"] == "Tổ chức hội nghị quán triệt"
    assert read["ETag"] == f'"{data["id"]}-1"'
    listed = api.get("/api/tasks/", {"unit": tree.ward.pk, "role": "lead"}).json()
    assert [t["id"] for t in listed["results"]] == [data["id"]]
    assert AuditEntry.objects.filter(object_id=str(data["id"]), action="create").exists()


@pytest.mark.django_db
def test_bad_input_names_the_field_in_both_languages(tree, city_secretary):
    api = client_for(city_secretary)
    answer = api.post("/api/tasks/", new_task(tree, deadline="tháng 9", title=""), format="json")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) >= {"title"}
    answer = api.post("/api/tasks/", new_task(tree, deadline="09/2020"), format="json")
    error = answer.json()["error"]
    assert error["field"] == "deadline"
    assert error["message"].startswith("Thời hạn “09/2020” phải có dạng")
    assert error["message_en"] != error["message"]


@pytest.mark.django_db
def test_a_service_refusal_comes_back_as_a_field_error(tree, ward_clerk):
    # The ward may not assign on behalf of the city: the service says so, on its field.
    api = client_for(ward_clerk)
    answer = api.post("/api/tasks/", new_task(tree, coordinating_units=[]), format="json")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["field"] in ("assigned_by", "lead_unit")
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_a_retried_post_with_the_same_key_creates_one_task(tree, city_secretary):
    api = client_for(city_secretary)
    first = api.post("/api/tasks/", new_task(tree), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/tasks/", new_task(tree), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Task.objects.count() == 1
    other = api.post(
        "/api/tasks/", new_task(tree, title="Khác"), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_a_concurrent_update_is_refused_not_lost(tree, city_secretary):
    task = make_task(tree)
    api = client_for(city_secretary)
    etag = api.get(f"/api/tasks/{task.pk}/")["ETag"]
    no_version = api.patch(f"/api/tasks/{task.pk}/", {"title": "A"}, format="json")
    assert no_version.status_code == 428
    first = api.patch(f"/api/tasks/{task.pk}/", {"title": "A"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first.json()["title"] == "A"
    second = api.patch(f"/api/tasks/{task.pk}/", {"title": "B"}, format="json", HTTP_IF_MATCH=etag)
    assert second.status_code == 412
    assert second.json()["error"]["code"] == "precondition_failed"
    assert Task.objects.get(pk=task.pk).title == "A"


@pytest.mark.django_db
def test_tokens_read_only_revoked_and_missing(tree, city_secretary):
    from trienkhai.api.tokens import token_revoke

    reader = client_for(city_secretary, read_only=True)
    assert reader.get("/api/tasks/").status_code == 200
    refused = reader.post("/api/tasks/", new_task(tree), format="json")
    assert refused.status_code == 403
    assert (
        refused.json()["error"]["message"]
        == "Khóa API này chỉ được đọc, không được thay đổi dữ liệu."
    )
    assert refused.json()["error"]["message_en"] == "This API key may only read, not change data."
    token, raw = token_create(user=city_secretary, name="tạm")
    token_revoke(user=city_secretary, token=token)
    gone = APIClient()
    gone.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert gone.get("/api/tasks/").status_code == 401
    assert APIClient().get("/api/tasks/").status_code in (401, 403)


@pytest.mark.django_db
def test_pagination_is_stable(tree, city_secretary):
    for n in range(7):
        make_task(tree, title=f"Nhiệm vụ {n}")
    api = client_for(city_secretary)
    page = api.get("/api/tasks/", {"page_size": 3}).json()
    seen = [t["id"] for t in page["results"]]
    make_task(tree, title="Mới thêm giữa chừng")
    while page["next"]:
        page = api.get(page["next"]).json()
        seen += [t["id"] for t in page["results"]]
    assert len(seen) == len(set(seen)) == 7
    assert seen == sorted(seen, reverse=True)


@pytest.mark.django_db
def test_openapi_schema_and_docs_page(client):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert "/api/tasks/" in paths and "/api/units/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    assert b"cdn" not in docs.content.lower()
    # Swagger UI styles elements from its script: inline styles on this page only.
    assert "style-src 'self' 'unsafe-inline'" in docs["Content-Security-Policy"]
    assert "script-src 'self';" in docs["Content-Security-Policy"]
    assert "unsafe-inline" not in client.get("/accounts/login/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_work_of_the_past_is_recorded_on_its_day(tree, city_secretary):
    import datetime as dt

    from trienkhai.org import services as org

    org.unit_dissolve(actor=None, unit=tree.cell, effective_on=dt.date(2025, 7, 1))
    org.unit_dissolve(actor=None, unit=tree.ward, effective_on=dt.date(2025, 7, 1))
    api = client_for(city_secretary)
    today = api.post("/api/tasks/", new_task(tree, coordinating_units=[]), format="json")
    assert today.status_code == 400 and today.json()["error"]["field"] == "lead_unit"
    then = api.post(
        "/api/tasks/",
        new_task(tree, coordinating_units=[], assigned_on="2020-09-21"),
        format="json",
    )
    assert then.status_code == 201, then.json()
