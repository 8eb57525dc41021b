"""Benchmark the reminder sweep: 1,000,000 open suggestions' assignments, 10,000 of them due, in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/reminders.py [--rows N] [--due N] [--reuse]

It creates its own database (`congress_bench_reminders` on DATABASE_URL's server), migrates it and fills it in
SQL (INSERT … SELECT over generate_series): one county, 100 handling units with a handler each, and `--rows`
suggestions being handled, each with its lead unit's assignment. `--due` of them have their answer due 7 days
after the sweep's day (Wednesday 4 June 2025, a working day), the rest between two months and a year later.

A kind registered here, "answer due" over `suggestions.Assignment.answer_due` (indexed with its status), has
the portal's default policy (30, 15, 7, 1 days before and on the day; in-app and SMS). The script runs one
sweep as of 2025-06-04 10:00 and a second right after it, and prints each one's wall time and SQL query count.
Deliveries go to a filesystem broker in a temporary folder; no worker consumes them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database_url, recreate_database, setup_django  # noqa: E402

DATABASE = "congress_bench_reminders"
UNITS = 100
SWEEP_DAY = "2025-06-04"


def fill(rows: int, due: int) -> None:
    """Build the county, its units and handlers, and the suggestions with their assignments, in SQL."""
    from django.db import connection

    from congress.models import Body, Role, Unit, User
    from tests.congress.factories import CountyFactory, make_user
    from tests.deputies.factories import DeputyFactory

    county = CountyFactory()
    office = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    deputy = DeputyFactory(body=county.congress)
    for number in range(UNITS):
        unit = Unit.objects.create(
            body=county.congress, code=f"B{number:03d}", name=f"县第{number}局", kind="government"
        )
        make_user(body=county.congress, roles=[Role.UNIT_HANDLER], unit=unit, phone=f"139{number:08d}")
    first_unit = Unit.objects.filter(code="B000").values_list("pk", flat=True).get()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO suggestions_suggestion (body_id, year, title, content, status, source, lead_deputy_id,
                reject_reason, reject_note, is_priority, is_public, lead_unit_id, due_date, latest_grade,
                created_by_id, created_at, updated_at)
            SELECT %(body)s, 2025, '关于第' || g || '号事项的建议', '建议内容', 'handling', 'deputy', %(deputy)s,
                '', '', false, false, %(unit)s + g %% %(units)s,
                CASE WHEN g <= %(due)s THEN DATE '2025-06-11' ELSE DATE '2025-08-03' + (g %% 300) END,
                '', %(office)s, now(), now()
            FROM generate_series(1, %(rows)s) AS g
            """,
            {
                "body": county.congress.pk,
                "deputy": deputy.pk,
                "unit": first_unit,
                "units": UNITS,
                "due": due,
                "office": office.pk,
                "rows": rows,
            },
        )
        cursor.execute(
            """
            INSERT INTO suggestions_assignment (suggestion_id, unit_id, role, status, assigned_at, assigned_by_id,
                reroute_deadline, answer_due, reroute_reason)
            SELECT id, lead_unit_id, 'lead', 'accepted', now(), %(office)s, DATE '2025-03-20', due_date, ''
            FROM suggestions_suggestion
            """,
            {"office": office.pk},
        )
        cursor.execute("ANALYZE")
    print(f"filled {rows:,} suggestions and assignments ({due:,} due) in {time.perf_counter() - started:.0f}s")
    assert Body.objects.count() and User.objects.count()


def register_answer_due() -> None:
    from congress.models import Role, User
    from congress.reminders import MessageText, Policy, ReminderKind, register
    from suggestions.models import Assignment

    def handlers(assignments):
        """The handlers of each assignment's unit, read in one query for the batch."""
        by_unit = defaultdict(list)
        users = User.objects.filter(
            unit__in={assignment.unit_id for assignment in assignments},
            role_grants__role=Role.UNIT_HANDLER,
            is_active=True,
        )
        for user_id, unit_id in users.values_list("pk", "unit_id"):
            by_unit[unit_id].append(user_id)
        return {assignment.pk: by_unit[assignment.unit_id] for assignment in assignments}

    register(
        ReminderKind(
            name="bench.answer_due",
            label="Answer due",
            # The unit is part of the subject's name in the messages.
            queryset=lambda: Assignment.objects.filter(status__in=Assignment.ACTIVE_STATUSES).select_related("unit"),
            due_field="answer_due",
            body_field="suggestion__body",
            recipients=handlers,
            default_policy=Policy(offsets=(30, 15, 7, 1, 0), channels=("in_app", "sms")),
            message=MessageText(title="{{ subject }}: {{ status }}", sms="{{ subject }} {{ status }}"),
            url=lambda assignment: f"/suggestions/{assignment.suggestion_id}/",
        )
    )


def timed_sweep(label: str) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from congress.reminders import get_kind
    from congress.reminders.sweep import sweep

    moment = dt.datetime.fromisoformat(f"{SWEEP_DAY}T10:00").replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = sweep(at=moment, kinds=[get_kind("bench.answer_due")])
        elapsed = time.perf_counter() - started
    if os.environ.get("BENCH_SHOW_QUERIES"):
        from collections import Counter

        print(Counter(query["sql"][:60] for query in queries.captured_queries).most_common(8))
    print(
        f"{label:<14} {elapsed:7.2f}s {len(queries.captured_queries):5d} queries   "
        f"reminders {result.reminders:,}, deliveries {result.deliveries:,}, handed to the broker {result.enqueued:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="keep the filled database and only clear the ledger")
    args = parser.parse_args()

    url = database_url(DATABASE)
    if not args.reuse:
        recreate_database(url)
    broker = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    for folder in ("queue", "processed", "control"):
        (broker / "broker" / folder).mkdir(parents=True)
    os.environ["CONGRESS_VAR_DIR"] = str(broker)
    os.environ.pop("REDIS_URL", None)
    setup_django(url)
    from django.core.management import call_command

    from congress.celery import app as celery_app
    from congress.models import Delivery, Reminder, ReminderCursor

    # The test settings run tasks eagerly; here they go to the filesystem broker as in production.
    celery_app.conf.task_always_eager = False
    call_command("migrate", verbosity=0)
    if not args.reuse:
        fill(args.rows, args.due)
    Delivery.objects.all().delete()
    Reminder.objects.all().delete()
    ReminderCursor.objects.all().delete()
    register_answer_due()
    print(f"sweep as of {SWEEP_DAY} 10:00 over {args.rows:,} open assignments, {args.due:,} due:")
    timed_sweep("first sweep")
    timed_sweep("second sweep")


if __name__ == "__main__":
    main()
