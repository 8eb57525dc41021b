"""The statistics page's "none" choices: no session (filed between sessions), no lead unit, no category."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlsplit

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suggestions import stats
from suggestions.models import Rating, Suggestion
from suggestions.views_stats import StatsFilterForm
from tests.suggestions.stats_data import answer, at, rate, stats_world, suggestion
from tests.suggestions.test_stats_page import PAGE_QUERY_BOUND

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
URL = "/suggestions/stats/"
LIST_URL = "/suggestions/"
# Each filter, the grouping its none row is in, the list filter its numbers link with, the model field it
# leaves empty, and its "none" option as the page writes it.
NONE_FILTERS = {
    "session": ("by_session", "session", "session", "闭会期间"),
    "unit": ("by_unit", "lead_unit", "lead_unit", "未定主办单位"),
    "category": ("by_category", "category", "category", "未分类"),
}
# How many assigned suggestions the world below has without each.
WITHOUT = {"session": 3, "unit": 2, "category": 2}
# A period of assignment makes the statistics count live; without one, the rollup answers.
COUNTED = {"from the rollup": {}, "live": {"assigned_from": "2000-01-01"}}


@pytest.fixture
def world():
    """Suggestions with and without a session, a lead unit and a category, in several states."""
    world = stats_world()
    first = suggestion(world, status=Status.CLOSED, closed_at=at(2025, 5, 1), is_priority=True)
    rate(world, answer(world, first, grade="A", answered_at=at(2025, 4, 1)), result=Rating.Level.SATISFIED)
    suggestion(world, status=Status.HANDLING, lead_unit=world.transport, category=world.roads)
    # Filed between sessions: one answered and rated unsatisfied, one still being handled.
    between = suggestion(world, status=Status.ANSWERED, session=None, lead_unit=world.transport)
    rate(world, answer(world, between, grade="B", answered_at=at(2025, 4, 2)), result=Rating.Level.UNSATISFIED)
    suggestion(world, status=Status.HANDLING, session=None, category=None)
    # Without a category: one closed within six months, as well as the one filed between sessions.
    uncategorised = suggestion(world, status=Status.CLOSED, category=None, closed_at=at(2025, 3, 1))
    answer(world, uncategorised, grade="A", answered_at=at(2025, 2, 20))
    # Without a lead unit: no step leaves an assigned suggestion so, imports and history may.
    unassigned_lead = suggestion(world, status=Status.ANSWERED, session=None, category=world.roads)
    answer(world, unassigned_lead, grade="C", answered_at=at(2025, 4, 3))
    no_lead = [unassigned_lead, suggestion(world, status=Status.ASSIGNED, session=world.second)]
    Suggestion.objects.filter(pk__in=[item.pk for item in no_lead]).update(lead_unit=None)
    # Never assigned, so never counted, though it has no session, unit or category either.
    suggestion(world, status=Status.SUBMITTED, session=None, category=None)
    return world


def select(page: str, name: str) -> str:
    """Return the markup of the page's <select> named `name`."""
    start = page.index(f'<select name="{name}"')
    return page[start : page.index("</select>", start)]


def counts(row: stats.StatsRow) -> dict[str, int]:
    return dict(row.counts)


def grouped_counts(result: stats.SuggestionStats) -> dict[str, list[tuple[stats.Params, dict[str, int]]]]:
    return {
        name: [(row.group_params, counts(row)) for row in getattr(result, name)]
        for name in ("by_session", "by_unit", "by_category", "by_priority")
    }


@pytest.mark.parametrize("name", list(NONE_FILTERS))
def test_the_form_takes_none_for_each_of_the_three_filters(world, name):
    form = StatsFilterForm({name: stats.NONE_VALUE}, user=world.office)

    assert form.is_valid(), form.errors
    assert form.cleaned_data[name] == stats.NONE_VALUE


@pytest.mark.parametrize("counted", list(COUNTED.values()), ids=list(COUNTED))
@pytest.mark.parametrize("name", list(NONE_FILTERS))
def test_none_counts_what_the_selector_counts_for_none_and_exactly_the_none_group(client, world, name, counted):
    grouping, list_param, _field, _label = NONE_FILTERS[name]
    client.force_login(world.office)
    unfiltered = client.get(URL, counted).context["stats"]
    none_row = next(row for row in getattr(unfiltered, grouping) if row.group_params == ((list_param, "none"),))

    response = client.get(URL, {name: "none", **counted})

    assert response.status_code == 200
    result = response.context["stats"]
    # The period reaches back before any assignment: counted live, the same suggestions.
    expected = stats.suggestion_stats(user=world.office, filters={name: stats.NONE_VALUE}, live=bool(counted))
    assert counts(result.total) == counts(expected.total)
    assert grouped_counts(result) == grouped_counts(expected)
    assert counts(result.total) == counts(none_row)
    assert result.total.counts["assigned"] == WITHOUT[name]
    assert [row.group_params for row in getattr(result, grouping)] == [((list_param, "none"),)]


