"""The demo's finished suggestions close at varied times after assignment, each step after the one before it."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from congress.demo.history import linked_suggestion_id
from congress.demo.suggestions import SESSION_NUMBER
from congress.models import Event, Notification, User

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The seed dates the session's history back from today: here nearly eleven months after the January session.
LATE_IN_THE_YEAR = dt.datetime(2026, 12, 7, 9, tzinfo=SHANGHAI)
# Only six and a half months after the session: finished work has less room before today.
SOON_AFTER = dt.datetime(2026, 8, 3, 9, tzinfo=SHANGHAI)
WRITTEN_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


@pytest.fixture
def seeded(request):
    """Seed the full demo as if today were `request.param` (LATE_IN_THE_YEAR unless parametrized); stay on that day."""
    with time_machine.travel(getattr(request, "param", LATE_IN_THE_YEAR), tick=True):
        call_command("seed_demo", "--allow-production", stdout=StringIO())
        yield


@pytest.fixture
def seeded_with_inbox(django_capture_on_commit_callbacks):
    """Seed the full demo late in the year with what it hands over at commit run, its inbox messages among them."""
    with time_machine.travel(LATE_IN_THE_YEAR, tick=True):
        with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", "--allow-production", stdout=StringIO())
        yield


def _finished():
    from suggestions.models import Suggestion
    from suggestions.stats import CLOSED_STATUSES

    return Suggestion.objects.filter(session__number=SESSION_NUMBER, status__in=CLOSED_STATUSES)


def _closed_on(suggestion) -> dt.date:
    return timezone.localdate(suggestion.closed_at)


def _months_after_assignment(suggestion, months: int) -> dt.date:
    from suggestions.deadlines import add_months

    return add_months(timezone.localdate(suggestion.assigned_at), months)


def test_the_six_month_completion_rate_is_below_the_overall_rate(seeded):
    from suggestions.stats import suggestion_stats

    office = User.objects.get(username="office")
    for live in (False, True):
        counts = suggestion_stats(user=office, filters={}, live=live).total.counts
        assert counts["closed_6m"] / counts["assigned"] < counts["closed"] / counts["assigned"], live

    finished = list(_finished())
    within = [s for s in finished if _closed_on(s) <= _months_after_assignment(s, 6)]
    assert 0.75 <= len(within) / len(finished) <= 0.85  # Zhong county: 79.6%
    later = [s for s in finished if s not in within]
    assert all(_months_after_assignment(s, 7) <= _closed_on(s) < _months_after_assignment(s, 11) for s in later)
    # Neither all on one day after assignment nor on a handful of days.
    assert len({(s.closed_at - s.assigned_at).days for s in finished}) >= 15


@pytest.mark.parametrize(
    "seeded", [LATE_IN_THE_YEAR, SOON_AFTER], ids=["late_in_the_year", "soon_after"], indirect=True
)
def test_every_step_of_the_demo_history_follows_the_one_before_and_none_is_after_today(seeded):
    from suggestions.models import Contact, Rating, Suggestion

    now = timezone.now()
    for suggestion in Suggestion.objects.filter(session__number=SESSION_NUMBER):
        events = Event.objects.filter(content_type__model="suggestion", object_id=suggestion.pk).order_by("pk")
        stamps = [event.created_at for event in events]
        assert stamps == sorted(stamps), [(event.kind, str(event.created_at)) for event in events]
        assert stamps[-1] <= now, suggestion.pk

    finished = list(_finished().prefetch_related("assignments", "answers"))
    assert len(finished) == 120
    for suggestion in finished:
        assert timezone.localdate(suggestion.assigned_at) < _closed_on(suggestion), suggestion.pk
        assert suggestion.closed_at <= now, suggestion.pk
        assignments = list(suggestion.assignments.all())
        assert all(suggestion.assigned_at <= a.accepted_at for a in assignments), suggestion.pk
        for contact in Contact.objects.filter(assignment__suggestion=suggestion):
            assigned_on = timezone.localdate(suggestion.assigned_at)
            assert assigned_on <= contact.contacted_on <= _closed_on(suggestion), suggestion.pk
        answers = sorted(suggestion.answers.all(), key=lambda answer: answer.answered_at)
        assert max(a.accepted_at for a in assignments) < answers[0].answered_at, suggestion.pk
        assert answers[-1].answered_at < suggestion.closed_at, suggestion.pk
        for rating in Rating.objects.filter(answer__suggestion=suggestion).select_related("answer"):
            assert rating.answer.answered_at < rating.rated_at <= suggestion.closed_at, suggestion.pk
            assert timezone.localdate(rating.rated_at) <= rating.answer.rating_due, suggestion.pk
        after = Event.objects.filter(
            content_type__model="suggestion",
            object_id=suggestion.pk,
            kind__in=["suggestion_revisited", "suggestion_archived"],
        )
        assert all(suggestion.closed_at < event.created_at <= now for event in after), suggestion.pk


def test_the_inbox_dates_each_message_with_the_step_that_sent_it(seeded_with_inbox):
    from suggestions.models import ExtensionRequest, Suggestion

    messages = list(Notification.objects.all())
    assert messages and max(message.created_at for message in messages) <= timezone.now()
    about = Suggestion.objects.in_bulk([linked_suggestion_id(message.url) for message in messages])

    from suggestions.stats import CLOSED_STATUSES

    # One for each finished suggestion, of the session or filed between sessions.
    closed = [message for message in messages if message.kind == "suggestion_closed"]
    assert len(closed) == Suggestion.objects.filter(status__in=CLOSED_STATUSES).count() == 122
    for message in closed:
        suggestion = about[linked_suggestion_id(message.url)]
        assert suggestion.closed_at <= message.created_at < suggestion.closed_at + dt.timedelta(hours=1)

    # An extension's date counts from the assignment's answer deadline, whenever it was asked for.
    extensions = [message for message in messages if message.kind.startswith("extension_")]
    assert extensions
    for message in extensions:
        asked = ExtensionRequest.objects.filter(assignment__suggestion_id=linked_suggestion_id(message.url))
        named = {dt.date(*map(int, re.findall(r"\d+", text))) for text in WRITTEN_DATE.findall(message.title)}
        assert named and named <= set(asked.values_list("requested_until", flat=True)), message.title


@pytest.fixture
def seeded_on_the_official_calendar(django_capture_on_commit_callbacks):
    """Seed the full demo late in the year on the official calendar (holidays, adjusted workdays), inbox included."""
    with time_machine.travel(LATE_IN_THE_YEAR, tick=True):
        call_command("sync_calendar", stdout=StringIO())
        with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", "--allow-production", stdout=StringIO())
        yield


def _demo_suggestions():
    from django.db.models import Q

    from suggestions.models import Suggestion

    return Suggestion.objects.filter(Q(session__number=SESSION_NUMBER) | Q(session__isnull=True))


def _events_of(suggestion) -> list[Event]:
    return list(Event.objects.filter(content_type__model="suggestion", object_id=suggestion.pk).order_by("pk"))


def test_every_step_is_on_a_working_day_and_every_deadline_counts_from_the_step_that_set_it(
    seeded_on_the_official_calendar,
):
    from congress.calendar import WorkingCalendar
    from suggestions.deadlines import assign_due, assignment_deadlines, policy_for, rating_due, rehandling_due
    from suggestions.models import Assignment, Suggestion
    from suggestions.services._common import refresh_due_date

    today = timezone.localdate()
    calendar = WorkingCalendar(dt.date(2025, 12, 1), dt.date(2027, 12, 31))
    suggestions = list(
        _demo_suggestions().prefetch_related("assignments__extension_requests", "assignments__co_opinion", "answers")
    )
    assert len(suggestions) > 235
    policy = policy_for(suggestions[0].body)
    for suggestion in suggestions:
        events = _events_of(suggestion)
        days = [timezone.localdate(event.created_at) for event in events]
        assert all(calendar.is_working_day(day) for day in days), (suggestion.pk, days)
        assert days == sorted(days) and days[-1] <= today, suggestion.pk
        registered_on = max(
            (timezone.localdate(e.created_at) for e in events if e.kind.endswith(("_registered", "_for_assignment"))),
            default=None,
        )
        for assignment in suggestion.assignments.all():
            counted = assignment_deadlines(policy, timezone.localdate(assignment.assigned_at))
            assert assignment.reroute_deadline == counted.reroute_deadline, suggestion.pk
            if assignment.role == Assignment.Role.CO:
                assert assignment.co_opinion_due == counted.co_opinion_due, suggestion.pk
                # Nothing came after its deadline (the overdue have not answered): the opinion neither.
                opinion = getattr(assignment, "co_opinion", None)
                assert opinion is None or timezone.localdate(opinion.sent_at) <= counted.co_opinion_due
                continue
            assert assignment.hard_deadline == counted.hard_deadline, suggestion.pk
            # The step that last set the unit's answer deadline: its assignment, an approved extension, a rating
            # that sent it back for re-handling, one that left it under follow-up (no date).
            expected = counted.answer_due
            for event in events:
                day = timezone.localdate(event.created_at)
                if event.kind == "extension_approved" and event.data["assignment"] == assignment.pk:
                    expected = assignment.extension_requests.get(pk=event.data["request"]).requested_until
                elif event.kind == "suggestion_rehandling" and assignment.pk in event.data["assignments"]:
                    expected = rehandling_due(policy, day)
                elif event.kind == "suggestion_follow_up" and assignment.pk in event.data["assignments"]:
                    expected = None
            assert assignment.answer_due == expected, (suggestion.pk, suggestion.status)
            for request in assignment.extension_requests.all():
                assert calendar.is_working_day(request.requested_until), suggestion.pk
                assert counted.answer_due < request.requested_until <= counted.hard_deadline, suggestion.pk
            extended = [r.requested_until for r in assignment.extension_requests.all() if r.status == "approved"]
            for answer in suggestion.answers.all():
                if answer.assignment_id == assignment.pk and answer.kind == "first":
                    assert timezone.localdate(answer.answered_at) <= max([counted.answer_due, *extended])
        # The rating window opens when the last answering unit answers: a parallel unit's earlier answer shares it.
        opened = {
            pk: timezone.localdate(event.created_at)
            for event in events
            if event.kind == "suggestion_answered"
            for pk in event.data["answers"]
        }
        for answer in suggestion.answers.all():
            assert answer.rating_due == rating_due(policy, opened[answer.pk]), suggestion.pk
        # The suggestion's own deadline is the one running, and the events keep the deadlines they set.
        if suggestion.status in (Suggestion.Status.ASSIGNED, Suggestion.Status.HANDLING, Suggestion.Status.REHANDLING):
            running = Suggestion(pk=suggestion.pk)
            refresh_due_date(running)
            assert suggestion.due_date == running.due_date and suggestion.due_date is not None, suggestion.pk
        elif suggestion.status == Suggestion.Status.ANSWERED:
            assert suggestion.due_date == max(answer.rating_due for answer in suggestion.answers.all())
        elif suggestion.status == Suggestion.Status.REGISTERED and not suggestion.session_id:
            assert suggestion.due_date == assign_due(policy, registered_on), suggestion.pk
        for event in events:
            if event.kind == "suggestion_assigned":
                lead = next(a for a in suggestion.assignments.all() if a.role == Assignment.Role.LEAD)
                assert event.data["reroute_deadline"] == lead.reroute_deadline.isoformat(), suggestion.pk
            elif event.kind == "suggestion_answered":
                assert event.data["rating_due"] == rating_due(policy, timezone.localdate(event.created_at)).isoformat()
            elif event.kind == "suggestion_rehandling":
                due = rehandling_due(policy, timezone.localdate(event.created_at))
                assert event.data["answer_due"] == due.isoformat(), suggestion.pk
    # Not on the weekday the seed ran: the steps fall on every working day of the week.
    weekdays = {
        timezone.localdate(e.created_at).weekday() for e in Event.objects.filter(content_type__model="suggestion")
    }
    assert {0, 1, 2, 3, 4} <= weekdays


def test_storylines_that_stop_before_closing_take_their_steps_over_weeks_and_their_messages_with_them(
    seeded_on_the_official_calendar,
):
    from suggestions.models import Suggestion
    from suggestions.services.closing import lapsed_rounds

    today = timezone.localdate()
    session = Suggestion.objects.filter(session__number=SESSION_NUMBER)
    for status in ("handling", "overdue", "answered", "rehandling", "follow_up"):
        if status == "overdue":
            stopped = session.overdue()
        else:
            stopped = session.filter(status=status).exclude(pk__in=session.overdue())
        assert stopped, status
        for suggestion in stopped:
            days = [timezone.localdate(event.created_at) for event in _events_of(suggestion)]
            # Filed, registered, assigned, accepted, handled ...: on four days at least, over more than a week.
            assert len(set(days)) >= 4 and (days[-1] - days[0]).days > 7, (status, suggestion.pk, days)
        deadlines = {suggestion.due_date for suggestion in stopped}
        if status == "overdue":
            assert all(due < today for due in deadlines)
        elif status == "follow_up":
            assert deadlines == {None}  # the unit answers again when it is solved
        elif status == "answered":
            # Still running, but for the parallel round whose rating window passed with an answer rated unsatisfied:
            # it waits for the office (or beat) to send it back for re-handling.
            waiting = set(lapsed_rounds(today).values_list("pk", flat=True))
            assert len(waiting) == 1 and waiting <= {suggestion.pk for suggestion in stopped}
            assert all(s.due_date >= today for s in stopped if s.pk not in waiting)
            assert all(s.due_date < today for s in stopped if s.pk in waiting)
        else:
            assert all(due >= today for due in deadlines), status  # still running

    # Every message is dated on the day of a step of its suggestion.
    by_suggestion: dict[int, set[dt.date]] = {}
    for event in Event.objects.filter(content_type__model="suggestion"):
        by_suggestion.setdefault(event.object_id, set()).add(timezone.localdate(event.created_at))
    messages = list(Notification.objects.all())
    assert len(messages) > 1000
    for message in messages:
        days = by_suggestion[linked_suggestion_id(message.url)]
        assert timezone.localdate(message.created_at) in days, (message.kind, message.title)


def test_the_demo_counts_suggestions_between_sessions_without_a_category_and_awaiting_a_lead_unit(seeded):
    from suggestions.deadlines import assign_due, policy_for
    from suggestions.filters import SuggestionFilter
    from suggestions.models import Suggestion
    from suggestions.stats import NONE_VALUE, suggestion_stats

    office = User.objects.get(username="office")
    # The statistics' "none" rows count some, whether read from the rollup or live.
    for live in (False, True):
        for grouping in ("session", "category"):
            counts = suggestion_stats(user=office, filters={grouping: NONE_VALUE}, live=live).total.counts
            assert counts["assigned"] >= 3 and counts["closed"] >= 1, (grouping, live)

    # Filed between sessions (闭会期间), after the session, numbered by year, and assigned within the policy's days.
    between = Suggestion.objects.filter(session__isnull=True)
    assert between.count() >= 6 and between.filter(status="closed").exists()
    policy = policy_for(between.first().body)
    for suggestion in between.exclude(registered_at=None):
        assert "闭会期间" in suggestion.reference and suggestion.year == timezone.localdate().year
        assert timezone.localdate(suggestion.submitted_at) > dt.date(2026, 1, 15)
        if suggestion.assigned_at is not None:
            registered_on = timezone.localdate(suggestion.registered_at)
            assert timezone.localdate(suggestion.assigned_at) <= assign_due(policy, registered_on), suggestion.pk

    # A lead unit let go on re-routing leaves a registered suggestion for the office to assign again (未定主办单位),
    # which the lists find under "no lead unit".
    no_lead_unit = SuggestionFilter({"lead_unit": NONE_VALUE}, queryset=Suggestion.objects.all(), user=office).qs
    returned = [
        s
        for s in no_lead_unit.filter(status="registered")
        if "suggestion_returned_for_assignment" in {event.kind for event in _events_of(s)}
    ]
    assert len(returned) == 2
    for suggestion in returned:
        assert suggestion.assigned_at is not None and suggestion.lead_unit_id is None
        assert suggestion.assignments.get().status == "withdrawn"


def _lead_and_parallel(suggestion):
    """Return the lead unit's and the parallel unit's assignments of a suggestion handled by parallel units."""
    from suggestions.models import Assignment

    assignments = {assignment.role: assignment for assignment in suggestion.assignments.all()}
    return assignments[Assignment.Role.LEAD], assignments[Assignment.Role.PARALLEL]


def test_the_lapsed_parallel_round_closed_its_window_days_ago_and_its_page_offers_to_send_it_back(seeded, client):
    from congress.calendar import working_days_between
    from suggestions.services.closing import lapsed_rounds

    today = timezone.localdate()
    (lapsed,) = lapsed_rounds(today)
    lead, parallel = _lead_and_parallel(lapsed)
    # Two answers, the parallel unit's first; the lead unit's opened the window, which closed a few working days ago.
    assert parallel.answers.get().answered_at < lead.answers.get().answered_at
    assert lead.answers.get().rating_due == parallel.answers.get().rating_due == lapsed.due_date
    assert 2 <= working_days_between(lapsed.due_date, today) <= 5
    rating = parallel.answers.get().ratings.get()
    assert timezone.localdate(rating.rated_at) <= lapsed.due_date

    client.force_login(User.objects.get(username="office"))
    page = client.get(reverse("suggestions:detail", args=(lapsed.pk,))).content.decode()

    assert 'data-testid="settle-round-form"' in page and 'data-testid="close-form"' not in page


def test_a_parallel_round_sent_back_once_its_window_closed_is_handled_again_by_the_unit_rated_unsatisfied(seeded):
    from suggestions.models import Assignment, Suggestion

    today = timezone.localdate()
    rehandling = Suggestion.objects.filter(session__number=SESSION_NUMBER, status=Suggestion.Status.REHANDLING)
    (settled,) = rehandling.filter(assignments__role=Assignment.Role.PARALLEL)
    lead, parallel = _lead_and_parallel(settled)
    (sent_back,) = [event for event in _events_of(settled) if event.kind == "suggestion_rehandling"]
    # Sent back by the office once the window closed, the lead unit's answer recorded as left unrated.
    assert sent_back.actor == User.objects.get(username="office")
    assert timezone.localdate(sent_back.created_at) > lead.answers.get().rating_due
    assert sent_back.data["unrated_unit_names"] == [lead.unit.name] and not lead.answers.get().ratings.exists()
    # The parallel unit handles it again, its re-handling deadline still running.
    assert parallel.status == Assignment.Status.ACCEPTED and lead.status == Assignment.Status.ANSWERED
    assert parallel.answer_due == settled.due_date > today
    assert sent_back.data["answer_due"] == settled.due_date.isoformat()
