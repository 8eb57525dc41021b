"""The possible duplicates of a suggestion under review, ranked from an index instead of the table.

The detail page ranks every title of the suggestion's body from its year and the year before by pg_trgm's
word similarity (suggestions/search.py). Through the trigram index on title, PostgreSQL read each matching row's
page of the table: at a province's million, a county's year of near-identical titles is 12,500 pages, 0.3–0.5 s.
This index holds what the ranking reads beside body and year, so the ranking is an index-only scan, and only the
two hundred rows picked are read from the table.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0004_reminders"),
        ("deputies", "0001_initial"),
        ("suggestions", "0009_api_session_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(
                fields=["body", "year"],
                include=("status", "title", "created_at", "id"),
                name="suggestion_duplicates_idx",
            ),
        ),
    ]
