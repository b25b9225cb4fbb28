"""The personal-data detector (complaints.personal_data): what must be caught before a text goes public,
and the everyday police text that must not be."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from complaints import lifecycle, personal_data
from complaints.personal_data import AADHAAR, EMAIL, PAN, PHONE, VEHICLE
from twitter_ingest import outbox
from twitter_ingest.models import Outbox, OutboxKind, OutboxStatus
from tests.ingest.conftest import fake_x, mention, state_account  # noqa: F401  (fixtures)

# (text, the kind that must be found)
POSITIVE = [
    ("account 4918 2736 4501", AADHAAR),            # twelve digits in fours: read as an Aadhaar, checked or not
    # mobiles, the ways people write them
    ("call 9876543210", PHONE),
    ("मोबाइल 9876543210 पर बात हुई", PHONE),
    ("98765 43210", PHONE),
    ("98 76 54 32 10", PHONE),
    ("9 8 7 6 5 4 3 2 1 0", PHONE),
    ("987-654-3210", PHONE),
    ("9876 543 210", PHONE),
    ("98765.43210", PHONE),
    ("98765-43210", PHONE),
    ("+91-9876543210", PHONE),
    ("+91 98765 43210", PHONE),
    ("+919876543210", PHONE),
    ("+919876543216", PHONE),                      # also passes the Aadhaar check digit: the + makes it a phone
    ("919876543210 pe call karo", PHONE),
    ("09876543210", PHONE),
    ("0 98765 43210", PHONE),
    ("+91 (0) 98765 43210", PHONE),
    ("Mob9876543210", PHONE),
    ("Mob+919876543210", PHONE),
    ("मोबाइल9876543210", PHONE),
    ("नंबर9876543210पर", PHONE),
    ("Ph.no.9876543210", PHONE),
    ("९८७६५४३२१०", PHONE),
    ("मो० ९८७६५ ४३२१०", PHONE),
    ("+९१ ९८७६५४३२१०", PHONE),
    ("৯৮৭৬৫৪৩২১০", PHONE),                        # Bengali digits
    ("੯੮੭੬੫੪੩੨੧੦", PHONE),                        # Gurmukhi digits
    ("９８７６５４３２１０", PHONE),                  # fullwidth digits
    ("98765\u200b43210", PHONE),                   # a zero-width space inside the number
    ("9876\u200d543210", PHONE),                   # a zero-width joiner inside the number
    ("शिकायतकर्ता से 7007123456 पर संपर्क किया गया", PHONE),
    ("contacted on 6391234567 and 8009876543", PHONE),
    ("उनके पति (9415012345) से वार्ता", PHONE),
    ("wa.me/919876543210", PHONE),
    # landlines with STD codes
    ("0522-2234567", PHONE),
    ("0121 2664455", PHONE),
    ("05222234567", PHONE),
    ("(0522) 2234567", PHONE),
    ("थाना हजरतगंज 0522 2234567", PHONE),
    ("+91 522 2234567", PHONE),
    ("०५२२-२२३४५६७", PHONE),
    # Aadhaar
    ("Aadhaar 2345 6789 0124", AADHAAR),
    ("2345 6789 0124", AADHAAR),
    ("234567890124", AADHAAR),
    ("2345-6789-0124", AADHAAR),
    ("2345.6789.0124", AADHAAR),
    ("4918 2736 4507", AADHAAR),
    ("आधार संख्या 8372 6451 0983", AADHAAR),
    ("आधार-२७३६ ४५१८ २९०३", AADHAAR),
    ("aadhar no 2345 6789 0123", AADHAAR),         # a mistyped Aadhaar next to the word
    ("UID: 491827364501", AADHAAR),
    # PAN
    ("PAN ABCPE1234F", PAN),
    ("pan abcpe1234f", PAN),
    ("पैन: AAACH1234L", PAN),
    ("PAN-BNZPM2501F दिया", PAN),
    # vehicles
    ("UP32 AB 1234", VEHICLE),
    ("UP-14-BD-5678", VEHICLE),
    ("up16ce1234", VEHICLE),
    ("UP 32 AB 1234", VEHICLE),
    ("UP32AB1234", VEHICLE),
    ("गाड़ी नं0 UP78 DN 4521 बरामद", VEHICLE),
    ("DL 3C AB 1234", VEHICLE),
    ("MH12DE1433", VEHICLE),
    ("22 BH 1234 AA", VEHICLE),
    ("up-14-bd-5678", VEHICLE),
    ("गाड़ीUP32AB1234", VEHICLE),
    # e-mail
    ("a.b@example.com", EMAIL),
    ("mail ramesh.kumar@gmail.com", EMAIL),
    ("RAMESH@YAHOO.CO.IN", EMAIL),
    ("ramesh at gmail dot com", EMAIL),
    ("ramesh[at]gmail[dot]com", EMAIL),
    ("ramesh(at)gmail(dot)com", EMAIL),
    ("ramesh [at] up [dot] gov [dot] in", EMAIL),
    ("ramesh at the rate gmail dot com", EMAIL),
    ("ramesh @ gmail.com", EMAIL),
    ("ramesh@gmail", EMAIL),
    ("RAMESH AT GMAIL DOT COM", EMAIL),
    ("sp-mrt.up@nic.in", EMAIL),
    ("ईमेल ramesh.k@rediffmail.com पर", EMAIL),
    ("ramesh एट द रेट gmail डॉट com", EMAIL),
]

# Everyday police text that must pass untouched.
NEGATIVE = [
    "01/12/2026",
    "2026-12-01",
    "01-12-2026",
    "01.12.2026",
    "दिनांक 01/12/2026 को",
    "12/01/2026 10:30",
    "02-12-2026 to 05-12-2026",
    "FIR 0123/2026",
    "मु0अ0सं0 245/2026",
    "मु०अ०सं० 0245/2026 धारा 354 भादवि",
    "u/s 147/148/149/323/504/506 IPC",
    "धारा 354",
    "IPC 354 (D), 509",
    "₹25,000",
    "Rs 1,50,000",
    "Rs. 1,00,000 and Rs 50000",
    "₹ 98,76,543 की बरामदगी",
    "UPP-7K3M9-Q2XCF",
    "Complaint UPP-98765-43210 resolved",
    "upp 98765 43210",
    "10:30",
    "at 9:30 on 01.12.2026",
    "थाना हजरतगंज",
    "थाना कोतवाली नगर, मेरठ",
    "pin 226001",
    "लखनऊ 226001",
    "tweet 1861000000000000100",
    "https://x.com/Uppolice/status/1861000000000000100",
    "https://twitter.com/i/web/status/1861000000000000100",
    "https://t.co/AbC123xYz9",
    "2026",
    "in the year 2025",
    "aged 25 years",
    "उम्र 30 वर्ष",
    "2 accused arrested, ages 25 and 30",
    "Dial 112",
    "1090 Women Power Line",
    "toll free 1800-180-5858",
    "234567890123",                                 # twelve digits failing the Aadhaar check digit
    "Lucknow UP 32 in 2026",
    "reached at station. In the evening the accused was arrested",
    "@Uppolice @lkopolice please help",
    "Thanks @Uppolice",
    "कृपया @meerutpolice संज्ञान लें",
    "1 2 3 4 5 6 7 8 9 0",
    "PNR 2345678901",                               # ten digits, no trunk 0: not a landline
    "order no. 5123456789",
    "section 25 Arms Act, 3 cartridges",
    "Noted. UPP-7K3M9-Q2XCF",
]


@pytest.mark.parametrize("text, kind", POSITIVE, ids=[t for t, _ in POSITIVE])
def test_personal_data_is_found(text, kind):
    assert kind in personal_data.kinds_in(text), personal_data.find(text)


@pytest.mark.parametrize("text", NEGATIVE)
def test_everyday_police_text_is_not_flagged(text):
    assert personal_data.kinds_in(text) == [], personal_data.find(text)


def test_the_table_is_big_enough():
    assert len(POSITIVE) >= 60 and len(NEGATIVE) >= 30


def test_a_report_with_several_kinds_names_each_once():
    report = ("Accused Ram (9876543210, ram@gmail.com) arrested in UP32 AB 1234; FIR 0123/2026 u/s 354 dated "
              "01/12/2026, ₹25,000 recovered; complainant's Aadhaar 2345 6789 0124, second mobile 98765 43211")
    assert personal_data.kinds_in(report) == [PHONE, AADHAAR, VEHICLE, EMAIL]


def test_findings_point_into_the_normalised_text():
    text = "मोबाइल९८७६५४३२१० और ram@gmail.com"
    normal = personal_data.normalise(text)
    assert {normal[f.start:f.end] for f in personal_data.find(text)} == {"9876543210", "ram@gmail.com"}


def test_verhoeff():
    assert personal_data.verhoeff_valid("234567890124")
    assert not personal_data.verhoeff_valid("234567890123")
    # Every single mistyped digit breaks the check.
    for i in range(12):
        for d in "0123456789":
            typo = "234567890124"[:i] + d + "234567890124"[i + 1:]
            if typo != "234567890124":
                assert not personal_data.verhoeff_valid(typo)


def test_labels_are_translated():
    with translation.override("en"):
        assert personal_data.describe([PHONE, EMAIL]) == "a phone number, an e-mail address"


# ---------------------------------------------------------------- every channel where a text goes public

PHONE_REPORT = "Both parties called to the station; complainant's brother reachable on 98765 43210"


@pytest.fixture
def _clean_cache():
    cache.clear()  # rendered tracking pages and the throttles live in the cache
    yield
    cache.clear()


@pytest.fixture
def x_complaint(fake_x, state_account):  # noqa: F811
    def make(text="@Uppolice Aminabad me jebkatri", **fields):
        tweet = mention(fake_x, "citizen_a", text)
        return lifecycle.file_complaint(text=tweet["text"], source_tweet_id=tweet["id"], author_username="citizen_a",
                                        conversation_id=tweet["id"], **fields)

    return make


@pytest.fixture
def reported(forwarded, hq, _clean_cache):
    def make(report=PHONE_REPORT, **fields):
        complaint = lifecycle.note(forwarded("meerut", **fields), actor=hq)
        return lifecycle.resolve(lifecycle.report(complaint, report, actor=hq), actor=hq)

    return make


def _resolve(complaint, hq, report=PHONE_REPORT):
    complaint = lifecycle.note(lifecycle.forward(complaint, "lucknow-commissionerate", actor=hq), actor=hq)
    return lifecycle.resolve(lifecycle.report(complaint, report, actor=hq), actor=hq)


@pytest.mark.django_db
def test_outbox_holds_a_reply_with_personal_data_when_it_is_queued(x_complaint, hq):
    # guard: outbox.queue vets every row (outbox.vet → complaints.public.check_text)
    _resolve(x_complaint(), hq)
    closing = Outbox.objects.get(kind=OutboxKind.CLOSING)
    assert closing.status == OutboxStatus.HELD and "98765 43210" in closing.text
    assert closing.reason == ("[personal_data kinds=phone] Contains a phone number: edit the text before it is "
                              "sent.")


@pytest.mark.django_db
def test_outbox_checks_every_row_again_when_it_is_sent(x_complaint, fake_x, settings):  # noqa: F811
    # guard: the check at the top of outbox._send (vet_claimed)
    settings.X_POST_ENABLED = True
    x_complaint()
    row = Outbox.objects.get()
    # Edited after it was queued (the admin, a repair in SQL): the sender must not trust the queue's check.
    Outbox.objects.filter(pk=row.pk).update(text=row.text + " Call ramesh at gmail dot com")
    assert outbox.send_due() == {"held": 1}
    row.refresh_from_db()
    assert row.status == OutboxStatus.HELD and row.reason.startswith("[personal_data kinds=email]")
    assert fake_x.fake.posted == []


@pytest.mark.django_db
def test_tracking_page_withholds_a_report_with_personal_data(client, reported):
    # guard: complaints.public.public_view passes the report (and each report stage) through check_text
    complaint = reported()
    html = client.get(f"/track/{complaint.tracking_code}/").content.decode()
    assert "98765" not in html and "Both parties" not in html
    assert "details are withheld because they contain personal information" in html
    assert "Resolved" in html


@pytest.mark.django_db
def test_tracking_json_withholds_a_report_with_personal_data(client, reported):
    # guard: as above, through complaints.public.as_dict
    complaint = reported()
    body = client.get(f"/api/v1/track/{complaint.tracking_code}/").json()
    line = "The action taken is recorded; details are withheld because they contain personal information."
    assert body["action_taken_report"] == line
    assert [s["detail"] for s in body["stages"] if s["stage"] == "report"] == [line]
    assert "98765" not in str(body)


@pytest.mark.django_db
def test_an_earlier_report_stage_is_checked_too(client, forwarded, hq, _clean_cache):
    # guard: the report stage's detail passes check_text (complaints.public.public_view)
    complaint = lifecycle.note(forwarded("meerut"), actor=hq)
    complaint = lifecycle.report(complaint, "Spoke to the accused on 9876543210", actor=hq)
    complaint = lifecycle.report(complaint, "Matter settled at the station", actor=hq)
    body = client.get(f"/api/v1/track/{complaint.tracking_code}/").json()
    assert body["action_taken_report"] == "Matter settled at the station"
    assert "9876543210" not in str(body)


@pytest.mark.django_db
def test_open311_withholds_personal_data_in_status_notes_and_description(client, reported, settings):
    # guard: complaints.open311.views.as_request takes status_notes and description from complaints.public
    settings.OPEN311_PUBLISH_TEXT = True
    complaint = reported(text="Caller Sita, House 12 Civil Lines, ph 9415012345", channel="phone",
                         source_tweet_id=None)
    for url in (reverse("open311:requests"), reverse("open311:request", args=[complaint.tracking_code])):
        request = next(r for r in client.get(url).json())
        assert request["status_notes"].startswith("The action taken is recorded; details are withheld")
        assert request["description"] == "The complaint's text is withheld because it contains personal information."
        assert "9415012345" not in str(request) and "98765" not in str(request)


@pytest.mark.django_db
def test_a_check_that_fails_publishes_nothing(client, reported, x_complaint, monkeypatch):
    # guard: complaints.public.check_text fails closed
    complaint = reported(report="Matter settled at the station")

    def broken(text):
        raise RuntimeError("detector broke")

    monkeypatch.setattr(personal_data, "kinds_in", broken)
    response = client.get(f"/track/{complaint.tracking_code}/")
    assert response.status_code == 200 and "Matter settled" not in response.content.decode()
    row = Outbox.objects.get(complaint=x_complaint())
    assert row.status == OutboxStatus.HELD and row.reason.startswith("[check_failed]")


@pytest.mark.django_db
def test_staff_see_on_the_complaint_page_that_the_report_was_withheld(client, reported, hq):
    # guard: the "What the public does not see" card (complaints.public.withheld)
    complaint = reported()
    client.force_login(hq)
    html = client.get(reverse("dashboard:complaint", args=[complaint.tracking_code])).content.decode()
    assert 'id="withheld"' in html and "Action-taken report on the tracking page" in html
    assert "Not shown because it contains a phone number" in html


@pytest.mark.django_db
def test_outbox_reasons_are_shown_in_the_readers_language(client, x_complaint, hq):
    # guard: dashboard.ingest_bridge.outbox_rows gives coded reasons through hold_reasons.describe
    complaint = _resolve(x_complaint(), hq)
    client.force_login(hq)
    url = reverse("dashboard:complaint", args=[complaint.tracking_code])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Contains a phone number: edit the text before it is sent." in english
    assert "[personal_data" not in english
    hq.staff_profile.language = "hi"
    hq.staff_profile.save()
    hindi = client.get(url).content.decode()
    assert "[personal_data" not in hindi and "Contains a phone number" not in hindi
    assert "फ़ोन नंबर" in hindi


@pytest.mark.parametrize("text, kinds", [
    ("आपात स्थिति में डायल 112 करें। कोड UPP-19WBQ-N59J3", []),
    ("Dial 1090 (women power line) or 1930 (cyber fraud)", []),
    ("call me on 9876543210, or dial 112", ["phone"]),
    ("landline 0522 2231 112", ["phone"]),   # a number ending in 112 is still a number
    ("98765 112 34 pe call karo", ["phone"]),
])
def test_the_states_helplines_are_nobodys_personal_number(text, kinds):
    assert personal_data.kinds_in(text) == kinds
