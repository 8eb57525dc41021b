"""Dating the demo's history: each step of a storyline on the working day planned for it.

The services stamp what they write with the present moment and count deadlines from today; they take no date. So
the seed drives every storyline now, marking before each step the day it is to be dated (`History.at`), and then:

- `redate_deadlines` counts every deadline again, by the body's policy, from the day of the step that set it: an
  assignment's from the day of the assignment, the rating window from the answer's, re-handling from the step that
  sent it back (an unsatisfied rating, or a lapsed round's settling), the assignment owed between sessions from the
  registration's, and an extension's date as many days after the answer deadline as the unit asked for. Every copy
  of a deadline follows: the suggestion's own, the dates its events keep in their data.
- `move_stamps` moves every timestamp onto its step's day, keeping its time of day, and the dates that go with a
  timestamp (the day of a contact) with it. `history_tables` lists those rows, once.
- `date_messages`, at commit, once the services have written their inbox messages, dates each message with the
  step that sent it and rewrites each deadline it names to what that deadline became.

One step depends on a deadline past: a round whose rating window closed with an answer rated unsatisfied is sent
back for re-handling, which the service refuses while the window is open, as it is when counted from today. Before
that step the seed counts the suggestion's rating windows from their days at once (`date_rating_windows`).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.formats import date_format

from congress.calendar import WorkingCalendar, add_working_days
from congress.models import Event, Notification

if TYPE_CHECKING:
    from django.db.models import QuerySet

# How far around the session and today the steps' working days are looked up: a storyline in progress is planned
# back from its latest step, some months at most.
_CALENDAR_MARGIN = dt.timedelta(days=240)


class StepDays:
    """The working days a step can be dated on: from `first` to the last working day on or before `today`."""

    def __init__(self, first: dt.date, today: dt.date) -> None:
        self.calendar = WorkingCalendar(min(first, today) - _CALENDAR_MARGIN, today + _CALENDAR_MARGIN)
        self.last = today
        while not self.calendar.is_working_day(self.last):
            self.last -= dt.timedelta(days=1)
        self.first = min(self.calendar.add_working_days(first, 0), self.last)

    def on(self, day: dt.date) -> dt.date:
        """Return the working day on or after `day`, within first and last."""
        return min(self.calendar.add_working_days(max(day, self.first), 0), self.last)

    def after(self, day: dt.date, working_days: int) -> dt.date:
        return self.on(self.calendar.add_working_days(day, working_days))

    def before(self, day: dt.date, working_days: int) -> dt.date:
        return self.on(self.calendar.add_working_days(day, -working_days))

    def weeks_after(self, day: dt.date, weeks: int, *, and_days: int = 0) -> dt.date:
        return self.on(day + dt.timedelta(weeks=weeks, days=and_days))


@dataclass
class History:
    """The day each step of the seed is dated, in the order the seed takes the steps."""

    moments: list[dt.datetime] = field(default_factory=list)  # when each step began, in the seed's own time
    days: list[dt.date] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)  # at commit: the newest message before each step
    # By suggestion: from each step on, each deadline as the services counted it from today, and as re-dated.
    named: dict[int, list[tuple[int, dict[dt.date, dt.date]]]] = field(default_factory=lambda: defaultdict(list))

    def at(self, day: dt.date) -> None:
        """Date what the services write from now on `day`."""
        if self.days and self.days[-1] == day:
            return
        self.moments.append(timezone.now())
        self.days.append(day)
        # The services write their messages at commit, in the order sent: note where this step's messages begin.
        transaction.on_commit(self._mark_messages)

    def _mark_messages(self) -> None:
        self.message_ids.append(Notification.objects.aggregate(last=Max("pk"))["last"] or 0)

    def step_at(self, moment: dt.datetime) -> int:
        """Return the step that wrote what was written at `moment`."""
        step = bisect_right(self.moments, moment) - 1
        if step < 0:
            raise ValueError(f"{moment} was written before the history's first step")
        return step

    def day_at(self, moment: dt.datetime) -> dt.date:
        return self.days[self.step_at(moment)]

    def shift_of(self, moment: dt.datetime | None) -> dt.timedelta:
        """Return how far what was written at `moment` moves to land on its step's day, its time of day kept."""
        if moment is None:
            return dt.timedelta(0)
        return dt.timedelta(days=(self.day_at(moment) - timezone.localdate(moment)).days)

    def step_of_message(self, message_id: int) -> int:
        return bisect_left(self.message_ids, message_id) - 1

    def deadlines_named(self, suggestion_id: int, step: int) -> dict[dt.date, dt.date]:
        """Return the suggestion's deadlines as counted from today and as re-dated, as they stood at `step`."""
        stood = self.named.get(suggestion_id, [])
        index = bisect_right([at for at, _deadlines in stood], step) - 1
        return stood[index][1] if index >= 0 else {}


