"""Concurrent filing on PostgreSQL: many threads file at once; the same tweet filed from several threads
at the same moment ends as one complaint, and every tracking code stays unique."""

import threading

import pytest
from django.db import connection, connections

from complaints import lifecycle
from complaints.models import Complaint

pytestmark = pytest.mark.django_db(transaction=True)


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL (the CI run with CI=true runs it)")


def _in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(target(i))
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def test_same_tweet_from_many_threads_is_filed_once():
    _needs_postgres()
    results, errors = _in_threads(8, lambda i: lifecycle.file_complaint(text=f"same tweet {i}",
                                                                         source_tweet_id="1861000000000777777"))
    assert len(results) == 1
    assert len(errors) == 7 and all(isinstance(e, lifecycle.DuplicateTweet) for e in errors)
    assert Complaint.objects.filter(source_tweet_id="1861000000000777777").count() == 1


def test_parallel_filing_gives_unique_codes():
    _needs_postgres()
    results, errors = _in_threads(8, lambda i: [
        lifecycle.file_complaint(text=f"thread {i} complaint {j}", source_tweet_id=str(1861000000001000000 + i * 100 + j))
        for j in range(25)
    ])
    assert not errors
    codes = list(Complaint.objects.values_list("tracking_code", flat=True))
    assert len(codes) == 200 == len(set(codes))


def test_concurrent_transitions_do_not_lose_updates(unit):
    _needs_postgres()
    complaint = lifecycle.file_complaint(text="race", source_tweet_id="1861000000000888888")
    meerut = unit("meerut")
    results, errors = _in_threads(6, lambda i: lifecycle.forward(Complaint.objects.get(pk=complaint.pk), meerut))
    # The row lock serialises them: one forward wins, the others see "forwarded" and are refused.
    assert len(results) == 1 and len(errors) == 5
    assert all(isinstance(e, lifecycle.IllegalTransition) for e in errors)
    assert complaint.events.filter(action="forward").count() == 1
