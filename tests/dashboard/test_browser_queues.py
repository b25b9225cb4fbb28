"""Browser tests of what waits for a person (the harness of test_browser.py: Debian's Chromium, Playwright,
the live server): HQ's inbox with the urgent alarm and the tab of requests to look again, the Dial 112
hand-off, the unit's queue on a 360 px phone, the supervisor's view, the handover and the league, in English
and Hindi. Screenshots go to artifacts/dashboard-queues-*.png."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import lifecycle
from complaints.models import Event

from .test_browser import browser, close, login, seeded, shot, snapshot  # noqa: F401  (the shared harness)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URGENT = {"priority": "urgent", "urgent_terms": ["goli chal rahi", "बचाओ"]}
WIDE = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def desk(unit):
    """An urgent mention whose short clock ran out long ago, a plain one, an urgent complaint with Meerut past
    its clock to note, and two resolved complaints whose complainants asked to look again."""
    long_ago = timezone.now() - timedelta(days=2)
    hot = lifecycle.file_complaint(text="@Uppolice Sadar Bazar Meerut mein goli chal rahi hai, bachao!",
                                   source_tweet_id="1862000000000000501", author_username="ramesh_k",
                                   received_at=long_ago, **URGENT)
    hot = lifecycle.set_suggestion(hot, unit("meerut"), "mentions Meerut", 0.9)
    plain = lifecycle.file_complaint(text="Meerut mein raat ko tez music bajta hai",
                                     source_tweet_id="1862000000000000502", author_username="neighbour")
    at_unit = lifecycle.file_complaint(text="Ghar ke bahar goli chal rahi hai, Partapur Meerut",
                                       source_tweet_id="1862000000000000503", author_username="sita_d",
                                       received_at=long_ago, **URGENT)
    at_unit = lifecycle.forward(at_unit, unit("meerut"), at=long_ago + timedelta(minutes=3))
    asked = []
    for i, (action, data) in enumerate((("reopen_requested", {"channel": "tracking page"}),
                                        ("reopen_requested", {"tweet_id": "1862000000000000599"}))):
        c = lifecycle.file_complaint(text=f"Mobile chori ho gaya {i}", source_tweet_id=f"186200000000000051{i}",
                                     author_username=f"citizen_{i}")
        c = lifecycle.forward(c, unit("meerut"))
        lifecycle.note(c)
        lifecycle.report(c, "FIR darj, talash jari.")
        c = lifecycle.resolve(c)
        lifecycle.record(c, action, actor=lifecycle.Actor(name="citizen"), note="Abhi tak kuch nahi hua", data=data)
        asked.append(c)
    return hot, plain, at_unit, asked


def to_hindi(page):
    with page.expect_navigation():
        page.select_option("#lang-select", "hi")


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_hq_inbox_alarm_tab_and_dial_112(seeded, live_server, browser, hq, unit):  # noqa: F811
    hot, plain, at_unit, asked = desk(unit)
    ctx, page = login(browser, live_server, "hq-sup", "pw-hq-sup", **WIDE)
    page.goto(f"{live_server.url}/inbox/")
    alarm = page.locator("#urgent-alarm")
    assert alarm.is_visible() and hot.tracking_code in alarm.inner_text()
    assert at_unit.tracking_code in alarm.inner_text()
    assert page.locator("#nav-alarm").inner_text().startswith("⚠ 2")
    rows = page.locator("tr.row")
    assert rows.first.get_attribute("data-id") == str(hot.pk)  # urgent first, though older
    assert "goli chal rahi" in rows.first.locator(".urgent-words").inner_text()
    fits(page, 1366)
    shot(page, "queues-1-inbox-urgent-1366")
    page.click("#tab-again")
    page.wait_for_load_state()
    requests = page.locator("#reopen-requests").inner_text()
    assert all(c.tracking_code in requests for c in asked)
    assert "not satisfied, from the tracking page" in requests and "asked to reopen on X" in requests
    shot(page, "queues-2-inbox-asked-again-1366")
    to_hindi(page)
    assert page.locator("html").get_attribute("lang") == "hi"
    fits(page, 1366)
    shot(page, "queues-3-inbox-asked-again-1366-hindi")
    page.goto(f"{live_server.url}/inbox/")
    shot(page, "queues-4-inbox-urgent-1366-hindi")
    # From the alarm to the hand-off: the prepared text, then who informed 112 and when is recorded.
    page.goto(f"{live_server.url}/c/{hot.tracking_code}/#action-hand_to_112")
    card = page.locator("#action-hand_to_112")
    assert card.get_attribute("open") is not None
    assert hot.tracking_code in page.locator("#dial112-hi").inner_text() and "@ramesh_k" in page.locator("#dial112-en").inner_text()
    shot(page, "queues-5-dial-112-1366-hindi")
    card.locator("input[name=reference]").fill("112-E-5531")
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    event = Event.objects.get(complaint=hot, action="hand_to_112")
    assert event.actor_name == "hq-sup" and event.data["reference"] == "112-E-5531"
    page.goto(f"{live_server.url}/inbox/")
    assert hot.tracking_code not in page.locator("#urgent-alarm").inner_text()  # only the unit's one is left
    close(ctx)


def test_unit_queue_on_a_phone_and_supervisor_handover_league(seeded, live_server, browser, meerut_cell,  # noqa: F811
                                                             meerut_range, hq, unit):
    hot, plain, at_unit, asked = desk(unit)
    lifecycle.record(asked[0], "citizen_satisfied", actor=lifecycle.Actor(name="citizen"), data={"channel": "tracking page"})
    ctx, page = login(browser, live_server, "meerut-cell", "pw-meerut-cell", **PHONE)
    page.goto(f"{live_server.url}/queue/")
    assert at_unit.tracking_code in page.locator("#urgent-alarm").inner_text()
    assert page.locator("li.item").first.inner_text().startswith(at_unit.tracking_code)  # urgent first
    assert asked[1].tracking_code in page.inner_text("main")
    fits(page, 360)
    shot(page, "queues-6-unit-queue-360")
    page.click("#show-again")
    page.wait_for_load_state()
    assert page.locator("li.item").count() == 1  # the satisfied answer came after the request
    fits(page, 360)
    to_hindi(page)
    page.goto(f"{live_server.url}/queue/")
    fits(page, 360)
    shot(page, "queues-7-unit-queue-360-hindi")
    page.goto(f"{live_server.url}/c/{at_unit.tracking_code}/")
    fits(page, 360)
    shot(page, "queues-8-dial-112-360-hindi")
    close(ctx)

    ctx, page = login(browser, live_server, "meerut-range", "pw-meerut-range", **PHONE)
    page.goto(f"{live_server.url}/supervise/")
    assert asked[1].tracking_code in page.locator("#reopen-requests").inner_text()
    fits(page, 360)
    shot(page, "queues-9-supervise-360")
    close(ctx)

    ctx, page = login(browser, live_server, "hq-sup", "pw-hq-sup", **WIDE)
    page.goto(f"{live_server.url}/handover/")
    assert asked[1].tracking_code in page.locator("#reopen-requests").inner_text()
    shot(page, "queues-10-handover-1366")
    page.goto(f"{live_server.url}/league/")
    header = page.locator("table.league thead").inner_text()
    assert "Satisfied (% of answers)" in header
    shot(page, "queues-11-league-1366")
    to_hindi(page)
    shot(page, "queues-12-league-1366-hindi")
    close(ctx)
