"""Every tweet the system sends goes through here.

Rows are written by a receiver of complaints.lifecycle.transitioned, so they commit or roll back with the
change that causes them (a filed complaint → the reply with its code; a forward → HQ's reply in the
citizen's thread tagging the unit, unless the unit takes forwards on the dashboard only; a Noted given on
the dashboard by a unit with credentials → the unit's "Noted" under HQ's forward; a resolution → the
closing reply). Status replies are queued by filing.

Sending (send_due, run by a Celery task): at most once per row. A row is claimed by a conditional UPDATE;
a row left "sending" by a worker that died is retried only after looking for the tweet it may already
have posted (same text in reply to the same tweet on the account's timeline). Transient errors are
retried with jittered backoff, a 429 waits for its reset time, permanent errors are dead-lettered with
the reason, and without credentials or with X_POST_ENABLED off a row becomes "post by hand" with its
prepared text, so no acknowledgement is lost."""

import logging
import random
import re
import threading
import unicodedata
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone as dt_timezone

import requests
import tweepy
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from complaints.models import Channel, Status
from districts.models import AccountKind, XAccount

from . import client as xclient
from .models import (
    AccountCredential, AccountState, ForwardMode, Outbox, OutboxKind, OutboxStatus, ReplyTemplate, UnitPostingPolicy,
)
from .textcount import MAX_WEIGHT, fits, truncate_to_fit, weighted_length

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
}

# Personal data that must never go out in a public tweet.
PERSONAL_DATA = [
    ("an e-mail address", re.compile(r"[\w.+-]+@[\w-]+\.[A-Za-z][\w.-]*")),
    ("an Aadhaar-like 12-digit number", re.compile(r"(?<!\d)\d{4}[\s-]?\d{4}[\s-]?\d{4}(?!\d)")),
    ("a phone number", re.compile(r"(?<![\w\d])(?:\+?91[\s-]?|0)?[6-9]\d{4}[\s-]?\d{5}(?!\d)")),
]

_local = threading.local()

# The wording used when HQ has no row for a key (the data migration creates these rows; HQ edits them).
DEFAULT_TEMPLATES = {
    "reply_with_code": (
        "Your complaint has been registered with UP Police. Tracking code: {code}. Please quote it in any "
        "follow-up.{link}",
        "आपकी शिकायत यूपी पुलिस में दर्ज कर ली गई है। ट्रैकिंग कोड: {code}। आगे की जानकारी हेतु यही कोड लिखें।{link}",
    ),
    "forward": (
        "@{handle} Please take necessary action on complaint {code} and reply Noted.",
        "@{handle} कृपया शिकायत {code} पर आवश्यक कार्यवाही कर Noted से अवगत कराएं।",
    ),
    "noted": ("Noted. {code}", "संज्ञान में लिया गया। {code}"),
    "closing": (
        "Complaint {code} has been resolved: {report}{link}",
        "शिकायत {code} का निस्तारण कर दिया गया है: {report}{link}",
    ),
    "status": ("Complaint {code}: {stage}.{link}", "शिकायत {code}: {stage}।{link}"),
}


def personal_data_in(text):
    text = unicodedata.normalize("NFKC", text or "")
    return [label for label, pattern in PERSONAL_DATA if pattern.search(text)]


def stage_text(complaint, language="en"):
    en, hi = STAGES.get(complaint.status, (complaint.status, complaint.status))
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
    """The tweet text for a template, within 280 as X counts it (a report is shortened to fit)."""
    template = _templates().get(key)
    if template is None:
        raise LookupError(f"The reply template {key!r} is switched off.")
    language = _language(complaint)
    pattern = template[1] if language == "hi" else template[0]
    link = ""
    if settings.X_REPLY_INCLUDE_LINK:
        link = f" {settings.PUBLIC_BASE_URL.rstrip('/')}/track/{complaint.tracking_code}/"
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
            Outbox.objects.bulk_create(_local.rows, batch_size=500)
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


