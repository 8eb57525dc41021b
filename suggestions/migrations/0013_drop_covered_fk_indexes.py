"""Drop the suggestion's own indexes on body, session, lead deputy and lead unit.

Each of these columns leads a composite index (suggestion_worklist_idx, suggestion_session_idx,
suggestion_deputy_idx, suggestion_lead_unit_idx and others), which answers a lookup by the column alone as well;
the single-column index only cost every write of the table. Only the indexes are dropped: Django's own
AlterField would also drop and re-add the foreign keys, which re-checks every row of a million-row table.
"""

import django.db.models.deletion
from django.db import migrations, models

# (field, index name Django gave it, column)
COVERED = [
    ("body", "suggestions_suggestion_body_id_b53b0749", "body_id"),
    ("lead_deputy", "suggestions_suggestion_lead_deputy_id_5967942b", "lead_deputy_id"),
    ("lead_unit", "suggestions_suggestion_lead_unit_id_a376b140", "lead_unit_id"),
    ("session", "suggestions_suggestion_session_id_04cdf901", "session_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0004_reminders"),
        ("deputies", "0001_initial"),
        ("suggestions", "0012_search_grams_by_body"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "suggestions_suggestion" ("{column}")',
                )
                for _field, name, column in COVERED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="suggestion",
                    name="body",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="suggestions",
                        to="congress.body",
                        verbose_name="body",
                    ),
                ),
                migrations.AlterField(
                    model_name="suggestion",
                    name="lead_deputy",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="led_suggestions",
                        to="deputies.deputy",
                        verbose_name="lead deputy",
                    ),
                ),
                migrations.AlterField(
                    model_name="suggestion",
                    name="lead_unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="led_suggestions",
                        to="congress.unit",
                        verbose_name="lead unit",
                    ),
                ),
                migrations.AlterField(
                    model_name="suggestion",
                    name="session",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Empty for a suggestion filed between sessions.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="suggestions",
                        to="congress.congresssession",
                        verbose_name="session",
                    ),
                ),
            ],
        ),
    ]
