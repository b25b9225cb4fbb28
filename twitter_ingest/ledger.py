"""The X bill: every call to X counted in the resources pay-per-use bills it for, each resource once per
UTC day as X does ("the same resource is charged once per 24-hour UTC day"), at the prices in settings.

Calls are counted where they leave, in the client's session (client.RebasingSession), so every caller is
covered (the poller, the outbox, the watches, the deletion sweep, the dashboard's manual intake) and a
call whose work later fails or rolls back is still on the bill, as it is on X's. What each call is billed
for (x-api pricing of 2026-08-13, see docs/ and the research notes):

- a timeline, lookup or search: each post returned in `data` and `includes.tweets` is a post read, each
  user in `includes.users` a user read;
- the state account's own mentions or posts read with its own user tokens (the tokens of the app's
  owner) are owned reads instead: X prices GET /2/users/{id}/mentions as owned "when {id} matches the
  authenticated user and that user is the owner of the developer app". Read with the app's bearer token
  there is no authenticated user, so the same mentions are post reads;
- a user looked up (by name, by id, /users/me, up to 100 at a time) is a user read, and so is each
  account in a list of whom an account follows;
- a post created: with a URL (X links bare domains too) the URL price whatever else it is; a reply is a
  summoned reply (on self-serve X refuses every reply that was not summoned, so one it accepted was);
  anything else a post.

Failed calls (not 2xx) and answers without resources (an empty poll, the counts endpoint) cost nothing:
pricing is per resource returned."""

import logging
import re
from calendar import monthrange
from datetime import date, datetime, timedelta, timezone as dt_timezone
from decimal import Decimal
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from .ledger_models import ChargeKind, XCharge

log = logging.getLogger(__name__)

WARN_SHARE = Decimal("0.8")
_URL = re.compile(r"https?://|\bwww\.|\b[a-z0-9-]+\.(?:com|in|org|net|gov|co|io|ly|me)\b", re.IGNORECASE)
_TIMELINE = re.compile(r"^/2/users/(\d+)/(mentions|tweets)$")
_USER = re.compile(r"^/2/users(?:/me|/\d+|/by/username/[^/]+|/by|/\d+/following)?$")
_POST_READS = re.compile(r"^/2/tweets(?:/\d+|/search/recent|/search/all)?$")


def price(kind):
    prices = {
        ChargeKind.OWNED_READ: settings.X_PRICE_OWNED_READ_USD,
        ChargeKind.POST_READ: settings.X_POST_READ_USD,
        ChargeKind.USER_READ: settings.X_PRICE_USER_READ_USD,
        ChargeKind.POST: settings.X_PRICE_POST_USD,
        ChargeKind.POST_WITH_URL: settings.X_PRICE_POST_WITH_URL_USD,
        ChargeKind.SUMMONED_REPLY: settings.X_PRICE_SUMMONED_REPLY_USD,
    }
    return Decimal(str(prices[kind]))


def utc_day(at=None):
    return (at or timezone.now()).astimezone(dt_timezone.utc).date()


def record(kind, resource_ids=(), n=0, at=None):
    """Count `resource_ids` (each billed once on the UTC day of `at`) and `n` resources without ids (each
    billed). Returns what was added to the bill, in USD."""
    day, each = utc_day(at), price(kind)
    ids = list(dict.fromkeys(str(i) for i in resource_ids if i not in (None, "")))
    added = Decimal(0)
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            seen = XCharge.objects.filter(day=day, kind=kind, resource_id__in=chunk)
            known = set(seen.values_list("resource_id", flat=True))
            if known:
                seen.update(times=F("times") + 1)
            new = [XCharge(day=day, kind=kind, resource_id=i, cost=each, at=at or timezone.now())
                   for i in chunk if i not in known]
            # Two callers counting the same resource at once: the unique row keeps one charge.
            XCharge.objects.bulk_create(new, ignore_conflicts=True)
            added += each * len(new)
        if n > 0:
            XCharge.objects.create(day=day, kind=kind, units=n, cost=each * n, at=at or timezone.now())
            added += each * n
    return added


