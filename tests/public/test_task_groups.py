"""A unit shows a group of tasks (a task and the subtasks it chooses) on its public site: each
subtask's name, lead unit, deadline, status and progress; never what is written inside."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.public.kinds import WHO, check_pages
from trienkhai.audit.models import AuditEntry
from trienkhai.plans import tasks
from trienkhai.plans.models import TaskStatus
from trienkhai.public import services
from trienkhai.public.models import TaskGroupPublication

SECRET = "MẬT"


@pytest.fixture
def group(tree):
    """The dissemination of a resolution: the ward has done it, the sibling ward is late and has
    postponed it, the cell has not started; the cell's task stays inside."""
    day = dt.date(2020, 9, 1)

    def task(title, lead, **extra):
        return tasks.task_create(
            actor=None, title=title, assigned_by=tree.city, lead_unit=lead, start_on=day,
            deadline=dt.date(2020, 9, 30), today=day, **extra,
        )  # fmt: skip

    head = task(
        "Quán triệt Nghị quyết Đại hội trong toàn Đảng bộ",
        tree.city,
        description=f"Nội dung chỉ đạo {SECRET}",
    )
    head.ward = task("Quán triệt tại Phường An Hội", tree.ward, parent=head)
    head.sibling = task("Quán triệt tại Phường Phú Khương", tree.sibling, parent=head)
    head.cell = task(f"Việc nội bộ {SECRET}", tree.cell, parent=head)
    tasks.task_report_progress(
        actor=None, task=head.ward, revision=head.ward.revision, status=TaskStatus.DONE,
        completed_on=dt.date(2020, 9, 20), today=dt.date(2020, 9, 20),
    )  # fmt: skip
    tasks.task_report_progress(
        actor=None, task=head.sibling, revision=head.sibling.revision,
        status=TaskStatus.POSTPONED, reason=f"Lý do {SECRET}", new_deadline=dt.date(2020, 10, 15),
        progress=40, today=dt.date(2020, 9, 25),
    )  # fmt: skip
    tasks.task_comment(actor=None, task=head.ward, text=f"Trao đổi {SECRET}")
    head.refresh_from_db()
    return head


