"""The suggestion loop's deadlines, handed to the reminders engine (congress.reminders) as reminder kinds.

Registered from SuggestionsConfig.ready(); the engine keeps each kind's policy in the database, where office
staff change offsets, overdue notices, escalation and channels (/system/reminders/policies/). The defaults
follow DOMAIN.md §2:

- answer due: 30, 15, 7, 1 days before the lead or parallel unit's answer date, to the unit's handlers; then a
  notice every working day overdue, to the unit head as well, and after three notices to the office staff;
- re-routing window closing: the working day before it closes, to the handlers of a unit that has neither
  accepted nor asked to re-route;
- co-handling opinion due: 7 and 1 days before, to the co-handling unit;
- extension decision pending: every working day after the request until office staff decide;
- rating due: 7 and 14 working days into the deputy's 20-working-day window, to the lead deputy's own login;
- re-handling due: like the answer, after an unsatisfied rating.

Recipients are read once per batch of due subjects, never per subject.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar

from django.db.models import DateField, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from congress.models import Role, User
from congress.reminders import MessageText, Policy, ReminderKind, register
from suggestions.models import Answer, Assignment, ExtensionRequest, Suggestion
from suggestions.services._common import deputy_url, staff_ids, staff_url

ANSWER_DUE = "suggestions.answer_due"
REHANDLING_DUE = "suggestions.rehandling_due"
REROUTE_CLOSING = "suggestions.reroute_closing"
CO_OPINION_DUE = "suggestions.co_opinion_due"
EXTENSION_PENDING = "suggestions.extension_pending"
RATING_DUE = "suggestions.rating_due"

# Overdue notices to the unit (and its head) before the office hears of an overdue answer too.
ESCALATE_TO_OFFICE_AFTER = 3
# The rating reminders count working days from the day the window opened: days 7 and 14 of 20.
RATING_REMINDER_EVERY = 7

# The day the running sweep is for. `prepare` sets it at the start of each kind's sweep, so a queryset or a
# recipients function can tell "overdue" and "window closed" as of that day (`run_reminders --at` included),
# not as of the wall clock.
_sweep_day: ContextVar[dt.date | None] = ContextVar("suggestions_sweep_day", default=None)


def _remember_sweep_day(today: dt.date) -> None:
    _sweep_day.set(today)


def sweep_day() -> dt.date:
    """Return the day the running sweep is for, or today outside a sweep."""
    return _sweep_day.get() or timezone.localdate()


# Recipients: each takes the batch of due subjects and returns {subject pk: [user ids]} in a query or two.


def _unit_people(unit_ids: Iterable[int]) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Return each unit's handlers and heads, read in one query."""
    handlers: dict[int, list[int]] = defaultdict(list)
    heads: dict[int, list[int]] = defaultdict(list)
    rows = (
        User.objects.filter(
            is_active=True, unit_id__in=set(unit_ids), role_grants__role__in=[Role.UNIT_HANDLER, Role.UNIT_HEAD]
        )
        .values_list("pk", "unit_id", "role_grants__role")
        .distinct()
    )
    for user_id, unit_id, role in rows:
        (handlers if role == Role.UNIT_HANDLER else heads)[unit_id].append(user_id)
    return handlers, heads


def unit_handlers(assignments: Sequence[Assignment]) -> dict[int, list[int]]:
    """The handlers of each assignment's unit; its head where the unit has no handler."""
    handlers, heads = _unit_people(a.unit_id for a in assignments)
    return {a.pk: handlers[a.unit_id] or heads[a.unit_id] for a in assignments}


def answer_owers(assignments: Sequence[Assignment]) -> dict[int, list[int]]:
    """The unit's handlers, and once the answer is overdue its head as well."""
    handlers, heads = _unit_people(a.unit_id for a in assignments)
    today = sweep_day()
    result = {}
    for assignment in assignments:
        people = list(handlers[assignment.unit_id])
        if not people or (assignment.answer_due is not None and assignment.answer_due < today):
            people += [pk for pk in heads[assignment.unit_id] if pk not in people]
        result[assignment.pk] = people
    return result


def _office_staff_by_body(body_ids: Iterable[int]) -> dict[int, list[int]]:
    """The office staff who oversee each body (one query per distinct body, a handful per batch)."""
    from congress.models import Body

    return {body.pk: staff_ids(body) for body in Body.objects.filter(pk__in=set(body_ids))}


def assignment_office(assignments: Sequence[Assignment]) -> dict[int, list[int]]:
    staff = _office_staff_by_body(a.suggestion.body_id for a in assignments)
    return {a.pk: staff.get(a.suggestion.body_id, []) for a in assignments}


