"""Every tweet the system sends goes through here.

Rows are written by a receiver of complaints.lifecycle.transitioned, so they commit or roll back with the
change that causes them (a filed complaint → the reply with its code; a forward → HQ's reply in the
citizen's thread tagging the unit, unless the unit takes forwards on the dashboard only, which goes out
inside the reply with the code when that is still waiting (fold_forwards); a Noted given on
the dashboard by a unit with credentials → the unit's "Noted" under HQ's forward; a resolution → the
closing reply). Status replies are queued by filing. The reply with the code, the closing and status
replies go out from the watched account the tweet was addressed to when it can post as itself, else from
the state account (accounts.py).

Sending (send_due, run by a Celery task and by the demo): each row is posted at most once, and a row is
never given up without a person seeing it. Transient errors are retried with jittered backoff, a 429 waits
for its reset time, permanent errors are dead-lettered with the reason, and without credentials or with
X_POST_ENABLED off a row becomes "post by hand" with its prepared text.

Why no tweet is posted twice. Write C for X_OUTBOX_CLAIM_SECONDS and t for X_API_TIMEOUT (C > 2t: system
check twitter_ingest.E001).
1. A sender owns a row through a claim: a conditional UPDATE pending → sending with a fresh token, so of
   any number of senders exactly one gets it; every later write of the sender is conditional on the
   token, so a sender that lost its claim writes nothing.
2. Right before the post request the sender renews the claim (same condition), sets lookback_from to now
   if it is empty and records the text it asks for (post_texts); that commit precedes the request. A
   sender that finds its claim gone does not post. A sender killed while the request goes out leaves X
   either all of it (the post may land, and 3 and 4 find it) or only part (urllib3 writes the headers and
   then the body), which X does not act on. (The simulated X once read a missing body as an empty one and
   posted an empty tweet in reply to nothing: the stray post of the kill bench, issue #15.)
3. Another sender can take the row over only after the claim has gone C seconds without renewal
   (release_stale), and a row whose post failed in a way that leaves the outcome unknown (timeout,
   connection error, 5xx) is not tried again before C after its request either (send_claimed). So by the
   next attempt the earlier request has been answered or timed out long ago (t < C/2), and a post that
   landed regardless (a timeout whose post went through, a kill after X accepted the post but before the
   row was marked sent) is on the account's timeline, as long as X settles a request within C (120 s by
   default).
4. Every attempt after one that made a post request reads the account's own timeline back to
   lookback_from, whatever the backlog: since_id is the smallest snowflake id of that moment less
   X_OUTBOX_LOOKBACK_MARGIN_SECONDS for a clock of X's that runs behind ours, and it pages until next_token
   runs out, so every post made since then is read, not just the newest 100. A tweet with one of the
   row's texts (its text now or any a request was made with) in reply to the row's target that no other
   row has recorded is this row's: the row is marked sent with it and nothing is posted. Texts are
   compared as X serves them back (leading @mentions, t.co links and HTML escapes aside).
   lookback_from only ever holds a moment before which no post of the row can be: at first the first
   request; a look-back that read everything back to it without finding the tweet moves it up to the
   moment that look-back began, since every earlier request had settled by then (3), and any later
   request of the row is made after it. A 429 or 5xx between pages ends the attempt without posting and
   without moving it, and the next attempt reads again from there; so a row claimed, released and claimed
   again any number of times always reads back past every post it may have made, and only as far as it
   must. Two senders at once never hold the same row (1), and a stale one cannot post once its claim is
   taken over (2).
5. When X cannot serve that far back (more than 3,200 posts, or more than X_OUTBOX_LOOKBACK_MAX_PAGES
   pages) the row is handed to a person ("post by hand", with the reason) rather than posted blind.
Why no reply is lost: a row leaves the queue only as sent (with the tweet's id), dead or held or "post by
hand" (each with its reason, shown on the ingest page and counted on /metrics); a sender that dies leaves
its row "sending", and release_stale puts it back at the head of the queue after C. Each look-back read is
added to the row's lookback_reads and logged, so its cost is visible."""

import html
import logging
import random
import re
import threading
import unicodedata
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone as dt_timezone

import requests
import tweepy
from django.conf import settings
from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone

from complaints import bulk, public, reasons
from complaints.models import Channel, Complaint, Priority, Status
from districts.models import AccountKind, XAccount

from . import accounts, client as xclient, credentials, hold_reasons, ledger
from .models import (
    AccountState, ForwardMode, Mention, Outbox, OutboxKind, OutboxStatus, ReplyTemplate, UnitPostingPolicy,
)
from .textcount import MAX_WEIGHT, fits, truncate_to_fit, weighted_length
from .tweets import EPOCH_MS

log = logging.getLogger(__name__)

STAGES = {
    Status.NEW: ("received, being reviewed at UP Police HQ", "प्राप्त, पुलिस मुख्यालय पर समीक्षाधीन"),
    Status.FORWARDED: ("sent to {unit} for action", "{unit} को कार्यवाही हेतु भेजी गई"),
    Status.NOTED: ("{unit} has taken note", "{unit} द्वारा संज्ञान में ली गई"),
    Status.IN_PROGRESS: ("under action by {unit}", "{unit} द्वारा कार्यवाही जारी"),
    Status.RESOLVED: ("resolved by {unit}", "{unit} द्वारा निस्तारित"),
    Status.CLOSED: ("closed", "बंद"),
    Status.REJECTED: ("not taken up as a police complaint", "पुलिस शिकायत के रूप में नहीं ली गई"),
    Status.DUPLICATE: ("merged with another complaint", "दूसरी शिकायत के साथ जोड़ी गई"),
    Status.TRANSFERRED: ("being sent to the concerned unit", "संबंधित इकाई को भेजी जा रही है"),
    Status.REOPENED: ("reopened", "पुनः खोली गई"),
    # The report waiting for the supervising officer is not said in public (complaints.public).
    Status.AWAITING_APPROVAL: ("under action by {unit}", "{unit} द्वारा कार्यवाही जारी"),
}

