"""The accounts page: HQ sees every unit with what to fix and the last audit's time (IST) and cost; a
unit's cell sees only its own; English and Hindi; a login without a unit is refused."""

from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

from django.urls import reverse

from districts import account_rules as rules
from districts.models import AccountAuditRun, AccountCheck, AuditStatus, XAccount

URL = reverse("dashboard:account_audit")
AT = datetime(2026, 12, 1, 4, 30, tzinfo=dt_timezone.utc)  # 10:00 IST


def _checked(handle, **fields):
    account = XAccount.objects.get(handle=handle)
    values = dict(exists=True, x_username=handle, name=f"{account.unit.name_en} Police", verified=True,
                  protected=False, description="UP Police. Dial 112.",
                  profile_image_url="https://pbs.twimg.com/profile_images/1/logo.jpg", checked_at=AT)
    values.update(fields)
    check = AccountCheck.objects.create(account=account, **values)
    check.findings = rules.findings(account, check)
    check.save()
    return check


def _audit():
    AccountAuditRun.objects.create(started_at=AT, finished_at=AT, status=AuditStatus.COMPLETE, accounts=27,
                                   checked=27, requests=1, estimated_usd=Decimal("0.27"), cost_usd=Decimal("0.26"))
    _checked("meerutpolice", protected=True)
    _checked("hapurpolice", description="")
    _checked("bareillypolice")


def test_hq_sees_every_unit_what_to_fix_and_the_last_audit(client_for, hq):
    _audit()
    page = client_for(hq).get(URL).content.decode()
    assert "1 Dec 2026, 10:00 IST" in page and "0.26 USD" in page and "at most 0.27 USD" in page
    meerut = page[page.index('id="account-meerutpolice"'):]
    assert 'data-code="protected"' in meerut[:1500] and "Make the account public" in meerut[:1500]
    assert 'data-code="no_bio"' in page[page.index('id="account-hapurpolice"'):][:1500]
    assert 'data-code="ok"' in page[page.index('id="account-bareillypolice"'):][:1500]
    assert 'id="unit-agra"' in page and "No X account on file for this unit." in page  # most districts
    assert 'data-code="not_checked"' in page[page.index('id="account-lkopolice"'):][:1500]
    summary = page[page.index('id="audit-summary"'):page.index("</ul>", page.index('id="audit-summary"'))]
    assert "Protected: 1" in summary and "No bio: 1" in summary and "No account on file:" in summary
    only = client_for(hq).get(URL, {"problems": "1"}).content.decode()
    assert 'id="account-bareillypolice"' not in only and 'id="account-meerutpolice"' in only


def test_a_units_cell_sees_only_its_own_accounts(client_for, meerut_cell, meerut_range):
    _audit()
    page = client_for(meerut_cell).get(URL).content.decode()
    assert 'id="account-meerutpolice"' in page and "Make the account public" in page
    assert 'id="account-hapurpolice"' not in page and 'id="unit-agra"' not in page
    supervisor = client_for(meerut_range).get(URL).content.decode()
    assert 'id="account-hapurpolice"' in supervisor and 'id="account-bareillypolice"' not in supervisor


def test_the_page_in_hindi(client_for, hq):
    _audit()
    hq.staff_profile.language = "hi"
    hq.staff_profile.save()
    page = client_for(hq, HTTP_ACCEPT_LANGUAGE="hi").get(URL).content.decode()
    assert 'lang="hi"' in page
    assert "1 दिसंबर 2026, 10:00 बजे IST" in page  # the full month name, in IST
    assert "मेरठ" in page  # units by their Hindi names


def test_a_login_without_a_unit_is_refused(client_for, no_profile):
    assert client_for(no_profile).get(URL).status_code == 403
    assert client_for(None).get(URL).status_code == 302
