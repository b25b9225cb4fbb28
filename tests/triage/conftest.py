import pytest

from complaints.triage import lexicon, places


@pytest.fixture(autouse=True)
def _fresh_triage_caches():
    """The lexicon and the gazetteer are cached per process; a rolled-back test must not leave its rows in
    them, nor find another test's."""
    lexicon.forget()
    places.forget()
    yield
    lexicon.forget()
    places.forget()
