"""Ingest fixtures: the simulated X API on an ephemeral 127.0.0.1 port, with the real tweepy client
pointed at it through X_API_BASE_URL, and a few accounts and citizens on it."""

import pytest
from django.core.cache import cache

from districts.models import XAccount
from twitter_ingest.fake_api import FakeXServer

STATE_ID = "1000000000000000001"
LKO_ID = "2000000000000000002"
NOIDA_ID = "2000000000000000003"


@pytest.fixture
def fake_x(settings, db):
    cache.clear()
    with FakeXServer() as server:
        fake = server.fake
        fake.add_user({"id": LKO_ID, "username": "lkopolice", "name": "Lucknow Police"})
        fake.add_user({"id": NOIDA_ID, "username": "noidapolice", "name": "Noida Police"})
        fake.add_user({"id": "3000000000000000001", "username": "citizen_a", "name": "Citizen A",
                       "location": "Lucknow, India"})
        fake.add_user({"id": "3000000000000000002", "username": "citizen_b", "name": "Citizen B"})
        settings.X_API_BASE_URL = server.url
        settings.X_BEARER_TOKEN = "test-bearer"
        settings.X_API_KEY, settings.X_API_SECRET = "key", "secret"
        settings.X_ACCESS_TOKEN, settings.X_ACCESS_SECRET = f"{STATE_ID}-token", "token-secret"
        settings.X_POLL_BACKOFF_SECONDS = 0.01
        # Generous: only the tests that inject a delay want a timeout, and they set their own. A busy
        # machine must not turn an ordinary answer into a timeout.
        settings.X_API_TIMEOUT = 5.0
        server.state_id = STATE_ID
        yield server
    cache.clear()


@pytest.fixture
def state_account(db):
    return XAccount.objects.get(handle__iexact="Uppolice")


def mention(server, author, text, **extra):
    return server.fake.add_tweet({"author": author, "text": text, **extra})
