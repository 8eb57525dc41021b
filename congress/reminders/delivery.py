"""Sending deliveries: once each, keyed on the delivery row, with retries and backoff; and handing them to Celery."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from congress.models import Delivery, Reminder
from congress.reminders import channels
from congress.reminders.messages import DIGEST_KEY, Renderer
from congress.reminders.schedule import next_working_moment

logger = logging.getLogger("congress.reminders")

# Publishing gives up fast when the broker is down: the rows stay pending and the next sweep hands them over.
ENQUEUE_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# A retry further away than this waits for a sweep rather than sitting in the broker as a delayed message.
MAX_COUNTDOWN = 600


def absolute_url(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}" if path.startswith("/") else path


def delivery_send(*, delivery_id: int) -> float | None:
    """Send one pending delivery; return the seconds until its retry, or None when nothing is left to do.

    The row is locked for the send, so a second worker holding the same id skips it; sent and failed
    rows are left alone, which makes a redelivered task harmless. An in-app message is written in the
    same transaction as the status, so it exists exactly once.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("reminder", "recipient")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        try:
            with transaction.atomic():
                delivery.notification = channels.send(
                    channel=delivery.channel,
                    delivery_id=delivery.pk,
                    recipient=delivery.recipient,
                    **_content(delivery),
                )
        except Exception as error:  # noqa: BLE001 - every failure is recorded on the row and retried
            return _record_failure(delivery, error, now=now)
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = now
        delivery.save(update_fields=["status", "sent_at", "attempts", "notification"])
    return None


def _record_failure(delivery: Delivery, error: Exception, *, now: dt.datetime) -> float | None:
    delays = settings.REMINDERS_RETRY_DELAYS
    delivery.last_error = f"{type(error).__name__}: {error}"[:1000]
    retry_in = None
    if delivery.attempts > len(delays):
        delivery.status = Delivery.Status.FAILED
        logger.warning("delivery %s failed for good after %s attempts: %s", delivery.pk, delivery.attempts, error)
    else:
        retry_at = next_working_moment(now + dt.timedelta(seconds=delays[delivery.attempts - 1]))
        delivery.send_after = retry_at
        delivery.queued_at = None
        retry_in = max((retry_at - now).total_seconds(), 0.0)
        logger.info(
            "delivery %s failed (attempt %s), retry in %.0fs: %s", delivery.pk, delivery.attempts, retry_in, error
        )
    delivery.save(update_fields=["status", "attempts", "last_error", "send_after", "queued_at"])
    return retry_in


def _content(delivery: Delivery) -> dict[str, str]:
    if delivery.reminder is not None:
        reminder = delivery.reminder
        return {
            "title": reminder.title,
            "body": reminder.body,
            "sms": reminder.sms_text,
            "url": absolute_url(reminder.url),
            "kind": reminder.kind,
        }
    # A digest: every reminder folded into this person's digest of that morning.
    items = list(
        Reminder.objects.filter(recipient_id=delivery.recipient_id, digest_date=delivery.digest_date)
        .order_by("due_date", "id")
        .values_list("title", "due_date")
    )
    url = absolute_url(reverse("notifications"))
    dues = [due for _title, due in items if due is not None]
    rendered = Renderer().render(
        DIGEST_KEY,
        {
            "count": len(items),
            "items": "\n".join(f"· {title}" for title, _due in items),
            "url": url,
            "first_due": min(dues, default=""),
        },
    )
    return {"title": rendered.title, "body": rendered.body, "sms": rendered.sms, "url": url, "kind": DIGEST_KEY}


def deliveries_enqueue(ids: Iterable[int], *, countdown: float | None = None) -> int:
    """Hand deliveries to the workers in batches; return how many the broker took.

    A broker that is down is logged, not raised: the rows stay pending and the next sweep hands them over.
    """
    from congress.tasks import reminders_deliver

    ids = list(ids)
    size = max(settings.REMINDERS_BATCH_SIZE, 1)
    handed = 0
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        try:
            reminders_deliver.apply_async(
                kwargs={"delivery_ids": chunk}, countdown=countdown, retry=True, retry_policy=ENQUEUE_RETRY_POLICY
            )
        except Exception as error:  # noqa: BLE001 - the broker's own errors vary by transport
            logger.warning(
                "could not hand %s deliveries to the broker (%s); the next sweep will", len(ids) - handed, error
            )
            break
        handed += len(chunk)
    now = timezone.now()
    for start in range(0, handed, 5000):
        handed_ids = ids[start : min(start + 5000, handed)]
        Delivery.objects.filter(pk__in=handed_ids, status=Delivery.Status.PENDING).update(queued_at=now)
    return handed


def deliveries_enqueue_on_commit(ids: Iterable[int]) -> None:
    """Hand deliveries over once the transaction that wrote them has committed."""
    ids = list(ids)
    if ids:
        transaction.on_commit(partial(deliveries_enqueue, ids))


def deliveries_enqueue_due(*, now: dt.datetime) -> int:
    """Hand over every pending delivery whose time has come and that no worker has been given lately."""
    stale = now - dt.timedelta(seconds=settings.REMINDERS_REQUEUE_AFTER)
    ids = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, send_after__lte=now)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=stale))
        .order_by("send_after", "id")
        .values_list("id", flat=True)
    )
    return deliveries_enqueue(ids) if ids else 0


def deliveries_retry_later(retries: dict[int, float]) -> None:
    """Schedule near retries as delayed messages; far ones wait for the sweep."""
    for delivery_id, seconds in retries.items():
        if seconds <= MAX_COUNTDOWN:
            deliveries_enqueue([delivery_id], countdown=seconds)
