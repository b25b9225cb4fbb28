"""The account audit: every active unit account looked up on X (100 to a request: by X user id where the
id is known, so a renamed handle is still found, by handle otherwise), what X shows stored on the
account's AccountCheck, its numeric id kept on the account (the poller and the Noted detection then go by
ids), and the circular's rules applied (districts.account_rules). Optionally, whom each district, range
and zone account follows (circular §10), walked until every required account is seen.

It is optional spending: it does not start once the month's X budget is spent, and stops between
requests if the budget runs out. Each account returned is a user read ($0.010); the cost of a run is what
its answers added to the X bill (the ledger bills each account once per UTC day). A 429 ends the run
with the time X gives; the next run resumes it and asks only for the accounts not yet checked."""

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone
from decimal import Decimal

import requests
import tweepy
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from districts import account_rules as rules
from districts.models import AccountAuditRun, AccountCheck, AuditStatus, XAccount

from . import client as xclient, ledger
from .ledger_models import ChargeKind, XCharge

log = logging.getLogger(__name__)

USER_FIELDS = ["id", "name", "username", "verified", "verified_type", "protected", "description",
               "profile_image_url", "created_at", "public_metrics"]
BATCH = 100              # usernames or ids per users lookup (X's maximum)
FOLLOWING_PAGE = 1000    # accounts per page of a following list (X's maximum)
RESUME_WITHIN = timedelta(days=6)
LOCK = "twitter_ingest:account-audit"


@dataclass
class Estimate:
    accounts: int
    requests: int
    following_accounts: int
    following_reads: int
    following_unknown: int
    price: Decimal

    @property
    def user_reads(self):
        return self.accounts

    @property
    def usd(self):
        return (self.user_reads + self.following_reads) * self.price

    def lines(self):
        out = [f"Accounts to look up: {self.accounts} in {self.requests} request(s) of up to {BATCH}: "
               f"{self.accounts} user reads x ${self.price} = ${self.accounts * self.price:.2f}"]
        if self.following_accounts:
            cap = settings.X_AUDIT_FOLLOWING_MAX_PAGES * FOLLOWING_PAGE
            out.append(f"Follows (circular §10): {self.following_accounts} account(s), at most "
                       f"{self.following_reads} user reads (each account listed) x ${self.price} = "
                       f"${self.following_reads * self.price:.2f}"
                       + (f"; {self.following_unknown} with no known following count, counted at "
                          f"{cap} each" if self.following_unknown else ""))
        out.append(f"Estimated cost: at most ${self.usd:.2f} (X bills each account once per UTC day: accounts "
                   "already read today cost nothing more)")
        return out


def unit_accounts():
    return list(XAccount.objects.filter(is_active=True).select_related("unit", "x_check").order_by("pk"))


def _check(account):
    try:
        return account.x_check
    except AccountCheck.DoesNotExist:
        return None


def follows_due(account):
    check = _check(account)
    return (account.kind == "unit" and account.unit.unit_type in rules.FOLLOWING_UNITS
            and (check is None or (check.exists is not False and not check.protected)))


def estimate(accounts, *, following):
    with_id = sum(1 for a in accounts if a.user_id)
    requests_ = math.ceil(with_id / BATCH) + math.ceil((len(accounts) - with_id) / BATCH)
    walk = [a for a in accounts if follows_due(a)] if following else []
    cap = settings.X_AUDIT_FOLLOWING_MAX_PAGES * FOLLOWING_PAGE
    known = [min(_check(a).following_count, cap) for a in walk if _check(a) and _check(a).following_count is not None]
    unknown = len(walk) - len(known)
    return Estimate(len(accounts), requests_, len(walk), sum(known) + unknown * cap, unknown,
                    ledger.price(ChargeKind.USER_READ))


def resumable(now=None):
    """The run a rate limit stopped within the last days, which the next run resumes."""
    now = now or timezone.now()
    return (AccountAuditRun.objects.filter(status=AuditStatus.RATE_LIMITED, started_at__gte=now - RESUME_WITHIN)
            .order_by("-started_at").first())


