"""Search on PostgreSQL: full-text ('simple' configuration, which works for Hindi and English alike) and
trigram indexes for substring and handle search. Other databases use a plain icontains fallback, so this
migration does nothing there."""

from django.db import migrations

FORWARD_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS dash_complaint_text_fts ON complaints_complaint "
    "USING gin (to_tsvector('simple', text))",
    "CREATE INDEX IF NOT EXISTS dash_complaint_text_trgm ON complaints_complaint USING gin (text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS dash_complaint_author_trgm ON complaints_complaint "
    "USING gin (author_username gin_trgm_ops)",
    # The open queues are ordered by deadline; a partial index keeps them small at a million rows.
    "CREATE INDEX IF NOT EXISTS dash_complaint_open_due ON complaints_complaint (unit_id, sla_due_at) "
    "WHERE status IN ('new','forwarded','noted','in_progress','transferred','reopened')",
]
BACKWARD_SQL = [
    "DROP INDEX IF EXISTS dash_complaint_open_due",
    "DROP INDEX IF EXISTS dash_complaint_author_trgm",
    "DROP INDEX IF EXISTS dash_complaint_text_trgm",
    "DROP INDEX IF EXISTS dash_complaint_text_fts",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD_SQL:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD_SQL:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0002_default_sla_targets"), ("complaints", "0003_sla_deadline")]

    operations = [migrations.RunPython(forward, backward)]
