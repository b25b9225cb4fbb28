"""Run the simulated X API on 127.0.0.1 for the demo, training and manual testing:
`python manage.py fake_x_api --port 8001 --feed fixtures/x_sample_mentions.jsonl --noted-after 30`.
Point the application at it with X_API_BASE_URL=http://127.0.0.1:8001."""

from django.core.management.base import BaseCommand

from twitter_ingest.fake_api import FakeX, FakeXServer, load_feed


class Command(BaseCommand):
    help = "Run the simulated X API v2 (127.0.0.1 only)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--feed", help="JSONL file of tweets, users or API response objects")
        parser.add_argument("--noted-after", type=float, default=None,
                            help="district accounts answer HQ forwards with 'Noted' after this many seconds")
        parser.add_argument("--state-handle", default="Uppolice")
        parser.add_argument("--state-id", default="1000000000000000001")

    def handle(self, port, feed, noted_after, state_handle, state_id, **options):
        fake = FakeX(state_username=state_handle, state_id=state_id)
        fake.noted_delay = noted_after
        if feed:
            load_feed(fake, feed)
        server = FakeXServer(port=port, fake=fake)
        self.stdout.write(f"Simulated X API on {server.url} ({len(fake.tweets)} tweets, @{state_handle} id {state_id}); "
                          "Ctrl-C to stop.")
        try:
            server.httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.httpd.server_close()