# A restricted complaint's stages name no unit: a unit's name under an offence against a woman or a child
# tells the thread where she lives.
RESTRICTED_STAGES = {
    Status.FORWARDED: ("under action", "कार्यवाही प्रचलित है"),
    Status.NOTED: ("under action", "कार्यवाही प्रचलित है"),
    Status.IN_PROGRESS: ("under action", "कार्यवाही प्रचलित है"),
    Status.TRANSFERRED: ("under action", "कार्यवाही प्रचलित है"),
    Status.AWAITING_APPROVAL: ("under action", "कार्यवाही प्रचलित है"),
    Status.RESOLVED: ("resolved", "निस्तारित"),
}

_local = threading.local()

# The wording used when HQ has no row for a key (the data migration created rows for the first five; HQ
# edits those, and changes any other wording by adding a reply template with its key).
DEFAULT_TEMPLATES = {
    "reply_with_code": (
        "Your complaint has been received by Uttar Pradesh Police. Its tracking code is {code} — please quote "
        "this code in all further communication. In an emergency, dial 112.{link}",
        "आपकी शिकायत उत्तर प्रदेश पुलिस को प्राप्त हो गई है, जिसका ट्रैकिंग कोड {code} है। कृपया आगे के संवाद में "
        "यही कोड लिखें। आपात स्थिति में डायल 112 करें।{link}",
    ),
    # The reply with the code that also carries a forward still waiting (fold_forwards, at send time): one
    # summoned reply instead of two, tagging the unit as UP Police do in replies to citizens.
    "reply_with_code_forward": (
        "Your complaint has been received by Uttar Pradesh Police. Its tracking code is {code} — please quote "
        "this code in all further communication. @{handle} Kindly take cognizance and take necessary action. "
        "In an emergency, dial 112.{link}",
        "आपकी शिकायत उत्तर प्रदेश पुलिस को प्राप्त हो गई है, जिसका ट्रैकिंग कोड {code} है। कृपया आगे के संवाद में "
        "यही कोड लिखें। @{handle} कृपया संज्ञान लेकर आवश्यक कार्यवाही करें। आपात स्थिति में डायल 112 करें।{link}",
    ),
    "forward": (
        "@{handle} Kindly take cognizance of complaint {code} and take necessary action. Please apprise us of "
        "the action taken.",
        "@{handle} कृपया शिकायत {code} का संज्ञान लेकर आवश्यक कार्यवाही करें एवं कृत कार्यवाही से अवगत कराएँ।",
    ),
    "noted": (
        "Noted. Necessary action on complaint {code} is being taken.",
        "शिकायत {code} संज्ञान में ली गई है। आवश्यक कार्यवाही की जा रही है।",
    ),
    "closing": (
        "Complaint {code} has been disposed of. Action taken: {report}{link}",
        "शिकायत {code} का निस्तारण किया गया है। कृत कार्यवाही: {report}{link}",
    ),
    "status": (
        "Complaint {code} — present status: {stage}.{link}",
        "शिकायत {code} की वर्तमान स्थिति: {stage}।{link}",
    ),
    # A restricted complaint's closing and status replies: only {code}, {stage} (naming no unit) and
    # {link} are filled in, never the report.
    "closing_restricted": (
        "Complaint {code} has been disposed of. To protect your privacy, the details are not posted here.{link}",
        "शिकायत {code} का निस्तारण किया गया है। आपकी गोपनीयता की सुरक्षा हेतु विवरण यहाँ सार्वजनिक नहीं किया गया "
        "है।{link}",
    ),
    "status_restricted": (
        "Complaint {code} — present status: {stage}. To protect your privacy, the details are not posted here.{link}",
        "शिकायत {code} की वर्तमान स्थिति: {stage}। आपकी गोपनीयता की सुरक्षा हेतु विवरण यहाँ सार्वजनिक नहीं किया गया है।"
        "{link}",
    ),
}

# The only tweets a restricted complaint may have, by template: the reply with its code and the neutral
# closing and status replies. A forward or a Noted tags or names the unit in the victim's thread.
# What waits when the month's X budget is spent (ledger.optional_spending_stopped): never a reply with a code.
OPTIONAL_KINDS = {OutboxKind.STATUS}

RESTRICTED_TEMPLATES = {"reply_with_code": "reply_with_code", "closing": "closing_restricted",
                        "status": "status_restricted"}