def queue(kind, complaint, *, account, text, key, in_reply_to="", reply_to_outbox=None):
    """`text` is the tweet, or a template key and its values as a tuple (rendered here, so that a missing
    template holds the row for a person instead of breaking the change that caused it)."""
    if isinstance(text, tuple):
        template, values = text
        try:
            text = render(template, complaint, **values)
        except LookupError as exc:
            text, missing = "", str(exc)
        else:
            missing = ""
    else:
        missing = ""
    row = Outbox(kind=kind, complaint=complaint, account=account, text=text, idempotency_key=key[:100],
                 in_reply_to_tweet_id=in_reply_to or "", reply_to_outbox=reply_to_outbox)
    found = personal_data_in(text)
    if missing:
        row.status, row.reason = OutboxStatus.HELD, f"{missing} Write the text, then save."
    elif found:
        row.status = OutboxStatus.HELD
        row.reason = "Contains " + ", ".join(found) + ": edit the text before it is sent."
    elif not fits(text):
        row.status = OutboxStatus.HELD
        row.reason = f"Longer than {MAX_WEIGHT} characters as X counts them ({weighted_length(text)})."
    if getattr(_local, "depth", 0):
        _local.rows.append(row)
    else:
        row.save()
    return row


def queue_status_reply(complaint, mention_tweet_id):
    account = _state_account()
    if account is None:
        return None
    return queue(OutboxKind.STATUS, complaint, account=account, text=("status", {}),
                 key=f"status:{mention_tweet_id}", in_reply_to=mention_tweet_id)


def on_transition(sender, complaint, event, action, **kwargs):
    """Receiver of lifecycle.transitioned: runs inside the change's transaction."""
    if complaint.channel != Channel.X or not complaint.source_tweet_id:
        return
    if action == "file":
        account = _state_account()
        if account:
            queue(OutboxKind.REPLY_WITH_CODE, complaint, account=account, text=("reply_with_code", {}),
                  key=f"reply_with_code:{complaint.pk}", in_reply_to=complaint.source_tweet_id)
    elif action == "forward":
        policy = UnitPostingPolicy.objects.filter(unit_id=complaint.unit_id).first()
        if policy and policy.forward_mode == ForwardMode.DASHBOARD_ONLY:
            return
        target = _unit_account(complaint.unit_id)
        account = _state_account()
        if account and target:
            queue(OutboxKind.FORWARD, complaint, account=account, key=f"forward:{event.pk}",
                  text=("forward", {"handle": target.handle}), in_reply_to=complaint.source_tweet_id)
    elif action == "note" and event.actor_id is not None:
        unit_account = _unit_account(event.unit_id or complaint.noted_by_id)
        credential = AccountCredential.objects.filter(account=unit_account).first() if unit_account else None
        forward = (Outbox.objects.filter(complaint=complaint, kind=OutboxKind.FORWARD)
                   .exclude(status=OutboxStatus.DEAD).order_by("-created_at", "-id").first())
        if credential and credential.is_set and forward:
            queue(OutboxKind.NOTED, complaint, account=unit_account, text=("noted", {}),
                  key=f"noted:{event.pk}", reply_to_outbox=forward,
                  in_reply_to=forward.posted_tweet_id)
    elif action == "resolve":
        account = _state_account()
        if account:
            queue(OutboxKind.CLOSING, complaint, account=account, key=f"closing:{event.pk}",
                  text=("closing", {"report": complaint.action_taken_report}),
                  in_reply_to=complaint.source_tweet_id)


# ---------------------------------------------------------------- sending

class _Retry(Exception):
    def __init__(self, reason, at=None):
        super().__init__(reason)
        self.reason, self.at = reason, at


def _backoff(attempts):
    base = settings.X_OUTBOX_BACKOFF_SECONDS * (2 ** max(0, attempts - 1))
    return timedelta(seconds=min(base, 3600) * random.uniform(0.5, 1.5))


