from django.db import migrations, models
from django.db.models import F


def mark_earlier_attempts(apps, schema_editor):
    """Rows an older sender already tried may have been posted without being recorded: their next attempt
    must read the timeline back to when they were queued, the earliest moment such a post can have."""
    Outbox = apps.get_model("twitter_ingest", "Outbox")
    Outbox.objects.filter(status__in=["pending", "sending"], attempts__gt=0, lookback_from=None).update(
        lookback_from=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("twitter_ingest", "0002_default_reply_templates"),
    ]

    operations = [
        migrations.AddField(
            model_name="outbox",
            name="claim_token",
            field=models.CharField(blank=True, editable=False, max_length=32, verbose_name="claim token"),
        ),
        migrations.AddField(
            model_name="outbox",
            name="failures",
            field=models.PositiveIntegerField(
                default=0, verbose_name="failed attempts",
                help_text="Attempts that X answered with a transient error; the row is given up after "
                          "X_OUTBOX_MAX_ATTEMPTS of them."),
        ),
        migrations.AddField(
            model_name="outbox",
            name="lookback_from",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="look back from",
                help_text="Set when the first request to post this tweet is made: a retry reads the account's "
                          "timeline back to here before posting again. A look-back that read it all without "
                          "finding the tweet moves it up to when it began."),
        ),
        migrations.AddField(
            model_name="outbox",
            name="post_texts",
            field=models.JSONField(
                blank=True, default=list, editable=False, verbose_name="texts requested",
                help_text="Every text a post request was made with (the text may change between attempts)."),
        ),
        migrations.AddField(
            model_name="outbox",
            name="lookback_reads",
            field=models.PositiveIntegerField(
                default=0, verbose_name="timeline reads",
                help_text="X reads spent checking whether an earlier attempt already posted this tweet."),
        ),
        migrations.AddField(
            model_name="rejectedinput",
            name="key",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True,
                                   verbose_name="key"),
        ),
        migrations.AddIndex(
            model_name="outbox",
            index=models.Index(fields=["sent_at"], name="outbox_sent_at"),
        ),
        migrations.RunPython(mark_earlier_attempts, migrations.RunPython.noop),
    ]
