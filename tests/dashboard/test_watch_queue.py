"""The watch queue: who sees which unit's finds, the three actions and their audit events, the complaint
filed from a find (channel "found on X", no automatic reply unless ticked), volumes and spikes, and the
pages."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from complaints.models import Channel, Event, Status
from districts.models import XAccount
from twitter_ingest import watch_queue, watches
from twitter_ingest.models import FindStatus, Outbox, OutboxKind, Watch, WatchFind, WatchFindEvent

pytestmark = pytest.mark.django_db

_ids = iter(range(10**6))


def tweet(text, minutes_ago=1, **extra):
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return {"id": str(1870000000000000000 + next(_ids)), "text": text, "author_id": "3000000000000000009",
            "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "lang": "hi", **extra}


@pytest.fixture
def watch_of(unit):
    def make(slug, **fields):
        fields.setdefault("place_terms", ["Lucknow", "लखनऊ", "Meerut", "मेरठ", "हजरतगंज"])
        fields.setdefault("incident_terms", ["गोली चली", "firing", "chain snatching"])
        return Watch.objects.create(unit=unit(slug), name=f"watch {slug}", monthly_cap=500, **fields)
    return make


@pytest.fixture
def lko_find(watch_of):
    watch = watch_of("lucknow-commissionerate")
    result = watches.file_finds(watch, [tweet("लखनऊ हजरतगंज में अभी गोली चली है, जल्दी पुलिस भेजिए")])
    return WatchFind.objects.get(tweet_id=result.tweet_ids[0])


def test_each_unit_sees_its_own_queue_and_hq_sees_all(watch_of, lko_find, lucknow_cell, meerut_cell, hq,
                                                      meerut_range):
    meerut = watch_of("meerut")
    watches.file_finds(meerut, [tweet("Meerut mein firing ho rahi hai abhi, jaldi aao")])
    assert {f.unit.slug for f in watch_queue.queue(lucknow_cell)} == {"lucknow-commissionerate"}
    assert {f.unit.slug for f in watch_queue.queue(meerut_cell)} == {"meerut"}
    assert {f.unit.slug for f in watch_queue.queue(hq)} == {"lucknow-commissionerate", "meerut"}
    assert {f.unit.slug for f in watch_queue.queue(meerut_range)} == {"meerut"}
    with pytest.raises(PermissionDenied):
        watch_queue.dismiss(meerut_cell, lko_find.pk, "not ours")
    meerut_find = watch_queue.queue(meerut_range)[0]
    with pytest.raises(PermissionDenied):
        watch_queue.dismiss(meerut_range, meerut_find.pk, "supervisors only read")
    assert WatchFind.objects.get(pk=lko_find.pk).status == FindStatus.OPEN


def test_urgent_first_and_noise_kept_out_of_the_queue(watch_of, lucknow_cell):
    watch = watch_of("lucknow-commissionerate")
    watches.file_finds(watch, [
        tweet("Lucknow mein kal raat chain snatching hui thi, police dhyan de", minutes_ago=1),
        tweet("लखनऊ हजरतगंज में अभी गोली चली है, जल्दी पुलिस भेजिए", minutes_ago=5),
        tweet("Happy Diwali Lucknow, firing crackers safely!", minutes_ago=3),
    ])
    queue = watch_queue.queue(lucknow_cell)
    assert [f.is_urgent for f in queue] == [True, False]
    noise = WatchFind.objects.get(text__startswith="Happy")
    assert noise.status == FindStatus.DISMISSED and noise.decided_by is None


def test_dismiss_needs_a_reason_and_is_audited(lko_find, lucknow_cell):
    with pytest.raises(watch_queue.QueueError):
        watch_queue.dismiss(lucknow_cell, lko_find.pk, "  ")
    watch_queue.dismiss(lucknow_cell, lko_find.pk, "old video, already handled")
    find = WatchFind.objects.get(pk=lko_find.pk)
    assert (find.status, find.reason, find.decided_by) == (FindStatus.DISMISSED, "old video, already handled",
                                                           lucknow_cell)
    event = WatchFindEvent.objects.get(find=find)
    assert (event.action, event.actor, event.note) == ("dismiss", lucknow_cell, "old video, already handled")
    with pytest.raises(watch_queue.QueueError):
        watch_queue.informed(lucknow_cell, lko_find.pk, "SHO Hazratganj")
    with pytest.raises(PermissionDenied):
        event.note = "changed"
        event.save()
    with pytest.raises(PermissionDenied):
        WatchFindEvent.objects.all().delete()


def test_informed_the_thana_records_who_was_phoned(lko_find, lucknow_cell):
    with pytest.raises(watch_queue.QueueError):
        watch_queue.informed(lucknow_cell, lko_find.pk, "")
    watch_queue.informed(lucknow_cell, lko_find.pk, "SHO Hazratganj, CUG 94544xxxxx", note="PRV sent")
    find = WatchFind.objects.get(pk=lko_find.pk)
    assert find.status == FindStatus.INFORMED and find.informed_whom.startswith("SHO Hazratganj")
    event = WatchFindEvent.objects.get(find=find)
    assert event.action == "informed" and event.data["whom"].startswith("SHO Hazratganj")


def test_filing_makes_a_found_on_x_complaint_of_the_unit_without_a_reply(lko_find, lucknow_cell):
    assert XAccount.objects.filter(handle__iexact="Uppolice").exists()
    complaint = watch_queue.file_as_complaint(lucknow_cell, lko_find.pk)
    assert complaint.channel == Channel.FOUND_ON_X and complaint.tracking_code.startswith("UPP-")
    assert complaint.source_tweet_id == lko_find.tweet_id
    assert complaint.unit.slug == "lucknow-commissionerate" and complaint.status == Status.FORWARDED
    assert complaint.priority == "urgent"
    assert not Outbox.objects.filter(complaint=complaint).exists()  # no reply, no forward post on X
    actions = list(Event.objects.filter(complaint=complaint).values_list("action", flat=True))
    assert actions == ["file", "forward", "found_by_watch"]
    assert Event.objects.get(complaint=complaint, action="file").actor == lucknow_cell
    find = WatchFind.objects.get(pk=lko_find.pk)
    assert find.status == FindStatus.FILED and find.complaint == complaint
    event = WatchFindEvent.objects.get(find=find)
    assert event.data == {"code": complaint.tracking_code, "reply_on_x": False, "reply_queued": False}
    with pytest.raises(watch_queue.QueueError):
        watch_queue.file_as_complaint(lucknow_cell, lko_find.pk)


def test_reply_on_x_only_when_ticked(watch_of, lucknow_cell):
    watch = watch_of("lucknow-commissionerate")
    result = watches.file_finds(watch, [tweet("लखनऊ में अभी गोली चली है")])
    complaint = watch_queue.file_as_complaint(lucknow_cell, WatchFind.objects.get(tweet_id=result.tweet_ids[0]).pk,
                                              reply_on_x=True)
    rows = Outbox.objects.filter(complaint=complaint)
    assert [(r.kind, r.in_reply_to_tweet_id) for r in rows] == [(OutboxKind.REPLY_WITH_CODE, complaint.source_tweet_id)]
    assert complaint.tracking_code in rows[0].text


def test_sensitive_finds_only_for_those_who_see_restricted(watch_of, meerut_cell, hq):
    watch = watch_of("meerut")
    watches.file_finds(watch, [tweet("Meerut mein ek nabalig ladki ke saath balatkar hua, firing bhi hui")])
    find = WatchFind.objects.get()
    assert find.is_sensitive
    assert watch_queue.queue(meerut_cell) == [] and [f.pk for f in watch_queue.queue(hq)] == [find.pk]


def test_spikes_against_the_previous_weeks(watch_of, hq):
    watch = watch_of("meerut")
    now = timezone.now()
    past = [tweet("Meerut firing report", minutes_ago=7 * 24 * 60 * w + 10) for w in (1, 2)]
    recent = [tweet(f"Meerut mein firing ho rahi hai gali {i}", minutes_ago=5 + i) for i in range(6)]
    watches.file_finds(watch, past + recent)
    rows = watch_queue.volumes(hq, now=now)
    firing = next(r for r in rows if r["term"] == "firing")
    assert firing["count"] == 6 and firing["usual"] == 0.5 and firing["spike"]
    assert [r["term"] for r in watch_queue.spikes(hq, now=now)] == ["firing"]
    assert watch_queue.spikes(hq, now=now - timedelta(hours=2)) == []


def test_pages(client, watch_of, lko_find, lucknow_cell, hq):
    client.force_login(lucknow_cell)
    page = client.get(reverse("dashboard:watch_queue"))
    assert page.status_code == 200 and "गोली चली" in page.content.decode()
    response = client.post(reverse("dashboard:watch_queue"), {"find": lko_find.pk, "action": "informed",
                                                              "whom": "SHO Hazratganj"})
    assert response.status_code == 302 and WatchFind.objects.get(pk=lko_find.pk).status == FindStatus.INFORMED
    assert client.get(reverse("dashboard:watches")).status_code == 200
    editor = client.get(reverse("dashboard:watch_new"))
    assert editor.status_code == 200 and "Hazratganj" in editor.content.decode()
    data = {"unit": lko_find.unit_id, "name": "LKO", "place_terms": "Lucknow\nलखनऊ", "incident_terms": "गोली चली, firing",
            "exclude_terms": "cricket", "exclude_accounts": "@lkopolice", "monthly_cap": 300, "is_active": "on",
            "preview": "1"}
    preview = client.post(reverse("dashboard:watch_new"), data)
    body = html.unescape(preview.content.decode())
    assert '(Lucknow OR लखनऊ) ("गोली चली" OR firing) -is:retweet -cricket -from:lkopolice' in body
    data.pop("preview")
    client.post(reverse("dashboard:watch_new"), data)
    saved = Watch.objects.get(name="LKO")
    assert saved.exclude_accounts == ["lkopolice"] and saved.monthly_cap == 300
    # Another unit's cell may not set watches for Lucknow.
    data["unit"] = watch_of("meerut").unit_id
    assert client.post(reverse("dashboard:watch_new"), data).status_code == 200
    assert not Watch.objects.filter(name="LKO", unit__slug="meerut").exists()
    client.force_login(hq)
    assert "watch-spikes" not in client.get(reverse("dashboard:inbox")).content.decode()
