"""The calendar of classes: month and week views, and the ICS download and secret feed."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from trienkhai.outreach import calendar
from trienkhai.outreach.models import Campaign, ClassSession, ClassStatus
from trienkhai.plans.calendar import calendar_feed_create, calendar_feed_revoke

from .io_world import TODAY, at, campaign_world

pytestmark = pytest.mark.django_db

URL = "/outreach/calendar/"


@pytest.fixture
def world(tree):
    return campaign_world(tree)


def _events(content: bytes) -> list:
    return list(Calendar.from_ical(content).walk("VEVENT"))


# --- periods --------------------------------------------------------------------------------------
def test_month_and_week_parameters_are_read_and_bad_ones_ignored():
    assert calendar.parse_month("2020-09") == dt.date(2020, 9, 1)
    assert calendar.parse_month("2020-13") is None
    assert calendar.parse_month("tháng 9") is None
    assert calendar.parse_week("2020-W37") == dt.date(2020, 9, 7)
    assert calendar.parse_week("2021-W53") is None
    assert calendar.week_param(dt.date(2020, 9, 10)) == "2020-W37"
    assert calendar.add_months(dt.date(2020, 12, 1), 1) == dt.date(2021, 1, 1)


def test_month_grid_starts_on_monday_and_covers_whole_weeks():
    weeks = calendar.month_weeks(dt.date(2020, 9, 1), [], TODAY)
    assert weeks[0][0].date == dt.date(2020, 8, 31)  # a Monday
    assert weeks[-1][-1].date == dt.date(2020, 10, 4)  # a Sunday
    assert not weeks[0][0].in_period and weeks[0][1].in_period
    assert all(len(week) == 7 for week in weeks)


# --- the page -------------------------------------------------------------------------------------
def test_month_view_lists_the_classes_of_the_month_with_status(world, city_secretary, login):
    page = login(city_secretary).get(URL, {"month": "2020-09"}).content.decode()
    assert "Tháng 9 năm 2020" in page
    assert "Thứ Hai" in page and "Chủ nhật" in page
    for session in (world.city_class, world.ward_class, world.sibling_class):
        assert session.title in page
        assert reverse("outreach:class", kwargs={"pk": session.pk}) in page
    assert "<del>Lớp bổ sung (hủy)</del>" in page
    assert "?month=2020-08" in page and "?month=2020-10" in page


def test_ward_clerk_never_sees_sibling_classes_in_month_or_week(world, ward_clerk, login):
    client = login(ward_clerk)
    for params in ({"month": "2020-09"}, {"week": "2020-W37"}, {"week": "2020-W38"}):
        page = client.get(URL, params).content.decode()
        assert world.sibling_class.title not in page
        assert world.city_class.title not in page
    assert world.ward_class.title in client.get(URL, {"month": "2020-09"}).content.decode()


def test_week_view_shows_days_as_columns_with_times(world, viewer, login):
    page = login(viewer).get(URL, {"week": "2020-W37"}).content.decode()
    assert "Tuần 37: từ 7-9-2020 đến 13-9-2020" in page
    assert "Thứ Ba, 8-9-2020" in page
    assert "7:30–11:00" in page
    assert "14:00–16:30" in page
    assert "Nhà văn hóa Phường An Hội" in page
    assert world.sibling_class.title not in page  # 15-9 is the next week
    assert "?week=2020-W36" in page and "?week=2020-W38" in page


def test_campaign_filter_keeps_only_that_campaign(world, city_secretary, login, tree):
    other = Campaign.objects.create(title="Đợt khác", owner_unit=tree.city)
    ClassSession.objects.create(
        campaign=other, organiser=tree.city, title="Lớp của đợt khác", starts_at=at(9, 8)
    )
    client = login(city_secretary)
    assert "Lớp của đợt khác" in client.get(URL, {"month": "2020-09"}).content.decode()
    page = client.get(URL, {"month": "2020-09", "campaign": world.campaign.pk}).content.decode()
    assert "Lớp của đợt khác" not in page
    assert world.city_class.title in page


def test_page_explains_both_calendar_addresses(world, ward_clerk, login):
    page = login(ward_clerk).get(URL).content.decode()
    assert reverse("outreach:calendar_ics") in page
    assert reverse("plans:calendar_feeds") in page
    assert "outreach/<wbr>calendar/<wbr>feed/<wbr><var>mã</var>.ics" in page


def test_a_bad_month_shows_the_current_month(world, ward_clerk, login):
    response = login(ward_clerk).get(URL, {"month": "2020-99"})
    assert response.status_code == 200


# --- ICS --------------------------------------------------------------------------------------------
def test_ics_download_has_one_event_per_class_in_vietnam_time(world, city_secretary, login):
    response = login(city_secretary).get(
        reverse("outreach:calendar_ics"), {"campaign": world.campaign.pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f"lop-quan-triet-{world.campaign.pk}.ics" in response["Content-Disposition"]
    events = {str(e["summary"]): e for e in _events(response.content)}
    assert len(events) == 4
    city = events[world.city_class.title]
    assert city.decoded("dtstart") == at(8, 7, 30)
    assert city["dtstart"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert city.decoded("dtend") == at(8, 11)
    assert str(city["location"]) == "Hội trường Thành ủy"
    description = str(city["description"])
    assert world.campaign.title in description
    assert "Thành ủy Bến Tre" in description
    assert "Nguyễn Văn Báo" in description
    assert "Cán bộ chủ chốt (dự kiến 50, tham dự 45)" in description
    assert str(events["[Đã hủy] Lớp bổ sung (hủy)"]["status"]) == "CANCELLED"
    assert b"BEGIN:VTIMEZONE" in response.content
    assert b"20200908T073000" in response.content


def test_ward_clerk_ics_holds_only_the_ward_class(world, ward_clerk, login):
    response = login(ward_clerk).get(
        reverse("outreach:calendar_ics"), {"campaign": world.campaign.pk}
    )
    assert [str(e["summary"]) for e in _events(response.content)] == [world.ward_class.title]


def test_feed_without_campaign_keeps_a_year_of_past_classes(world, city_secretary):
    old = ClassSession.objects.create(
        campaign=world.campaign,
        organiser=world.tree.city,
        title="Lớp năm trước",
        starts_at=at(1, 8) - dt.timedelta(days=400),
    )
    shown = calendar.feed_classes(city_secretary, today=TODAY)
    assert old not in shown
    assert world.city_class in shown and len(shown) == 4


def test_secret_feed_needs_no_login_and_shows_the_owner_classes(world, ward_clerk, client):
    _feed, token = calendar_feed_create(actor=ward_clerk)
    url = reverse("outreach:calendar_feed", args=[token])
    assert url == f"/outreach/calendar/feed/{token}.ics"
    response = client.get(url, {"campaign": world.campaign.pk})
    assert response.status_code == 200
    assert [str(e["summary"]) for e in _events(response.content)] == [world.ward_class.title]
    assert response["Cache-Control"] == "private, no-cache"


def test_revoked_or_unknown_token_is_404(world, ward_clerk, client):
    feed, token = calendar_feed_create(actor=ward_clerk)
    url = reverse("outreach:calendar_feed", args=[token])
    assert client.get(url).status_code == 200
    calendar_feed_revoke(actor=ward_clerk, feed=feed)
    assert client.get(url).status_code == 404
    assert client.get(reverse("outreach:calendar_feed", args=["khong-co"])).status_code == 404


def test_feed_of_a_campaign_its_owner_cannot_see_is_404(world, outsider, client):
    _feed, token = calendar_feed_create(actor=outsider)
    url = reverse("outreach:calendar_feed", args=[token])
    assert client.get(url, {"campaign": world.campaign.pk}).status_code == 404
    assert _events(client.get(url).content) == []


def test_class_without_end_has_no_dtend(world, city_secretary):
    data = calendar.classes_ics([world.sibling_class], name="x")
    (event,) = _events(data)
    assert "dtend" not in event
    assert event.decoded("dtstart") == at(15, 8)


def test_status_tag_is_shown_in_words(world, city_secretary, login):
    world.ward_class.status = ClassStatus.PLANNED
    world.ward_class.save()
    page = login(city_secretary).get(URL, {"week": "2020-W37"}).content.decode()
    assert "Dự kiến" in page and "Đã tổ chức" in page
