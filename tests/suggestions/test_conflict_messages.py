"""A refused step on the staff pages says someone else acted only when the suggestion moved under the person.

A rule's refusal (here closing a round whose lapsed answer was rated unsatisfied) is nobody else's doing: the 409
page gives the rule's reason alone. A post from a page that is out of date keeps the "someone else" wording.
"""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from suggestions.models import Suggestion
from tests.suggestions.factories import drive, loop_cast
from tests.suggestions.test_settle_round import AFTER_THE_WINDOW, half_rated, record

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
SOMEONE_ELSE = "Someone else changed this suggestion"
SOMEONE_ELSE_ZH = "其他人刚刚修改了这件建议"


@pytest.fixture
def cast(county):
    return loop_cast(county)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def close(client, suggestion: Suggestion):
    return client.post(reverse("suggestions:close", args=[suggestion.pk]), {"close-note": "代表逾期未评价"})


def test_closing_a_lapsed_unsatisfied_round_gives_the_rules_reason_without_blaming_someone_else(english, cast):
    # Given a round whose parallel answer was rated unsatisfied and whose rating window has passed
    suggestion, _lead, _parallel = half_rated(cast)
    before = record(suggestion)
    english.force_login(cast.staff)

    # When the office closes it
    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        response = close(english, suggestion)

    # Then it is refused with the rule's reason, on the current page, and nobody else is said to have acted
    assert response.status_code == 409
    conflict = response.context["conflict"]
    assert conflict.startswith("This step was not taken. It cannot be closed: the deputy rated the answer of 县住建局")
    assert SOMEONE_ELSE not in conflict
    assert 'data-testid="conflict"' in response.content.decode()
    assert response.context["suggestion"].status == Status.ANSWERED
    assert record(suggestion) == before


def test_the_chinese_page_does_not_blame_someone_else_for_a_rules_refusal(client, cast):
    suggestion, _lead, _parallel = half_rated(cast)
    client.force_login(cast.staff)

    with time_machine.travel(AFTER_THE_WINDOW, tick=False):
        response = close(client, suggestion)

    assert response.status_code == 409
    page = response.content.decode()
    assert "不能办结：代表对县住建局的答复评价为不满意" in page
    assert SOMEONE_ELSE_ZH not in page and SOMEONE_ELSE not in page


def test_closing_a_suggestion_someone_has_already_closed_says_someone_else_changed_it(english, cast):
    # Given a suggestion that was closed after the office's page was loaded
    closed = drive(cast, to=Status.CLOSED)
    english.force_login(cast.staff)

    # When the close is posted from that page
    response = close(english, closed)

    # Then the page says it moved under the person, and shows where it now stands
    assert response.status_code == 409
    conflict = response.context["conflict"]
    assert conflict.startswith(f"{SOMEONE_ELSE}; here is its current state. This record is already")
    assert response.context["suggestion"].status == Status.CLOSED


def test_the_chinese_page_says_someone_else_changed_a_suggestion_that_moved(client, cast):
    closed = drive(cast, to=Status.CLOSED)
    client.force_login(cast.staff)

    response = close(client, closed)

    assert response.status_code == 409
    assert SOMEONE_ELSE_ZH in response.content.decode()
