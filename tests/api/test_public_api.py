"""Public sites through the API: every endpoint for every role against the sites of its own unit,
a unit below, a sibling outside its scope and the unit above (404 for what one may not see, 403
for what one sees but may not do), and what an editor's script does with them: write and publish
a post, moderate comments, read what the site shows."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.api.clients import api, client_for
from tests.public.test_permissions import CITY_TARGETS, PERSONAS, RIGHTS, TARGETS, world
from trienkhai.audit.models import AuditEntry
from trienkhai.public.comments import comment_submit
from trienkhai.public.models import Post, PublicComment

__all__ = ["world"]  # the fixture of tests/public/test_permissions.py

MATRIX = [(role, where) for role in PERSONAS for where in CITY_TARGETS]


def _expected(rights: list[str], needed: str, ok: set[int]) -> set[int]:
    if needed in rights:
        return ok
    return {403} if "see" in rights else {404}


def _calls(unit):
    """(what, method, url, body, right needed, answers when allowed) for the unit's site."""
    site, post = unit.site, unit.post
    return [
        ("site", "get", f"/api/public-sites/{site.pk}/", None, "write", {200}),
        ("posts", "get", f"/api/public-sites/{site.pk}/posts/", None, "write", {200}),
        ("write a post", "post", f"/api/public-sites/{site.pk}/posts/",
         {"title": "Tin mới", "body": "Nội dung.", "author_name": "VP"}, "write", {201}),
        ("shown", "get", f"/api/public-sites/{site.pk}/publications/", None, "write", {200}),
        ("show", "post", f"/api/public-sites/{site.pk}/publications/",
         {"kind": "programme", "target": unit.programme.pk, "summary": "Giới thiệu"}, "write",
         {201}),
        ("shown one", "get", f"/api/public-publications/programme/{unit.shown.pk}/", None,
         "write", {200}),
        ("change it", "patch", f"/api/public-publications/programme/{unit.shown.pk}/",
         {"summary": "Mới", "revision": unit.shown.revision}, "write", {200}),
        ("take it off", "delete", f"/api/public-publications/programme/{unit.shown.pk}/", None,
         "write", {204}),
        ("comments", "get", f"/api/public-sites/{site.pk}/comments/", None, "write", {200}),
        ("post", "get", f"/api/public-posts/{post.pk}/", None, "write", {200}),
        ("correct a post", "patch", f"/api/public-posts/{post.pk}/",
         {"summary": "Tóm tắt", "revision": post.revision}, "write", {200}),
        ("publish", "post", f"/api/public-posts/{post.pk}/publish/", {}, "write", {200}),
        ("withdraw", "post", f"/api/public-posts/{post.pk}/withdraw/", {}, "write", {200}),
        ("comment", "get", f"/api/public-comments/{unit.comment.pk}/", None, "write", {200}),
        ("approve", "post", f"/api/public-comments/{unit.comment.pk}/approve/", {}, "write",
         {200}),
        ("erase", "delete", f"/api/public-comments/{unit.comment.pk}/", None, "write", {204}),
        ("settings", "patch", f"/api/public-sites/{site.pk}/",
         {"intro": "Giới thiệu", "revision": site.revision}, "manage", {200}),
    ]  # fmt: skip


@pytest.mark.parametrize(("role", "where"), MATRIX, ids=[f"{r}-{w}" for r, w in MATRIX])
def test_every_endpoint_for_every_role_and_unit(request, world, role, where):
    unit = getattr(world, TARGETS.get(role, CITY_TARGETS)[where])
    rights = RIGHTS[role][where].split()
    client = api(request, PERSONAS[role])
    failures = []
    for what, method, url, body, needed, ok in _calls(unit):
        answer = getattr(client, method)(url, body, format="json")
        if answer.status_code not in _expected(rights, needed, ok):
            failures.append((what, answer.status_code, answer.content[:200]))
    assert failures == []
    listed = {row["id"] for row in client.get("/api/public-sites/").json()["results"]}
    assert (unit.site.pk in listed) is ("write" in rights)


