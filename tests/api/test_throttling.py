"""A runaway script gets 429 with Retry-After, in our error shape, and the budget is per person:
another person's calls still go through."""

import pytest
from rest_framework.test import APIClient

from tests.api.clients import client_for

pytestmark = pytest.mark.django_db


def test_calls_over_the_budget_are_refused_until_it_renews(settings, city_secretary, viewer):
    settings.TRIENKHAI_API_RATE = "3/min"
    script = client_for(city_secretary)
    assert [script.get("/api/units/").status_code for _ in range(3)] == [200, 200, 200]
    refused = script.get("/api/units/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    error = refused.json()["error"]
    assert error["code"] == "throttled" and error["message"] and error["message_en"]
    # A second key of the same person shares the budget; another person has their own.
    assert client_for(city_secretary).get("/api/units/").status_code == 429
    assert client_for(viewer).get("/api/units/").status_code == 200


def test_without_a_login_the_budget_is_per_address(settings, db):
    """Calls that need no login (the schema; survey answers by code) count per address; calls
    that need one are refused (401) before they cost anything."""
    settings.TRIENKHAI_API_RATE = "1/min"
    anonymous = APIClient()
    assert anonymous.get("/api/openapi.json").status_code == 200
    assert anonymous.get("/api/openapi.json").status_code == 429
    assert APIClient(REMOTE_ADDR="10.0.0.9").get("/api/openapi.json").status_code == 200


def test_an_empty_rate_switches_it_off(settings, city_secretary):
    settings.TRIENKHAI_API_RATE = ""
    script = client_for(city_secretary)
    assert {script.get("/api/units/").status_code for _ in range(5)} == {200}
