"""HQ's ingest health page is for people: per watched account its state, last poll in IST, how far behind X
in words, the last error as a sentence and the next poll; the raw figures stay in a collapsed section."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from districts.models import XAccount
from twitter_ingest import poller
from twitter_ingest.fake_api import FakeXServer
from twitter_ingest.models import AccountState

STATE_ID = "1000000000000000001"


@pytest.fixture
def fake_x(settings, db):
    cache.clear()
    with FakeXServer() as server:
        server.fake.add_user({"id": "2000000000000000101", "username": "lkopolice", "name": "Lucknow Police"})
        server.fake.add_user({"id": "3000000000000000001", "username": "citizen_a", "name": "Citizen A"})
        settings.X_API_BASE_URL = server.url
        settings.X_BEARER_TOKEN = "test-bearer"
        settings.X_POLL_BACKOFF_SECONDS = 0.01
        settings.X_POLL_INTERVAL = 60
        settings.HEALTH_INGEST_STALE_SECONDS = 120
        yield server


def _page(client, lang):
    client.cookies["django_language"] = lang
    return client.get(reverse("dashboard:health"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def _row(html, handle):
    match = re.search(rf'<tr class="ingest-(\w+)" data-handle="{handle}">(.*?)</tr>', html, re.S)
    assert match, f"no row for @{handle}"
    return match.group(1), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(2)))


def _visible(html):
    """The page without the engineers' collapsed section."""
    return re.sub(r'<details class="card" id="ingest-details">.*?</details>', "", html, flags=re.S)


@pytest.mark.django_db
def test_each_account_in_words_in_english_and_hindi(fake_x, client_for, hq):
    fake_x.fake.add_tweet({"author": "citizen_a", "text": "@Uppolice Hazratganj mein chori"})
    XAccount.objects.filter(handle__in=["lkopolice", "noidapolice"]).update(watched=True)
    state = XAccount.objects.get(handle__iexact="Uppolice")
    assert poller.poll_account(state).run.error == ""
    # Tried: the state account polled fine 2.5 minutes ago; Lucknow's poll met X answering 503 every time;
    # Noida never polled.
    AccountState.objects.filter(account=state).update(last_poll_at=timezone.now() - timedelta(seconds=150),
                                                      last_success_at=timezone.now() - timedelta(seconds=150))
    fake_x.fake.faults.append({"route": "mentions", "status": 503, "count": 20})
    assert poller.poll_account(XAccount.objects.get(handle="lkopolice")).run.error

    client = client_for(hq)
    english = _page(client, "en")
    kind, words = _row(english, "Uppolice")
    assert kind == "behind" and "Behind" in words and "2 minutes behind" in words and " IST" in words
    kind, words = _row(english, "lkopolice")
    assert kind == "failing" and "X was not answering properly" in words
    kind, words = _row(english, "noidapolice")
    assert kind == "never" and "Never polled" in words
    # The error as a sentence, not the poller's text ("503: ...") or a dump of the summary.
    shown = _visible(english)
    assert "503" not in shown and "{" not in shown and "since_id" not in shown
    assert "since_id" in english  # still there for engineers, collapsed
    assert re.search(r'<details class="card" id="ingest-details">\s*<summary>', english)

    hindi = _page(client, "hi")
    kind, words = _row(hindi, "Uppolice")
    assert "2 मिनट पीछे" in words and "बजे IST" in words
    assert re.search(r"\d+ (जनवरी|फ़रवरी|मार्च|अप्रैल|मई|जून|जुलाई|अगस्त|सितंबर|अक्टूबर|नवंबर|दिसंबर) \d{4}", words)
    _, words = _row(hindi, "lkopolice")
    assert "X ठीक से उत्तर नहीं दे रहा था" in words
    # Only handles, X and IST stay in Latin letters in the rows people read.
    rows = re.findall(r'<tr class="ingest-\w+".*?</tr>', hindi, re.S)
    latin = re.findall(r"[A-Za-z]{2,}", re.sub(r"<[^>]+>|@\w+|\bIST\b", " ", " ".join(rows)))
    assert latin == []


@pytest.mark.django_db
def test_a_stopped_account_says_so_and_is_not_polled_again(fake_x, client_for, hq):
    fake_x.fake.faults.append({"route": "mentions", "status": 402})
    account = XAccount.objects.get(handle__iexact="Uppolice")
    poller.poll_account(account)
    kind, words = _row(_page(client_for(hq), "en"), "Uppolice")
    assert kind == "stopped" and "run out of paid credits" in words
    assert "Not until someone clears the pause" in words
