import pytest

from complaints import reasons
from twitter_ingest.gazetteer import Gazetteer, normalise


@pytest.fixture
def gazetteer(db):
    return Gazetteer()


@pytest.mark.parametrize("text, slug", [
    ("थाना हज़रतगंज क्षेत्र में चोरी", "lucknow-commissionerate"),           # nukta, precomposed
    ("थाना हज\u093cरतगंज क्षेत्र में चोरी", "lucknow-commissionerate"),      # nukta, combining
    ("थाना हजरतगंज क्षेत्र में चोरी", "lucknow-commissionerate"),            # no nukta
    ("Hazrat Ganj market me jhagda", "lucknow-commissionerate"),
    ("gomtinagar extension mein chain snatching", "lucknow-commissionerate"),
    ("Noida sector 62 near the metro", "gautam-buddh-nagar-commissionerate"),
    ("नोएडा में बाइक चोरी", "gautam-buddh-nagar-commissionerate"),
    ("Allahabad civil lines theft", "prayagraj-commissionerate"),
    ("इलाहाबाद में घटना", "prayagraj-commissionerate"),
    ("LKO police please help", "lucknow-commissionerate"),
    ("Lakhimpur Kheri mein dabangai", "lakhimpur-kheri"),
    ("Unnao district me ladai", "unnao"),
    ("सम्भल जनपद में फायरिंग", "sambhal"),
    ("जनपद संभल में फायरिंग", "sambhal"),
    ("Sambhal police kuch nahi kar rahi", "sambhal"),
    ("प्रतापगढ़ में मारपीट", "pratapgarh"),
    ("प्रतापगढ में मारपीट", "pratapgarh"),
    ("Rae Bareli highway accident", "raebareli"),
    ("Indirapuram society me chori", "ghaziabad-commissionerate"),
])
def test_finds_the_unit(gazetteer, text, slug):
    suggestion = gazetteer.suggest(text)
    assert suggestion is not None, text
    assert suggestion.unit.slug == slug
    assert reasons.code_of(suggestion.reason) == reasons.UNIT_MENTIONED


@pytest.mark.parametrize("text", [
    "भाई संभल के चलना, सड़क खराब है",
    "sambhal ke rehna bhai",
    "please help, my phone was stolen",
    "hamari basti ki sadak kharab hai",  # "basti" here is a colony
    "UP Police zindabad",               # the state is never a routing suggestion
    "lucknowwala here",                 # no partial words
])
def test_does_not_guess(gazetteer, text):
    assert gazetteer.suggest(text) is None


def test_invisible_characters_do_not_hide_a_name(gazetteer):
    assert gazetteer.suggest("हज\u200dरतगंज में").unit.slug == "lucknow-commissionerate"
    assert gazetteer.suggest("\u202bनोएडा\u202c में").unit.slug == "gautam-buddh-nagar-commissionerate"


def test_tagged_handle_wins_then_location_then_place(gazetteer):
    s = gazetteer.suggest("help in Meerut", tagged=["noidapolice"])
    assert s.unit.slug == "gautam-buddh-nagar-commissionerate" and s.confidence > 0.9
    s = gazetteer.suggest("please help", location="Lucknow, India")
    assert s.unit.slug == "lucknow-commissionerate" and "Profile location" in reasons.describe_in("en", s.reason)
    s = gazetteer.suggest("please help", place="Noida, India")
    assert "Tweet's place" in reasons.describe_in("en", s.reason)


def test_two_places_lower_the_confidence(gazetteer):
    s = gazetteer.suggest("Lucknow se Noida jaate hue loot")
    assert s.confidence < 0.8 and "Also mentions" in reasons.describe_in("en", s.reason)


def test_normalise():
    assert normalise("हज़रतगंज") == normalise("हजरतगंज")
    assert normalise("आँख") == normalise("आंख")
    assert normalise("क्\u200dष") == normalise("क्ष")
    assert normalise("NOIDA") == "noida"
