"""The staff list's counts: by status from the status tally where it can answer, bounded for a text search.

The tabs must show what a live count shows after every kind of write, for everyone who reads the list from the
tally, under every filter it serves, and stay so through compaction and a rebuild. A text search counts no
further than SEARCH_COUNT_CAP matches: past it the page says so and pages through the first ones in the list's
order; under it everything is exact, as before.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from suggestions import importing, search, selectors, tallies
from suggestions.filters import SuggestionFilter
from suggestions.models import Suggestion, SuggestionStatusTally, SuggestionStatusTallyDelta
from tests.api.helpers import as_person
from tests.suggestions import test_tally
from tests.suggestions.factories import SuggestionFactory, drive
from tests.suggestions.test_import import xlsx

pytestmark = pytest.mark.django_db
Status = Suggestion.Status
LIST = "/suggestions/"
STATUS_TALLY = SuggestionStatusTally._meta.db_table
# A county inside a province, and the statistics tally's readers at every scope: they read the staff list too.
world = test_tally.world


def query(**params) -> QueryDict:
    """The list's query string, as the page receives it."""
    return QueryDict(urlencode(params, doseq=True))


def tallied_queries(cast) -> list[QueryDict]:
    return [
        query(),
        query(session=cast.session.pk),
        query(session="none"),
        query(status="handling"),
        query(status=["handling", "closed", "draft", "archived"]),
        query(session=cast.session.pk, status=["assigned", "handling", "submitted"]),
        query(page=2),
    ]


def live(user, filters) -> tuple[dict[str, int], int]:
    filtered = SuggestionFilter(filters, queryset=Suggestion.objects.visible_to(user), user=user).qs
    counts = selectors.suggestion_status_counts(filtered)
    return counts, counts.pop(selectors.OVERDUE_KEY)


def listed_with_sql(user, filters) -> tuple[selectors.ListPage, str]:
    with CaptureQueriesContext(connection) as queries:
        listed = selectors.suggestion_list_page(user=user, filters=filters, number=1, per_page=50)
    return listed, "\n".join(query["sql"] for query in queries)


def assert_tally_agrees(cast) -> None:
    for user in cast.readers:
        for filters in tallied_queries(cast):
            listed, sql = listed_with_sql(user, filters)
            counts, overdue = live(user, filters)
            assert STATUS_TALLY in sql, (user.username, filters)
            assert (listed.status_counts, listed.overdue) == (counts, overdue), (user.username, filters)
            assert listed.page.paginator.count == sum(counts.values())


def tally_rows() -> set[tuple]:
    return set(SuggestionStatusTally.objects.values_list(*SuggestionStatusTally.KEY, *SuggestionStatusTally.MEASURES))


def import_rows(cast, titles: list[str]) -> list[int]:
    rows = [["王芳", "", title, "内容", ""] for title in titles]
    preview = importing.import_preview_create(upload=xlsx(rows), actor=cast.staff, session=None, register=False)
    return importing.suggestions_import(preview_id=preview.id, actor=cast.staff).created_ids


