"""Browser tests of the screens of issue #12 item 11 (the harness of test_browser.py: Debian's Chromium,
Playwright, the live server), at 1366 px and 360 px, in English and Hindi: a complaint page with a citizen's
follow-up, photos, an edit and a deleted tweet, all filed by the real poller from the simulated X; the
ingest health page; the league chart with whole unit names; the favicon. Screenshots go to
artifacts/dashboard-screens-*.png."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from complaints import lifecycle
from complaints.models import Complaint
from districts.models import XAccount
from twitter_ingest import deletions, poller
from twitter_ingest.fake_api import FakeXServer
from twitter_ingest.models import AccountState

from .test_browser import ARTIFACTS, browser, close, login, seeded, shot, snapshot  # noqa: F401  (the shared harness)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {
    1366: {"viewport": {"width": 1366, "height": 900}},
    360: {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
}
MONTHS_HI = "जनवरी|फ़रवरी|मार्च|अप्रैल|मई|जून|जुलाई|अगस्त|सितंबर|अक्टूबर|नवंबर|दिसंबर"


@pytest.fixture
def fake_x(settings):
    cache.clear()
    with FakeXServer() as server:
        server.fake.add_user({"id": "2000000000000000101", "username": "lkopolice", "name": "Lucknow Police"})
        server.fake.add_user({"id": "3000000000000000203", "username": "amit_meerut", "name": "अमित कुमार",
                              "location": "मेरठ"})
        settings.X_API_BASE_URL = server.url
        settings.X_BEARER_TOKEN = "test-bearer"
        settings.X_POLL_BACKOFF_SECONDS = 0.01
        settings.X_AUTO_FORWARD_CONFIDENCE = None
        settings.X_POST_ENABLED = False
        yield server.fake


def to_language(page, lang):
    if page.locator("html").get_attribute("lang") != lang:
        with page.expect_navigation():
            page.select_option("#lang-select", lang)
    assert page.locator("html").get_attribute("lang") == lang


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def each_screen(browser, live_server, url, name, check):  # noqa: F811
    """Open `url` as HQ at both widths and in both languages; check, then photograph each."""
    for width, context in SIZES.items():
        ctx, page = login(browser, live_server, "hq-sup", "pw-hq-sup", **context)
        for lang in ("en", "hi"):
            page.goto(f"{live_server.url}{url}")
            to_language(page, lang)
            check(page, lang, width)
            fits(page, width)
            shot(page, f"screens-{name}-{width}{'-hindi' if lang == 'hi' else ''}")
        to_language(page, "en")
        close(ctx)


def test_complaint_page_with_follow_up_photos_edit_and_deletion(seeded, live_server, browser, hq, fake_x,  # noqa: F811
                                                                settings):
    settings.X_DELETION_RECHECK_HOURS = 0  # the sweep looks again at the reply polled a moment ago
    account = XAccount.objects.get(handle__iexact="Uppolice")
    original = fake_x.add_tweet({"author": "amit_meerut", "lang": "hi",
                                 "text": "@Uppolice मेरठ के सदर बाजार में मेरी दुकान का ताला तोड़कर चोरी हुई है।",
                                 "media": [{"type": "photo", "alt_text": "टूटा हुआ ताला"},
                                           {"type": "photo", "alt_text": "खुला शटर"}]})
    poller.poll_account(account)
    reply = fake_x.add_tweet({"author": "amit_meerut", "lang": "hi", "in_reply_to": original["id"],
                              "text": "@Uppolice दुकान के बाहर लगे कैमरे की रिकॉर्डिंग भी है।"})
    fake_x.edit(original["id"], original["text"] + " चोरी रात 2 बजे हुई।")
    poller.poll_account(account)
    fake_x.deleted.add(reply["id"])
    assert deletions.sweep()["deleted"] == 1
    complaint = Complaint.objects.get(source_tweet_id=original["id"])

    def check(page, lang, width):
        timeline = page.locator("#timeline").inner_text()
        if lang == "en":
            assert "Follow-up from the complainant" in timeline and "Internal note" not in timeline
            assert "Edited on X by its author" in timeline and "is no longer on X" in timeline
            assert page.locator("#media .media-item").count() == 2
            assert "deleted on X" in page.locator("#deleted-on-x").inner_text()
        else:
            assert "शिकायतकर्ता का अनुवर्ती संदेश" in timeline
            assert re.search(rf"\d+ ({MONTHS_HI}) \d{{4}}", timeline)
            assert re.findall(r"[A-Za-z]{2,}", re.sub(r"@\w+|UPP-[\w-]+|\bIST\b|hq-sup", " ", timeline)) == []

    each_screen(browser, live_server, f"/c/{complaint.tracking_code}/", "1-complaint", check)


def test_ingest_health_page(seeded, live_server, browser, hq, fake_x):  # noqa: F811
    XAccount.objects.filter(handle="lkopolice").update(watched=True)
    state = XAccount.objects.get(handle__iexact="Uppolice")
    poller.poll_account(state)
    AccountState.objects.filter(account=state).update(last_poll_at=timezone.now() - timedelta(seconds=150),
                                                      last_success_at=timezone.now() - timedelta(seconds=150))
    fake_x.faults.append({"route": "mentions", "status": 503, "count": 20})
    poller.poll_account(XAccount.objects.get(handle="lkopolice"))

    def check(page, lang, width):
        table = page.locator("#ingest-accounts").inner_text()
        assert page.locator("#ingest-details").get_attribute("open") is None  # the engineers' part, closed
        if lang == "en":
            assert "2 minutes behind" in table and "X was not answering properly" in table
        else:
            assert "2 मिनट पीछे" in table and "X ठीक से उत्तर नहीं दे रहा था" in table
        assert "503" not in table and "{" not in table

    each_screen(browser, live_server, "/ingest/", "2-ingest-health", check)


def test_league_chart_with_whole_unit_names(seeded, live_server, browser, hq, unit):  # noqa: F811
    for slug, n in (("gautam-buddh-nagar-commissionerate", 3), ("kanpur-nagar-commissionerate", 2), ("meerut", 1)):
        for i in range(n):
            c = lifecycle.file_complaint(text=f"शिकायत {slug} {i}", source_tweet_id=f"18630000000000{n}{i:04d}")
            lifecycle.forward(c, unit(slug))
    names = {"en": unit("gautam-buddh-nagar-commissionerate").name_en,
             "hi": unit("gautam-buddh-nagar-commissionerate").name_hi}

    def check(page, lang, width):
        chart = page.locator(".card svg.chart").nth(2)
        drawn = " ".join(chart.locator("text.chart-label tspan").evaluate_all("els => els.map(e => e.textContent)"))
        assert names[lang] in drawn
        box = chart.bounding_box()
        assert box and box["width"] <= width

    each_screen(browser, live_server, "/league/", "3-league-chart", check)


def test_favicon_is_served(seeded, live_server, browser, hq):  # noqa: F811
    ctx, page = login(browser, live_server, "hq-sup", "pw-hq-sup", **SIZES[1366])
    href = page.locator("link[rel=icon]").get_attribute("href")
    response = page.goto(f"{live_server.url}{href}")
    assert response.ok and "svg" in response.headers["content-type"]
    response = page.goto(f"{live_server.url}/favicon.ico")
    assert response.ok and "svg" in response.headers["content-type"]  # followed to the icon
    page = ctx.new_page()  # a fresh page: the one that shows the icon is an SVG document, not HTML
    page.set_content(f'<img alt="" width="128" height="128" src="{live_server.url}{href}">')
    page.wait_for_function("document.images[0].complete && document.images[0].naturalWidth > 0")
    page.screenshot(path=str(ARTIFACTS / "dashboard-screens-4-favicon.png"), clip={"x": 0, "y": 0, "width": 150,
                                                                                   "height": 150})
    close(ctx)
