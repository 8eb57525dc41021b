"""Keep each submitted suggestion's possible duplicates, searched once by a worker (suggestions/services/duplicates.py)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('suggestions', '0013_drop_covered_fk_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='DuplicateSearch',
            fields=[
                ('suggestion', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='duplicate_search', serialize=False, to='suggestions.suggestion')),
                ('searched_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'duplicate search',
                'verbose_name_plural': 'duplicate searches',
            },
        ),
        migrations.CreateModel(
            name='PossibleDuplicate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('score', models.FloatField()),
                ('other', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='suggestions.suggestion')),
                ('search', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='found', to='suggestions.duplicatesearch')),
            ],
            options={
                'verbose_name': 'possible duplicate',
                'verbose_name_plural': 'possible duplicates',
                'constraints': [models.UniqueConstraint(fields=('search', 'other'), name='possible_duplicate_once')],
            },
        ),
    ]
