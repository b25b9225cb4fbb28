"""What a mention costs in stream mode: the stream's event is a post read, and the safety or catch-up poll
that reads the same mention again reads it with the app's bearer token (stream mode needs it), so it is
the same resource of the same kind on the same UTC day: X charges it once, and so does the ledger."""

import threading
import time

from twitter_ingest import poller, stream
from twitter_ingest.ledger_models import ChargeKind, XCharge
from twitter_ingest.models import Mention, PollRun

from .conftest import mention
from .test_stream import play, streaming  # noqa: F401 (fixture)


def test_a_mention_streamed_and_read_again_by_the_poll_is_billed_once(streaming):
    caught_up = threading.Event()

    def catch_up(account):
        poller.poll_account(account)
        caught_up.set()

    def x_side():
        caught_up.wait(10)
        mention(streaming, "citizen_b", "@Uppolice my phone was stolen at the bus stand")
        time.sleep(0.3)
        streaming.fake.activity.cut()  # the catch-up poll after the reconnect reads the mention again

    play(x_side)
    stats = stream.run(until=lambda s: s.catch_up_polls >= 2, catch_up=catch_up)
    assert stats.events == 1 and PollRun.objects.order_by("pk").last().fetched == 1
    tweet_id = Mention.objects.get().tweet_id
    charges = XCharge.objects.filter(resource_id=tweet_id)
    assert [(c.kind, c.times) for c in charges] == [(ChargeKind.POST_READ, 2)]  # read twice, charged once
    assert not XCharge.objects.filter(kind=ChargeKind.OWNED_READ).exists()