def extension_office(requests: Sequence[ExtensionRequest]) -> dict[int, list[int]]:
    staff = _office_staff_by_body(r.assignment.suggestion.body_id for r in requests)
    return {r.pk: staff.get(r.assignment.suggestion.body_id, []) for r in requests}


def lead_deputy_login(suggestions: Sequence[Suggestion]) -> dict[int, list[int]]:
    """Only the lead deputy rates, through their own login."""
    return {s.pk: [s.lead_deputy.user_id] if s.lead_deputy.user_id else [] for s in suggestions}


# Subjects


def _owed_answers(*statuses: str):
    return Assignment.objects.filter(
        role__in=[Assignment.Role.LEAD, Assignment.Role.PARALLEL],
        status__in=Assignment.ACTIVE_STATUSES,
        suggestion__status__in=statuses,
    ).select_related("suggestion", "unit")


def _answers_owed_first():
    return _owed_answers(Suggestion.Status.ASSIGNED, Suggestion.Status.HANDLING)


def _answers_owed_again():
    return _owed_answers(Suggestion.Status.REHANDLING)


def _reroute_open():
    return Assignment.objects.filter(
        status=Assignment.Status.ASSIGNED, suggestion__status=Suggestion.Status.ASSIGNED
    ).select_related("suggestion", "unit")


def _co_opinions_owed():
    return Assignment.objects.filter(
        role=Assignment.Role.CO,
        status__in=[Assignment.Status.ASSIGNED, Assignment.Status.ACCEPTED],
        suggestion__status__in=[Suggestion.Status.ASSIGNED, Suggestion.Status.HANDLING],
    ).select_related("suggestion", "unit")


def _extensions_pending():
    return ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).select_related(
        "assignment__suggestion", "assignment__unit"
    )


def _ratings_owed():
    # Past the window's last day (the suggestion's due date while answered) the reminders stop.
    return Suggestion.objects.filter(status=Suggestion.Status.ANSWERED, due_date__gte=sweep_day()).select_related(
        "lead_deputy"
    )


# The day the rating window opened: when the round's last answer arrived and the suggestion became answered.
RATING_WINDOW_OPENED = TruncDate(
    Subquery(
        Answer.objects.filter(suggestion=OuterRef("pk")).order_by("-answered_at", "-id").values("answered_at")[:1]
    ),
    output_field=DateField(),
)


# Extra placeholders


def _assignment_context(assignment: Assignment) -> Mapping[str, str]:
    return {"title": assignment.suggestion.title, "unit": assignment.unit.name}


def _extension_context(request: ExtensionRequest) -> Mapping[str, str]:
    return {
        **_assignment_context(request.assignment),
        "requested_until": date_format(request.requested_until),
    }


def _rating_context(suggestion: Suggestion) -> Mapping[str, str]:
    return {"title": suggestion.title, "rating_due": date_format(suggestion.due_date) if suggestion.due_date else ""}


