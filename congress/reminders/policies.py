"""Reminder policies in the database: one row per kind for every body, and rows for bodies that differ."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import Body, Channel, ReminderPolicy, User
from congress.permissions import body_in_scope
from congress.reminders.permissions import can_manage_reminders
from congress.reminders.registry import ReminderKind, all_kinds, get_kind
from congress.workflow import ensure

MAX_OFFSET = 366
MAX_OVERDUE_EVERY = 60
MAX_ESCALATE_AFTER = 100


def reminder_policies_ensure() -> None:
    """Create each registered kind's default row from its registration when it is missing."""
    kinds = all_kinds()
    existing = set(
        ReminderPolicy.objects.filter(body__isnull=True, kind__in=[kind.name for kind in kinds]).values_list(
            "kind", flat=True
        )
    )
    missing = [kind for kind in kinds if kind.name not in existing]
    if missing:
        ReminderPolicy.objects.bulk_create([policy_from_registration(kind) for kind in missing], ignore_conflicts=True)


def policy_from_registration(kind: ReminderKind, body: Body | None = None) -> ReminderPolicy:
    default = kind.default_policy
    return ReminderPolicy(
        kind=kind.name,
        body=body,
        offsets=sorted(set(default.offsets), reverse=True),
        shift_to_working_day=default.shift_to_working_day,
        overdue_every=default.overdue_every,
        escalate_after=default.escalate_after,
        channels=list(default.channels),
    )


def policies_for(kind: ReminderKind) -> list[ReminderPolicy]:
    """Return the kind's rows, the default one first."""
    rows = list(ReminderPolicy.objects.filter(kind=kind.name))
    return sorted(rows, key=lambda row: (row.body_id is not None, row.body_id or 0))


def clean_policy_values(
    *, offsets: Iterable[int], overdue_every: int, escalate_after: int, channels: Iterable[str]
) -> tuple[list[int], list[str]]:
    """Check a policy's values; return the offsets (largest first) and channels, or raise ValueError."""
    offsets = sorted(set(offsets), reverse=True)
    if any(offset < 0 or offset > MAX_OFFSET for offset in offsets):
        raise ValueError(_("Days before the due date must be between 0 and %(max)s.") % {"max": MAX_OFFSET})
    if not 0 <= overdue_every <= MAX_OVERDUE_EVERY:
        raise ValueError(_("Overdue notices must repeat every 0 to %(max)s working days.") % {"max": MAX_OVERDUE_EVERY})
    if not 0 <= escalate_after <= MAX_ESCALATE_AFTER:
        raise ValueError(_("Escalation must come after 0 to %(max)s overdue notices.") % {"max": MAX_ESCALATE_AFTER})
    if escalate_after and not overdue_every:
        raise ValueError(_("Escalation needs overdue notices: set how often they repeat."))
    channels = [channel for channel in Channel.values if channel in set(channels)]
    if not channels:
        raise ValueError(_("Choose at least one channel."))
    if not offsets and not overdue_every:
        raise ValueError(_("Give at least one day before the due date or an overdue repeat."))
    return offsets, channels


@transaction.atomic
def reminder_policy_update(
    *,
    policy_id: int,
    actor: User,
    offsets: Iterable[int],
    shift_to_working_day: bool,
    overdue_every: int,
    escalate_after: int,
    channels: Iterable[str],
    is_active: bool,
) -> ReminderPolicy:
    """Change a policy; the next sweep uses it."""
    ensure(can_manage_reminders(actor))
    policy = ReminderPolicy.objects.select_for_update().get(pk=policy_id)
    ensure(policy.body_id is None or body_in_scope(actor, policy.body))
    policy.offsets, policy.channels = clean_policy_values(
        offsets=offsets, overdue_every=overdue_every, escalate_after=escalate_after, channels=channels
    )
    policy.shift_to_working_day = shift_to_working_day
    policy.overdue_every = overdue_every
    policy.escalate_after = escalate_after
    policy.is_active = is_active
    policy.updated_at = timezone.now()
    policy.updated_by = actor
    policy.save()
    return policy


@transaction.atomic
def reminder_policy_create_for_body(*, kind_name: str, body: Body, actor: User) -> ReminderPolicy:
    """Give one body its own copy of a kind's default policy, to change separately."""
    ensure(can_manage_reminders(actor))
    ensure(body_in_scope(actor, body))
    kind = get_kind(kind_name)
    if kind is None or kind.body_field is None:
        raise ValueError(_("This kind of reminder has one policy for every body."))
    if ReminderPolicy.objects.filter(kind=kind_name, body=body).exists():
        raise ValueError(_("%(body)s already has its own policy for this reminder.") % {"body": body.name})
    reminder_policies_ensure()
    default = ReminderPolicy.objects.get(kind=kind_name, body__isnull=True)
    return ReminderPolicy.objects.create(
        kind=kind_name,
        body=body,
        offsets=default.offsets,
        shift_to_working_day=default.shift_to_working_day,
        overdue_every=default.overdue_every,
        escalate_after=default.escalate_after,
        channels=default.channels,
        updated_by=actor,
    )
