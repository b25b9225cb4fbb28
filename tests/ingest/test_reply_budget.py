"""The reply budget at peak: when X's posting limit holds replies back, urgent ones go first, then the
longest waiting; a reply that events overtook while it waited is held, never posted stale."""

import pytest

from complaints import lifecycle
from complaints.models import Priority, Status
from twitter_ingest import hold_reasons, outbox
from twitter_ingest.models import Outbox, OutboxKind, OutboxStatus

from .conftest import mention


def _file(fake_x, i):
    tweet = mention(fake_x, "citizen_a", f"@Uppolice complaint {i}: Aminabad me jebkatri")
    return lifecycle.file_complaint(text=tweet["text"], source_tweet_id=tweet["id"], author_username="citizen_a",
                                    conversation_id=tweet["id"])


def test_urgent_replies_go_first_then_the_oldest(fake_x, state_account, hq, settings):
    settings.X_POST_ENABLED = True
    complaints = [_file(fake_x, i) for i in range(5)]
    lifecycle.set_priority(complaints[3], Priority.URGENT, actor=hq)
    lifecycle.set_priority(complaints[1], Priority.URGENT, actor=hq)
    order = [Outbox.objects.get(pk=pk).complaint_id for pk in outbox.due_in_order().values_list("pk", flat=True)]
    assert order == [complaints[i].pk for i in (1, 3, 0, 2, 4)]
    # A sender that may post only two now posts the two urgent ones.
    assert outbox.send_due(limit=2) == {"sent": 2}
    sent = set(Outbox.objects.filter(status=OutboxStatus.SENT).values_list("complaint_id", flat=True))
    assert sent == {complaints[1].pk, complaints[3].pk}


@pytest.mark.parametrize("finish", [
    lambda c, hq: lifecycle.merge(c, c.__class__.objects.exclude(pk=c.pk).get(), actor=hq),
    lambda c, hq: lifecycle.resolve(lifecycle.report(lifecycle.note(c, actor=hq), "The purse was recovered and returned.",
                                                     actor=hq), actor=hq),
])
def test_a_forward_overtaken_by_events_is_held_not_posted(fake_x, state_account, hq, settings, finish):
    settings.X_POST_ENABLED = True
    complaint, _other = _file(fake_x, 1), _file(fake_x, 2)
    assert outbox.send_due() == {"sent": 2}          # the replies with the codes
    lifecycle.forward(complaint, "lucknow-commissionerate", actor=hq)
    forward = Outbox.objects.get(kind=OutboxKind.FORWARD)
    assert forward.status == OutboxStatus.PENDING    # waiting behind a burst, say
    complaint.refresh_from_db()
    finish(complaint, hq)
    complaint.refresh_from_db()
    posted_before = len(fake_x.fake.posted)
    outbox.send_due()
    forward.refresh_from_db()
    assert forward.status == OutboxStatus.HELD
    assert hold_reasons.decode(forward.reason) == (hold_reasons.OVERTAKEN, {"status": complaint.status})
    assert str(Status(complaint.status).label) in hold_reasons.describe(forward.reason)
    assert not [i for i in fake_x.fake.posted[posted_before:] if "cognizance" in fake_x.fake.tweets[i]["text"]]


def test_hq_sees_the_backlog_and_when_the_last_reply_goes_out(fake_x, state_account, hq, settings, client):
    """Eight replies queued against an account that may post three more in these 15 minutes (a limit of
    three): five wait for later windows, two windows on, and HQ's ingest page says so in both languages."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from twitter_ingest import reply_backlog

    settings.X_POST_MAX_PER_15MIN = 3
    complaints = [_file(fake_x, i) for i in range(8)]
    for c in complaints[:2]:
        lifecycle.set_priority(c, Priority.URGENT, actor=hq)
    now = timezone.now()
    estimate = reply_backlog.backlog(now)
    assert (estimate["waiting"], estimate["urgent"]) == (8, 2)
    assert estimate["last_at"] - now == timedelta(minutes=30)
    client.force_login(hq)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dashboard:health"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 waiting replies are about urgent complaints" in page and "The last reply waiting should go out by" in page
    # Once everything is sent, nothing waits and the line goes.
    settings.X_POST_MAX_PER_15MIN = 90
    settings.X_POST_ENABLED = True
    assert outbox.send_due() == {"sent": 8}
    assert reply_backlog.backlog()["waiting"] == 0
    page = client.get(reverse("dashboard:health"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="reply-backlog"' not in page


@pytest.mark.slow
def test_the_burst_bench_runs_and_urgent_replies_wait_least(tmp_path):
    """bench/reply_burst_bench.py at a tiny size: 120 mentions in a minute against the 90 posts X allows
    in 15 minutes, so 30 replies wait for the next window, and the urgent ones are not among them."""
    import json
    import subprocess

    from .processes import PYTHON, ROOT, env_for

    url = f"sqlite:///{tmp_path}/bench.sqlite3"
    result = subprocess.run([PYTHON, "bench/reply_burst_bench.py", "--mentions", "120", "--spread", "60",
                             "--urgent-share", "0.1"], cwd=ROOT, env=env_for(url), capture_output=True, text=True,
                            timeout=360)
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout.strip().splitlines()[-1])
    waits = line["wait_min"]
    assert waits["urgent"]["n"] + waits["normal"]["n"] == 120
    assert waits["urgent"]["max"] < 2 and waits["normal"]["max"] >= 13
