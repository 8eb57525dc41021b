"""When the cache behind the rate limits is unreachable, the API still answers."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from congress.models import Role
from tests.congress.factories import make_user

pytestmark = pytest.mark.django_db

# A Redis address where nothing listens: every cache call fails at once with a connection error.
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def test_a_dead_throttle_cache_lets_requests_through_unthrottled(client, county):
    staff = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    client.force_login(staff)

    with override_settings(CACHES=DEAD_REDIS):
        caches._settings = None  # the handler re-reads CACHES for the override
        try:
            response = client.get("/api/v1/users/me/")
        finally:
            caches._settings = None

    assert response.status_code == 200
    assert response.json()["username"] == staff.username