@pytest.mark.parametrize("name", list(NONE_FILTERS))
def test_the_chosen_none_stays_selected_and_is_offered_in_chinese(client, world, name):
    *_rest, label = NONE_FILTERS[name]
    client.force_login(world.office)

    unfiltered = client.get(URL).content.decode()
    chosen = client.get(URL, {name: "none"}).content.decode()

    # After "all", before the sessions, units or categories, as the staff list offers it.
    assert '<option value="" selected>全部</option>\n  <option value="none">' + label in select(unfiltered, name)
    assert f'<option value="none" selected>{label}</option>' in select(chosen, name)
    assert '<option value="" selected>' not in select(chosen, name)
    for other in set(NONE_FILTERS) - {name}:
        assert '<option value="" selected>全部</option>' in select(chosen, other)
        assert '<option value="none" selected>' not in select(chosen, other)


@pytest.mark.parametrize("name", list(NONE_FILTERS))
def test_every_number_under_none_links_to_exactly_the_suggestions_it_counts(client, world, name):
    _grouping, list_param, field, _label = NONE_FILTERS[name]
    client.force_login(world.office)
    result = client.get(URL, {name: "none"}).context["stats"]

    rows = [result.total, *result.by_session, *result.by_unit, *result.by_category, *result.by_priority]
    for row in rows:
        for measure in stats.MEASURES:
            cell = row.cell(measure)
            assert (list_param, "none") in cell.params
            listed = list(client.get(f"{LIST_URL}?{cell.query}").context["page"])
            assert len(listed) == cell.count, (row.label, measure)
            assert all(getattr(item, f"{field}_id") is None for item in listed), (row.label, measure)
    # The total's denominator is every counted suggestion without one: the one never assigned is not among them.
    expected = Suggestion.objects.filter(**{f"{field}__isnull": True}, assigned_at__isnull=False)
    listed = client.get(f"{LIST_URL}?{result.total.assigned.query}").context["page"]
    assert {item.pk for item in listed} == set(expected.values_list("pk", flat=True))


def test_the_page_links_and_the_export_link_keep_none(client, world):
    client.force_login(world.office)
    query = {"session": "none", "unit": "none", "rank": "satisfaction"}

    response = client.get(URL, query)

    assert response.status_code == 200
    assert response.context["stats"].total.counts["assigned"] == 1
    export_query = dict(parse_qsl(response.context["export_query"]))
    assert export_query == query
    page = response.content.decode()
    assert "/suggestions/stats/export/?" in page
    export_href = page.split('href="/suggestions/stats/export/?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert dict(parse_qsl(export_href)) == query
    list_links = [part.split('"', 1)[0] for part in page.split(f'href="{LIST_URL}?')[1:]]
    assert list_links
    for href in list_links:
        params = parse_qsl(urlsplit("?" + href.replace("&amp;", "&")).query)
        assert ("session", "none") in params and ("lead_unit", "none") in params, href


@pytest.mark.parametrize("name", list(NONE_FILTERS))
def test_the_export_honours_none(client, world, name):
    client.force_login(world.office)
    expected = stats.suggestion_stats(user=world.office, filters={name: stats.NONE_VALUE})

    response = client.get(URL + "export/", {name: "none"})

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    total = list(workbook["合计"].iter_rows(values_only=True))
    assert total[1][:3] == ("全部", expected.total.counts["assigned"], expected.total.counts["answered"])
    assert expected.total.counts["assigned"] == WITHOUT[name]


@pytest.mark.parametrize("value", ["None", "NONE", "null", "0", "none,1", "999999"])
@pytest.mark.parametrize("name", list(NONE_FILTERS))
def test_a_value_neither_an_id_nor_none_is_the_forms_error_not_a_crash(client, world, name, value):
    client.force_login(world.office)

    page = client.get(URL, {name: value})
    export = client.get(URL + "export/", {name: value})

    assert page.status_code == 400
    assert page.context["stats"] is None
    assert list(page.context["filter_form"].errors) == [name]
    assert "选择一个有效的选项" in page.content.decode()
    assert export.status_code == 400
    assert list(export.context["filter_form"].errors) == [name]


def test_none_costs_the_same_queries_for_small_and_larger_data(client, world, django_assert_max_num_queries):
    client.force_login(world.office)
    query = {"session": "none", "category": "none"}
    with django_assert_max_num_queries(PAGE_QUERY_BOUND), CaptureQueriesContext(connection) as small:
        assert client.get(URL, query).status_code == 200
    for _index in range(25):
        suggestion(world, status=Status.HANDLING, session=None, category=None)
    with django_assert_max_num_queries(PAGE_QUERY_BOUND), CaptureQueriesContext(connection) as large:
        response = client.get(URL, query)

    assert response.context["stats"].total.counts["assigned"] == 26
    assert len(small) == len(large)
