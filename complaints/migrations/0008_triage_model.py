"""Versioned triage models trained on the desk's decisions (complaints.triage.model); at most one active."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0007_triage_lexicon'),
    ]

    operations = [
        migrations.CreateModel(
            name='TriageModel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(unique=True, verbose_name='version')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('trained_on', models.JSONField(default=dict, help_text='Examples by source and split.', verbose_name='trained on')),
                ('scores', models.JSONField(default=dict, help_text='Precision, recall and F1 per label on the held-back share.', verbose_name='scores')),
                ('macro_f1', models.FloatField(help_text='Mean over the targets of the macro F1 on the held-back share.', verbose_name='macro F1')),
                ('library', models.CharField(max_length=40, verbose_name='library version')),
                ('pipeline', models.BinaryField(verbose_name='pipeline')),
                ('is_active', models.BooleanField(default=False, verbose_name='active')),
            ],
            options={
                'verbose_name': 'triage model',
                'verbose_name_plural': 'triage models',
                'ordering': ['-version'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('is_active', True)), fields=('is_active',), name='triagemodel_one_active')],
            },
        ),
    ]