class Hold(Exception):
    """A row that may not be posted as it stands; it is held for a person with this reason."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.reason = hold_reasons.encode(code, **params)


def stage_text(complaint, language="en"):
    stages = {**STAGES, **RESTRICTED_STAGES} if complaint.is_restricted else STAGES
    en, hi = stages.get(complaint.status, (complaint.status, complaint.status))
    unit = complaint.unit.display_name("hi" if language == "hi" else "en") if complaint.unit_id else ""
    return (hi if language == "hi" else en).format(unit=unit or ("संबंधित इकाई" if language == "hi" else "the concerned unit"))


def _templates():
    """key -> (English, Hindi) or None for a template HQ switched off."""
    cache = getattr(_local, "templates", None)
    if cache is None:
        cache = dict(DEFAULT_TEMPLATES)
        for template in ReplyTemplate.objects.all():
            cache[template.key] = (template.text_en, template.text_hi) if template.is_active else None
        if getattr(_local, "depth", 0):
            _local.templates = cache
    return cache


def _language(complaint):
    return "hi" if (complaint.language or "").startswith("hi") else "en"


def render(key, complaint, **values):
    """The tweet text for a template, within 280 as X counts it (a report is shortened to fit). A
    restricted complaint gets its neutral wording, filled with nothing but the code, a stage that names no
    unit and the link. Raises Hold when there is no text to post (a template switched off, a forward or
    a Noted of a restricted complaint, a neutral template that asks for more)."""
    restricted = complaint.is_restricted
    if restricted:
        if key not in RESTRICTED_TEMPLATES:
            raise Hold(hold_reasons.RESTRICTED)
        key = RESTRICTED_TEMPLATES[key]
    template = _templates().get(key)
    if template is None:
        raise Hold(hold_reasons.TEMPLATE_OFF, key=key)
    language = _language(complaint)
    pattern = template[1] if language == "hi" else template[0]
    link = ""
    if settings.X_REPLY_INCLUDE_LINK:
        link = f" {settings.PUBLIC_BASE_URL.rstrip('/')}/track/{complaint.tracking_code}/"
    if restricted:
        try:
            text = pattern.format(code=complaint.tracking_code, stage=stage_text(complaint, language), link=link)
        except (KeyError, IndexError, ValueError):
            raise Hold(hold_reasons.TEMPLATE_NOT_NEUTRAL, key=key) from None
        return text.strip()
    values = {"code": complaint.tracking_code, "link": link, "stage": stage_text(complaint, language),
              "unit": complaint.unit.display_name(language) if complaint.unit_id else "", "handle": "",
              "report": "", **values}
    text = pattern.format(**values).strip()
    if not fits(text) and values.get("report"):
        budget = MAX_WEIGHT - weighted_length(pattern.format(**{**values, "report": ""}).strip())
        text = pattern.format(**{**values, "report": truncate_to_fit(values["report"], budget)}).strip()
    return text


# ---------------------------------------------------------------- queueing

@contextmanager
def batching():
    """Collect rows and write them with one INSERT when the block ends (inside the caller's transaction)."""
    _local.depth = getattr(_local, "depth", 0) + 1
    if _local.depth == 1:
        _local.rows, _local.accounts = [], {}
    try:
        yield
        if _local.depth == 1 and _local.rows:
            bulk.insert(Outbox, _local.rows)
    finally:
        _local.depth -= 1
        if _local.depth == 0:
            _local.rows, _local.accounts, _local.templates = [], {}, None


def _state_account():
    cache = getattr(_local, "accounts", None)
    if cache is not None and "__state__" in cache:
        return cache["__state__"]
    account = XAccount.objects.filter(handle__iexact=settings.X_STATE_HANDLE).first()
    if cache is not None and getattr(_local, "depth", 0):
        cache["__state__"] = account
    return account


def _unit_account(unit_id):
    """The unit's own account (not a designation account) when it has one."""
    accounts = XAccount.objects.filter(unit_id=unit_id, is_active=True).order_by("handle")
    return accounts.filter(kind=AccountKind.UNIT).first() or accounts.first()


def vet(row, complaint):
    """The one decision whether a row may be posted, taken when it is queued and again right before it is
    sent (the complaint may have been restricted, or the text edited, in between). Returns the text to
    post, which for a restricted complaint is always its neutral wording rendered afresh; raises Hold
    with the reason otherwise. Personal data is judged by complaints.public.check_text, which fails
    closed."""
    text = row.text or ""
    if row.kind in OPTIONAL_KINDS and ledger.optional_spending_stopped():
        raise Hold(hold_reasons.BUDGET_SPENT, budget=settings.X_MONTHLY_BUDGET_USD)
    if complaint is not None:
        overtaken(row, complaint)
    if complaint is not None and complaint.is_restricted:
        text = render(row.kind, complaint)
    verdict = public.check_text(text)
    if not verdict.publish:
        if verdict.reason == public.PERSONAL_DATA:
            raise Hold(hold_reasons.PERSONAL_DATA, kinds=",".join(verdict.kinds))
        raise Hold(hold_reasons.CHECK_FAILED)
    if not text.strip():
        raise Hold(hold_reasons.EMPTY)
    if not fits(text):
        raise Hold(hold_reasons.TOO_LONG, limit=MAX_WEIGHT, weight=weighted_length(text))
    return text


# Replies that events overtook while they waited in the queue (a burst beyond X's posting limit can keep
# a row waiting for many minutes): a forward or a Noted once the complaint is finished, a closing reply once
# it has been reopened. They are held with the reason, never posted stale.
FINISHED = {Status.RESOLVED, Status.CLOSED, Status.REJECTED, Status.DUPLICATE}
OVERTAKEN_WHEN = {OutboxKind.FORWARD: FINISHED, OutboxKind.NOTED: FINISHED, OutboxKind.CLOSING: {Status.REOPENED}}


def overtaken(row, complaint):
    if complaint.status in OVERTAKEN_WHEN.get(row.kind, ()):
        raise Hold(hold_reasons.OVERTAKEN, status=complaint.status)
    if row.kind == OutboxKind.FORWARD and _tags_another_unit(row, complaint):
        raise Hold(hold_reasons.OVERTAKEN, status=complaint.status)


def _tags_another_unit(row, complaint):
    """A forward that tags a registered account of another unit than the one the complaint is with now (it
    was transferred and forwarded elsewhere while this waited): the tag would send a unit to a complaint
    that is no longer its. A hand-written handle not on file is left to the person who wrote it."""
    tags = _tags(row.text)
    if not tags or not complaint.unit_id:
        return False
    named = Q()
    for tag in sorted(tags):
        named |= Q(handle__iexact=tag)
    units = set(XAccount.objects.filter(named, is_active=True).values_list("unit_id", flat=True))
    return bool(units) and complaint.unit_id not in units


def vet_claimed(row):
    """vet() for a row a sender holds, against the complaint as it is now: None when it may go (its text
    replaced by the neutral wording where the complaint was restricted meanwhile), else the row's new
    status."""
    complaint = Complaint.objects.filter(pk=row.complaint_id).first() if row.complaint_id else None
    try:
        text = vet(row, complaint)
    except Hold as hold:
        _finish(row, status=OutboxStatus.HELD, reason=hold.reason)
        return OutboxStatus.HELD
    if text != row.text:
        mine = Outbox.objects.filter(pk=row.pk, status=OutboxStatus.SENDING, claim_token=row.claim_token)
        if not mine.update(text=text):
            return OutboxStatus.SENDING  # another sender took the row over
        row.text = text
    return None


def _recheck_unsent(complaint):
    """A complaint was just restricted: its rows not yet posted are vetted again at once, so that none
    waiting to be posted by hand still carries the report or tags the unit, and HQ sees on the complaint
    page which are held and why. (The sender vets every row again anyway.)"""
    unsent = [OutboxStatus.PENDING, OutboxStatus.HELD, OutboxStatus.MANUAL, OutboxStatus.DEAD]
    for row in Outbox.objects.filter(complaint=complaint, status__in=unsent):
        same = Outbox.objects.filter(pk=row.pk, status=row.status)
        try:
            text = vet(row, complaint)
        except Hold as hold:
            same.update(status=OutboxStatus.HELD, reason=hold.reason)
            continue
        if row.status == OutboxStatus.HELD:
            same.update(text=text, status=OutboxStatus.PENDING, reason="")
        elif text != row.text:
            same.update(text=text)


def queue(kind, complaint, *, account, text, key, in_reply_to="", reply_to_outbox=None):
    """`text` is the tweet, or a template key and its values as a tuple (rendered here, so that a missing
    template holds the row for a person instead of breaking the change that caused it). Every row is
    vetted: one that may not be posted is written held, with the reason."""
    row = Outbox(kind=kind, complaint=complaint, account=account, text="", idempotency_key=key[:100],
                 in_reply_to_tweet_id=in_reply_to or "", reply_to_outbox=reply_to_outbox)
    try:
        if isinstance(text, tuple):
            template, values = text
            text = render(template, complaint, **values)
        row.text = text
        row.text = vet(row, complaint)
    except Hold as hold:
        row.status, row.reason = OutboxStatus.HELD, hold.reason
    if getattr(_local, "depth", 0):
        _local.rows.append(row)
    else:
        row.save()
    return row


def _per_batch(key, load):
    """load() once per batch of filing (outbox.batching), else every time."""
    cache = getattr(_local, "accounts", None)
    if cache is None or not getattr(_local, "depth", 0):
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def _replier(text):
    """The account that answers a tweet with this text (accounts.replier)."""
    state = _state_account()
    if state is None:
        return None
    return accounts.replier(text, state=state, able=_per_batch("__repliers__", accounts.repliers))


def _to_hand_unless_named(row, text):
    """X refuses a reply from an account the tweet does not name: a row falling back to the state account
    for a tweet that names only watched accounts without tokens goes to a person at once, with the
    account to post it from, instead of being refused by X."""
    named = accounts.handles_in(text)
    if row.status != OutboxStatus.PENDING or not named or row.account.handle.lower() in named:
        return row
    watched = _per_batch("__watched__", lambda: [a.handle for a in accounts.watched_accounts()])
    handle = next((h for h in watched if h.lower() in named), None)
    if handle is None:  # it names no watched account: it reached the desk as a reply to the account's post
        return row
    row.status, row.reason = OutboxStatus.MANUAL, hold_reasons.encode(hold_reasons.NOT_SUMMONED, handle=handle)
    if row.pk:
        Outbox.objects.filter(pk=row.pk).update(status=row.status, reason=row.reason)
    return row


def queue_status_reply(complaint, mention_tweet_id):
    raw = Mention.objects.filter(tweet_id=mention_tweet_id).values_list("raw", flat=True).first() or {}
    asked = (raw.get("tweet") or {}).get("text") if isinstance(raw, dict) else ""
    account = _replier(asked or complaint.text)
    if account is None:
        return None
    row = queue(OutboxKind.STATUS, complaint, account=account, text=("status", {}),
                key=f"status:{mention_tweet_id}", in_reply_to=mention_tweet_id)
    return _to_hand_unless_named(row, asked or complaint.text)


def on_transition(sender, complaint, event, action, **kwargs):
    """Receiver of lifecycle.transitioned: runs inside the change's transaction."""
    if complaint.channel != Channel.X or not complaint.source_tweet_id:
        return
    if action == "file":
        account = _replier(complaint.text)
        if account:
            _to_hand_unless_named(queue(OutboxKind.REPLY_WITH_CODE, complaint, account=account,
                                        text=("reply_with_code", {}), key=f"reply_with_code:{complaint.pk}",
                                        in_reply_to=complaint.source_tweet_id), complaint.text)
    elif action == "forward":
        if complaint.is_restricted:
            return  # by the dashboard only: a tag of the unit in the victim's thread says where she is
        policy = UnitPostingPolicy.objects.filter(unit_id=complaint.unit_id).first()
        if policy and policy.forward_mode == ForwardMode.DASHBOARD_ONLY:
            return
        target = _unit_account(complaint.unit_id)
        account = _state_account()
        if account and target:
            queue(OutboxKind.FORWARD, complaint, account=account, key=f"forward:{event.pk}",
                  text=("forward", {"handle": target.handle}), in_reply_to=complaint.source_tweet_id)
    elif action == "note" and event.actor_id is not None:
        if complaint.is_restricted:
            return  # the unit's own account answering in the victim's thread names the unit
        unit_account = _unit_account(event.unit_id or complaint.noted_by_id)
        can_post = unit_account is not None and credentials.tokens_for(unit_account).is_set
        forward = (Outbox.objects.filter(complaint=complaint, kind=OutboxKind.FORWARD)
                   .exclude(status=OutboxStatus.DEAD).order_by("-created_at", "-id").first())
        if can_post and forward:
            queue(OutboxKind.NOTED, complaint, account=unit_account, text=("noted", {}),
                  key=f"noted:{event.pk}", reply_to_outbox=forward,
                  in_reply_to=forward.posted_tweet_id)
    elif action == "resolve":
        account = _replier(complaint.text)
        if account:
            _to_hand_unless_named(queue(OutboxKind.CLOSING, complaint, account=account, key=f"closing:{event.pk}",
                                        text=("closing", {"report": complaint.action_taken_report}),
                                        in_reply_to=complaint.source_tweet_id), complaint.text)
    elif action == "set_restricted" and complaint.is_restricted:
        _recheck_unsent(complaint)


# ---------------------------------------------------------------- one reply for the code and the forward
#
# X bills every summoned reply. A complaint forwarded before its reply with the code has gone out (at filing,
# automatically, or by HQ within moments) would cost two: so the sender, right before it posts the reply
# with the code, composes it from the complaint as it is then, and a forward still waiting rides in it. The
# text is decided at send time, never when the forward is made, so a restriction, a merge, a rejection or a
# forward elsewhere that comes first is in it (a restricted complaint's reply is its neutral wording and
# carries no tag). The forward's row stays (its Noted answers it, the complaint page lists it) and records
# the reply it went out in (folded_into); it is never posted on its own, and it is marked sent with the
# reply's tweet, so every posted tweet is still one row's, and each row sent has exactly one post.

_TAG = re.compile(r"(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_])")


def _tags(text):
    return {handle.lower() for handle in _TAG.findall(text or "")}


def _forwards_to_fold(row, complaint):
    """(the unit's account, the forwards `row` can carry): forwards of the complaint waiting from the same
    account in reply to the same tweet, never tried on their own, that tag the account of the unit the
    complaint is with now and may still be posted as it stands (vet: not overtaken, not restricted)."""
    if complaint is None or complaint.is_restricted or not complaint.unit_id:
        return None, []
    target = _unit_account(complaint.unit_id)
    if target is None:
        return None, []
    waiting = Outbox.objects.filter(
        Q(folded_into__isnull=True) | Q(folded_into=row), complaint=complaint, kind=OutboxKind.FORWARD,
        account_id=row.account_id, in_reply_to_tweet_id=row.in_reply_to_tweet_id, status=OutboxStatus.PENDING,
        claimed_at__isnull=True, lookback_from__isnull=True).order_by("pk")
    chosen = []
    for forward in waiting:
        try:
            vet(forward, complaint)
        except Hold:
            continue
        if target.handle.lower() in _tags(forward.text):
            chosen.append(forward)
    return target, chosen


def fold_forwards(row):
    """Right before a reply with the code is posted (the sender holds it): its text from the complaint as
    it is now, carrying the forwards that wait for it when the two fit in one tweet. A text a person wrote
    is left as it is. Forwards folded at an earlier attempt that the text no longer carries go their own way
    at once when no request carried them yet; otherwise settle_folded decides from what went out. False
    when this sender lost the claim."""
    if row.kind != OutboxKind.REPLY_WITH_CODE or row.complaint_id is None:
        return True
    complaint = Complaint.objects.select_related("unit").filter(pk=row.complaint_id).first()
    earlier = set(Outbox.objects.filter(folded_into=row).exclude(status=OutboxStatus.SENT).values_list("pk", flat=True))
    try:
        plain = vet(Outbox(kind=row.kind, account=row.account, text=render("reply_with_code", complaint)), complaint)
    except Hold:
        plain = None
    if plain is None or (not earlier and row.text != plain):
        return True
    target, forwards = _forwards_to_fold(row, complaint)
    text, folded = plain, set()
    if forwards:
        try:
            combined = Outbox(kind=row.kind, account=row.account,
                              text=render("reply_with_code_forward", complaint, handle=target.handle))
            combined_text = vet(combined, complaint)
        except Hold:
            combined_text = None
        if combined_text is not None:
            ids = [f.pk for f in forwards]
            Outbox.objects.filter(Q(folded_into__isnull=True) | Q(folded_into=row), pk__in=ids,
                                  status=OutboxStatus.PENDING, claimed_at__isnull=True).update(folded_into=row)
            folded = set(Outbox.objects.filter(pk__in=ids, folded_into=row).values_list("pk", flat=True))
            if folded:
                text = combined_text
    dropped = earlier - folded
    if dropped and not row.post_texts:
        Outbox.objects.filter(pk__in=dropped, folded_into=row).update(folded_into=None)
    if text != row.text:
        mine = Outbox.objects.filter(pk=row.pk, status=OutboxStatus.SENDING, claim_token=row.claim_token)
        if not mine.update(text=text):
            Outbox.objects.filter(pk__in=folded - earlier, folded_into=row).update(folded_into=None)
            return False
        row.text = text
    return True


def settle_folded(row, tweet_id, text):
    """The reply `row` went out as `text`, tweet `tweet_id`: each forward folded into it whose tags the text
    carries is sent with it (it records the reply's tweet, which its Noted answers); one the text does not
    carry (the complaint changed between an attempt that carried it and the one that went out) goes its own
    way, vetted again by the sender."""
    said, now = _tags(text), timezone.now()
    for forward in Outbox.objects.filter(folded_into=row).exclude(status=OutboxStatus.SENT):
        tags = _tags(forward.text)
        if tags and tags <= said:
            Outbox.objects.filter(pk=forward.pk).exclude(status=OutboxStatus.SENT).update(
                status=OutboxStatus.SENT, posted_tweet_id=tweet_id, sent_at=now, claimed_at=None, claim_token="",
                reason=reasons.encode(reasons.FOLDED))
        else:
            Outbox.objects.filter(pk=forward.pk, folded_into=row).update(folded_into=None)


def unfold(row):
    """The reply ended without a post (held, to be posted by hand, given up): the forwards folded into it go
    their own way, and its text no longer carries them. (A reply given up after requests whose outcome is
    unknown may have carried them: a second tag in the thread is the lesser harm than a forward lost.)"""
    if not Outbox.objects.filter(folded_into=row).exclude(status=OutboxStatus.SENT).update(folded_into=None):
        return
    complaint = Complaint.objects.filter(pk=row.complaint_id).first()
    try:
        plain = render("reply_with_code", complaint)
    except Hold:
        return
    Outbox.objects.filter(pk=row.pk).exclude(status__in=[OutboxStatus.SENT, OutboxStatus.SENDING]).update(text=plain)


def _carrier_waiting(row):
    """For a forward: the complaint's reply with the code from the same account, not yet posted, which will
    carry it (fold_forwards); the forward waits for it rather than go first as a tweet of its own."""
    if row.kind != OutboxKind.FORWARD or row.complaint_id is None:
        return None
    return (Outbox.objects.filter(complaint_id=row.complaint_id, kind=OutboxKind.REPLY_WITH_CODE,
                                  account_id=row.account_id, in_reply_to_tweet_id=row.in_reply_to_tweet_id,
                                  status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING])
            .order_by("pk").first())


