"""Schemathesis drives the API from its live OpenAPI schema, as a client would: generated
requests (valid and not) for every operation, authenticated with a real token. A bounded run:
no answer may be a server error, and every answer must match the schema it documents."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.plans.test_tasks import make_task
from trienkhai.api.tokens import token_create

# The schema is read from the running application (its own /api/openapi.json), not a file.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes the database connection at the end of a request; Django's test client
    stops that, and so must this in-process WSGI caller, or the test's transaction is gone
    (PostgreSQL: "connection is closed")."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(tree, city_secretary):
    make_task(tree)
    return {"Authorization": f"Bearer {token_create(user=city_secretary, name='st')[1]}"}


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@pytest.mark.django_db
def test_api_answers_match_its_schema(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])
