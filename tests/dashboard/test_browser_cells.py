"""Browser tests of the cell page and HQ's directory of cells (the harness of test_browser.py: Debian's
Chromium, Playwright, the live server), at 1366 and 360 px, in English and Hindi. Screenshots go to
artifacts/dashboard-cells-*.png."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.triage import places
from districts import cell
from districts.models import CellAction, CellContact, CellEvent, PoliceStation

from .test_browser import browser, close, login, seeded, shot, snapshot  # noqa: F401  (the shared harness)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture(autouse=True)
def fresh_gazetteer():
    places.forget()
    yield
    places.forget()


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def to_hindi(page):
    with page.expect_navigation():
        page.select_option("#lang-select", "hi")


def test_a_cell_keeps_its_contacts_and_stations_on_a_phone(seeded, live_server, browser, lucknow_cell):  # noqa: F811
    ctx, page = login(browser, live_server, "lucknow-cell", "pw-lucknow-cell", **PHONE)
    page.goto(f"{live_server.url}/cell/")
    assert page.url.endswith("/unit/lucknow-commissionerate/cell/")
    page.click("#add-contact summary")
    page.fill("#id_new-staff_name", "Anita Singh")
    page.fill("#id_new-designation", "Sub-Inspector")
    page.fill("#id_new-cug_number", "12345")  # not a phone number: refused next to the field
    page.fill("#id_new-email", "sm.lucknow@up.example")
    page.locator("#add-contact button[type=submit]").click()
    page.wait_for_load_state()
    assert "is not a valid Indian phone number" in page.locator("#add-contact").inner_text()
    assert not CellContact.objects.exists()
    page.fill("#id_new-cug_number", "94544 05120")
    page.locator("#add-contact button[type=submit]").click()
    page.wait_for_load_state()
    assert "+91 94544 05120" in page.locator("#contacts").inner_text()
    page.click("#confirm-list")
    page.wait_for_load_state()
    assert "by lucknow-cell" in page.locator("#confirmation").inner_text()

    aliganj = PoliceStation.objects.get(unit__slug="lucknow-commissionerate", name_en="Aliganj")
    row = page.locator(f"#stations tr[data-id='{aliganj.pk}']")
    row.locator("summary").click()
    row.locator(f"#id_s{aliganj.pk}-name_en").fill("Aliganj Kotwali")
    row.locator("button.primary").click()
    page.wait_for_load_state()
    assert "Aliganj" in page.locator(f"#stations tr[data-id='{aliganj.pk}'] .alt").inner_text()
    page.locator(f"#stations tr[data-id='{aliganj.pk}'] button.danger").click()
    page.wait_for_load_state()
    assert not PoliceStation.objects.get(pk=aliganj.pk).is_active
    fits(page, 360)
    shot(page, "cells-1-cell-page-360")
    to_hindi(page)
    assert page.locator("html").get_attribute("lang") == "hi"
    assert "अलीगंज" in page.locator("#stations").inner_text()
    fits(page, 360)
    shot(page, "cells-2-cell-page-360-hindi")
    close(ctx)

    ctx, page = login(browser, live_server, "lucknow-cell", "pw-lucknow-cell", **WIDE)
    page.goto(f"{live_server.url}/unit/lucknow-commissionerate/cell/")
    fits(page, 1366)
    shot(page, "cells-3-cell-page-1366")
    assert page.goto(f"{live_server.url}/unit/meerut/cell/").status == 404  # another unit's page
    close(ctx)


def test_hq_sees_the_stale_cells_first_and_sends_a_reminder(seeded, live_server, browser, hq, unit):  # noqa: F811
    for slug, name, days in (("meerut", "Ramesh Kumar", 2), ("bareilly", "Suresh Yadav", 60)):
        cell.add_contact(unit(slug), {"staff_name": name, "designation": "HC", "cug_number": "9454405120",
                                      "email": "", "shift": "morning"})
        entry = cell.confirm(unit(slug))
        CellEvent.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(days=days))
    ctx, page = login(browser, live_server, "hq-sup", "pw-hq-sup", **WIDE)
    page.goto(f"{live_server.url}/cells/")
    slugs = page.locator("tr.unit-row").evaluate_all("rows => rows.map(r => r.dataset.slug)")
    assert slugs.index("bareilly") < slugs.index("meerut")
    assert page.locator("tr.unit-row[data-slug='bareilly']").get_attribute("class").endswith("stale")
    assert "stale" not in page.locator("tr.unit-row[data-slug='meerut']").get_attribute("class")
    page.select_option("#sort", "-confirmed")
    page.locator("#directory-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("tr.unit-row").first.get_attribute("data-slug") == "meerut"
    page.locator("tr.unit-row[data-slug='bareilly'] button.chase").click()
    page.wait_for_load_state()
    assert "no contact of the unit has an e-mail" in page.locator(".messages").inner_text()
    assert CellEvent.objects.filter(unit__slug="bareilly", action=CellAction.CHASED).exists()
    fits(page, 1366)
    shot(page, "cells-4-directory-1366")
    to_hindi(page)
    assert "बरेली" in page.locator("#directory").inner_text()
    shot(page, "cells-5-directory-1366-hindi")
    close(ctx)

    ctx, page = login(browser, live_server, "hq-sup", "pw-hq-sup", **PHONE)
    page.goto(f"{live_server.url}/cells/?stale=1")
    assert page.locator("tr.unit-row[data-slug='meerut']").count() == 0
    fits(page, 360)
    shot(page, "cells-6-directory-360-hindi")
    close(ctx)
