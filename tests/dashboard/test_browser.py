"""Browser tests: Debian's Chromium driven by Playwright against the live server.

HQ forwards a complaint, the Meerut cell notes it, files the station's report and resolves it, and the
citizen's tracking page shows the stages; the district queue fits a 360 px phone screen. Screenshots go
to artifacts/ (kept by CI as test artifacts)."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.apps import apps as django_apps
from django.core import serializers
from django.db import connection, connections, transaction
from django.urls import NoReverseMatch, reverse

from complaints import lifecycle
from complaints.models import Complaint, Status
from districts.models import StaffProfile, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"


SNAPSHOT_APPS = ("districts", "complaints", "dashboard", "twitter_ingest")


def _reference_rows():
    """Every row of the project's reference data (units, categories, SLA targets, reply templates...)
    as it is before these tests; logins and their profiles are left out (the fixtures make them)."""
    rows = []
    for label in SNAPSHOT_APPS:
        for model in django_apps.get_app_config(label).get_models():
            if model is not StaffProfile and not model._meta.proxy:
                rows.extend(model._base_manager.order_by("pk"))
    return serializers.serialize("json", rows)


def _restore(snapshot):
    """Transactional tests empty every table afterwards; put the reference data back when it is gone."""
    objects = list(serializers.deserialize("json", snapshot))
    empty = {m for m in {o.object.__class__ for o in objects} if not m._base_manager.exists()}
    with transaction.atomic(), connection.constraint_checks_disabled():
        for obj in objects:
            if obj.object.__class__ in empty:
                obj.save()


@pytest.fixture(scope="module")
def snapshot(django_db_blocker):
    with django_db_blocker.unblock():
        if not Unit.objects.exists():
            call_command("load_units", verbosity=0)
        rows = _reference_rows()
    yield rows
    # The tests after this module (other areas' transactional tests) expect the reference data too.
    with django_db_blocker.unblock():
        _restore(rows)


@pytest.fixture
def seeded(snapshot, transactional_db):
    _restore(snapshot)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still
    # plain synchronous code, so Django's guard against ORM use inside a running loop is lifted here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    # CI installs Chromium (.ci/run), so there a missing browser fails the run; on a machine with only
    # Python the README's test command skips these tests and says why.
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()
        # Inside Playwright's loop the ORM kept its connections apart from the thread's usual ones; close
        # them here, or the test database could not be dropped at the end of the run.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


def watch_csp(ctx):
    """Collect the Content-Security-Policy violations Chromium reports on the console of every page."""
    ctx.csp_violations = []
    ctx.on("console", lambda message: ctx.csp_violations.append(message.text)
           if "Content Security Policy" in message.text else None)
    return ctx


def close(ctx):
    violations = ctx.csp_violations
    ctx.close()
    assert violations == []


def login(browser, live_server, username, password, **context):
    ctx = watch_csp(browser.new_context(**context))
    page = ctx.new_page()
    page.set_default_timeout(30_000)  # a busy machine's live server can take seconds per page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return ctx, page


def test_forward_note_report_resolve_and_track(seeded, live_server, browser, hq, meerut_cell, unit):
    complaint = lifecycle.file_complaint(text="Meerut Sadar Bazar mein mobile chori ho gaya", source_tweet_id="1862000000000000001",
                                         author_username="citizen_one")
    lifecycle.set_suggestion(complaint, unit("meerut"), "mentions Meerut", 0.9)

    ctx, page = login(browser, live_server, "hq-sup", "pw-hq-sup")
    assert page.url.endswith("/inbox/")
    row = page.locator(f"tr.row[data-id='{complaint.pk}']")
    assert row.locator("input[name=unit]").input_value() == "Meerut"
    shot(page, "1-hq-inbox")
    page.keyboard.press("j")  # keyboard triage: focus the first row...
    assert page.evaluate("document.activeElement.dataset.id") == str(complaint.pk)
    with page.expect_navigation():
        page.keyboard.press("f")  # ...and forward it to the unit shown
    assert "Forwarded to Meerut" in page.content()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.FORWARDED
    close(ctx)

    ctx, page = login(browser, live_server, "meerut-cell", "pw-meerut-cell")
    assert page.url.endswith("/queue/")
    page.click("text=Noted")
    page.wait_for_load_state()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.NOTED
    page.goto(f"{live_server.url}/c/{complaint.tracking_code}/")
    report = page.locator("#id_report_text")
    report.fill("Thana Sadar Bazar ne FIR darj ki, mobile baraamad.")
    assert page.locator("#action-report .counter").inner_text().startswith("50 / 280")
    shot(page, "2-district-report")
    page.locator("#action-report button[type=submit]").click()
    page.wait_for_load_state()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.IN_PROGRESS
    assert page.locator("#action-resolve").get_attribute("open") is not None  # the step it waits for
    page.locator("#action-resolve button[type=submit]").click()
    page.wait_for_load_state()
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.status == Status.RESOLVED
    timeline = page.locator("#timeline").inner_text()
    for label in ("Filed", "Forwarded", "Noted", "Action-taken report filed", "Resolved"):
        assert label in timeline
    shot(page, "3-district-resolved")
    close(ctx)

    try:
        track_url = reverse("track:detail", args=[complaint.tracking_code])
    except NoReverseMatch:
        track_url = None
    if track_url:  # the citizens' page, when the tracking part is installed
        ctx = watch_csp(browser.new_context(viewport={"width": 360, "height": 740}))
        page = ctx.new_page()
        page.goto(f"{live_server.url}{track_url}?lang=en")
        text = page.inner_text("body")
        assert complaint.tracking_code in text
        for stage in ("Received", "Noted by the police", "Action taken"):
            assert stage in text
        shot(page, "4-citizen-tracking")
        close(ctx)


def test_district_queue_fits_a_phone(seeded, live_server, browser, meerut_cell, meerut_range, unit):
    meerut = unit("meerut")
    for i in range(6):
        c = lifecycle.file_complaint(
            text=f"शिकायत {i}: " + "बहुत लंबा पाठ बिना रुके " * 8 + "https://example.com/" + "x" * 120,
            source_tweet_id=str(1862000000000000100 + i), author_username=f"citizen_with_long_handle{i}")
        c = lifecycle.forward(c, meerut)
        if i == 0:
            lifecycle.record(c, "nudge", actor=meerut_range, note="Kripya aaj hi noted karein " + "y" * 60)
    ctx, page = login(browser, live_server, "meerut-cell", "pw-meerut-cell",
                      viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page.goto(f"{live_server.url}/queue/")
    assert page.locator("li.item").count() == 6
    assert page.locator(".sla").count() == 6
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, "5-queue-360px")
    assert width <= 360
    page.goto(f"{live_server.url}/c/{Complaint.objects.first().tracking_code}/")
    shot(page, "6-complaint-360px")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # And in Hindi.
    with page.expect_navigation():
        page.select_option("#lang-select", "hi")  # submits itself (the button is for pages without script)
    page.goto(f"{live_server.url}/queue/")
    assert page.inner_text("h1") == "कतार: मेरठ"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "7-queue-360px-hindi")
    close(ctx)



def test_security_pages_and_library_pages_keep_to_the_csp(seeded, live_server, browser, hq, make_complaint):
    """The token and lockout pages, the admin and the API docs work under the Content-Security-Policy and
    raise no violation (close() asserts that for every page of the context)."""
    make_complaint()
    ctx, page = login(browser, live_server, "hq-sup", "pw-hq-sup")
    page.goto(f"{live_server.url}/account/tokens/")
    page.fill("#id_name", "MIS sync")
    page.click("main form.card button[type=submit]")
    page.wait_for_load_state()
    key = page.inner_text("#new-token")
    assert key.count(".") == 1 and "MIS sync" in page.inner_text("table")
    shot(page, "9-api-tokens")
    page.goto(f"{live_server.url}/security/lockouts/")
    assert page.locator("h1").inner_text() == "Login lockouts"
    page.goto(f"{live_server.url}/admin/complaints/event/")
    assert page.locator("#result_list").count() == 1
    page.goto(f"{live_server.url}/admin/districts/unit/{Unit.objects.get(slug='meerut').pk}/change/")
    page.click(".field-parent .select2-selection")  # the autocomplete widget (select2) opens
    page.wait_for_selector(".select2-results__option")
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    page.goto(f"{live_server.url}/api/redoc/")
    page.wait_for_selector("h1")
    shot(page, "8-api-redoc")
    # ReDoc's bundle shows its maker's logo from their CDN; the policy blocking that (and only that)
    # is the policy working: no asset comes from another origin.
    ctx.csp_violations = [v for v in ctx.csp_violations if "https://cdn.redoc.ly/" not in v]
    close(ctx)
