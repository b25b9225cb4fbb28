"""Stay connected to X's Activity API stream and file the state account's mentions as they come
(twitter_ingest/stream.py). A long-running process beside the Celery worker and beat, for
X_INGEST_MODE=stream; the beat's poll stays the safety net."""

import json
import signal
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from twitter_ingest import stream


class Command(BaseCommand):
    help = "File the state account's mentions from X's Activity API stream (X_INGEST_MODE=stream)."

    def add_arguments(self, parser):
        parser.add_argument("--max-seconds", type=float, help="stop after this long (default: run until killed)")

    def handle(self, max_seconds, **options):
        if not stream.enabled():
            raise CommandError(f"X_INGEST_MODE is {settings.X_INGEST_MODE!r}: set it to 'stream' to use the stream")
        if not settings.X_BEARER_TOKEN:
            raise CommandError("X_BEARER_TOKEN is empty: the stream is read with the app's bearer token")
        # docker stop and systemd send SIGTERM: leave through SystemExit so the stream's state says "stopped".
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        end = time.monotonic() + max_seconds if max_seconds else None
        stats = stream.run(until=(lambda s: time.monotonic() >= end) if end else None)
        self.stdout.write(json.dumps({"connects": stats.connects, "events": stats.events, "filed": stats.filed,
                                      "already": stats.already, "catch_up_polls": stats.catch_up_polls,
                                      "errors": list(stats.errors)[-5:]}))
