"""Campaigns, classes and attendees through the API: every endpoint × every role × a unit of
one's own, a descendant, a sibling and the unit above. A token has exactly its owner's rights:
404 for what one may not see, 403 for what one sees but may not do, 401 without a key.

A campaign is seen by those who see its organising unit and by the units it was delegated to
(the unit above delegated its campaign to the persona's unit), who see their own part only:
never the class the unit above held itself. Only the organising unit's editors change a
campaign (its quotas, its delegations); a class's organiser's editors (or the campaign's)
change, cancel the class and its list; a delegated unit's editors (or those above it) report.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from tests.api.clients import api
from trienkhai.api.tokens import token_create
from trienkhai.org import services as org
from trienkhai.org.models import AccessRole, UnitKind
from trienkhai.outreach import classes, services
from trienkhai.outreach.models import CampaignStatus, ClassStatus, Delegation, TargetGroup

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROLES = ["admin_user", "city_secretary", "propaganda_officer", "ward_clerk", "viewer", "outsider"]
TARGETS = {"own": "city", "descendant": "ward", "sibling": "district", "ancestor": "province"}
WARD_TARGETS = {"own": "ward", "descendant": "cell", "sibling": "sibling", "ancestor": "city"}
EDITORS = {"admin_user", "city_secretary", "propaganda_officer", "ward_clerk"}
MATRIX = [(role, target) for role in ROLES for target in TARGETS]
IDS = [f"{r}-{t}" for r, t in MATRIX]


@pytest.fixture
def world(tree):
    """Each unit of the persona tree, and a second district, organises a campaign with one
    class it held and one person listed; the province delegates its campaign to the city and
    the city its own to the ward."""
    tree.district = org.unit_create(
        actor=None,
        parent=tree.province,
        kind=UnitKind.DISTRICT_PARTY_COMMITTEE,
        name="Huyện ủy Châu Thành",
    )
    tree.members = TargetGroup.objects.get(code="dang-vien")
    for name in ("province", "city", "district", "ward", "cell", "sibling"):
        unit = getattr(tree, name)
        unit.campaign = services.campaign_create(
            actor=None,
            title=f"Quán triệt Nghị quyết của {unit.name}",
            owner_unit=unit,
            start_on=dt.date(2020, 9, 1),
            deadline=dt.date(2020, 9, 30),
            status=CampaignStatus.RUNNING,
            target_groups=[tree.members],
        )
        unit.session = classes.class_create(
            actor=None,
            campaign=unit.campaign,
            organiser=unit,
            title=f"Lớp quán triệt của {unit.name}",
            starts_at=dt.datetime(2020, 9, 10, 8, tzinfo=VN),
            groups={tree.members: (20, None)},
            status=ClassStatus.HELD,
        )
        unit.attendee = classes.attendee_add(
            actor=None,
            session=unit.session,
            full_name=f"Đảng viên của {unit.name}",
            target_group=tree.members,
        )
    for above, below in (("province", "city"), ("city", "ward")):
        services.delegation_create(
            actor=None, campaign=getattr(tree, above).campaign, units=[getattr(tree, below)]
        )
    return tree


def target_unit(world, role, target):
    return getattr(world, (WARD_TARGETS if role == "ward_clerk" else TARGETS)[target])


def campaign_seen(role, target) -> bool:
    """Own and descendant units' campaigns; the one delegated to one's unit (ancestor)."""
    return role == "admin_user" or (role != "outsider" and target != "sibling")


def class_seen(role, target) -> bool:
    """The class the organising unit held itself: not for the unit it delegated to."""
    return role == "admin_user" or (role != "outsider" and target in ("own", "descendant"))


def may_edit(role, target) -> bool:
    return role == "admin_user" or (role in EDITORS and target in ("own", "descendant"))


def ids(answer) -> set[int]:
    assert answer.status_code == 200, answer.json()
    return {row["id"] for row in answer.json()["results"]}


def code(seen: bool, allowed: bool, ok: int) -> int:
    return (ok if allowed else 403) if seen else 404


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=IDS)
def test_reading_campaigns_and_classes(request, world, role, target):
    unit = target_unit(world, role, target)
    client = api(request, role)
    seen = campaign_seen(role, target)
    assert client.get(f"/api/campaigns/{unit.campaign.pk}/").status_code == (200 if seen else 404)
    listed = ids(client.get("/api/campaigns/", {"page_size": 500}))
    assert (unit.campaign.pk in listed) is seen
    classes_url = f"/api/campaigns/{unit.campaign.pk}/classes/"
    answer = client.get(classes_url)
    assert answer.status_code == (200 if seen else 404)
    shown = class_seen(role, target)
    if seen:
        assert (unit.session.pk in ids(answer)) is shown
    assert client.get(f"/api/classes/{unit.session.pk}/").status_code == (200 if shown else 404)
    attendees = client.get(f"/api/classes/{unit.session.pk}/attendees/")
    assert attendees.status_code == (200 if shown else 404)
    if shown:
        assert ids(attendees) == {unit.attendee.pk}
    person = client.get(f"/api/attendees/{unit.attendee.pk}/")
    assert person.status_code == (200 if shown else 404)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=IDS)
def test_changing_a_campaign(request, world, role, target):
    unit = target_unit(world, role, target)
    answer = api(request, role).patch(
        f"/api/campaigns/{unit.campaign.pk}/",
        {"description": "Bổ sung yêu cầu."},
        format="json",
        HTTP_IF_MATCH="*",
    )
    seen = campaign_seen(role, target)
    assert answer.status_code == code(seen, may_edit(role, target), 200), answer.json()
    if answer.status_code == 403:
        assert answer.json()["error"]["code"] == "forbidden"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=IDS)
def test_starting_a_campaign(request, world, role, target):
    """Who edits no unit may start none (403); a unit one may not organise as is a field error."""
    unit = target_unit(world, role, target)
    answer = api(request, role).post(
        "/api/campaigns/",
        {"title": "Quán triệt Chỉ thị 05", "owner_unit": unit.pk, "start_on": "2020-10-01"},
        format="json",
    )
    if role in ("viewer", "outsider"):
        assert answer.status_code == 403
    elif may_edit(role, target):
        assert answer.status_code == 201, answer.json()
    else:
        assert answer.status_code == 400
        assert answer.json()["error"]["field"] == "owner_unit"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=IDS)
def test_adding_a_class(request, world, role, target):
    """As the organising unit: its editors may; a delegated unit's editors may hold classes of
    the campaign, but not as the unit above (field error); a viewer holds none (403)."""
    unit = target_unit(world, role, target)
    answer = api(request, role).post(
        f"/api/campaigns/{unit.campaign.pk}/classes/",
        {
            "title": "Lớp bổ sung",
            "organiser": unit.pk,
            "starts_at": "2020-09-20T08:00:00+07:00",
            "groups": [{"target_group": world.members.pk, "expected": 10}],
        },
        format="json",
    )
    seen = campaign_seen(role, target)
    if not seen:
        assert answer.status_code == 404
    elif role == "viewer":
        assert answer.status_code == 403
    elif may_edit(role, target):
        assert answer.status_code == 201, answer.json()
    else:
        assert answer.status_code == 400
        assert answer.json()["error"]["field"] == "organiser"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=IDS)
def test_changing_a_class(request, world, role, target):
    unit = target_unit(world, role, target)
    answer = api(request, role).patch(
        f"/api/classes/{unit.session.pk}/",
        {"place": "Hội trường"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    expected = code(class_seen(role, target), may_edit(role, target), 200)
    assert answer.status_code == expected, answer.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=IDS)
def test_recording_attendance(request, world, role, target):
    unit = target_unit(world, role, target)
    client = api(request, role)
    seen, allowed = class_seen(role, target), may_edit(role, target)
    added = client.post(
        f"/api/classes/{unit.session.pk}/attendees/",
        {"full_name": "Võ Thị Hoa", "target_group": world.members.pk, "status": "excused"},
        format="json",
    )
    assert added.status_code == code(seen, allowed, 201), added.json()
    changed = client.patch(
        f"/api/attendees/{unit.attendee.pk}/",
        {"status": "absent"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert changed.status_code == code(seen, allowed, 200), changed.json()


@pytest.fixture
def delegated(world):
    """Every campaign delegated to a new unit under its organising unit (`unit.delegation`), and
    a second unit under it not yet delegated (`unit.spare`)."""
    for name in ("province", "city", "district", "ward", "cell", "sibling"):
        unit = getattr(world, name)
        below = org.unit_create(
            actor=None, parent=unit, kind=UnitKind.OTHER, name=f"Tổ công tác của {unit.name}"
        )
        unit.spare = org.unit_create(
            actor=None, parent=unit, kind=UnitKind.OTHER, name=f"Tổ dự bị của {unit.name}"
        )
        (unit.delegation,) = services.delegation_create(
            actor=None, campaign=unit.campaign, units=[below]
        )
    return world


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=IDS)
def test_the_quota_grid(request, world, role, target):
    """Read by whoever sees the campaign (its part of it); set by the organising unit's editors."""
    unit = target_unit(world, role, target)
    client = api(request, role)
    seen = campaign_seen(role, target)
    url = f"/api/campaigns/{unit.campaign.pk}/quotas/"
    assert client.get(url).status_code == (200 if seen else 404)
    cells = [{"unit": unit.pk, "target_group": world.members.pk, "expected": 12}]
    answer = client.patch(url, {"cells": cells}, format="json", HTTP_IF_MATCH="*")
    assert answer.status_code == code(seen, may_edit(role, target), 200), answer.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=IDS)
