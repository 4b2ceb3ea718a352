# ruff: noqa: F811 - the shared fixtures are imported by name, then requested as arguments
"""Carrying work out through the API, as a ward's clerk and the city's secretary do it: progress
reported against the version last read, postponing and finishing by the pages' rules, comments
with evidence sent once however often retried, the task's history; a requirement set on the
grassroots organisations, met when a ward registers the document it issued, its deadline
changed against the version read."""

import base64
import datetime as dt

import pytest

from tests.api.clients import client_for
from tests.plans.test_requirements import congress, set_requirement  # noqa: F401
from tests.plans.test_tasks import PNG, make_task
from trienkhai.org.models import UnitKind
from trienkhai.plans import tasks as task_services
from trienkhai.plans.models import Requirement, Task, TaskComment, TaskStatus

D = dt.date
GRASSROOTS = UnitKind.GRASSROOTS_PARTY_COMMITTEE


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def error_of(answer) -> dict:
    return answer.json()["error"]


def report(api, task, etag=None, **body):
    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    return api.post(f"/api/tasks/{task.pk}/progress/", body, format="json", **headers)


# --- progress -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_reporting_progress_against_the_version_read(tree, ward_clerk):
    task = make_task(tree, deadline=D(2030, 12, 1), deadline_precision="month")
    api = client_for(ward_clerk)
    etag = api.get(f"/api/tasks/{task.pk}/")["ETag"]

    answer = report(api, task, etag, status="in_progress", progress=40, note="Đã họp chi bộ")
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert (data["status"], data["progress"], data["revision"]) == ("in_progress", 40, 2)
    assert answer["ETag"] == f'"{task.pk}-2"'

    # Someone else's tab still holds the first version: refused, nothing lost.
    again = report(api, task, etag, status="in_progress", progress=60)
    assert again.status_code == 412
    assert error_of(again)["code"] == "precondition_failed"
    assert Task.objects.get(pk=task.pk).progress == 40
    # No version at all: refused too; the `revision` field is the other way to give it.
    assert report(api, task, status="in_progress", progress=60).status_code == 428
    by_field = report(api, task, status="in_progress", progress=60, revision=2)
    assert by_field.status_code == 200 and by_field.json()["progress"] == 60

    history = api.get(f"/api/tasks/{task.pk}/history/").json()["results"]
    latest = history[0]
    assert latest["actor"] == "vanthu_anhoi" and latest["action"] == "update"
    assert {"field": "progress", "before": 40, "after": 60} in latest["changes"]
    assert {"label": "tiến độ (%)", "before": 40, "after": 60} in latest["changes_readable"]
    assert history[1]["note"] == "Đã họp chi bộ"


