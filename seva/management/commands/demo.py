"""`python manage.py demo`: the whole desk on the embedded defaults (SQLite, tasks in-process), fed by the
simulated X API with a bundled stream of mentions and then fresh ones for as long as it runs
(seva/demo_feed.py). Within a minute the HQ inbox fills, citizens get replies with their codes, simulated
districts answer a share of the forwards with "Noted" (the rest wait for the district's login), and codes
show their stages on the tracking page. Everything listens on 127.0.0.1 only; Ctrl-C stops it all."""

import io
import signal
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler, get_internal_wsgi_application
from django.db import close_old_connections

STREAM = Path(settings.BASE_DIR) / "fixtures" / "demo_stream.jsonl"
DEMO_CREDENTIAL = "demo-sandbox-only"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Loop(threading.Thread):
    """Call `fn` every `interval` seconds until stopped; errors are printed, never fatal."""

    def __init__(self, name, interval, fn, stop, out):
        super().__init__(name=name, daemon=True)
        self.interval, self.fn, self.stop, self.out = interval, fn, stop, out

    def run(self):
        while not self.stop.is_set():
            try:
                self.fn()
            except Exception as exc:  # a demo keeps going; the error is shown to whoever watches
                self.out(f"[{self.name}] {type(exc).__name__}: {exc}")
            finally:
                close_old_connections()
            self.stop.wait(self.interval)


class Command(BaseCommand):
    help = "Run the complete desk on 127.0.0.1 with the simulated X API and a stream of demo mentions."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="web port (default 8000)")
        parser.add_argument("--x-port", type=int, default=0, help="simulated X API port (default: any free)")
        parser.add_argument("--speed", type=float, default=1.0, help="replay rate: 2 plays the stream twice as fast")
        parser.add_argument("--poll-every", type=float, default=5.0, help="seconds between mention polls")
        parser.add_argument("--district-noted-delay", "--noted-after", dest="noted_after", type=float, default=45.0,
                            help="seconds before a simulated district answers a forward with Noted (default 45)")
        parser.add_argument("--district-noted-share", dest="noted_share", type=float, default=0.6,
                            help="share of forwards the simulated districts answer, 0 to 1; the rest wait for "
                                 "the district's login (default 0.6)")
        parser.add_argument("--feed-every", type=float, default=20.0,
                            help="seconds between fresh mentions after the bundled stream (default 20)")
        parser.add_argument("--stream", default=str(STREAM))
        parser.add_argument("--run-for", type=float, default=0, help="stop by itself after this many seconds")

    def handle(self, *args, port, x_port, speed, poll_every, noted_after, noted_share, feed_every, stream, run_for,
               **options):
        if settings.PRODUCTION:
            raise CommandError("The demo runs the simulated X API; it is refused in production.")
        if speed <= 0:
            raise CommandError("--speed must be positive")
        if not 0 <= noted_share <= 1:
            raise CommandError("--district-noted-share must be between 0 and 1")
        if noted_after < 0 or feed_every <= 0:
            raise CommandError("--district-noted-delay must be 0 or more and --feed-every positive")
        stream = Path(stream)
        if not stream.exists():
            raise CommandError(f"No stream file {stream}")

        from dashboard import league_data, tasks as dashboard_tasks
        from seva import demo_feed
        from twitter_ingest import deletions, outbox, poller, watches
        from twitter_ingest.fake_api import FakeX, FakeXServer

        say = self.stdout.write
        say("Setting up the database, the units and the demo logins…")
        call_command("migrate", verbosity=0)
        call_command("load_units", verbosity=0)
        call_command("create_demo_logins", stdout=self.stdout)
        watches.ensure_demo_watches()
        from complaints.models import TriageModel

        if not TriageModel.objects.filter(is_active=True).exists():
            say("Training the triage model on the seed set (fixtures/triage/train.jsonl)…")
            call_command("train_triage", "--seed-only", verbosity=0, stdout=io.StringIO())

        # The demo's deleted tweet shows within its run: the sweep looks again at tweets it saw a moment ago
        # (in production it waits X_DELETION_RECHECK_HOURS, to keep the X bill down).
        settings.X_DELETION_RECHECK_HOURS = 0
        fake = FakeX(state_username=settings.X_STATE_HANDLE)
        fake.noted_delay = noted_after / speed
        fake.noted_share = noted_share
        feeder = demo_feed.Feeder(fake, out=say)
        x_server = FakeXServer(port=x_port, fake=fake).start()
        # The demo posts only to its own simulated API.
        for name, value in {
            "X_API_BASE_URL": x_server.url, "X_BEARER_TOKEN": DEMO_CREDENTIAL, "X_API_KEY": DEMO_CREDENTIAL,
            "X_API_SECRET": DEMO_CREDENTIAL, "X_ACCESS_TOKEN": DEMO_CREDENTIAL, "X_ACCESS_SECRET": DEMO_CREDENTIAL,
            "X_POST_ENABLED": True, "X_AUTO_FORWARD_CONFIDENCE": getattr(settings, "DEMO_AUTO_FORWARD", 0.6),
        }.items():
            setattr(settings, name, value)

        stop = threading.Event()
        web = ThreadedWSGIServer(("127.0.0.1", port), QuietHandler)
        web.set_app(StaticFilesHandler(get_internal_wsgi_application()))
        threads = [
            threading.Thread(target=web.serve_forever, name="web", daemon=True),
            threading.Thread(target=demo_feed.replay, args=(feeder, stream, speed, stop, say), name="stream",
                             daemon=True),
            Loop("feed", feed_every / speed, feeder.step, stop, say),
            Loop("deletions", 60.0 / speed, deletions.sweep, stop, say),
            Loop("poller", poll_every, lambda: [poller.poll_account(a) for a in poller.watched_accounts()], stop, say),
            Loop("outbox", 2.0, lambda: outbox.send_due(limit=20), stop, say),
            Loop("watches", poll_every * 3, watches.run_all, stop, say),
            Loop("escalation", 30.0, dashboard_tasks.escalation_climb, stop, say),
            Loop("league", 60.0, league_data.warm_hq_default, stop, say),
        ]
        for thread in threads:
            thread.start()

        base = f"http://127.0.0.1:{port}"
        say(self.style.SUCCESS("\nThe desk is running (Ctrl-C stops everything):"))
        say(f"  HQ inbox          {base}/            (log in as hq / seva-demo-2026)")
        say(f"  District queue    {base}/            (log in as lucknow or meerut)")
        say(f"  Found on X        {base}/watch-queue/ (posts that did not tag the police; lucknow or meerut)")
        say(f"  Tracking page     {base}/track/")
        say(f"  REST API          {base}/api/v1/     schema {base}/api/docs/")
        say(f"  Admin             {base}/admin/")
        say(f"  Simulated X API   {x_server.url}/_sandbox/posted   (the replies the desk has tweeted)\n")

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *a: stop.set())
        try:
            deadline = time.monotonic() + run_for if run_for else None
            while not stop.is_set():
                if deadline and time.monotonic() >= deadline:
                    break
                stop.wait(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            say("Stopping…")
            stop.set()
            web.shutdown()
            web.server_close()
            x_server.stop()
            for thread in threads[1:]:
                thread.join(10)
            say("Stopped.")
