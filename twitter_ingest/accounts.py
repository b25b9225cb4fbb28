"""Several watched accounts (@Uppolice, @dgpup, @112UttarPradesh and whichever HQ switches on).

Each active watched account is polled on its own (poller.py: its own checkpoint, lock and rate-limit
state; the beat task fans out one task per account). A tweet that tags two of them is filed once (the
unique tweet id) and each account it was addressed to is recorded (MentionedAccount).

Which account answers. The reply with the code, the closing reply and status replies go out from the
first watched account the tweet names, in the order its text names them, that can post as itself (its
tokens are set, credentials.py); when none can, from the state account. The order of the text, not the
order of polling, so the choice is the same whichever account's poll files the tweet first; and only an
account the tweet names, since X lets an account reply only where it is mentioned."""

import logging
import re

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from districts.models import XAccount

from . import credentials
from .account_models import AccountSwitch, MentionedAccount

log = logging.getLogger(__name__)

HANDLE = re.compile(r"(?<![\w@])@(\w{1,15})")


class SwitchError(Exception):
    """A switch HQ may not make; the message says why, in the reader's language."""


def watched_accounts():
    return XAccount.objects.filter(watched=True, is_active=True).order_by("pk")


def state_account():
    return XAccount.objects.filter(handle__iexact=settings.X_STATE_HANDLE).first()


def handles_in(text):
    return [h.lower() for h in HANDLE.findall(text or "")]


def repliers():
    """handle (lower case) -> account, for every watched account that can post as itself."""
    return {a.handle.lower(): a for a in watched_accounts() if credentials.has_own(a)}


def replier(text, *, state, able=None):
    """The account that answers a tweet with this text (see the module's docstring)."""
    able = repliers() if able is None else able
    for handle in handles_in(text):
        if handle in able:
            return able[handle]
    return state


def record_mentioned(account, envelopes):
    """Record that these tweets (read from `account`'s mentions) were addressed to it, and to every other
    watched account they tag. Idempotent: a tweet read again adds nothing."""
    if not envelopes:
        return 0
    by_handle = {a.handle.lower(): a.pk for a in watched_accounts()}
    pairs = set()
    for env in envelopes:
        pairs.add((env.tweet_id, account.pk))
        for handle in env.tagged:
            if handle.lower() in by_handle:
                pairs.add((env.tweet_id, by_handle[handle.lower()]))
    rows = [MentionedAccount(tweet_id=t, account_id=a) for t, a in sorted(pairs)]
    MentionedAccount.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def mentioned_in(tweet_id):
    """The watched accounts a tweet was addressed to, in the order they were recorded."""
    ids = MentionedAccount.objects.filter(tweet_id=tweet_id).order_by("id").values_list("account_id", flat=True)
    accounts = XAccount.objects.in_bulk(list(ids))
    return [accounts[i] for i in ids if i in accounts]


def switch(account_id, on, user):
    """HQ switches the polling of an account on or off; recorded with who did it. The state account is
    always polled: every complaint's thread and every reply depend on it."""
    with transaction.atomic():
        account = XAccount.objects.select_for_update().filter(pk=account_id).first()
        if account is None:
            raise SwitchError(_("That account no longer exists."))
        if not account.is_active:
            raise SwitchError(_("@%(handle)s is marked inactive; make it active in the admin first.")
                              % {"handle": account.handle})
        if not on and credentials.is_state(account):
            raise SwitchError(_("The state account is always polled."))
        if account.watched == on:
            return account, False
        XAccount.objects.filter(pk=account.pk).update(watched=on)
        account.watched = on
        AccountSwitch.objects.create(account=account, watched=on, by=user if getattr(user, "pk", None) else None)
    log.info("polling of @%s switched %s by %s", account.handle, "on" if on else "off", user)
    return account, True


def find(handle):
    """The account on file with this handle (with or without @, any case), or None."""
    handle = (handle or "").strip().lstrip("@")
    if not re.fullmatch(r"\w{1,15}", handle):
        return None
    return XAccount.objects.filter(handle__iexact=handle).first()


def overview():
    """Every account HQ may poll, as dicts for the dashboard: the watched ones first, then the others on
    file that are active, with whether each can read and post as itself, and the names of the environment
    variables that hold its tokens."""
    from .models import AccountState

    states = {s.account_id: s for s in AccountState.objects.all()}
    rows = []
    for account in XAccount.objects.filter(is_active=True).select_related("unit").order_by("-watched", "handle"):
        tokens = credentials.tokens_for(account)
        state = states.get(account.pk)
        rows.append({
            "account_id": account.pk,
            "handle": account.handle,
            "unit": str(account.unit),
            "user_id": account.user_id or (state.user_id if state else "") or "",
            "watched": account.watched,
            "is_state": credentials.is_state(account),
            "own_tokens": credentials.has_own(account),
            "tokens_from": tokens.source,
            "env_names": credentials.env_names(account.handle),
        })
    return rows
