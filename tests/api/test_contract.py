"""Contract test: requests generated from the OpenAPI schema never get a 5xx and every answer fits the schema."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from congress.models import Notification, Role
from congress.wsgi import application
from deputies.models import Deputy
from tests.api.helpers import personal_token
from tests.congress.factories import CountyFactory, make_user

# The rates are raised so generated traffic exercises the endpoints rather than the throttle.
RATES = {"client": "100000/min", "user": "100000/min", "anon": "100000/min", "auth_token": "100000/min"}


def _load_schema():
    """Build the schema the API serves, without a request (collection time has no database)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = application
    return loaded


schema = _load_schema()


@pytest.fixture
def token(db):
    """A personal token of an administrator who is also office staff, in a county with some data."""
    county = CountyFactory()
    Deputy.objects.create(body=county.congress, code="C1", name="王建国", gender="male", level="county")
    admin = make_user(body=county.committee, roles=[Role.SYSADMIN, Role.OFFICE_STAFF])
    Notification.objects.create(recipient=admin, title="提醒")
    return personal_token(admin)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # As Django's test client does: the WSGI app would otherwise close the connection holding
    # the test's transaction at the end of each request (PostgreSQL notices, SQLite does not).
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_throttling():
    from rest_framework.settings import api_settings

    with override_settings(REST_FRAMEWORK={**api_settings.user_settings, "DEFAULT_THROTTLE_RATES": RATES}):
        yield


@schema.parametrize()
@settings(
    max_examples=25,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_honours_its_schema(case, token):
    # Schema-valid input may still break a business rule (a taken username, a body outside the
    # caller's county, a wrong password): those are 400s by design, so that one check is left out.
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, excluded_checks=[positive_data_acceptance])