def pending(run=None, now=None):
    """The accounts a run still has to look up (all of them for a new run)."""
    accounts = unit_accounts()
    if run is None:
        return accounts
    return [a for a in accounts if _check(a) is None or _check(a).checked_at is None
            or _check(a).checked_at < run.started_at]


def run(*, following=None, trigger="command", client=None):
    """Audit the unit accounts (or resume the audit a rate limit stopped); returns the AccountAuditRun."""
    following = settings.X_AUDIT_FOLLOWING if following is None else following
    now = timezone.now()
    if ledger.optional_spending_stopped(now):
        return AccountAuditRun.objects.create(trigger=trigger, status=AuditStatus.BUDGET, finished_at=now,
                                              note="The month's X budget is spent: the audit is optional spending.")
    if not cache.add(LOCK, trigger, timeout=settings.CELERY_TASK_TIME_LIMIT + 60):
        return AccountAuditRun.objects.create(trigger=trigger, status=AuditStatus.FAILED, finished_at=now,
                                              note="Another audit is running.")
    try:
        return _run_locked(following, trigger, client, now)
    finally:
        cache.delete(LOCK)


def _run_locked(following, trigger, client, now):
    audit = resumable(now)
    if audit is None:
        todo = pending()
        audit = AccountAuditRun.objects.create(
            trigger=trigger, with_following=following, accounts=len(todo),
            estimated_usd=estimate(todo, following=following).usd)
    else:
        following = audit.with_following
        todo = pending(audit)
        audit.status, audit.resume_after = AuditStatus.RUNNING, None
    if not xclient.can_read():
        return _finish(audit, AuditStatus.FAILED, "No X credentials: set X_BEARER_TOKEN (or user tokens).")
    client = client or xclient.make_client()
    try:
        with_id = [a for a in todo if a.user_id]
        by_name = [a for a in todo if not a.user_id]
        for accounts, by_id in ((with_id, True), (by_name, False)):
            for start in range(0, len(accounts), BATCH):
                if ledger.optional_spending_stopped():
                    return _finish(audit, AuditStatus.BUDGET, "Stopped: the month's X budget ran out.")
                _lookup(client, audit, accounts[start:start + BATCH], by_id)
        if following:
            _all_follows(client, audit)
    except tweepy.TooManyRequests as exc:
        audit.resume_after = (datetime.fromtimestamp(exc.reset_time, tz=dt_timezone.utc) if exc.reset_time
                              else timezone.now() + timedelta(minutes=15))
        return _finish(audit, AuditStatus.RATE_LIMITED, "X's rate limit: the next run resumes from here.")
    except tweepy.HTTPException as exc:
        return _finish(audit, AuditStatus.FAILED, _describe(exc))
    except requests.RequestException as exc:
        return _finish(audit, AuditStatus.FAILED, f"{type(exc).__name__}: {exc}"[:500])
    return _finish(audit, AuditStatus.COMPLETE, audit.note)


def _finish(audit, status, note=""):
    audit.status, audit.note, audit.finished_at = status, (note or "")[:500], timezone.now()
    audit.save()
    return audit


def _describe(exc):
    status = exc.response.status_code if exc.response is not None else "?"
    return f"{status}: {'; '.join(exc.api_messages) or str(exc).splitlines()[0]}"[:500]


def _billed(ids, since):
    """What these accounts' reads added to the X bill since `since` (first read of the day only)."""
    if not ids:
        return Decimal(0)
    rows = XCharge.objects.filter(day=ledger.utc_day(), kind=ChargeKind.USER_READ, resource_id__in=list(ids),
                                  at__gte=since)
    # SQLite sums decimals as floats: back to the bill's four places.
    return Decimal(str(rows.aggregate(n=Sum("cost"))["n"] or 0)).quantize(Decimal("0.0001"))


