"""Invariants of the suggestion models that the database must hold whatever the code does."""

import pytest
from django.db import IntegrityError, transaction

from suggestions.models import SUGGESTION_STATUSES, Suggestion


def test_the_database_check_lists_exactly_the_statuses_of_the_model():
    assert sorted(SUGGESTION_STATUSES) == sorted(Suggestion.Status.values)


def test_every_status_has_a_row_in_the_transitions_table():
    assert set(Suggestion.TRANSITIONS) == set(Suggestion.Status.values)
    assert all(target in Suggestion.Status.values for targets in Suggestion.TRANSITIONS.values() for target in targets)


@pytest.mark.django_db
def test_a_refused_suggestion_must_carry_its_reason(county):
    from deputies.models import Deputy, Level
    from tests.congress.factories import make_user

    staff = make_user(body=county.committee, roles=["office_staff"])
    deputy = Deputy.objects.create(body=county.congress, code="D1", name="王芳", gender="female", level=Level.COUNTY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.create(
            body=county.congress,
            year=2025,
            title="t",
            content="c",
            lead_deputy=deputy,
            created_by=staff,
            status=Suggestion.Status.NOT_REGISTERED,
        )
