"""The demo's inbox messages tell the same dates as its records once the seed has moved the session back in time."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.formats import date_format

from congress.demo.history import dates_rewriter, linked_suggestion_id
from congress.models import Notification, User
from congress.todos import todos_for

pytestmark = pytest.mark.django_db

WRITTEN_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


@pytest.fixture
def seeded(django_capture_on_commit_callbacks):
    """The full demo, with what it hands over at commit (the inbox messages) run as a real commit would."""
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--allow-production", stdout=StringIO())


def _dates(text: str) -> set[dt.date]:
    found = set()
    for written in WRITTEN_DATE.findall(text):
        year, month, day = map(int, re.findall(r"\d+", written))
        found.add(dt.date(year, month, day))
    return found


def _about(kind: str) -> list[tuple[Notification, object]]:
    from suggestions.models import Suggestion

    messages = list(Notification.objects.filter(kind=kind))
    suggestions = Suggestion.objects.in_bulk([linked_suggestion_id(message.url) for message in messages])
    return [(message, suggestions[linked_suggestion_id(message.url)]) for message in messages]


def test_after_seeding_the_inbox_tells_the_dates_the_records_hold(seeded, django_capture_on_commit_callbacks):
    from congress.models import Event

    # Every deadline a message names is the deadline on record.
    rating_due = _about("suggestion_rating_due")
    assigned = _about("suggestion_assigned")
    assert rating_due and assigned
    for message, suggestion in rating_due:
        assert _dates(message.title) <= {answer.rating_due for answer in suggestion.answers.all()}, message.title
    for message, suggestion in assigned:
        deadlines = {assignment.reroute_deadline for assignment in suggestion.assignments.all()}
        assert _dates(message.body) and _dates(message.body) <= deadlines, message.body
    for message, suggestion in _about("suggestion_rehandling"):
        answer_due = {assignment.answer_due for assignment in suggestion.assignments.all()}
        assert _dates(message.title) <= answer_due, message.title

    # So does every deadline the timeline reads from its events' data.
    from suggestions.models import Suggestion

    reopened = Suggestion.objects.filter(status="rehandling")
    assert reopened
    for suggestion in reopened:
        event = Event.objects.filter(
            object_id=suggestion.pk, content_type__model="suggestion", kind="suggestion_rehandling"
        ).latest("created_at")
        assert event.data["answer_due"] == suggestion.due_date.isoformat(), suggestion.pk

    # The deputy's inbox asks for the rating by the day their to-do list gives.
    deputy = User.objects.get(username="deputy")
    (rating,) = [item for item in todos_for(deputy) if item.due is not None and item.level == "warning"]
    waiting = [
        message
        for message, suggestion in rating_due
        if message.recipient_id == deputy.pk and suggestion.status == "answered"
    ]
    assert waiting and min(min(_dates(message.title)) for message in waiting) == rating.due

    # A message is dated with the step of its suggestion's history that sent it, not with the moment the seed ran.
    for message, suggestion in _about("suggestion_registered"):
        step = Event.objects.filter(
            object_id=suggestion.pk, content_type__model="suggestion", kind="suggestion_registered"
        ).latest("created_at")
        assert step.created_at <= message.created_at < step.created_at + dt.timedelta(hours=1), suggestion.pk

    # A second run adds no suggestion and so moves no message again.
    before = list(Notification.objects.order_by("pk").values_list("pk", "created_at", "title", "body"))
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--allow-production", stdout=StringIO())
    assert list(Notification.objects.order_by("pk").values_list("pk", "created_at", "title", "body")) == before


def test_each_deadline_a_text_names_is_rewritten_to_what_it_became_and_nothing_else_changes():
    # A deadline counted from the day the seed ran, and another; the second became what the first was.
    redated = {dt.date(2026, 12, 18): dt.date(2026, 4, 3), dt.date(2026, 4, 3): dt.date(2026, 3, 27)}
    with translation.override("zh-hans"):
        rewrite = dates_rewriter(redated)
        text = f"请于{date_format(dt.date(2026, 12, 18))}前评价；另见{date_format(dt.date(2026, 4, 3))}。编号第0047号"
        # Each once, not the first's new date again as the second's.
        assert rewrite(text) == "请于2026年4月3日前评价；另见2026年3月27日。编号第0047号"
    with translation.override("en"):
        rewrite = dates_rewriter(redated)
        assert rewrite(f"Rate it by {date_format(dt.date(2026, 12, 18))}.") == (
            f"Rate it by {date_format(dt.date(2026, 4, 3))}."
        )
        assert dates_rewriter({})("2026-12-18") == "2026-12-18"
