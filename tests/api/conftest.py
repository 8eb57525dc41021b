"""Fixtures for the API tests: a county with people in every role, and keys for them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from congress.models import Role
from tests.congress.factories import UnitFactory, make_user


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle counters live in the cache, and ids repeat across tests on SQLite.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def people(county):
    """The county's committee office staff, a sysadmin, a unit handler, a deputy and an API client login."""
    unit = UnitFactory(body=county.congress, name="县交通运输局")
    return SimpleNamespace(
        county=county,
        unit=unit,
        staff=make_user(body=county.committee, roles=[Role.OFFICE_STAFF], phone="13812345678"),
        admin=make_user(body=county.committee, roles=[Role.SYSADMIN]),
        leader=make_user(body=county.committee, roles=[Role.LEADER]),
        handler=make_user(body=county.congress, roles=[Role.UNIT_HANDLER], unit=unit),
        deputy=make_user(body=county.congress, roles=[Role.DEPUTY]),
        system=make_user(body=county.committee, roles=[Role.API_CLIENT], username="oa-system"),
    )