def history_tables(suggestion_ids: list[int]) -> list[tuple[QuerySet, dict[str, str]]]:
    """Return every row the suggestions' storylines wrote, by table, with the fields a step's day moves.

    Each field maps to the timestamp whose step it is dated with: itself, or for a date that goes with a
    timestamp (a contact's day), that one. Deadlines are not among them: `redate_deadlines` counts them again.
    """
    from suggestions.models import Answer, Assignment, Contact, CoOpinion, ExtensionRequest, Rating, Signer, Suggestion

    def stamps(*names: str) -> dict[str, str]:
        return {name: name for name in names}

    on_assignments = {"assignment__suggestion_id__in": suggestion_ids}
    return [
        (
            Suggestion.objects.filter(pk__in=suggestion_ids),
            stamps(
                "submitted_at", "registered_at", "assigned_at", "answered_at", "closed_at", "created_at", "updated_at"
            ),
        ),
        (Signer.objects.filter(suggestion_id__in=suggestion_ids), stamps("invited_at", "confirmed_at")),
        (
            Assignment.objects.filter(suggestion_id__in=suggestion_ids),
            stamps("assigned_at", "accepted_at", "completed_at"),
        ),
        (Contact.objects.filter(**on_assignments), {"logged_at": "logged_at", "contacted_on": "logged_at"}),
        (CoOpinion.objects.filter(**on_assignments), stamps("sent_at")),
        (ExtensionRequest.objects.filter(**on_assignments), stamps("requested_at", "decided_at")),
        (Answer.objects.filter(suggestion_id__in=suggestion_ids), stamps("answered_at")),
        (Rating.objects.filter(answer__suggestion_id__in=suggestion_ids), stamps("rated_at")),
        (_events(suggestion_ids), stamps("created_at")),
    ]


def _events(suggestion_ids: Iterable[int]) -> QuerySet[Event]:
    from suggestions.models import Suggestion

    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(Suggestion), object_id__in=list(suggestion_ids)
    )


def move_stamps(suggestion_ids: list[int], history: History) -> None:
    """Move every timestamp of these suggestions' rows onto the day of the step that wrote it."""
    for queryset, fields in history_tables(suggestion_ids):
        rows = []
        for row in queryset.only(*fields):
            # Each shift from the timestamps as the seed wrote them, before any of them moves.
            shifts = {name: history.shift_of(getattr(row, stamp)) for name, stamp in fields.items()}
            if not any(shifts.values()):
                continue
            for name, shift in shifts.items():
                if shift and getattr(row, name) is not None:
                    setattr(row, name, getattr(row, name) + shift)
            rows.append(row)
        # `updated_at` is auto_now; bulk_update writes only the values given.
        queryset.model.objects.bulk_update(rows, list(fields), batch_size=500)


class _Rules:
    """The policy's deadline rules, each counted once per body and day: the seed counts the same days many times."""

    def __init__(self) -> None:
        self._counted: dict[tuple, Any] = {}
        self._policies: dict[int, Any] = {}

    def count(self, rule: Callable, body, day: dt.date) -> Any:
        from suggestions.deadlines import policy_for

        key = (rule, body.pk, day)
        if key not in self._counted:
            if body.pk not in self._policies:
                self._policies[body.pk] = policy_for(body)
            self._counted[key] = rule(self._policies[body.pk], day)
        return self._counted[key]

    def working_day(self, day: dt.date) -> dt.date:
        """Return the working day on or after `day`."""
        key = (add_working_days, None, day)
        if key not in self._counted:
            self._counted[key] = add_working_days(day, 0)
        return self._counted[key]


