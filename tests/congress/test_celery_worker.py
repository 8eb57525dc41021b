"""A real Celery worker on the Redis broker runs a task end to end against the test database."""

from __future__ import annotations

import time
import uuid

import pytest

from congress.models import WorkerHeartbeat
from congress.tasks import record_heartbeat

TASK_TIMEOUT = 60


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
