"""Suggested duplicates on the complaint page and in the inbox, only among complaints the viewer may see;
merging from the page moves the thread to the complaint that carries on."""

from django.urls import reverse

from complaints import lifecycle
from complaints.models import Complaint, Message, Status
from twitter_ingest.models import DuplicateSuggestion

SAME = "same author, same text (tweeted to several handles)"


def page(client, complaint):
    return client.get(reverse("dashboard:complaint", args=[complaint.tracking_code])).content.decode()


def suggest(later, earlier, score=1.0, reason=SAME):
    return DuplicateSuggestion.objects.create(complaint=later, candidate=earlier, score=score, reason=reason)


def test_complaint_page_lists_the_suggestion_with_score_reason_and_merge(client_for, hq, make_complaint):
    earlier = make_complaint(text="Chain snatching near Begum Bridge", author_username="ramesh")
    later = make_complaint(text="Chain snatching near Begum Bridge", author_username="suresh")
    suggest(later, earlier)
    text = page(client_for(hq), later)
    assert 'id="duplicates"' in text and earlier.tracking_code in text
    assert "1.00" in text and SAME in text and f"Merge this into {earlier.tracking_code}" in text
    # Seen from the earlier complaint, the later one is offered to be merged into it.
    assert f"Merge {later.tracking_code} into this" in page(client_for(hq), earlier)


def test_merge_button_moves_the_thread_and_says_so(client_for, hq, make_complaint):
    earlier = make_complaint(text="Chain snatching", author_username="ramesh")
    later = make_complaint(text="Chain snatching", author_username="suresh")
    lifecycle.add_note(later, "Follow-up: he ran towards the station", actor=hq)
    later.refresh_from_db()
    suggest(later, earlier)
    response = client_for(hq).post(reverse("dashboard:act", args=[later.tracking_code, "merge"]),
                                   {"version": later.version, "into": earlier.tracking_code}, follow=True)
    assert Complaint.objects.get(pk=later.pk).status == Status.DUPLICATE
    assert Message.objects.filter(complaint=earlier, text__startswith="Follow-up").exists()
    assert f"{later.tracking_code} is marked as a duplicate of {earlier.tracking_code}" in response.content.decode()
    # Merged: no longer suggested on the survivor.
    assert 'id="duplicates"' not in page(client_for(hq), earlier)


def test_a_candidate_the_viewer_may_not_see_is_not_named(client_for, meerut_cell, forwarded):
    mine = forwarded("meerut", text="Mobile chori")
    theirs = forwarded("bareilly", text="Mobile chori")
    suggest(mine, theirs)
    text = page(client_for(meerut_cell), mine)
    assert theirs.tracking_code not in text and 'id="duplicates"' not in text


def test_inbox_marks_rows_and_groups_one_incident_from_several_handles(client_for, hq, make_complaint):
    a = make_complaint(text="Firing in Sadar Bazar", author_username="ramesh")
    b = make_complaint(text="Firing in Sadar Bazar", author_username="suresh")
    c = make_complaint(text="Firing in Sadar Bazar now", author_username="mahesh")
    alone = make_complaint(text="Noise at night", author_username="naresh")
    suggest(b, a)
    suggest(c, b, score=0.8, reason="similar text, same place, close in time")
    text = client_for(hq).get(reverse("dashboard:inbox")).content.decode()
    assert 'id="same-incident"' in text
    group = text.split('id="same-incident"')[1].split("</div>")[0]
    assert all(x.tracking_code in group for x in (a, b, c)) and alone.tracking_code not in group
    assert "@ramesh" in group and "@mahesh" in group
    rows = client_for(hq).get(reverse("dashboard:inbox_rows")).content.decode()
    assert f"Possible duplicate: {', '.join(sorted([a.tracking_code, c.tracking_code]))}" in rows


def test_inbox_does_not_group_one_handle_and_hides_unseen_candidates(client_for, hq_operator, make_complaint,
                                                                      hq):
    a = make_complaint(text="Same text", author_username="ramesh")
    b = make_complaint(text="Same text", author_username="ramesh")
    suggest(b, a)
    secret = make_complaint(text="Same text", author_username="sita")
    lifecycle.set_restricted(secret, True, actor=hq)
    suggest(secret, a)
    text = client_for(hq_operator).get(reverse("dashboard:inbox")).content.decode()
    assert 'id="same-incident"' not in text  # one handle only: the same person, not several reporters
    assert secret.tracking_code not in text
