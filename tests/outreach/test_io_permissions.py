"""Who may open the calendar, import attendance and download the campaign report.

Roles × (own unit, sibling unit, outsider, anonymous): a ward edits its own classes only and
sees only its own part; the city's viewer reads everything and changes nothing.
"""

import pytest
from django.urls import reverse

from trienkhai.outreach.models import Campaign

from .io_world import campaign_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return campaign_world(tree)


@pytest.fixture
def people(admin_user, city_secretary, propaganda_officer, viewer, ward_clerk, outsider):
    return {
        "admin": admin_user,
        "city_secretary": city_secretary,
        "propaganda_officer": propaganda_officer,
        "viewer": viewer,
        "ward_clerk": ward_clerk,
        "outsider": outsider,
    }


def _status(client, user, url) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


IMPORT_EXPECTED = {
    # (ward's class, sibling's class)
    "admin": (200, 200),
    "city_secretary": (200, 200),
    "propaganda_officer": (200, 200),
    "viewer": (403, 403),
    "ward_clerk": (200, 404),
    "outsider": (404, 404),
}


@pytest.mark.parametrize("name", ["attendance_import", "attendance_template"])
@pytest.mark.parametrize("role", list(IMPORT_EXPECTED))
def test_attendance_pages_by_role(world, people, client, name, role):
    own, sibling = IMPORT_EXPECTED[role]
    user = people[role]
    assert _status(client, user, reverse(f"outreach:{name}", args=[world.ward_class.pk])) == own
    assert (
        _status(client, user, reverse(f"outreach:{name}", args=[world.sibling_class.pk])) == sibling
    )


@pytest.mark.parametrize("name", ["attendance_import", "attendance_template"])
def test_attendance_pages_send_anonymous_to_login(world, client, name):
    response = client.get(reverse(f"outreach:{name}", args=[world.ward_class.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_ward_clerk_cannot_post_a_list_to_a_sibling_class(world, ward_clerk, login):
    from .io_world import xlsx_file

    url = reverse("outreach:attendance_import", args=[world.sibling_class.pk])
    response = login(ward_clerk).post(
        url, {"file": xlsx_file([["An", "", "Đảng viên", "", ""]]), "mode": "append"}
    )
    assert response.status_code == 404
    assert not world.sibling_class.attendees.exists()


REPORT_EXPECTED = {
    # (campaign delegated to the ward, campaign of the city not delegated)
    "admin": (200, 200),
    "city_secretary": (200, 200),
    "propaganda_officer": (200, 200),
    "viewer": (200, 200),
    "ward_clerk": (200, 404),
    "outsider": (404, 404),
}


@pytest.mark.parametrize("name", ["campaign_xlsx", "campaign_docx"])
@pytest.mark.parametrize("role", list(REPORT_EXPECTED))
def test_report_downloads_by_role(world, people, client, tree, name, role):
    undelegated = Campaign.objects.create(title="Đợt của riêng thành phố", owner_unit=tree.city)
    delegated_status, other_status = REPORT_EXPECTED[role]
    user = people[role]
    assert _status(client, user, reverse(f"outreach:{name}", args=[world.campaign.pk])) == (
        delegated_status
    )
    assert _status(client, user, reverse(f"outreach:{name}", args=[undelegated.pk])) == (
        other_status
    )


@pytest.mark.parametrize("name", ["campaign_xlsx", "campaign_docx", "calendar_ics", "calendar"])
def test_report_and_calendar_send_anonymous_to_login(world, client, name):
    url = (
        reverse(f"outreach:{name}", args=[world.campaign.pk])
        if name.startswith("campaign")
        else reverse(f"outreach:{name}")
    )
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


CALENDAR_SEES = {
    # which of (city class, ward class, sibling class) appear in September
    "admin": (True, True, True),
    "city_secretary": (True, True, True),
    "propaganda_officer": (True, True, True),
    "viewer": (True, True, True),
    "ward_clerk": (False, True, False),
    "outsider": (False, False, False),
}


@pytest.mark.parametrize("role", list(CALENDAR_SEES))
def test_calendar_shows_each_role_its_classes(world, people, client, role):
    client.force_login(people[role])
    response = client.get(reverse("outreach:calendar"), {"month": "2020-09"})
    assert response.status_code == 200
    page = response.content.decode()
    classes = (world.city_class, world.ward_class, world.sibling_class)
    assert tuple(c.title in page for c in classes) == CALENDAR_SEES[role]


@pytest.mark.parametrize("name", ["calendar", "calendar_ics"])
def test_calendar_of_a_campaign_the_user_cannot_see_is_404(world, outsider, login, name):
    response = login(outsider).get(reverse(f"outreach:{name}"), {"campaign": world.campaign.pk})
    assert response.status_code == 404
    assert login(outsider).get(reverse(f"outreach:{name}"), {"campaign": "abc"}).status_code == 404
