"""A reminder kind over an existing kernel model, for tests: a congress session's start date."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from congress.models import CongressSession
from congress.reminders import MessageText, Policy, ReminderKind, register, unregister

SESSION_KIND = "tests.session_start"


@contextlib.contextmanager
def session_kind(
    *,
    watchers: list[int],
    escalation: list[int] | None = None,
    policy: Policy | None = None,
    name: str = SESSION_KIND,
) -> Iterator[ReminderKind]:
    """Register a kind whose subjects are sessions, due on their start date, told to `watchers`."""
    kind = ReminderKind(
        name=name,
        label="Session starts",
        queryset=lambda: CongressSession.objects.select_related("term__body"),
        due_field="start_date",
        body_field="term__body",
        recipients=lambda subjects: {subject.pk: watchers for subject in subjects},
        escalation_recipients=(lambda subjects: {subject.pk: escalation for subject in subjects})
        if escalation
        else None,
        default_policy=policy or Policy(offsets=(30, 15, 7, 1), channels=("in_app",)),
        message=MessageText(
            title="{{ subject }}: {{ status }}", body="{{ kind }} {{ due_date }}", sms="SMS {{ subject }} {{ status }}"
        ),
        url=lambda subject: f"/sessions/{subject.pk}/",
    )
    register(kind)
    try:
        yield kind
    finally:
        unregister(name)