@pytest.mark.parametrize(("role", "where"), MATRIX, ids=[f"{r}-{w}" for r, w in MATRIX])
def test_opening_a_site_needs_the_right_to_manage_the_unit(request, world, role, where):
    unit = getattr(world, TARGETS.get(role, CITY_TARGETS)[where])
    Post.objects.filter(site=unit.site).delete()  # the unit has no site any more
    unit.site.delete()
    answer = api(request, PERSONAS[role]).post(
        "/api/public-sites/", {"unit": unit.pk, "slug": "trang-moi", "title": "Trang"},
        format="json",
    )  # fmt: skip
    rights = RIGHTS[role][where].split()
    if "manage" in rights:
        assert answer.status_code == 201, answer.json()
    elif "see" in rights:
        assert answer.status_code == 403
    else:
        assert answer.status_code == 400 and answer.json()["error"]["field"] == "unit"


def test_without_a_key_every_endpoint_answers_401(world):
    client = client_for(None)
    for _what, method, url, body, _needed, _ok in _calls(world.city):
        assert getattr(client, method)(url, body, format="json").status_code == 401, url


def test_a_read_only_key_reads_but_does_not_write(world, propaganda_officer):
    client = client_for(propaganda_officer, read_only=True)
    assert client.get(f"/api/public-sites/{world.city.site.pk}/").status_code == 200
    answer = client.post(f"/api/public-posts/{world.city.post.pk}/publish/", {}, format="json")
    assert answer.status_code == 403


