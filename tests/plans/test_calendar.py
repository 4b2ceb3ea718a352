"""A person's deadlines as an ICS feed at a secret, revocable address, parsed back with the
`icalendar` library as a calendar app would read it."""

import datetime as dt
import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from tests.plans.test_dashboard import days, make_task
from trienkhai.lib.dates import period_end, period_start
from trienkhai.plans import calendar
from trienkhai.plans.models import CalendarFeed, TaskCoordination, TaskStatus

FEED_URL = re.compile(r'value="(https?://[^"]+/plans/calendar/feed/([A-Za-z0-9_-]+)\.ics)"')


@pytest.fixture
def deadlines(tree):
    w = tree
    w.poor = make_task("Rà soát hộ nghèo", w.ward, assigned_by=w.city, deadline=days(5))
    w.conference = make_task(
        "Tổ chức hội nghị học tập nghị quyết",
        w.ward,
        assigned_by=w.city,
        deadline=days(40),
        precision="month",
    )
    w.quarterly = make_task(
        "Sơ kết quý", w.ward, assigned_by=w.city, deadline=days(60), precision="quarter"
    )
    w.helping = make_task(
        "Tuyên truyền đô thị văn minh", w.board, assigned_by=w.city, deadline=days(10)
    )
    TaskCoordination.objects.create(task=w.helping, unit=w.ward)
    w.old_done = make_task("Việc xong từ lâu", w.ward, deadline=days(-400), status=TaskStatus.DONE)
    w.cancelled = make_task("Việc đã hủy", w.ward, deadline=days(3), status=TaskStatus.CANCELLED)
    w.late = make_task("Việc quá hạn", w.ward, deadline=days(-20))
    w.no_deadline = make_task("Việc chưa có hạn", w.ward)
    w.sibling_task = make_task("Việc của phường bên", w.sibling, deadline=days(5))
    w.cell_task = make_task("Việc của chi bộ", w.cell, deadline=days(5))
    return w


def create_feed(client) -> tuple[str, str]:
    response = client.post(reverse("plans:calendar_feeds"))
    assert response.status_code == 200
    url, token = FEED_URL.search(response.content.decode()).groups()
    return url, token


def parse(response) -> Calendar:
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_ward_clerk_subscribes_to_the_deadlines_of_the_ward(deadlines, ward_clerk, login):
    url, token = create_feed(login(ward_clerk))
    assert url.endswith(f"/plans/calendar/feed/{token}.ics")
    response = Client().get(reverse("plans:calendar_feed", args=[token]))  # no login
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = parse(response)
    assert cal["version"] == "2.0"
    found = events(cal)
    assert set(found) == {
        "Rà soát hộ nghèo",
        "Tổ chức hội nghị học tập nghị quyết",
        "Sơ kết quý",
        "Tuyên truyền đô thị văn minh",  # coordinated by the ward
        "[Quá hạn] Việc quá hạn",
    }


def test_a_day_deadline_is_an_all_day_event_with_the_task_page(deadlines, ward_clerk, login):
    _url, token = create_feed(login(ward_clerk))
    event = events(parse(Client().get(reverse("plans:calendar_feed", args=[token]))))[
        "Rà soát hộ nghèo"
    ]
    assert event.decoded("dtstart") == days(5)
    assert event.decoded("dtend") == days(6)
    assert not isinstance(event.decoded("dtstart"), dt.datetime)  # a date: all day
    assert str(event["url"]).endswith(reverse("plans:task", args=[deadlines.poor.pk]))
    assert str(event["uid"]).startswith(f"task-{deadlines.poor.pk}@")
    assert "Đơn vị chủ trì: Đảng ủy Phường An Hội" in str(event["description"])


