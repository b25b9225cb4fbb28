"""The audit trail is append-only on SQLite too (PostgreSQL's trigger is in 0002), and a login that has
acted can no longer be deleted (the trail names it; it is deactivated instead).

SQLite: UPDATE of an event is always refused. DELETE is refused while the event's complaint exists.
Complaints that have events are never deleted by the application (the event's foreign key is PROTECT),
so in normal operation that refuses every DELETE; what it lets through is emptying the whole database,
as the test runner's flush does between transactional tests with one `DELETE FROM` per table (SQLite
has no TRUNCATE). Django lists those tables in no fixed order (a set), so the project's `flush` command
(complaints/management/commands/flush.py) empties complaints before events; the DELETEs run in one
transaction and Django's SQLite foreign keys are deferred to its end, so no other table minds the order.

A later migration that makes SQLite rebuild complaints_event (most AlterFields do) drops these triggers
with the old table and must create them again; tests/security/test_audit_trail.py would notice.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SQLITE_APPEND_ONLY = [
    """CREATE TRIGGER IF NOT EXISTS complaints_event_no_update BEFORE UPDATE ON complaints_event
       BEGIN SELECT RAISE(ABORT, 'complaints_event is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS complaints_event_no_delete BEFORE DELETE ON complaints_event
       WHEN EXISTS (SELECT 1 FROM complaints_complaint WHERE id = OLD.complaint_id)
       BEGIN SELECT RAISE(ABORT, 'complaints_event is append-only'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS complaints_event_no_update",
    "DROP TRIGGER IF EXISTS complaints_event_no_delete",
]


def protect_events(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_APPEND_ONLY:
            schema_editor.execute(statement)


def unprotect_events(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_day_tallies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="actor",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(protect_events, unprotect_events),
    ]
