"""The reminders and notifications engine: every deadline watched, each person told once, in working hours.

An app registers a *reminder kind* in its AppConfig.ready(): which subjects are open, the indexed date
they are due on, who hears about them (and who when they are overdue for long), a default policy and
the default wording. The engine keeps one policy row per kind (and per body that differs) that staff
edit, sweeps every 15 minutes (`congress.tasks.reminders_sweep`, or `manage.py run_reminders --at …`),
records each reminder once in the ledger under its unique key (kind, subject, recipient, due date,
offset) together with its deliveries, and hands the deliveries to Celery after commit. Channels are
the in-app inbox, e-mail and SMS (a logging backend, or an HTTP gateway); people choose theirs and may
take a daily digest instead of single messages. Deliveries outside working hours on working days are
held until the next working morning.

Example, in suggestions/apps.py::

    def ready(self):
        from congress.reminders import MessageText, Policy, ReminderKind, register
        from suggestions.models import Assignment

        def handlers(assignments):
            # One query for the batch: {assignment.pk: [user ids]}.
            pairs = User.objects.filter(unit__in={a.unit_id for a in assignments}, role_grants__role=Role.UNIT_HANDLER)
            by_unit = defaultdict(list)
            for user_id, unit_id in pairs.values_list("pk", "unit_id"):
                by_unit[unit_id].append(user_id)
            return {a.pk: by_unit[a.unit_id] for a in assignments}

        register(ReminderKind(
            name="suggestions.answer_due",
            label=_("Answer due"),
            queryset=lambda: Assignment.objects.filter(answered_at__isnull=True).select_related("suggestion"),
            due_field="answer_due",            # an indexed DateField; or due_expression=...
            body_field="suggestion__body",     # whose policy applies; None for one policy everywhere
            recipients=handlers,
            escalation_recipients=unit_heads_and_office,
            default_policy=Policy(offsets=(30, 15, 7, 1, 0), overdue_every=1, escalate_after=5,
                                  channels=("in_app", "sms")),
            message=MessageText(title=_("Answer {{ subject }} ({{ status }})"), body=..., sms=...),
            url=lambda assignment: reverse("suggestions:detail", args=[assignment.suggestion_id]),
        ))

To send a person something right away (not a deadline), call `services.notice_send(...)`.
"""

from congress.reminders.registry import MessageText, Policy, ReminderKind, all_kinds, get_kind, register, unregister

__all__ = ["MessageText", "Policy", "ReminderKind", "all_kinds", "get_kind", "register", "unregister"]
