"""Open311's own public request id on every complaint (random, unrelated to the tracking code), and the
link from a complaint filed again by someone who could not see the first filing of its tweet.

The database makes a random UUID for each existing row as the column is added (its default, also used
by writers that go around the ORM), so no backfill loop is needed; PostgreSQL rewrites the table once."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import complaints.models


def legacy_rename(on):
    """SQLite adds a unique column by rebuilding the table (create, copy, drop, rename). A trigger that
    names complaints_complaint (0005's on complaints_event) makes the final rename fail unless SQLite
    renames the old way, leaving names in triggers as they are, which is right here: the rebuilt table
    takes the old name back."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f"PRAGMA legacy_alter_table = {'ON' if on else 'OFF'}")

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0005_sqlite_append_only_events"),
    ]

    operations = [
        migrations.RunPython(legacy_rename(True), legacy_rename(False)),
        migrations.AddField(
            model_name="complaint",
            name="public_id",
            field=models.UUIDField(db_default=complaints.models.RandomUUID(), default=uuid.uuid4, editable=False,
                                   unique=True, verbose_name="public request id"),
        ),
        migrations.AddField(
            model_name="complaint",
            name="same_tweet_as",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="refilings",
                                    to="complaints.complaint", verbose_name="same tweet as"),
        ),
        migrations.RunPython(legacy_rename(False), legacy_rename(True)),
    ]
