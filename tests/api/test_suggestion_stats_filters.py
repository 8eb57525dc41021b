"""The statistics API's filters: "none" selects what the groups key "none", and a period must run forwards."""

from __future__ import annotations

import pytest

from suggestions.models import Suggestion
from tests.api.helpers import as_person
from tests.suggestions.factories import drive, loop_cast

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
STATS = "/api/v1/suggestions/stats/"
# Each filter, the grouping whose key it takes, and the list filter its numbers link with.
FILTERS = [("session", "session", "session"), ("unit", "unit", "lead_unit"), ("category", "category", "category")]
# A period of assignment makes the statistics count live; without one, the rollup answers.
COUNTED = {"from the rollup": {}, "live": {"assigned_from": "2000-01-01"}}


@pytest.fixture
def cast(county):
    """Two suggestions with a session, lead unit and category; one without each of them."""
    cast = loop_cast(county)
    drive(cast, to=Status.ANSWERED)
    drive(cast, to=Status.ASSIGNED)
    drive(cast, to=Status.CLOSED, session=False)
    without_unit, without_category = drive(cast, to=Status.ASSIGNED), drive(cast, to=Status.HANDLING)
    # No step leaves an assigned suggestion without them; imports and history may.
    Suggestion.objects.filter(pk=without_unit.pk).update(lead_unit=None)
    Suggestion.objects.filter(pk=without_category.pk).update(category=None)
    return cast


@pytest.mark.parametrize("counted", list(COUNTED.values()), ids=list(COUNTED))
@pytest.mark.parametrize(("name", "group_by", "list_param"), FILTERS, ids=[name for name, *_rest in FILTERS])
def test_a_filter_of_none_counts_exactly_the_none_group(api, cast, name, group_by, list_param, counted):
    as_person(api, cast.staff)
    groups = api.get(STATS, {"group_by": group_by, **counted}).json()["groups"]
    none_group = next(group for group in groups if group["key"] == "none")

    response = api.get(STATS, {name: "none", **counted})

    assert response.status_code == 200, response.content
    total = response.json()["total"]
    assert total["counts"] == none_group["counts"]
    assert total["counts"]["assigned"] == 1
    query = total["rates"]["completion"]["denominator_query"]
    assert f"{list_param}=none" in query.split("&")
    assert len(api.get(f"/api/v1/suggestions/?{query}").json()["results"]) == 1


def test_a_filter_of_none_narrows_the_groups_to_it(api, cast):
    response = as_person(api, cast.staff).get(STATS, {"session": "none", "group_by": "session"})

    assert [(group["key"], group["counts"]["closed"]) for group in response.json()["groups"]] == [("none", 1)]


def test_a_filter_neither_an_id_nor_none_is_still_refused(api, cast):
    response = as_person(api, cast.staff).get(STATS, {"unit": "None"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["unit"]


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "The end of the period must not be before its start."), ("zh-hans", "期间的结束日期不能早于开始日期。")],
)
def test_a_period_ending_before_it_starts_is_refused_not_counted_as_zeros(api, cast, language, message):
    as_person(api, cast.staff)

    response = api.get(
        STATS, {"assigned_from": "2026-05-01", "assigned_to": "2026-04-01"}, HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"assigned_to": [message]}


def test_a_period_of_one_day_is_a_period(api, cast):
    response = as_person(api, cast.staff).get(STATS, {"assigned_from": "2026-04-01", "assigned_to": "2026-04-01"})

    assert response.status_code == 200
