"""Why the desk did what it did with a mention or a line of input, kept as a message code with its
parameters and said in the reader's language only when it is shown (dashboard, admin, API).

A stored reason reads `[code]{"param": value}`, one or more of them: `[unit_mentioned]{"surface": "लखनऊ",
"unit": {"en": "Lucknow", "hi": "लखनऊ"}}`. A parameter given as {"en", "hi"} is shown in the reader's
language; a count parameter chooses the plural. Rows written before the codes (plain English sentences)
and reasons of another kind are shown as they are, so nothing already stored goes blank."""

import json
import re

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _, ngettext_lazy

# What the ingest read a mention as (twitter_ingest.classify).
RETWEET = "retweet"
OWN_POST = "own_post"
UNIT_GREETING = "unit_greeting"
UNIT_POST = "unit_post"
STATUS_BY_CODE = "status_by_code"
STATUS_IN_THREAD = "status_in_thread"
THANKS = "thanks"
REOPEN_REQUESTED = "reopen_requested"
ACCOUNT_TO_CONFIRM = "account_to_confirm"
NO_OWN_WORDS = "no_own_words"
READ_AS_APPRECIATION = "read_as_appreciation"
READ_AS_GREETING = "read_as_greeting"
NOT_A_COMPLAINT = "not_a_complaint"
NOTED_BY_UNIT = "noted_by_unit"
NOTED_NOT_THE_UNIT = "noted_not_the_unit"
NOTED_WRONG_STATUS = "noted_wrong_status"
READS_LIKE_DISPOSAL = "reads_like_disposal"
ANOTHER_UNITS_PLACE = "another_units_place"
REPLY_FROM_OTHER_UNIT = "reply_from_other_unit"
NOTED_BY_REPLY = "noted_by_reply"
ALREADY_FILED = "already_filed"
FILED_BY_HAND = "filed_by_hand"
ALREADY_DECIDED = "already_decided"
ALREADY_REGISTERED = "already_registered"
NOT_FILED_ERROR = "not_filed_error"
NOT_FILED_REFUSED = "not_filed_refused"
# Where a new complaint was placed (twitter_ingest.gazetteer, the learned model).
TAGGED = "tagged"
UNIT_MENTIONED = "unit_mentioned"
PROFILE_LOCATION = "profile_location"
TWEET_PLACE = "tweet_place"
ALSO_MENTIONS = "also_mentions"
MODEL_SUGGESTS = "model_suggests"
# Input that could not be filed (twitter_ingest.tweets, ingest_file).
NO_USABLE_ID = "no_usable_id"
NOT_A_TWEET_ID = "not_a_tweet_id"
NO_TEXT = "no_text"
LINE_NOT_OBJECT = "line_not_object"
NOT_A_TWEET_OBJECT = "not_a_tweet_object"
API_ERROR = "api_error"
NOT_UTF8 = "not_utf8"
MALFORMED_JSON_AT = "malformed_json_at"
MALFORMED_JSON = "malformed_json"
# The poller and the watches (twitter_ingest.poller, watches), shown on the ingest health page.
NO_CREDENTIALS = "no_credentials"
RATE_LIMITED = "rate_limited"
PAUSED = "paused"
X_ERROR = "x_error"
PASSING_FAULT = "passing_fault"
UNREADABLE = "unreadable"
FILING_FAILED = "filing_failed"
FAILURES_IN_A_ROW = "failures_in_a_row"
NOT_AN_INCIDENT = "not_an_incident"
# Timeline entries the ingest and the merge write (twitter_ingest.filing, deletions; lifecycle.merge).
TEXT_CUT = "text_cut"
FOLLOW_UP_OF = "follow_up_of"
MERGED_AUTOMATICALLY = "merged_automatically"
DELETED_ON_X_OWN = "deleted_on_x_own"
DELETED_ON_X_THREAD = "deleted_on_x_thread"
MESSAGES_MOVED = "messages_moved"
# The outbox's sender (twitter_ingest.outbox).
GAVE_UP = "gave_up"
RETRY_RATE_LIMITED = "retry_rate_limited"
RETRY_TRANSIENT = "retry_transient"
WAITING_FOR_PARENT = "waiting_for_parent"
ACCOUNT_RATE_LIMIT = "account_rate_limit"
POSTING_OFF = "posting_off"
NO_ACCOUNT_CREDENTIALS = "no_account_credentials"
FOUND_POSTED_EARLIER = "found_posted_earlier"
UNSURE_POSTED = "unsure_posted"
X_REFUSED = "x_refused"
POSTING_UNAVAILABLE = "posting_unavailable"
X_SAYS_ALREADY_POSTED = "x_says_already_posted"
ANSWERS_A_TWEET_NOT_OURS = "answers_a_tweet_not_ours"
WAITING_TO_FOLD = "waiting_to_fold"
FOLDED = "folded"

