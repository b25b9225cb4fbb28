"""Police stations kept by the cells (districts.stations) and HQ's CSV import (districts.station_import):
what the triage suggests after a rename and a retirement, what the lifecycle accepts, and that a bad file
changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from complaints import lifecycle
from complaints.triage import places
from districts import station_import, stations
from districts.models import CellAction, CellEvent, PoliceStation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_gazetteer():
    # The gazetteer is kept per process; a rolled-back rename must not stay in it for the next test.
    places.forget()
    yield
    places.forget()


def station(slug, name):
    return PoliceStation.objects.get(unit__slug=slug, name_en=name)


def test_a_renamed_station_keeps_its_old_names_and_triage_still_finds_it(unit, hq, make_complaint):
    aliganj = station("lucknow-commissionerate", "Aliganj")
    renamed = stations.rename_station(aliganj, name_en="Aliganj Kotwali", name_hi="अलीगंज कोतवाली", actor=hq)
    assert (renamed.pk, renamed.name_en, renamed.name_hi) == (aliganj.pk, "Aliganj Kotwali", "अलीगंज कोतवाली")
    assert {"Aliganj", "अलीगंज"} <= set(renamed.alt_names)
    # Tried: the old Hindi name with थाना, and the new English name; both lead to the same row.
    by_old = make_complaint(text="@Uppolice थाना अलीगंज लखनऊ में मेरी शिकायत नहीं सुनी")
    by_new = make_complaint(text="@Uppolice Aliganj Kotwali Lucknow me mobile chori")
    assert by_old.suggested_station_id == by_new.suggested_station_id == aliganj.pk
    entry = CellEvent.objects.get(unit=unit("lucknow-commissionerate"), action=CellAction.STATION_RENAMED)
    assert (entry.actor_name, entry.subject, entry.data["old_en"]) == ("hq-sup", "Aliganj Kotwali", "Aliganj")


def test_a_retired_station_is_kept_not_suggested_and_not_accepted_for_new_complaints(unit, hq, lucknow_cell):
    chinhat = station("lucknow-commissionerate", "Chinhat")
    before = lifecycle.file_complaint(text="@Uppolice थाना चिनहट लखनऊ में चोरी", source_tweet_id="1861000000000000901")
    assert before.suggested_station_id == chinhat.pk
    before = lifecycle.forward(before, unit("lucknow-commissionerate"))
    before = lifecycle.note(before)
    before = lifecycle.assign_station(before, chinhat, actor=lucknow_cell)

    stations.set_active(chinhat, False, actor=lucknow_cell)
    assert PoliceStation.objects.filter(pk=chinhat.pk, is_active=False).exists()
    after = lifecycle.file_complaint(text="@Uppolice थाना चिनहट लखनऊ में चोरी", source_tweet_id="1861000000000000902")
    assert after.suggested_station_id is None
    after = lifecycle.note(lifecycle.forward(after, unit("lucknow-commissionerate")))
    with pytest.raises(lifecycle.InvalidValue, match="retired"):
        lifecycle.assign_station(after, chinhat, actor=lucknow_cell)
    before.refresh_from_db()
    assert before.police_station_id == chinhat.pk  # the complaint already there keeps it

    stations.set_active(chinhat, True, actor=lucknow_cell)
    again = lifecycle.file_complaint(text="@Uppolice थाना चिनहट लखनऊ में चोरी", source_tweet_id="1861000000000000903")
    assert again.suggested_station_id == chinhat.pk
    assert list(CellEvent.objects.filter(action__in=[CellAction.STATION_RETIRED, CellAction.STATION_RESTORED])
                .values_list("action", flat=True)) == [CellAction.STATION_RESTORED, CellAction.STATION_RETIRED]


def test_add_refuses_a_name_the_list_already_has_under_any_spelling(unit, hq):
    lucknow = unit("lucknow-commissionerate")
    added = stations.add_station(lucknow, name_en="Sushant Golf City", name_hi="सुशांत गोल्फ सिटी", alt_names=["SGC"],
                                 actor=hq)
    assert added.unit == lucknow and added.alt_names == ["SGC"]
    # Tried: the nukta spelling of an existing Hindi name, an alternate of another station, and the district
    # under the commissionerate (one list for both).
    for name in ("हज़रतगंज", "Hazrat Ganj", "sgc"):
        with pytest.raises(ValidationError):
            stations.add_station(unit("lucknow"), name_en=name, actor=hq)
    with pytest.raises(ValidationError):
        stations.add_station(unit("meerut-range"), name_en="Somewhere", actor=hq)
    assert PoliceStation.objects.filter(name_en__in=["हज़रतगंज", "Hazrat Ganj", "sgc", "Somewhere"]).count() == 0


def test_rename_to_another_stations_name_is_refused_and_changes_nothing(hq):
    aliganj = station("lucknow-commissionerate", "Aliganj")
    with pytest.raises(ValidationError):
        stations.rename_station(aliganj, name_en="Hazratganj", actor=hq)
    aliganj.refresh_from_db()
    assert (aliganj.name_en, aliganj.alt_names) == ("Aliganj", [])
    assert not CellEvent.objects.filter(action=CellAction.STATION_RENAMED).exists()


GOOD = ("district,name_en,name_hi,alternates\n"
        "meerut,Sadar Bazar,सदर बाजार,Sadar Bazaar;सदर बाज़ार\n"
        "Meerut,Partapur,परतापुर,\n"
        "मेरठ,Lisadi Gate,लिसाड़ी गेट,Lisari Gate\n"
        "Lucknow,Hazratganj,,Ganj Kotwali\n")


def test_import_adds_new_stations_completes_old_ones_and_is_idempotent(unit, hq):
    before = PoliceStation.objects.count()
    result = station_import.apply(("\ufeff" + GOOD).encode("utf-8"), actor=hq)
    assert (result.created, result.updated, result.unchanged) == (3, 1, 0)
    assert PoliceStation.objects.count() == before + 3
    sadar = station("meerut", "Sadar Bazar")
    # The nukta spelling is the Hindi name written another way (the triage reads both alike): not kept twice.
    assert (sadar.name_hi, sadar.alt_names) == ("सदर बाजार", ["Sadar Bazaar"])
    # "Lucknow" is the district under the commissionerate whose list has Hazratganj: completed, not doubled.
    hazratganj = station("lucknow-commissionerate", "Hazratganj")
    assert "Ganj Kotwali" in hazratganj.alt_names
    assert not PoliceStation.objects.filter(unit=unit("lucknow"), name_en="Hazratganj").exists()
    assert set(CellEvent.objects.filter(action=CellAction.STATIONS_IMPORTED).values_list("unit__slug", flat=True)) == {
        "meerut", "lucknow-commissionerate"}

    again = station_import.apply(GOOD.encode("utf-8"), actor=hq)  # without the BOM this time
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert PoliceStation.objects.count() == before + 3


def test_import_does_not_undo_a_rename_or_a_retirement(hq):
    aliganj = station("lucknow-commissionerate", "Aliganj")
    stations.rename_station(aliganj, name_en="Aliganj Kotwali", actor=hq)
    chinhat = stations.set_active(station("lucknow-commissionerate", "Chinhat"), False, actor=hq)
    result = station_import.apply("district,name_en,name_hi,alternates\nlucknow-commissionerate,Aliganj,,\n"
                                  "lucknow-commissionerate,Chinhat,चिनहट,\n")
    assert (result.created, result.unchanged) == (0, 2)
    aliganj.refresh_from_db()
    chinhat.refresh_from_db()
    assert aliganj.name_en == "Aliganj Kotwali" and not chinhat.is_active
    call_command("load_units", verbosity=0)  # the starter list, loaded again, leaves both as the cell made them
    assert PoliceStation.objects.get(pk=aliganj.pk).name_en == "Aliganj Kotwali"
    assert not PoliceStation.objects.get(pk=chinhat.pk).is_active
    assert not PoliceStation.objects.filter(unit=aliganj.unit, name_en="Aliganj").exclude(pk=aliganj.pk).exists()


def test_a_file_with_a_bad_row_is_refused_whole_with_line_numbers(hq):
    before = list(PoliceStation.objects.values_list("pk", "name_en", "name_hi", "alt_names", "is_active"))
    bad = ("district,name_en,name_hi,alternates\n"
           "meerut,Sadar Bazar,सदर बाजार,\n"      # good, but must not be written
           "Atlantis,Harbour,,\n"                 # line 3: no such district
           "meerut,,परतापुर,\n"                   # line 4: no English name
           "meerut,Sadar Bazaar,,\n"              # line 5: a different spelling, still a new name: fine
           "meerut,Sadar Bazar,,\n")              # line 6: the same station twice in the file
    with pytest.raises(station_import.ImportRefused) as refused:
        station_import.apply(bad.encode("utf-8"), actor=hq)
    lines = [line for line, _message in refused.value.errors]
    assert lines == [3, 4, 6]
    assert "Atlantis" in refused.value.errors[0][1]
    assert list(PoliceStation.objects.values_list("pk", "name_en", "name_hi", "alt_names", "is_active")) == before
    assert not CellEvent.objects.exists()


@pytest.mark.parametrize("data, says", [
    ("name,hindi\nHazratganj,हजरतगंज\n".encode(), "district, name_en"),
    ("district,name_en\n".encode(), "no rows"),
    ("district,name_en,name_hi\nmeerut,Sadar,\xe0\n".encode("latin-1"), "not UTF-8"),
    ('district,name_en,name_hi,alternates\nmeerut,Sadar,सदर,a,b,c\n'.encode(), "More cells"),
])
def test_files_that_are_not_station_lists_are_refused(data, says):
    with pytest.raises(station_import.ImportRefused, match=says):
        station_import.apply(data)


def test_the_command_imports_and_reports_bad_rows(tmp_path, capsys):
    good = tmp_path / "stations.csv"
    good.write_bytes(("\ufeff" + GOOD).encode("utf-8"))
    call_command("import_stations", str(good))
    assert "3 added, 1 completed" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("district,name_en,name_hi,alternates\nmeerut,Kharkhoda,,\nNowhere,X,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3"):
        call_command("import_stations", str(bad))
    assert not PoliceStation.objects.filter(name_en="Kharkhoda").exists()
