"""The loop's deadlines through the reminders engine: who hears what, on which day, around National Day 2025.

National Day 2025: 1-8 October off; Sunday 28 September and Saturday 11 October are adjusted workdays.
Each test drives a suggestion through the services at a past date (time_machine), then runs
`run_reminders --at` every morning over the weeks around its deadline.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from congress.models import Notification, Reminder
from suggestions import services
from suggestions.models import Suggestion
from suggestions.reminders import (
    ANSWER_DUE,
    CO_OPINION_DUE,
    EXTENSION_PENDING,
    RATING_DUE,
    REHANDLING_DUE,
    REROUTE_CLOSING,
)
from tests.suggestions.factories import assignment_of, drive, loop_cast

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date
Status = Suggestion.Status


def at(day: dt.date, time: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day.isoformat()}T{time}").replace(tzinfo=SHANGHAI)


def sweep_every_morning(first: dt.date, last: dt.date) -> None:
    day = first
    while day <= last:
        with time_machine.travel(at(day), tick=False):
            call_command("run_reminders", "--at", at(day).isoformat(), stdout=io.StringIO())
        day += dt.timedelta(days=1)


def fired(kind: str, user) -> list[tuple[dt.date, int]]:
    return sorted(Reminder.objects.filter(kind=kind, recipient=user).values_list("fire_date", "offset"))


@pytest.fixture
def cast(county):
    return loop_cast(county)


def drive_on(day: dt.date, cast, **options) -> Suggestion:
    with time_machine.travel(at(day), tick=False):
        return drive(cast, **options)


def test_answer_due_reminds_the_handlers_before_then_daily_overdue_with_the_head_and_later_the_office(cast):
    # Given a suggestion assigned on 1 July 2025: its answer is due 1 October, a holiday, so 9 October
    suggestion = drive_on(D(2025, 7, 1), cast, to=Status.HANDLING)
    assert assignment_of(suggestion, cast.lead_unit).answer_due == D(2025, 10, 9)

    # When the sweep runs every morning from September to mid-October
    sweep_every_morning(D(2025, 9, 1), D(2025, 10, 14))

    # Then the handler hears 30 and 15 days before; 7 and 1 days before fall in the holiday, so the last
    # working day before it carries the nearest one; then every working day overdue (the Saturday too)
    assert fired(ANSWER_DUE, cast.lead_handler) == [
        (D(2025, 9, 9), 30),
        (D(2025, 9, 24), 15),
        (D(2025, 9, 30), 1),
        (D(2025, 10, 10), -1),
        (D(2025, 10, 11), -2),
        (D(2025, 10, 13), -3),
        (D(2025, 10, 14), -4),
    ]
    # the unit head only once it is overdue, the office from the third overdue notice on
    assert [offset for _day, offset in fired(ANSWER_DUE, cast.lead_head)] == [-1, -2, -3, -4]
    office = Reminder.objects.filter(kind=ANSWER_DUE, recipient=cast.staff)
    assert sorted(office.values_list("offset", "escalated")) == [(-4, True), (-3, True)]
    assert office.first().url == reverse("suggestions:detail", args=[suggestion.pk])
    assert suggestion.title in office.first().title


def test_an_answered_suggestion_stops_the_answer_reminders(cast):
    suggestion = drive_on(D(2025, 7, 1), cast, to=Status.HANDLING)
    sweep_every_morning(D(2025, 9, 9), D(2025, 9, 9))
    with time_machine.travel(at(D(2025, 9, 10)), tick=False):
        services.suggestion_answer(
            assignment_id=assignment_of(suggestion, cast.lead_unit).pk,
            actor=cast.lead_handler,
            grade="A",
            text="已解决。",
        )

    sweep_every_morning(D(2025, 9, 10), D(2025, 10, 14))

    assert fired(ANSWER_DUE, cast.lead_handler) == [(D(2025, 9, 9), 30)]


def test_rehandling_due_has_its_own_reminders_and_the_first_answer_kind_stays_silent(cast):
    # Given a suggestion rated unsatisfied on 1 August 2025: the new answer is due 1 October, so 9 October
    suggestion = drive_on(D(2025, 8, 1), cast, to=Status.REHANDLING)
    assert assignment_of(suggestion, cast.lead_unit).answer_due == D(2025, 10, 9)

    sweep_every_morning(D(2025, 9, 1), D(2025, 10, 10))

    assert fired(REHANDLING_DUE, cast.lead_handler) == [
        (D(2025, 9, 9), 30),
        (D(2025, 9, 24), 15),
        (D(2025, 9, 30), 1),
        (D(2025, 10, 10), -1),
    ]
    assert not Reminder.objects.filter(kind=ANSWER_DUE).exists()


def test_the_rerouting_window_closing_reminds_the_unit_on_the_last_working_day_before_the_holiday(cast):
    # Given an assignment on 23 September 2025: 7 working days later is 9 October, after National Day
    suggestion = drive_on(D(2025, 9, 23), cast, to=Status.ASSIGNED, co=True)
    assert assignment_of(suggestion, cast.lead_unit).reroute_deadline == D(2025, 10, 9)

    sweep_every_morning(D(2025, 9, 23), D(2025, 10, 10))

    # Then the day before (8 October) is a holiday: each unit hears on 30 September, once
    assert fired(REROUTE_CLOSING, cast.lead_handler) == [(D(2025, 9, 30), 1)]
    assert fired(REROUTE_CLOSING, cast.co_handler) == [(D(2025, 9, 30), 1)]
    assert not Reminder.objects.filter(kind=REROUTE_CLOSING, recipient=cast.staff).exists()


def test_an_accepted_assignment_hears_nothing_about_the_rerouting_window(cast):
    drive_on(D(2025, 9, 23), cast, to=Status.HANDLING)

    sweep_every_morning(D(2025, 9, 29), D(2025, 10, 10))

    assert not Reminder.objects.filter(kind=REROUTE_CLOSING).exists()


def test_the_co_opinion_due_reminds_the_co_handling_unit_7_and_1_days_before(cast):
    # Given a co-handling unit assigned on 10 September 2025: its opinion is due 10 October
    suggestion = drive_on(D(2025, 9, 10), cast, to=Status.HANDLING, co=True)
    assert assignment_of(suggestion, cast.co_unit).co_opinion_due == D(2025, 10, 10)

    sweep_every_morning(D(2025, 9, 25), D(2025, 10, 13))

    # 3 October is a holiday: moved back to 30 September; 9 October is a working day
    assert fired(CO_OPINION_DUE, cast.co_handler) == [(D(2025, 9, 30), 7), (D(2025, 10, 9), 1)]
    assert not Reminder.objects.filter(kind=CO_OPINION_DUE, recipient=cast.lead_handler).exists()


def test_an_extension_request_reminds_the_office_every_working_day_until_decided(cast):
    suggestion = drive_on(D(2025, 9, 1), cast, to=Status.HANDLING)
    assignment = assignment_of(suggestion, cast.lead_unit)
    with time_machine.travel(at(D(2025, 9, 26)), tick=False):
        request = services.extension_request(
            assignment_id=assignment.pk,
            actor=cast.lead_handler,
            reason="需等待上级批复。",
            requested_until=assignment.answer_due + dt.timedelta(days=20),
        )

    sweep_every_morning(D(2025, 9, 26), D(2025, 10, 9))
    with time_machine.travel(at(D(2025, 10, 9), "11:00"), tick=False):
        services.extension_decide(request_id=request.pk, actor=cast.staff, approve=True)
    sweep_every_morning(D(2025, 10, 10), D(2025, 10, 14))

    # Sunday 28 September is a workday; 1-8 October are not; after the decision on 9 October, silence
    assert fired(EXTENSION_PENDING, cast.staff) == [
        (D(2025, 9, 28), -1),
        (D(2025, 9, 29), -2),
        (D(2025, 9, 30), -3),
        (D(2025, 10, 9), -4),
    ]


def test_the_lead_deputy_is_asked_to_rate_on_working_days_7_and_14_of_the_window_and_never_after(cast):
    # Given an answer on 24 September 2025: the 20-working-day window closes on 28 October
    suggestion = drive_on(D(2025, 9, 24), cast, to=Status.ANSWERED, cosigned=True)
    assert suggestion.due_date == D(2025, 10, 28)

    sweep_every_morning(D(2025, 9, 24), D(2025, 11, 20))

    assert fired(RATING_DUE, cast.deputy) == [(D(2025, 10, 10), -7), (D(2025, 10, 20), -14)]
    # co-signers read the answer but do not rate
    assert not Reminder.objects.filter(kind=RATING_DUE, recipient=cast.co_deputy).exists()
    reminder = Reminder.objects.filter(kind=RATING_DUE).first()
    assert "2025" in reminder.title and suggestion.title in reminder.title


def test_a_rated_answer_gets_no_more_rating_reminders(cast):
    suggestion = drive_on(D(2025, 9, 24), cast, to=Status.ANSWERED)
    sweep_every_morning(D(2025, 10, 10), D(2025, 10, 10))
    with time_machine.travel(at(D(2025, 10, 13)), tick=False):
        services.suggestion_rate(
            answer_id=suggestion.answers.get().pk, actor=cast.deputy, attitude="satisfied", result="satisfied"
        )

    sweep_every_morning(D(2025, 10, 13), D(2025, 10, 24))

    assert fired(RATING_DUE, cast.deputy) == [(D(2025, 10, 10), -7)]


def test_recipients_are_read_per_batch_so_a_sweep_costs_the_same_for_2_or_12_due_answers(
    cast, django_assert_max_num_queries
):
    def sweep_queries() -> int:
        Reminder.objects.all().delete()
        with django_assert_max_num_queries(200) as captured:
            call_command("run_reminders", "--at", at(D(2025, 9, 9)).isoformat(), stdout=io.StringIO())
        return len(captured.captured_queries)

    for _ in range(2):
        drive_on(D(2025, 7, 1), cast, to=Status.HANDLING, parallel=True)
    call_command("run_reminders", "--at", at(D(2025, 9, 9)).isoformat(), stdout=io.StringIO())  # policies, cursor
    small = sweep_queries()
    for _ in range(10):
        drive_on(D(2025, 7, 1), cast, to=Status.HANDLING, parallel=True)
    large = sweep_queries()

    assert Reminder.objects.filter(kind=ANSWER_DUE).count() == 24  # 12 suggestions, lead and parallel unit
    assert small == large


def test_the_loops_messages_link_staff_and_units_to_the_detail_page_and_deputies_to_their_phone_page(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = drive(cast, to=Status.ANSWERED)

    unit_message = Notification.objects.get(recipient=cast.lead_handler, kind="suggestion_assigned")
    deputy_message = Notification.objects.get(recipient=cast.deputy, kind="suggestion_rating_due")
    assert unit_message.url == reverse("suggestions:detail", args=[suggestion.pk])
    assert deputy_message.url == reverse("suggestions_mobile:detail", args=[suggestion.pk])
