"""Browser test of the bell (the harness of test_browser.py: Debian's Chromium, Playwright, the live
server): a Meerut cell login with an escalation alert sees the unread count in the header at 1366 px and on
a 360 px phone, opens the list, opens the alert (it is marked read, the count goes), in English and Hindi.
Screenshots go to artifacts/dashboard-bell-*.png."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import escalation, lifecycle

from .test_browser import browser, close, login, seeded, shot, snapshot  # noqa: F401  (the shared harness)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def overdue_alerts(unit, count):
    long_ago = timezone.now() - timedelta(days=2)
    made = []
    for i in range(count):
        c = lifecycle.file_complaint(text=f"Meerut mein chori ho gayi {i}", source_tweet_id=f"18620000000000007{i:02d}",
                                     author_username=f"citizen_{i}", received_at=long_ago)
        made.append(lifecycle.forward(c, unit("meerut"), at=long_ago + timedelta(minutes=5)))
    escalation.climb()
    return made


@pytest.mark.parametrize("size,context", [("1366", WIDE), ("360", PHONE)])
def test_the_bell_shows_unread_and_opening_an_alert_reads_it(seeded, live_server, browser, meerut_cell, unit,  # noqa: F811
                                                            size, context):
    first, second = overdue_alerts(unit, 2)
    ctx, page = login(browser, live_server, "meerut-cell", "pw-meerut-cell", **context)
    page.goto(f"{live_server.url}/queue/")
    bell = page.locator("#bell")
    assert bell.is_visible() and page.locator("#bell-count").inner_text() == "2"
    assert bell.get_attribute("aria-label") == "2 unread notifications"
    assert page.evaluate("document.documentElement.scrollWidth") <= int(size)
    shot(page, f"bell-1-queue-{size}")
    bell.click()
    page.wait_for_load_state()
    listing = page.locator("#notifications").inner_text()
    assert first.tracking_code in listing and second.tracking_code in listing
    assert page.evaluate("document.documentElement.scrollWidth") <= int(size)
    shot(page, f"bell-2-list-{size}")
    page.locator(f"#notifications a:has-text('{first.tracking_code}')").first.click()
    page.wait_for_load_state()
    assert f"/c/{first.tracking_code}/" in page.url
    assert page.locator("#escalation-level").inner_text().startswith("Unit cell")
    assert page.locator("#bell-count").inner_text() == "1"
    with page.expect_navigation():
        page.select_option("#lang-select", "hi")
    page.goto(f"{live_server.url}/notifications/")
    assert page.locator("html").get_attribute("lang") == "hi"
    assert "मेरठ" in page.locator("#notifications").inner_text()
    shot(page, f"bell-3-list-hindi-{size}")
    page.click("#mark-all-read")
    page.wait_for_load_state()
    assert page.locator("#bell-count").count() == 0
    close(ctx)
