"""Name the units in the approved re-routings recorded before the decision kept their names.

Since 9c9090b the decision (suggestions.services.assignment.assignment_decide_reroute) writes `unit_name` and
`new_unit_name` into its event's data, and the staff timeline shows them. Older events hold only the ids under
`unit` and `new_unit` (null when no unit took over), so their line said a unit was changed but not which. This
fills the names in from those ids, the way the service writes them: each unit's `name` (not its short name).

The name a unit bore on the day of the decision is not recoverable: the event did not keep it and units carry no
history of their names, so a unit renamed since shows under its current name. An event whose unit (or the unit
that took over) no longer exists is left as it was rather than given a guess; one that already has names, or
that does not say which units it was about, is not touched either, so running this again changes nothing.
"""

from django.db import migrations

BATCH_SIZE = 500


def _names(event, unit_names: dict[int, str]) -> dict | None:
    """The event's data with the units' names added, or None when it has them already or they cannot be known."""
    data = event.data
    if not isinstance(data, dict) or "unit_name" in data or "new_unit" not in data:
        return None
    unit, new_unit = data.get("unit"), data["new_unit"]
    if not isinstance(unit, int) or not (new_unit is None or isinstance(new_unit, int)):
        return None
    unit_name = unit_names.get(unit)
    new_unit_name = "" if new_unit is None else unit_names.get(new_unit)
    if unit_name is None or new_unit_name is None:
        return None
    return {**data, "unit_name": unit_name, "new_unit_name": new_unit_name}


def backfill_reroute_unit_names(apps, schema_editor):
    Event = apps.get_model("congress", "Event")
    Unit = apps.get_model("congress", "Unit")
    db = schema_editor.connection.alias
    pending = (
        Event.objects.using(db)
        .filter(kind="reroute_approved")
        .exclude(data__has_key="unit_name")
        .order_by("pk")
        .only("pk", "data")
    )
    # Keyset batches rather than one open cursor: the rows are written while the table is read, which SQLite's
    # cursors do not isolate.
    last = 0
    while batch := list(pending.filter(pk__gt=last)[:BATCH_SIZE]):
        last = batch[-1].pk
        ids = set()
        for event in batch:
            if isinstance(event.data, dict):
                ids.update(pk for pk in (event.data.get("unit"), event.data.get("new_unit")) if isinstance(pk, int))
        unit_names = dict(Unit.objects.using(db).filter(pk__in=ids).values_list("pk", "name"))
        changed = []
        for event in batch:
            data = _names(event, unit_names)
            if data is not None:
                event.data = data
                changed.append(event)
        Event.objects.using(db).bulk_update(changed, ["data"], batch_size=BATCH_SIZE)


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0004_reminders"),
        ("suggestions", "0015_open_search_grams"),
    ]

    operations = [migrations.RunPython(backfill_reroute_unit_names, migrations.RunPython.noop, elidable=True)]
