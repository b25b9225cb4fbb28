"""complaints.bulk.insert, the ingest's INSERT: what it writes and what the instances hold afterwards must
be what bulk_create would give (on PostgreSQL it writes the rows itself; elsewhere it is bulk_create)."""

import pytest
from django.db import connection

from complaints import bulk, lifecycle, personal_data
from complaints.models import Complaint
from complaints.pattern_indexes import _name

pytestmark = pytest.mark.django_db

DEFAULTED = {"pending_report": "", "report_return_reason": "", "escalation_level": "", "pending_resolution": False}


def test_columns_left_to_the_database_default_are_written_and_read_back():
    filed = lifecycle.file_complaints([
        {"text": "Chain snatched near Hazratganj", "source_tweet_id": "1850000000000000001"},
        {"text": "Loud DJ all night in Gomti Nagar", "source_tweet_id": "1850000000000000002",
         "pending_report": "held"},  # one row sets what the other leaves to the database
    ])
    assert all(isinstance(c, Complaint) and c.pk for c in filed)
    first, second = filed
    for name, value in DEFAULTED.items():
        expected = "held" if (name == "pending_report") else value
        assert getattr(first, name) == value
        assert getattr(second, name) == expected
        assert getattr(Complaint.objects.get(pk=first.pk), name) == value
    assert Complaint.objects.get(pk=second.pk).pending_report == "held"
    assert first.triage and Complaint.objects.get(pk=first.pk).triage == first.triage
    assert first.public_id == Complaint.objects.get(pk=first.pk).public_id


def test_an_empty_list_writes_nothing():
    assert bulk.insert(Complaint, []) == []


def test_a_reply_text_is_judged_on_its_own_digits_whatever_the_code():
    reply = "Your complaint is registered as {code}. Track it at https://seva.example/track/{code}/{extra}"
    clean = [reply.format(code=code, extra="") for code in ("UPP-ABCDE-FGHJK", "UPP-23456-789AB")]
    assert all(personal_data.kinds_in(text) == [] for text in clean)
    leaked = reply.format(code="UPP-ABCDE-FGHJK", extra=" call 9876543210")
    assert personal_data.kinds_in(leaked) == ["phone"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own indexes")
def test_the_unused_pattern_indexes_are_gone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%%varchar_pattern_ops%%' "
                       "AND tablename IN ('complaints_complaint', 'twitter_ingest_mention', 'complaints_event', "
                       "'complaints_message', 'twitter_ingest_outbox')")
        assert cursor.fetchall() == []
    with connection.schema_editor() as editor:
        assert _name(editor, "complaints_complaint", "tracking_code").endswith("_like")
