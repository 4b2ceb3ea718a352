"""Production settings send the browser the protective headers and cookie flags, and every
upload is size-limited with a message that says what to do.

The production settings are read in a subprocess (TRIENKHAI_ENV=production needs its own
interpreter: settings are read once per process), which also runs `check --deploy` and asks
one page through the test client over HTTPS.
"""

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

PROBE = textwrap.dedent(
    """
    import io, json
    import django
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    out = io.StringIO()
    try:
        call_command("check", deploy=True, stdout=out, stderr=out, fail_level="CRITICAL")
    except Exception as exc:  # a check failure is reported, not raised here
        out.write(repr(exc))
    names = [
        "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
        "SECURE_REFERRER_POLICY", "SECURE_PROXY_SSL_HEADER",
    ]
    # The hashed static files need collectstatic; plain storage renders the same page.
    static = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=static):
        response = Client(HTTP_X_FORWARDED_PROTO="https").get("/accounts/login/", secure=True)
        plain = Client().get("/accounts/login/")
    print(json.dumps({
        "settings": {n: getattr(settings, n, None) for n in names},
        "check": out.getvalue(),
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {
            k: {"secure": bool(v["secure"]), "httponly": bool(v["httponly"]),
                "samesite": v["samesite"]}
            for k, v in response.cookies.items()
        },
        "plain_status": plain.status_code,
        "plain_location": plain.headers.get("Location", ""),
    }, default=str))
    """
)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    data = tmp_path_factory.mktemp("production")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TRIENKHAI_", "DATABASE_URL", "REDIS_URL"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "trienkhai.settings",
        "TRIENKHAI_ENV": "production",
        "TRIENKHAI_SECRET_KEY": secrets.token_urlsafe(60),
        "TRIENKHAI_ALLOWED_HOSTS": "testserver",
        "TRIENKHAI_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
    }
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=root,
        check=True,
        capture_output=True,
        timeout=300,
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_finds_nothing(production):
    assert "security.W" not in production["check"], production["check"]
    assert "no issues" in production["check"], production["check"]


def test_https_only_settings(production):
    s = production["settings"]
    assert s["DEBUG"] is False
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert s["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")


def test_plain_http_is_sent_to_https(production):
    assert production["plain_status"] == 301
    assert production["plain_location"].startswith("https://")


def test_a_page_carries_the_protective_headers(production):
    assert production["status"] == 200
    headers = {k.lower(): v for k, v in production["headers"].items()}
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["strict-transport-security"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    csp = headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_the_csrf_cookie_is_secure_httponly_and_samesite(production):
    cookie = production["cookies"]["csrftoken"]
    assert cookie == {"secure": True, "httponly": True, "samesite": "Lax"}


# --- uploads --------------------------------------------------------------------------------------
# Every place a file comes in, and the check that bounds it (the pages and the API call the same
# services, so one check per entry covers both):
#   org:import, outreach:attendance_import, exchange:import_new, api exchange_imports
#       -> lib.upload.read_upload (TRIENKHAI_MAX_IMPORT_BYTES; zip bombs: check_xlsx)
#   documents:register_new, draft_new, file_add, version_new, consultation comment files,
#   api documents/drafts/files/versions -> documents.files.check_upload (MAX_DOCUMENT_BYTES)
#   plans:task_comment evidence, api task comment evidence -> plans.tasks._check_evidence
#   plans:measurement_new evidence, api measurements -> plans.indicators.check_evidence
#   reading:new, reading:read_document -> reading.services.text_of_upload (MAX_DOCUMENT_BYTES)
LIMIT = 2000


@pytest.fixture
def small_limits(settings):
    settings.TRIENKHAI_MAX_IMPORT_BYTES = LIMIT
    settings.TRIENKHAI_MAX_DOCUMENT_BYTES = LIMIT
    settings.TRIENKHAI_MAX_EVIDENCE_BYTES = LIMIT


def oversized(name="tep.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * (LIMIT * 2), "application/pdf")


def test_imports_refuse_an_oversized_file(small_limits):
    from trienkhai.exchange import format as fmt
    from trienkhai.exchange.services import read_package
    from trienkhai.lib import upload

    with pytest.raises(upload.FileRejected, match="Tệp quá lớn"):
        upload.read_upload(oversized("don-vi.xlsx"))
    with pytest.raises(fmt.PackageInvalid, match="Tệp quá lớn"):
        read_package(oversized("goi.json"))


@pytest.mark.parametrize(
    ("checker", "field"),
    [
        ("trienkhai.documents.files.check_upload", None),
        ("trienkhai.plans.tasks._check_evidence", "evidence"),
        ("trienkhai.plans.indicators.check_evidence", "evidence"),
        ("trienkhai.reading.services.text_of_upload", "file"),
    ],
)
def test_files_refuse_an_oversized_upload_with_a_clear_message(small_limits, checker, field):
    from django.utils.module_loading import import_string

    with pytest.raises(ValidationError) as caught:
        import_string(checker)(oversized())
    messages = caught.value.message_dict[field] if field else caught.value.messages
    assert any("vượt quá giới hạn" in m and "MB" in m for m in messages), messages


def test_upload_limits_are_set(settings):
    for name in (
        "TRIENKHAI_MAX_IMPORT_BYTES",
        "TRIENKHAI_MAX_DOCUMENT_BYTES",
        "TRIENKHAI_MAX_EVIDENCE_BYTES",
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
    ):
        assert 0 < getattr(settings, name) <= 50 * 1024 * 1024, name


def test_an_oversized_import_through_the_page_says_so(small_limits, client, admin_user, tree):
    from django.urls import reverse

    client.force_login(admin_user)
    response = client.post(
        reverse("org:import"), {"file": oversized("don-vi.xlsx"), "target": tree.city.pk}
    )
    assert response.status_code in (200, 400)
    assert "Tệp quá lớn" in response.content.decode()
