"""The statistics' tally: kept by triggers on every write path, always equal to the live count.

After each kind of write (the loop's services, bulk_create, QuerySet.update, raw SQL, delete) the statistics read
from the tally must equal those counted live, for people of different scopes and under every filter the tally
serves; compaction and a rebuild must change nothing a reader sees.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from congress.models import Body, Role
from suggestions import stats, tallies
from suggestions.models import (
    Answer,
    Category,
    Suggestion,
    SuggestionStatusTally,
    SuggestionStatusTallyDelta,
    SuggestionTally,
    SuggestionTallyDelta,
)
from suggestions.tasks import compact_suggestion_tallies
from tests.congress.factories import BodyFactory, CountyFactory, make_user
from tests.suggestions.factories import drive, loop_cast

Status = Suggestion.Status


def at(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def world(db):
    """A county inside a province, the loop's cast, and people who read the statistics at several scopes."""
    province = BodyFactory(name="江南省人民代表大会", kind=Body.Kind.PROVINCE_CONGRESS)
    county = CountyFactory()
    county.congress.parent = province
    county.congress.save()
    cast = loop_cast(county)
    cast.roads = Category.objects.create(body=cast.body, name="道路", sort_order=2)
    cast.readers = [
        cast.staff,
        cast.leader,
        make_user(body=province, roles=[Role.OFFICE_STAFF]),
        make_user(body=cast.body, roles=[Role.API_CLIENT]),
        make_user(body=cast.body, roles=[Role.SYSADMIN], is_superuser=True),
        cast.foreign_staff,
    ]
    return cast


def filter_sets(cast) -> list[dict]:
    return [
        {},
        {"session": cast.session},
        {"unit": cast.lead_unit},
        {"unit": cast.other_unit},
        {"category": cast.category},
        {"category": cast.roads},
        {"priority": True},
        {"priority": False},
        {"session": cast.session, "unit": cast.lead_unit, "priority": False},
    ]


def shown(result: stats.SuggestionStats) -> list[tuple]:
    """Everything the page shows of a result: labels, order, ranks, counts and the links' filters."""
    rows = [result.total, *result.by_session, *result.by_unit, *result.by_category, *result.by_priority]
    return [
        (row.label, row.sublabel, row.group_params, row.rank, dict(row.counts), row.cell("satisfied").params)
        for row in rows
    ]


def assert_tally_agrees(cast) -> None:
    for user in cast.readers:
        for filters in filter_sets(cast):
            assert tallies.tally_serves(user=user, filters=filters)
            tallied = stats.suggestion_stats(user=user, filters=filters, rank_by="satisfaction")
            live = stats.suggestion_stats(user=user, filters=filters, rank_by="satisfaction", live=True)
            assert shown(tallied) == shown(live), (user.username, filters)


def tally_rows() -> set[tuple]:
    return set(SuggestionTally.objects.values_list(*SuggestionTally.KEY, *SuggestionTally.MEASURES))


def total(cast, user=None, **filters) -> dict[str, int]:
    return stats.suggestion_stats(user=user or cast.staff, filters=filters).total.counts


