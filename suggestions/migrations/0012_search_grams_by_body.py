"""Key the gram index by body too, so a county's search reads only its own suggestions' matches (PostgreSQL).

A common short term (停车 in one suggestion of twenty) matched 50,000 of a province's million suggestions: the
single-column gram index (0005_search_grams) could not narrow that to one county without a second bitmap of
the county's 125,000 rows, which no longer fits work_mem and turns lossy, so searches tested rows one by one
instead (10,000 table pages for the first thousand matches in a county, 70-110 ms). Keyed by (body, grams)
through btree_gin, one index scan per body of the scope yields exactly that body's matches: the first thousand
are 1,000 table pages (14 ms). A condition on the grams alone still uses the index (GIN searches any subset of
its columns), so the old index goes. Building it reads every row's grams: about four minutes for a million.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX IF NOT EXISTS suggestion_search_body_grams_idx ON suggestions_suggestion
USING gin (body_id, suggestion_search_grams(title, content));
DROP INDEX IF EXISTS suggestion_search_grams_idx;
"""

# btree_gin stays: other databases' objects may use it by now, and it costs nothing unused.
DROP = """
CREATE INDEX IF NOT EXISTS suggestion_search_grams_idx ON suggestions_suggestion
USING gin (suggestion_search_grams(title, content));
DROP INDEX IF EXISTS suggestion_search_body_grams_idx;
"""


def _run(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        # GIN builds much faster when it can gather many keys in memory before writing them.
        schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        schema_editor.execute(sql)
        # The search reads the statistics ANALYZE keeps on the index's expression (suggestions/search.py).
        schema_editor.execute("ANALYZE suggestions_suggestion")

    return run


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0011_open_body_due_index")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
