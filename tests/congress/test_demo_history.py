"""The demo's finished suggestions close at varied times after assignment, each step after the one before it."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone, translation

from congress.demo.suggestions import SESSION_NUMBER, linked_suggestion_id
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

    closed = [message for message in messages if message.kind == "suggestion_closed"]
    assert len(closed) == 120
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