def test_delegating_a_campaign(request, delegated, role, target):
    unit = target_unit(delegated, role, target)
    client = api(request, role)
    seen = campaign_seen(role, target)
    url = f"/api/campaigns/{unit.campaign.pk}/delegations/"
    listed = client.get(url)
    assert listed.status_code == (200 if seen else 404)
    if seen:
        # The organisers' own delegation to the unit below: not in the part of a unit it was
        # delegated to (the ancestor's campaign), which sees its own delegation only.
        assert (unit.delegation.pk in ids(listed)) is class_seen(role, target)
    answer = client.post(url, {"units": [unit.spare.pk]}, format="json")
    assert answer.status_code == code(seen, may_edit(role, target), 201), answer.json()
    assert Delegation.objects.filter(unit=unit.spare).exists() is (answer.status_code == 201)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=IDS)
def test_reporting_on_a_delegation(request, delegated, role, target):
    """The delegated unit's editors report (and those above it); a ward never sees the
    delegations of the unit above to other units."""
    unit = target_unit(delegated, role, target)
    client = api(request, role)
    seen = class_seen(role, target)
    url = f"/api/delegations/{unit.delegation.pk}/"
    assert client.get(url).status_code == (200 if seen else 404)
    answer = client.patch(url, {"report": "Đã hoàn thành."}, format="json", HTTP_IF_MATCH="*")
    assert answer.status_code == code(seen, may_edit(role, target), 200), answer.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=IDS)