def test_the_chosen_subtasks_show_their_unit_deadline_status_and_progress(
    client, site, group, propaganda_officer
):
    shown = services.task_group_publish(
        actor=propaganda_officer, site=site, task=group, summary="Việc học tập nghị quyết.",
        task_ids=[group.ward.pk, group.sibling.pk],
    )  # fmt: skip
    page = client.get(reverse("public_site:task", args=[site.slug, shown.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert group.title in text and "Việc học tập nghị quyết." in text
    assert "Quán triệt tại Phường An Hội" in text and "Đảng ủy Phường An Hội" in text
    assert "Hoàn thành" in text and "20-09-2020" in text
    assert "Tạm hoãn, lùi thời hạn" in text and "40%" in text
    assert "1/2 nhiệm vụ đã hoàn thành" in text
    assert "cập nhật đến ngày" in text
    assert SECRET not in text  # the cell's task, the description, the reason, the comment
    home = client.get(reverse("public_site:home", args=[site.slug])).content.decode()
    assert group.title in home


def test_only_a_subtask_of_the_group_can_be_chosen(tree, site, group, propaganda_officer):
    other = tasks.task_create(
        actor=None, title="Việc khác", assigned_by=tree.city, lead_unit=tree.ward
    )
    with pytest.raises(ValidationError) as error:
        services.task_group_publish(
            actor=propaganda_officer, site=site, task=group, summary="x", task_ids=[other.pk]
        )
    assert "nhiệm vụ con của chính nhiệm vụ này" in error.value.message_dict["tasks"][0]


def test_a_task_without_subtasks_or_of_a_unit_outside_cannot_be_shown(
    tree, site, group, propaganda_officer
):
    with pytest.raises(ValidationError, match="nhiệm vụ có nhiệm vụ con"):
        services.task_group_publish(
            actor=propaganda_officer, site=site, task=group.ward, summary="x"
        )
    outside = tasks.task_create(
        actor=None, title="Việc của tỉnh", assigned_by=tree.province, lead_unit=tree.province
    )
    tasks.task_create(
        actor=None, title="Việc con", assigned_by=tree.province, lead_unit=tree.province,
        parent=outside,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Thành ủy Bến Tre"):
        services.task_group_publish(actor=propaganda_officer, site=site, task=outside, summary="x")


def ticked(page: str, name: str) -> set[int]:
    """The values of the ticked checkboxes called `name` on a page."""
    boxes = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return {int(re.search(r'value="(\d+)"', b).group(1)) for b in boxes if " checked" in b}


def test_an_empty_introduction_is_refused_and_what_was_ticked_stays(
    login, site, group, propaganda_officer
):
    editor = login(propaganda_officer)
    url = reverse("public:task_group_new", args=[site.pk]) + f"?task={group.pk}"
    page = editor.post(url, {"summary": "  ", "tasks": [group.sibling.pk]}).content.decode()
    assert "Hãy viết vài dòng giới thiệu nhóm nhiệm vụ" in page
    assert ticked(page, "tasks") == {group.sibling.pk}
    assert not TaskGroupPublication.objects.exists()


def test_an_editor_finds_shows_changes_and_withdraws_a_group(
    login, client, site, group, propaganda_officer
):
    editor = login(propaganda_officer)
    listing = editor.get(reverse("public:task_groups", args=[site.pk]), {"q": "quan triet dai hoi"})
    new_url = reverse("public:task_group_new", args=[site.pk]) + f"?task={group.pk}"
    assert new_url in listing.content.decode().replace("&amp;", "&")
    form = editor.get(new_url).content.decode()
    assert ticked(form, "tasks") == {group.ward.pk, group.sibling.pk, group.cell.pk}
    response = editor.post(new_url, {"summary": "Giới thiệu", "tasks": [group.ward.pk]})
    assert response.status_code == 302
    publication = TaskGroupPublication.objects.get()
    assert list(publication.tasks.all()) == [group.ward]
    public_url = reverse("public_site:task", args=[site.slug, publication.pk])
    assert "Phường Phú Khương" not in client.get(public_url).content.decode()
    edit = reverse("public:task_group_edit", args=[publication.pk])
    editor.post(
        edit,
        {
            "summary": "Giới thiệu mới",
            "tasks": [group.ward.pk, group.sibling.pk],
            "revision": publication.revision,
        },
    )
    text = client.get(public_url).content.decode()
    assert "Giới thiệu mới" in text and "Phường Phú Khương" in text
    editor.post(reverse("public:task_group_withdraw", args=[publication.pk]))
    assert client.get(public_url).status_code == 404
    notes = list(
        AuditEntry.objects.filter(note__contains="nhóm nhiệm vụ").values_list("note", flat=True)
    )
    assert any(n.startswith("Công khai") for n in notes) and any(n.startswith("Gỡ") for n in notes)


def test_a_stale_change_is_refused(site, group, propaganda_officer, admin_user):
    shown = services.task_group_publish(
        actor=propaganda_officer, site=site, task=group, summary="x", task_ids=[group.ward.pk]
    )
    services.task_group_publish(
        actor=admin_user, site=site, task=group, summary="y", publication=shown,
        revision=shown.revision,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="vừa được người khác sửa"):
        services.task_group_publish(
            actor=propaganda_officer, site=site, task=group, summary="z", publication=shown,
            revision=shown.revision,
        )  # fmt: skip


@pytest.mark.parametrize("persona, expected", WHO)
def test_who_may_open_the_task_group_pages_of_the_citys_site(
    request, client, site, group, admin_user, persona, expected
):
    publication = services.task_group_publish(actor=admin_user, site=site, task=group, summary="x")
    check_pages(
        request, client, publication, persona, expected, name="task_group",
        listing="task_groups", target="task",
    )  # fmt: skip


def test_a_service_call_without_the_right_is_refused(site, group, viewer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.task_group_publish(actor=viewer, site=site, task=group, summary="x")


def test_the_page_speaks_english_to_a_visitor_who_chose_it(client, site, group, admin_user):
    from django.conf import settings

    shown = services.task_group_publish(
        actor=admin_user, site=site, task=group, summary="x", task_ids=[group.ward.pk]
    )
    url = reverse("public_site:task", args=[site.slug, shown.pk])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(url).content.decode()
    assert "Overall progress" in text and "1/1 tasks done" in text and "Done" in text


def test_a_visitor_switches_the_site_to_english_and_back(client, site, group, admin_user):
    shown = services.task_group_publish(actor=admin_user, site=site, task=group, summary="x")
    url = reverse("public_site:task", args=[site.slug, shown.pk])
    page = client.get(url).content.decode()
    assert 'name="language" value="en"' in page and "Tiến độ chung" in page
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Overall progress" in page and 'name="language" value="vi"' in page
    client.post(reverse("set_language"), {"language": "vi", "next": url})
    assert "Tiến độ chung" in client.get(url).content.decode()


def test_the_site_search_finds_a_task_group_without_diacritics(client, site, group, admin_user):
    services.task_group_publish(
        actor=admin_user, site=site, task=group, summary="Học tập nghị quyết ở các phường."
    )
    home = reverse("public_site:home", args=[site.slug])
    from tests.public.test_documents import search_results

    found = search_results(client.get(home, {"q": "hoc tap nghi quyet"}).content.decode())
    assert group.title in found and "(Nhiệm vụ)" in found
    assert search_results(client.get(home, {"q": "giao thong"}).content.decode()) == ""


def test_a_large_group_comes_a_hundred_subtasks_a_page_with_counts_over_all(
    client, tree, site, group, admin_user
):
    for n in range(102):
        tasks.task_create(
            actor=None, title=f"Việc số {n:03}", assigned_by=tree.city, lead_unit=tree.ward,
            parent=group, deadline=dt.date(2030, 1, 1),
        )  # fmt: skip
    shown = services.task_group_publish(
        actor=admin_user, site=site, task=group, summary="x",
        task_ids=list(group.subtasks.values_list("pk", flat=True)),
    )  # fmt: skip
    url = reverse("public_site:task", args=[site.slug, shown.pk])
    first = client.get(url).content.decode()
    assert "1/105 nhiệm vụ đã hoàn thành, 104 đang thực hiện" in first
    assert len(re.findall(r"<td>\d+%</td>", first)) == 100  # one progress cell a row
    assert "Trang 1/2" in first and "?page=2#cac-nhiem-vu" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "Việc số 101" in second and "Việc số 000" not in second


def test_overdue_subtasks_are_counted_only_when_there_are_some(client, site, group, admin_user):
    shown = services.task_group_publish(
        actor=admin_user, site=site, task=group, summary="x", task_ids=[group.ward.pk]
    )
    url = reverse("public_site:task", args=[site.slug, shown.pk])
    assert "quá hạn" not in client.get(url).content.decode()  # the ward's task is done
    services.task_group_publish(
        actor=admin_user, site=site, task=group, summary="x", publication=shown,
        revision=shown.revision, task_ids=[group.ward.pk, group.cell.pk],
    )  # fmt: skip
    # the cell's task was due on 30-9-2020 and is not started
    assert "Trong đó 1 nhiệm vụ đã quá hạn." in client.get(url).content.decode()


def test_the_task_page_inside_says_where_the_public_sees_it(login, site, group, admin_user):
    editor = login(admin_user)
    inside = reverse("plans:task", args=[group.pk])
    assert "Đang công khai trên" not in editor.get(inside).content.decode()
    services.task_group_publish(actor=admin_user, site=site, task=group, summary="x")
    page = editor.get(inside).content.decode()
    assert "Đang công khai trên:" in page and reverse("public_site:home", args=[site.slug]) in page
