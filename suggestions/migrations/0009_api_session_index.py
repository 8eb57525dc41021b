"""The API's list of one session, newest first, read from an index in that order.

Filtered by session, the list read every row of the session (a county's session holds 12,500 at a province's
million) through the session and body indexes and sorted them to return fifty: 130 ms. The index holds the
order and the scope's body, so a page is an index-only scan of fifty entries.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0004_reminders"),
        ("deputies", "0001_initial"),
        ("suggestions", "0008_status_tally"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(
                fields=["session", "-created_at", "-id"], include=("body",), name="suggestion_session_newest_idx"
            ),
        ),
    ]