def _credentials(account):
    state = _state_account()
    if state is not None and account.pk == state.pk:
        return settings.X_ACCESS_TOKEN, settings.X_ACCESS_SECRET
    credential = AccountCredential.objects.filter(account=account).first()
    if credential and credential.is_set:
        return credential.access_token, credential.access_secret
    return "", ""


def _account_user_id(client, account):
    if account.user_id:
        return account.user_id
    state = AccountState.objects.filter(account=account).exclude(user_id="").first()
    if state:
        return state.user_id
    response = client.get_user(username=account.handle, user_auth=True)
    return str(response.json()["data"]["id"])


def find_posted(client, row):
    """The id of a tweet this row already posted (an earlier attempt died before recording it), or ""."""
    user_id = _account_user_id(client, row.account)
    response = client.get_users_tweets(user_id, max_results=100, tweet_fields=["referenced_tweets", "created_at"],
                                       user_auth=True)
    want = unicodedata.normalize("NFC", row.text)
    for tweet in response.json().get("data") or []:
        replied = {r["id"] for r in tweet.get("referenced_tweets", []) if r.get("type") == "replied_to"}
        same_parent = (row.in_reply_to_tweet_id in replied) if row.in_reply_to_tweet_id else not replied
        if same_parent and unicodedata.normalize("NFC", tweet.get("text", "")) == want:
            return str(tweet["id"])
    return ""


def _finish(row, **fields):
    fields.setdefault("claimed_at", None)
    Outbox.objects.filter(pk=row.pk, status=OutboxStatus.SENDING).update(**fields)


def _sent_recently(account):
    since = timezone.now() - timedelta(minutes=15)
    return Outbox.objects.filter(account=account, status=OutboxStatus.SENT, sent_at__gte=since).count()


