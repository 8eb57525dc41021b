"""A gram index of the open suggestions alone, for the overdue part of a text search (PostgreSQL).

A search past SEARCH_COUNT_CAP lists its overdue matches first. They were found by testing each of the scope's
overdue suggestions with LIKE (a county of the benchmark's province has 9,000: 30-60 ms), because the gram index
over every suggestion hands back a bitmap of all of a common term's matches. Keyed the same way (body, grams) but
holding only the open suggestions (a tenth of the table: 19 MB for a million), this one yields just the open
matches of a body, a few hundred for a common term: 13-16 ms with the LIKE deciding. Its predicate is
Suggestion.OPEN_STATUSES, which the overdue condition repeats, so the planner knows it may use it.
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS suggestion_open_search_grams_idx ON suggestions_suggestion
USING gin (body_id, suggestion_search_grams(title, content))
WHERE status IN ('assigned', 'handling', 'rehandling', 'follow_up');
"""

DROP = "DROP INDEX IF EXISTS suggestion_open_search_grams_idx;"


def _run(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0014_duplicate_searches")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
