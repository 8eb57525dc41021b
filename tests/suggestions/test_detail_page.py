"""The staff detail page's reads: the whole timeline, and a number of queries that does not grow with the parts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F
from django.urls import reverse

from congress.services import record_event
from suggestions import services
from suggestions.models import Answer, Contact, ExtensionRequest, Suggestion
from suggestions.services.duplicates import suggestions_search_duplicates
from tests.suggestions.factories import assignment_of, drive, loop_cast

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
# Session, user and roles; the suggestion and its signers, units, contacts, extension requests, answers, ratings
# and attachments; the timeline; the unread count; the supervising leaders offered by the priority form.
STAFF_QUERY_BOUND = 14
# The same without the priority form: the unit's panel reads its assignments from what the page loaded.
UNIT_QUERY_BOUND = 12
# A submitted suggestion's page: session, user and roles; the suggestion and its signers, units, answers and
# attachments; the timeline; what a worker's duplicate search kept, then the few shown with their sessions and lead
# deputies; the unread count; the categories offered by the registration form.
SUBMITTED_QUERY_BOUND = 13
# Before a worker has searched: the duplicates' texts to score (ranked in the query on PostgreSQL) besides.
UNSEARCHED_QUERY_BOUND = SUBMITTED_QUERY_BOUND + 1


@pytest.fixture
def cast(county):
    return loop_cast(county)


def detail_url(suggestion: Suggestion) -> str:
    return reverse("suggestions:detail", args=[suggestion.pk])


def read_both(client, small: Suggestion, big: Suggestion, bound: int, assert_max_queries) -> tuple[list[int], object]:
    """Open both detail pages within `bound` queries; return the queries each took and the second response."""
    counted = []
    for suggestion in (small, big):
        with assert_max_queries(bound) as queries:
            response = client.get(detail_url(suggestion))
        assert response.status_code == 200
        counted.append(len(queries))
    return counted, response


def with_every_part(cast) -> Suggestion:
    """Return an answered suggestion with three units, a co-signer, contacts and extension requests on each unit."""
    suggestion = drive(cast, to=Status.ANSWERED, co=True, parallel=True, cosigned=True)
    for unit in (cast.lead_unit, cast.co_unit, cast.parallel_unit):
        assignment = assignment_of(suggestion, unit)
        for day in (1, 2):
            Contact.objects.create(
                assignment=assignment,
                method=Contact.Method.PHONE,
                contacted_on=dt.date(2025, 3, day),
                participants="王芳代表",
                summary="电话沟通进展。",
                logged_by=cast.lead_handler,
            )
        ExtensionRequest.objects.create(
            assignment=assignment,
            reason="需跨部门协调。",
            requested_until=dt.date(2025, 9, 1),
            status=ExtensionRequest.Status.REFUSED,
            requested_by=cast.lead_handler,
        )
    return suggestion


def test_the_timeline_gathers_the_events_of_the_suggestion_its_units_answers_and_extension_requests(client, cast):
    suggestion = drive(cast, to=Status.ANSWERED, co=True)
    other = drive(cast, to=Status.HANDLING)
    request = ExtensionRequest.objects.create(
        assignment=assignment_of(suggestion, cast.co_unit),
        reason="需跨部门协调。",
        requested_until=dt.date(2025, 9, 1),
        requested_by=cast.co_handler,
    )
    record_event(request, actor=cast.staff, kind="request_read")
    record_event(Answer.objects.filter(suggestion=suggestion).first(), actor=cast.staff, kind="answer_read")
    record_event(assignment_of(suggestion, cast.co_unit), actor=cast.staff, kind="assignment_read")
    record_event(assignment_of(other, cast.lead_unit), actor=cast.staff, kind="elsewhere")
    client.force_login(cast.staff)

    timeline = client.get(detail_url(suggestion)).context["timeline"]

    kinds = [event.kind for event in timeline]
    assert kinds[0] == "suggestion_created"
    assert kinds[-3:] == ["request_read", "answer_read", "assignment_read"]
    assert "elsewhere" not in kinds
    assert [(event.created_at, event.pk) for event in timeline] == sorted((e.created_at, e.pk) for e in timeline)


def test_the_staff_read_the_page_in_the_same_queries_however_many_parts_it_has(
    client, cast, django_assert_max_num_queries
):
    small = drive(cast, to=Status.ANSWERED)
    big = with_every_part(cast)
    client.force_login(cast.staff)

    counted, response = read_both(client, small, big, STAFF_QUERY_BOUND, django_assert_max_num_queries)

    assert counted[0] == counted[1]
    assert len(response.context["timeline"]) > 10
    assert response.content.decode().count("电话沟通进展。") == 6


def test_a_unit_reads_the_page_with_its_panel_in_the_same_queries_however_many_parts_it_has(
    client, cast, django_assert_max_num_queries
):
    small = drive(cast, to=Status.HANDLING)
    big = drive(cast, to=Status.HANDLING, co=True, parallel=True, cosigned=True)
    for suggestion in (small, big):
        services.contact_log(
            assignment_id=assignment_of(suggestion, cast.lead_unit).pk,
            actor=cast.lead_handler,
            method=Contact.Method.PHONE,
            contacted_on=dt.date.today(),
            participants="王芳代表",
            summary="电话沟通进展。",
        )
    client.force_login(cast.lead_handler)

    counted, response = read_both(client, small, big, UNIT_QUERY_BOUND, django_assert_max_num_queries)

    assert counted[0] == counted[1]
    assert response.context["unit_actions"]


def submitted_with_duplicates(cast) -> tuple[Suggestion, list[Suggestion]]:
    """Return a submitted suggestion like no other, and six alike: three submitted, three of last year closed."""
    alone = drive(cast, to=Status.SUBMITTED)
    Suggestion.objects.filter(pk=alone.pk).update(title="关于开通乡村学校校车的建议", content="偏远村组学生上学路远。")
    repeated = [drive(cast, to=Status.SUBMITTED) for _ in range(3)] + [drive(cast, to=Status.CLOSED) for _ in range(3)]
    # Last year's, between sessions and from another deputy: each duplicate shows its deputy and reference.
    Suggestion.objects.filter(pk__in=[item.pk for item in repeated[3:]]).update(
        year=F("year") - 1, session=None, lead_deputy=cast.other_deputy_record
    )
    return Suggestion.objects.get(pk=alone.pk), repeated


def test_the_staff_read_a_submitted_suggestion_in_the_same_queries_however_many_duplicates_it_has(
    client, cast, django_assert_max_num_queries
):
    alone, repeated = submitted_with_duplicates(cast)
    suggestions_search_duplicates(suggestion_ids=[alone.pk, *(item.pk for item in repeated)])
    client.force_login(cast.staff)

    # Django caches the content types the timeline looks up: a first read keeps that out of the counts.
    client.get(detail_url(alone))
    counted, response = read_both(client, alone, repeated[0], SUBMITTED_QUERY_BOUND, django_assert_max_num_queries)

    # Reading the duplicates shown is one query, however many there are; with none there is nothing to read.
    assert counted[1] == counted[0] + 1
    assert len(response.context["duplicates"]) == 5
    assert "赵敏" in response.content.decode()


def test_before_a_worker_searched_the_page_finds_the_same_duplicates_itself_in_one_query_more(
    client, cast, django_assert_max_num_queries
):
    alone, repeated = submitted_with_duplicates(cast)
    client.force_login(cast.staff)
    client.get(detail_url(alone))

    counted, response = read_both(client, alone, repeated[0], UNSEARCHED_QUERY_BOUND, django_assert_max_num_queries)
    searched_now = response.context["duplicates"]
    suggestions_search_duplicates(suggestion_ids=[alone.pk, *(item.pk for item in repeated)])
    kept = client.get(detail_url(repeated[0])).context["duplicates"]

    assert counted[1] == counted[0] + 1
    assert [(item.pk, score) for item, score in kept] == [(item.pk, score) for item, score in searched_now]
