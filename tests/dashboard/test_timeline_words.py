"""The complaint page's timeline as people read it: a citizen's follow-up says it is one (not "Internal
note"), and in Hindi every kind of entry — the system's notes and actors included — reads in Hindi."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import lifecycle
from complaints.models import Event, MessageKind
from dashboard.labels import ACTION_LABELS

HINDI_TEXT = "मेरी शिकायत पर अभी तक कोई कार्यवाही नहीं हुई"
# What may stay in Latin letters in a Hindi page: codes, handles, X itself, IST, usernames of the test's people.
ALLOWED = re.compile(r"UPP-[0-9A-Z-]+|@\w+|\bIST\b|\bX\b|\bhq-sup\b|\b\d+\b")


def _timeline_html(client, code, lang):
    client.cookies["django_language"] = lang
    html = client.get(reverse("dashboard:complaint", args=[code]), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    start = html.index(">", html.index('id="timeline"')) + 1
    return html[start:html.index("</ol>", start)]


def _words(fragment):
    text = re.sub(r"<[^>]+>", " ", fragment)
    text = re.sub(r'data-action="[^"]*"|&[a-z#0-9]+;', " ", text)
    return re.findall(r"[A-Za-z]{2,}", ALLOWED.sub(" ", text))


@pytest.mark.django_db
def test_a_citizens_follow_up_is_labelled_as_a_follow_up(client_for, hq, forwarded):
    complaint = forwarded("meerut", text=HINDI_TEXT)
    lifecycle.add_note(complaint, "आज भी वही हाल है", actor=lifecycle.Actor(name="@amit_meerut"),
                       kind=MessageKind.CITIZEN, tweet_id="1860000000000000001")
    lifecycle.add_note(complaint.__class__.objects.get(pk=complaint.pk), "थाने से बात हुई", actor=hq)
    html = _timeline_html(client_for(hq), complaint.tracking_code, "en")
    # Tried: one citizen follow-up and one internal note; each is labelled by what it is.
    assert html.count("Follow-up from the complainant") == 1
    assert html.count("Internal note") == 1


@pytest.mark.django_db
def test_every_kind_of_timeline_entry_reads_in_hindi(client_for, hq, forwarded, unit):
    complaint = forwarded("meerut", text=HINDI_TEXT)
    for kind in MessageKind.values:
        lifecycle.add_note(complaint.__class__.objects.get(pk=complaint.pk), HINDI_TEXT,
                           actor=lifecycle.Actor(name="@amit_meerut"), kind=kind)
    now = timezone.now()
    # Every action the audit trail can hold, as the system's parts write them (their own actor names, data and
    # English notes), plus each by a person with Hindi words.
    system = {
        "escalated": ("sla-sweep", {"phase": "noted"}, "Past the noted deadline"),
        "merged_in": ("ingest", {"merged": "UPP-AAAAA-AAAAA", "moved_messages": [1, 2]},
                      "2 message(s) of the duplicate moved to this thread."),
        "merged_automatically": ("ingest (thread repair)", {"merged": "UPP-AAAAA-AAAAA"},
                                 "UPP-AAAAA-AAAAA was this complaint's follow-up, filed before the original arrived"),
        "merge": ("ingest (thread repair)", {"into": "UPP-AAAAA-AAAAA"}, "A follow-up of UPP-AAAAA-AAAAA"),
        "text_cut": ("ingest", {"kept": 4000, "cut": 120}, "Filed the first 4,000 characters"),
        "deleted_on_x": ("X lookup", {"own_tweet": True, "found_at": now.isoformat(),
                                      "last_seen_at": (now - timedelta(hours=2)).isoformat()},
                         "The complaint (1) is no longer on X: found deleted at 01 Dec 2026"),
        "found_by_watch": ("ingest", {"watch": 1}, "Found on X by the watch “Lucknow”; the author had not tagged"),
        "file": ("ingest", {"channel": "x", "text_cleaned": ["removed 1 NUL"]}, "removed 1 NUL"),
        "forward": ("auto-forward", {"unit": "meerut"}, "“मेरठ” → meerut"),
        "citizen_satisfied": ("citizen (tracking page)", {}, HINDI_TEXT),
        "reopen_requested": ("@amit_meerut", {}, HINDI_TEXT),
        "disposal_reported": ("@meerutpolice", {}, HINDI_TEXT),
        "filed_again": ("system", {"filed_as": "UPP-BBBBB-BBBBB"}, ""),
    }
    for action in set(ACTION_LABELS) | set(system):
        name, data, note = system.get(action, ("", {}, ""))
        Event.objects.create(complaint=complaint, action=action, actor_name=name, data=data, note=note,
                             from_status="forwarded", to_status="forwarded", created_at=now)
        Event.objects.create(complaint=complaint, action=action, actor=hq, actor_name=hq.username, note=HINDI_TEXT,
                             from_status="forwarded", to_status="noted", created_at=now)
    client = client_for(hq)
    english = _timeline_html(client, complaint.tracking_code, "en")
    assert "Past the deadline for Noted." in english and "Follow-up from the complainant" in english
    hindi = _timeline_html(client, complaint.tracking_code, "hi")
    assert hindi.count("<li") >= 2 * len(ACTION_LABELS)
    # Tried: every action and every thread-message kind, by the system and by a person; nothing but codes,
    # handles and names may stay in Latin letters.
    assert sorted(set(_words(hindi))) == []
    assert "दिसंबर" in hindi or "नवंबर" in hindi or "जनवरी" in hindi
