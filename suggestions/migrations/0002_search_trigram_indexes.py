"""Trigram indexes for the Chinese text search on PostgreSQL; nothing on SQLite.

`ILIKE '%…%'` on title or content and the `%>` duplicate pre-filter on title use these GIN indexes
(see suggestions/search.py). They are not in the models' Meta because SQLite has no trigram index.
"""

from django.db import migrations

INDEXES = {
    "suggestion_title_trgm_idx": "title",
    "suggestion_content_trgm_idx": "content",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON suggestions_suggestion USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
