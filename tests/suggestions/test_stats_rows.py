"""The statistics page's tables, written in Python: every row shows its group's numbers and links as counted."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suggestions import stats
from suggestions.models import Rating, Suggestion
from tests.congress.factories import UnitFactory
from tests.suggestions.stats_data import answer, at, rate, stats_world, suggestion

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
URL = "/suggestions/stats/"
LIST_URL = "/suggestions/"
TABLES = {"unit": "by_unit", "session": "by_session", "category": "by_category", "priority": "by_priority"}
RATE_COLUMNS = ("answer", "completion", "completion_6m", "satisfaction")


class TableRows(HTMLParser):
    """Collect, per table, each body row's cells as (text, [(href, link text), …])."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, list[tuple[str, str]]]]]] = {}
        self._table: str | None = None
        self._in_body = False
        self._cell: list | None = None
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (attrs.get("data-testid") or "").startswith("stats-"):
            self._table = attrs["data-testid"].removeprefix("stats-")
            self.tables[self._table] = []
        elif self._table and tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.tables[self._table].append([])
        elif self._in_body and tag == "td":
            self._cell = ["", []]
        elif self._cell is not None and tag == "a":
            self._href = attrs["href"]
            self._cell[1].append([self._href, ""])

    def handle_endtag(self, tag):
        if tag == "table":
            self._table, self._in_body = None, False
        elif tag == "td" and self._cell is not None:
            self.tables[self._table][-1].append((" ".join(self._cell[0].split()), [tuple(a) for a in self._cell[1]]))
            self._cell = None
        elif tag == "a":
            self._href = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data
            if self._href is not None:
                self._cell[1][-1][1] += data


def expected_cells(row: stats.StatsRow, *, ranked: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    """A row's cells as the Cell and Rate definitions give them, whatever writes the markup."""

    def link(cell: stats.Cell) -> tuple[str, str]:
        return (f"{LIST_URL}?{cell.query}", str(cell.count))

    def rate_cell(rate: stats.Rate) -> tuple[str, list[tuple[str, str]]]:
        value = "—" if rate.percent is None else f"{rate.percent:.1f}%"
        numerator, denominator = link(rate.numerator), link(rate.denominator)
        return (f"{value} {numerator[1]} / {denominator[1]}", [numerator, denominator])

    cells = [(f"{row.rank or '—'}", [])] if ranked else []
    cells.append((f"{row.label}{row.sublabel}", []))
    cells.append((str(row.assigned.count), [link(row.assigned)]))
    cells += [rate_cell(row.rate(name)) for name in RATE_COLUMNS]
    cells.append((str(row.not_rated.count), [link(row.not_rated)]))
    cells.append(rate_cell(row.rate("solved")))
    return cells


@pytest.fixture
def world():
    world = stats_world()
    # Markup in a unit's name is text, not markup.
    world.odd = UnitFactory(body=world.county.congress, name="<b>城建 & 规划</b>局")
    for index in range(6):
        unit = (world.education, world.transport, world.odd)[index % 3]
        status = Status.CLOSED if index % 2 else Status.HANDLING
        item = suggestion(
            world,
            status=status,
            lead_unit=unit,
            session=world.second if index > 3 else world.first,
            category=world.roads if index == 5 else world.schools,
            closed_at=at(2025, 9, 1) if status == Status.CLOSED else None,
            is_priority=index == 0,
        )
        if status == Status.CLOSED:
            given = answer(world, item, grade="A" if index == 1 else "B", answered_at=at(2025, 4, 1))
            if index != 5:
                rate(world, given, result=Rating.Level.SATISFIED)
    return world


@pytest.mark.parametrize("query", [{}, {"rank": "satisfaction", "priority": "false"}, {"unit": "odd"}])
def test_every_table_row_shows_its_groups_counts_rates_and_links(client, world, query):
    if query.get("unit") == "odd":
        query = {"unit": world.odd.pk}
    client.force_login(world.office)

    response = client.get(URL, query)

    assert response.status_code == 200
    page = TableRows()
    page.feed(response.content.decode())
    result = response.context["stats"]
    for key, attribute in TABLES.items():
        rows = getattr(result, attribute)
        assert rows, key
        assert page.tables[key] == [expected_cells(row, ranked=key == "unit") for row in rows], key


def test_a_units_name_is_escaped_and_a_rate_with_nothing_below_the_line_is_a_dash(client, world):
    client.force_login(world.office)

    page = client.get(URL, {"rank": "satisfaction"}).content.decode()

    assert "&lt;b&gt;城建 &amp; 规划&lt;/b&gt;局" in page
    assert "<b>城建" not in page
    # The odd unit's suggestions are handling or not rated: no satisfaction rate, so no rank.
    tables = TableRows()
    tables.feed(page)
    row = next(cells for cells in tables.tables["unit"] if cells[1][0] == world.odd.name)
    assert row[0] == ("—", [])
    assert row[6][0].startswith("— ")


def test_a_table_with_no_rows_says_so(client, world):
    client.force_login(world.office)

    response = client.get(URL, {"category": world.roads.pk, "unit": world.education.pk})

    assert response.status_code == 200
    assert response.content.decode().count("没有符合筛选条件的已交办建议") == 4


def test_the_page_costs_the_same_queries_for_a_few_groups_and_many(client, world, django_assert_num_queries):
    client.force_login(world.office)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for index in range(20):
        unit = UnitFactory(body=world.county.congress, name=f"第{index}局")
        suggestion(world, status=Status.HANDLING, lead_unit=unit)

    with django_assert_num_queries(len(few)):
        response = client.get(URL)

    assert len(response.context["stats"].by_unit) == 23
