"""What the ingest keeps: every mention as it came (for audit and reprocessing), the polling checkpoint and
health of each watched account, one row per poll run, good-work posts, suggested duplicates, and the
outbox of tweets the system sends. Complaints themselves live in `complaints` and change only through
complaints.lifecycle."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from districts.models import Unit, XAccount


class Outcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    COMPLAINT = "complaint", _("New complaint")
    FOLLOW_UP = "follow_up", _("Follow-up by the complainant")
    NOTED = "noted", _("Acknowledgement (Noted)")
    DISTRICT_UPDATE = "district_update", _("District update")
    GOOD_WORK = "good_work", _("Good-work post")
    APPRECIATION = "appreciation", _("Thanks or greeting (counted, not filed)")
    NOT_A_COMPLAINT = "not_complaint", _("Not a complaint (kept for HQ to look over)")
    ACCOUNT_TO_CONFIRM = "account_to_confirm", _("Noted from an account not on file (HQ to confirm)")
    STATUS_REQUEST = "status_request", _("Status request")
    EDIT = "edit", _("Edited version (added to the thread)")
    IGNORED = "ignored", _("Ignored")
    REJECTED = "rejected", _("Rejected")


class Source(models.TextChoices):
    POLL = "poll", _("Regular poll")
    OVERLAP = "overlap", _("Overlap poll")
    FILE = "file", _("File import")
    MANUAL = "manual", _("Manual intake")
    STREAM = "stream", _("Activity stream")


class HashOver(models.TextChoices):
    BYTES = "bytes", _("the bytes received from X")
    REJSON = "rejson", _("the tweet re-serialised (no bytes kept)")


class Mention(models.Model):
    """One tweet as received, exactly once: the unique tweet id is what makes filing idempotent."""

    # Tweet ids are 64-bit and kept as decimal strings: never through a float.
    tweet_id = models.CharField(_("tweet id"), max_length=20, unique=True)
    account = models.ForeignKey(
        XAccount, verbose_name=_("via account"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    author_id = models.CharField(_("author id"), max_length=20, blank=True)
    author_username = models.CharField(_("author"), max_length=50, blank=True, db_index=True)
    conversation_id = models.CharField(_("conversation id"), max_length=20, blank=True, db_index=True)
    in_reply_to_tweet_id = models.CharField(_("in reply to"), max_length=20, blank=True, db_index=True)
    tweeted_at = models.DateTimeField(_("tweeted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    raw = models.JSONField(_("raw JSON"), help_text=_("The tweet and its includes as the API returned them."))
    content_hash = models.CharField(_("SHA-256 of the raw tweet"), max_length=64)
    # The tweet's object exactly as X's HTTP response carried it (evidence.py); content_hash is over these
    # bytes when hash_over says so. Mentions filed before, or handed over as parsed JSON (a file line, manual
    # intake), have none and a hash over the re-serialised tweet.
    received_bytes = models.BinaryField(_("bytes as received"), null=True, blank=True, editable=False)
    hash_over = models.CharField(_("hash over"), max_length=12, choices=HashOver.choices, default=HashOver.REJSON)
    checked_on_x_at = models.DateTimeField(_("last looked up on X"), null=True, blank=True)
    deleted_on_x_at = models.DateTimeField(
        _("found deleted on X"), null=True, blank=True, db_index=True,
        help_text=_("When a lookup on X first found it gone (it was there at the previous lookup or at filing)."),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="mentions",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")

    def __str__(self):
        return f"{self.tweet_id} ({self.get_outcome_display()})"


class AccountState(models.Model):
    """The polling checkpoint and health of one watched account (the dashboard's ingest health reads it)."""

    account = models.OneToOneField(XAccount, verbose_name=_("account"), on_delete=models.CASCADE,
                                   related_name="ingest_state")
    user_id = models.CharField(_("X user id"), max_length=20, blank=True)
    since_id = models.CharField(_("checkpoint (since_id)"), max_length=20, blank=True)
    last_poll_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful poll"), null=True, blank=True)
    last_overlap_at = models.DateTimeField(_("last overlap poll"), null=True, blank=True)
    paused_reason = models.CharField(
        _("paused because"), max_length=300, blank=True,
        help_text=_("Set on 401/402/403: polling stops until someone clears it."),
    )
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    rate_limited_until = models.DateTimeField(_("rate-limited until"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    retry_after = models.DateTimeField(_("next try after"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("account ingest state")
        verbose_name_plural = _("account ingest states")

    def __str__(self):
        return f"@{self.account.handle}"


class PollRun(models.Model):
    """One poll of one account: what it fetched, what it filed, how late, and what went wrong."""

    account = models.ForeignKey(XAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Source.choices, default=Source.POLL)
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    fetched = models.PositiveIntegerField(_("fetched"), default=0)
    filed = models.PositiveIntegerField(_("newly filed"), default=0)
    newest_id = models.CharField(_("newest id"), max_length=20, blank=True)
    lag_seconds = models.FloatField(_("lag (s)"), null=True, blank=True,
                                    help_text=_("Longest time from a tweet to its filing in this run."))
    error = models.CharField(_("error"), max_length=500, blank=True)
    rate_limit_remaining = models.IntegerField(_("rate limit remaining"), null=True, blank=True)
    rate_limit_reset_at = models.DateTimeField(_("rate limit resets"), null=True, blank=True)
    reached_800_cap = models.BooleanField(
        _("reached the 800-mention limit"), default=False,
        help_text=_("Older mentions may be unreachable: a possible gap."),
    )
    outcomes = models.JSONField(_("outcomes"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("poll run")
        verbose_name_plural = _("poll runs")

    def __str__(self):
        return f"@{self.account.handle} {self.started_at:%Y-%m-%d %H:%M:%S}"


class RejectedInput(models.Model):
    """Input that could not be filed (a malformed line, a tweet without id, an API error entry), kept
    with its reason so nothing disappears silently."""

    source = models.CharField(_("source"), max_length=200)
    line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    excerpt = models.TextField(_("excerpt"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    # A file's rejected line is recorded once however often the file is run again: the key is a hash of
    # the line's bytes, its number and which of its problems this is (rows from polls have none).
    key = models.CharField(_("key"), max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rejected input")
        verbose_name_plural = _("rejected input")


class GoodWorkPost(models.Model):
    """A unit's own post tagging @uppolice outside any complaint thread (001 §3): not a complaint."""

    mention = models.OneToOneField(Mention, on_delete=models.CASCADE, related_name="good_work")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    handle = models.CharField(_("handle"), max_length=50)
    text = models.TextField(_("text"))
    tweeted_at = models.DateTimeField(_("tweeted at"), null=True, blank=True)

    class Meta:
        ordering = ["-tweeted_at", "-id"]
        verbose_name = _("good-work post")
        verbose_name_plural = _("good-work posts")

    def __str__(self):
        return f"@{self.handle}: {self.text[:40]}"


class NotFiled(models.Model):
    """A mention the desk read as no complaint: a citizen's thanks, praise or festival greeting (counted per
    unit for the review, never answered with a code), or recruitment, politics, spam. Kept so that HQ can
    look them over and file one by hand when the reading was wrong."""

    class Kind(models.TextChoices):
        APPRECIATION = "appreciation", _("Thanks or praise")
        GREETING = "greeting", _("Greeting")
        NOT_A_COMPLAINT = "not_complaint", _("Not a complaint")

    mention = models.OneToOneField(Mention, on_delete=models.CASCADE, related_name="not_filed")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    handle = models.CharField(_("handle"), max_length=50, blank=True)
    text = models.TextField(_("text"))
    words = models.JSONField(_("words that decided it"), default=list, blank=True)
    tweeted_at = models.DateTimeField(_("tweeted at"), null=True, blank=True, db_index=True)
    filed_as = models.ForeignKey(Complaint, verbose_name=_("filed by hand as"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-tweeted_at", "-id"]
        verbose_name = _("mention not filed")
        verbose_name_plural = _("mentions not filed")

    def __str__(self):
        return f"{self.kind}: {self.text[:40]}"


class AccountCandidate(models.Model):
    """A "Noted" in a forwarded complaint's thread from an account not on file whose name or bio names the
    complaint's unit: put before HQ to confirm (register the account and record the Noted) or dismiss."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for HQ")
        CONFIRMED = "confirmed", _("Confirmed and registered")
        DISMISSED = "dismissed", _("Dismissed")

    mention = models.OneToOneField(Mention, on_delete=models.CASCADE, related_name="account_candidate")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit named"), on_delete=models.PROTECT, related_name="+")
    handle = models.CharField(_("handle"), max_length=50)
    user_id = models.CharField(_("X user id"), max_length=20, blank=True)
    name = models.CharField(_("name on X"), max_length=100, blank=True)
    bio = models.CharField(_("bio on X"), max_length=400, blank=True)
    text = models.TextField(_("text"))
    evidence = models.JSONField(_("why"), default=dict, blank=True)
    tweeted_at = models.DateTimeField(_("tweeted at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.WAITING, db_index=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-tweeted_at", "-id"]
        verbose_name = _("account to confirm")
        verbose_name_plural = _("accounts to confirm")

    def __str__(self):
        return f"@{self.handle} → {self.unit_id}"


class DuplicateSuggestion(models.Model):
    """A later complaint that looks like the same incident as an earlier one, for HQ to merge (lifecycle.merge)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="duplicate_suggestions")
    candidate = models.ForeignKey(Complaint, verbose_name=_("probably the same as"), on_delete=models.CASCADE,
                                  related_name="+")
    score = models.FloatField(_("score"))
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    dismissed = models.BooleanField(_("dismissed"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("suggested duplicate")
        verbose_name_plural = _("suggested duplicates")
        constraints = [models.UniqueConstraint(fields=["complaint", "candidate"], name="dup_suggestion_once")]


class ForwardMode(models.TextChoices):
    TWEET_AND_DASHBOARD = "tweet", _("By tweet and on the dashboard")
    DASHBOARD_ONLY = "dashboard", _("On the dashboard only")


class UnitPostingPolicy(models.Model):
    """How HQ's forwards reach a unit: X may restrict automated @mentions, so per unit it can be dashboard only."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    forward_mode = models.CharField(_("forwards"), max_length=10, choices=ForwardMode.choices,
                                    default=ForwardMode.TWEET_AND_DASHBOARD)

    class Meta:
        verbose_name = _("unit posting policy")
        verbose_name_plural = _("unit posting policies")

    def __str__(self):
        return f"{self.unit}: {self.get_forward_mode_display()}"


class AccountCredential(models.Model):
    """OAuth 1.0a user tokens of a unit account, so the dashboard can post its "Noted". Empty by default;
    the values are never logged or shown back."""

    account = models.OneToOneField(XAccount, verbose_name=_("account"), on_delete=models.CASCADE,
                                   related_name="credential")
    access_token = models.CharField(_("access token"), max_length=200, blank=True)
    access_secret = models.CharField(_("access token secret"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("account credential")
        verbose_name_plural = _("account credentials")

    def __str__(self):
        return f"@{self.account.handle}"

    def __repr__(self):
        return f"<AccountCredential @{self.account.handle}>"

    @property
    def is_set(self):
        return bool(self.access_token and self.access_secret)


class ReplyTemplate(models.Model):
    """The wording of every tweet the system sends, in Hindi and English, editable by HQ.

    Placeholders: {code} {handle} {unit} {stage} {report} {link}."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    text_en = models.CharField(_("English"), max_length=500)
    text_hi = models.CharField(_("Hindi"), max_length=500)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self):
        return self.key


class OutboxKind(models.TextChoices):
    REPLY_WITH_CODE = "reply_with_code", _("Reply with tracking code")
    FORWARD = "forward", _("Forward to the unit")
    NOTED = "noted", _("Unit's Noted")
    CLOSING = "closing", _("Closing reply")
    STATUS = "status", _("Status reply")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    HELD = "held", _("Held for editing")
    MANUAL = "manual", _("Post by hand")
    DEAD = "dead", _("Failed permanently")


class Outbox(models.Model):
    """One tweet to send. Written in the transaction of the change that causes it; sent at most once."""

    kind = models.CharField(_("kind"), max_length=20, choices=OutboxKind.choices)
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="outbox")
    account = models.ForeignKey(XAccount, verbose_name=_("post as"), on_delete=models.PROTECT, related_name="+")
    in_reply_to_tweet_id = models.CharField(_("in reply to"), max_length=20, blank=True)
    reply_to_outbox = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Reply to this outbox tweet once it is posted (a Noted answers HQ's forward)."),
    )
    # A forward that went out inside the complaint's reply with its code (one tweet instead of two): it is
    # never posted on its own, and is marked sent with that reply's tweet (outbox.fold_forwards).
    folded_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="folded",
        verbose_name=_("goes out in"),
        help_text=_("The reply with the code that carries this forward: posted with it, not on its own."),
    )
    text = models.CharField(_("text"), max_length=1000)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    reason = models.CharField(_("reason"), max_length=500, blank=True,
                              help_text=_("Why it is held, to be posted by hand, or failed."))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    failures = models.PositiveIntegerField(
        _("failed attempts"), default=0,
        help_text=_("Attempts that X answered with a transient error; the row is given up after "
                    "X_OUTBOX_MAX_ATTEMPTS of them."),
    )
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # Whoever holds the claim; a sender whose claim expired and was taken over can no longer write the row.
    claim_token = models.CharField(_("claim token"), max_length=32, blank=True, editable=False)
    lookback_from = models.DateTimeField(
        _("look back from"), null=True, blank=True,
        help_text=_("Set when the first request to post this tweet is made: a retry reads the account's "
                    "timeline back to here before posting again. A look-back that read it all without "
                    "finding the tweet moves it up to when it began."),
    )
    post_texts = models.JSONField(
        _("texts requested"), default=list, blank=True, editable=False,
        help_text=_("Every text a post request was made with (the text may change between attempts)."),
    )
    lookback_reads = models.PositiveIntegerField(
        _("timeline reads"), default=0,
        help_text=_("X reads spent checking whether an earlier attempt already posted this tweet."),
    )
    posted_tweet_id = models.CharField(_("posted tweet id"), max_length=20, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    marked_sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox tweet")
        verbose_name_plural = _("outbox")
        indexes = [
            # The sender's queue: only unsent rows are indexed.
            models.Index(fields=["next_attempt_at"], name="outbox_due",
                         condition=models.Q(status__in=["pending", "sending"])),
            # The newest sent tweet, for /healthz and /metrics.
            models.Index(fields=["sent_at"], name="outbox_sent_at"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.complaint or ''} ({self.get_status_display()})"


# Watches (recent search for incidents nobody tagged the police in) live in their own module.
from .watch_models import FindStatus, Watch, WatchFind, WatchFindEvent, WatchReads  # noqa: E402,F401
from .ledger_models import ChargeKind, XCharge  # noqa: E402,F401
# Several watched accounts: the mentions each was addressed in, and HQ switching polling on and off.
from .account_models import AccountSwitch, MentionedAccount, WatchedAccount  # noqa: E402,F401
# The authors the desk knows by id (the users cache).
from .user_models import XUser  # noqa: E402,F401
# What the stream process last said about its connection (stream mode).
from .stream_models import StreamState  # noqa: E402,F401
