"""The data migration that names the units in approved re-routings recorded before the decision kept their names."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from congress.models import Event
from suggestions.models import Suggestion
from tests.suggestions.factories import approved_reroutes, loop_cast

pytestmark = pytest.mark.django_db
MIGRATION = "0016_backfill_reroute_unit_names"
backfill = import_module(f"suggestions.migrations.{MIGRATION}").backfill_reroute_unit_names


@pytest.fixture
def cast():
    return loop_cast()


def run_backfill() -> None:
    """Run the migration's function with the models as they stand at that migration, as `migrate` would."""
    apps = MigrationLoader(connection).project_state(("suggestions", MIGRATION)).apps
    backfill(apps, SimpleNamespace(connection=connection))


def reroute_events(suggestion: Suggestion) -> list[Event]:
    return list(Event.objects.filter(object_id=suggestion.pk, kind="reroute_approved").order_by("pk"))


def as_before_the_names(event: Event) -> None:
    """Strip the names the decision now records, leaving the data an approval recorded before 9c9090b."""
    event.data = {key: value for key, value in event.data.items() if key not in ("unit_name", "new_unit_name")}
    event.save(update_fields=["data"])


def timeline_of(client, cast, suggestion: Suggestion) -> str:
    client.force_login(cast.staff)
    text = client.get(f"/suggestions/{suggestion.pk}/").content.decode()
    return text[text.index('data-testid="timeline"') :]


def test_old_approvals_get_the_units_names_and_the_timeline_shows_them(client, cast):
    # Given approvals recorded before the decision kept names, by a unit with a short name too
    cast.lead_unit.short_name = "交通局"
    cast.lead_unit.save(update_fields=["short_name"])
    suggestion = approved_reroutes(cast)
    written_by_the_service = [event.data for event in reroute_events(suggestion)]
    for event in reroute_events(suggestion):
        as_before_the_names(event)
    assert "由县交通运输局调整为县教育局" not in timeline_of(client, cast, suggestion)

    # When the migration runs
    run_backfill()

    # Then each event holds the names as the service writes them (the full name), and the timeline says them
    assert [event.data for event in reroute_events(suggestion)] == written_by_the_service
    assert written_by_the_service[0]["unit_name"] == "县交通运输局"
    assert written_by_the_service[1]["new_unit_name"] == ""
    timeline = timeline_of(client, cast, suggestion)
    assert "由县交通运输局调整为县教育局" in timeline
    assert "县财政局不再承办" in timeline


def test_events_that_already_have_names_are_left_as_they_are(cast):
    # Given an approval that kept the names, and a unit renamed since
    suggestion = approved_reroutes(cast)
    recorded = [event.data for event in reroute_events(suggestion)]
    cast.other_unit.name = "县教育和体育局"
    cast.other_unit.save(update_fields=["name"])

    # When the migration runs, twice
    run_backfill()
    run_backfill()

    # Then the names of the day stay: the rename does not rewrite history
    assert [event.data for event in reroute_events(suggestion)] == recorded
    assert recorded[0]["new_unit_name"] == "县教育局"


def test_an_old_approval_whose_unit_is_unknown_is_not_given_a_guess(cast):
    # Given an old approval naming a unit id that no longer exists
    suggestion = approved_reroutes(cast)
    event = reroute_events(suggestion)[0]
    as_before_the_names(event)
    event.data = {**event.data, "new_unit": 10**9}
    event.save(update_fields=["data"])

    # When the migration runs
    run_backfill()

    # Then the event is left as it was
    event.refresh_from_db()
    assert "unit_name" not in event.data
    assert "new_unit_name" not in event.data