def test_the_status_tabs_equal_the_live_count_after_every_kind_of_write(world):
    cast = world
    today = timezone.localdate()
    # Given suggestions taken through the loop by the real services, in the session and between sessions
    for status in (Status.DRAFT, Status.SUBMITTED, Status.NOT_REGISTERED, Status.WITHDRAWN, Status.HANDLING):
        drive(cast, to=status)
    handling = drive(cast, to=Status.HANDLING, session=False)
    drive(cast, to=Status.CLOSED)
    Suggestion.objects.filter(pk=handling.pk).update(due_date=today - dt.timedelta(days=3))
    assert_tally_agrees(cast)

    # When rows are created in bulk, and through the spreadsheet import
    common = {"body": cast.body, "year": 2025, "content": "内容", "lead_deputy": cast.lead_deputy}
    Suggestion.objects.bulk_create(
        [
            Suggestion(
                **common,
                title=f"批量{index}",
                session=cast.session if index % 2 else None,
                status=[Status.ASSIGNED, Status.HANDLING, Status.ARCHIVED][index % 3],
                due_date=today + dt.timedelta(days=index - 3),
                created_by=cast.staff,
            )
            for index in range(7)
        ]
    )
    imported = import_rows(cast, ["关于导入一的建议", "关于导入二的建议"])
    assert len(imported) == 2
    assert_tally_agrees(cast)

    # When a model's save, a QuerySet.update and raw SQL move suggestions between statuses, sessions and bodies
    item = Suggestion.objects.get(pk=imported[0])
    item.status, item.session = Status.WITHDRAWN, cast.session
    item.save()
    Suggestion.objects.filter(status=Status.HANDLING, session__isnull=True).update(session=cast.session, number=None)
    Suggestion.objects.filter(title="批量0").update(body=cast.foreign_staff.body)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Suggestion._meta.db_table} SET status = %s WHERE status = %s", [Status.ARCHIVED, Status.CLOSED]
        )
    assert_tally_agrees(cast)

    # When suggestions are deleted, one by one and in bulk
    Suggestion.objects.get(pk=imported[1]).delete()
    Suggestion.objects.filter(title__startswith="批量", status=Status.ARCHIVED).delete()
    assert_tally_agrees(cast)

    # Then folding the changes in leaves every tab as it was, and a recount from scratch finds the same tally
    before = [listed_with_sql(user, {})[0].status_counts for user in cast.readers]
    assert tallies.tally_compact() > 0
    assert not SuggestionStatusTallyDelta.objects.exists()
    assert [listed_with_sql(user, {})[0].status_counts for user in cast.readers] == before
    assert_tally_agrees(cast)
    incremental = tally_rows()
    tallies.tally_rebuild()
    assert tally_rows() == incremental
    assert not SuggestionStatusTally.objects.filter(suggestions=0).exists()


def test_a_write_that_changes_no_status_session_or_body_appends_no_status_change(world):
    item = drive(world, to=Status.HANDLING)
    tallies.tally_compact()

    Suggestion.objects.filter(pk=item.pk).update(title="新标题", due_date=dt.date(2030, 1, 1), is_priority=True)
    item.refresh_from_db()
    item.content = "新内容"
    item.save()

    assert not SuggestionStatusTallyDelta.objects.exists()


def test_the_read_folds_the_changes_in_once_they_are_many(world, monkeypatch):
    drive(world, to=Status.CLOSED)
    drive(world, to=Status.SUBMITTED)
    monkeypatch.setattr(tallies, "COMPACT_AFTER", 1)

    listed = selectors.suggestion_list_page(user=world.staff, filters={}, number=1, per_page=50)

    assert listed.status_counts == {Status.CLOSED: 1, Status.SUBMITTED: 1}
    assert not SuggestionStatusTallyDelta.objects.exists()
    assert selectors.suggestion_list_page(user=world.staff, filters={}, number=1, per_page=50).status_counts == {
        Status.CLOSED: 1,
        Status.SUBMITTED: 1,
    }


# Filters the status tally's key cannot express, by name.
UNTALLIED = {
    "text": lambda cast: {"q": "停车"},
    "unit": lambda cast: {"unit": cast.lead_unit.pk},
    "priority": lambda cast: {"priority": "true"},
    "overdue": lambda cast: {"overdue": "true"},
    "category": lambda cast: {"session": cast.session.pk, "category": cast.category.pk},
    "year": lambda cast: {"year": "2025"},
}


@pytest.mark.parametrize("name", UNTALLIED)
def test_other_filters_and_people_who_see_less_than_a_body_subtree_are_counted_live(world, name):
    drive(world, to=Status.HANDLING)
    drive(world, to=Status.ASSIGNED, session=False)
    filters = query(**UNTALLIED[name](world))

    for user in (world.staff, world.lead_handler):
        listed, sql = listed_with_sql(user, filters)
        assert STATUS_TALLY not in sql
        assert (listed.status_counts, listed.overdue) == live(user, filters)
    # A unit's people see what is assigned to their unit: the tally's key cannot say that.
    listed, sql = listed_with_sql(world.lead_handler, query())
    assert STATUS_TALLY not in sql
    assert listed.status_counts == {Status.HANDLING: 1, Status.ASSIGNED: 1}


def test_a_refused_filter_value_is_left_out_of_the_tallied_counts_as_of_the_list(world):
    drive(world, to=Status.HANDLING)

    listed, sql = listed_with_sql(world.staff, query(session="999999", status=["handling", "nonsense"]))

    assert STATUS_TALLY in sql
    assert listed.status_counts == live(world.staff, query())[0] == {Status.HANDLING: 1}


