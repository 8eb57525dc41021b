"""The engine's promises proven on real Celery workers, a real Redis and PostgreSQL.

Each test runs its own redis-server on a free port, so stopping it never disturbs anyone else.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from congress.models import CalendarYear, Delivery, Notification, Reminder, ReminderPolicy, Role
from congress.reminders.kinds import CALENDAR_YEAR_MISSING
from congress.reminders.services import notice_send
from congress.reminders.sweep import sweep
from congress.tasks import reminders_sweep
from tests.celery_broker import tasks_sent_to
from tests.congress.factories import make_user
from tests.reminders.services import GatewayStub, PrivateRedis, Workers, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

DELIVERY_TIMEOUT = 90


@pytest.fixture
def redis_server(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server):
    """Send this process's tasks to the private Redis, not eagerly."""
    with tasks_sent_to(redis_server.url):
        yield redis_server


@pytest.fixture
def engine_settings(settings):
    # The tests run at any hour on any day: nothing is held for working hours, and pending rows are re-sent at once.
    settings.REMINDERS_WORKING_HOURS = ""
    settings.REMINDERS_REQUEUE_AFTER = 0
    return settings


def start_workers(tmp_path, broker, **env) -> Workers:
    return Workers(tmp_path, broker.url, {"REMINDERS_WORKING_HOURS": "", **env})


@pytest.fixture
def workers(transactional_db, django_db_serialized_rollback, tmp_path, broker, engine_settings):
    pool = start_workers(tmp_path, broker)
    yield pool
    # Stop them before pytest-django flushes the database they are connected to.
    pool.stop_all()


def all_sent(queryset) -> bool:
    return not queryset.exclude(status=Delivery.Status.SENT).exists()


