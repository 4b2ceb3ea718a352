"""The demo's article read on 07-KH/ThU: the review screen opens with its proposals, the units
matched in the Bến Tre tree of 2020; and the real article, where it is at hand, reads the same."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import import_string

from trienkhai.demo import LOADERS
from trienkhai.demo.scenario_org import (
    KEY_CITY_COMMITTEE,
    KEY_CITY_PARTY,
    ensure_demo_accounts,
    key_city_body,
)
from trienkhai.demo.scenario_reading import TEXT_FILE, load_reading_scenario, plan_document
from trienkhai.extraction import extract
from trienkhai.org.models import Unit
from trienkhai.plans.models import Task
from trienkhai.reading.matching import UnitMatcher
from trienkhai.reading.models import Reading
from trienkhai.reading.proposals import LINK, SELF, propose

ARTICLE = (
    Path(__file__).resolve().parents[3] / "shared" / "scenario" / "ben-tre-2020-article.vi.txt"
)


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for the module and rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        for path in LOADERS:
            import_string(path)()
        ensure_demo_accounts()
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("scenario")


def unit(key: str) -> Unit:
    return Unit.objects.get(source_key=key)


def secretary():
    return get_user_model().objects.get(username="bithu")


def demo_reading() -> Reading:
    return Reading.objects.get(document=plan_document(), source_name=TEXT_FILE.name)


def test_the_demo_text_is_read_on_the_plan_once(db):
    reading = demo_reading()
    assert reading.unit == unit(KEY_CITY_PARTY) and not reading.is_applied
    assert load_reading_scenario() is False
    assert Reading.objects.count() == 1


def test_its_proposals_match_the_units_of_2020(db):
    proposals = propose(demo_reading(), secretary())
    leads = {p.assignment.lead: p.lead.unit for p in proposals.tasks}
    assert leads["UBND thành phố"] == unit(KEY_CITY_COMMITTEE)
    assert leads["Ban Tuyên giáo Thành ủy"] == unit(key_city_body("ban-tuyen-giao"))
    assert leads["Bí thư Đảng ủy xã, phường"] is None  # fourteen of them: the user decides
    smart = next(p for p in proposals.tasks if p.assignment.lead == "UBND thành phố")
    assert smart.unmatched == ["các sở, ngành tỉnh"]
    assert smart.deadline[1] == "month" and smart.deadline[0].month == 12

    refs = {p.ref.number: p for p in proposals.references}
    assert refs["07-KH/ThU"].mode == SELF
    assert refs["127-QĐ/TW"].mode == LINK and refs["127-QĐ/TW"].related
    assert refs["98-QĐ/TW"].mode == LINK and refs["98-QĐ/TW"].checked
    assert {p.measure_unit for p in proposals.indicators} >= {"lớp", "phiếu"}


def test_the_review_screen_opens_for_the_secretary_and_the_document_page_links_it(db):
    client = Client()
    client.force_login(secretary())
    reading = demo_reading()
    response = client.get(reverse("reading:detail", args=[reading.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tạo các mục đã chọn" in page and "UBND thành phố Bến Tre" in page
    page = client.get(reverse("documents:detail", args=[reading.document_id])).content.decode()
    assert reverse("reading:detail", args=[reading.pk]) in page
    assert Task.objects.filter(reading_links__isnull=False).count() == 0


@pytest.mark.skipif(not ARTICLE.exists(), reason="the real article is not in ../shared/scenario")
def test_the_real_article_names_the_same_city_committee(db):
    found = extract(ARTICLE.read_text(encoding="utf-8"))
    matcher = UnitMatcher(issuer=unit(KEY_CITY_PARTY), day=plan_document().issued_on)
    leads = [matcher.explain(a.lead) for a in found.assignments]
    assert unit(KEY_CITY_COMMITTEE) in {m.unit for m in leads}
    assert "07-KH/ThU" in {r.number for r in found.doc_refs}
