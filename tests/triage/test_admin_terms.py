"""HQ extends the lexicon in the admin and the desk reads the change without a restart."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from complaints.models import LexiconTerm
from complaints.triage.judge import judge

pytestmark = pytest.mark.django_db

NEW_DANGER = "@Uppolice Aliganj Lucknow me do log bam phenk rahe hain gali me"


@pytest.fixture
def hq_admin(client):
    user = get_user_model().objects.create_superuser("hq-admin", "hq@example.invalid", "pw-hq-admin")
    client.force_login(user)
    return client


def test_a_term_added_in_the_admin_takes_effect_without_a_restart(hq_admin):
    assert judge(NEW_DANGER).urgent.value is False
    response = hq_admin.post("/admin/complaints/lexiconterm/add/", {
        "term": "bam phenk rah*", "term_class": "urgent", "language": "hinglish", "requires": "",
        "source": "HQ: bombs thrown now (added after an incident)", "is_active": "on",
    })
    assert response.status_code == 302, response.content[:500]
    found = judge(NEW_DANGER)
    assert found.urgent.value is True
    assert found.urgent_terms == ("bam phenk rahe",)
    assert found.dial_112


def test_a_reviewed_term_switched_off_in_the_admin_stops_counting():
    thanks = "@Uppolice Chinhat police ka dil se dhanyawad, meri cycle mil gayi"
    assert judge(thanks).kind.value == "appreciation"
    for term in ("dil se", "dhanyawad"):
        LexiconTerm.objects.create(term=term, term_class="appreciation", language="hinglish", source="test",
                                   is_active=False)
    assert judge(thanks).kind.value == "complaint"


def test_another_process_s_change_is_read_within_the_recheck_interval(settings):
    # bulk_create sends no signal, as a change made by another process would not reach this one.
    settings.TRIAGE_RECHECK_SECONDS = 3600
    assert judge(NEW_DANGER).urgent.value is False
    LexiconTerm.objects.bulk_create([LexiconTerm(term="bam phenk rah*", term_class="urgent", source="test")])
    assert judge(NEW_DANGER).urgent.value is False  # still the cached lexicon
    settings.TRIAGE_RECHECK_SECONDS = 0
    assert judge(NEW_DANGER).urgent.value is True


@pytest.mark.parametrize("fields, field", [
    ({"term": "bam* phenk"}, "term"), ({"term": "***"}, "term"), ({"requires": "cue_minor|cue_nonsense"}, "requires"),
])
def test_a_malformed_term_is_refused(fields, field):
    term = LexiconTerm(**{"term": "bam phenk", "term_class": "urgent", "source": "test", **fields})
    with pytest.raises(ValidationError) as raised:
        term.full_clean()
    assert field in raised.value.message_dict
