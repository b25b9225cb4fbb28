"""The desk's reading of a mention kept on the complaint (triage, suggested station, X's language tag)
and its photos and videos.

On SQLite adding a foreign key rebuilds complaints_complaint, and the rename at the end of the rebuild is
refused while the append-only trigger on complaints_event (0005) names that table: the triggers are
dropped for the rebuild and created again after it, in the same migration."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

_events = importlib.import_module("complaints.migrations.0005_sqlite_append_only_events")


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0008_triage_model'),
        ('districts', '0003_api_tokens'),
    ]

    operations = [
        migrations.RunPython(_events.unprotect_events, _events.protect_events),
        migrations.AddField(
            model_name='complaint',
            name='media',
            field=models.JSONField(blank=True, db_default=models.Value([], models.JSONField()), default=list, verbose_name='photos and videos'),
        ),
        migrations.AddField(
            model_name='complaint',
            name='suggested_station',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='districts.policestation', verbose_name='suggested police station'),
        ),
        migrations.AddField(
            model_name='complaint',
            name='triage',
            field=models.JSONField(blank=True, db_default=models.Value({}, models.JSONField()), default=dict, verbose_name='triage'),
        ),
        migrations.AddField(
            model_name='complaint',
            name='x_lang',
            field=models.CharField(blank=True, db_default='', max_length=10, verbose_name='language tag on X'),
        ),
        migrations.RunPython(_events.protect_events, _events.unprotect_events),
    ]