def test_a_script_writes_publishes_and_corrects_a_post(client, world, propaganda_officer):
    site = world.city.site
    script = client_for(propaganda_officer)
    made = script.post(
        f"/api/public-sites/{site.pk}/posts/",
        {"title": "Hội nghị quán triệt", "body": "Sáng nay.", "author_name": "Ban Tuyên giáo",
         "categories": ["Tin hoạt động"]},
        format="json", HTTP_IDEMPOTENCY_KEY="tin-1",
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["status"] == "draft"
    again = script.post(
        f"/api/public-sites/{site.pk}/posts/",
        {"title": "Hội nghị quán triệt", "body": "Sáng nay.", "author_name": "Ban Tuyên giáo",
         "categories": ["Tin hoạt động"]},
        format="json", HTTP_IDEMPOTENCY_KEY="tin-1",
    )  # fmt: skip
    assert again.json()["id"] == made.json()["id"]
    pk = made.json()["id"]
    published = script.post(
        f"/api/public-posts/{pk}/publish/", {"published_on": "2020-08-10"}, format="json"
    )
    assert published.json()["status"] == "published" and published.json()["published_on"] == (
        "2020-08-10"
    )
    assert client.get(published.json()["address"]).status_code == 200
    future = script.post(
        f"/api/public-posts/{pk}/publish/",
        {"published_on": (dt.date.today() + dt.timedelta(days=3)).isoformat()},
        format="json",
    )
    assert future.status_code == 400 and future.json()["error"]["field"] == "published_on"
    revision = published.json()["revision"]
    fixed = script.patch(
        f"/api/public-posts/{pk}/", {"body": "Sáng 10-8.", "revision": revision}, format="json"
    )
    assert fixed.status_code == 200 and fixed.json()["categories"] == ["Tin hoạt động"]
    stale = script.patch(
        f"/api/public-posts/{pk}/", {"body": "Sửa cũ.", "revision": revision}, format="json"
    )
    assert stale.status_code == 412
    empty = script.patch(
        f"/api/public-posts/{pk}/", {"title": "", "revision": fixed.json()["revision"]},
        format="json",
    )  # fmt: skip
    assert empty.status_code == 400 and empty.json()["error"]["field"] == "title"
    assert "Sáng 10-8." in client.get(published.json()["address"]).content.decode()
    assert AuditEntry.objects.filter(object_id=str(pk), note="Đăng lên trang công khai").exists()


def test_a_script_moderates_the_comments(world, propaganda_officer):
    site = world.city.site
    script = client_for(propaganda_officer)
    queue = script.get(f"/api/public-sites/{site.pk}/comments/").json()["results"]
    assert [c["id"] for c in queue] == [world.city.comment.pk]
    assert script.get(f"/api/public-sites/{site.pk}/comments/", {"queue": "x"}).status_code == 400
    pk = world.city.comment.pk
    refused = script.post(f"/api/public-comments/{pk}/reject/", {"reason": ""}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "reason"
    done = script.post(f"/api/public-comments/{pk}/reject/", {"reason": "Quảng cáo"}, format="json")
    assert done.json()["status"] == "rejected" and done.json()["reason"] == "Quảng cáo"
    published = script.get(f"/api/public-sites/{site.pk}/comments/", {"queue": "rejected"})
    assert [c["id"] for c in published.json()["results"]] == [pk]
    assert script.post(f"/api/public-comments/{pk}/bogus/", {}, format="json").status_code == 404
    post = Post.objects.get(site=site, status="published")
    other = comment_submit(site=site, post=post, name="Dân", body="Cảm ơn", address="9.9.9.9")
    replied = script.post(
        f"/api/public-comments/{other.pk}/reply/", {"reply": "Xin cảm ơn."}, format="json"
    )
    assert replied.json()["reply"] == "Xin cảm ơn."
    assert script.delete(f"/api/public-comments/{other.pk}/").status_code == 204
    assert not PublicComment.objects.filter(pk=other.pk).exists()


def test_what_the_site_shows_is_listed_with_its_items(world, propaganda_officer, admin_user):
    site = world.city.site
    shown = client_for(propaganda_officer).get(f"/api/public-sites/{site.pk}/publications/")
    rows = shown.json()
    assert [(r["kind"], r["id"]) for r in rows] == [("programme", world.city.shown.pk)]
    assert rows[0]["address"] == reverse("public_site:programme", args=[site.slug, rows[0]["id"]])


def test_changing_the_settings_checks_them_like_the_page(world, city_secretary):
    site = world.city.site
    script = client_for(city_secretary)
    taken = script.patch(
        f"/api/public-sites/{site.pk}/",
        {"slug": world.ward.site.slug, "revision": site.revision},
        format="json",
    )
    assert taken.status_code == 400 and taken.json()["error"]["field"] == "slug"
    closed = script.patch(
        f"/api/public-sites/{site.pk}/", {"is_open": False}, format="json", HTTP_IF_MATCH="*"
    )
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    missing = script.patch(f"/api/public-sites/{site.pk}/", {"title": "X"}, format="json")
    assert missing.status_code == 428


def test_a_refusal_comes_in_vietnamese_and_english(world, viewer):
    answer = client_for(viewer).get(f"/api/public-sites/{world.city.site.pk}/")
    error = answer.json()["error"]
    assert answer.status_code == 403
    assert error["message"] == "Bạn không có quyền viết cho trang công khai này."
    assert error["message_en"] == "You may not write for this public site."


def test_a_script_shows_a_task_group_and_changes_what_is_shown(client, tree, world, admin_user):
    from trienkhai.plans import tasks

    head = tasks.task_create(
        actor=None, title="Quán triệt nghị quyết", assigned_by=tree.city, lead_unit=tree.city
    )
    subtasks = [
        tasks.task_create(
            actor=None,
            title=f"Quán triệt tại {unit.name}",
            assigned_by=tree.city,
            lead_unit=unit,
            parent=head,
        )  # fmt: skip
        for unit in (tree.ward, tree.sibling)
    ]
    other = tasks.task_create(
        actor=None, title="Việc khác", assigned_by=tree.city, lead_unit=tree.ward
    )
    site = world.city.site
    script = client_for(admin_user)
    url = f"/api/public-sites/{site.pk}/publications/"
    wrong = script.post(
        url, {"kind": "task", "target": head.pk, "summary": "x", "items": [other.pk]},
        format="json",
    )  # fmt: skip
    assert wrong.status_code == 400 and wrong.json()["error"]["field"] == "items"
    outside = script.post(url, {"kind": "task", "target": subtasks[0].pk, "summary": "x"},
                          format="json")  # fmt: skip
    assert outside.status_code == 400 and outside.json()["error"]["field"] == "target"
    empty = script.post(url, {"kind": "task", "target": head.pk, "summary": ""}, format="json")
    assert empty.status_code == 400 and empty.json()["error"]["field"] == "summary"
    made = script.post(
        url, {"kind": "task", "target": head.pk, "summary": "Học tập nghị quyết.",
              "items": [subtasks[0].pk]},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201, made.json()
    row = made.json()
    assert row["items"] == [subtasks[0].pk] and row["title"] == head.title
    page = client.get(row["address"]).content.decode()
    assert "Quán triệt tại Đảng ủy Phường An Hội" in page and "Phú Khương" not in page
    detail = f"/api/public-publications/task/{row['id']}/"
    changed = script.patch(
        detail, {"items": [s.pk for s in subtasks], "revision": row["revision"]}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["summary"] == "Học tập nghị quyết."
    assert "Phú Khương" in client.get(row["address"]).content.decode()
    assert script.get("/api/public-publications/bogus/1/").status_code == 404
    assert script.delete(detail).status_code == 204
    assert client.get(row["address"]).status_code == 404