@pytest.mark.django_db
def test_postponing_needs_a_reason_and_a_later_deadline(tree, ward_clerk):
    task = make_task(tree, deadline=D(2020, 12, 1), deadline_precision="month")
    api = client_for(ward_clerk)

    bare = report(api, task, revision=1, status="postponed")
    assert bare.status_code == 400
    assert set(error_of(bare)["fields"]) == {"reason", "new_deadline"}
    assert error_of(bare)["fields"]["reason"] == ["Hãy nêu lý do tạm hoãn hoặc lùi thời hạn."]
    assert error_of(bare)["message_en"]  # bilingual

    earlier = report(
        api, task, revision=1, status="postponed", reason="Chờ hướng dẫn", new_deadline="2020-11"
    )
    assert error_of(earlier)["field"] == "new_deadline"
    garbled = report(
        api, task, revision=1, status="postponed", reason="Chờ hướng dẫn", new_deadline="sớm"
    )
    assert error_of(garbled)["field"] == "new_deadline"

    answer = report(
        api, task, revision=1, status="postponed", reason="Chờ hướng dẫn", new_deadline="2021-Q2"
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["deadline"] == {
        "date": "2021-04-01",
        "precision": "quarter",
        "text": "2021-Q2",
        "ends_on": "2021-06-30",
    }


@pytest.mark.django_db
def test_done_after_the_deadline_is_done_late(tree, ward_clerk):
    task = make_task(tree, deadline=D(2020, 12, 1), deadline_precision="month")
    answer = report(
        client_for(ward_clerk), task, revision=1, status="done", completed_on="2021-01-05"
    )
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert (data["status"], data["progress"], data["completed_on"]) == (
        "done_late",
        100,
        "2021-01-05",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "in_progress", "progress": 120}, "progress"),
        ({"status": "in_progress", "progress": -1}, "progress"),
        ({"status": "done_late"}, "status"),  # lateness is computed, never chosen
        ({"status": "cancelled"}, "note"),  # cancelling says why
        ({"status": "in_progress", "completed_on": "2021-01-05"}, "completed_on"),
        ({"progress": 10}, "status"),
    ],
)
def test_what_the_progress_form_refuses(tree, ward_clerk, body, field):
    task = make_task(tree)
    answer = report(client_for(ward_clerk), task, revision=1, **body)
    assert answer.status_code == 400, answer.json()
    assert error_of(answer)["field"] == field
    assert Task.objects.get(pk=task.pk).revision == 1


@pytest.mark.django_db
def test_a_parents_progress_comes_from_its_subtasks(tree, ward_clerk):
    parent = make_task(tree, lead_unit=tree.ward)
    make_task(tree, parent=parent, assigned_by=tree.ward, lead_unit=tree.cell)
    answer = report(client_for(ward_clerk), parent, revision=1, status="in_progress", progress=50)
    assert answer.status_code == 400
    assert error_of(answer)["field"] == "progress"
    assert "nhiệm vụ con" in error_of(answer)["message"]


@pytest.mark.django_db
def test_who_reports_and_who_only_comments(tree, city_secretary, ward_clerk):
    """The lead unit and the assigning unit report; a coordinating unit only comments."""
    task = make_task(tree, lead_unit=tree.sibling, coordinating_units=[tree.ward])
    clerk = client_for(ward_clerk)
    refused = report(clerk, task, revision=1, status="in_progress", progress=10)
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "forbidden"
    assert (
        clerk.post(
            f"/api/tasks/{task.pk}/comments/", {"text": "Phường đã phối hợp"}, format="json"
        ).status_code
        == 201
    )
    # The city assigned it: its secretary may report for the lead unit.
    answer = report(client_for(city_secretary), task, revision=1, status="in_progress", progress=5)
    assert answer.status_code == 200


@pytest.mark.django_db
def test_a_read_only_key_reads_but_does_not_report(tree, ward_clerk):
    task = make_task(tree)
    api = client_for(ward_clerk, read_only=True)
    assert api.get(f"/api/tasks/{task.pk}/history/").status_code == 200
    assert api.get(f"/api/tasks/{task.pk}/comments/").status_code == 200
    assert report(api, task, revision=1, status="in_progress").status_code == 403
    posted = api.post(f"/api/tasks/{task.pk}/comments/", {"text": "x"}, format="json")
    assert posted.status_code == 403


