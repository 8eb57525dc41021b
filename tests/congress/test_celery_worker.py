"""A real Celery worker on the Redis broker runs a task end to end against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from congress.celery import app as celery_app
from congress.models import WorkerHeartbeat
from congress.tasks import record_heartbeat

REPO = Path(__file__).resolve().parents[2]
TASK_TIMEOUT = 60
STOP_TIMEOUT = 30


def _test_database_url() -> str:
    """Point DATABASE_URL at the database pytest-django created, not the one it was derived from."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


@pytest.fixture
def not_eager():
    """Send tasks through the broker: the unit-test settings run them eagerly."""
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
        worker.terminate()
        try:
            worker.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.mark.redis
@pytest.mark.postgres
def test_a_real_worker_on_redis_records_a_heartbeat_sent_with_delay(celery_worker, not_eager):
    worker, log = celery_worker
    hostname = f"pytest-{uuid.uuid4().hex}"

    record_heartbeat.delay(hostname=hostname)

    deadline = time.monotonic() + TASK_TIMEOUT
    while not WorkerHeartbeat.objects.filter(hostname=hostname).exists():
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}):\n{log.read_text()[-4000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"no heartbeat after {TASK_TIMEOUT}s:\n{log.read_text()[-4000:]}")
        time.sleep(0.25)
    assert "congress.tasks.record_heartbeat" in log.read_text()
