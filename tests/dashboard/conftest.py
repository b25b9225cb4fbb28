"""Dashboard fixtures: complaints in two districts at known states, and logged-in clients per persona."""

import pytest
from django.test import Client

from complaints import lifecycle


@pytest.fixture
def client_for(db):
    def make(user, **kwargs):
        client = Client(**kwargs)
        if user is not None:
            client.force_login(user)
        return client
    return make


@pytest.fixture
def meerut_complaint(forwarded):
    return forwarded("meerut", text="Meerut mein chori ho gayi, madad karein")


@pytest.fixture
def bareilly_complaint(forwarded):
    return forwarded("bareilly", text="Bareilly mein jhagda")


@pytest.fixture
def new_complaint(make_complaint, unit):
    complaint = make_complaint(text="Naya mamla: sadak par jhagda")
    return lifecycle.set_suggestion(complaint, unit("meerut"), "mentions Meerut", 0.9)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The personas are created with passwords; the default hasher costs ~0.2 s per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_league(settings):
    # Each test builds its own complaints; a league table kept from another test would be stale.
    settings.DASHBOARD_LEAGUE_CACHE_SECONDS = 0
