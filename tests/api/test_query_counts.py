"""Every list endpoint costs the same number of queries for 3 rows as for 30: no N+1 anywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congress.models import Notification, Role, Term
from deputies.models import Deputy
from tests.api.helpers import as_person
from tests.congress.factories import SessionFactory, UnitFactory, make_user

pytestmark = pytest.mark.django_db


def add_deputies(people, n):
    start = Deputy.objects.count()
    Deputy.objects.bulk_create(
        Deputy(body=people.county.congress, code=f"Q{start + i}", name="代表", gender="male", level="county")
        for i in range(n)
    )


def add_users(people, n):
    for _ in range(n):
        make_user(body=people.county.committee, roles=[Role.OFFICE_STAFF, Role.LEADER])


def add_units(people, n):
    UnitFactory.create_batch(n, body=people.county.congress)


def add_terms(people, n):
    start = Term.objects.filter(body=people.county.congress).count()
    Term.objects.bulk_create(
        Term(body=people.county.congress, number=100 + start + i, start_date=dt.date(2000, 1, 1)) for i in range(n)
    )


def add_sessions(people, n):
    start = people.county.term.sessions.count()
    for i in range(n):
        SessionFactory(term=people.county.term, number=50 + start + i)


def add_notifications(people, n):
    Notification.objects.bulk_create(Notification(recipient=people.admin, title="提醒") for _ in range(n))


LISTS = [
    ("/api/v1/deputies/", add_deputies),
    ("/api/v1/users/", add_users),
    ("/api/v1/units/", add_units),
    ("/api/v1/terms/", add_terms),
    ("/api/v1/sessions/", add_sessions),
    ("/api/v1/notifications/", add_notifications),
]


@pytest.mark.parametrize(("url", "add"), LISTS, ids=[url for url, _add in LISTS])
def test_list_query_count_does_not_grow_with_rows(api, people, django_assert_num_queries, url, add):
    as_person(api, people.admin)
    add(people, 3)
    api.get(url)  # the first request of a token also records its use
    with CaptureQueriesContext(connection) as small:
        small_response = api.get(url)
    add(people, 27)

    with django_assert_num_queries(len(small)):
        large_response = api.get(url)

    assert small_response.status_code == large_response.status_code == 200
    assert len(large_response.json()["results"]) >= 30
    assert len(small) <= 8
