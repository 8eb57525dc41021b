"""Kernel Celery tasks."""

import socket

from celery import shared_task
from django.utils import timezone

from congress.models import WorkerHeartbeat


@shared_task(name="congress.tasks.record_heartbeat")
def record_heartbeat(hostname: str = "") -> str:
    """Record that a worker is alive; beat schedules it every minute and the status page reads it."""
    name = hostname or socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(hostname=name, defaults={"last_seen": timezone.now()})
    return name


@shared_task(name="congress.tasks.purge_idempotency_records")
def purge_idempotency_records() -> int:
    """Delete stored Idempotency-Key answers past their retention; beat runs it hourly."""
    from congress.api.idempotency import purge_idempotency_records as purge

    return purge()