def _lookup(client, audit, batch, by_id):
    since = timezone.now()
    if by_id:
        response = client.get_users(ids=[a.user_id for a in batch], user_fields=USER_FIELDS,
                                    user_auth=not settings.X_BEARER_TOKEN)
    else:
        response = client.get_users(usernames=[a.handle for a in batch], user_fields=USER_FIELDS,
                                    user_auth=not settings.X_BEARER_TOKEN)
    audit.requests += 1
    body = response.json()
    users = [u for u in body.get("data") or [] if isinstance(u, dict)]
    found = {str(u["id"]) if by_id else str(u["username"]).lower(): u for u in users}
    at = timezone.now()
    for account in batch:
        store(account, found.get(account.user_id if by_id else account.handle.lower()), at)
    audit.cost_usd += _billed([str(u["id"]) for u in users], since)
    audit.checked += len(batch)
    audit.save(update_fields=["requests", "cost_usd", "checked"])


def store(account, user, at):
    """Keep what X showed of one account (None: X does not know it) and the findings."""
    with transaction.atomic():
        check, _ = AccountCheck.objects.select_for_update().get_or_create(account=account)
        extra = []
        check.exists, check.checked_at = user is not None, at
        if user is not None:
            metrics = user.get("public_metrics") or {}
            check.x_username = str(user.get("username") or "")[:15]
            check.name = str(user.get("name") or "")[:100]
            check.verified = bool(user.get("verified"))
            check.verified_type = str(user.get("verified_type") or "")[:20]
            check.protected = bool(user.get("protected"))
            check.description = str(user.get("description") or "")
            check.profile_image_url = str(user.get("profile_image_url") or "")[:500]
            check.followers_count = metrics.get("followers_count")
            check.following_count = metrics.get("following_count")
            user_id = str(user["id"])
            if account.user_id != user_id:
                if XAccount.objects.filter(user_id=user_id).exclude(pk=account.pk).exists():
                    extra.append(rules.SAME_ID)
                else:
                    account.user_id = user_id
            account.verified = check.verified
            XAccount.objects.filter(pk=account.pk).update(user_id=account.user_id, verified=account.verified)
        check.findings = rules.findings(account, check) + extra
        check.save()
        account.x_check = check
    return check


def _all_follows(client, audit):
    required = settings.X_AUDIT_REQUIRED_FOLLOWS
    due = [a for a in unit_accounts() if follows_due(a) and a.user_id and _check(a)
           and (_check(a).follows_checked_at is None or _check(a).follows_checked_at < audit.started_at)]
    for account in due:
        if ledger.optional_spending_stopped():
            audit.note = "Follows not all checked: the month's X budget ran out."
            return
        try:
            _follows(client, audit, account, rules.required_follows(account.handle) if required else [])
        except (tweepy.Forbidden, tweepy.NotFound, tweepy.Unauthorized) as exc:
            # X serves whom an account follows only on some access levels; the profiles are still checked.
            audit.note = f"X refused the list of whom an account follows ({_describe(exc)}): follows not checked."
            return


def _follows(client, audit, account, required):
    wanted, seen, token, pages = {h.lower() for h in required}, set(), None, 0
    while pages < settings.X_AUDIT_FOLLOWING_MAX_PAGES:
        since = timezone.now()
        response = client.get_users_following(account.user_id, max_results=FOLLOWING_PAGE, pagination_token=token,
                                               user_fields=["username"], user_auth=not settings.X_BEARER_TOKEN)
        audit.requests, pages = audit.requests + 1, pages + 1
        body = response.json()
        users = [u for u in body.get("data") or [] if isinstance(u, dict)]
        seen |= {str(u.get("username", "")).lower() for u in users}
        audit.cost_usd += _billed([str(u["id"]) for u in users], since)
        audit.save(update_fields=["requests", "cost_usd"])
        token = (body.get("meta") or {}).get("next_token")
        if wanted <= seen or not token:
            break
    if not (wanted <= seen or not token):
        return  # the page cap came first: not knowing is not a finding
    with transaction.atomic():
        check = AccountCheck.objects.select_for_update().get(account=account)
        check.missing_follows = [h for h in required if h.lower() not in seen]
        check.follows_checked_at = timezone.now()
        same = [rules.SAME_ID] if rules.SAME_ID in check.findings else []
        check.findings = rules.findings(account, check) + same
        check.save()