def test_cancelling_a_class(request, world, role, target):
    unit = target_unit(world, role, target)
    answer = api(request, role).post(
        f"/api/classes/{unit.session.pk}/cancel/", {"reason": "Hoãn."}, format="json"
    )
    expected = code(class_seen(role, target), may_edit(role, target), 200)
    assert answer.status_code == expected, answer.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "target"), MATRIX, ids=IDS)
def test_taking_a_person_off_a_list(request, world, role, target):
    unit = target_unit(world, role, target)
    answer = api(request, role).delete(f"/api/attendees/{unit.attendee.pk}/")
    expected = code(class_seen(role, target), may_edit(role, target), 204)
    assert answer.status_code == expected, answer.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["own", "sibling"])
def test_filters_name_only_what_one_sees(request, world, role, target):
    """A unit filter on a unit one may not see answers 404, like opening it."""
    unit = target_unit(world, role, target)
    client = api(request, role)
    unit_seen = role == "admin_user" or (role != "outsider" and target == "own")
    assert client.get("/api/campaigns/", {"unit": unit.pk}).status_code == (
        200 if unit_seen else 404
    )


@pytest.mark.django_db
def test_the_make_up_class_editors_mark_only_the_make_up(world):
    """Someone who reads the city's classes and edits the ward's marks that an absentee of a city
    class made it up in a ward class (the page's "made up here" button), and nothing else."""
    from tests.conftest import make_user

    user = make_user("doan_vien_an_hoi", unit=world.city, role=AccessRole.VIEWER)
    org.access_grant(actor=None, user=user, unit=world.ward, role=AccessRole.EDITOR)
    makeup = classes.class_create(
        actor=None,
        campaign=world.city.campaign,
        organiser=world.ward,
        title="Lớp học bù",
        starts_at=dt.datetime(2020, 9, 25, 8, tzinfo=VN),
        groups={world.members: (5, None)},
    )
    absent = classes.attendee_add(
        actor=None,
        session=world.city.session,
        full_name="Huỳnh Văn Tâm",
        target_group=world.members,
        status="absent",
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='t')[1]}")
    url = f"/api/attendees/{absent.pk}/"
    answer = client.patch(url, {"status": "excused"}, format="json", HTTP_IF_MATCH="*")
    assert answer.status_code == 403
    answer = client.patch(url, {"made_up_in": makeup.pk}, format="json", HTTP_IF_MATCH="*")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["made_up_in"] == makeup.pk
    # The ward's clerk does not see the city's class: its people are not theirs to mark.
    clerk = make_user("vanthu2", unit=world.ward, role=AccessRole.EDITOR)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=clerk, name='t')[1]}")
    answer = client.patch(url, {"made_up_in": None}, format="json", HTTP_IF_MATCH="*")
    assert answer.status_code == 404


