"""The suggestions API costs the same number of queries whatever the number of rows it shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from suggestions import services
from suggestions.models import Suggestion
from tests.api.helpers import as_person
from tests.suggestions.factories import SuggestionFactory, assignment_of, drive, loop_cast

pytestmark = pytest.mark.django_db

LIST = "/api/v1/suggestions/"


@pytest.fixture
def cast(county):
    return loop_cast(county)


def add_suggestions(cast, n: int) -> None:
    for index in range(n):
        SuggestionFactory(
            body=cast.body,
            session=cast.session,
            number=Suggestion.objects.count() + 1,
            status=Suggestion.Status.HANDLING if index % 2 else Suggestion.Status.REGISTERED,
            category=cast.category,
            lead_unit=cast.lead_unit,
            lead_deputy=cast.lead_deputy,
            created_by=cast.staff,
        )


def add_contacts(cast, suggestion: Suggestion, n: int) -> None:
    for _ in range(n):
        services.contact_log(
            assignment_id=assignment_of(suggestion, cast.lead_unit).pk,
            actor=cast.lead_handler,
            method="phone",
            contacted_on=timezone.localdate(),
            participants="王芳代表",
            summary="电话沟通",
        )


@pytest.mark.parametrize("params", [{}, {"status": "handling", "search": "道路", "overdue": "true"}])
def test_list_costs_the_same_for_3_and_30_suggestions(api, cast, django_assert_num_queries, params):
    as_person(api, cast.staff)
    add_suggestions(cast, 3)
    # The first request of a token also records its use; a search first reads the gram statistics, which the
    # process then keeps a while.
    api.get(LIST, params)
    with CaptureQueriesContext(connection) as small:
        small_response = api.get(LIST, params)
    add_suggestions(cast, 27)

    with django_assert_num_queries(len(small)):
        large_response = api.get(LIST, {**params, "page_size": 50})

    assert small_response.status_code == large_response.status_code == 200
    assert len(large_response.json()["results"]) >= (30 if not params else 0)
    assert len(small) <= 8


def test_list_of_a_unit_costs_the_same_for_3_and_30_suggestions(api, cast, django_assert_num_queries):
    as_person(api, cast.lead_handler)
    for _ in range(3):
        drive(cast, to=Suggestion.Status.ASSIGNED)
    api.get(LIST)
    with CaptureQueriesContext(connection) as small:
        api.get(LIST)
    for _ in range(27):
        drive(cast, to=Suggestion.Status.ASSIGNED)

    with django_assert_num_queries(len(small)):
        response = api.get(LIST)

    assert len(response.json()["results"]) == 30


def test_detail_costs_the_same_for_few_and_many_contacts_and_signers(api, cast, django_assert_num_queries):
    small_one = drive(cast, to=Suggestion.Status.HANDLING, co=True, parallel=True, cosigned=True)
    large_one = drive(cast, to=Suggestion.Status.HANDLING, co=True, parallel=True, cosigned=True)
    add_contacts(cast, small_one, 1)
    add_contacts(cast, large_one, 12)
    as_person(api, cast.staff)
    api.get(f"{LIST}{small_one.pk}/")
    with CaptureQueriesContext(connection) as small:
        api.get(f"{LIST}{small_one.pk}/")

    with django_assert_num_queries(len(small)):
        response = api.get(f"{LIST}{large_one.pk}/")

    assert len(response.json()["assignments"][0]["contacts"]) == 12
    assert len(small) <= 16
