"""What waits for a person: requests to look again and "not satisfied" answers in HQ's inbox tab, the unit's
queue, the supervisor's view, the handover and the league; urgent complaints first, with their words, the
Dial 112 hand-off and the alarm for the shift."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from complaints import dial112, escalation, lifecycle
from complaints.models import Channel, Complaint, Event, Status
from dashboard import urgent

URGENT = {"priority": "urgent", "urgent_terms": ["goli chal rahi", "बचाओ"]}


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def section(page, marker, end="</div>"):
    start = page.index(marker)
    return page[start:page.index(end, start)]


@pytest.fixture
def resolved(forwarded):
    def make(slug="meerut", **fields):
        c = forwarded(slug, **fields)
        lifecycle.note(c)
        lifecycle.report(c, "Beat constable visited; both parties warned.")
        return lifecycle.resolve(c)
    return make


def overdue(complaint, minutes=5):
    """Its current deadline passed `minutes` ago (set directly: the clocks' arithmetic is tested elsewhere)."""
    Complaint.objects.filter(pk=complaint.pk).update(sla_due_at=timezone.now() - timedelta(minutes=minutes))
    return Complaint.objects.get(pk=complaint.pk)


# ---------------------------------------------------------------- the Dial 112 hand-off

def test_hand_to_112_records_who_and_when_and_keeps_the_state(make_complaint, hq):
    c = make_complaint(text="Goli chal rahi hai, bachao, Sadar Bazar Meerut", **URGENT)
    before, version = timezone.now(), c.version
    after = lifecycle.hand_to_112(c, actor=hq, reference="112-UP-4471", note="PRV 12 sent",
                                  expected_version=version)
    event = Event.objects.get(complaint=c, action="hand_to_112")
    assert (event.actor, event.actor_name, event.note) == (hq, "hq-sup", "PRV 12 sent")
    assert event.data["reference"] == "112-UP-4471" and event.data["urgent_terms"] == URGENT["urgent_terms"]
    assert event.created_at >= before
    assert (after.status, after.version) == (Status.NEW, version + 1)
    # The words read out may hold a phone number: they are not kept in the audit trail.
    assert "script" not in event.data


def test_hand_to_112_is_refused_for_a_closed_complaint_and_for_read_only_logins(
        resolved, forwarded, meerut_range, bareilly_cell, meerut_cell):
    done = resolved()
    lifecycle.close(done, "resolved_without_fir")
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.hand_to_112(done, actor=meerut_cell)
    c = forwarded("meerut", **URGENT)
    with pytest.raises(PermissionDenied):
        lifecycle.hand_to_112(c, actor=meerut_range)  # supervisors read only
    with pytest.raises(PermissionDenied):
        lifecycle.hand_to_112(c, actor=bareilly_cell)  # another district's
    lifecycle.hand_to_112(c, actor=meerut_cell)
    assert not Event.objects.filter(complaint=done, action="hand_to_112").exists()
    assert Event.objects.filter(complaint=c, action="hand_to_112").count() == 1


def test_the_script_names_code_place_words_and_how_to_reach_the_complainant(make_complaint, unit):
    c = make_complaint(text="Goli chal rahi hai Meerut", author_username="ramesh_k", **URGENT)
    c = lifecycle.set_suggestion(c, unit("meerut"), "mentions Meerut", 0.9)
    text = dial112.script(c)
    for script in (text.hi, text.en):
        assert c.tracking_code in script and "@ramesh_k" in script
        assert "“goli chal rahi”" in script and "“बचाओ”" in script
    assert "Meerut" in text.en and unit("meerut").name_hi in text.hi
    assert "no phone number on file" in text.en and "फ़ोन नंबर उपलब्ध नहीं" in text.hi
    phoned = make_complaint(text="Ghar mein chor ghus aaye hain", channel=Channel.PHONE, source_tweet_id=None,
                            author_username="", author_name="Sunita Devi", author_contact="98390 12345", **URGENT)
    text = dial112.script(phoned)
    assert "Sunita Devi" in text.en and "98390 12345" in text.en and "98390 12345" in text.hi


def test_the_complaint_page_offers_the_hand_off_for_urgent_complaints_only(client_for, forwarded, meerut_cell,
                                                                          meerut_range):
    c = forwarded("meerut", text="Goli chal rahi hai", **URGENT)
    plain = forwarded("meerut")
    cell = client_for(meerut_cell)
    page = html(cell.get(reverse("dashboard:complaint", args=[c.tracking_code])))
    card = section(page, 'id="action-hand_to_112"', "</details>")
    assert c.tracking_code in section(card, 'id="dial112-en"', "</p>") and "goli chal rahi" in card
    assert 'id="action-hand_to_112" open' in page
    assert 'id="action-hand_to_112"' not in html(cell.get(reverse("dashboard:complaint", args=[plain.tracking_code])))
    assert 'id="action-hand_to_112"' not in html(
        client_for(meerut_range).get(reverse("dashboard:complaint", args=[c.tracking_code])))
    response = cell.post(reverse("dashboard:act", args=[c.tracking_code, "hand_to_112"]),
                         {"version": c.version, "reference": "E-991", "note": "PRV on the way"})
    assert response.status_code == 302
    event = Event.objects.get(complaint=c, action="hand_to_112")
    assert (event.actor, event.data["reference"]) == (meerut_cell, "E-991")
    page = html(cell.get(reverse("dashboard:complaint", args=[c.tracking_code])))
    assert "112 informed" in section(page, 'id="dial112"') and "meerut-cell" in section(page, 'id="dial112"')
    assert "Handed over to Dial 112" in section(page, 'id="timeline"', "</ol>")
    # A stale page is told so, and nothing is recorded twice.
    assert cell.post(reverse("dashboard:act", args=[c.tracking_code, "hand_to_112"]),
                     {"version": c.version}).status_code == 409
    assert Event.objects.filter(complaint=c, action="hand_to_112").count() == 1


# ---------------------------------------------------------------- urgent first

def test_the_inbox_lists_urgent_mentions_first_with_their_words(client_for, hq, make_complaint):
    old_urgent = make_complaint(text="Bachao, goli chal rahi", received_at=timezone.now() - timedelta(hours=3),
                                **URGENT)
    newer = [make_complaint(text=f"Naya mamla {i}") for i in range(3)]
    page = html(client_for(hq).get(reverse("dashboard:inbox")))
    order = [page.index(f'data-id="{c.pk}"') for c in [old_urgent, *reversed(newer)]]
    assert order == sorted(order)
    row = page[order[0]:order[1]]
    assert "<mark>goli chal rahi</mark>" in row and "<mark>बचाओ</mark>" in row and "Dial 112" in row
    # The 15-second refresh keeps the same order; the next page does not repeat urgent rows.
    rows = html(client_for(hq).get(reverse("dashboard:inbox_rows")))
    assert rows.index(f'data-id="{old_urgent.pk}"') < rows.index(f'data-id="{newer[-1].pk}"')


def test_the_queue_and_the_supervisor_list_urgent_complaints_first(client_for, forwarded, meerut_cell,
                                                                   meerut_range):
    plain = overdue(forwarded("meerut", text="Sadak par jhagda"), minutes=90)  # the most overdue
    hot = forwarded("meerut", text="Goli chal rahi", **URGENT)
    for client, url in ((client_for(meerut_cell), reverse("dashboard:queue")),
                        (client_for(meerut_range), reverse("dashboard:supervise"))):
        page = html(client.get(url))
        assert page.index(hot.tracking_code) < page.index(plain.tracking_code)
        assert "<mark>goli chal rahi</mark>" in page
    only = html(client_for(meerut_cell).get(reverse("dashboard:queue"), {"show": "urgent"}))
    assert hot.tracking_code in only and plain.tracking_code not in only


# ---------------------------------------------------------------- the alarm

def test_an_urgent_complaint_past_its_short_clock_without_action_raises_the_alarm(client_for, hq, make_complaint,
                                                                                 meerut_cell):
    c = overdue(make_complaint(text="Goli chal rahi", **URGENT))
    calm = make_complaint(text="Goli chal rahi", **URGENT)  # its deadline is still ahead
    normal = overdue(make_complaint(text="Naya mamla"))
    page = html(client_for(hq).get(reverse("dashboard:inbox")))
    alarm = section(page, 'id="urgent-alarm"')
    assert c.tracking_code in alarm and "<mark>goli chal rahi</mark>" in alarm
    assert calm.tracking_code not in alarm and normal.tracking_code not in alarm
    assert 'id="nav-alarm"' in page and "1 urgent without action" in page
    # A unit's cell does not see HQ's new mentions, nor their alarm.
    assert 'id="urgent-alarm"' not in html(client_for(meerut_cell).get(reverse("dashboard:queue")))
    # The escalation ladder's mark is not a person acting: the alarm stays.
    escalation.climb()
    assert Complaint.objects.get(pk=c.pk).escalated_at is not None
    assert list(urgent.alarms(Complaint.objects.all())) == [c]
    # Handing it to 112 ends it.
    lifecycle.hand_to_112(c, actor=hq)
    page = html(client_for(hq).get(reverse("dashboard:inbox")))
    assert 'id="urgent-alarm"' not in page and 'id="nav-alarm"' not in page


def test_any_action_by_a_person_ends_the_alarm_and_a_new_clock_can_raise_it_again(forwarded, make_complaint,
                                                                                 hq, meerut_cell, client_for):
    long_ago = timezone.now() - timedelta(days=3)  # every short clock counted from then has run out
    c = make_complaint(text="Goli chal rahi", received_at=long_ago, **URGENT)
    assert c.sla_due_at < timezone.now()
    assert urgent.alarms(Complaint.objects.all()).filter(pk=c.pk).exists()
    lifecycle.add_note(c, "Called the complainant, line busy", actor=hq)
    assert Complaint.objects.get(pk=c.pk).sla_due_at < timezone.now()  # the deadline did not move...
    assert not urgent.alarms(Complaint.objects.all()).filter(pk=c.pk).exists()  # ...but a person acted
    # Forwarded by HQ (a person) long ago; the unit's short clock to note it ran out with nobody acting.
    other = make_complaint(text="Goli chal rahi", received_at=long_ago, **URGENT)
    other = lifecycle.forward(other, "meerut", actor=hq, at=long_ago + timedelta(minutes=5))
    assert other.sla_due_at < timezone.now()
    assert list(urgent.alarms(Complaint.objects.all())) == [other]
    queue = html(client_for(meerut_cell).get(reverse("dashboard:queue")))
    assert other.tracking_code in section(queue, 'id="urgent-alarm"')
    lifecycle.add_note(other, "Thana ko phone kiya", actor=meerut_cell)
    assert not urgent.alarms(Complaint.objects.all()).exists()


# ---------------------------------------------------------------- requests to look again

def test_inbox_tab_of_requests_to_look_again(client_for, hq, resolved, client):
    by_page, by_tweet, happy = resolved(), resolved("bareilly"), resolved()
    assert client.post(f"/track/{by_page.tracking_code}/feedback/",
                       {"answer": "not_satisfied", "comment": "Koi nahi aaya"}).status_code == 200
    lifecycle.record(by_tweet, "reopen_requested", actor=lifecycle.Actor(name="ingest"), note="Abhi tak kuch nahi")
    lifecycle.record(happy, "citizen_satisfied", actor=lifecycle.Actor(name="citizen (tracking page)"))
    hq_client = client_for(hq)
    page = html(hq_client.get(reverse("dashboard:inbox")))
    assert 'id="reopen-requests"' not in page
    assert section(page, 'id="tab-again"', "</a>").count(">2<") == 1  # the count on the tab
    tab = section(html(hq_client.get(reverse("dashboard:inbox"), {"tab": "again"})), 'id="reopen-requests"')
    assert by_page.tracking_code in tab and by_tweet.tracking_code in tab and happy.tracking_code not in tab
    assert "not satisfied, from the tracking page" in tab and "asked to reopen on X" in tab
    assert "Koi nahi aaya" in tab
    # Reopening answers one, closing the other: nothing waits.
    lifecycle.reopen(by_page, actor=hq, reason="complainant called back")
    lifecycle.close(Complaint.objects.get(pk=by_tweet.pk), "resolved_without_fir", actor=hq)
    tab = html(hq_client.get(reverse("dashboard:inbox"), {"tab": "again"}))
    assert by_page.tracking_code not in tab and by_tweet.tracking_code not in tab and "Nothing waiting." in tab


def test_a_later_satisfied_answer_withdraws_the_request(client_for, resolved, hq):
    c = resolved()
    lifecycle.record(c, "reopen_requested", actor=lifecycle.Actor(name="ingest"), note="Kuch nahi hua")
    tab = lambda: html(client_for(hq).get(reverse("dashboard:inbox"), {"tab": "again"}))  # noqa: E731
    assert c.tracking_code in tab()
    lifecycle.record(c, "citizen_satisfied", actor=lifecycle.Actor(name="citizen (tracking page)"))
    assert c.tracking_code not in tab()


def test_a_request_on_a_closed_complaint_comes_back_to_the_unit_queue(client_for, resolved, meerut_cell,
                                                                      bareilly_cell):
    c = lifecycle.close(resolved(), "resolved_without_fir")
    cell = client_for(meerut_cell)
    assert c.tracking_code not in html(cell.get(reverse("dashboard:queue")))
    lifecycle.record(c, "reopen_requested", actor=lifecycle.Actor(name="ingest"), note="Phir se dhamki mili")
    queue = html(cell.get(reverse("dashboard:queue")))
    assert c.tracking_code in queue and "Phir se dhamki mili" in queue
    assert c.tracking_code in html(cell.get(reverse("dashboard:queue"), {"show": "again"}))
    assert c.tracking_code not in html(client_for(bareilly_cell).get(reverse("dashboard:queue")))


def test_supervisor_and_handover_show_the_requests(client_for, resolved, meerut_range, hq):
    c = resolved()
    lifecycle.record(c, "reopen_requested", actor=lifecycle.Actor(name="ingest"), note="Kuch nahi hua")
    lifecycle.record(resolved(), "citizen_satisfied", actor=lifecycle.Actor(name="citizen (tracking page)"))
    page = html(client_for(meerut_range).get(reverse("dashboard:supervise")))
    assert c.tracking_code in section(page, 'id="reopen-requests"')
    meerut_row = section(page, "<td>Meerut</td>", "</tr>")
    assert meerut_row.endswith("<td>1</td>")  # asked to look again
    handover = html(client_for(hq).get(reverse("dashboard:handover")))
    assert c.tracking_code in section(handover, 'id="reopen-requests"')
    assert "Kuch nahi hua" in handover


def test_handover_lists_the_hand_offs_to_112(client_for, make_complaint, hq):
    c = make_complaint(text="Goli chal rahi", **URGENT)
    lifecycle.hand_to_112(c, actor=hq, reference="E-42")
    page = html(client_for(hq).get(reverse("dashboard:handover")))
    handed = section(page, 'id="handed-112"')
    assert c.tracking_code in handed and "hq-sup" in handed and "E-42" in handed


def test_league_page_and_exports_count_satisfaction(client_for, resolved, hq):
    from django.core.cache import cache

    cache.clear()  # a league kept by an earlier test (with its own cache setting) would be stale here
    for answer in ("citizen_satisfied", "citizen_satisfied", "reopen_requested"):
        lifecycle.record(resolved(), answer, actor=lifecycle.Actor(name="citizen (tracking page)"))
    client = client_for(hq)
    page = html(client.get(reverse("dashboard:league")))
    assert "Satisfied (% of answers)" in page
    csv = b"".join(client.get(reverse("dashboard:export_league", args=["csv"])).streaming_content).decode()
    header, *rows = csv.lstrip("\ufeff").splitlines()
    assert header.endswith("Satisfied,Not satisfied,Satisfied (% of answers),Reopened")
    meerut = next(r for r in rows if ",Meerut," in r)
    assert meerut.endswith(",2,1,66.7,0")


def test_queue_pages_hold_each_complaint_once(client_for, forwarded, resolved, meerut_cell):
    """The urgent block and the requests come first on the first page only; the pages after it go on with
    the rest in deadline order, and no complaint shows twice or goes missing."""
    plain = [forwarded("meerut", text=f"Sadak par jhagda {i}") for i in range(52)]
    hot = forwarded("meerut", text="Goli chal rahi", **URGENT)
    asked = resolved()
    lifecycle.record(asked, "reopen_requested", actor=lifecycle.Actor(name="ingest"), note="Kuch nahi hua")
    cell = client_for(meerut_cell)
    first = html(cell.get(reverse("dashboard:queue")))
    second = html(cell.get(reverse("dashboard:queue"), {"offset": 50}))
    codes = [c.tracking_code for c in [*plain, hot, asked]]
    seen = [code for page in (first, second) for code in codes if f">{code}</a>" in page]
    assert sorted(seen) == sorted(codes)  # each once
    # Which plain complaint opens the list depends on the deadlines (equal outside the unit's working hours,
    # then the newest first): the urgent one and the request come before whichever it is.
    first_plain = min(first.index(c.tracking_code) for c in plain if c.tracking_code in first)
    assert first.index(hot.tracking_code) < first.index(asked.tracking_code) < first_plain
    assert hot.tracking_code not in second and asked.tracking_code not in second