class _Redating:
    """One suggestion's deadlines counted again, step by step along its events."""

    def __init__(self, suggestion, *, rules: _Rules, history: History) -> None:
        self.suggestion, self.rules, self.history = suggestion, rules, history
        self.assignments = {assignment.pk: assignment for assignment in suggestion.assignments.all()}
        self.unassigned = sorted(self.assignments.values(), key=lambda assignment: assignment.assigned_at)
        self.requests = {r.pk: r for a in self.assignments.values() for r in a.extension_requests.all()}
        self.answers = {answer.pk: answer for answer in suggestion.answers.all()}
        # Each deadline as the services counted it from today -> as re-dated; for a deadline counted from today on
        # the day of another, the later one.
        self.redated: dict[dt.date, dt.date] = {}
        # By assignment: its answer deadline at this point of the history, as counted from today and as re-dated.
        self.answer_due: dict[int, tuple[dt.date | None, dt.date | None]] = {}
        self.asked: dict[int, dt.date] = {}  # by extension request: the date asked for, as counted from today

    def count(self, rule: Callable, day: dt.date) -> Any:
        return self.rules.count(rule, self.suggestion.body, day)

    def apply(self, event: Event) -> None:
        """Re-date what the event's step set, then the dates the event keeps."""
        from suggestions.deadlines import assign_due, rating_due, rehandling_due

        step = self.history.step_at(event.created_at)
        day, seeded_on = self.history.days[step], timezone.localdate(event.created_at)
        while self.unassigned and self.history.step_at(self.unassigned[0].assigned_at) <= step:
            self._assigned(self.unassigned.pop(0))
        data = event.data
        if event.kind in ("suggestion_registered", "suggestion_returned_for_assignment"):
            if not self.suggestion.session_id:  # between sessions the office owes an assignment within days
                self.redated[self.count(assign_due, seeded_on)] = self.count(assign_due, day)
        elif event.kind == "extension_requested":
            request = self.requests[data["request"]]
            seeded_due, dated_due = self.answer_due[data["assignment"]]
            self.asked[request.pk] = request.requested_until
            # As many days after the answer deadline as asked for, on a working day.
            request.requested_until = self.rules.working_day(dated_due + (request.requested_until - seeded_due))
            self.redated[self.asked[request.pk]] = request.requested_until
        elif event.kind == "extension_approved":
            request = self.requests[data["request"]]
            self.answer_due[data["assignment"]] = (self.asked[request.pk], request.requested_until)
            self.assignments[data["assignment"]].answer_due = request.requested_until
        elif event.kind == "suggestion_answered":
            due = self.count(rating_due, day)
            self.redated[dt.date.fromisoformat(data["rating_due"])] = due
            for pk in data["answers"]:
                self.answers[pk].rating_due = due
        elif event.kind in ("suggestion_rehandling", "suggestion_follow_up"):
            # Re-handling is due some months after the rating; follow-up has no date.
            seeded_due = dt.date.fromisoformat(data["answer_due"]) if data.get("answer_due") else None
            due = self.count(rehandling_due, day) if seeded_due else None
            if seeded_due:
                self.redated[seeded_due] = due
            for pk in data["assignments"]:
                self.answer_due[pk] = (seeded_due, due)
                self.assignments[pk].answer_due = due
        event.data = {key: self._redated(value) for key, value in data.items()}
        self.history.named[self.suggestion.pk].append((step, dict(self.redated)))

    def _assigned(self, assignment) -> None:
        """Count a unit's deadlines from the day it was assigned."""
        from suggestions.deadlines import assignment_deadlines
        from suggestions.models import Assignment

        seeded = self.count(assignment_deadlines, timezone.localdate(assignment.assigned_at))
        dated = self.count(assignment_deadlines, self.history.day_at(assignment.assigned_at))
        for name in ("reroute_deadline", "co_opinion_due", "hard_deadline"):
            if getattr(assignment, name) is not None:
                self.redated[getattr(assignment, name)] = getattr(dated, name)
                setattr(assignment, name, getattr(dated, name))
        if assignment.role in (Assignment.Role.LEAD, Assignment.Role.PARALLEL):
            self.redated[seeded.answer_due] = dated.answer_due
            self.answer_due[assignment.pk] = (seeded.answer_due, dated.answer_due)
            assignment.answer_due = dated.answer_due

    def _redated(self, value):
        """Return an ISO date an event keeps as its deadline was re-dated; any other value as it is."""
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            day = dt.date.fromisoformat(value)
            return self.redated.get(day, day).isoformat()
        return value

    def finish(self) -> None:
        """Re-date the suggestion's own deadline, a copy of the one running: it becomes what that one became."""
        if self.suggestion.due_date is not None:
            self.suggestion.due_date = self.redated.get(self.suggestion.due_date, self.suggestion.due_date)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def redate_deadlines(suggestion_ids: list[int], history: History) -> None:
    """Count these suggestions' deadlines again from the days their steps are dated, before the stamps move.

    Reads the steps from the timestamps as the seed wrote them, and keeps in `history.named`, for
    `date_messages`, what each deadline counted from today became, as it stood at each step.
    """
    from suggestions.models import Answer, Assignment, ExtensionRequest, Suggestion

    rules = _Rules()
    suggestions = list(
        Suggestion.objects.filter(pk__in=suggestion_ids)
        .select_related("body")
        .prefetch_related("assignments__extension_requests", "answers")
        .only("body", "session", "due_date")
    )
    events: dict[int, list[Event]] = defaultdict(list)
    for event in _events(suggestion_ids).order_by("created_at", "id").only("object_id", "kind", "created_at", "data"):
        events[event.object_id].append(event)
    for suggestion in suggestions:
        redating = _Redating(suggestion, rules=rules, history=history)
        for event in events[suggestion.pk]:
            redating.apply(event)
        redating.finish()
    assignments = [a for suggestion in suggestions for a in suggestion.assignments.all()]
    for model, rows, fields in (
        (Assignment, assignments, ["reroute_deadline", "co_opinion_due", "answer_due", "hard_deadline"]),
        (ExtensionRequest, [r for a in assignments for r in a.extension_requests.all()], ["requested_until"]),
        (Answer, [answer for suggestion in suggestions for answer in suggestion.answers.all()], ["rating_due"]),
        # Each write of a suggestion adds to the statistics' rollup (suggestions.tallies): only those with a deadline.
        (Suggestion, [suggestion for suggestion in suggestions if suggestion.due_date], ["due_date"]),
        (Event, [event for listed in events.values() for event in listed], ["data"]),
    ):
        model.objects.bulk_update(rows, fields, batch_size=500)


