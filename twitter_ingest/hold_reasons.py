"""Why an outbox row is held, in words a person reads in Hindi or English.

A row's `reason` starts with a code and its parameters, then the English sentence:
"[personal_data kinds=phone,email] Contains a phone number, an e-mail address: edit the text before it is
sent." The dashboard shows `describe(reason)` in the reader's language; the admin and the logs read the
English. Reasons written without a code (the sender's retries and errors) are shown as they are."""

import re

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy as _

from complaints import personal_data, reasons
from complaints.models import Status

from .models import Outbox, OutboxKind, OutboxStatus

PERSONAL_DATA = "personal_data"
CHECK_FAILED = "check_failed"
TEMPLATE_OFF = "template_off"
TEMPLATE_NOT_NEUTRAL = "template_not_neutral"
EMPTY = "empty"
TOO_LONG = "too_long"
RESTRICTED = "restricted"
BUDGET_SPENT = "budget_spent"
NOT_SUMMONED = "not_summoned"
OVERTAKEN = "overtaken"

MESSAGES = {
    PERSONAL_DATA: _("Contains %(found)s: edit the text before it is sent."),
    CHECK_FAILED: _("The check for personal data failed, so the text was not sent. Save it again to have it "
                    "checked."),
    TEMPLATE_OFF: _("The reply template %(key)s is switched off. Write the text, then save."),
    TEMPLATE_NOT_NEUTRAL: _("The reply template %(key)s cannot be used for a restricted complaint: it may hold "
                            "only {code}, {stage} and {link}, never the report. Correct it in the reply "
                            "templates, then save this text."),
    EMPTY: _("The text is empty. Write the text, then save."),
    TOO_LONG: _("Longer than %(limit)s characters as X counts them (%(weight)s)."),
    RESTRICTED: _("Not to be posted: the complaint is restricted, so nothing may tag or name its unit in public. "
                  "The unit has it on its dashboard."),
    BUDGET_SPENT: _("Held: this month's X budget (%(budget)s USD) is spent, so optional replies wait. Post it by "
                    "hand, or send it once HQ raises the budget or the month turns."),
    NOT_SUMMONED: _("Post it by hand from @%(handle)s, then mark it sent: X lets an account reply only to a tweet "
                    "that names it, and the tweet names @%(handle)s, whose tokens are not set here."),
    OVERTAKEN: _("Not posted: the complaint moved on (%(status)s) while this reply waited, so it would be out "
                 "of date. Edit and send it only if it still helps the citizen."),
}

_CODED = re.compile(r"^\[([a-z_]+)((?: [a-z]+=[^\s\]]*)*)\] ")


def _sentence(code, params):
    """The reason's sentence in the active language."""
    values = dict(params)
    if code == PERSONAL_DATA:
        values["found"] = personal_data.describe([k for k in values.get("kinds", "").split(",") if k])
    if code == OVERTAKEN and values.get("status") in Status.values:
        values["status"] = Status(values["status"]).label
    return str(MESSAGES[code]) % values


def encode(code, **params):
    """The stored reason: the code, its parameters and the English sentence."""
    params = {name: str(value) for name, value in params.items()}
    with translation.override("en"):
        sentence = _sentence(code, params)
    head = "".join(f" {name}={value}" for name, value in params.items())
    return f"[{code}{head}] {sentence}"[:500]


def decode(reason):
    """(code, {parameter: value}) of a stored reason, or (None, {}) for one written without a code."""
    match = _CODED.match(reason or "")
    if not match or match.group(1) not in MESSAGES:
        return None, {}
    return match.group(1), dict(part.split("=", 1) for part in match.group(2).split())


def describe(reason):
    """The reason in the active language; the sender's coded reasons (complaints.reasons) too."""
    code, params = decode(reason)
    return reasons.describe(reason) if code is None else _sentence(code, params)


def withheld_on_x(complaint):
    """What is kept off X for this complaint and why, as (where, why) in the active language: for a
    restricted complaint, the forward that tags the unit and the report in the closing reply; and what
    went out before it was restricted, for HQ to take down by hand."""
    if not complaint.is_restricted:
        return []
    sent = Outbox.objects.filter(complaint=complaint, status=OutboxStatus.SENT)
    report = (complaint.action_taken_report or "").strip()
    exposed = [row for row in sent if row.kind in (OutboxKind.FORWARD, OutboxKind.NOTED)
               or (report and report in row.text)]
    items = []
    if exposed:
        items.append((gettext("Already on X"), gettext(
            "Posted before the complaint was restricted, and still in the citizen's thread: %(tweets)s. Delete "
            "them on X by hand if they must go.") % {
                "tweets": ", ".join(f"{row.get_kind_display()} ({row.posted_tweet_id or '?'})" for row in exposed)}))
    if complaint.forwarded_at:
        items.append((gettext("Forward to the unit on X"), gettext(
            "Not tweeted while the complaint is restricted: the unit gets it on its dashboard only and is not "
            "tagged in the citizen's thread.")))
    items.append((gettext("Closing and status replies on X"), gettext(
        "Posted as the neutral text with the tracking code only: the complaint is restricted, so nothing "
        "from the report and no unit is named.")))
    return items
