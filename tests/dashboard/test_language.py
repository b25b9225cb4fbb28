"""Hindi and English: the switch, the per-browser choice, the complete compiled translation, IST times."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "hi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _po_entries(text):
    """(msgid, msgstr) pairs of a .po file; enough of the format for this check."""
    entries, current, key = [], {}, None
    for line in text.splitlines() + [""]:
        if not line.strip():
            if "msgid" in current:
                if "msgid_plural" not in current:  # plural forms are checked by msgfmt --check
                    entries.append((current["msgid"], current.get("msgstr", ""), current.get("msgctxt")))
            current, key = {}, None
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgstr[", "msgid_plural ")):
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    return [(i, s, c) for i, s, c in entries if i]


def test_hindi_translation_is_complete_and_compiled():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = _po_entries(text)
    assert len(entries) > 500
    assert [msgid for msgid, msgstr, _ in entries if not msgstr] == []
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr, context in entries:
        found = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        assert found == msgstr, msgid  # the shipped .mo matches the .po


def test_dashboard_strings_in_hindi():
    with translation.override("hi"):
        assert translation.gettext("HQ inbox") == "मुख्यालय इनबॉक्स"
        assert translation.gettext("Overdue only") == "केवल समय-सीमा पार"


def test_language_switch_persists_for_the_browser(client_for, meerut_cell, meerut_complaint):
    client = client_for(meerut_cell)
    response = client.post("/i18n/setlang/", {"language": "hi", "next": reverse("dashboard:queue")})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hi"
    body = client.get(reverse("dashboard:queue")).content.decode()
    assert 'lang="hi"' in body and "कतार" in body and "संज्ञान लिया गया" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Queue" in client.get(reverse("dashboard:queue")).content.decode()


def test_the_choice_follows_the_login_to_another_device(client_for, meerut_cell, meerut_complaint):
    """Chosen on the desk PC, kept on the login: a phone with no cookie and an English browser gets Hindi."""
    desk = client_for(meerut_cell)
    desk.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    meerut_cell.staff_profile.refresh_from_db()
    assert meerut_cell.staff_profile.language == "hi"
    phone = client_for(meerut_cell, HTTP_ACCEPT_LANGUAGE="en")
    response = phone.get(reverse("dashboard:queue"))
    assert 'lang="hi"' in response.content.decode() and response["Content-Language"] == "hi"
    # another login on the same phone is not affected
    assert 'lang="en"' in client_for(None, HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/").content.decode()


def test_bad_or_anonymous_choices_store_nothing(client_for, meerut_cell):
    client = client_for(meerut_cell)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    client_for(None).post("/i18n/setlang/", {"language": "hi", "next": "/"})
    meerut_cell.staff_profile.refresh_from_db()
    assert meerut_cell.staff_profile.language == ""


def test_times_are_shown_in_ist(client_for, hq, make_complaint):
    from datetime import datetime, timezone

    complaint = make_complaint(received_at=datetime(2026, 11, 23, 4, 30, tzinfo=timezone.utc))
    body = client_for(hq).get(reverse("dashboard:complaint", args=[complaint.tracking_code])).content.decode()
    assert "23 Nov 2026, 10:00 IST" in body


@pytest.mark.parametrize("url", ["/accounts/login/"])
def test_login_page_in_hindi(client, url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    assert "लॉग इन" in client.get(url).content.decode()


def test_hindi_dates_use_the_full_month_name():
    from datetime import datetime, timezone as tz

    from dashboard.templatetags.dashboard_tags import ist

    moment = datetime(2026, 12, 1, 8, 35, tzinfo=tz.utc)  # 14:05 IST
    with translation.override("hi"):
        assert ist(moment) == "1 दिसंबर 2026, 14:05 बजे IST"
    with translation.override("en"):
        assert ist(moment) == "1 Dec 2026, 14:05 IST"


@pytest.mark.django_db
def test_the_tracking_page_gives_hindi_dates_in_full(client, make_complaint):
    complaint = make_complaint()
    page = client.get(f"/track/{complaint.tracking_code}/", {"lang": "hi"}).content.decode()
    assert "बजे IST" in page