# ---------------------------------------------------------------- sending

class _Retry(Exception):
    def __init__(self, reason, at=None):
        super().__init__(reason)
        self.reason, self.at = reason, at


def _backoff(attempts):
    base = settings.X_OUTBOX_BACKOFF_SECONDS * (2 ** max(0, attempts - 1))
    return timedelta(seconds=min(base, 3600) * random.uniform(0.5, 1.5))


def _credentials(account):
    tokens = credentials.tokens_for(account)
    return tokens.token, tokens.secret


def _account_user_id(client, account):
    if account.user_id:
        return account.user_id
    state = AccountState.objects.filter(account=account).exclude(user_id="").first()
    if state:
        return state.user_id
    response = client.get_user(username=account.handle, user_auth=True)
    return str(response.json()["data"]["id"])


def _comparable(text):
    """A tweet's text as X stores and serves it back, for telling "the same tweet": X may put the reply's
    @mentions in front, wraps links in t.co and escapes &, < and >."""
    text = html.unescape(unicodedata.normalize("NFC", text or ""))
    text = _LEADING_MENTIONS.sub("", text)
    text = _LINK.sub("<link>", text)
    return " ".join(text.split())


_LEADING_MENTIONS = re.compile(r"^(?:@\w{1,15}\s+)+")
_LINK = re.compile(r"https?://\S+", re.IGNORECASE)
# X serves an account's newest 3,200 posts and no more; a look-back that sees that many cannot be sure it
# reached back far enough.
TIMELINE_REACH = 3200