# ---------------------------------------------------------------- what a call is billed for

def owner_user_ids():
    """The X user ids of the app's owner, the state account: its access token's prefix (as X reads it) and
    the id on file."""
    from districts.models import XAccount

    from .models import AccountState

    ids = {settings.X_ACCESS_TOKEN.partition("-")[0]} if settings.X_ACCESS_TOKEN else set()
    ids |= set(XAccount.objects.filter(handle__iexact=settings.X_STATE_HANDLE).values_list("user_id", flat=True))
    ids |= set(AccountState.objects.filter(account__handle__iexact=settings.X_STATE_HANDLE)
               .values_list("user_id", flat=True))
    return {i for i in ids if i and i.isdigit()}


def charges_of(method, url, body, *, sent=None, owner=False, user_context=False):
    """[(kind, resource ids)] a successful call is billed for. `body` is the answer's JSON, `sent` the JSON
    sent (a post's text), `owner` whether the call was made with the app owner's user tokens."""
    path = urlparse(url).path.rstrip("/")
    body = body if isinstance(body, dict) else {}
    data = body.get("data")
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    ids = [str(item.get("id")) for item in items if isinstance(item, dict) and item.get("id")]
    includes = body.get("includes") if isinstance(body.get("includes"), dict) else {}
    users = [str(u.get("id")) for u in includes.get("users") or [] if isinstance(u, dict) and u.get("id")]
    posts = [str(t.get("id")) for t in includes.get("tweets") or [] if isinstance(t, dict) and t.get("id")]
    method = method.upper()
    if method == "POST" and path == "/2/tweets":
        sent = sent if isinstance(sent, dict) else {}
        if _URL.search(sent.get("text") or ""):
            kind = ChargeKind.POST_WITH_URL
        elif (sent.get("reply") or {}).get("in_reply_to_tweet_id"):
            kind = ChargeKind.SUMMONED_REPLY
        else:
            kind = ChargeKind.POST
        return [(kind, ids)] if ids else []
    if method != "GET":
        return []
    charges = []
    timeline = _TIMELINE.match(path)
    if timeline:
        owned = owner and user_context and timeline.group(1) in owner_user_ids()
        charges.append((ChargeKind.OWNED_READ if owned else ChargeKind.POST_READ, ids))
    elif _USER.match(path) or path.startswith("/2/users/by/username/"):
        charges.append((ChargeKind.USER_READ, ids))
    elif _POST_READS.match(path):
        charges.append((ChargeKind.POST_READ, ids))
    else:
        return []
    charges += [(ChargeKind.POST_READ, posts), (ChargeKind.USER_READ, users)]
    return [(kind, found) for kind, found in charges if found]


def record_response(method, url, response, *, sent=None, owner=False, user_context=False):
    """Put a call's answer on the bill (the client's session calls this for every answer)."""
    if not 200 <= getattr(response, "status_code", 0) < 300:
        return Decimal(0)
    try:
        body = response.json()
    except ValueError:
        return Decimal(0)
    added = Decimal(0)
    for kind, ids in charges_of(method, url, body, sent=sent, owner=owner, user_context=user_context):
        added += record(kind, resource_ids=ids)
    return added


# ---------------------------------------------------------------- the month's bill and the budget

def month_bounds(month):
    """(first day, first day of the next month) of a date in the month."""
    first = month.replace(day=1)
    return first, first + timedelta(days=monthrange(first.year, first.month)[1])


