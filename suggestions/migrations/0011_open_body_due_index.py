"""The open suggestions' due dates by body, so that counting a scope's overdue ones reads only its own entries.

Through suggestion_open_due_idx (due date first) a province's overdue count read all 72,689 overdue entries and
joined their bodies: 25 ms at 1,000,000 suggestions, now 10 ms, and a county's its own few thousand.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0004_reminders"),
        ("deputies", "0001_initial"),
        ("suggestions", "0010_duplicates_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(
                condition=models.Q(("status__in", ["assigned", "handling", "rehandling", "follow_up"])),
                fields=["body", "due_date"],
                name="suggestion_open_body_due_idx",
            ),
        ),
    ]
