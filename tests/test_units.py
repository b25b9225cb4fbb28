"""The units registry fixtures: the real hierarchy, loaded idempotently."""

import pytest
from django.core.management import call_command

from districts.models import AccountKind, PoliceStation, Unit, UnitType, XAccount

pytestmark = pytest.mark.django_db


def test_counts():
    by_type = {t: Unit.objects.filter(unit_type=t).count() for t in UnitType.values}
    assert by_type["state"] == 1
    assert by_type["zone"] == 8
    assert by_type["range"] == 18
    assert by_type["district"] == 75
    assert by_type["commissionerate"] == 7
    assert by_type["overseas"] >= 1 and Unit.objects.filter(slug="overseas-london").exists()
    assert by_type["traffic"] >= 1


def test_every_district_has_range_and_zone_or_commissionerate():
    for d in Unit.objects.filter(unit_type=UnitType.DISTRICT).select_related("parent__parent"):
        parent = d.parent
        if parent.unit_type == UnitType.COMMISSIONERATE:
            assert parent.parent.unit_type == UnitType.STATE
            continue
        assert parent.unit_type == UnitType.RANGE, d
        assert parent.parent.unit_type == UnitType.ZONE, d
        assert parent.parent.parent.slug == "up-police"


def test_commissionerates_cover_their_districts():
    covered = {
        u.parent.slug: u.slug for u in Unit.objects.filter(parent__unit_type=UnitType.COMMISSIONERATE,
                                                            unit_type=UnitType.DISTRICT)
    }
    assert covered == {
        "lucknow-commissionerate": "lucknow", "gautam-buddh-nagar-commissionerate": "gautam-buddh-nagar",
        "kanpur-nagar-commissionerate": "kanpur-nagar", "varanasi-commissionerate": "varanasi",
        "agra-commissionerate": "agra", "ghaziabad-commissionerate": "ghaziabad",
        "prayagraj-commissionerate": "prayagraj",
    }


def test_meerut_range_and_zone():
    meerut_range = Unit.objects.get(slug="meerut-range")
    assert sorted(meerut_range.children.values_list("slug", flat=True)) == ["baghpat", "bulandshahr", "hapur", "meerut"]
    zone = Unit.objects.get(slug="meerut-zone")
    assert set(Unit.objects.filter(pk__in=zone.descendant_ids(), unit_type="district").values_list("slug", flat=True)) == {
        "baghpat", "bulandshahr", "hapur", "meerut", "saharanpur", "muzaffarnagar", "shamli"}


def test_old_names_and_hindi():
    assert "Allahabad" in Unit.objects.get(slug="prayagraj").alt_names
    assert "Faizabad" in Unit.objects.get(slug="ayodhya").alt_names
    assert "Noida" in Unit.objects.get(slug="gautam-buddh-nagar").alt_names
    assert Unit.objects.get(slug="lucknow").name_hi == "लखनऊ"


def test_accounts_only_where_sourced():
    state = XAccount.objects.get(handle__iexact="uppolice")
    assert state.unit.slug == "up-police" and state.watched
    assert XAccount.objects.get(handle__iexact="lkopolice").unit.slug == "lucknow-commissionerate"
    assert XAccount.objects.get(handle__iexact="dgpup").kind == AccountKind.DESIGNATION
    # A handle that no source names is left empty, never guessed.
    assert not XAccount.objects.filter(unit__slug="agra-commissionerate").exists()
    assert all(a.source for a in XAccount.objects.all())


def test_handles_are_unique_case_insensitively():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        XAccount.objects.create(handle="UPPOLICE", unit=Unit.objects.get(slug="meerut"))


def test_load_units_is_idempotent_and_updates():
    before = (Unit.objects.count(), XAccount.objects.count(), PoliceStation.objects.count())
    meerut = Unit.objects.get(slug="meerut")
    meerut.name_hi = "गलत"
    meerut.save()
    call_command("load_units", verbosity=0)
    call_command("load_units", verbosity=0)
    assert (Unit.objects.count(), XAccount.objects.count(), PoliceStation.objects.count()) == before
    assert Unit.objects.get(slug="meerut").name_hi == "मेरठ"
