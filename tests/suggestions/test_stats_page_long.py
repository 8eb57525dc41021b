"""The statistics page's long tables: each shows its first rows, says how many it has and opens in full on asking."""

from __future__ import annotations

import io
from html import unescape
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suggestions.models import Category, Rating, Suggestion
from suggestions.tallies import TALLY
from suggestions.views_stats import STATS_TABLE_ROWS
from tests.congress.factories import UnitFactory
from tests.suggestions.stats_data import answer, at, rate, stats_world, suggestion
from tests.suggestions.test_stats_page import PAGE_QUERY_BOUND
from tests.suggestions.test_stats_rows import TableRows, expected_cells

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
URL = "/suggestions/stats/"
MANY = STATS_TABLE_ROWS + 3


def groups_of_one(world, number: int) -> None:
    """File `number` suggestions, each with a unit and a category of its own, half of them closed and rated."""
    for index in range(number):
        unit = UnitFactory(body=world.county.congress, name=f"第{index:02d}局")
        category = Category.objects.create(body=world.county.congress, name=f"类别{index:02d}", sort_order=10 + index)
        closed = index % 2 == 0
        item = suggestion(
            world,
            status=Status.CLOSED if closed else Status.HANDLING,
            lead_unit=unit,
            category=category,
            closed_at=at(2025, 5, 1) if closed else None,
        )
        if closed:
            given = answer(world, item, grade="A", answered_at=at(2025, 4, 1))
            rate(world, given, result=Rating.Level.SATISFIED if index % 4 else Rating.Level.UNSATISFIED)


@pytest.fixture
def world():
    world = stats_world()
    groups_of_one(world, MANY)
    return world


def tables_of(response) -> dict[str, list]:
    page = TableRows()
    page.feed(response.content.decode())
    return page.tables


def notice(response, key: str) -> tuple[str, str] | None:
    """Return the capped table's notice as (text, the link's href), or None when the table has none."""
    page = response.content.decode()
    start = page.find(f'data-testid="stats-{key}-capped"')
    if start == -1:
        return None
    paragraph = page[page.index(">", start) + 1 : page.index("</p>", start)]
    href = unescape(paragraph.split('href="', 1)[1].split('"', 1)[0])
    text = " ".join(unescape(paragraph.split("<a ", 1)[0]).split())
    return text, href


def number_links(response) -> list[str]:
    return [href for rows in tables_of(response).values() for row in rows for _, links in row for href, _ in links]


def test_a_long_table_shows_its_first_rows_with_their_true_ranks_and_says_how_many_it_has(client, world):
    client.force_login(world.office)

    response = client.get(URL)

    assert response.status_code == 200
    result = response.context["stats"]
    assert len(result.by_unit) == len(result.by_category) == MANY
    tables = tables_of(response)
    assert tables["unit"] == [expected_cells(row, ranked=True) for row in result.by_unit[:STATS_TABLE_ROWS]]
    assert tables["category"] == [expected_cells(row, ranked=False) for row in result.by_category[:STATS_TABLE_ROWS]]
    text, href = notice(response, "unit")
    assert str(STATS_TABLE_ROWS) in text and str(MANY) in text
    assert href == f"{URL}?all=unit#stats-unit"
    assert 'id="stats-unit"' in response.content.decode()
    # Two sessions and two priority groups: short tables carry no notice.
    assert notice(response, "session") is None
    assert notice(response, "priority") is None


def test_showing_all_opens_that_table_only_and_costs_the_same_queries(client, world, django_assert_num_queries):
    client.force_login(world.office)
    with CaptureQueriesContext(connection) as capped:
        capped_response = client.get(URL)

    with django_assert_num_queries(len(capped)):
        response = client.get(URL, {"all": "unit"})

    assert len(capped) <= PAGE_QUERY_BOUND
    tables = tables_of(response)
    result = response.context["stats"]
    assert tables["unit"] == [expected_cells(row, ranked=True) for row in result.by_unit]
    assert notice(response, "unit") is None
    assert len(tables["category"]) == STATS_TABLE_ROWS
    # Opening a table shows more rows and changes no number.
    assert tables["unit"][:STATS_TABLE_ROWS] == tables_of(capped_response)["unit"]
    assert tables["category"] == tables_of(capped_response)["category"]
    _, href = notice(response, "category")
    assert parse_qs(urlsplit(href).query)["all"] == ["unit", "category"]


def test_several_tables_open_at_once(client, world):
    client.force_login(world.office)

    response = client.get(URL + "?all=category&all=unit")

    tables = tables_of(response)
    assert len(tables["unit"]) == len(tables["category"]) == MANY
    assert notice(response, "unit") is None and notice(response, "category") is None


def test_show_all_keeps_the_filters_and_no_number_or_export_link_carries_it(client, world):
    client.force_login(world.office)
    filters = {"priority": "false", "rank": "satisfaction"}
    plain = client.get(URL, filters)

    response = client.get(URL, {**filters, "all": "unit"})

    _, href = notice(plain, "unit")
    assert parse_qs(urlsplit(href).query) == {"priority": ["false"], "rank": ["satisfaction"], "all": ["unit"]}
    assert urlsplit(href).fragment == "stats-unit"
    links = number_links(response)
    assert set(number_links(plain)) < set(links)
    assert not any("all=" in link for link in links)
    assert response.context["export_query"] == plain.context["export_query"] == "priority=false&rank=satisfaction"
    assert f'{URL}export/?priority=false&amp;rank=satisfaction"' in response.content.decode()


def test_show_all_alone_leaves_the_page_unfiltered_and_counted_from_the_tally(client, world):
    client.force_login(world.office)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"all": "unit"})

    assert response.status_code == 200
    assert not response.context["filter_form"].is_bound
    assert response.context["export_query"] == ""
    assert f'href="{URL}export/"' in response.content.decode()
    assert any(TALLY in query["sql"] for query in queries)


@pytest.mark.parametrize(
    "query",
    [
        {"all": "unit", "assigned_from": "2025-05-01", "assigned_to": "2025-04-01"},
        {"all": "unit", "session": "abc"},
    ],
)
def test_show_all_does_not_hide_a_filter_error(client, world, query):
    client.force_login(world.office)

    response = client.get(URL, query)

    assert response.status_code == 400
    assert response.context["stats"] is None


@pytest.mark.parametrize("value", ["", "units", "priority", "<script>", "unit\x00", "all"])
def test_an_unknown_show_all_value_is_ignored(client, world, value):
    client.force_login(world.office)

    response = client.get(URL, {"all": value})

    assert response.status_code == 200
    tables = tables_of(response)
    assert len(tables["unit"]) == len(tables["category"]) == STATS_TABLE_ROWS
    assert notice(response, "unit") is not None
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("query", [{}, {"all": "unit"}])
def test_the_export_keeps_every_row(client, world, query):
    client.force_login(world.office)

    response = client.get(URL + "export/", query)

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert len(list(workbook["按主办单位"].iter_rows(values_only=True))) == 1 + MANY
    assert len(list(workbook["按类别"].iter_rows(values_only=True))) == 1 + MANY


@pytest.mark.parametrize(("groups", "capped"), [(STATS_TABLE_ROWS, False), (STATS_TABLE_ROWS + 1, True)])
def test_a_table_is_capped_only_past_the_limit(client, groups, capped):
    world = stats_world()
    groups_of_one(world, groups)
    client.force_login(world.office)

    response = client.get(URL)

    assert len(tables_of(response)["unit"]) == STATS_TABLE_ROWS
    assert (notice(response, "unit") is not None) is capped
    assert (notice(response, "category") is not None) is capped
