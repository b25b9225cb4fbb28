"""Drop the unused LIKE-prefix (varchar_pattern_ops) indexes of complaints, events and messages
(complaints.pattern_indexes says why none is read). A later AlterField of one of these columns may
create its index again; this migration can then be repeated by a new one."""

from django.db import migrations

from complaints import pattern_indexes

TABLES = {
    "complaints_complaint": ["tracking_code", "source_tweet_id", "conversation_id", "author_id", "author_username"],
    "complaints_event": ["action"],
    "complaints_message": ["tweet_id"],
}


def forward(apps, schema_editor):
    pattern_indexes.drop(schema_editor, TABLES)


def backward(apps, schema_editor):
    pattern_indexes.restore(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0015_forwarding_ladder")]

    operations = [migrations.RunPython(forward, backward)]
