"""The staff list's rollup: how many suggestions per (body, session, status), kept by triggers like the statistics'.

The staff list shows, for everything its filters keep, a tab per status with its count; at a province's million
suggestions counting them live costs half a second. This tally is kept exactly as 0005_tally keeps the
statistics' (insert-only changes appended by statement-level triggers on PostgreSQL, row triggers on SQLite,
folded by suggestions.tallies), and its triggers are built by that migration's functions: only the key, the
measure and what a suggestion contributes are this tally's own. Every suggestion is counted, whatever its status.
"""

from importlib import import_module

from django.db import migrations, models

# A module name that starts with a digit cannot be imported with an import statement.
tally = import_module("suggestions.migrations.0005_tally")

KEY = ("body_id", "session_id", "status")


def _contribution(row: str, vendor: str, sign: str = "", source: str = "") -> str:
    """Select a suggestion row's key and its count, 1 or (signed) -1."""
    return (
        f"SELECT {row}.body_id AS body_id, COALESCE({row}.session_id, 0) AS session_id, {row}.status AS status, "
        f"{sign}1 AS suggestions {source}"
    )


STATUSES = tally.TallyTriggers(
    name="suggestion_status_tally",
    tally="suggestions_suggestionstatustally",
    delta="suggestions_suggestionstatustallydelta",
    key=KEY,
    measures=("suggestions",),
    counted_columns=KEY,
    contribution=_contribution,
)


def _fields() -> list[tuple[str, models.Field]]:
    """Return the columns the tally and its changes share (new instances for each model)."""
    return [
        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ("body_id", models.IntegerField()),
        ("session_id", models.IntegerField(default=0)),
        ("status", models.CharField(max_length=20)),
        ("suggestions", models.IntegerField(default=0)),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0007_stats_period_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SuggestionStatusTallyDelta",
            fields=_fields(),
            options={
                "verbose_name": "suggestion status tally change",
                "verbose_name_plural": "suggestion status tally changes",
            },
        ),
        migrations.CreateModel(
            name="SuggestionStatusTally",
            fields=_fields(),
            options={
                "verbose_name": "suggestion status tally",
                "verbose_name_plural": "suggestion status tallies",
                "constraints": [models.UniqueConstraint(fields=KEY, name="suggestion_status_tally_key")],
            },
        ),
        tally.tally_operation(STATUSES),
    ]
