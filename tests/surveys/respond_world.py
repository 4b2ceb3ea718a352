"""Helpers shared by the tests of the online form: a survey open today, and the form fields a
respondent's browser would send."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from trienkhai.surveys.models import Survey

from .builders import choice, congress_survey


def open_today(w):
    """Move the survey's period around today: the pages use the real date."""
    today = timezone.localdate()
    Survey.objects.filter(pk=w.survey.pk).update(
        opens_on=today - dt.timedelta(days=5), closes_on=today + dt.timedelta(days=5)
    )
    w.survey.refresh_from_db()
    return w


@pytest.fixture
def w(tree):
    return open_today(congress_survey(tree))


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The throttle counts in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def form_url(code) -> str:
    return reverse("respond:form", kwargs={"code": getattr(code, "code", code)})


SAVE = "/s/gui/"


def page1(w, *, aware=1, trust=4):
    """What a respondent ticks on page 1 (Phần I)."""
    grid = {f"q{w.q_grid.pk}_r{r.pk}": choice(w.q_grid, 3) for r in w.q_grid.rows.all()}
    return {
        f"q{w.q_aware.pk}": choice(w.q_aware, aware),
        f"q{w.q_source.pk}": [choice(w.q_source, 1), choice(w.q_source, 4)],
        f"q{w.q_source.pk}_other": "Qua bạn bè",
        f"q{w.q_trust.pk}": choice(w.q_trust, trust),
        **grid,
    }


def page2(w, *, why="", years="12"):
    data = {
        f"q{w.q_years.pk}": years,
        f"q{w.q_level.pk}": choice(w.q_level, 2),
        f"q{w.q_idea.pk}": "Cần chọn người có đức, có tài",
    }
    if why:
        data[f"q{w.q_why.pk}"] = why
    return data


def post(client, code, page, action, fields, **extra):
    data = {"code": getattr(code, "code", code), "page": page, "action": action, **fields}
    return client.post(SAVE, data, **extra)


def answer_all(client, w, code, *, aware=1):
    """Go through both pages and send the form."""
    post(client, code, 0, "next", page1(w, aware=aware))
    return post(client, code, 1, "send", page2(w, why="Bận công tác" if aware == 2 else ""))