def date_rating_windows(suggestion_id: int, history: History) -> None:
    """Count the suggestion's rating windows now from the days they opened, as `redate_deadlines` will count them.

    For a step that takes the window as closed (sending a lapsed round back): counted from today, as the services
    counted it, a window opened weeks back is still open while the seed runs, and the service would refuse the step.
    `redate_deadlines` counts them again later from the same days, and so comes to the same windows.
    """
    from suggestions.deadlines import rating_due
    from suggestions.models import Answer, Suggestion

    rules = _Rules()
    body = Suggestion.objects.select_related("body").get(pk=suggestion_id).body
    for event in _events([suggestion_id]).filter(kind="suggestion_answered").only("created_at", "data"):
        due = rules.count(rating_due, body, history.day_at(event.created_at))
        Answer.objects.filter(pk__in=event.data["answers"]).update(rating_due=due)


def dates_rewriter(redated: dict[dt.date, dt.date]) -> Callable[[str], str]:
    """Return a function that rewrites every date of `redated` written in a text (as `date_format` writes it now)."""
    written = {date_format(old): date_format(new) for old, new in redated.items() if old != new}
    if not written:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(text) for text in sorted(written, key=len, reverse=True)))
    return lambda text: pattern.sub(lambda match: written[match.group()], text)


def date_messages(suggestion_ids: set[int], *, after: int, history: History) -> None:
    """Date the inbox messages about these suggestions with the steps that sent them, naming the re-dated deadlines.

    Only messages newer than the message `after` are touched: those the seed's services wrote.
    """
    messages = []
    rewriters: dict[tuple[int, int], Callable[[str], str]] = {}
    for message in Notification.objects.filter(pk__gt=after).only("url", "title", "body", "created_at"):
        suggestion_id = linked_suggestion_id(message.url)
        step = history.step_of_message(message.pk)
        if suggestion_id not in suggestion_ids or step < 0:
            continue
        message.created_at += dt.timedelta(days=(history.days[step] - timezone.localdate(message.created_at)).days)
        key = (suggestion_id, step)
        if key not in rewriters:
            rewriters[key] = dates_rewriter(history.deadlines_named(suggestion_id, step))
        message.title, message.body = rewriters[key](message.title), rewriters[key](message.body)
        messages.append(message)
    with transaction.atomic():
        Notification.objects.bulk_update(messages, ["created_at", "title", "body"], batch_size=500)


def linked_suggestion_id(url: str) -> int | None:
    """Return the id of the suggestion a message links to (staff or mobile detail page), if any."""
    try:
        match = resolve(url)
    except Resolver404:
        return None
    if match.namespace not in ("suggestions", "suggestions_mobile") or match.url_name != "detail":
        return None
    return match.kwargs.get("pk")
