"""The access log writes respondents' paths without their one-time codes."""

import datetime as dt
from types import SimpleNamespace

from gunicorn.config import Config

from trienkhai.gunicorn_logging import Logger


def _atoms(path):
    logger = Logger(Config())
    environ = {
        "PATH_INFO": path,
        "RAW_URI": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": "",
        "REQUEST_METHOD": "GET",
        "REMOTE_ADDR": "10.0.0.9",
    }
    req = SimpleNamespace(headers=[], method="GET", uri=path, path=path, query="", version=(1, 1))
    resp = SimpleNamespace(status="200 OK", headers=[], response_length=10, sent=10)
    return logger.atoms(resp, req, environ, dt.timedelta(milliseconds=5))


def test_a_personal_survey_link_is_logged_without_its_code():
    atoms = _atoms("/s/ABCDE23456/")
    assert "ABCDE23456" not in " ".join(str(v) for v in atoms.values())
    assert atoms["U"] == "/s/…"


def test_other_paths_are_logged_as_they_are():
    assert _atoms("/plans/tasks/")["U"] == "/plans/tasks/"
