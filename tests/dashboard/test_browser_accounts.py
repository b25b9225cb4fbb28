"""The X accounts page in a real browser (the harness of test_browser.py): HQ at 1366 px in English and
Hindi, a district cell on a 360 px phone seeing only its own account, no sideways scroll, no CSP report.
Screenshots go to artifacts/dashboard-accounts-*.png."""

from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

import pytest

from districts import account_rules as rules
from districts.models import AccountAuditRun, AccountCheck, AuditStatus, XAccount

from .test_browser import browser, close, login, seeded, shot, snapshot  # noqa: F401  (the shared harness)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
AT = datetime(2026, 12, 1, 4, 30, tzinfo=dt_timezone.utc)


def audited():
    AccountAuditRun.objects.create(started_at=AT, finished_at=AT, status=AuditStatus.COMPLETE, accounts=26,
                                   checked=26, requests=1, estimated_usd=Decimal("0.26"), cost_usd=Decimal("0.26"))
    for handle, fields in (("meerutpolice", {"protected": True, "missing_follows": ["Uppolice"],
                                             "follows_checked_at": AT}),
                           ("hapurpolice", {"description": "", "profile_image_url": ""}),
                           ("bareillypolice", {})):
        account = XAccount.objects.get(handle=handle)
        values = dict(exists=True, x_username=handle, name=f"{account.unit.name_en} Police", verified=True,
                      protected=False, description="UP Police. Dial 112.", followers_count=12000, following_count=300,
                      profile_image_url="https://pbs.twimg.com/profile_images/1/logo.jpg", checked_at=AT)
        values.update(fields)
        check = AccountCheck(account=account, **values)
        check.findings = rules.findings(account, check)
        check.save()


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_hq_sees_every_unit_in_english_and_hindi(seeded, live_server, browser, hq):  # noqa: F811
    audited()
    ctx, page = login(browser, live_server, "hq-sup", "pw-hq-sup", **WIDE)
    page.goto(f"{live_server.url}/x-accounts/")
    assert "1 Dec 2026, 10:00 IST" in page.locator("#last-audit").inner_text()
    meerut = page.locator("#account-meerutpolice").inner_text()
    assert "protected" in meerut and "@Uppolice" in meerut
    fits(page, 1366)
    shot(page, "accounts-1-hq-1366")
    with page.expect_navigation():
        page.select_option("#lang-select", "hi")
    assert page.locator("html").get_attribute("lang") == "hi"
    assert "1 दिसंबर 2026, 10:00 बजे IST" in page.locator("#last-audit").inner_text()
    fits(page, 1366)
    shot(page, "accounts-2-hq-hindi-1366")
    close(ctx)


def test_a_district_cell_sees_its_own_account_on_a_phone(seeded, live_server, browser, meerut_cell):  # noqa: F811
    audited()
    ctx, page = login(browser, live_server, "meerut-cell", "pw-meerut-cell", **PHONE)
    page.goto(f"{live_server.url}/x-accounts/")
    assert page.locator("#account-meerutpolice").is_visible()
    assert page.locator("#account-hapurpolice").count() == 0
    fits(page, 360)
    shot(page, "accounts-3-cell-360")
    close(ctx)