# The page


def fill(cast, number: int, *, title: str = "关于改善第{n}村道路的建议", overdue: int = 0) -> None:
    """Add `number` suggestions in the session, the first `overdue` of them past their due date."""
    today = timezone.localdate()
    for index in range(number):
        late = index < overdue
        SuggestionFactory(
            body=cast.body,
            session=cast.session,
            title=title.format(n=index),
            status=Status.HANDLING if late else [Status.HANDLING, Status.ASSIGNED, Status.CLOSED][index % 3],
            due_date=today + dt.timedelta(days=index - overdue if late else index + 1),
            lead_deputy=cast.lead_deputy,
        )


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        {"session": "this"},
        {"session": "this", "status": "handling"},
        {"q": "道路"},
        {"q": "道路", "page": "2"},
        {"q": "第1村"},
    ],
)
def test_the_list_costs_the_same_queries_for_few_and_many_suggestions(client, world, monkeypatch, params):
    # The cap is lowered so that both sizes pass it, and its second page reaches past the overdue ones.
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 55)
    client.force_login(world.staff)
    params = {name: world.session.pk if value == "this" else value for name, value in params.items()}
    url = f"{LIST}?{urlencode(params)}"
    fill(world, 60, overdue=2)
    page_queries(client, url)  # a search first reads the gram statistics, which the process then keeps a while
    few = page_queries(client, url)

    fill(world, 60, overdue=10)

    assert page_queries(client, url) == few
    assert few <= 20


@pytest.mark.postgres
def test_postgres_a_sessions_overdue_part_is_counted_and_paged_from_the_sessions_open_index(world):
    # A handful of rows: sequential scans and bitmaps are switched off, and so is sorting, to see that the planner
    # can read the part from the session's open entries in the list's order (the condition must imply the index's
    # predicate). bench/suggestions.py covers a million rows.
    fill(world, 6, overdue=3)
    overdue_part, _rest = selectors._parts(Suggestion.objects.filter(session=world.session), timezone.localdate())
    with transaction.atomic():
        with connection.cursor() as cursor:
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
        counted = overdue_part.order_by().values("pk").explain()
        paged = overdue_part.values("pk").explain()
        one_status = overdue_part.filter(status=Status.HANDLING).values("pk").explain()

    assert "suggestion_open_session_idx" in counted
    assert "suggestion_open_session_idx" in paged
    assert "Sort" not in paged
    assert "suggestion_open_session_idx" in one_status or "suggestion_session_due_idx" in one_status


def test_a_search_past_the_cap_says_so_and_pages_through_its_first_matches_in_list_order(world, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 5)
    fill(world, 9, title="关于第{n}处停车场的建议", overdue=3)
    fill(world, 4)  # not found
    found = query(q="停车")
    expected = list(selectors.suggestion_list(user=world.staff, filters=found).values_list("pk", flat=True))

    seen = []
    for number in (1, 2, 3):
        listed = selectors.suggestion_list_page(user=world.staff, filters=found, number=number, per_page=2)
        seen += [suggestion.pk for suggestion in listed.page]
        assert listed.capped
        assert listed.status_counts == {}
        assert listed.overdue == 3
        assert listed.page.paginator.count == 5

    assert seen == expected[:5]
    assert len(expected) == 9


