"""Personas shared by every test: a small tree and the people who work in it.

Tỉnh ủy Bến Tre (province)
└── Thành ủy Bến Tre (city)                 city secretary: manager; propaganda officer: editor
    ├── Ban Tuyên giáo Thành ủy (board)
    ├── Đảng ủy Phường An Hội (ward)        ward clerk: editor
    │   └── Chi bộ Khu phố 1 (cell)
    └── Đảng ủy Phường Phú Khương (sibling ward)
"""

import datetime as dt
import threading

import pytest
from django.contrib.auth import get_user_model
from django.test.testcases import LiveServerThread
from django.utils import translation

from trienkhai.org import services
from trienkhai.org.models import AccessRole, UnitKind

PASSWORD = "mat-khau-thu-nghiem-2020"


class _OneRequestAtATime:
    """The live server's application, one request at a time, body included.

    On SQLite in memory the test and every request thread of the live server share one
    connection: two requests at once (a double click) would interleave their savepoints on it
    and break the transaction for every later test. A real deployment gives each request its
    own connection, where the unique submission keys settle a double click."""

    lock = threading.Lock()

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        with self.lock:
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        return [body]


_create_server = LiveServerThread._create_server


def _create_serialised_server(self, connections_override=None):
    server = _create_server(self, connections_override=connections_override)
    if connections_override:  # a connection shared with the test: SQLite in memory
        set_app = server.set_app
        server.set_app = lambda app: set_app(_OneRequestAtATime(app))
    return server


LiveServerThread._create_server = _create_serialised_server


@pytest.fixture(autouse=True)
def _quick_test_settings(request, settings, tmp_path):
    """Each test stores its uploads in its own folder, hashes passwords cheaply (the personas
    log in thousands of times; a test marked `real_password_hashing` keeps Argon2) and starts
    its clients without WhiteNoise's scan of the static files, in the default language."""
    # A page in English leaves English active in the thread; each test starts in Vietnamese.
    translation.activate(settings.LANGUAGE_CODE)
    settings.MEDIA_ROOT = tmp_path / "media"
    # WhiteNoise would list every static file of every app each time a test client starts (a
    # sixth of a page test's time); looked up on request instead, as in development.
    settings.WHITENOISE_AUTOREFRESH = True
    if request.node.get_closest_marker("real_password_hashing") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Tree:
    """Named handles on the persona tree."""


@pytest.fixture
def tree(db):
    t = Tree()
    t.province = services.unit_create(
        actor=None,
        parent=None,
        kind=UnitKind.PROVINCIAL_PARTY_COMMITTEE,
        name="Tỉnh ủy Bến Tre",
        short_name="TU",
        established_on=dt.date(1930, 3, 1),
    )
    t.city = services.unit_create(
        actor=None,
        parent=t.province,
        kind=UnitKind.CITY_PARTY_COMMITTEE,
        name="Thành ủy Bến Tre",
        short_name="ThU",
        established_on=dt.date(1976, 1, 1),
    )
    t.board = services.unit_create(
        actor=None,
        parent=t.city,
        kind=UnitKind.PARTY_BOARD,
        name="Ban Tuyên giáo Thành ủy",
        short_name="BTG",
    )
    t.ward = services.unit_create(
        actor=None,
        parent=t.city,
        kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE,
        name="Đảng ủy Phường An Hội",
        established_on=dt.date(2020, 2, 1),
    )
    t.cell = services.unit_create(
        actor=None, parent=t.ward, kind=UnitKind.PARTY_CELL, name="Chi bộ Khu phố 1"
    )
    t.sibling = services.unit_create(
        actor=None,
        parent=t.city,
        kind=UnitKind.GRASSROOTS_PARTY_COMMITTEE,
        name="Đảng ủy Phường Phú Khương",
    )
    return t


def make_user(username, *, unit=None, role=None, superuser=False):
    User = get_user_model()
    user = User.objects.create_user(
        username=username, password=PASSWORD, is_superuser=superuser, is_staff=superuser
    )
    if unit is not None:
        services.access_grant(actor=None, user=user, unit=unit, role=role)
    return user


@pytest.fixture
def admin_user(tree):
    return make_user("quantri", superuser=True)


@pytest.fixture
def city_secretary(tree):
    return make_user("bithu", unit=tree.city, role=AccessRole.MANAGER)


@pytest.fixture
def propaganda_officer(tree):
    return make_user("tuyengiao", unit=tree.city, role=AccessRole.EDITOR)


@pytest.fixture
def ward_clerk(tree):
    return make_user("vanthu_anhoi", unit=tree.ward, role=AccessRole.EDITOR)


@pytest.fixture
def viewer(tree):
    return make_user("xem", unit=tree.city, role=AccessRole.VIEWER)


@pytest.fixture
def outsider(tree):
    return make_user("nguoingoai")


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def target_groups(db):
    """The target groups seeded by migration, put back for transactional tests (after one of
    them, the database is flushed and seeded rows are gone)."""
    from trienkhai.outreach.defaults import ensure_target_groups
    from trienkhai.outreach.models import TargetGroup

    ensure_target_groups(TargetGroup)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: counters (API rate, wrong survey codes) from one
    test never decide another's answer."""
    from django.core.cache import cache

    cache.clear()
