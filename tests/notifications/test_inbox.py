"""The notice list: newest first, unread marked, "mark all read", and opening one."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from trienkhai.notifications.models import Notification
from trienkhai.notifications.services import notify


def notice(user, text, *, url="", minutes_ago=0, read=False):
    notify(user=user, text=text, url=url)
    row = Notification.objects.filter(user=user).order_by("-id").first()
    Notification.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        read_at=timezone.now() if read else None,
    )
    return row


def test_notices_are_listed_newest_first_with_the_unread_marked(ward_clerk, client):
    notice(ward_clerk, "Cũ, đã đọc", minutes_ago=60, read=True)
    notice(ward_clerk, "Mới nhất", minutes_ago=1)
    notice(ward_clerk, "Ở giữa", minutes_ago=30)
    client.force_login(ward_clerk)

    html = client.get(reverse("notifications:inbox")).content.decode()

    assert html.index("Mới nhất") < html.index("Ở giữa") < html.index("Cũ, đã đọc")
    assert html.count('<li class="unread">') == 2
    assert html.count('<li class="read">') == 1
    assert 'aria-label="2 thông báo chưa đọc">2</span>' in html  # the header's count


def test_mark_all_read(ward_clerk, city_secretary, client):
    notice(ward_clerk, "Một")
    notice(ward_clerk, "Hai")
    notice(city_secretary, "Của người khác")
    client.force_login(ward_clerk)

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    html = response.content.decode()
    assert "Đã đánh dấu 2 thông báo là đã đọc." in html
    assert '<li class="unread">' not in html
    assert Notification.objects.filter(user=city_secretary, read_at__isnull=True).count() == 1


def test_opening_a_notice_marks_it_read_and_follows_its_link(ward_clerk, client):
    row = notice(ward_clerk, "Xin ý kiến dự thảo", url=reverse("documents:todo"))
    client.force_login(ward_clerk)

    response = client.post(reverse("notifications:open", args=[row.pk]))

    assert response.status_code == 302 and response.url == reverse("documents:todo")
    row.refresh_from_db()
    assert row.read_at is not None


@pytest.mark.parametrize("url", ["https://example.com/", "//example.com/x", "/\\example.com"])
def test_a_notice_never_sends_anyone_off_the_site(ward_clerk, client, url):
    row = notice(ward_clerk, "Lạ", url=url)
    client.force_login(ward_clerk)

    response = client.post(reverse("notifications:open", args=[row.pk]))

    assert response.url == reverse("notifications:inbox")


def test_an_empty_inbox_says_so(outsider, client):
    client.force_login(outsider)

    html = client.get(reverse("notifications:inbox")).content.decode()

    assert "Chưa có thông báo nào." in html
    assert "Đánh dấu" not in html


def test_a_key_makes_a_notice_once(ward_clerk):
    assert notify(user=ward_clerk, text="Nhắc", key="k:1") is True
    assert notify(user=ward_clerk, text="Nhắc", key="k:1") is False
    assert Notification.objects.filter(user=ward_clerk).count() == 1
