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


@shared_task(name="congress.tasks.reminders_sweep")
def reminders_sweep() -> dict[str, int]:
    """Record the reminders due now and hand their deliveries over; beat runs it every 15 minutes."""
    from congress.reminders.sweep import sweep

    return vars(sweep())


@shared_task(name="congress.tasks.reminders_deliver")
def reminders_deliver(delivery_ids: list[int]) -> None:
    """Send a batch of deliveries, each once; near retries go back to the broker with their delay."""
    from congress.reminders.delivery import deliveries_retry_later, delivery_send

    retries = {}
    for delivery_id in delivery_ids:
        retry_in = delivery_send(delivery_id=delivery_id)
        if retry_in is not None:
            retries[delivery_id] = retry_in
    deliveries_retry_later(retries)
