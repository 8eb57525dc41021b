"""The sweep: as of a moment, record every reminder that is due in the ledger and hand deliveries to Celery.

Its cost grows with the due subjects, not with the open ones: each policy becomes a set of due dates
(`schedule.firing_map`), and the subjects are read with one indexed `due IN (…)` query.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from congress.models import Channel, Delivery, NotificationPreference, Reminder, ReminderCursor, ReminderPolicy, User
from congress.reminders.channels import can_reach
from congress.reminders.delivery import deliveries_enqueue_due
from congress.reminders.messages import Renderer, message_templates_ensure, status_phrase
from congress.reminders.policies import policies_for, reminder_policies_ensure
from congress.reminders.registry import ReminderKind, all_kinds
from congress.reminders.schedule import (
    Firing,
    calendar_for,
    date_ranges,
    digest_moment,
    firing_map,
    next_working_moment,
)

logger = logging.getLogger("congress.reminders")

CHUNK = 2000
DUE = "_reminder_due"


@dataclass
class SweepResult:
    reminders: int = 0
    deliveries: int = 0
    enqueued: int = 0

    def add(self, other: SweepResult) -> None:
        self.reminders += other.reminders
        self.deliveries += other.deliveries
        self.enqueued += other.enqueued


def sweep(*, at: dt.datetime | None = None, kinds: Iterable[ReminderKind] | None = None) -> SweepResult:
    """Record every reminder due as of `at` (default now), then hand what may go out now to the workers.

    Safe to run at any time and any number of times, also at once: the ledger's unique key lets each
    reminder be recorded once, and deliveries are sent once per row.
    """
    at = at or timezone.now()
    today = timezone.localdate(at)
    reminder_policies_ensure()
    message_templates_ensure()
    renderer = Renderer()
    result = SweepResult()
    for kind in kinds if kinds is not None else all_kinds():
        result.add(_sweep_kind(kind, at=at, today=today, renderer=renderer))

    def enqueue() -> None:
        result.enqueued = deliveries_enqueue_due(now=at)

    # Runs at once outside a transaction; inside one (a caller's atomic block) only after it commits.
    transaction.on_commit(enqueue)
    logger.info("reminder sweep as of %s: %s", at.isoformat(), result)
    return result


def _sweep_kind(kind: ReminderKind, *, at: dt.datetime, today: dt.date, renderer: Renderer) -> SweepResult:
    if kind.prepare is not None:
        kind.prepare(today)
    cursor = ReminderCursor.objects.filter(kind=kind.name).values_list("swept_through", flat=True).first()
    # After an outage the window reaches back to the last finished sweep (bounded); the latest firing wins.
    earliest = today - dt.timedelta(days=settings.REMINDERS_CATCH_UP_DAYS)
    start = today if cursor is None else min(max(cursor, earliest), today)
    result = SweepResult()
    policies = policies_for(kind)
    own_bodies = [policy.body_id for policy in policies if policy.body_id is not None]
    for policy in policies:
        if policy.is_active:
            result.add(_sweep_policy(kind, policy, own_bodies, at=at, start=start, today=today, renderer=renderer))
    updated = ReminderCursor.objects.filter(kind=kind.name, swept_through__lt=today).update(swept_through=today)
    if not updated:
        ReminderCursor.objects.get_or_create(kind=kind.name, defaults={"swept_through": today})
    return result


def _sweep_policy(
    kind: ReminderKind,
    policy: ReminderPolicy,
    own_bodies: list[int],
    *,
    at: dt.datetime,
    start: dt.date,
    today: dt.date,
    renderer: Renderer,
) -> SweepResult:
    max_overdue = settings.REMINDERS_MAX_OVERDUE_DAYS
    calendar = calendar_for(
        start=start, end=today, max_offset=max(policy.offsets, default=0), max_overdue_days=max_overdue
    )
    firings = _firings(policy, start=start, today=today, calendar=calendar, max_overdue=max_overdue)
    if not firings:
        return SweepResult()
    subjects = _due_subjects(kind, policy, own_bodies, firings)
    due_rows = list(subjects.values_list("pk", DUE))
    result = SweepResult()
    send_after = next_working_moment(at, calendar)
    digest_at = digest_moment(at, calendar)
    for begin in range(0, len(due_rows), CHUNK):
        chunk = dict(due_rows[begin : begin + CHUNK])
        result.add(
            _record_chunk(
                kind, policy, chunk, firings, at=at, send_after=send_after, digest_at=digest_at, renderer=renderer
            )
        )
    return result


def _firings(policy: ReminderPolicy, *, start, today, calendar, max_overdue) -> dict[dt.date, Firing]:
    return firing_map(
        offsets=policy.offsets,
        shift_to_working_day=policy.shift_to_working_day,
        overdue_every=policy.overdue_every,
        start=start,
        end=today,
        calendar=calendar,
        max_overdue_days=max_overdue,
    )


def _due_subjects(kind: ReminderKind, policy: ReminderPolicy, own_bodies: list[int], firings: dict):
    """Return the kind's open subjects whose due date fires, for this policy's bodies, by an indexed filter."""
    queryset = kind.queryset()
    if kind.due_expression is not None:
        queryset = queryset.annotate(**{DUE: kind.due_expression})
    else:
        queryset = queryset.annotate(**{DUE: F(kind.due_field)})
    due_lookup = DUE if kind.due_expression is not None else kind.due_field
    if kind.body_field:
        if policy.body_id is not None:
            queryset = queryset.filter(**{kind.body_field: policy.body_id})
        elif own_bodies:
            queryset = queryset.exclude(**{f"{kind.body_field}__in": own_bodies})
    runs = date_ranges(list(firings))
    if len(runs) <= 20:
        condition = Q()
        for low, high in runs:
            condition |= Q(**{f"{due_lookup}__range": (low, high)})
        queryset = queryset.filter(condition)
    else:
        queryset = queryset.filter(**{f"{due_lookup}__in": sorted(firings)})
    return queryset.order_by()


def _record_chunk(
    kind: ReminderKind,
    policy: ReminderPolicy,
    due_by_pk: dict[int, dt.date],
    firings: dict[dt.date, Firing],
    *,
    at: dt.datetime,
    send_after: dt.datetime,
    digest_at: dt.datetime,
    renderer: Renderer,
) -> SweepResult:
    """Write the chunk's new reminders and their deliveries in one transaction."""
    due_by_pk = {pk: _as_date(due) for pk, due in due_by_pk.items()}
    offsets = {firings[due].offset for due in due_by_pk.values()}
    existing = set(
        Reminder.objects.filter(kind=kind.name, object_id__in=list(due_by_pk), offset__in=offsets).values_list(
            "object_id", "recipient_id", "due_date", "offset"
        )
    )
    subjects = kind.queryset().in_bulk(list(due_by_pk))
    recipients = _recipients(kind, policy, subjects, due_by_pk, firings)
    wanted = [
        (pk, user_id, escalated)
        for pk, users in recipients.items()
        for user_id, escalated in users.items()
        if (pk, user_id, due_by_pk[pk], firings[due_by_pk[pk]].offset) not in existing
    ]
    if not wanted:
        return SweepResult()
    people = {
        user.pk: user
        for user in User.objects.filter(
            pk__in={user_id for _pk, user_id, _esc in wanted}, is_active=True
        ).select_related("notification_preference")
    }
    subject_type = ContentType.objects.get_for_model(kind.queryset().model)
    run = uuid.uuid4()
    digest_date = timezone.localdate(digest_at)
    rows = []
    for pk, user_id, escalated in wanted:
        person = people.get(user_id)
        if person is None:
            continue
        subject, due = subjects[pk], due_by_pk[pk]
        firing = firings[due]
        url = kind.url(subject) if kind.url else ""
        text = renderer.render(
            kind.key,
            {
                "subject": subject,
                "kind": kind.label,
                "due_date": due,
                # Shifted off a holiday, a reminder goes out earlier than its offset says.
                "days_left": max((due - firing.fire_date).days, 0),
                "days_overdue": max(-firing.offset, 0),
                "status": status_phrase(firing.offset if firing.offset < 0 else (due - firing.fire_date).days),
                "recipient": person.display_name,
                "url": url,
                **(kind.extra_context(subject) if kind.extra_context else {}),
            },
        )
        rows.append(
            Reminder(
                kind=kind.name,
                subject_type=subject_type,
                object_id=pk,
                recipient_id=user_id,
                due_date=due,
                offset=firing.offset,
                fire_date=firing.fire_date,
                escalated=escalated,
                title=text.title,
                body=text.body,
                sms_text=text.sms,
                url=url,
                digest_date=digest_date if _prefers_digest(person) else None,
                run=run,
                created_at=at,
            )
        )
    with transaction.atomic():
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        # Only the rows this sweep wrote: a concurrent sweep's rows conflicted and carry its own run.
        won = list(Reminder.objects.filter(run=run).values_list("id", "recipient_id", "digest_date"))
        deliveries = _deliveries(won, people, policy, send_after=send_after, digest_at=digest_at)
    return SweepResult(reminders=len(won), deliveries=deliveries)


