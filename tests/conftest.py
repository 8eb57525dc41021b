"""Shared fixtures, and the rule for tests that need real services.

Tests marked `postgres`, `redis` or `browser` run when DATABASE_URL points at PostgreSQL,
REDIS_URL at Redis and /usr/bin/chromium exists; otherwise they are skipped with the reason
shown. With CONGRESS_REQUIRE_SERVICES=1 (as .ci/run sets) a missing service fails them instead.

A transactional test (transaction=True, or a fixture using transactional_db) must also ask for serialized
rollback (the marker's serialized_rollback=True, or the django_db_serialized_rollback fixture): its flush
would otherwise wipe the official calendar the data migration loaded, and mixing the two kinds breaks the
restore of the ones that do ask.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.celery_broker import stop, tasks_sent_to

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[1]


def _missing_service(marker: str) -> str | None:
    if marker == "postgres" and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if marker == "redis" and not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://..."
    if marker == "browser" and not (Path(CHROMIUM).exists() and shutil.which("chromium")):
        return f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    strict = os.environ.get("CONGRESS_REQUIRE_SERVICES") == "1"
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing_service(marker)
        if reason is None:
            continue
        if strict:
            pytest.fail(f"CONGRESS_REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def county(db):
    """A county congress with its standing committee, one term and its first session."""
    from tests.congress.factories import CountyFactory

    return CountyFactory()


@pytest.fixture
def english():
    """Run a test in English, for assertions on the wording of service messages."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def queued_tasks():
    """Send this process's tasks to kombu's in-memory broker, where they wait for a worker as in production.

    For counting what a request itself costs: in eager mode the tasks it hands to the workers would run inside it.
    """
    with tasks_sent_to("memory://"):
        yield


@pytest.fixture(autouse=True)
def _fresh_search_statistics():
    """Each test reads the gram index's statistics of its own data (a process keeps them for minutes)."""
    from suggestions.search import forget_gram_statistics

    forget_gram_statistics()


def _test_database_url() -> str:
    """Point DATABASE_URL at the database pytest-django created, not the one it was derived from."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


@pytest.fixture
def not_eager():
    """Send tasks through the broker: the unit-test settings run them eagerly."""
    from congress.celery import app as celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker(transactional_db, django_db_serialized_rollback, tmp_path):
    """Run `celery worker` as a subprocess on REDIS_URL and the pytest test database; stop it afterwards."""
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "congress.settings.dev",
        "DATABASE_URL": _test_database_url(),
        "CONGRESS_VAR_DIR": str(tmp_path / "var"),
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "congress", "worker", "--pool", "solo", "--loglevel", "INFO"]
    command += ["--hostname", f"pytest-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle"]
    with log.open("wb") as output:
        worker = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield worker, log
    finally:
        # Stop it before pytest-django flushes or drops the test database the worker is connected to.
        stop(worker)


@pytest.fixture(autouse=True)
def _default_language():
    """Start each test in the portal's default language: a request that asked for English leaves it active."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
