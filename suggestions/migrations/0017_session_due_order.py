"""The staff list of one session, in its order, from indexes of the session.

Filtered by session, the staff list read its order from the indexes of the whole scope (by due date, by body)
and the session index (session, status), which holds no order: the latest session's first page at a province's
million read and sorted its thousands of overdue rows twice, once for the count and once for the page, and
once more per body of a county's scope. The session's status now leads an index in the list's order, so one
status is paged from it, and the session's open suggestions have a partial index in the same order, so its
overdue part is counted and paged from its own entries. The new index begins as the old one did, which it
replaces (the lookups by session, and by session and status, use it as well).
"""

from django.conf import settings
from django.db import migrations, models

OPEN_STATUSES = ["assigned", "handling", "rehandling", "follow_up"]


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0004_reminders"),
        ("deputies", "0001_initial"),
        ("suggestions", "0016_backfill_reroute_unit_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(
                fields=["session", "status", "due_date", "-created_at", "-id"],
                include=("body",),
                name="suggestion_session_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(
                condition=models.Q(status__in=OPEN_STATUSES),
                fields=["session", "due_date", "-created_at", "-id"],
                include=("body", "status"),
                name="suggestion_open_session_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="suggestion", name="suggestion_session_idx"),
    ]
