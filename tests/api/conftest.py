"""API and tracking-page fixtures: a clean cache per test (the throttles count in it), token clients
for the personas, and complaints at each stage."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from complaints import lifecycle
from districts import tokens
from districts.models import PoliceStation

PERSONAS = ("anonymous", "hq", "hq_operator", "meerut_cell", "bareilly_cell", "meerut_range")


@pytest.fixture(autouse=True)
def clean_cache(settings):
    # The personas' passwords are hashed on every test; the fast hasher keeps the matrix quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    keys = {}

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            if user.pk not in keys:
                keys[user.pk] = tokens.issue(user, "tests")[1]
            client.credentials(HTTP_AUTHORIZATION=f"Token {keys[user.pk]}")
        return client

    return client_for


@pytest.fixture
def persona(request):
    """The persona named by the test's parameter; None for anonymous."""

    def get(name):
        return None if name == "anonymous" else request.getfixturevalue(name)

    return get


@pytest.fixture
def station(unit):
    return PoliceStation.objects.filter(unit=unit("meerut")).first() or PoliceStation.objects.create(
        unit=unit("meerut"), name_en="Civil Lines", name_hi="सिविल लाइंस")


@pytest.fixture
def resolved(forwarded, station):
    def make(slug="meerut", report="Both parties called to the station and the dispute settled.", **fields):
        c = forwarded(slug, **fields)
        lifecycle.note(c)
        lifecycle.report(c, report)
        return lifecycle.resolve(c)

    return make