class _Unsure(Exception):
    """The look-back could not read back as far as it has to (X's 3,200-post reach, or the page limit)."""


def floor_id(moment):
    """The smallest tweet id X can give a post made at `moment` or later, by a clock up to
    X_OUTBOX_LOOKBACK_MARGIN_SECONDS behind ours (ids are snowflakes: milliseconds since X's epoch, then
    22 bits of machine and sequence)."""
    moment = moment - timedelta(seconds=settings.X_OUTBOX_LOOKBACK_MARGIN_SECONDS)
    return max(0, int(moment.timestamp() * 1000) - EPOCH_MS) << 22


def find_posted(client, row, since, advance=False):
    """The id of a tweet that is this row (same text, in reply to the same tweet) made at `since` or later and
    not already recorded as another row's tweet, or "".

    Pages the account's own timeline (newest first, 100 a page) with since_id at floor_id(since) until a
    match or the last page, so every post made since then is read whatever the backlog: a retried row
    checks all of it, not the newest 100. Raises _Unsure when X cannot serve that far back; X's errors
    (429, 5xx, timeouts) propagate, and the caller retries the whole look-back later. With `advance`, a
    look-back that read everything and found nothing moves the row's lookback_from up to when it began
    (see the module's docstring, 4). Every page read is added to the row's lookback_reads as it is read,
    and the look-back is logged."""
    began = timezone.now()
    user_id = _account_user_id(client, row.account)
    # The text may have changed since an earlier request (a complaint restricted meanwhile gets the neutral
    # wording): any text a request was made with counts.
    wanted, target = {_comparable(text) for text in [row.text, *row.post_texts]}, row.in_reply_to_tweet_id
    params = dict(since_id=str(max(0, floor_id(since) - 1)), max_results=100,
                  tweet_fields=["referenced_tweets", "created_at"], user_auth=True)
    reads, seen, found, token = 0, 0, "", None
    try:
        while True:
            response = client.get_users_tweets(user_id, pagination_token=token, **params)
            reads += 1
            # Counted at once, so the reads of a sender killed in mid look-back are not lost from the tally.
            Outbox.objects.filter(pk=row.pk).update(lookback_reads=F("lookback_reads") + 1)
            body = response.json()
            same, texts = [], {}
            for tweet in body.get("data") or []:
                seen += 1
                replied = {r.get("id") for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"}
                if ((target in replied) if target else not replied) and _comparable(tweet.get("text")) in wanted:
                    same.append(str(tweet["id"]))
                    texts[str(tweet["id"])] = tweet.get("text") or ""
            if same:
                # Two rows may carry the same text to the same tweet (X refuses the second, or not): a tweet
                # another row recorded is that row's.
                taken = set(Outbox.objects.filter(posted_tweet_id__in=same).exclude(pk=row.pk)
                            .values_list("posted_tweet_id", flat=True))
                found = next((i for i in same if i not in taken), "")
                if found:
                    row.found_text = texts[found]
                    return found
            token = (body.get("meta") or {}).get("next_token")
            if not token:
                break
            if reads >= settings.X_OUTBOX_LOOKBACK_MAX_PAGES:
                raise _Unsure(f"more than {reads} pages of posts since {since:%Y-%m-%d %H:%M:%S} UTC")
        if seen >= TIMELINE_REACH:
            raise _Unsure(f"{seen} posts since {since:%Y-%m-%d %H:%M:%S} UTC, beyond what X serves")
        if advance:
            mine = Outbox.objects.filter(pk=row.pk, status=OutboxStatus.SENDING, claim_token=row.claim_token)
            if mine.update(lookback_from=began):
                row.lookback_from = began
        return ""
    finally:
        log.info("outbox %s: read %s page(s), %s post(s) of @%s back to %s: %s", row.pk, reads, seen,
                 row.account.handle, since.isoformat(), f"already posted as {found}" if found else "not posted")


def _finish(row, **fields):
    """Write the outcome, only while this sender still holds the claim (a sender whose claim expired and was
    taken over writes nothing)."""
    fields.setdefault("claimed_at", None)
    fields.setdefault("claim_token", "")
    done = Outbox.objects.filter(pk=row.pk, status=OutboxStatus.SENDING, claim_token=row.claim_token).update(**fields)
    if not done:
        log.warning("outbox %s: the claim was lost before the outcome (%s) could be written", row.pk,
                    fields.get("status"))
    return done


def _sent_recently(account):
    since = timezone.now() - timedelta(minutes=15)
    return Outbox.objects.filter(account=account, status=OutboxStatus.SENT, sent_at__gte=since).count()


def accounts_at_post_limit(now=None, *, urgent=True):
    """The accounts that have posted X_POST_MAX_PER_15MIN times in the last 15 minutes (for replies that
    are not urgent, that less the X_POST_URGENT_RESERVE kept for urgent ones): their rows keep their place
    in the queue instead of being claimed and pushed back."""
    since = (now or timezone.now()) - timedelta(minutes=15)
    limit = post_limit(urgent)
    return set(Outbox.objects.filter(status=OutboxStatus.SENT, sent_at__gte=since).values("account_id")
               .annotate(n=Count("id")).filter(n__gte=limit).values_list("account_id", flat=True))


def post_limit(urgent):
    if urgent:
        return settings.X_POST_MAX_PER_15MIN
    return max(1, settings.X_POST_MAX_PER_15MIN - settings.X_POST_URGENT_RESERVE)


def release_stale(now=None):
    """Rows whose sender died (or overran its claim) go back to the queue at the place of their claim, so
    they are tried again before anything queued since and their look-back is short. A row claimed
    X_OUTBOX_MAX_ATTEMPTS times waits another claim period instead, behind what is due, so a row that
    keeps killing its sender cannot hold up the rest."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.X_OUTBOX_CLAIM_SECONDS)
    stale = Outbox.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=cutoff)
    later = now + timedelta(seconds=max(settings.X_OUTBOX_BACKOFF_SECONDS, settings.X_OUTBOX_CLAIM_SECONDS))
    back = stale.filter(attempts__gte=settings.X_OUTBOX_MAX_ATTEMPTS).update(
        status=OutboxStatus.PENDING, claimed_at=None, claim_token="", next_attempt_at=later)
    return back + stale.update(status=OutboxStatus.PENDING, claimed_at=None, claim_token="",
                               next_attempt_at=F("claimed_at"))


def claim(row_id):
    """Take a due row for this sender: a conditional UPDATE, so of two senders only one gets it. Returns the
    claim's token, or None."""
    now, token = timezone.now(), uuid.uuid4().hex
    claimed = Outbox.objects.filter(pk=row_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now,
                                    folded_into__isnull=True).update(
        status=OutboxStatus.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
    return token if claimed == 1 else None


def _renew(row):
    """Right before the post request: check that the claim is still this sender's and start its lifetime
    again, recording the first post attempt and the text asked for (committed before the request leaves).
    Nobody can take the row over for X_OUTBOX_CLAIM_SECONDS from here, longer than the request may take to
    be answered or to time out."""
    now = timezone.now()
    fields = {"claimed_at": now}
    if row.lookback_from is None:
        fields["lookback_from"] = now
    if row.text not in row.post_texts:
        fields["post_texts"] = [*row.post_texts, row.text]
    renewed = Outbox.objects.filter(pk=row.pk, status=OutboxStatus.SENDING, claim_token=row.claim_token).update(
        **fields)
    if renewed:
        for name, value in fields.items():
            setattr(row, name, value)
        row.post_requested_at = now
    return renewed == 1


def due_in_order(now=None):
    """The rows due, in the order they are sent when X's posting limit cannot take them all at once:
    replies about urgent complaints first, then the longest waiting (released rows keep their place)."""
    now = now or timezone.now()
    urgent = Case(When(complaint__priority=Priority.URGENT, then=Value(0)), default=Value(1))
    is_urgent = Q(complaint__priority=Priority.URGENT)
    held_back = ((is_urgent & Q(account_id__in=accounts_at_post_limit(now)))
                 | (~is_urgent & Q(account_id__in=accounts_at_post_limit(now, urgent=False))))
    return (Outbox.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now, folded_into__isnull=True)
            .exclude(held_back)
            .order_by(urgent, "next_attempt_at", "id"))


def send_due(limit=20, now=None):
    """Send what is due, urgent first, then released rows and the oldest; returns {status: count} of what
    this run did."""
    release_stale(now)
    now = now or timezone.now()
    done = {}
    posted = {}
    due = due_in_order(now).values_list("pk", "account_id", "complaint__priority")[:limit]
    for row_id, account_id, priority in list(due):
        if account_id in posted and posted[account_id] >= post_limit(priority == Priority.URGENT):
            continue  # the account reached its posting limit in this run: its rows keep their place
        if not claim(row_id):
            continue
        row = Outbox.objects.select_related("account", "reply_to_outbox").get(pk=row_id)
        status = send_claimed(row)
        done[status] = done.get(status, 0) + 1
        if status == OutboxStatus.SENT:
            posted[account_id] = _sent_recently(row.account)
    return done


def send_claimed(row):
    row.post_requested_at = None
    try:
        status = _send(row)
        if status in (OutboxStatus.HELD, OutboxStatus.MANUAL, OutboxStatus.DEAD):
            unfold(row)
        return status
    except _Retry as retry:
        # Only X's failures count towards giving up (a 429 waits for its reset instead): a sender that was
        # killed did not fail the row.
        failures = row.failures + (retry.at is None)
        if failures >= settings.X_OUTBOX_MAX_ATTEMPTS and retry.at is None:
            _finish(row, status=OutboxStatus.DEAD, failures=failures,
                    reason=reasons.encode(reasons.GAVE_UP, count=failures, detail=retry.reason))
            unfold(row)
            return OutboxStatus.DEAD
        at = retry.at or timezone.now() + _backoff(failures)
        if row.post_requested_at is not None:
            # The post may still land (a timeout, a 5xx after X took it): look for it only once it has had as
            # long to land as a dead sender's would.
            at = max(at, row.post_requested_at + timedelta(seconds=settings.X_OUTBOX_CLAIM_SECONDS))
        _finish(row, status=OutboxStatus.PENDING, reason=retry.reason[:500], next_attempt_at=at, failures=failures)
        return OutboxStatus.PENDING


def _x_errors(exc):
    """X's answer as a _Retry when it is worth trying again (429 at its reset, 5xx and network errors),
    else None."""
    if isinstance(exc, tweepy.TooManyRequests):
        at = timezone.now() + timedelta(minutes=15)
        if exc.reset_time:
            at = datetime.fromtimestamp(exc.reset_time, tz=dt_timezone.utc)
        return _Retry(reasons.encode(reasons.RETRY_RATE_LIMITED), at)
    if isinstance(exc, (tweepy.TwitterServerError, requests.Timeout, requests.ConnectionError)):
        return _Retry(reasons.encode(reasons.RETRY_TRANSIENT, detail=_short(exc)))
    return None


def _send(row):
    held = vet_claimed(row)
    if held:
        return held
    carrier = _carrier_waiting(row)
    if carrier is not None:
        raise _Retry(reasons.encode(reasons.WAITING_TO_FOLD),
                     max(carrier.next_attempt_at, timezone.now()) + timedelta(seconds=1))
    parent = row.reply_to_outbox
    if parent is not None and not row.in_reply_to_tweet_id:
        parent.refresh_from_db()
        if parent.status == OutboxStatus.SENT and parent.posted_tweet_id:
            row.in_reply_to_tweet_id = parent.posted_tweet_id
            Outbox.objects.filter(pk=row.pk).update(in_reply_to_tweet_id=row.in_reply_to_tweet_id)
        elif parent.status in (OutboxStatus.PENDING, OutboxStatus.SENDING):
            raise _Retry(reasons.encode(reasons.WAITING_FOR_PARENT), timezone.now() + timedelta(seconds=30))
        else:
            _finish(row, status=OutboxStatus.MANUAL, reason=reasons.encode(reasons.ANSWERS_A_TWEET_NOT_OURS))
            return OutboxStatus.MANUAL
    token, secret = _credentials(row.account)
    if not xclient.can_post(token, secret):
        why = reasons.POSTING_OFF if not settings.X_POST_ENABLED else reasons.NO_ACCOUNT_CREDENTIALS
        _finish(row, status=OutboxStatus.MANUAL, reason=reasons.encode(why))
        return OutboxStatus.MANUAL
    if _sent_recently(row.account) >= settings.X_POST_MAX_PER_15MIN:
        raise _Retry(reasons.encode(reasons.ACCOUNT_RATE_LIMIT), timezone.now() + timedelta(minutes=1))
    client = xclient.make_client(access_token=token, access_secret=secret)
    try:
        if row.lookback_from:
            earlier = find_posted(client, row, since=row.lookback_from, advance=True)
            if earlier:
                if _finish(row, status=OutboxStatus.SENT, posted_tweet_id=earlier, sent_at=timezone.now(),
                           reason=reasons.encode(reasons.FOUND_POSTED_EARLIER)):
                    settle_folded(row, earlier, getattr(row, "found_text", row.text))
                return OutboxStatus.SENT
        if not fold_forwards(row):
            return OutboxStatus.SENDING  # another sender took the row over
        if not _renew(row):
            return OutboxStatus.SENDING  # another sender took the row over: the outcome is its to write
        response = client.create_tweet(text=row.text, in_reply_to_tweet_id=row.in_reply_to_tweet_id or None,
                                       user_auth=True)
        tweet_id = str(response.json()["data"]["id"])
    except _Unsure as exc:
        _finish(row, status=OutboxStatus.MANUAL,
                reason=reasons.encode(reasons.UNSURE_POSTED, detail=str(exc)))
        return OutboxStatus.MANUAL
    except (tweepy.TooManyRequests, tweepy.TwitterServerError, requests.Timeout, requests.ConnectionError) as exc:
        raise _x_errors(exc) from None
    except tweepy.Forbidden as exc:
        detail = _short(exc)
        if "duplicate content" in detail.lower():
            return _duplicate(client, row, detail)
        _finish(row, status=OutboxStatus.DEAD, reason=reasons.encode(reasons.X_REFUSED, status=403, detail=detail))
        return OutboxStatus.DEAD
    except tweepy.HTTPException as exc:
        status = exc.response.status_code if exc.response is not None else 0
        if status in (401, 402):
            _finish(row, status=OutboxStatus.MANUAL,
                    reason=reasons.encode(reasons.POSTING_UNAVAILABLE, status=status, detail=_short(exc)))
            return OutboxStatus.MANUAL
        _finish(row, status=OutboxStatus.DEAD, reason=reasons.encode(reasons.X_REFUSED, status=status, detail=_short(exc)))
        return OutboxStatus.DEAD
    if _finish(row, status=OutboxStatus.SENT, posted_tweet_id=tweet_id, sent_at=timezone.now(), reason=""):
        settle_folded(row, tweet_id, row.text)
    return OutboxStatus.SENT


def _duplicate(client, row, detail):
    """X refused the text as a duplicate: the tweet is there if this row (or a hand post of its text) made
    it since the row was queued; otherwise the refusal stands."""
    try:
        earlier = find_posted(client, row, since=row.created_at)
    except _Unsure:
        earlier = ""
    except Exception as exc:
        retry = _x_errors(exc)
        if retry is None:
            raise
        raise retry from None
    if earlier:
        if _finish(row, status=OutboxStatus.SENT, posted_tweet_id=earlier, sent_at=timezone.now(),
                   reason=reasons.encode(reasons.X_SAYS_ALREADY_POSTED)):
            settle_folded(row, earlier, getattr(row, "found_text", row.text))
        return OutboxStatus.SENT
    _finish(row, status=OutboxStatus.DEAD, reason=reasons.encode(reasons.X_REFUSED, status=403, detail=detail))
    return OutboxStatus.DEAD


def _short(exc):
    messages = getattr(exc, "api_messages", None)
    return "; ".join(messages) if messages else str(exc).splitlines()[-1][:300]


def mark_sent_by_hand(row, user, tweet_id=""):
    """Staff posted the prepared text themselves."""
    if tweet_id and not str(tweet_id).isdigit():
        raise ValueError("A tweet id is digits only.")
    done = Outbox.objects.filter(
        Q(status__in=[OutboxStatus.MANUAL, OutboxStatus.HELD, OutboxStatus.DEAD, OutboxStatus.PENDING]), pk=row.pk,
    ).update(status=OutboxStatus.SENT, sent_at=timezone.now(), marked_sent_by=user, posted_tweet_id=str(tweet_id or ""))
    if done:
        settle_folded(row, str(tweet_id or ""), Outbox.objects.filter(pk=row.pk).values_list("text", flat=True)[0])
    return done
