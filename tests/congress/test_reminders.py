"""The reminders engine on the test database with eager Celery: what fires when, once, to whom, how."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from congress.models import (
    CalendarYear,
    Channel,
    Delivery,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderPolicy,
    Role,
)
from congress.reminders import Policy
from congress.reminders.delivery import delivery_send
from congress.reminders.kinds import CALENDAR_YEAR_MISSING
from congress.reminders.schedule import next_working_moment
from congress.reminders.services import notice_send
from congress.reminders.sweep import sweep
from tests.congress.factories import BodyFactory, SessionFactory, TermFactory, make_user
from tests.reminders.kinds import SESSION_KIND, session_kind

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=SHANGHAI)


def session_due(county, day: dt.date):
    return SessionFactory(term=county.term, start_date=day, end_date=day + dt.timedelta(days=3))


def fired(kind: str = SESSION_KIND) -> list[tuple[dt.date, int]]:
    return sorted(Reminder.objects.filter(kind=kind).values_list("fire_date", "offset"))


@pytest.fixture
def watcher(county):
    return make_user(body=county.committee, roles=[Role.COMMITTEE_MEMBER], email="w@example.cn", phone="13800000001")


def test_a_30_15_7_1_policy_fires_on_exactly_those_days_moved_off_non_working_days(county, watcher):
    # Given a session due Monday 16 June 2025; 17 May is a Saturday, 1 June and 15 June holidays or a Sunday
    session_due(county, dt.date(2025, 6, 16))
    with session_kind(watchers=[watcher.pk]):
        # When the sweep runs every morning from 1 May to 20 June
        day = dt.date(2025, 5, 1)
        while day <= dt.date(2025, 6, 20):
            with time_machine.travel(at(day.isoformat()), tick=False):
                call_command("run_reminders", "--at", at(day.isoformat()).isoformat(), stdout=io.StringIO())
            day += dt.timedelta(days=1)

    # Then reminders fired on the working day before each non-working one, once each
    assert fired() == [
        (dt.date(2025, 5, 16), 30),
        (dt.date(2025, 5, 30), 15),
        (dt.date(2025, 6, 9), 7),
        (dt.date(2025, 6, 13), 1),
    ]
    titles = (
        Reminder.objects.filter(recipient=watcher, kind=SESSION_KIND)
        .order_by("fire_date")
        .values_list("title", flat=True)
    )
    assert [title.split(": ")[1] for title in titles] == ["还有31天到期", "还有17天到期", "还有7天到期", "还有3天到期"]


def test_sweeping_twice_or_at_once_records_and_delivers_each_reminder_once(
    county, watcher, django_capture_on_commit_callbacks
):
    session_due(county, dt.date(2025, 6, 11))
    policy = Policy(offsets=(7,), channels=("in_app", "email"))
    with session_kind(watchers=[watcher.pk], policy=policy), django_capture_on_commit_callbacks(execute=True):
        first = sweep(at=at("2025-06-04", "10:00"))
        second = sweep(at=at("2025-06-04", "10:15"))

    assert (first.reminders, first.deliveries) == (1, 2)
    assert (second.reminders, second.deliveries) == (0, 0)
    assert Notification.objects.filter(recipient=watcher, kind=SESSION_KIND).count() == 1
    assert len(mail.outbox) == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_after_a_three_week_outage_only_the_most_recent_missed_reminder_goes_out(county, watcher):
    # Given the sweep last ran on 1 May and the workers were down until 5 June
    session_due(county, dt.date(2025, 6, 16))
    with session_kind(watchers=[watcher.pk]):
        sweep(at=at("2025-05-01"))
        # When the first sweep after the outage runs (30 and 15 days before were missed)
        sweep(at=at("2025-06-05"))

    # Then the person hears about the session once, at its latest stage
    assert fired() == [(dt.date(2025, 5, 30), 15)]


def test_overdue_notices_repeat_every_n_working_days_and_escalate_after_m(county, watcher):
    head = make_user(body=county.committee, roles=[Role.LEADER])
    county.session.delete()
    session_due(county, dt.date(2025, 6, 3))  # a Tuesday
    policy = Policy(offsets=(), overdue_every=2, escalate_after=2, channels=("in_app",))
    with session_kind(watchers=[watcher.pk], escalation=[head.pk], policy=policy):
        for day in range(4, 14):
            sweep(at=at(f"2025-06-{day:02d}"))

    rows = set(Reminder.objects.filter(kind=SESSION_KIND).values_list("fire_date", "offset", "recipient_id"))
    # Working days after 3 June: 4, 5 (2nd), 6, 9 (4th), 10, 11 (6th), 12, 13 (8th)
    assert rows == {
        (dt.date(2025, 6, 5), -2, watcher.pk),
        (dt.date(2025, 6, 9), -4, head.pk),
        (dt.date(2025, 6, 9), -4, watcher.pk),
        (dt.date(2025, 6, 11), -6, head.pk),
        (dt.date(2025, 6, 11), -6, watcher.pk),
        (dt.date(2025, 6, 13), -8, head.pk),
        (dt.date(2025, 6, 13), -8, watcher.pk),
    }
    assert Reminder.objects.filter(recipient=head, escalated=True).count() == 3


def test_a_body_with_its_own_policy_follows_it_and_the_rest_follow_the_default(county, watcher):
    other_congress = BodyFactory(name="白水镇人民代表大会", kind="township_congress")
    session_due(county, dt.date(2025, 6, 16))
    SessionFactory(
        term=TermFactory(body=other_congress), start_date=dt.date(2025, 6, 16), end_date=dt.date(2025, 6, 17)
    )
    with session_kind(watchers=[watcher.pk], policy=Policy(offsets=(7,), channels=("in_app",))):
        sweep(at=at("2025-06-09"))
        ReminderPolicy.objects.create(kind=SESSION_KIND, body=other_congress, offsets=[3], channels=["in_app"])
        sweep(at=at("2025-06-13"))

    by_body = dict(
        Reminder.objects.filter(kind=SESSION_KIND, fire_date=dt.date(2025, 6, 13)).values_list("offset", "object_id")
    )
    assert list(by_body) == [3]
    assert Reminder.objects.filter(kind=SESSION_KIND, offset=7).count() == 2  # both bodies on 9 June, before the change


def test_deliveries_outside_working_hours_wait_for_the_next_working_morning(county, watcher):
    session_due(county, dt.date(2025, 10, 9))
    with session_kind(watchers=[watcher.pk], policy=Policy(offsets=(1,), shift_to_working_day=False)):
        # 8 October 2025 is a National Day holiday; the sweep runs at 3 a.m.
        result = sweep(at=at("2025-10-08", "03:00"))

    delivery = Delivery.objects.get(channel=Channel.IN_APP)
    assert result.enqueued == 0
    assert delivery.send_after == at("2025-10-09", "08:30")
    assert next_working_moment(at("2025-10-09", "17:45")) == at("2025-10-10", "08:30")
    assert next_working_moment(at("2025-10-09", "12:00")) == at("2025-10-09", "12:00")
    # Saturday 11 October 2025 is an adjusted workday
    assert next_working_moment(at("2025-10-10", "18:00")) == at("2025-10-11", "08:30")


def test_channels_follow_the_persons_choice_and_what_they_can_be_reached_by(county, watcher):
    no_phone = make_user(body=county.committee, roles=[Role.COMMITTEE_MEMBER], email="n@example.cn")
    NotificationPreference.objects.create(user=watcher, sms=False)
    session_due(county, dt.date(2025, 6, 11))
    with session_kind(watchers=[watcher.pk, no_phone.pk], policy=Policy(offsets=(7,))):
        sweep(at=at("2025-06-04"))

    channels = set(Delivery.objects.values_list("recipient_id", "channel"))
    assert channels == {
        (watcher.pk, Channel.IN_APP),
        (watcher.pk, Channel.EMAIL),
        (no_phone.pk, Channel.IN_APP),
        (no_phone.pk, Channel.EMAIL),
    }


def test_a_digest_reader_gets_one_message_per_channel_for_many_reminders(
    county, watcher, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=watcher, email=True, sms=False, digest=True)
    for _number in range(3):
        session_due(county, dt.date(2025, 6, 11))
    with session_kind(watchers=[watcher.pk], policy=Policy(offsets=(7,), channels=("in_app", "email"))):
        sweep(at=at("2025-06-04", "07:00"))
        with django_capture_on_commit_callbacks(execute=True):
            sweep(at=at("2025-06-04", "08:45"))

    assert Notification.objects.filter(recipient=watcher, kind=SESSION_KIND).count() == 3
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "您有3条提醒"
    assert Reminder.objects.filter(digest_date=dt.date(2025, 6, 4)).count() == 3


def test_a_failing_channel_is_retried_with_backoff_then_failed_and_others_go_out(county, watcher, settings):
    settings.REMINDERS_RETRY_DELAYS = [60, 300]
    settings.SMS_BACKEND = "tests.reminders.test_reminders_units.BrokenSms"
    session_due(county, dt.date(2025, 6, 11))
    with session_kind(watchers=[watcher.pk], policy=Policy(offsets=(7,), channels=("in_app", "sms"))):
        sweep(at=at("2025-06-04"))
    sms = Delivery.objects.get(channel=Channel.SMS)
    in_app = Delivery.objects.get(channel=Channel.IN_APP)

    with time_machine.travel(at("2025-06-04", "10:00"), tick=False):
        assert delivery_send(delivery_id=in_app.pk) is None
        first = delivery_send(delivery_id=sms.pk)
        second = delivery_send(delivery_id=sms.pk)
        last = delivery_send(delivery_id=sms.pk)

    sms.refresh_from_db()
    assert (first, second, last) == (60, 300, None)
    assert sms.status == Delivery.Status.FAILED
    assert sms.attempts == 3
    assert "gateway down" in sms.last_error
    assert Delivery.objects.get(pk=in_app.pk).status == Delivery.Status.SENT
    # A failed row is left alone by a redelivered task
    assert delivery_send(delivery_id=sms.pk) is None
    assert Delivery.objects.get(pk=sms.pk).attempts == 3


def test_the_sweep_reads_only_the_due_subjects_however_many_are_open(county, watcher, django_assert_max_num_queries):
    # One kind is measured: the apps' own kinds (suggestions …) each add their fixed share of queries.
    def sweep_counting(kind) -> int:
        Reminder.objects.all().delete()
        with django_assert_max_num_queries(40) as captured:
            sweep(at=at("2025-06-04"), kinds=[kind])
        return len(captured.captured_queries)

    session_due(county, dt.date(2025, 6, 11))
    with session_kind(watchers=[watcher.pk], policy=Policy(offsets=(7,), channels=("in_app",))) as kind:
        sweep(at=at("2025-06-04"), kinds=[kind])  # creates the policy and template rows once
        small = sweep_counting(kind)
        for number in range(40):
            session_due(county, dt.date(2025, 9, 1) + dt.timedelta(days=number))
        large = sweep_counting(kind)

    assert small == large
    assert Reminder.objects.filter(kind=SESSION_KIND).count() == 1


def test_the_calendar_kind_reminds_office_staff_before_1_december_and_escalates_to_administrators(county):
    office = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    admin = make_user(body=county.committee, roles=[Role.SYSADMIN])
    CalendarYear.objects.filter(year=2031).delete()

    sweep(at=at("2030-11-01"))  # 30 days before 1 December 2030 (a Sunday: moved to Friday 29 November)
    sweep(at=at("2030-11-29"))
    assert sorted(
        Reminder.objects.filter(kind=CALENDAR_YEAR_MISSING, object_id=_year(2031)).values_list("offset", "recipient_id")
    ) == [
        (0, office.pk),
        (30, office.pk),
    ]

    for day in ("2030-12-06", "2030-12-09", "2030-12-13"):
        sweep(at=at(day))
    escalated = Reminder.objects.filter(kind=CALENDAR_YEAR_MISSING, object_id=_year(2031), recipient=admin)
    assert list(escalated.values_list("offset", flat=True)) == [-10]
    assert escalated.get().url == "/system/calendar/2031/"
    assert "2031" in escalated.get().title


def _year(year: int) -> int:
    return CalendarYear.objects.get(year=year).pk


def test_a_notice_sent_in_a_request_reaches_the_inbox_after_commit(county, watcher, django_capture_on_commit_callbacks):
    moment = time_machine.travel(at("2025-06-04", "10:00"), tick=False)
    with moment, django_capture_on_commit_callbacks(execute=True):
        reminder = notice_send(recipient=watcher, kind="test", title="你好", channels=("in_app", "sms"))

    assert set(reminder.deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert Notification.objects.get(recipient=watcher).title == "你好"
