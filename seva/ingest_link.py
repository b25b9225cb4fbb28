"""The dashboard reads the ingest side (outbox, health, good-work posts, manual intake) through
dashboard.ingest_bridge; the two are siblings that may not import each other, so the project package,
which may import every app, connects them. Modules are imported when first used, as before, so a
start-up does not load the ingest side's heavier parts."""

import importlib

from django.apps import apps


def ingest_model(name):
    try:
        return apps.get_model("twitter_ingest", name)
    except LookupError:
        return None


def ingest_module(name):
    try:
        return importlib.import_module(f"twitter_ingest.{name}")
    except ImportError:
        return None


def connect_dashboard():
    from dashboard import ingest_bridge

    ingest_bridge.connect(model=ingest_model, module=ingest_module)