MESSAGES = {
    RETWEET: _("A retweet with nothing added."),
    OWN_POST: _("Our own post."),
    UNIT_GREETING: _("A greeting from a unit."),
    UNIT_POST: _("A unit's post outside any complaint's thread."),
    STATUS_BY_CODE: _("The complainant asked for the status of %(code)s."),
    STATUS_IN_THREAD: _("The complainant asked for the status in the complaint's thread."),
    THANKS: _("The complainant said thanks."),
    REOPEN_REQUESTED: _("The complainant asked for the complaint to be reopened."),
    ACCOUNT_TO_CONFIRM: _("Noted from @%(handle)s, an account not on file whose profile names the unit: HQ to "
                          "confirm."),
    NO_OWN_WORDS: _("No words of its own (only mentions or links)."),
    READ_AS_APPRECIATION: _("Read as thanks or praise because of: %(words)s."),
    READ_AS_GREETING: _("Read as a greeting because of: %(words)s."),
    NOT_A_COMPLAINT: _("Read as no complaint (%(rule)s) because of: %(words)s."),
    NOTED_BY_UNIT: _("Noted by the complaint's unit: %(words)s."),
    NOTED_NOT_THE_UNIT: _("“Noted” kept as a message: it is not the complaint's unit."),
    NOTED_WRONG_STATUS: _("“Noted” kept as a message: the complaint is %(status)s."),
    READS_LIKE_DISPOSAL: _("Reads like a disposal: HQ to confirm."),
    ANOTHER_UNITS_PLACE: _("The unit says the place is another unit's: HQ to look."),
    REPLY_FROM_OTHER_UNIT: _("A reply from another unit."),
    NOTED_BY_REPLY: _("Noted recorded by the unit's reply."),
    ALREADY_FILED: _("Already filed as %(code)s."),
    FILED_BY_HAND: _("Filed by hand by %(user)s."),
    ALREADY_DECIDED: _("Already decided: %(state)s."),
    ALREADY_REGISTERED: _("@%(handle)s is already registered for %(unit)s."),
    NOT_FILED_ERROR: _("Could not be filed because of an error: %(detail)s"),
    NOT_FILED_REFUSED: _("Could not be filed: %(detail)s"),
    TAGGED: _("Tagged @%(handle)s: %(unit)s."),
    UNIT_MENTIONED: _("Mentions “%(surface)s”: %(unit)s."),
    PROFILE_LOCATION: _("Profile location “%(surface)s”: %(unit)s."),
    TWEET_PLACE: _("Tweet's place “%(surface)s”: %(unit)s."),
    ALSO_MENTIONS: _("Also mentions %(units)s."),
    MODEL_SUGGESTS: _("The learned model (%(version)s) suggests %(unit)s, %(percent)s%% sure."),
    NO_USABLE_ID: _("A tweet without a usable id: %(value)s."),
    NOT_A_TWEET_ID: _("Not a tweet id: %(value)s."),
    NO_TEXT: _("Tweet %(tweet)s has no text."),
    LINE_NOT_OBJECT: _("A response line must be a JSON object."),
    NOT_A_TWEET_OBJECT: _("Not a tweet object."),
    API_ERROR: _("X reported an error: %(detail)s"),
    NOT_UTF8: _("Not UTF-8 at byte %(column)s (%(detail)s)."),
    MALFORMED_JSON_AT: _("Malformed JSON at column %(column)s: %(detail)s."),
    MALFORMED_JSON: _("Malformed JSON: %(detail)s."),
    NO_CREDENTIALS: _("No X credentials: set X_BEARER_TOKEN (or user tokens)."),
    RATE_LIMITED: _("X's rate limit (429): waiting until %(until)s UTC."),
    PAUSED: _("Paused: %(detail)s"),
    X_ERROR: _("X answered with an error: %(detail)s"),
    PASSING_FAULT: _("A passing fault: %(detail)s"),
    UNREADABLE: _("X's response could not be read: %(detail)s"),
    FILING_FAILED: _("Filing failed: %(detail)s"),
    FAILURES_IN_A_ROW: ngettext_lazy("%(count)s failure in a row.", "%(count)s failures in a row.", "count"),
    NOT_AN_INCIDENT: _("Not an incident (%(kind)s)."),
    TEXT_CUT: _("Filed the first %(kept)s characters (X's longest post); the other %(cut)s are kept with the "
                 "mention's raw JSON."),
    FOLLOW_UP_OF: _("A follow-up of %(code)s, filed before its original arrived."),
    MERGED_AUTOMATICALLY: _("%(code)s was this complaint's follow-up, filed before the original arrived; merged "
                            "into it and its text added to the thread."),
    DELETED_ON_X_OWN: _("The complaint's tweet (%(tweet)s) is no longer on X: found deleted on %(found_at)s, still "
                        "there on %(last_seen_at)s. The copy as received is kept."),
    DELETED_ON_X_THREAD: _("A tweet in its thread (%(tweet)s) is no longer on X: found deleted on %(found_at)s, "
                           "still there on %(last_seen_at)s. The copy as received is kept."),
    MESSAGES_MOVED: ngettext_lazy("%(count)s message of the duplicate moved to this thread.",
                                  "%(count)s messages of the duplicate moved to this thread.", "count"),
    GAVE_UP: ngettext_lazy("Gave up after %(count)s failed attempt: %(detail)s",
                           "Gave up after %(count)s failed attempts: %(detail)s", "count"),
    ANSWERS_A_TWEET_NOT_OURS: _("The tweet it answers was not posted by the system."),
    RETRY_RATE_LIMITED: _("X's rate limit (429): tried again once it resets."),
    RETRY_TRANSIENT: _("A transient error at X: %(detail)s"),
    WAITING_FOR_PARENT: _("Waiting for the tweet it answers to be posted."),
    ACCOUNT_RATE_LIMIT: _("This account's posting limit is reached: tried again in a minute."),
    POSTING_OFF: _("Not posted: posting is switched off (X_POST_ENABLED). Post the prepared text by hand, then "
                   "mark it sent."),
    NO_ACCOUNT_CREDENTIALS: _("Not posted: there are no credentials for this account. Post the prepared text by "
                              "hand, then mark it sent."),
    FOUND_POSTED_EARLIER: _("Found already posted by an earlier attempt."),
    UNSURE_POSTED: _("Not sure whether an earlier attempt posted this (%(detail)s). Check the account's timeline, "
                     "then mark it sent or post it by hand."),
    X_REFUSED: _("X refused it (%(status)s): %(detail)s"),
    POSTING_UNAVAILABLE: _("Posting unavailable (%(status)s: %(detail)s). Post by hand, then mark it sent."),
    X_SAYS_ALREADY_POSTED: _("X reported it as already posted."),
    WAITING_TO_FOLD: _("Waiting for the reply with the complaint's code, which will carry it."),
    FOLDED: _("Posted in the reply with the complaint's code (one tweet for both)."),
}

