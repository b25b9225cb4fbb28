"""Browser test of HQ's watched-accounts page and the per-account rows of the ingest health page (the
harness of test_browser.py: Debian's Chromium, Playwright, the live server), 1366 px and a 360 px phone,
English and Hindi. Screenshots go to artifacts/dashboard-watched-accounts-*.png."""

import pytest

from districts.models import XAccount
from twitter_ingest.models import AccountState

from .test_browser import browser, close, login, seeded, shot, snapshot  # noqa: F401  (the shared harness)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("size,width", [(WIDE, 1366), (PHONE, 360)], ids=["1366", "360"])
def test_hq_switches_an_account_on_and_sees_it_on_the_health_page(seeded, live_server, browser, hq,  # noqa: F811
                                                                   size, width):
    state = XAccount.objects.get(handle__iexact="Uppolice")
    AccountState.objects.create(account=state, since_id="1861000000000000001")
    ctx, page = login(browser, live_server, "hq-sup", "pw-hq-sup", **size)
    page.goto(f"{live_server.url}/ingest/accounts/")
    page.fill("#watch-handle", "dgpup")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    assert "@dgpup" in page.locator("table").inner_text()
    assert XAccount.objects.get(handle="dgpup").watched
    fits(page, width)
    shot(page, f"watched-accounts-1-switch-{width}")
    page.goto(f"{live_server.url}/ingest/")
    table = page.locator("#account-states").inner_text()
    assert "@Uppolice" in table and "@dgpup" in table
    fits(page, width)
    shot(page, f"watched-accounts-2-health-{width}")
    with page.expect_navigation():
        page.select_option("#lang-select", "hi")
    assert page.locator("html").get_attribute("lang") == "hi"
    page.goto(f"{live_server.url}/ingest/accounts/")
    fits(page, width)
    shot(page, f"watched-accounts-3-switch-hi-{width}")
    close(ctx)
