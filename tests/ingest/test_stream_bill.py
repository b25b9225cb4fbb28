"""What a mention costs in stream mode: the stream's event is a post read. The safety or catch-up poll
that reads the same mention again follows X_READ_MENTIONS_WITH, as every poll does. With "app" it reads
with the app's bearer token (which stream mode has anyway), so it is the same resource of the same kind on
the same UTC day: X charges it once, and so does the ledger. With "own" (the default) the poll reads it with
the state account's user tokens, an owned read; the ledger counts a resource once per kind and day, so that
is $0.001 on top of the stream's $0.005 (whether X's deduplication spans the two kinds it does not say)."""

import threading
import time

import pytest

from twitter_ingest import poller, stream
from twitter_ingest.ledger_models import ChargeKind, XCharge
from twitter_ingest.models import Mention, PollRun

from .conftest import STATE_ID, mention
from .test_stream import play, streaming  # noqa: F401 (fixture)


def _stream_then_poll_again(server):
    caught_up = threading.Event()

    def catch_up(account):
        poller.poll_account(account)
        caught_up.set()

    def x_side():
        caught_up.wait(10)
        mention(server, "citizen_b", "@Uppolice my phone was stolen at the bus stand")
        time.sleep(0.3)
        server.fake.activity.cut()  # the catch-up poll after the reconnect reads the mention again

    play(x_side)
    stats = stream.run(until=lambda s: s.catch_up_polls >= 2, catch_up=catch_up)
    assert stats.events == 1 and PollRun.objects.order_by("pk").last().fetched == 1
    tweet_id = Mention.objects.get().tweet_id
    polls = [who for method, path, who in server.fake.contexts if path.endswith("/mentions")]
    return sorted((c.kind, c.times) for c in XCharge.objects.filter(resource_id=tweet_id)), polls


def test_read_with_the_bearer_token_a_mention_streamed_and_polled_again_is_billed_once(streaming, settings):
    settings.X_READ_MENTIONS_WITH = "app"
    charges, polls = _stream_then_poll_again(streaming)
    assert set(polls) == {"app"}
    assert charges == [(ChargeKind.POST_READ, 2)]  # read twice, charged once
    assert not XCharge.objects.filter(kind=ChargeKind.OWNED_READ).exists()


@pytest.mark.parametrize("setting", ["own", None])
def test_with_own_reads_the_catch_up_poll_reads_with_the_state_accounts_tokens(streaming, settings, setting):
    if setting is not None:
        settings.X_READ_MENTIONS_WITH = setting
    charges, polls = _stream_then_poll_again(streaming)
    # The stream itself still takes the bearer token; the catch-up polls go out in the state account's context.
    assert set(polls) == {STATE_ID}
    assert charges == [(ChargeKind.OWNED_READ, 1), (ChargeKind.POST_READ, 1)]