def register_kinds() -> None:
    """Register the loop's reminder kinds with the engine."""
    answer_message = MessageText(
        title=_("Answer due for {{ title }} ({{ status }})"),
        body=_(
            "{{ unit }} owes the deputy an answer to the suggestion {{ title }} by {{ due_date }} ({{ status }}): "
            "{{ url }}"
        ),
        sms=_("Congress portal: {{ unit }} owes an answer to {{ title }} by {{ due_date }} ({{ status }})."),
    )
    register(
        ReminderKind(
            name=ANSWER_DUE,
            label=_("Suggestion answer due"),
            queryset=_answers_owed_first,
            due_field="answer_due",
            body_field="suggestion__body",
            recipients=answer_owers,
            escalation_recipients=assignment_office,
            default_policy=Policy(
                offsets=(30, 15, 7, 1),
                overdue_every=1,
                escalate_after=ESCALATE_TO_OFFICE_AFTER,
                channels=("in_app", "sms"),
            ),
            message=answer_message,
            url=lambda assignment: staff_url(assignment.suggestion_id),
            prepare=_remember_sweep_day,
            extra_context=_assignment_context,
        )
    )
    register(
        ReminderKind(
            name=REHANDLING_DUE,
            label=_("Suggestion re-handling answer due"),
            queryset=_answers_owed_again,
            due_field="answer_due",
            body_field="suggestion__body",
            recipients=answer_owers,
            escalation_recipients=assignment_office,
            default_policy=Policy(
                offsets=(30, 15, 7, 1),
                overdue_every=1,
                escalate_after=ESCALATE_TO_OFFICE_AFTER,
                channels=("in_app", "sms"),
            ),
            message=MessageText(
                title=_("New answer due after re-handling: {{ title }} ({{ status }})"),
                body=_(
                    "The deputy was not satisfied with the answer to {{ title }}; {{ unit }} owes a new answer by "
                    "{{ due_date }} ({{ status }}): {{ url }}"
                ),
                sms=_("Congress portal: {{ unit }} owes a new answer to {{ title }} by {{ due_date }} ({{ status }})."),
            ),
            url=lambda assignment: staff_url(assignment.suggestion_id),
            prepare=_remember_sweep_day,
            extra_context=_assignment_context,
        )
    )
    register(
        ReminderKind(
            name=REROUTE_CLOSING,
            label=_("Suggestion re-routing window closing"),
            queryset=_reroute_open,
            due_field="reroute_deadline",
            body_field="suggestion__body",
            recipients=unit_handlers,
            # One day before, moved to the working day before: the last working day to ask.
            default_policy=Policy(offsets=(1,), channels=("in_app",)),
            message=MessageText(
                title=_("Accept or ask to re-route by {{ due_date }}: {{ title }}"),
                body=_(
                    "{{ unit }} can ask to re-route the suggestion {{ title }} until {{ due_date }}; after that the "
                    "assignment is locked. Accept it or ask now: {{ url }}"
                ),
                sms=_("Congress portal: accept or ask to re-route {{ title }} by {{ due_date }}."),
            ),
            url=lambda assignment: staff_url(assignment.suggestion_id),
            extra_context=_assignment_context,
        )
    )
    register(
        ReminderKind(
            name=CO_OPINION_DUE,
            label=_("Co-handling opinion due"),
            queryset=_co_opinions_owed,
            due_field="co_opinion_due",
            body_field="suggestion__body",
            recipients=unit_handlers,
            default_policy=Policy(offsets=(7, 1), channels=("in_app",)),
            message=MessageText(
                title=_("Send your opinion to the lead unit by {{ due_date }}: {{ title }}"),
                body=_(
                    "{{ unit }} co-handles the suggestion {{ title }}; its opinion to the lead unit is due "
                    "{{ due_date }} ({{ status }}): {{ url }}"
                ),
                sms=_("Congress portal: {{ unit }}'s opinion on {{ title }} is due {{ due_date }}."),
            ),
            url=lambda assignment: staff_url(assignment.suggestion_id),
            extra_context=_assignment_context,
        )
    )
    register(
        ReminderKind(
            name=EXTENSION_PENDING,
            label=_("Extension request awaiting a decision"),
            queryset=_extensions_pending,
            due_expression=TruncDate("requested_at", output_field=DateField()),
            body_field="assignment__suggestion__body",
            recipients=extension_office,
            # Asked on day 0 (the request itself notified the office); then every working day until decided.
            default_policy=Policy(offsets=(), overdue_every=1, channels=("in_app",)),
            message=MessageText(
                title=_("Decide the extension request of {{ unit }}: {{ title }}"),
                body=_(
                    "{{ unit }} asked on {{ due_date }} to answer {{ title }} by {{ requested_until }}. "
                    "Approve or refuse it: {{ url }}"
                ),
                sms=_("Congress portal: {{ unit }} awaits your decision on more time for {{ title }}."),
            ),
            url=lambda request: staff_url(request.assignment.suggestion_id),
            extra_context=_extension_context,
        )
    )
    register(
        ReminderKind(
            name=RATING_DUE,
            label=_("Deputy's rating of an answer due"),
            queryset=_ratings_owed,
            due_expression=RATING_WINDOW_OPENED,
            body_field="body",
            recipients=lead_deputy_login,
            # "Overdue" here counts working days since the window opened: day 7 and day 14 of 20.
            default_policy=Policy(offsets=(), overdue_every=RATING_REMINDER_EVERY, channels=("in_app", "sms")),
            message=MessageText(
                title=_("Please rate the answer to your suggestion by {{ rating_due }}: {{ title }}"),
                body=_(
                    "Your suggestion {{ title }} has been answered. Only you can rate the handling and its result, "
                    "until {{ rating_due }}: {{ url }}"
                ),
                sms=_("Congress portal: please rate the answer to {{ title }} by {{ rating_due }}."),
            ),
            url=lambda suggestion: deputy_url(suggestion.pk),
            prepare=_remember_sweep_day,
            extra_context=_rating_context,
        )
    )
