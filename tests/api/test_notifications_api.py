"""One's own notices through the API, as in the inbox: newest first, only unread on request,
one marked read (again changes nothing), all marked read; nobody else's, whatever their id; a
read-only key reads them but marks nothing."""

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.clients import client_for
from trienkhai.api.tokens import token_create
from trienkhai.notifications.models import Notification
from trienkhai.notifications.services import notify


def notice(user, text, *, url="", minutes_ago=0, read=False):
    notify(user=user, text=text, url=url)
    row = Notification.objects.filter(user=user).order_by("-id").first()
    Notification.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        read_at=timezone.now() if read else None,
    )
    row.refresh_from_db()
    return row


@pytest.fixture
def inbox(ward_clerk, city_secretary):
    """The ward clerk's three notices (one read) and one of the city secretary's."""
    return {
        "old": notice(ward_clerk, "Cũ, đã đọc", minutes_ago=60, read=True),
        "newest": notice(ward_clerk, "Mới nhất", url="/tasks/7/", minutes_ago=1),
        "middle": notice(ward_clerk, "Ở giữa", minutes_ago=30),
        "theirs": notice(city_secretary, "Của bí thư"),
    }


def texts(answer) -> list[str]:
    assert answer.status_code == 200, answer.json()
    return [row["text"] for row in answer.json()["results"]]


@pytest.mark.django_db
def test_ones_own_notices_newest_first(inbox, ward_clerk):
    api = client_for(ward_clerk)
    assert texts(api.get("/api/notifications/")) == ["Mới nhất", "Ở giữa", "Cũ, đã đọc"]
    assert texts(api.get("/api/notifications/", {"unread": "true"})) == ["Mới nhất", "Ở giữa"]
    assert texts(api.get("/api/notifications/", {"unread": "false"})) == ["Cũ, đã đọc"]
    first = api.get("/api/notifications/").json()["results"][0]
    assert first["url"] == "/tasks/7/"
    assert (first["is_read"], first["read_at"]) == (False, None)
    wrong = api.get("/api/notifications/", {"unread": "maybe"})
    assert wrong.status_code == 400
    assert wrong.json()["error"]["field"] == "unread"
    paged = api.get("/api/notifications/", {"page_size": 2}).json()
    rest = api.get(paged["next"]).json()
    assert [r["text"] for r in paged["results"] + rest["results"]] == [
        "Mới nhất",
        "Ở giữa",
        "Cũ, đã đọc",
    ]


@pytest.mark.django_db
def test_marking_one_read(inbox, ward_clerk):
    api = client_for(ward_clerk)
    path = f"/api/notifications/{inbox['middle'].pk}/read/"
    answer = api.post(path)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["is_read"] is True
    inbox["middle"].refresh_from_db()
    read_at = inbox["middle"].read_at
    assert read_at is not None
    assert api.post(path).status_code == 200  # again: still read, from the first time
    inbox["middle"].refresh_from_db()
    assert inbox["middle"].read_at == read_at
    assert texts(api.get("/api/notifications/", {"unread": "1"})) == ["Mới nhất"]


@pytest.mark.django_db
def test_nobody_elses_notices(inbox, ward_clerk, admin_user):
    api = client_for(ward_clerk)
    theirs = inbox["theirs"]
    answer = api.post(f"/api/notifications/{theirs.pk}/read/")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert "Của bí thư" not in texts(api.get("/api/notifications/"))
    # Not even an administrator reads or marks another's notices.
    admin = client_for(admin_user)
    assert texts(admin.get("/api/notifications/")) == []
    assert admin.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404
    assert admin.post("/api/notifications/read-all/").json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_marking_all_read(inbox, ward_clerk):
    api = client_for(ward_clerk)
    answer = api.post("/api/notifications/read-all/")
    assert answer.status_code == 200
    assert answer.json() == {"marked": 2}
    assert texts(api.get("/api/notifications/", {"unread": "true"})) == []
    assert api.post("/api/notifications/read-all/").json() == {"marked": 0}
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None  # only one's own


@pytest.mark.django_db
def test_a_read_only_key_reads_but_marks_nothing(inbox, ward_clerk):
    api = client_for(ward_clerk, read_only=True)
    assert len(texts(api.get("/api/notifications/"))) == 3
    for path in (f"/api/notifications/{inbox['newest'].pk}/read/", "/api/notifications/read-all/"):
        answer = api.post(path)
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "forbidden"
    assert Notification.objects.filter(user=ward_clerk, read_at__isnull=True).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin_user", "city_secretary", "ward_clerk", "outsider"])
def test_every_role_has_only_its_own_inbox(request, role):
    """The permission matrix for notices: whatever one's scope, one's own and no other's."""
    user = request.getfixturevalue(role)
    other = request.getfixturevalue("viewer")
    mine, theirs = notice(user, "Của tôi"), notice(other, "Của người khác")
    api = client_for(user)
    assert texts(api.get("/api/notifications/")) == ["Của tôi"]
    assert api.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404
    assert api.post(f"/api/notifications/{mine.pk}/read/").status_code == 200
    assert api.post("/api/notifications/read-all/").json() == {"marked": 0}


# --- the schema, as a client reads it -----------------------------------------------------------
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application()).include(
    path_regex="^/api/notifications/"
)


@pytest.fixture
def bearer(inbox, ward_clerk):
    """Schemathesis calls the WSGI application itself, whose request signals would close the
    database connection mid-test; Django's test client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {token_create(user=ward_clerk, name='st')[1]}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@pytest.mark.django_db
def test_answers_match_the_schema(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])
