"""The classes of lexicon terms. A term of a class is evidence for one reading of a mention; cue classes
only qualify other terms (a term's `requires` names the cues that must also occur in the text)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TermClass(models.TextChoices):
    URGENT = "urgent", _("Urgent: life or limb in danger now")
    NOT_URGENT = "not_urgent", _("Not urgent: cancels an urgent word next to it (past event, everyday sense)")
    SENSITIVE = "sensitive", _("Sensitive: always restricts")
    NOT_SENSITIVE = "not_sensitive", _("Not sensitive: cancels a sensitive word next to it (meter tampering…)")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement: the unit has taken the matter up")
    DISPOSAL = "disposal", _("Disposal: an outcome reported (arrest, recovery, FIR, settled, found false)")
    NOT_CONCERNED = "not_concerned", _("Not concerned: the unit says the place is another unit's")
    COGNIZANCE_REQUEST = "cognizance_request", _("Request for cognizance or action (never an acknowledgement)")
    APPRECIATION = "appreciation", _("Appreciation or thanks")
    GREETING = "greeting", _("Festival or day greeting")
    CONTRAST = "contrast", _("Contrast (\"but\"): thanks followed by a complaint")
    COMPLAINT_SIGNAL = "complaint_signal", _("Complaint signal: asks for action or reports harm")
    STATUS_REQUEST = "status_request", _("Status request")
    NOISE = "noise", _("Noise: recruitment, politics, spam, jokes")
    CATEGORY_INFORMATION = "category_information", _("Class: information or suggestion")
    CATEGORY_NOT_POLICE = "category_not_police", _("Class: not a police matter")
    CATEGORY_ACTION = "category_action", _("Class: needs police action")
    HINGLISH = "hinglish", _("Hinglish word (reply in Hindi)")
    ENGLISH = "english", _("English word")
    CUE_MINOR = "cue_minor", _("Cue: a minor")
    CUE_FEMALE = "cue_female", _("Cue: a woman or girl")
    CUE_SELF = "cue_self", _("Cue: the writer speaks of herself")
    CUE_INLAWS = "cue_inlaws", _("Cue: in-laws (sasural)")
    CUE_PERSON = "cue_person", _("Cue: a person (not a thing)")
    CUE_NOW = "cue_now", _("Cue: happening now")
    CUE_HUSBAND = "cue_husband", _("Cue: husband")
    PLACE_DISTRICT = "place_district", _("Place: district word (जनपद, jila, district)")
    PLACE_STATION = "place_station", _("Place: police-station word (थाना, PS)")
    PLACE_STATE = "place_state", _("Place: the state's name (UP, उत्तर प्रदेश)")
    PLACE_NOT_AFTER = "place_not_after", _("Place: after a town's name, not that district (road, colony)")
    PLACE_NOT_BEFORE = "place_not_before", _("Place: before a town's name, not that district (village)")
    PLACE_HOME = "place_home", _("Place: where the writer lives, not where it happened")
    PLACE_AMBIGUOUS = "place_ambiguous", _("Place: a name that is also an everyday word")
    PLACE_CUE = "place_cue", _("Place: a word that says a place is meant (in, में, se)")
    PLACE_GENERIC = "place_generic", _("Place: a station or locality name found in many towns (Civil Lines, Chowk)")


# Classes whose terms cancel a neighbouring term of another class, and how near the neighbour must be.
CANCELS = {TermClass.NOT_URGENT: TermClass.URGENT, TermClass.NOT_SENSITIVE: TermClass.SENSITIVE}
CANCEL_WINDOW = 4

LANGUAGES = (("hi", _("Hindi (Devanagari)")), ("hinglish", _("Hinglish (Latin script)")), ("en", _("English")))
