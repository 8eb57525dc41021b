"""Character unigram and bigram index for one- and two-character searches on PostgreSQL; nothing on SQLite.

pg_trgm's indexes (0002_search_trigram_indexes) need a term of three characters, but a Chinese word is often
two (教育, 停车) or one (路). `suggestion_search_grams(title, content)` returns every character and every two
adjacent characters of the lower-cased title and of the lower-cased content, and a GIN index on it finds the
suggestions holding a short term's unigram or bigram; `suggestion_search_term_grams(term)` gives the term's
own (see suggestions/search.py). Both lower-case with PostgreSQL's lower(), as ILIKE does, so a row holds a
one- or two-character term's gram exactly when ILIKE finds the term in it.
"""

from django.db import migrations

# Each character c of the lower-cased text becomes "c c c" (one regexp_replace, in C), and the result is split
# on spaces: the middle copy is c's unigram, and the last copy runs into the next character's first copy, which
# makes their bigram. A space in the text becomes three spaces, so no gram holds one: a search term never does,
# and the pair joining title and content is never a gram. It still costs some 0.3 ms for a 300-character
# suggestion (every write that changes an index and the index build pay it), hence the COST that makes the
# planner test cheaper conditions on a row first.
CREATE_FUNCTIONS = r"""
CREATE FUNCTION suggestion_search_grams(title text, content text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000
AS $$
    SELECT array_remove(string_to_array(regexp_replace(lower(title || ' ' || content), '(.)', '\1 \1 \1', 'g'), ' '), '')
$$;

CREATE FUNCTION suggestion_search_term_grams(term text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE WHEN length(s) < 2 THEN ARRAY[s]
        ELSE ARRAY(SELECT DISTINCT substr(s, i, 2) FROM generate_series(1, length(s) - 1) AS i) END
    FROM (SELECT lower(term) AS s) AS lowered
$$;
"""

CREATE_INDEX = """
CREATE INDEX IF NOT EXISTS suggestion_search_grams_idx ON suggestions_suggestion
USING gin (suggestion_search_grams(title, content))
"""

DROP = """
DROP INDEX IF EXISTS suggestion_search_grams_idx;
DROP FUNCTION IF EXISTS suggestion_search_term_grams(text);
DROP FUNCTION IF EXISTS suggestion_search_grams(text, text);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTIONS)
    # GIN builds much faster when it can gather many keys in memory before writing them.
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(CREATE_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0005_tally")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
