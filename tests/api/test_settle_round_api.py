"""The API's settle-round step: the office sends a lapsed round with an unsatisfied rating back at once.

The rounds are built as tests/suggestions/test_settle_round.py builds them: answered on 3 March 2025 by the lead
unit (县交通运输局) and a parallel unit (县住建局), the parallel answer rated, the lead's left unrated; the deputy
may rate until 31 March.
"""

from __future__ import annotations

import pytest
import time_machine
from drf_spectacular.generators import SchemaGenerator

from suggestions.api.examples import NOT_AN_OBJECT, NOTHING_UNSATISFIED, UNSATISFIED_ROUND, repeated_step_message
from suggestions.models import Rating, Suggestion
from tests.api.helpers import as_person
from tests.suggestions.factories import loop_cast
from tests.suggestions.test_settle_round import (
    AFTER_THE_WINDOW,
    IN_THE_WINDOW,
    REHANDLING_DUE,
    assert_sent_back,
    half_rated,
    record,
)

pytestmark = pytest.mark.django_db

PATH = "/api/v1/suggestions/{id}/settle-round/"


@pytest.fixture
def cast(county):
    return loop_cast(county)


def settle_url(suggestion: Suggestion) -> str:
    return PATH.format(id=suggestion.pk)


def conflict(message: str) -> dict:
    return {"code": "conflict", "message": message, "fields": {}}


def test_the_office_sends_a_lapsed_unsatisfied_round_back_at_once(api, cast, django_capture_on_commit_callbacks):
    # Given the deputy rated the parallel answer unsatisfied and left the lead's unrated past the window
    suggestion, lead, _parallel = half_rated(cast)
    as_person(api, cast.staff)

    # When the office asks, with no body, rather than waiting for the hourly sweep
    with time_machine.travel(AFTER_THE_WINDOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = api.post(settle_url(suggestion), format="json")

    # Then the parallel unit handles it again, the lead's answer stays unrated, and the office is the actor
    assert response.status_code == 200, response.json()
    assert_sent_back(cast, suggestion, lead, actor=cast.staff)
    # And the answer is the suggestion as it now stands, its timeline ending with the send-back
    body = response.json()
    assert (body["id"], body["status"], body["due_date"]) == (suggestion.pk, "rehandling", REHANDLING_DUE.isoformat())
    event = body["timeline"][-1]
    assert (event["kind"], event["from_state"], event["to_state"]) == (
        "suggestion_rehandling",
        "answered",
        "rehandling",
    )
    assert event["data"]["unrated_unit_names"] == ["县交通运输局"]
    assert event["actor"] == cast.staff.pk
    assert {a["unit_name"]: a["status"] for a in body["assignments"]} == {
        "县交通运输局": "answered",
        "县住建局": "accepted",
    }


def test_inside_the_window_it_is_a_409_naming_the_unit_and_the_day_and_nothing_changes(api, cast):
    suggestion, _lead, _parallel = half_rated(cast)
    as_person(api, cast.staff)
    before = record(suggestion)

    with time_machine.travel(IN_THE_WINDOW, tick=False):
        response = api.post(settle_url(suggestion), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 409
    # The message the schema's example shows.
    assert response.json()["error"] == conflict(UNSATISFIED_ROUND % {"units": "县住建局", "date": "2025年3月31日"})
    assert record(suggestion) == before


def test_a_lapsed_round_with_nothing_rated_unsatisfied_is_a_409_and_nothing_changes(api, cast):
    suggestion, _lead, _parallel = half_rated(cast, result=Rating.Level.BASICALLY_SATISFIED)
    as_person(api, cast.staff)
    before = record(suggestion)

    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        response = api.post(settle_url(suggestion), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 409
    assert response.json()["error"] == conflict(NOTHING_UNSATISFIED)
    assert record(suggestion) == before


@pytest.mark.parametrize("person", ["parallel_handler", "lead_head", "deputy", "leader"])
def test_only_the_office_may_send_it_back(api, cast, person):
    # Each of them sees the suggestion: the handler of the unit rated unsatisfied, the head of the unit left
    # unrated, the lead deputy, a leader
    suggestion, _lead, _parallel = half_rated(cast)
    as_person(api, getattr(cast, person))
    before = record(suggestion)

    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        response = api.post(settle_url(suggestion), format="json")

    assert response.status_code == 403, response.json()
    assert response.json()["error"]["code"] == "permission_denied"
    assert record(suggestion) == before


@pytest.mark.parametrize("person", ["foreign_staff", "other_handler"])
def test_a_suggestion_outside_what_the_caller_sees_is_404(api, cast, person):
    suggestion, _lead, _parallel = half_rated(cast)
    as_person(api, getattr(cast, person))
    before = record(suggestion)

    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        response = api.post(settle_url(suggestion), format="json")

    assert response.status_code == 404
    assert record(suggestion) == before


def test_a_body_that_is_not_empty_or_an_object_is_refused_and_nothing_changes(api, cast):
    suggestion, _lead, _parallel = half_rated(cast)
    as_person(api, cast.staff)
    before = record(suggestion)
    url = settle_url(suggestion)

    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        malformed = api.post(url, "{not json", content_type="application/json")
        a_list = api.post(url, [1, 2], format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
        wrong_type = api.post(url, "settle please", content_type="text/plain")

    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "parse_error"
    assert a_list.status_code == 400
    assert a_list.json()["error"]["fields"] == NOT_AN_OBJECT
    assert wrong_type.status_code == 415
    assert record(suggestion) == before


def test_a_second_call_after_it_was_sent_back_is_a_409_that_changes_nothing(
    api, cast, django_capture_on_commit_callbacks
):
    suggestion, _lead, _parallel = half_rated(cast)
    as_person(api, cast.staff)
    with time_machine.travel(AFTER_THE_WINDOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        first = api.post(settle_url(suggestion), format="json")
    assert first.status_code == 200
    before = record(suggestion)

    with time_machine.travel(AFTER_THE_WINDOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        second = api.post(settle_url(suggestion), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert second.status_code == 409
    assert second.json()["error"] == conflict(repeated_step_message("重新办理"))
    assert record(suggestion) == before


def test_the_schema_documents_a_step_without_a_body_and_its_refusals_and_the_close_points_to_it():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    operation = paths[PATH]["post"]

    assert "requestBody" not in operation
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/SuggestionDetail")
    conflicts = operation["responses"]["409"]["content"]["application/json"]["examples"]
    assert {"Conflict", "UnsatisfiedRatingWindowOpen", "NothingUnsatisfied"} <= set(conflicts)
    assert f"POST {PATH}" in paths["/api/v1/suggestions/{id}/close/"]["post"]["description"]
