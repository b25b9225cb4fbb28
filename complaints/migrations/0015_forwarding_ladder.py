"""HQ's forwarding ladder: two more levels (HQ's cell, then HQ's supervisors, told about a new complaint past
HQ's deadline to forward it) and their minutes. Only the fields' choices change: no table is rebuilt."""

from django.db import migrations, models

# complaints.escalation.DEFAULT_MINUTES gives the same when a row is missing.
DEFAULT_STEPS = {"hq_cell": 60, "hq_super": 480}
LEVELS = [('cell', 'Unit cell'), ('range', 'Range'), ('zone', 'Zone'), ('hq', 'HQ'),
          ('hq_cell', "HQ's cell (to forward)"), ('hq_super', "HQ's supervisors (to forward)")]


def add_steps(apps, schema_editor):
    step = apps.get_model("complaints", "EscalationStep")
    for level, minutes in DEFAULT_STEPS.items():
        step.objects.get_or_create(level=level, defaults={"minutes": minutes})


def remove_steps(apps, schema_editor):
    apps.get_model("complaints", "EscalationStep").objects.filter(level__in=DEFAULT_STEPS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0014_escalation_ladder'),
    ]

    operations = [
        migrations.AlterField(
            model_name='complaint',
            name='escalation_level',
            field=models.CharField(blank=True, choices=LEVELS, db_default='', max_length=10,
                                   verbose_name='escalation level'),
        ),
        migrations.AlterField(
            model_name='escalationstep',
            name='level',
            field=models.CharField(choices=LEVELS, max_length=10, unique=True, verbose_name='level'),
        ),
        migrations.RunPython(add_steps, remove_steps),
    ]