def test_a_search_with_more_overdue_matches_than_the_cap_pages_through_the_overdue_ones(world, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    fill(world, 7, title="关于第{n}处停车场的建议", overdue=5)
    found = query(q="停车")
    expected = list(selectors.suggestion_list(user=world.staff, filters=found).values_list("pk", flat=True))

    listed = selectors.suggestion_list_page(user=world.staff, filters=found, number=1, per_page=50)

    assert [suggestion.pk for suggestion in listed.page] == expected[:3]
    assert listed.overdue == 3
    assert all(suggestion.is_overdue() for suggestion in listed.page)


def test_a_search_under_the_cap_counts_exactly_as_before(world, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 5)
    fill(world, 5, title="关于第{n}处停车场的建议", overdue=2)
    fill(world, 4)
    found = query(q="停车")

    listed = selectors.suggestion_list_page(user=world.staff, filters=found, number=1, per_page=50)

    assert not listed.capped
    assert (listed.status_counts, listed.overdue) == live(world.staff, found)
    assert sum(listed.status_counts.values()) == listed.page.paginator.count == 5


def test_a_search_under_the_cap_lists_its_matches_in_the_lists_order(world, monkeypatch):
    # Sorted in Python from the matches' columns: overdue first, then by due date with none last, newest first.
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 50)
    today = timezone.localdate()
    cases = [
        (Status.CLOSED, today - dt.timedelta(days=9)),  # past its date but closed: not overdue
        (Status.HANDLING, today - dt.timedelta(days=2)),
        (Status.REHANDLING, today - dt.timedelta(days=5)),
        (Status.ASSIGNED, None),
        (Status.SUBMITTED, None),
        (Status.HANDLING, today + dt.timedelta(days=3)),
        (Status.FOLLOW_UP, today + dt.timedelta(days=3)),
        (Status.HANDLING, today),  # due today: not yet overdue
    ]
    for number, (status, due) in enumerate(cases):
        SuggestionFactory(
            body=world.body, session=world.session, title=f"关于第{number}处停车场的建议", status=status, due_date=due
        )
    fill(world, 3)  # not found
    found = query(q="停车")
    expected = list(selectors.suggestion_list(user=world.staff, filters=found).values_list("pk", flat=True))

    listed = selectors.suggestion_list_page(user=world.staff, filters=found, number=1, per_page=50)

    assert [suggestion.pk for suggestion in listed.page] == expected
    assert len(expected) == len(cases)
    assert listed.overdue == 2


def test_the_page_of_a_capped_search_says_to_narrow_it_instead_of_showing_tabs(client, world, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 1000)
    Suggestion.objects.bulk_create(
        Suggestion(
            body=world.body,
            year=2025,
            title=f"关于第{index}处停车场的建议",
            content="内容",
            status=Status.SUBMITTED,
            lead_deputy=world.lead_deputy,
            created_by=world.staff,
        )
        for index in range(1001)
    )
    client.force_login(world.staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # as the language switcher sets it

    english = client.get(LIST + "?q=停车").content.decode()
    one = client.get(LIST + "?q=第1000处").content.decode()

    assert "More than 1,000 found; narrow the search" in english
    assert 'data-testid="status-counts"' not in english
    assert "First 1000 shown" in english
    assert "Page 1 of 20" in english
    assert 'data-testid="count-capped"' not in one
    assert 'data-testid="status-counts"' in one
    assert "Total: 1" in one


def test_the_api_list_finds_every_match_past_the_cap(world, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 2)
    fill(world, 5, title="关于第{n}处停车场的建议", overdue=1)
    api = as_person(APIClient(HTTP_ACCEPT_LANGUAGE="en"), world.staff)

    first = api.get("/api/v1/suggestions/", {"search": "停车", "page_size": 3}).json()
    second = api.get(first["next"]).json()

    assert len(first["results"]) + len(second["results"]) == 5
    assert "count" not in first


@pytest.mark.postgres
def test_a_capped_search_counts_body_by_body_and_reads_its_overdue_ones_from_the_open_gram_index(world, monkeypatch):
    # Counting reads the gram index one body at a time, if the term is rare enough; the overdue matches are read
    # in the list's order from the open suggestions' gram index, by each term's rarest gram whatever its share
    # (suggestions/search.py, search_suggestions with open_only).
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    fill(world, 7, title="关于第{n}处停车场的建议", overdue=2)
    asked = []
    selective, rarest = search._selective_grams, search._rarest_gram
    monkeypatch.setattr(
        search,
        "_selective_grams",
        lambda terms, by_body=False: asked.append(("selective", by_body)) or selective(terms, by_body=by_body),
    )
    monkeypatch.setattr(search, "_rarest_gram", lambda term: asked.append(("rarest", term)) or rarest(term))
    found = query(q="停车")
    expected = list(selectors.suggestion_list(user=world.staff, filters=found).values_list("pk", flat=True))
    asked.clear()

    listed = selectors.suggestion_list_page(user=world.staff, filters=found, number=1, per_page=50)

    assert listed.capped
    assert asked == [("selective", True), ("rarest", "停车")]
    assert [suggestion.pk for suggestion in listed.page] == expected[:3]