def test_concurrent_sweeps_and_a_double_beat_deliver_each_reminder_exactly_once(workers, county):
    # Given the next year's calendar is missing and its reminder fires today for three office staff
    staff = [make_user(body=county.committee, roles=[Role.OFFICE_STAFF]) for _number in range(3)]
    today = timezone.localdate()
    due_year = today.year if today <= dt.date(today.year, 12, 1) else today.year + 1
    CalendarYear.objects.update(is_official=True)
    CalendarYear.objects.update_or_create(year=due_year + 1, defaults={"is_official": False})
    offset = (dt.date(due_year, 12, 1) - today).days
    ReminderPolicy.objects.update_or_create(
        kind=CALENDAR_YEAR_MISSING,
        body=None,
        defaults={"offsets": [offset], "shift_to_working_day": False, "channels": ["in_app"], "overdue_every": 0},
    )
    workers.start()
    workers.start()

    # When beat fires twice and two sweeps run here at the same moment
    reminders_sweep.delay()
    reminders_sweep.delay()
    barrier = threading.Barrier(2)

    def sweep_here() -> None:
        barrier.wait()
        try:
            sweep()
        finally:
            # The thread's own connection: close_old_connections would keep it (CONN_MAX_AGE), and an open
            # connection stops the test database from being dropped at the end of the run.
            connections.close_all()

    threads = [threading.Thread(target=sweep_here) for _number in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then each person has exactly one reminder, delivered once
    ledger = Reminder.objects.filter(kind=CALENDAR_YEAR_MISSING)
    wait_for(
        lambda: ledger.count() == 3 and all_sent(Delivery.objects.all()),
        timeout=DELIVERY_TIMEOUT,
        message=lambda: (
            f"ledger {ledger.count()}, deliveries {list(Delivery.objects.values_list('status'))}\n" + workers.logs()
        ),
    )
    time.sleep(2)  # let any duplicate task finish
    for person in staff:
        assert Notification.objects.filter(recipient=person, kind=CALENDAR_YEAR_MISSING).count() == 1
    assert Delivery.objects.count() == 3


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(workers, county, settings):
    settings.REMINDERS_BATCH_SIZE = 40
    person = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    first = workers.start()

    # Given 400 messages handed to one worker in batches
    for number in range(400):
        notice_send(recipient=person, kind="batch", title=f"n-{number}", channels=("in_app",))
    inbox = Notification.objects.filter(recipient=person, kind="batch")

    # When the worker is killed with SIGKILL in the middle of the work
    wait_for(lambda: inbox.count() >= 30, timeout=DELIVERY_TIMEOUT, message=workers.logs)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = inbox.count()
    assert killed_at < 400, "the worker finished before it could be killed; make the batch larger"

    # And another worker starts, and the next sweep hands over what is still pending
    workers.start()
    sweep()

    # Then every message arrives, each exactly once
    deliveries = Delivery.objects.filter(recipient=person)
    wait_for(
        lambda: all_sent(deliveries),
        timeout=DELIVERY_TIMEOUT,
        message=lambda: f"{deliveries.exclude(status='sent').count()} still pending\n{workers.logs()}",
    )
    titles = list(inbox.values_list("title", flat=True))
    assert len(titles) == 400
    assert len(set(titles)) == 400


def test_with_redis_stopped_a_request_that_sends_a_message_is_quick_and_it_arrives_once_redis_is_back(
    workers, county, client, broker
):
    person = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    workers.start()
    client.force_login(person)

    # Given Redis is down
    broker.stop()

    # When the person asks for a test message
    started = time.monotonic()
    response = client.post(reverse("reminders:preferences_test"))
    elapsed = time.monotonic() - started

    # Then the page answers quickly, without an error, and the message waits in the ledger
    assert response.status_code == 302
    assert elapsed < 3, f"the request took {elapsed:.1f}s with Redis down"
    delivery = Delivery.objects.get(recipient=person)
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.queued_at is None

    # When Redis is back and the sweep runs
    broker.start()
    wait_for(lambda: sweep().enqueued > 0 or all_sent(Delivery.objects.all()), timeout=30, message=workers.logs)

    # Then the message is delivered, once
    wait_for(lambda: all_sent(Delivery.objects.all()), timeout=DELIVERY_TIMEOUT, message=workers.logs)
    assert Notification.objects.filter(recipient=person, kind="test").count() == 1


def test_an_sms_gateway_failing_or_timing_out_is_retried_with_backoff_then_failed_and_shown(
    transactional_db, django_db_serialized_rollback, tmp_path, broker, engine_settings, county, client
):
    ok = make_user(body=county.committee, roles=[Role.COMMITTEE_MEMBER], phone="13800000200")
    broken = make_user(body=county.committee, roles=[Role.COMMITTEE_MEMBER], phone="13800000500")
    slow = make_user(body=county.committee, roles=[Role.COMMITTEE_MEMBER], phone="13800000408")
    office = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    with GatewayStub(failing={broken.phone}, slow={slow.phone}, delay=3) as gateway:
        pool = start_workers(
            tmp_path,
            broker,
            SMS_BACKEND="http",
            SMS_GATEWAY_URL=gateway.url,
            SMS_GATEWAY_TIMEOUT="1",
            REMINDERS_RETRY_DELAYS="1,2",
        )
        try:
            pool.start()
            # When each of them is sent a message by inbox and SMS
            for person in (ok, broken, slow):
                notice_send(recipient=person, kind="gateway", title=f"to {person.phone}", channels=("in_app", "sms"))

            sms = Delivery.objects.filter(channel="sms")
            wait_for(
                lambda: not sms.filter(status=Delivery.Status.PENDING).exists(),
                timeout=DELIVERY_TIMEOUT,
                message=lambda: f"{list(sms.values_list('recipient__phone', 'status', 'attempts'))}\n{pool.logs()}",
            )
        finally:
            pool.stop_all()

    # Then the good number got one SMS; the others were tried three times, with growing gaps, then failed
    assert [message_id for _at, message_id in gateway.requests[ok.phone]] == [f"delivery-{sms.get(recipient=ok).pk}"]
    for person, reason in ((broken, "HTTP 500"), (slow, "did not answer within 1s")):
        delivery = sms.get(recipient=person)
        assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 3)
        assert reason in delivery.last_error
        moments = [moment for moment, _id in gateway.requests[person.phone]]
        assert len(moments) == 3
        assert moments[1] - moments[0] >= 1 and moments[2] - moments[1] >= 2
    # And the inbox messages went out regardless
    assert set(Delivery.objects.filter(channel="in_app").values_list("status", flat=True)) == {Delivery.Status.SENT}

    # And office staff see the failures with their reasons on the ledger
    client.force_login(office)
    page = client.get(reverse("reminders:ledger"), {"status": "failed"}).content.decode()
    assert "HTTP 500" in page
    assert "did not answer within 1s" in page