GROUPED = {"kept", "cut"}  # counts shown in lakhs and crores (seva/formats)
_HEAD = re.compile(r"\[([a-z0-9_]+)\]")
_decoder = json.JSONDecoder()
MAX_PARAM = 150


def encode(reason_code, /, **params):
    """The stored form of one reason. Long parameters are cut so that the whole fits a 300-character field."""
    if reason_code not in MESSAGES:
        raise ValueError(f"unknown reason code {reason_code!r}")
    return f"[{reason_code}]" + json.dumps({k: _cut(v) for k, v in params.items()}, ensure_ascii=False,
                                    separators=(",", ":"))


def both(*reasons):
    """Several stored reasons as one (empty ones left out)."""
    return "".join(r for r in reasons if r)


def named(unit):
    """A unit as a parameter, named in whichever language the reader reads."""
    return {"en": unit.name_en, "hi": unit.name_hi or unit.name_en}


def in_both(label):
    """A translatable label (a choice's label) as a parameter, in English and in Hindi."""
    found = {}
    for language in ("en", "hi"):
        with translation.override(language):
            found[language] = str(label)
    return found


def decode(stored):
    """[(code, params)] of a stored reason, or [] for one written without codes. A field that cut the last
    of several reasons short keeps the ones before it."""
    stored, pos, found = stored or "", 0, []
    while pos < len(stored):
        head = _HEAD.match(stored, pos)
        if not head or head.group(1) not in MESSAGES:
            return found if found and _cut_short(stored, pos) else []
        try:
            params, pos = _decoder.raw_decode(stored, head.end())
        except ValueError:
            return found if found and _cut_short(stored, pos) else []
        if not isinstance(params, dict):
            return []
        found.append((head.group(1), params))
    return found