def test_the_tally_equals_the_live_count_after_every_kind_of_write(world):
    cast = world
    # Given suggestions taken through the loop by the real services
    for status in (Status.SUBMITTED, Status.NOT_REGISTERED, Status.WITHDRAWN, Status.ASSIGNED, Status.HANDLING):
        drive(cast, to=status)
    answered = drive(cast, to=Status.ANSWERED, cosigned=True)
    drive(cast, to=Status.REHANDLING, grade=Answer.Grade.C)
    drive(cast, to=Status.FOLLOW_UP, grade=Answer.Grade.B)
    closed = drive(cast, to=Status.CLOSED)
    drive(cast, to=Status.ARCHIVED, session=False)
    assert total(cast)["assigned"] == 7
    assert total(cast)["satisfied"] == 3
    assert_tally_agrees(cast)

    # When rows are created in bulk, counted and not
    now = timezone.now()
    common = {"body": cast.body, "year": 2025, "content": "内容", "lead_deputy": cast.lead_deputy}
    Suggestion.objects.bulk_create(
        [
            Suggestion(
                **common,
                title=f"批量{index}",
                session=cast.session if index % 2 else None,
                category=cast.roads if index % 3 else None,
                lead_unit=cast.other_unit if index % 2 else None,
                status=Status.ANSWERED if index < 4 else Status.CLOSED,
                is_priority=index == 1,
                latest_grade="A" if index % 2 else "B",
                latest_rating=["satisfied", "", None, "unsatisfied", "basically_satisfied", None][index],
                assigned_at=now - dt.timedelta(days=300),
                closed_at=now - dt.timedelta(days=30 * index) if index >= 4 else None,
                created_by=cast.staff,
            )
            for index in range(6)
        ]
        + [Suggestion(**common, title="批量草稿", status=Status.DRAFT, created_by=cast.staff)]
    )
    assert total(cast)["assigned"] == 13
    assert_tally_agrees(cast)

    # When a QuerySet.update moves suggestions between keys and changes what they count as
    Suggestion.objects.filter(status=Status.HANDLING).update(category=cast.roads, is_priority=True)
    Suggestion.objects.filter(status=Status.ANSWERED).update(lead_unit=cast.other_unit, session=None)
    Suggestion.objects.filter(pk=closed.pk).update(closed_at=F("assigned_at") + dt.timedelta(days=250))
    Suggestion.objects.filter(pk=answered.pk).update(latest_rating=None, latest_grade="D")
    assert_tally_agrees(cast)

    # When raw SQL changes rows, as a bulk load does
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Suggestion._meta.db_table} SET status = %s, closed_at = assigned_at WHERE status = %s",
            [Status.CLOSED, Status.FOLLOW_UP],
        )
    assert_tally_agrees(cast)

    # When suggestions are deleted
    Suggestion.objects.filter(title__startswith="批量", status=Status.CLOSED).delete()
    assert total(cast)["assigned"] == 11
    assert_tally_agrees(cast)

    # Then folding the changes in leaves every number as it was, and a recount from scratch finds the same tally
    before = {user.pk: shown(stats.suggestion_stats(user=user, filters={})) for user in cast.readers}
    assert compact_suggestion_tallies() > 0
    assert not SuggestionTallyDelta.objects.exists()
    assert {user.pk: shown(stats.suggestion_stats(user=user, filters={})) for user in cast.readers} == before
    assert_tally_agrees(cast)
    incremental = tally_rows()
    keys = tallies.tally_rebuild()
    assert tally_rows() == incremental
    all_ = SuggestionTally.ALL
    statistics_keys = SuggestionTally.objects.exclude(session_id=all_).exclude(lead_unit_id=all_).count()
    assert keys == statistics_keys + SuggestionStatusTally.objects.count()
    assert statistics_keys > 0


def test_a_write_that_changes_nothing_counted_appends_no_change(world):
    item = drive(world, to=Status.HANDLING)
    tallies.tally_compact()

    Suggestion.objects.filter(pk=item.pk).update(title="新标题", due_date=dt.date(2030, 1, 1))
    item.refresh_from_db()
    item.content = "新内容"
    item.save()
    drive(world, to=Status.REGISTERED)  # written several times, never counted

    assert not SuggestionTallyDelta.objects.exists()


def test_a_key_that_empties_leaves_the_tally(world):
    item = drive(world, to=Status.ASSIGNED)
    tallies.tally_compact()
    assert SuggestionTally.objects.filter(lead_unit_id=world.lead_unit.pk).exists()

    Suggestion.objects.filter(pk=item.pk).update(lead_unit=world.other_unit)
    tallies.tally_compact()

    assert not SuggestionTally.objects.filter(lead_unit_id=world.lead_unit.pk).exists()
    assert [row.label for row in stats.suggestion_stats(user=world.staff, filters={}).by_unit] == ["县教育局"]


def test_people_who_see_less_than_a_body_subtree_and_periods_are_counted_live(world):
    drive(world, to=Status.ANSWERED, parallel=True)
    drive(world, to=Status.HANDLING)
    period = {"assigned_from": timezone.localdate(), "assigned_to": timezone.localdate()}

    # A unit's people see what is assigned to their unit, in any role: the tally's key cannot say that.
    assert not tallies.tally_serves(user=world.parallel_handler, filters={})
    assert total(world, world.parallel_handler)["assigned"] == 1
    assert not tallies.tally_serves(user=world.staff, filters=period)
    assert total(world, **period)["assigned"] == 2


def test_the_read_folds_the_changes_in_once_they_are_many(world, monkeypatch):
    drive(world, to=Status.CLOSED)
    drive(world, to=Status.ANSWERED)
    monkeypatch.setattr(tallies, "COMPACT_AFTER", 1)

    result = stats.suggestion_stats(user=world.staff, filters={})

    assert result.total.counts["assigned"] == 2
    assert not SuggestionTallyDelta.objects.exists()
    assert stats.suggestion_stats(user=world.staff, filters={}).total.counts == result.total.counts


