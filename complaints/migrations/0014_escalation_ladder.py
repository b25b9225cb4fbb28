"""The escalation ladder: the level an overdue complaint has climbed to and its step's deadline, and the
minutes HQ gives each level.

On SQLite adding a column with a database default rebuilds complaints_complaint, which the append-only
trigger on complaints_event (0005) refuses: the triggers are dropped for the rebuild and created again
after it, in the same migration (as 0009 does)."""

import importlib

from django.db import migrations, models

_events = importlib.import_module("complaints.migrations.0005_sqlite_append_only_events")

# The ladder's starting minutes (complaints.escalation.DEFAULT_MINUTES gives the same when a row is missing).
DEFAULT_STEPS = {"cell": 60, "range": 120, "zone": 240, "hq": 480}


def add_steps(apps, schema_editor):
    step = apps.get_model("complaints", "EscalationStep")
    for level, minutes in DEFAULT_STEPS.items():
        step.objects.get_or_create(level=level, defaults={"minutes": minutes})


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0013_report_approval_and_reopened_tally'),
    ]

    operations = [
        migrations.RunPython(_events.unprotect_events, _events.protect_events),
        migrations.CreateModel(
            name='EscalationStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(choices=[('cell', 'Unit cell'), ('range', 'Range'), ('zone', 'Zone'), ('hq', 'HQ')], max_length=10, unique=True, verbose_name='level')),
                ('minutes', models.PositiveIntegerField(verbose_name='minutes before the next level')),
            ],
            options={
                'verbose_name': 'escalation step',
                'verbose_name_plural': 'escalation steps',
            },
        ),
        migrations.AddField(
            model_name='complaint',
            name='escalation_due_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='escalation step due'),
        ),
        migrations.AddField(
            model_name='complaint',
            name='escalation_level',
            field=models.CharField(blank=True, choices=[('cell', 'Unit cell'), ('range', 'Range'), ('zone', 'Zone'), ('hq', 'HQ')], db_default='', max_length=10, verbose_name='escalation level'),
        ),
        migrations.RunPython(_events.protect_events, _events.unprotect_events),
        migrations.RunPython(add_steps, migrations.RunPython.noop),
    ]
