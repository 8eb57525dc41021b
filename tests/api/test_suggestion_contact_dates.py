"""The contact step's date: from the day the suggestion was assigned to the unit (local time) up to today."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from suggestions.models import Contact, Suggestion
from tests.api.helpers import as_person
from tests.suggestions.factories import assignment_of, drive, loop_cast

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
# 20:00 UTC on 2 March is 04:00 on 3 March in Beijing: the assignment's local day is the 3rd.
ASSIGNED = dt.datetime(2025, 3, 2, 20, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def handling(county):
    cast = loop_cast(county)
    with time_machine.travel(ASSIGNED, tick=False):
        suggestion = drive(cast, to=Status.HANDLING)
    with time_machine.travel(NOW, tick=False):
        yield cast, suggestion


def log_contact(api, cast, suggestion, contacted_on: str, language: str = "en"):
    body = {
        "assignment_id": assignment_of(suggestion, cast.lead_unit).pk,
        "method": "phone",
        "contacted_on": contacted_on,
        "participants": "王芳代表",
        "summary": "电话了解情况",
    }
    url = f"/api/v1/suggestions/{suggestion.pk}/contact/"
    return as_person(api, cast.lead_handler).post(url, body, format="json", HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("contacted_on", ["1900-01-01", "2025-03-02"])
def test_a_contact_dated_before_the_assignment_is_refused_on_its_date(api, handling, contacted_on):
    cast, suggestion = handling

    response = log_contact(api, cast, suggestion, contacted_on)

    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"] == {
        "contacted_on": ["A contact cannot be dated before the suggestion was assigned to the unit, on March 3, 2025."]
    }
    assert not Contact.objects.exists()


def test_the_refusal_names_the_assignment_day_in_chinese(api, handling):
    cast, suggestion = handling

    response = log_contact(api, cast, suggestion, "2025-03-02", language="zh-hans")

    assert response.json()["error"]["fields"] == {
        "contacted_on": ["沟通日期不能早于建议交办给本单位的日期（2025年3月3日）。"]
    }


@pytest.mark.parametrize("contacted_on", ["2025-03-03", "2025-03-10"])
def test_a_contact_from_the_assignment_day_to_today_is_logged(api, handling, contacted_on):
    cast, suggestion = handling

    response = log_contact(api, cast, suggestion, contacted_on)

    assert response.status_code == 201, response.content
    assert Contact.objects.get().contacted_on == dt.date.fromisoformat(contacted_on)


def test_a_contact_dated_after_today_is_still_refused(api, handling):
    cast, suggestion = handling

    response = log_contact(api, cast, suggestion, "2025-03-11")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["contacted_on"]
    assert not Contact.objects.exists()