def _as_date(value) -> dt.date:
    return timezone.localdate(value) if isinstance(value, dt.datetime) else value


def _recipients(kind, policy, subjects, due_by_pk, firings) -> dict[int, dict[int, bool]]:
    """Return {subject pk: {user id: escalated}} from the kind's recipients and, when due, its escalation."""
    result: dict[int, dict[int, bool]] = defaultdict(dict)
    ordered = list(subjects.values())
    for pk, user_ids in kind.recipients(ordered).items():
        for user_id in user_ids:
            result[pk][user_id] = False
    if kind.escalation_recipients is not None and policy.escalate_after:
        escalated = [
            subject for subject in ordered if firings[due_by_pk[subject.pk]].overdue_count >= policy.escalate_after
        ]
        if escalated:
            for pk, user_ids in kind.escalation_recipients(escalated).items():
                for user_id in user_ids:
                    result[pk].setdefault(user_id, True)
    return {pk: users for pk, users in result.items() if pk in due_by_pk}


def _prefers_digest(person: User) -> bool:
    preference = _preference(person)
    return preference is not None and preference.digest


def _preference(person: User) -> NotificationPreference | None:
    try:
        return person.notification_preference
    except NotificationPreference.DoesNotExist:
        return None


def channels_for(person: User, channels: Iterable[str]) -> list[str]:
    """Return the channels a message to this person goes through: the policy's, as the person chose, reachable."""
    preference = _preference(person)
    chosen = []
    for channel in channels:
        if channel == Channel.EMAIL and preference is not None and not preference.email:
            continue
        if channel == Channel.SMS and preference is not None and not preference.sms:
            continue
        if can_reach(person, channel):
            chosen.append(channel)
    return chosen


def _deliveries(won, people, policy, *, send_after: dt.datetime, digest_at: dt.datetime) -> int:
    """Write the deliveries of the reminders this sweep won; a digest reader gets one digest row per channel."""
    rows: list[Delivery] = []
    digests: set[tuple[int, str, dt.date]] = set()
    for reminder_id, user_id, digest_date in won:
        person = people[user_id]
        for channel in channels_for(person, policy.channels):
            if digest_date is not None and channel != Channel.IN_APP:
                digests.add((user_id, channel, digest_date))
            else:
                rows.append(
                    Delivery(reminder_id=reminder_id, recipient_id=user_id, channel=channel, send_after=send_after)
                )
    rows += [
        Delivery(recipient_id=user_id, channel=channel, digest_date=day, send_after=digest_at)
        for user_id, channel, day in sorted(digests)
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)
