"""A step the suggestion's state does not allow is a 409 that says why: already taken, or not from here."""

from __future__ import annotations

import pytest

from congress.models import Event
from suggestions.models import Suggestion
from tests.api.helpers import as_person
from tests.suggestions.factories import assignment_of, drive, loop_cast

pytestmark = pytest.mark.django_db

Status = Suggestion.Status


@pytest.fixture
def cast(county):
    return loop_cast(county)


def step_url(suggestion: Suggestion, step: str) -> str:
    return f"/api/v1/suggestions/{suggestion.pk}/{step}/"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This record is already Assigned: someone may have just taken this step."),
        ("zh-hans", "该记录已经是“已交办”，可能刚有人办理过这一步，无需重复操作。"),
    ],
)
def test_assigning_an_assigned_suggestion_again_says_it_is_already_assigned(api, cast, language, message):
    suggestion = drive(cast, to=Status.ASSIGNED)
    as_person(api, cast.staff)
    events = Event.objects.count()

    response = api.post(
        step_url(suggestion, "assign"), {"lead_unit": cast.lead_unit.pk}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 409
    assert response.json()["error"] == {"code": "conflict", "message": message, "fields": {}}
    assert Event.objects.count() == events


def test_accepting_an_accepted_assignment_again_says_it_is_already_accepted(api, cast):
    suggestion = drive(cast, to=Status.HANDLING)

    response = as_person(api, cast.lead_handler).post(
        step_url(suggestion, "accept"), {"assignment_id": assignment_of(suggestion, cast.lead_unit).pk}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        "This record is already Accepted: someone may have just taken this step."
    )


def test_a_step_from_another_state_still_names_both_states(api, cast):
    suggestion = drive(cast, to=Status.REGISTERED)

    response = as_person(api, cast.deputy).post(step_url(suggestion, "submit"), format="json")

    assert response.status_code == 409
    message = response.json()["error"]["message"]
    assert message.startswith("This record is Registered and cannot move to Submitted")
    assert "already" not in message
