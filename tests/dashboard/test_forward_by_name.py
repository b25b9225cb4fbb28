"""Forward and transfer take a unit by its name, in English or Hindi, and say what happened."""

import pytest
from django.urls import reverse

from complaints import lifecycle
from complaints.models import Complaint, Status
from dashboard import unit_names
from twitter_ingest.models import Outbox


def act(client, complaint, action, follow=False, **data):
    data.setdefault("version", complaint.version)
    return client.post(reverse("dashboard:act", args=[complaint.tracking_code, action]), data, follow=follow)


@pytest.mark.parametrize("typed", ["Meerut", "meerut", "  MEERUT ", "मेरठ", "Merath", "meerut"])
def test_a_unit_is_found_by_any_of_its_names(db, typed):
    unit, close = unit_names.resolve(typed)
    assert unit.slug == "meerut" and close == []


def test_spaces_and_nukta_do_not_matter(db):
    assert unit_names.resolve("गौतमबुद्ध नगर")[0].slug == "gautam-buddh-nagar"
    assert unit_names.resolve("मेरठ ज़ोन")[0].slug == unit_names.resolve("मेरठ जोन")[0].slug == "meerut-zone"


def test_a_misspelt_name_offers_the_close_ones_and_picks_none(db):
    unit, close = unit_names.resolve("Lucknw")
    assert unit is None and "lucknow" in {u.slug for u in close}


def test_forward_by_hindi_name_says_where_and_what_is_tweeted(client_for, hq, new_complaint):
    response = act(client_for(hq), new_complaint, "forward", follow=True, unit="मेरठ")
    fresh = Complaint.objects.get(pk=new_complaint.pk)
    assert fresh.status == Status.FORWARDED and fresh.unit.slug == "meerut"
    assert Outbox.objects.filter(complaint=fresh, kind="forward").exists()
    page = response.content.decode()
    assert "Forwarded to Meerut; the tweet to @meerutpolice is queued." in page


def test_forward_of_a_restricted_complaint_says_nothing_is_tweeted(client_for, hq, new_complaint):
    lifecycle.set_restricted(new_complaint, True, actor=hq)
    response = act(client_for(hq), new_complaint, "forward", follow=True, unit="Meerut")
    assert Complaint.objects.get(pk=new_complaint.pk).unit.slug == "meerut"
    assert not Outbox.objects.filter(complaint=new_complaint, kind="forward").exists()
    assert "Forwarded to Meerut; nothing is tweeted (restricted)." in response.content.decode()


def test_an_unclear_name_leaves_the_user_on_the_complaint_with_the_close_names(client_for, hq, new_complaint):
    response = act(client_for(hq), new_complaint, "forward", unit="Lucknw", next=reverse("dashboard:inbox"))
    assert response.status_code == 400
    page = response.content.decode()
    # The complaint page, with the message at the top and under the field, and nothing changed.
    assert new_complaint.tracking_code in page and 'id="top-error"' in page
    assert "Did you mean" in page and "Lucknow / लखनऊ" in page
    assert Complaint.objects.get(pk=new_complaint.pk).version == new_complaint.version


def test_the_datalist_offers_names_in_both_languages(client_for, hq, new_complaint):
    page = client_for(hq).get(reverse("dashboard:complaint", args=[new_complaint.tracking_code])).content.decode()
    assert '<option value="Meerut">मेरठ</option>' in page and '<option value="मेरठ">Meerut</option>' in page
    assert 'value="meerut"' not in page  # the suggestion is filled in by name, not by slug


def test_transfer_by_name(client_for, hq, meerut_complaint):
    response = act(client_for(hq), meerut_complaint, "transfer", follow=True, unit="bareilly ", reason="wrong district")
    fresh = Complaint.objects.get(pk=meerut_complaint.pk)
    assert fresh.status == Status.TRANSFERRED and fresh.unit.slug == "bareilly"
    assert "Transferred to Bareilly (was with Meerut)." in response.content.decode()


def test_bulk_forward_takes_a_name_and_refuses_an_unknown_one(client_for, hq, make_complaint):
    a = make_complaint()
    client = client_for(hq)
    client.post(reverse("dashboard:inbox_bulk"), {"op": "forward", "ids": [a.pk], "unit": "atlantis"})
    assert Complaint.objects.get(pk=a.pk).status == Status.NEW
    client.post(reverse("dashboard:inbox_bulk"), {"op": "forward", "ids": [a.pk], "unit": "बरेली"})
    assert Complaint.objects.get(pk=a.pk).unit.slug == "bareilly"
