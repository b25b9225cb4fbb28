"""Shared fixtures: the real units registry loaded once per test database, and named personas, including
the ones who must be refused (another district, a supervisor trying to write, a login with no unit)."""

import importlib

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, settings as hypothesis_settings
from django.core.management import call_command

from complaints import lifecycle
from districts.models import Role, StaffProfile, Unit

# Hypothesis' default 200 ms deadline per example turns a pause on a busy machine (a GC, a neighbour's
# job) into a failure that does not reproduce on a quiet one; the properties here are about results, not
# speed, and speed is measured by the benchmarks under bench/.
hypothesis_settings.register_profile("seva", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("seva")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_units", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_sla_rules():
    """SLA targets and calendars are cached per process; a rolled-back test must not leave its rows there."""
    from dashboard import sla

    sla.forget_rules()
    yield
    sla.forget_rules()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Hindi, or a test that activates it, leaves the thread's language set; each test starts
    in the default language, as a fresh worker would."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests (live server, worker processes, threads) end by flushing every table, which
    removes the units and the default categories loaded at set-up; put them back for the next test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from complaints.models import Category

    if not Unit.objects.exists():
        call_command("load_units", verbosity=0)
    if not Category.objects.exists():
        migration = importlib.import_module("complaints.migrations.0002_default_categories_and_append_only_events")
        migration.add_categories(apps, None)


def require_services(pg_url="postgres://postgres@127.0.0.1:5432", redis_url="redis://127.0.0.1:6379/0"):
    """For tests that start real processes on the local PostgreSQL and Redis: skip where they are not
    running, but fail under CI=true, where they must be."""
    import os

    import psycopg2
    import redis

    try:
        psycopg2.connect(f"{pg_url}/postgres", connect_timeout=3).close()
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL and Redis here: {exc}")
        pytest.skip(f"PostgreSQL or Redis not reachable here: {exc}")


def _persona(username, slug, role, *, superuser=False, restricted=False):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    user.is_superuser = superuser
    # The admin (/admin/) is HQ's; a unit's cell or a supervisor gets it only if HQ grants it by hand.
    user.is_staff = superuser or role in (Role.HQ_OPERATOR, Role.HQ_SUPERVISOR)
    user.save()
    StaffProfile.objects.create(user=user, unit=Unit.objects.get(slug=slug), role=role, sees_restricted=restricted)
    return user


@pytest.fixture
def unit():
    def get(slug):
        return Unit.objects.get(slug=slug)

    return get


@pytest.fixture
def hq(db):
    return _persona("hq-sup", "up-police", Role.HQ_SUPERVISOR)


@pytest.fixture
def hq_operator(db):
    return _persona("hq-op", "up-police", Role.HQ_OPERATOR)


@pytest.fixture
def meerut_cell(db):
    return _persona("meerut-cell", "meerut", Role.CELL)


@pytest.fixture
def bareilly_cell(db):
    return _persona("bareilly-cell", "bareilly", Role.CELL)


@pytest.fixture
def lucknow_cell(db):
    return _persona("lucknow-cell", "lucknow-commissionerate", Role.CELL, restricted=True)


@pytest.fixture
def meerut_range(db):
    return _persona("meerut-range", "meerut-range", Role.SUPERVISOR)


@pytest.fixture
def meerut_zone(db):
    return _persona("meerut-zone", "meerut-zone", Role.SUPERVISOR)


@pytest.fixture
def no_profile(db):
    return get_user_model().objects.create_user(username="stranger", password="pw-stranger")


@pytest.fixture
def make_complaint(db):
    counter = iter(range(10**6))

    def make(text="Mere mohalle mein raat ko der tak tez music bajta hai, kripya karyavahi karein", **fields):
        fields.setdefault("source_tweet_id", str(1861000000000000000 + next(counter)))
        fields.setdefault("author_username", "citizen")
        return lifecycle.file_complaint(text=text, **fields)

    return make


@pytest.fixture
def forwarded(make_complaint, unit):
    def make(slug="meerut", **fields):
        complaint = make_complaint(**fields)
        return lifecycle.forward(complaint, unit(slug))

    return make
