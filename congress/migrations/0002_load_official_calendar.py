from django.db import migrations


def load(apps, schema_editor):
    from congress.calendar_data import load_official_calendar

    load_official_calendar(apps.get_model("congress", "CalendarDay"), apps.get_model("congress", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("congress", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