def spend(start, end):
    """USD spent on UTC days in [start, end) and by kind: {"total", "by_kind": {kind: {"resources", "cost",
    "repeats"}}}. `repeats` are returns of a resource already billed that day (not billed again)."""
    rows = (XCharge.objects.filter(day__gte=start, day__lt=end).values("kind")
            .annotate(resources=Sum("units"), cost=Sum("cost"), times=Sum("times"), rows=Count("id")))
    by_kind = {kind: {"resources": 0, "cost": Decimal(0), "repeats": 0} for kind in ChargeKind.values}
    for row in rows:
        by_kind[row["kind"]] = {"resources": row["resources"] or 0, "cost": row["cost"] or Decimal(0),
                                "repeats": (row["times"] or 0) - (row["rows"] or 0)}
    return {"total": sum((k["cost"] for k in by_kind.values()), Decimal(0)), "by_kind": by_kind}


def handled_end_to_end(start, end):
    """Complaints filed from X whose reply with the code was posted on a UTC day in [start, end)."""
    from .models import Outbox, OutboxKind, OutboxStatus

    begin = datetime.combine(start, datetime.min.time(), tzinfo=dt_timezone.utc)
    finish = datetime.combine(end, datetime.min.time(), tzinfo=dt_timezone.utc)
    return (Outbox.objects.filter(kind=OutboxKind.REPLY_WITH_CODE, status=OutboxStatus.SENT, complaint__isnull=False,
                                  sent_at__gte=begin, sent_at__lt=finish)
            .values("complaint_id").distinct().count())


def month_report(month, now=None):
    """The month's bill: spend by kind, cost per complaint handled end to end, the forecast for the whole
    month at the pace so far, and the budget."""
    now = now or timezone.now()
    start, end = month_bounds(month)
    bill = spend(start, end)
    handled = handled_end_to_end(start, end)
    begin = datetime.combine(start, datetime.min.time(), tzinfo=dt_timezone.utc)
    finish = datetime.combine(end, datetime.min.time(), tzinfo=dt_timezone.utc)
    if now >= finish:
        forecast = bill["total"]
    elif now <= begin:
        forecast = Decimal(0)
    else:
        # At least an hour in, so the first minutes of a month do not forecast a fortune.
        elapsed = max((now - begin).total_seconds(), 3600.0)
        forecast = bill["total"] * Decimal(str((finish - begin).total_seconds() / elapsed))
    return {
        "month": start.strftime("%Y-%m"), "total": bill["total"], "by_kind": bill["by_kind"],
        "handled": handled, "per_complaint": (bill["total"] / handled) if handled else None,
        "forecast": forecast.quantize(Decimal("0.0001")),
        "budget": budget_state(now, spent=bill["total"] if start == utc_day(now).replace(day=1) else None),
    }


def budget_state(now=None, spent=None):
    """HQ's monthly budget this UTC month: {"budget", "spent", "share", "level"}, level one of "none" (no
    budget set), "ok", "warning" (80% reached) and "stopped" (100%: optional spending held)."""
    budget = settings.X_MONTHLY_BUDGET_USD
    if spent is None:
        start, end = month_bounds(utc_day(now))
        spent = XCharge.objects.filter(day__gte=start, day__lt=end).aggregate(n=Sum("cost"))["n"] or Decimal(0)
    if budget is None:
        return {"budget": None, "spent": spent, "share": None, "level": "none"}
    budget = Decimal(str(budget))
    share = (spent / budget) if budget > 0 else Decimal(1)
    level = "stopped" if share >= 1 else "warning" if share >= WARN_SHARE else "ok"
    return {"budget": budget, "spent": spent, "share": share, "level": level}


def optional_spending_stopped(now=None):
    """The month's budget is spent: status replies (and any other optional spending) wait."""
    return settings.X_MONTHLY_BUDGET_USD is not None and budget_state(now)["level"] == "stopped"


def parse_month(value, today=None):
    """A "YYYY-MM" string as the month's first day; today's month when empty; ValueError otherwise."""
    if not value:
        return (today or utc_day()).replace(day=1)
    if not re.fullmatch(r"\d{4}-\d{2}", value):
        raise ValueError(value)
    return date(int(value[:4]), int(value[5:]), 1)
