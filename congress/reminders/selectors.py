"""Reads of the engine's staff pages: the ledger, the policies, the message templates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from congress.models import Body, Delivery, MessageTemplate, NotificationPreference, Reminder, ReminderPolicy, User
from congress.reminders.messages import message_templates_ensure
from congress.reminders.policies import reminder_policies_ensure
from congress.reminders.registry import get_kind


def reminder_ledger(*, user: User, filters: Mapping[str, str]) -> QuerySet[Reminder]:
    """Return the ledger rows whose recipient the user may see, newest first, with their deliveries."""
    rows = Reminder.objects.filter(recipient__in=User.objects.visible_to(user).values("pk"))
    status = filters.get("status") or ""
    if status in Delivery.Status.values:
        rows = rows.filter(Exists(Delivery.objects.filter(reminder=OuterRef("pk"), status=status)))
    if filters.get("channel"):
        rows = rows.filter(deliveries__channel=filters["channel"]).distinct()
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    text = (filters.get("q") or "").strip()
    if text:
        rows = rows.filter(
            Q(title__icontains=text) | Q(recipient__full_name__icontains=text) | Q(recipient__username__icontains=text)
        )
    return (
        rows.select_related("recipient")
        .prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.order_by("channel")))
        .order_by("-created_at", "-id")
    )


def digest_deliveries(*, user: User, status: str = "") -> QuerySet[Delivery]:
    """Return the daily digests the user may see, newest first."""
    rows = Delivery.objects.filter(reminder__isnull=True, recipient__in=User.objects.visible_to(user).values("pk"))
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    return rows.select_related("recipient").order_by("-created_at", "-id")


def delivery_counts(*, user: User) -> dict[str, int]:
    """Count the deliveries by status, for the ledger's header."""
    rows = Delivery.objects.filter(recipient__in=User.objects.visible_to(user).values("pk"))
    counts = dict(rows.values_list("status").annotate(total=Count("id")).order_by())
    return {status: counts.get(status, 0) for status in Delivery.Status.values}


@dataclass(frozen=True)
class PolicyRow:
    policy: ReminderPolicy
    label: str
    per_body: bool


def reminder_policy_list(*, user: User) -> list[PolicyRow]:
    """Return every registered kind's default policy and the policies of the bodies the user sees."""
    reminder_policies_ensure()
    visible = Body.objects.visible_to(user).values("pk")
    policies = ReminderPolicy.objects.filter(Q(body__isnull=True) | Q(body__in=visible)).select_related("body")
    rows = []
    for policy in policies.order_by("kind", "body__path"):
        kind = get_kind(policy.kind)
        if kind is not None:
            rows.append(PolicyRow(policy=policy, label=str(kind.label), per_body=kind.body_field is not None))
    return rows


def reminder_policy_get(*, user: User, pk: int) -> PolicyRow:
    for row in reminder_policy_list(user=user):
        if row.policy.pk == pk:
            return row
    raise Http404


def message_template_list() -> QuerySet[MessageTemplate]:
    message_templates_ensure()
    return MessageTemplate.objects.select_related("updated_by").order_by("key")


def notification_preference_get(*, user: User) -> NotificationPreference:
    """Return the person's preferences, unsaved defaults when they never chose."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)
