"""Send this process's Celery tasks through a real broker instead of eagerly, and stop worker processes."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

# Seconds a worker is given to stop before it is killed.
STOP_TIMEOUT = 30


@contextmanager
def tasks_sent_to(broker_url: str) -> Iterator[None]:
    """Send this process's tasks to `broker_url`, not eagerly, until the block ends."""
    from congress.celery import app as celery_app

    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = broker_url, False
    # The app keeps its connection pool and producers for the broker it first used.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def stop(worker: subprocess.Popen) -> None:
    """Ask a worker process to stop; kill it if it has not within STOP_TIMEOUT seconds."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
