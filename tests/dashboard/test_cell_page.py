"""The cell page (/unit/<slug>/cell/) and HQ's directory of cells (/cells/): who may read and change what,
contacts and their confirmation, stations from the page, the stale list and the reminder sent over real
SMTP on loopback, the exports, the stations upload, and the page in Hindi."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from complaints.triage import places
from districts import cell
from districts.models import CellAction, CellContact, CellEvent, PoliceStation

from ..smtp_sink import SmtpSink

pytestmark = pytest.mark.django_db

CONTACT = {"new-staff_name": "Ramesh Kumar", "new-designation": "Head Constable", "new-cug_number": "94544 05120",
           "new-email": "Cell.Meerut@UPPolice.gov.in", "new-shift": "morning"}


@pytest.fixture(autouse=True)
def fresh_gazetteer():
    places.forget()
    yield
    places.forget()


def url(slug, tail=""):
    return f"/unit/{slug}/cell/{tail}"


def add_contact(unit, name="Ramesh Kumar", email="cell@up.example", cug="+919454405120"):
    return cell.add_contact(unit, {"staff_name": name, "designation": "HC", "cug_number": cug, "email": email,
                                   "shift": "morning"})


def test_the_units_cell_adds_a_contact_with_a_checked_cug_number(client_for, meerut_cell, unit):
    client = client_for(meerut_cell)
    response = client.post(url("meerut", "contacts/new/"), CONTACT)
    assert response.status_code == 302
    contact = CellContact.objects.get(unit=unit("meerut"))
    assert (contact.staff_name, contact.cug_number, contact.email) == ("Ramesh Kumar", "+919454405120",
                                                                       "cell.meerut@uppolice.gov.in")
    entry = CellEvent.objects.get(unit=unit("meerut"))
    assert (entry.action, entry.actor_name, entry.subject) == (CellAction.CONTACT_ADDED, "meerut-cell", "Ramesh Kumar")
    page = client.get(url("meerut")).content.decode()
    assert "+91 94544 05120" in page and "Ramesh Kumar" in page


@pytest.mark.parametrize("number", ["12345", "+1 202 555 0100", "94544-0512O"])
def test_a_number_that_is_not_indian_is_refused_next_to_its_field(client_for, meerut_cell, number):
    response = client_for(meerut_cell).post(url("meerut", "contacts/new/"), {**CONTACT, "new-cug_number": number})
    assert response.status_code == 400
    assert "is not a valid Indian phone number" in response.content.decode()
    assert not CellContact.objects.exists() and not CellEvent.objects.exists()


def test_editing_records_which_fields_changed_not_their_values(client_for, meerut_cell, unit):
    contact = add_contact(unit("meerut"))
    response = client_for(meerut_cell).post(url("meerut", f"contacts/{contact.pk}/"), {
        f"c{contact.pk}-staff_name": "Ramesh Kumar", f"c{contact.pk}-designation": "HC",
        f"c{contact.pk}-cug_number": "7839858961", f"c{contact.pk}-email": "cell@up.example",
        f"c{contact.pk}-shift": "evening"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.cug_number, contact.shift) == ("+917839858961", "evening")
    entry = CellEvent.objects.get(action=CellAction.CONTACT_CHANGED)
    assert entry.data["fields"] == ["cug_number", "shift"]
    assert "7839858961" not in str(entry.data) + entry.subject


def test_removing_a_contact_deletes_it_and_says_so(client_for, meerut_cell, unit):
    contact = add_contact(unit("meerut"))
    assert client_for(meerut_cell).post(url("meerut", f"contacts/{contact.pk}/remove/")).status_code == 302
    assert not CellContact.objects.filter(pk=contact.pk).exists()
    assert CellEvent.objects.filter(action=CellAction.CONTACT_REMOVED, subject="Ramesh Kumar").exists()


def test_confirming_stamps_who_and_when_and_needs_contacts(client_for, meerut_cell, unit):
    client = client_for(meerut_cell)
    refused = client.post(url("meerut", "confirm/"))
    assert refused.status_code == 400 and "staff before confirming the list" in refused.content.decode()
    add_contact(unit("meerut"))
    assert client.post(url("meerut", "confirm/")).status_code == 302
    entry = CellEvent.objects.get(action=CellAction.CONFIRMED)
    assert entry.actor_name == "meerut-cell" and timezone.now() - entry.created_at < timedelta(minutes=1)
    page = client.get(url("meerut")).content.decode()
    assert "List last confirmed as current on" in page and "by meerut-cell" in page


def test_another_district_cannot_read_or_change_the_page(client_for, bareilly_cell, unit):
    contact = add_contact(unit("meerut"))
    client = client_for(bareilly_cell)
    # Tried: reading, adding, editing, removing, confirming, adding and retiring a station of Meerut.
    assert client.get(url("meerut")).status_code == 404
    for tail in ("contacts/new/", f"contacts/{contact.pk}/", f"contacts/{contact.pk}/remove/", "confirm/",
                 "stations/new/"):
        assert client.post(url("meerut", tail), CONTACT).status_code == 404, tail
    lucknow_station = PoliceStation.objects.filter(unit__slug="lucknow-commissionerate").first()
    assert client.post(url("lucknow-commissionerate", f"stations/{lucknow_station.pk}/retire/")).status_code == 404
    assert CellContact.objects.filter(unit__slug="meerut").count() == 1
    assert not CellEvent.objects.exclude(action=CellAction.CONTACT_ADDED).exists()
    assert PoliceStation.objects.get(pk=lucknow_station.pk).is_active


def test_a_cell_cannot_reach_another_units_contact_through_its_own_page(client_for, bareilly_cell, unit):
    contact = add_contact(unit("meerut"))
    response = client_for(bareilly_cell).post(url("bareilly", f"contacts/{contact.pk}/remove/"))
    assert response.status_code == 404
    assert CellContact.objects.filter(pk=contact.pk).exists()


def test_a_supervisor_above_reads_but_cannot_change(client_for, meerut_range, unit):
    add_contact(unit("meerut"))
    client = client_for(meerut_range)
    page = client.get(url("meerut"))
    assert page.status_code == 200 and "Ramesh Kumar" in page.content.decode()
    assert "Confirm this list is current" not in page.content.decode()
    assert client.post(url("meerut", "confirm/")).status_code == 403
    assert client.get(url("bareilly")).status_code == 404  # Bareilly is not under the Meerut range
    assert not CellEvent.objects.exclude(action=CellAction.CONTACT_ADDED).exists()


def test_strangers_and_anonymous_get_nothing(client_for, no_profile):
    assert client_for(no_profile).get(url("meerut")).status_code == 403
    anonymous = client_for(None).get(url("meerut"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(None).get("/cells/").status_code == 302


def test_the_units_api_never_carries_contacts(client_for, hq, unit):
    add_contact(unit("meerut"))
    body = client_for(hq).get("/api/v1/units/meerut/").content.decode()
    assert "Ramesh" not in body and "9454405120" not in body and "cell@up.example" not in body


def test_the_menu_takes_a_cell_to_its_own_page(client_for, meerut_cell):
    client = client_for(meerut_cell)
    assert 'href="/cell/"' in client.get("/queue/").content.decode()
    assert client.get("/cell/")["Location"] == "/unit/meerut/cell/"


def test_stations_from_the_page_add_rename_retire_restore(client_for, lucknow_cell, make_complaint):
    client = client_for(lucknow_cell)
    aliganj = PoliceStation.objects.get(unit__slug="lucknow-commissionerate", name_en="Aliganj")
    slug = "lucknow-commissionerate"
    assert client.post(url(slug, "stations/new/"), {"station-name_en": "Sushant Golf City",
                                                    "station-name_hi": "सुशांत गोल्फ सिटी",
                                                    "station-alt_names": "SGC; Golf City"}).status_code == 302
    added = PoliceStation.objects.get(name_en="Sushant Golf City")
    assert added.alt_names == ["SGC", "Golf City"]
    assert make_complaint(text="@Uppolice थाना सुशांत गोल्फ सिटी लखनऊ में चोरी").suggested_station_id == added.pk

    assert client.post(url(slug, f"stations/{aliganj.pk}/rename/"), {f"s{aliganj.pk}-name_en": "Aliganj Kotwali",
                                                                    f"s{aliganj.pk}-name_hi": "अलीगंज कोतवाली"}
                       ).status_code == 302
    assert make_complaint(text="@Uppolice थाना अलीगंज लखनऊ में चोरी").suggested_station_id == aliganj.pk

    clash = client.post(url(slug, f"stations/{aliganj.pk}/rename/"), {f"s{aliganj.pk}-name_en": "Hazratganj"})
    assert clash.status_code == 400 and "already has a police station called" in clash.content.decode()

    assert client.post(url(slug, f"stations/{aliganj.pk}/retire/")).status_code == 302
    assert make_complaint(text="@Uppolice थाना अलीगंज लखनऊ में चोरी").suggested_station_id is None
    page = client.get(url(slug)).content.decode()
    assert "Aliganj Kotwali" in page and "retired" in page
    assert client.post(url(slug, f"stations/{aliganj.pk}/restore/")).status_code == 302
    assert PoliceStation.objects.get(pk=aliganj.pk).is_active
    assert list(CellEvent.objects.filter(unit__slug=slug).values_list("action", flat=True)) == [
        CellAction.STATION_RESTORED, CellAction.STATION_RETIRED, CellAction.STATION_RENAMED, CellAction.STATION_ADDED]


def test_a_unit_without_stations_has_no_station_section(client_for, hq):
    page = client_for(hq).get(url("meerut-range")).content.decode()
    assert 'id="stations"' not in page and 'id="contacts"' in page


# HQ's directory

def confirmed(unit, days_ago):
    entry = cell.confirm(unit)
    CellEvent.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(days=days_ago))


def test_the_directory_is_hqs_only(client_for, meerut_cell, meerut_range):
    for user in (meerut_cell, meerut_range):
        client = client_for(user)
        assert client.get("/cells/").status_code == 403
        assert client.get("/export/cells.csv").status_code == 403
        assert client.post("/cells/meerut/chase/").status_code == 403
    assert not CellEvent.objects.exists()


def test_stale_lists_come_first_and_are_marked(client_for, hq, unit, settings):
    settings.CELL_CONTACTS_STALE_DAYS = 30
    add_contact(unit("meerut"))
    add_contact(unit("bareilly"), name="Suresh Yadav")
    confirmed(unit("meerut"), 2)
    confirmed(unit("bareilly"), 45)
    rows = cell.directory(sort="confirmed")
    order = [u.slug for u in rows]
    assert order.index("bareilly") < order.index("meerut")  # 45 days before 2 days; never-confirmed first of all
    assert rows[0].confirmed_at is None and rows[0].is_stale
    by_slug = {u.slug: u for u in rows}
    assert by_slug["bareilly"].is_stale and not by_slug["meerut"].is_stale
    assert [u.slug for u in cell.directory(sort="-confirmed")][:2] == ["meerut", "bareilly"]

    page = client_for(hq).get("/cells/?stale=1&sort=confirmed").content.decode()
    assert 'data-slug="bareilly"' in page and 'data-slug="meerut"' not in page
    assert "Suresh Yadav" in page


def test_chase_emails_the_units_contacts_over_smtp_and_records_it(client_for, hq, unit, settings):
    add_contact(unit("meerut"), email="one@up.example")
    add_contact(unit("meerut"), name="Sita Devi", email="two@up.example", cug="7839858961")
    confirmed(unit("meerut"), 40)
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", sink.port, 5
        response = client_for(hq).post("/cells/meerut/chase/", {"next": "/cells/?stale=1"})
    assert response.status_code == 302 and response["Location"] == "/cells/?stale=1"
    assert len(sink.messages) == 1
    _sender, recipients, message = sink.messages[0]
    assert sorted(recipients) == ["one@up.example", "two@up.example"]
    body = message.get_body().get_content()
    assert "last confirmed on" in body and "/unit/meerut/cell/" in body
    entry = CellEvent.objects.get(action=CellAction.CHASED)
    assert (entry.actor_name, entry.data) == ("hq-sup", {"recipients": 2, "sent": True, "error": ""})
    assert cell.directory(sort="chased")[0].slug == "meerut"


def test_chase_with_a_dead_mail_server_is_still_recorded_with_the_error(client_for, hq, unit, settings):
    add_contact(unit("meerut"))
    with SmtpSink() as sink:
        port = sink.port  # a port that was free a moment ago and is closed now
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    response = client_for(hq).post("/cells/meerut/chase/", follow=True)
    assert "the e-mail could not be sent" in response.content.decode()
    entry = CellEvent.objects.get(action=CellAction.CHASED)
    assert entry.data["sent"] is False and entry.data["error"]


def test_chase_without_emails_is_recorded_and_says_to_call(client_for, hq, unit):
    add_contact(unit("meerut"), email="")
    response = client_for(hq).post("/cells/meerut/chase/", follow=True)
    assert "no contact of the unit has an e-mail" in response.content.decode()
    assert CellEvent.objects.get(action=CellAction.CHASED).data == {"recipients": 0, "sent": False, "error": ""}


def test_the_directory_exports_as_csv_and_xlsx(client_for, hq, unit):
    add_contact(unit("meerut"))
    add_contact(unit("meerut"), name="=HYPERLINK(\"x\")", email="", cug="7839858961")
    confirmed(unit("meerut"), 1)
    client = client_for(hq)
    response = client.get("/export/cells.csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Unit", "Unit (Hindi)", "Type"]
    meerut = [r for r in rows if r[0] == "Meerut"]
    assert len(meerut) == 2 and {r[9] for r in meerut} == {"094544 05120", "078398 58961"}
    assert any(r[7] == "'=HYPERLINK(\"x\")" for r in meerut)  # a formula stays text
    assert all(r[5] == "no" for r in meerut)
    book = load_workbook(io.BytesIO(client.get("/export/cells.xlsx").content))
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    assert values[0][0] == "Unit" and any(r[0] == "Meerut" and r[7] == "Ramesh Kumar" for r in values)


def test_hq_uploads_a_station_list_and_a_bad_one_is_refused_with_lines(client_for, hq):
    client = client_for(hq)
    good = "\ufeffdistrict,name_en,name_hi,alternates\nmeerut,Sadar Bazar,सदर बाजार,Sadar Bazaar\n".encode()
    response = client.post("/cells/stations-import/", {"file": SimpleUploadedFile("s.csv", good, "text/csv")},
                           follow=True)
    assert "1 added" in response.content.decode()
    assert PoliceStation.objects.filter(unit__slug="meerut", name_en="Sadar Bazar").exists()
    bad = "district,name_en,name_hi,alternates\nmeerut,Partapur,,\nNowhere,X,,\n".encode()
    refused = client.post("/cells/stations-import/", {"file": SimpleUploadedFile("b.csv", bad, "text/csv")})
    assert refused.status_code == 400
    assert "Line 3" in refused.content.decode() and "Nowhere" in refused.content.decode()
    assert not PoliceStation.objects.filter(name_en="Partapur").exists()


def test_a_cell_cannot_upload_stations(client_for, meerut_cell):
    data = "district,name_en\nmeerut,Partapur\n".encode()
    response = client_for(meerut_cell).post("/cells/stations-import/", {"file": SimpleUploadedFile("s.csv", data)})
    assert response.status_code == 403
    assert not PoliceStation.objects.filter(name_en="Partapur").exists()


def test_the_pages_in_hindi(client_for, hq, unit):
    add_contact(unit("meerut"))
    confirmed(unit("meerut"), 0)
    client = client_for(hq, HTTP_ACCEPT_LANGUAGE="hi")
    page = client.get(url("lucknow-commissionerate")).content.decode()
    assert '<html lang="hi">' in page
    assert "पुलिस कमिश्नरेट लखनऊ" in page and "हजरतगंज" in page  # unit and station names in Hindi
    directory = client.get("/cells/").content.decode()
    assert "मेरठ" in directory
    month = ("जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर",
             "दिसंबर")[timezone.localtime().month - 1]
    assert f"{month} {timezone.localtime().year}" in directory and "बजे IST" in directory
