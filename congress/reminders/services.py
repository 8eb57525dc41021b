"""Writes of the engine besides the sweep: immediate notices, preferences, message texts, staff retries."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import Channel, Delivery, MessageTemplate, NotificationPreference, Reminder, User
from congress.reminders.delivery import deliveries_enqueue_on_commit
from congress.reminders.messages import check_texts
from congress.reminders.permissions import can_manage_reminders, can_set_own_preferences
from congress.reminders.schedule import next_working_moment
from congress.reminders.sweep import channels_for
from congress.workflow import ensure


@transaction.atomic
def notice_send(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    sms_text: str = "",
    channels: Iterable[str] = (Channel.IN_APP, Channel.EMAIL, Channel.SMS),
) -> Reminder:
    """Send a person a message now (in working hours) through the channels they take; return its ledger row.

    The rows are written in the caller's transaction and handed to the workers after it commits, so
    a request that sends a notice stays fast and correct when the broker is down: the sweep sends it later.
    """
    reminder = Reminder.objects.create(
        kind=kind, recipient=recipient, title=title[:200], body=body, url=url, sms_text=(sms_text or title)[:500]
    )
    send_after = next_working_moment(timezone.now())
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(reminder=reminder, recipient=recipient, channel=channel, send_after=send_after)
            for channel in channels_for(recipient, channels)
        ]
    )
    if send_after <= timezone.now():
        deliveries_enqueue_on_commit([delivery.pk for delivery in deliveries])
    return reminder


def notification_test_send(*, user: User) -> Reminder:
    """Send the person a test message through every channel they take, to check their address and phone."""
    ensure(can_set_own_preferences(user))
    return notice_send(
        recipient=user,
        kind="test",
        title=_("Test message from the congress portal"),
        body=_("This message checks that reminders reach you. No action is needed."),
    )


@transaction.atomic
def notification_preference_update(*, user: User, email: bool, sms: bool, digest: bool) -> NotificationPreference:
    """Set which channels the person takes reminders through, and whether as one daily digest."""
    ensure(can_set_own_preferences(user))
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    preference.email, preference.sms, preference.digest = email, sms, digest
    preference.updated_at = timezone.now()
    preference.save()
    return preference


@transaction.atomic
def message_template_update(*, template_id: int, actor: User, title: str, body: str, sms: str) -> MessageTemplate:
    """Change a message text after checking that it renders; the next reminder uses it."""
    ensure(can_manage_reminders(actor))
    if not title.strip():
        raise ValueError(_("The title must not be empty."))
    check_texts(title=title, body=body, sms=sms)
    template = MessageTemplate.objects.select_for_update().get(pk=template_id)
    template.title, template.body, template.sms = title, body, sms
    template.updated_at = timezone.now()
    template.updated_by = actor
    template.save()
    return template


@transaction.atomic
def delivery_retry(*, delivery_id: int, actor: User) -> Delivery:
    """Put a failed delivery back in the queue with its attempts reset, at the next working moment."""
    ensure(can_manage_reminders(actor))
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    if delivery.status != Delivery.Status.FAILED:
        raise ValueError(_("Only a failed delivery can be sent again."))
    delivery.status = Delivery.Status.PENDING
    delivery.attempts = 0
    delivery.send_after = next_working_moment(timezone.now())
    delivery.queued_at = None
    delivery.save(update_fields=["status", "attempts", "send_after", "queued_at"])
    if delivery.send_after <= timezone.now():
        deliveries_enqueue_on_commit([delivery.pk])
    return delivery
