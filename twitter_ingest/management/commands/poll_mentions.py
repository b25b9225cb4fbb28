"""Poll the watched accounts once, in this process (what the Celery beat entry does every X_POLL_INTERVAL)."""

import json

from django.core.management.base import BaseCommand

from complaints import reasons
from twitter_ingest import poller


class Command(BaseCommand):
    help = "Poll the mentions of every watched account once (or one --handle)."

    def add_arguments(self, parser):
        parser.add_argument("--handle")
        parser.add_argument("--overlap", action="store_true", help="poll the recent time window instead of since_id")

    def handle(self, handle, overlap, **options):
        accounts = poller.watched_accounts()
        if handle:
            accounts = accounts.model.objects.filter(handle__iexact=handle.lstrip("@"))
        for account in accounts:
            outcome = poller.poll_account(account, overlap=overlap)
            run = outcome.run
            self.stdout.write(json.dumps({
                "handle": account.handle, "skipped": outcome.skipped, "fetched": run.fetched if run else 0,
                "filed": run.filed if run else 0, "error": reasons.describe_in("en", run.error) if run else "",
                "retry_at": outcome.retry_at.isoformat() if outcome.retry_at else None,
            }))