def release_stale(now=None):
    """Rows a dead worker left "sending" go back to the queue; their next attempt looks before posting."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.X_OUTBOX_CLAIM_SECONDS)
    return Outbox.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=cutoff).update(
        status=OutboxStatus.PENDING, claimed_at=None, next_attempt_at=now)


def claim(row_id):
    now = timezone.now()
    with transaction.atomic():
        claimed = Outbox.objects.filter(pk=row_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now).update(
            status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return claimed == 1


def send_due(limit=20, now=None):
    """Send what is due; returns {status: count} of what this run did."""
    release_stale(now)
    now = now or timezone.now()
    done = {}
    ids = list(Outbox.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    for row_id in ids:
        if not claim(row_id):
            continue
        row = Outbox.objects.select_related("account", "reply_to_outbox").get(pk=row_id)
        status = send_claimed(row)
        done[status] = done.get(status, 0) + 1
    return done


def send_claimed(row):
    try:
        return _send(row)
    except _Retry as retry:
        if row.attempts >= settings.X_OUTBOX_MAX_ATTEMPTS and retry.at is None:
            _finish(row, status=OutboxStatus.DEAD, reason=f"Gave up after {row.attempts} attempts: {retry.reason}"[:500])
            return OutboxStatus.DEAD
        _finish(row, status=OutboxStatus.PENDING, reason=retry.reason[:500],
                next_attempt_at=retry.at or timezone.now() + _backoff(row.attempts))
        return OutboxStatus.PENDING


def _send(row):
    parent = row.reply_to_outbox
    if parent is not None and not row.in_reply_to_tweet_id:
        parent.refresh_from_db()
        if parent.status == OutboxStatus.SENT and parent.posted_tweet_id:
            row.in_reply_to_tweet_id = parent.posted_tweet_id
            Outbox.objects.filter(pk=row.pk).update(in_reply_to_tweet_id=row.in_reply_to_tweet_id)
        elif parent.status in (OutboxStatus.PENDING, OutboxStatus.SENDING):
            raise _Retry("waiting for the tweet it answers to be posted", timezone.now() + timedelta(seconds=30))
        else:
            _finish(row, status=OutboxStatus.MANUAL, reason="The tweet it answers was not posted by the system.")
            return OutboxStatus.MANUAL
    found = personal_data_in(row.text)
    if found:
        _finish(row, status=OutboxStatus.HELD, reason="Contains " + ", ".join(found) + ": edit the text before it is sent.")
        return OutboxStatus.HELD
    token, secret = _credentials(row.account)
    if not xclient.can_post(token, secret):
        why = "posting is switched off (X_POST_ENABLED)" if not settings.X_POST_ENABLED else "no credentials for this account"
        _finish(row, status=OutboxStatus.MANUAL, reason=f"Not posted: {why}. Post the prepared text by hand, then mark it sent.")
        return OutboxStatus.MANUAL
    if _sent_recently(row.account) >= settings.X_POST_MAX_PER_15MIN:
        raise _Retry("posting rate limit of this account reached", timezone.now() + timedelta(minutes=1))
    client = xclient.make_client(access_token=token, access_secret=secret)
    try:
        if row.attempts > 1:
            earlier = find_posted(client, row)
            if earlier:
                _finish(row, status=OutboxStatus.SENT, posted_tweet_id=earlier, sent_at=timezone.now(),
                        reason="found already posted by an earlier attempt")
                return OutboxStatus.SENT
        response = client.create_tweet(text=row.text, in_reply_to_tweet_id=row.in_reply_to_tweet_id or None,
                                       user_auth=True)
        tweet_id = str(response.json()["data"]["id"])
    except tweepy.TooManyRequests as exc:
        at = timezone.now() + timedelta(minutes=15)
        if exc.reset_time:
            at = datetime.fromtimestamp(exc.reset_time, tz=dt_timezone.utc)
        raise _Retry("rate limited (429)", at) from None
    except (tweepy.TwitterServerError, requests.Timeout, requests.ConnectionError) as exc:
        raise _Retry(f"transient error: {_short(exc)}") from None
    except tweepy.Forbidden as exc:
        detail = _short(exc)
        if "duplicate content" in detail.lower():
            earlier = find_posted(client, row)
            if earlier:
                _finish(row, status=OutboxStatus.SENT, posted_tweet_id=earlier, sent_at=timezone.now(),
                        reason="X reported it as already posted")
                return OutboxStatus.SENT
        _finish(row, status=OutboxStatus.DEAD, reason=f"403: {detail}"[:500])
        return OutboxStatus.DEAD
    except tweepy.HTTPException as exc:
        status = exc.response.status_code if exc.response is not None else 0
        if status in (401, 402):
            _finish(row, status=OutboxStatus.MANUAL,
                    reason=f"Posting unavailable ({status}: {_short(exc)}). Post by hand, then mark it sent."[:500])
            return OutboxStatus.MANUAL
        _finish(row, status=OutboxStatus.DEAD, reason=f"{status}: {_short(exc)}"[:500])
        return OutboxStatus.DEAD
    _finish(row, status=OutboxStatus.SENT, posted_tweet_id=tweet_id, sent_at=timezone.now(), reason="")
    return OutboxStatus.SENT


def _short(exc):
    messages = getattr(exc, "api_messages", None)
    return "; ".join(messages) if messages else str(exc).splitlines()[-1][:300]


def mark_sent_by_hand(row, user, tweet_id=""):
    """Staff posted the prepared text themselves."""
    if tweet_id and not str(tweet_id).isdigit():
        raise ValueError("A tweet id is digits only.")
    return Outbox.objects.filter(
        Q(status__in=[OutboxStatus.MANUAL, OutboxStatus.HELD, OutboxStatus.DEAD, OutboxStatus.PENDING]), pk=row.pk,
    ).update(status=OutboxStatus.SENT, sent_at=timezone.now(), marked_sent_by=user, posted_tweet_id=str(tweet_id or ""))
