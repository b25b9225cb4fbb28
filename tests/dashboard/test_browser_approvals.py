"""Browser test of the supervising officer's queue of station reports (the harness of test_browser.py:
Debian's Chromium, Playwright, the live server), at 1366 px and on a 360 px phone, in English and Hindi:
the SP returns one report with a reason and approves another; the cell then sees the returned one with the
reason. Screenshots go to artifacts/dashboard-approvals-*.png."""

import pytest

from complaints import lifecycle
from complaints.models import Complaint, Status
from districts.models import Role
from twitter_ingest.models import Outbox, OutboxKind

from ..conftest import _persona
from .test_browser import browser, close, login, seeded, shot, snapshot  # noqa: F401  (the shared harness)
from .test_browser_queues import PHONE, WIDE, fits, to_hindi

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORTS = ["Thana Sadar: SI enquired, the stolen phone was traced and returned to the complainant.",
           "Thana Partapur: both sides called; the dispute was settled in writing before the SHO."]


def to_english(page):
    with page.expect_navigation():
        page.select_option("#lang-select", "en")


def test_the_sp_returns_one_report_and_approves_another(seeded, live_server, browser, meerut_cell, unit):  # noqa: F811
    _persona("meerut-sp", "meerut", Role.APPROVER)
    meerut = unit("meerut")
    meerut.reports_need_approval = True
    meerut.save()
    held = []
    for i, text in enumerate(REPORTS):
        c = lifecycle.file_complaint(text=f"Meerut mein shikayat {i}: mobile chori ho gaya",
                                     source_tweet_id=f"18620000000000007{i:02d}", author_username=f"citizen_{i}")
        c = lifecycle.note(lifecycle.forward(c, meerut), actor=meerut_cell)
        held.append(lifecycle.report(c, text, actor=meerut_cell))
    assert all(c.status == Status.AWAITING_APPROVAL for c in held)

    ctx, page = login(browser, live_server, "meerut-sp", "pw-meerut-sp", **WIDE)
    assert page.url.endswith("/approvals/")
    waiting = page.locator("#waiting").inner_text()
    assert all(c.tracking_code in waiting for c in held) and REPORTS[0] in waiting
    fits(page, 1366)
    shot(page, "approvals-1-queue-1366-en")
    to_hindi(page)
    assert page.locator("html").get_attribute("lang") == "hi"
    assert held[0].tracking_code in page.locator("#waiting").inner_text()
    fits(page, 1366)
    shot(page, "approvals-2-queue-1366-hi")
    close(ctx)

    ctx, page = login(browser, live_server, "meerut-sp", "pw-meerut-sp", **PHONE)
    page.goto(f"{live_server.url}/approvals/")
    to_english(page)  # the choice of Hindi above follows the login to this phone
    fits(page, 360)
    shot(page, "approvals-3-queue-360-en")
    first, second = held
    page.click(f"#approval-{first.tracking_code} details.return summary")
    page.fill(f"#return-reason-{first.tracking_code}", "Name the SI and give the date of the enquiry.")
    with page.expect_navigation():
        page.click(f"#return-{first.tracking_code}")
    assert page.url.endswith("/approvals/")
    assert "Name the SI" in page.locator("#returned").inner_text()
    with page.expect_navigation():
        page.click(f"#approve-{second.tracking_code}")
    assert 'id="nothing-waiting"' in page.content()
    fits(page, 360)
    shot(page, "approvals-4-after-360-en")
    to_hindi(page)
    fits(page, 360)
    shot(page, "approvals-5-after-360-hi")
    close(ctx)

    first, second = (Complaint.objects.get(pk=c.pk) for c in held)
    assert first.status == Status.IN_PROGRESS and first.report_return_reason.startswith("Name the SI")
    assert second.status == Status.IN_PROGRESS and second.action_taken_report == REPORTS[1]
    assert not Outbox.objects.filter(kind=OutboxKind.CLOSING).exists()  # an interim report is not tweeted

    ctx, page = login(browser, live_server, "meerut-cell", "pw-meerut-cell", **PHONE)
    page.goto(f"{live_server.url}/c/{first.tracking_code}/")
    assert "Name the SI" in page.locator("#report-returned").inner_text()
    fits(page, 360)
    shot(page, "approvals-6-cell-sees-returned-360-en")
    close(ctx)