WRITES = [
    ("post", "/api/campaigns/"),
    ("patch", "/api/campaigns/{campaign}/"),
    ("post", "/api/campaigns/{campaign}/classes/"),
    ("patch", "/api/classes/{session}/"),
    ("post", "/api/classes/{session}/attendees/"),
    ("patch", "/api/attendees/{attendee}/"),
    ("patch", "/api/campaigns/{campaign}/quotas/"),
    ("post", "/api/campaigns/{campaign}/delegations/"),
    ("patch", "/api/delegations/{delegation}/"),
    ("post", "/api/classes/{session}/cancel/"),
    ("delete", "/api/attendees/{attendee}/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_read_only_key_writes_nothing(request, world, method, path):
    client = api(request, "city_secretary", read_only=True)
    city = world.city
    url = path.format(
        campaign=city.campaign.pk,
        session=city.session.pk,
        attendee=city.attendee.pk,
        delegation=Delegation.objects.get(campaign=city.campaign).pk,
    )
    answer = getattr(client, method)(url, {}, format="json", HTTP_IF_MATCH="*")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/target-groups/"),
        ("get", "/api/campaigns/"),
        ("get", "/api/campaigns/1/"),
        ("get", "/api/campaigns/1/classes/"),
        ("get", "/api/classes/1/"),
        ("get", "/api/classes/1/attendees/"),
        ("get", "/api/attendees/1/"),
        ("get", "/api/campaigns/1/quotas/"),
        ("get", "/api/campaigns/1/delegations/"),
        ("get", "/api/delegations/1/"),
        *WRITES,
    ],
)
def test_no_credentials(method, path):
    url = path.format(campaign=1, session=1, attendee=1, delegation=1)
    answer = getattr(APIClient(), method)(url, {}, format="json")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"