# --- comments -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_comment_is_sent_once_however_often_retried(tree, ward_clerk):
    task = make_task(tree)
    api = client_for(ward_clerk)
    url = f"/api/tasks/{task.pk}/comments/"
    body = {"text": "Đã tổ chức hội nghị quán triệt."}
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == 201, first.json()
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert TaskComment.objects.filter(task=task).count() == 1
    other = api.post(url, {"text": "Khác"}, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert other.status_code == 422

    api.post(url, {"text": "Lần hai"}, format="json")
    listed = api.get(url).json()["results"]
    assert [c["text"] for c in listed] == ["Đã tổ chức hội nghị quán triệt.", "Lần hai"]
    assert listed[0]["author"] == "vanthu_anhoi" and listed[0]["evidence"] is None
    history = api.get(f"/api/tasks/{task.pk}/history/").json()["results"]
    assert history[0]["note"] == "Ý kiến: Lần hai"


@pytest.mark.django_db
def test_a_comment_with_evidence_and_its_download(tree, ward_clerk, viewer, media):
    task = make_task(tree)
    api = client_for(ward_clerk)
    body = {
        "text": "Ảnh hội nghị",
        "evidence": {"name": "hoi-nghi.png", "content": base64.b64encode(PNG).decode()},
    }
    answer = api.post(f"/api/tasks/{task.pk}/comments/", body, format="json")
    assert answer.status_code == 201, answer.json()
    evidence = answer.json()["evidence"]
    assert evidence["name"] == "hoi-nghi.png"
    # Whoever sees the task downloads it with their own key.
    download = client_for(viewer).get(evidence["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG
    comment = TaskComment.objects.get()
    assert comment.evidence_name == "hoi-nghi.png"
    no_file = TaskComment.objects.create(task=task, text="không tệp")
    missing = api.get(f"/api/tasks/{task.pk}/comments/{no_file.pk}/evidence/")
    assert missing.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("evidence", "words"),
    [
        ({"name": "a.pdf", "content": "không phải base64!"}, "base64"),
        ({"name": "bao-cao.pdf", "content": base64.b64encode(PNG).decode()}, "thực chất"),
        ({"name": "rong.pdf", "content": ""}, "rỗng"),
    ],
)
def test_refused_evidence_names_the_field(tree, ward_clerk, media, evidence, words):
    task = make_task(tree)
    answer = client_for(ward_clerk).post(
        f"/api/tasks/{task.pk}/comments/",
        {"text": "Minh chứng", "evidence": evidence},
        format="json",
    )
    assert answer.status_code == 400, answer.json()
    error = error_of(answer)
    assert error["field"].startswith("evidence")
    assert words in error["message"]
    assert not TaskComment.objects.exists()


@pytest.mark.django_db
def test_an_empty_comment_is_refused(tree, ward_clerk):
    task = make_task(tree)
    answer = client_for(ward_clerk).post(
        f"/api/tasks/{task.pk}/comments/", {"text": "   "}, format="json"
    )
    assert answer.status_code == 400
    assert error_of(answer)["field"] == "text"


# --- requirements -------------------------------------------------------------------------------
def requirement_body(tree, congress, **changes):
    body = {
        "title": "Ban hành quy chế làm việc nhiệm kỳ 2020–2025",
        "set_by": tree.city.pk,
        "unit_kinds": [GRASSROOTS],
        "doc_type": "QC",
        "implements": congress.pk,
        "due_on": "2020-12-31",
    }
    body.update(changes)
    return body


@pytest.mark.django_db
def test_setting_a_requirement_once(tree, city_secretary, congress):
    api = client_for(city_secretary)
    body = requirement_body(tree, congress)
    first = api.post("/api/requirements/", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == 201, first.json()
    data = first.json()
    assert first["Location"] == f"/api/requirements/{data['id']}/"
    assert data["parent_unit"] == {"id": tree.city.pk, "name": "Thành ủy Bến Tre"}
    assert data["implements"]["number"] == "01-NQ/ThU"
    assert data["unit_kinds"] == [GRASSROOTS] and data["target_count"] == 2
    assert (
        data["counts"]["total"] == 2 and data["counts"]["missing"] + data["counts"]["overdue"] == 2
    )
    assert data["can_manage"] is True
    again = api.post("/api/requirements/", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert again.status_code == 201 and again.json()["id"] == data["id"]
    assert Requirement.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"set_by": 10**17}, "set_by"),
        ({"title": "   "}, "title"),
        ({"due_on": "2020-10-01"}, "due_on"),  # before the Congress resolution was issued
        ({"unit_kinds": [UnitKind.PARTY_BOARD], "parent_unit": None, "doc_type": "QC"}, None),
        ({"unit_kinds": []}, "unit_kinds"),
        ({"unit_kinds": ["khong_co"]}, "unit_kinds"),
        ({"doc_type": "XX"}, "doc_type"),
        ({"implements": 10**17}, "implements"),
    ],
)
def test_what_setting_a_requirement_refuses(tree, city_secretary, congress, changes, field):
    if field is None:  # no active unit of that kind below the ward
        changes = {"unit_kinds": [UnitKind.PARTY_BOARD], "parent_unit": tree.ward.pk}
        field = "unit_kinds"
    answer = client_for(city_secretary).post(
        "/api/requirements/", requirement_body(tree, congress, **changes), format="json"
    )
    assert answer.status_code == 400, answer.json()
    assert error_of(answer)["field"].startswith(field)
    assert not Requirement.objects.exists()


