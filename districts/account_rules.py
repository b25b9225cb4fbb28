"""The state's rules for its units' X accounts (DGP's circular of 20 Aug 2016) and what breaks them.

§1: a district's account is named after the district (@VaranasiPolice, @ghaziabadpolice); §8: profile
picture, bio and header like the state account's; §10: every district, range and zone account follows the
accounts in X_AUDIT_REQUIRED_FOLLOWS. The audit (twitter_ingest.account_audit) stores what X showed;
`findings` turns that into codes, which the accounts page shows in the reader's language with the fix.

The checks are what can be read from the profile without downloading images: "like the state account's
picture" is read as "not X's default picture", "like its bio" as "a bio that names UP Police or 112"."""

import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import UnitType

NO_ACCOUNT = "no_account"
NOT_CHECKED = "not_checked"
MISSING = "missing"
RENAMED = "renamed"
SAME_ID = "same_id"
PROTECTED = "protected"
HANDLE_FORM = "handle_form"
NAME_FORM = "name_form"
NO_BIO = "no_bio"
BIO_FORM = "bio_form"
DEFAULT_IMAGE = "default_image"
NOT_VERIFIED = "not_verified"
NOT_FOLLOWING = "not_following"

# code -> (what is wrong, what to fix); the page fills in %(handle)s, %(accounts)s, %(place)s.
TEXTS = {
    NO_ACCOUNT: (_("No X account on file for this unit."),
                 _("Add the unit's account in the admin (X accounts) once its handle is confirmed.")),
    NOT_CHECKED: (_("Not checked on X yet."), _("Wait for the weekly audit, or run audit_accounts.")),
    MISSING: (_("X does not know this account: the handle is wrong, or the account is deleted or suspended."),
              _("Confirm the handle with the unit and correct it in the admin.")),
    RENAMED: (_("The account's handle on X is now @%(handle)s; the desk still knows it by its X user id."),
              _("Update the handle on file to @%(handle)s in the admin, and tell citizens the new handle.")),
    SAME_ID: (_("This is the same X account as another handle on file."),
              _("Keep one entry for the account in the admin and deactivate the other.")),
    PROTECTED: (_("The account is protected: citizens cannot see its replies and its Noted."),
                _("Make the account public (X settings: Privacy and safety, Audience).")),
    HANDLE_FORM: (_("The handle is not the district's name with Police, as circular §1 asks (e.g. @VaranasiPolice)."),
                  _("Ask X to change the handle to the prescribed form, then update it here.")),
    NAME_FORM: (_("The display name does not name the unit (%(place)s) and the police."),
                _("Set the display name to the unit's name with Police / पुलिस (circular §1).")),
    NO_BIO: (_("The account has no bio."),
             _("Write the bio like the state account's: UP Police, the unit, Dial 112 (circular §8).")),
    BIO_FORM: (_("The bio does not mention UP Police or 112."),
               _("Write the bio like the state account's: UP Police, the unit, Dial 112 (circular §8).")),
    DEFAULT_IMAGE: (_("The profile picture is X's default picture."),
                    _("Use the UP Police logo as the profile picture, as on the state account (circular §8).")),
    NOT_VERIFIED: (_("The account is not verified on X."),
                   _("Apply to X for verification as a government account.")),
    NOT_FOLLOWING: (_("The account does not follow %(accounts)s."),
                    _("Follow these accounts from the unit's account (circular §10).")),
}

# code -> a short name, for the page's count of what needs fixing.
SHORT = {
    NO_ACCOUNT: _("No account on file"), NOT_CHECKED: _("Not checked yet"), MISSING: _("Not found on X"),
    RENAMED: _("Renamed on X"), SAME_ID: _("Same X account on file twice"), PROTECTED: _("Protected"),
    HANDLE_FORM: _("Handle not in the prescribed form"), NAME_FORM: _("Display name not in the prescribed form"),
    NO_BIO: _("No bio"), BIO_FORM: _("Bio without UP Police or 112"), DEFAULT_IMAGE: _("Default profile picture"),
    NOT_VERIFIED: _("Not verified"), NOT_FOLLOWING: _("Not following every required account"),
}

# Words that name the kind of unit, not the place (dropped to find the place name).
_KIND_WORDS = re.compile(
    r"\b(police|commissionerate|zone|range|traffic|adg|ig|dig|cp|ssp|sp)\b|पुलिस|कमिश्नरेट|ज़ोन|जोन|परिक्षेत्र",
    re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")
_POLICE = re.compile(r"police|पुलिस", re.IGNORECASE)
_BIO = re.compile(r"up\s*police|uppolice|uttar\s*pradesh\s*police|\b112\b"
                  r"|उत्तर\s*प्रदेश\s*पुलिस|यूपी\s*पुलिस|उ\.?\s*प्र\.?\s*पुलिस", re.IGNORECASE)
NAMED_UNITS = (UnitType.DISTRICT, UnitType.COMMISSIONERATE)
FOLLOWING_UNITS = (UnitType.DISTRICT, UnitType.COMMISSIONERATE, UnitType.RANGE, UnitType.ZONE)


def squash(text):
    return _NOT_WORD.sub("", (text or "").lower())


def place_names(unit):
    """The unit's place as it may be written (English, Hindi, other spellings), squashed."""
    names = [unit.name_en, unit.name_hi, *(unit.alt_names or [])]
    return sorted({squash(_KIND_WORDS.sub(" ", name)) for name in names if name} - {""}, key=len, reverse=True)


def required_follows(handle=""):
    """The accounts every district, range and zone account must follow, less the account itself."""
    wanted = [h.strip().lstrip("@") for h in settings.X_AUDIT_REQUIRED_FOLLOWS if h.strip()]
    return [h for h in wanted if h.lower() != (handle or "").lower()]


def is_default_image(url):
    return not url or "default_profile" in url


def findings(account, check):
    """The codes that apply to an account (an XAccount with its unit) given its AccountCheck."""
    if check is None or check.checked_at is None:
        return [NOT_CHECKED]
    if not check.exists:
        return [MISSING]
    found = []
    unit = account.unit
    if check.x_username and check.x_username.lower() != account.handle.lower():
        found.append(RENAMED)
    if check.protected:
        found.append(PROTECTED)
    places = place_names(unit)
    if unit.unit_type in NAMED_UNITS and account.kind == "unit":
        handle = squash(check.x_username or account.handle)
        if "pol" not in handle or not any(place in handle for place in places):
            found.append(HANDLE_FORM)
    if unit.unit_type in FOLLOWING_UNITS and account.kind == "unit":
        name = squash(check.name)
        if not any(place in name for place in places) or (
                unit.unit_type in NAMED_UNITS and not _POLICE.search(check.name or "")):
            found.append(NAME_FORM)
    if not (check.description or "").strip():
        found.append(NO_BIO)
    elif not _BIO.search(check.description):
        found.append(BIO_FORM)
    if is_default_image(check.profile_image_url):
        found.append(DEFAULT_IMAGE)
    if check.verified is False:
        found.append(NOT_VERIFIED)
    if check.follows_checked_at and check.missing_follows:
        found.append(NOT_FOLLOWING)
    return found


def describe(code, account=None, check=None):
    """(problem, fix) in the active language, filled in for this account."""
    problem, fix = TEXTS.get(code, (code, ""))
    values = {
        "handle": (check.x_username if check else "") or (account.handle if account else ""),
        "accounts": ", ".join(f"@{h}" for h in (check.missing_follows if check else []) or []),
        "place": account.unit.display_name() if account else "",
    }
    return str(problem) % values, str(fix) % values