def test_the_rebuild_command_recounts_the_tally(world, capsys):
    drive(world, to=Status.CLOSED)
    drive(world, to=Status.HANDLING, session=False)
    SuggestionTally.objects.create(body_id=world.body.pk, assigned=99)  # a damaged tally

    call_command("rebuild_suggestion_tallies")

    # Two statistics keys (one per session), and two status keys.
    assert "4 keys" in capsys.readouterr().out
    assert not SuggestionTallyDelta.objects.exists()
    assert total(world)["assigned"] == 2
    assert_tally_agrees(world)


# PostgreSQL: statement triggers, time zones, concurrent writers


@pytest.mark.postgres
def test_a_bulk_statement_appends_one_change_per_key_it_touches(world):
    item = drive(world, to=Status.HANDLING)
    tallies.tally_compact()
    rows = [
        Suggestion(
            body=world.body,
            year=2025,
            title=f"批量{index}",
            content="内容",
            lead_deputy=world.lead_deputy,
            status=Status.ASSIGNED,
            assigned_at=item.assigned_at,
            lead_unit=world.lead_unit if index % 2 else world.other_unit,
            created_by=world.staff,
        )
        for index in range(40)
    ]

    Suggestion.objects.bulk_create(rows)

    assert SuggestionTallyDelta.objects.count() == 2
    # The staff list's status tally too: one key (the body, between sessions, assigned), then nothing it counts.
    assert SuggestionStatusTallyDelta.objects.count() == 1
    Suggestion.objects.filter(title__startswith="批量").update(lead_unit=world.co_unit)
    assert SuggestionTallyDelta.objects.count() == 2 + 3
    assert SuggestionStatusTallyDelta.objects.count() == 1
    assert_tally_agrees(world)


@pytest.mark.postgres
def test_completion_within_six_months_is_counted_in_utc_whatever_the_writers_time_zone(world):
    # 31 August 02:00 in Shanghai is 30 August in UTC: six months on ends 28 February either way, but at 02:00
    # Shanghai (27 February 18:00 UTC) by Shanghai's calendar and at 18:00 UTC by UTC's, as Django reads it.
    item = drive(world, to=Status.CLOSED)
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Asia/Shanghai'")
        try:
            cursor.execute(
                f"UPDATE {Suggestion._meta.db_table} SET assigned_at = %s, closed_at = %s WHERE id = %s",
                [at(2025, 8, 30, 18), at(2026, 2, 28, 12), item.pk],
            )
        finally:
            cursor.execute("SET TIME ZONE 'UTC'")

    assert total(world)["closed_6m"] == 1
    assert_tally_agrees(world)


def run_together(*calls: Callable[[], object]) -> list[object]:
    """Run each call in its own thread, so on its own connection; return what each returned or raised."""
    results: list[object] = [None] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects whatever each side got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writers_moving_suggestions_across_the_same_keys_in_opposite_directions_neither_wait_nor_lose_a_count():
    cast = loop_cast(CountyFactory())
    cast.roads = Category.objects.create(body=cast.body, name="道路")
    cast.readers = [cast.staff, cast.foreign_staff]
    north = [drive(cast, to=Status.HANDLING) for _ in range(3)]
    south = [drive(cast, to=Status.ANSWERED) for _ in range(3)]
    Suggestion.objects.filter(pk__in=[item.pk for item in south]).update(lead_unit=cast.other_unit)
    tallies.tally_compact()
    # Each writer stops after each move, its changes to both keys uncommitted, until the other has moved too
    # and a compactor has run: a writer that had to wait for the other's keys would never get there.
    step = threading.Barrier(3, timeout=20)

    def move(items: list[Suggestion], unit) -> str:
        with transaction.atomic():
            for item in items:
                Suggestion.objects.filter(pk=item.pk).update(lead_unit=unit)
                step.wait()
        return "moved"

    def compact() -> str:
        for _item in north:
            step.wait()
            tallies.tally_compact()
        return "compacted"

    results = run_together(lambda: move(north, cast.other_unit), lambda: move(south, cast.lead_unit), compact)

    assert results == ["moved", "moved", "compacted"]
    by_unit = {row.label: row.counts for row in stats.suggestion_stats(user=cast.staff, filters={}).by_unit}
    assert {label: counts["answered"] for label, counts in by_unit.items()} == {"县交通运输局": 3, "县教育局": 0}
    assert_tally_agrees(cast)
    tallies.tally_compact()
    assert not SuggestionTallyDelta.objects.exists()
    assert_tally_agrees(cast)