@pytest.mark.django_db
def test_a_ward_cannot_set_a_requirement_for_the_city(tree, ward_clerk, viewer, congress):
    answer = client_for(ward_clerk).post(
        "/api/requirements/", requirement_body(tree, congress), format="json"
    )
    assert answer.status_code == 400 and error_of(answer)["field"] == "set_by"
    refused = client_for(viewer).post(
        "/api/requirements/", requirement_body(tree, congress), format="json"
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_a_ward_meets_a_requirement_by_registering_its_document(
    tree, city_secretary, ward_clerk, congress
):
    """The compliance cell is read from the register: the ward registers the rules it issued,
    noted as carrying out the Congress resolution, and its row turns done."""
    requirement = set_requirement(city_secretary, tree.city, implements=congress)
    clerk = client_for(ward_clerk)
    targets = clerk.get(f"/api/requirements/{requirement.pk}/targets/").json()["results"]
    assert [(t["unit"]["name"], t["document"]) for t in targets] == [
        ("Đảng ủy Phường An Hội", None)
    ]  # a ward sees its own row only
    registered = clerk.post(
        "/api/documents/",
        {
            "number_text": "01-QC/ĐU",
            "issuer_unit": tree.ward.pk,
            "issued_on": "2020-11-02",
            "summary": "Quy chế làm việc của Đảng ủy phường nhiệm kỳ 2020–2025",
        },
        format="json",
    )
    assert registered.status_code == 201, registered.json()
    linked = clerk.post(
        f"/api/documents/{registered.json()['id']}/relations/",
        {"kind": "implements", "target": congress.pk},
        format="json",
    )
    assert linked.status_code == 201, linked.json()

    city = client_for(city_secretary)
    rows = city.get(f"/api/requirements/{requirement.pk}/targets/").json()["results"]
    states = {r["unit"]["name"]: (r["state"], r["document"]) for r in rows}
    assert states["Đảng ủy Phường An Hội"] == (
        "done",
        {"id": registered.json()["id"], "number": "01-QC/ĐU", "issued_on": "2020-11-02"},
    )
    assert states["Đảng ủy Phường Phú Khương"][1] is None
    done = city.get(f"/api/requirements/{requirement.pk}/targets/", {"state": "done"}).json()
    assert [r["unit"]["id"] for r in done["results"]] == [tree.ward.pk]
    assert done["results"][0]["state_label"] == "Hoàn thành"
    detail = city.get(f"/api/requirements/{requirement.pk}/").json()
    assert detail["counts"]["done"] == 1 and detail["counts"]["pct_complied"] == 50.0
    listed = city.get("/api/requirements/", {"document": congress.pk}).json()["results"]
    assert [(r["id"], r["counts"]["done"]) for r in listed] == [(requirement.pk, 1)]
    bad = city.get(f"/api/requirements/{requirement.pk}/targets/", {"state": "xong"})
    assert bad.status_code == 400 and error_of(bad)["field"] == "state"


@pytest.mark.django_db
def test_requirement_filters(tree, city_secretary, ward_clerk, congress):
    by_city = set_requirement(city_secretary, tree.city, implements=congress)
    by_ward = set_requirement(
        ward_clerk, tree.ward, unit_kinds=[UnitKind.PARTY_CELL], doc_type="NQ"
    )
    api = client_for(city_secretary)

    def found(**params):
        answer = api.get("/api/requirements/", params)
        assert answer.status_code == 200, answer.json()
        return {r["id"] for r in answer.json()["results"]}

    assert found() == {by_city.pk, by_ward.pk}
    assert found(document=congress.pk) == {by_city.pk}
    assert found(unit=tree.ward.pk) == {by_ward.pk}
    assert api.get("/api/requirements/", {"unit": "abc"}).status_code == 400
    assert (
        client_for(ward_clerk).get("/api/requirements/", {"unit": tree.sibling.pk}).status_code
        == 404
    )


@pytest.mark.django_db
def test_changing_a_requirements_deadline_against_the_version_read(
    tree, city_secretary, propaganda_officer, congress
):
    requirement = set_requirement(city_secretary, tree.city, implements=congress)
    api = client_for(city_secretary)
    url = f"/api/requirements/{requirement.pk}/"
    read = api.get(url)
    etag = read["ETag"]
    assert etag == f'"{read.json()["version"]}"'

    assert api.patch(url, {"due_on": "2021-01-31"}, format="json").status_code == 428
    changed = api.patch(
        url,
        {"due_on": "2021-01-31", "note": "Gia hạn theo Công văn số 125-CV/ThU"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["due_on"] == "2021-01-31"
    assert changed["ETag"] != etag
    # The officer read it before the change: refused, the secretary's deadline stays.
    stale = client_for(propaganda_officer).patch(
        url, {"title": "Ban hành quy chế"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert Requirement.objects.get().title == "Ban hành văn bản loại QC"
    by_field = client_for(propaganda_officer).patch(
        url, {"title": "Ban hành quy chế", "version": changed.json()["version"]}, format="json"
    )
    assert by_field.status_code == 200 and by_field.json()["title"] == "Ban hành quy chế"
    bad_date = api.patch(
        url, {"due_on": "2020-01-01"}, format="json", HTTP_IF_MATCH=by_field["ETag"]
    )
    assert bad_date.status_code == 400 and error_of(bad_date)["field"] == "due_on"

    history = api.get(f"/api/requirements/{requirement.pk}/history/").json()["results"]
    assert [h["action"] for h in history] == ["update", "update", "create"]
    assert history[1]["note"] == "Gia hạn theo Công văn số 125-CV/ThU"
    assert {"field": "due_on", "before": "2020-12-31", "after": "2021-01-31"} in history[1][
        "changes"
    ]  # ISO, as stored; the page's wording beside it
    assert {"label": "thời hạn", "before": "31-12-2020", "after": "31-01-2021"} in history[1][
        "changes_readable"
    ]


@pytest.mark.django_db
def test_a_ward_reads_but_does_not_change_the_citys_requirement(tree, city_secretary, ward_clerk):
    requirement = set_requirement(city_secretary, tree.city)
    clerk = client_for(ward_clerk)
    read = clerk.get(f"/api/requirements/{requirement.pk}/")
    assert read.status_code == 200 and read.json()["can_manage"] is False
    assert read.json()["counts"]["total"] == 1  # its own row, not its sibling's
    answer = clerk.patch(
        f"/api/requirements/{requirement.pk}/",
        {"title": "Sửa"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert answer.status_code == 403


def test_the_progress_service_is_the_pages(monkeypatch):
    """The API calls the page's service, not a copy of its rules."""
    from trienkhai.api import views_work

    assert views_work.task_services is task_services
    assert TaskStatus.DONE_LATE not in views_work.ProgressIn().fields["status"].choices
