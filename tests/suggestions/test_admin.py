"""The admin shows suggestions read-only and lets administrators edit categories and deadlines."""

import pytest

from suggestions.models import Suggestion
from tests.suggestions.factories import drive, loop_cast

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_shows_a_suggestion_without_letting_it_be_edited(county, admin_client):
    suggestion = drive(loop_cast(county), to=Suggestion.Status.ANSWERED)

    assert admin_client.get("/admin/suggestions/suggestion/").status_code == 200
    detail = admin_client.get(f"/admin/suggestions/suggestion/{suggestion.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert admin_client.post(f"/admin/suggestions/suggestion/{suggestion.pk}/delete/").status_code == 403


def test_administrators_edit_the_deadlines_policy(county, admin_client):
    response = admin_client.post(
        "/admin/suggestions/suggestionpolicy/add/",
        {
            "body": county.congress.pk,
            "assign_within_working_days": 5,
            "reroute_window_working_days": 10,
            "co_opinion_months": 1,
            "answer_months": 3,
            "answer_max_months": 6,
            "rating_window_working_days": 20,
            "rehandle_months": 1,
        },
    )
    assert response.status_code == 302
    assert county.congress.suggestion_policy.reroute_window_working_days == 10
