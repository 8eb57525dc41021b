"""The suggestions API list: rows written in one pass as DRF writes them, and a session's pages by cursor."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from suggestions.api.serializers import SuggestionSerializer
from suggestions.models import Suggestion
from tests.api.helpers import as_person
from tests.congress.factories import SessionFactory
from tests.suggestions.factories import SuggestionFactory, drive, loop_cast

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
LIST = "/api/v1/suggestions/"


@pytest.fixture
def cast(county):
    return loop_cast(county)


def drf_rows(suggestions) -> list[dict]:
    """What DRF writes field by field for the list's serializer, as JSON reads it back."""
    serializer = SuggestionSerializer()
    rows = [serializers.ModelSerializer.to_representation(serializer, suggestion) for suggestion in suggestions]
    return json.loads(JSONRenderer().render(rows))


def varied(cast) -> list[Suggestion]:
    """Suggestions with every column the list writes both set and empty."""
    handling = drive(cast, to=Status.HANDLING)
    closed = drive(cast, to=Status.CLOSED)
    Suggestion.objects.filter(pk=handling.pk).update(due_date=dt.date(2020, 1, 1), is_priority=True)
    between_sessions = SuggestionFactory(
        body=cast.body, session=None, number=7, year=2026, status=Status.SUBMITTED, lead_deputy=cast.lead_deputy
    )
    draft = SuggestionFactory(body=cast.body, session=cast.session, status=Status.DRAFT, category=cast.category)
    return [handling, closed, between_sessions, draft]


def test_the_list_writes_each_row_as_drf_does_field_by_field(api, cast):
    made = varied(cast)
    as_person(api, cast.staff)

    response = api.get(LIST)

    assert response.status_code == 200
    listed = response.json()["results"]
    by_pk = Suggestion.objects.select_related("session", "category", "lead_deputy", "lead_unit").in_bulk()
    expected = drf_rows(by_pk[item["id"]] for item in listed)
    # Same keys in the same order, same values.
    assert [list(item.items()) for item in listed] == [list(item.items()) for item in expected]
    assert {item["id"] for item in listed} == {suggestion.pk for suggestion in made}
    assert any(item["is_overdue"] for item in listed) and any(item["session"] is None for item in listed)


def test_a_row_in_utc_ends_its_times_with_z_as_drf_does(cast):
    made = varied(cast)
    rows = list(Suggestion.objects.filter(pk__in=[suggestion.pk for suggestion in made]).order_by("pk"))

    with timezone.override(dt.UTC):
        written = json.loads(JSONRenderer().render(SuggestionSerializer(rows, many=True).data))
        expected = drf_rows(rows)

    assert written == expected
    assert written[0]["created_at"].endswith("Z")


def test_the_detail_still_writes_its_nested_fields(api, cast):
    suggestion = drive(cast, to=Status.ANSWERED)
    as_person(api, cast.staff)

    detail = api.get(f"{LIST}{suggestion.pk}/").json()

    assert {"content", "signers", "assignments", "answers", "timeline", "reference"} <= set(detail)
    assert detail["answers"] and detail["signers"]


def add_to_session(cast, session, n: int) -> None:
    for _ in range(n):
        SuggestionFactory(
            body=cast.body,
            session=session,
            number=Suggestion.objects.count() + 1,
            status=Status.REGISTERED,
            category=cast.category,
            lead_unit=cast.lead_unit,
            lead_deputy=cast.lead_deputy,
            created_by=cast.staff,
        )


def test_a_sessions_pages_list_each_of_its_suggestions_once_newest_first(api, cast):
    other = SessionFactory(
        term=cast.county.term, number=2, start_date=dt.date(2026, 1, 9), end_date=dt.date(2026, 1, 12)
    )
    add_to_session(cast, cast.session, 5)
    add_to_session(cast, other, 3)
    # Two created in the same instant: the id orders them.
    twins = Suggestion.objects.filter(session=cast.session).order_by("pk").values_list("pk", flat=True)[:2]
    Suggestion.objects.filter(pk__in=list(twins)).update(created_at=timezone.now())
    as_person(api, cast.staff)

    listed, url = [], f"{LIST}?session={cast.session.pk}&page_size=2"
    while url:
        page = api.get(url).json()
        listed += [item["id"] for item in page["results"]]
        url = page["next"]

    in_session = Suggestion.objects.filter(session=cast.session).order_by("-created_at", "-id")
    assert listed == list(in_session.values_list("pk", flat=True))


def test_a_sessions_list_costs_the_same_for_3_and_30_suggestions(api, cast, django_assert_num_queries):
    as_person(api, cast.staff)
    add_to_session(cast, cast.session, 3)
    api.get(LIST)  # the first request of a token also records its use
    query = {"session": cast.session.pk}
    with CaptureQueriesContext(connection) as small:
        assert len(api.get(LIST, query).json()["results"]) == 3
    add_to_session(cast, cast.session, 27)

    with django_assert_num_queries(len(small)):
        response = api.get(LIST, {**query, "page_size": 50})

    assert len(response.json()["results"]) == 30
