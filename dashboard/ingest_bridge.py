"""What the dashboard shows of the ingest side (twitter_ingest): outbox rows, ingest health, good-work
posts and fetching a tweet for manual intake. Each piece is looked up when used, so the pages keep
working (and say what is missing) where the ingest side does not provide it.

The ingest side is a sibling app the dashboard may not import (the layers in pyproject.toml): the
project package connects it here at start-up (seva.apps). Unconnected, every lookup answers None."""

import logging

log = logging.getLogger(__name__)

_ingest = {"model": lambda name: None, "module": lambda name: None}


def connect(*, model, module):
    """model(name) gives the ingest side's model class or None, module(name) its module or None."""
    _ingest.update(model=model, module=module)


def model(name):
    return _ingest["model"](name)


def module(name):
    return _ingest["module"](name)


def _field_names(model_class):
    return {f.name for f in model_class._meta.get_fields()}


def _row(obj, fields):
    """The fields as a dict; fields with choices give their readable (translated) label."""
    row = {}
    for name in fields:
        display = getattr(obj, f"get_{name}_display", None)
        row[name] = display() if callable(display) else getattr(obj, name, "")
    return row


OUTBOX_FIELDS = ("pk", "kind", "status", "text", "attempts", "reason", "created_at", "sent_at", "posted_tweet_id")


def outbox_rows(complaint):
    """The complaint's outbox rows as dicts, or None when there is no outbox model to read. A reason the
    ingest side stores as a code (twitter_ingest.hold_reasons) is given in the reader's language."""
    Outbox = model("Outbox")
    if Outbox is None or "complaint" not in _field_names(Outbox):
        return None
    reasons = module("hold_reasons")
    rows = [_row(o, OUTBOX_FIELDS) for o in Outbox.objects.filter(complaint=complaint).order_by("-pk")[:50]]
    if reasons is not None and hasattr(reasons, "describe"):
        for row in rows:
            row["reason"] = reasons.describe(row["reason"])
    return rows


def withheld_on_x(complaint):
    """What the ingest side keeps off X for this complaint, as (where, why) pairs; [] when it does not say."""
    reasons = module("hold_reasons")
    if reasons is None or not hasattr(reasons, "withheld_on_x"):
        return []
    return reasons.withheld_on_x(complaint)


def health_summary():
    """twitter_ingest.health.summary(), or None when it is not there."""
    health = module("health")
    if health is None or not hasattr(health, "summary"):
        return None
    return health.summary()


def rejected_inputs(limit=50):
    """twitter_ingest.health.rejected(): the input lately rejected, with reasons in the reader's language;
    None when the ingest side does not keep it."""
    health = module("health")
    if health is None or not hasattr(health, "rejected"):
        return None
    return health.rejected(limit)


GOOD_WORK_FIELDS = ("pk", "handle", "text", "tweet_id", "created_at", "tweeted_at", "unit")


def good_work_posts(limit=100):
    Post = model("GoodWorkPost")
    if Post is None:
        return None
    names = _field_names(Post)
    qs = Post.objects.all()
    if "unit" in names:
        qs = qs.select_related("unit")
    order = next((f"-{n}" for n in ("tweeted_at", "created_at") if n in names), "-pk")
    if "mention" in names:
        qs = qs.select_related("mention")
    rows = []
    for post in qs.order_by(order)[:limit]:
        row = _row(post, GOOD_WORK_FIELDS)
        mention = getattr(post, "mention", None)
        row["tweet_id"] = row["tweet_id"] or getattr(mention, "tweet_id", "")
        rows.append(row)
    return rows


TWEET_FIELDS = ["created_at", "author_id", "conversation_id", "entities", "referenced_tweets", "note_tweet", "geo",
                "attachments"]
MEDIA_FIELDS = ["type", "url", "preview_image_url", "alt_text", "width", "height"]


def fetch_and_file(tweet_id):
    """Fetch one tweet through the X API and file it through the ingest side's one filing path
    (twitter_ingest.filing.file_manual). Returns the complaint, or None when X cannot be read, does not
    answer, or the ingest side did not file the tweet as a complaint (the operator then types it in)."""
    from complaints.models import Complaint

    filing, client = module("filing"), module("client")
    if filing is None or client is None or not hasattr(filing, "file_manual") or not client.can_read():
        return None
    try:
        response = client.make_client().get_tweet(
            tweet_id, tweet_fields=TWEET_FIELDS, expansions=["author_id", "attachments.media_keys"],
            user_fields=["username", "name", "location"], media_fields=MEDIA_FIELDS)
        body = response.json() if hasattr(response, "json") else {}
        if not isinstance(body, dict) or not body.get("data"):
            return None
        filing.file_manual(body["data"], includes=body.get("includes"))
    except Exception:  # X unreachable, rate limited, refused: the operator types the tweet in instead
        log.warning("fetching tweet %s for manual intake failed", tweet_id, exc_info=True)
        return None
    return Complaint.objects.filter(source_tweet_id=str(tweet_id)).first()


def x_bill(month):
    """twitter_ingest.ledger.month_report(month): the month's X bill, or None when there is no ledger."""
    ledger = module("ledger")
    if ledger is None or not hasattr(ledger, "month_report"):
        return None
    return ledger.month_report(month)


def x_spend(first_day, end_day):
    """USD spent on X on the UTC days in [first_day, end_day), or None when there is no ledger."""
    ledger = module("ledger")
    if ledger is None or not hasattr(ledger, "spend"):
        return None
    return ledger.spend(first_day, end_day)["total"]


def x_budget():
    """The month's X budget state (level "none", "ok", "warning" or "stopped"), or None without a ledger."""
    ledger = module("ledger")
    if ledger is None or not hasattr(ledger, "budget_state"):
        return None
    return ledger.budget_state()
