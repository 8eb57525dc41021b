"""The statistics page: who may open it, what it shows, where its numbers link, its queries and its export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress import navigation
from congress.models import Role
from suggestions.models import Rating, Suggestion
from suggestions.nav import register_nav
from tests.congress.factories import make_user
from tests.suggestions.stats_data import answer, at, rate, stats_world, suggestion

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
URL = "/suggestions/stats/"
# The layout's reads (session, user, roles, body, unread count), the filter choices, the tally and three name lookups.
PAGE_QUERY_BOUND = 14


@pytest.fixture
def world():
    return stats_world()


def some_suggestions(world, number: int) -> None:
    for index in range(number):
        unit = world.education if index % 2 else world.transport
        item = suggestion(world, status=Status.CLOSED, lead_unit=unit, closed_at=at(2025, 5, 1), is_priority=index == 0)
        rate(world, answer(world, item, grade="A", answered_at=at(2025, 4, 1)), result=Rating.Level.SATISFIED)
    suggestion(world, status=Status.HANDLING)


def test_the_url_map_serves_the_page_at_suggestions_stats():
    assert reverse("suggestion_stats:index") == URL
    assert reverse("suggestion_stats:export") == URL + "export/"


def test_office_staff_see_the_rates_with_numerators_and_denominators_in_chinese(client, world):
    some_suggestions(world, 3)
    client.force_login(world.office)

    response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "建议统计" in page
    for title in ("答复率", "办结率", "满意率", "解决率"):
        assert title in page
    total = response.context["stats"].total
    assert (total.closed.count, total.assigned.count) == (3, 4)
    assert "75.0%" in page
    assert f'href="/suggestions/?{total.closed.query.replace("&", "&amp;")}"' in page


@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.UNIT_HEAD, Role.DEPUTY])
def test_people_outside_the_committee_side_are_refused(client, world, role):
    unit = world.education if role != Role.DEPUTY else None
    client.force_login(make_user(body=world.county.congress, roles=[role], unit=unit))

    assert client.get(URL).status_code == 403
    assert client.get(URL + "export/").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_filters_narrow_the_page_and_are_carried_by_every_link(client, world):
    some_suggestions(world, 2)
    client.force_login(world.office)

    response = client.get(URL, {"unit": world.transport.pk, "priority": "true", "rank": "satisfaction"})

    result = response.context["stats"]
    assert result.total.assigned.count == 1
    # Counted by lead unit, so linked by lead unit: `unit` would also list co-handled suggestions.
    assert ("lead_unit", str(world.transport.pk)) in result.total.assigned.params
    assert ("priority", "true") in result.total.satisfied.params
    assert result.rank_by == "satisfaction"


def test_a_period_ending_before_it_starts_is_refused_in_chinese_and_keeps_the_input(client, world):
    client.force_login(world.office)

    response = client.get(URL, {"assigned_from": "2025-05-01", "assigned_to": "2025-04-01"})

    page = response.content.decode()
    assert response.status_code == 400
    assert response.context["stats"] is None
    assert 'value="2025-05-01"' in page
    assert "期间的结束日期不能早于开始日期" in page


def test_a_malformed_filter_value_is_a_clear_error_not_a_crash(client, world):
    client.force_login(world.office)

    assert client.get(URL, {"session": "abc", "assigned_from": "not-a-date"}).status_code == 400
    assert client.get(URL + "export/", {"unit": "999999"}).status_code == 400


def test_the_page_uses_the_same_number_of_queries_for_small_and_larger_data(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.office)
    some_suggestions(world, 2)
    with django_assert_max_num_queries(PAGE_QUERY_BOUND), CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    some_suggestions(world, 25)
    with django_assert_max_num_queries(PAGE_QUERY_BOUND), CaptureQueriesContext(connection) as large:
        assert client.get(URL).status_code == 200

    assert len(small) == len(large)


def test_the_statistics_export_holds_every_grouping_with_rates_as_percentages(client, world):
    some_suggestions(world, 3)
    client.force_login(world.office)

    response = client.get(URL + "export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["合计", "按会议", "按主办单位", "按类别", "按重点督办"]
    total = list(workbook["合计"].iter_rows(values_only=True))
    assert total[0][:4] == ("分组", "交办数", "答复数", "答复率")
    assert total[1][:4] == ("全部", 4, 3, 0.75)
    units = list(workbook["按主办单位"].iter_rows(values_only=True))
    assert units[0][0] == "排名"
    assert [row[0] for row in units[1:]] == [1, 2]


def test_the_statistics_nav_item_is_offered_to_the_committee_side_only(world):
    register_nav()
    handler = make_user(body=world.county.congress, roles=[Role.UNIT_HANDLER], unit=world.education)

    def items(user):
        return [item["url"] for section in navigation.nav_for(user, URL) for item in section.items]

    assert URL in items(world.office)
    assert URL not in items(handler)


@pytest.mark.parametrize("query", [{}, {"group_by": "unit"}, {"group_by": "session", "priority": "false"}])
def test_the_api_uses_the_same_number_of_queries_for_small_and_larger_data(client, world, query):
    client.force_login(world.office)
    some_suggestions(world, 2)
    with CaptureQueriesContext(connection) as small:
        response = client.get("/api/v1/suggestions/stats/", query)
    assert response.status_code == 200
    some_suggestions(world, 25)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/api/v1/suggestions/stats/", query)

    assert response.json()["total"]["counts"]["assigned"] == (27 if "priority" in query else 29)
    assert len(small) == len(large)
