"""The registry of reminder kinds: apps describe what they watch, the engine does the rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Expression, Model, QuerySet

# Given the due subjects of one sweep, return {subject.pk: [user ids]}: one call per batch, never per row.
Recipients = Callable[[Sequence["Model"]], Mapping[int, Iterable[int]]]


@dataclass(frozen=True)
class Policy:
    """A kind's default timing; staff change it per body on the policies page.

    `offsets` are calendar days before the due date (0 is the due date itself). A reminder that falls
    on a non-working day goes out on the working day before when `shift_to_working_day` is set.
    After the due date an overdue notice goes out every `overdue_every` working days (0: none); from
    the `escalate_after`-th overdue notice on (0: never) the escalation recipients receive it too.
    """

    offsets: tuple[int, ...] = (30, 15, 7, 1, 0)
    shift_to_working_day: bool = True
    overdue_every: int = 0
    escalate_after: int = 0
    channels: tuple[str, ...] = ("in_app", "email", "sms")


@dataclass(frozen=True)
class MessageText:
    """Default wording of a kind's messages (English msgids; staff edit the Chinese in the database).

    Placeholders: {{ subject }}, {{ kind }}, {{ due_date }}, {{ days_left }}, {{ days_overdue }},
    {{ status }} ("due in 7 days", "overdue by 3 working days"), {{ recipient }}, {{ url }}. Keep template
    tags out of the msgids (gettext reads "{% i" as a format); staff may use them in the database.
    """

    title: str
    body: str = ""
    sms: str = ""


@dataclass(frozen=True)
class ReminderKind:
    """One thing the engine watches: which subjects, when they are due, who hears about them."""

    name: str
    label: str
    # Return the open subjects; the engine narrows it to the due ones with an indexed date filter.
    queryset: Callable[[], QuerySet]
    recipients: Recipients
    default_policy: Policy
    message: MessageText
    # An indexed DateField of the subject, or `due_expression` when the date must be computed.
    due_field: str = "due_date"
    due_expression: Expression | None = None
    escalation_recipients: Recipients | None = None
    # The subject's body, so a body's own policy applies; None when the kind has one policy only.
    body_field: str | None = "body"
    url: Callable[[Any], str] | None = None
    template_key: str = ""
    # Called once at the start of each sweep with the sweep's date, e.g. to create next year's row.
    prepare: Callable[[dt.date], None] | None = None
    # More placeholders for the kind's messages, e.g. {"unit": subject.unit.name}.
    extra_context: Callable[[Any], Mapping[str, Any]] | None = None

    @property
    def key(self) -> str:
        return self.template_key or self.name


_kinds: dict[str, ReminderKind] = {}


def register(kind: ReminderKind) -> ReminderKind:
    """Add a kind; apps call it from AppConfig.ready(), so registering twice keeps the first."""
    _kinds.setdefault(kind.name, kind)
    return _kinds[kind.name]


def unregister(name: str) -> None:
    """Remove a kind; for tests that register their own."""
    _kinds.pop(name, None)


def get_kind(name: str) -> ReminderKind | None:
    return _kinds.get(name)


def all_kinds() -> list[ReminderKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.name)