def _cut_short(stored, pos):
    """Whether what is left from pos is the start of one more reason that a length limit cut off."""
    return stored.startswith("[", pos)


def code_of(stored):
    """The first code of a stored reason, or "" for one written without codes."""
    found = decode(stored)
    return found[0][0] if found else ""


def describe(stored):
    """The reason in the active language; a reason without codes as it was stored."""
    found = decode(stored)
    if not found:
        return stored or ""
    return " ".join(_sentence(code, params) for code, params in found)


def describe_in(language, stored):
    with translation.override(language):
        return describe(stored)


def _sentence(code, params):
    values = {key: _shown(key, value) for key, value in params.items()}
    message = MESSAGES[code]
    try:
        if "count" in params:
            return message % {**values, "count": params["count"]}
        return str(message) % values
    except (KeyError, TypeError, ValueError):  # a row written by an older version of a message
        return str(message).split("%(")[0].rstrip(" :(") or code


def _shown(key, value):
    if isinstance(value, dict) and "en" in value:
        hindi = (translation.get_language() or "").startswith("hi")
        return str(value.get("hi") if hindi and value.get("hi") else value["en"])
    if isinstance(value, list):
        return ", ".join(_shown(key, v) for v in value)
    if key.endswith("_at") and isinstance(value, str):  # a time, in IST with the month in the reader's language
        from datetime import datetime

        from .dates import ist

        try:
            return ist(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and value.startswith("[") and decode(value):  # a reason inside a reason
        return describe(value)
    if key in GROUPED and isinstance(value, int):
        return number_format(value, force_grouping=True)
    if key == "status":
        from .models import Status

        return str(Status(value).label).lower() if value in Status.values else str(value)
    return str(value)


def _cut(value):
    if isinstance(value, str):
        return value if value.startswith("[") and decode(value) else value[:MAX_PARAM]
    if isinstance(value, dict):
        return {k: _cut(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_cut(v) for v in value[:5]]
    return value
