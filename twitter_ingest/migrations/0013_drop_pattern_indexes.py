"""Drop the unused LIKE-prefix (varchar_pattern_ops) indexes of mentions and outbox rows
(complaints.pattern_indexes says why none is read)."""

from django.db import migrations

from complaints import pattern_indexes

TABLES = {
    "twitter_ingest_mention": ["tweet_id", "author_username", "conversation_id", "in_reply_to_tweet_id"],
    "twitter_ingest_outbox": ["idempotency_key"],
}


def forward(apps, schema_editor):
    pattern_indexes.drop(schema_editor, TABLES)


def backward(apps, schema_editor):
    pattern_indexes.restore(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("twitter_ingest", "0012_stream_state")]

    operations = [migrations.RunPython(forward, backward)]