def test_a_month_deadline_spans_the_month_and_a_quarter_ends_on_its_last_day(
    deadlines, ward_clerk, login
):
    _url, token = create_feed(login(ward_clerk))
    found = events(parse(Client().get(reverse("plans:calendar_feed", args=[token]))))
    month = found["Tổ chức hội nghị học tập nghị quyết"]
    assert month.decoded("dtstart") == period_start(days(40), "month")
    assert month.decoded("dtend") == period_end(days(40), "month") + dt.timedelta(days=1)
    quarter = found["Sơ kết quý"]
    assert quarter.decoded("dtstart") == period_end(days(60), "quarter")


def test_the_token_is_shown_once_and_only_its_hash_is_stored(deadlines, ward_clerk, login):
    client = login(ward_clerk)
    _url, token = create_feed(client)
    feed = CalendarFeed.objects.get(user=ward_clerk)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    page = client.get(reverse("plans:calendar_feeds")).content.decode()
    assert token not in page
    assert FEED_URL.search(page) is None


def test_revoking_makes_the_address_answer_404(deadlines, ward_clerk, login):
    client = login(ward_clerk)
    _url, token = create_feed(client)
    feed = CalendarFeed.objects.get(user=ward_clerk)
    response = client.post(reverse("plans:calendar_feed_revoke", args=[feed.pk]))
    assert response.status_code == 302
    assert Client().get(reverse("plans:calendar_feed", args=[token])).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    again = client.post(reverse("plans:calendar_feed_revoke", args=[feed.pk]), follow=True)
    assert "đã được thu hồi trước đó" in again.content.decode()


def test_nobody_revokes_someone_elses_feed(deadlines, ward_clerk, city_secretary, login):
    _url, token = create_feed(login(ward_clerk))
    feed = CalendarFeed.objects.get(user=ward_clerk)
    response = login(city_secretary).post(reverse("plans:calendar_feed_revoke", args=[feed.pk]))
    assert response.status_code == 404
    assert Client().get(reverse("plans:calendar_feed", args=[token])).status_code == 200


@pytest.mark.parametrize("token", ["khong-ton-tai", "x" * 300, "%00"])
def test_an_unknown_token_is_404(deadlines, token):
    assert Client().get(f"/plans/calendar/feed/{token}.ics").status_code == 404


def test_a_deactivated_account_loses_its_feed(deadlines, ward_clerk, login):
    _url, token = create_feed(login(ward_clerk))
    ward_clerk.is_active = False
    ward_clerk.save()
    assert Client().get(reverse("plans:calendar_feed", args=[token])).status_code == 404


def test_at_most_five_live_addresses(deadlines, ward_clerk, login):
    client = login(ward_clerk)
    for _ in range(calendar.MAX_LIVE_FEEDS):
        create_feed(client)
    response = client.post(reverse("plans:calendar_feeds"), follow=True)
    assert "Hãy thu hồi một địa chỉ không còn dùng" in response.content.decode()
    assert CalendarFeed.objects.filter(user=ward_clerk).count() == calendar.MAX_LIVE_FEEDS


def test_using_the_feed_records_when(deadlines, ward_clerk, login):
    _url, token = create_feed(login(ward_clerk))
    Client().get(reverse("plans:calendar_feed", args=[token]))
    assert CalendarFeed.objects.get(user=ward_clerk).last_used_at is not None


def test_a_user_with_no_unit_gets_an_empty_but_valid_calendar(deadlines, outsider, login):
    _url, token = create_feed(login(outsider))
    cal = parse(Client().get(reverse("plans:calendar_feed", args=[token])))
    assert cal.walk("VEVENT") == []


def test_lines_are_folded_and_vietnamese_survives(deadlines, ward_clerk, login):
    make_task("Nhiệm vụ " + "rất dài " * 20 + "ở Phường An Hội", deadlines.ward, deadline=days(7))
    _url, token = create_feed(login(ward_clerk))
    raw = Client().get(reverse("plans:calendar_feed", args=[token])).content
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    summaries = [str(e["summary"]) for e in Calendar.from_ical(raw).walk("VEVENT")]
    assert any(s.endswith("ở Phường An Hội") and "rất dài" in s for s in summaries)
