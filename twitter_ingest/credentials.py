"""Whose tokens an X request uses, per account.

The state account uses X_ACCESS_TOKEN / X_ACCESS_SECRET (and X_BEARER_TOKEN for reading). Any other
watched account uses its own OAuth 1.0a user tokens when they are set, read from the environment as
X_ACCOUNT_<HANDLE>_ACCESS_TOKEN and X_ACCOUNT_<HANDLE>_ACCESS_SECRET (the handle in capitals, without @;
settings.X_ACCOUNT_TOKENS holds them keyed by the handle in lower case). The handle is the reference, so
nothing secret is kept in the database. A unit's tokens entered in the admin before this existed
(AccountCredential, for the dashboard's "Noted") still count when the environment has none.

An account with its own tokens is read and posted as itself: its own rate limits, and its replies come
from it. Without them its mentions are read with the state account's tokens and replies go out from the
state account.

The state account's own mentions are read with its own user tokens when they are set (X_READ_MENTIONS_WITH
"own", the default): X prices GET /2/users/{id}/mentions as owned reads ($0.001) only when {id} is the
authenticated user and the app's owner; with the app's bearer token there is no authenticated user and the
same mentions are post reads ($0.005). "app" reads them with the bearer token whenever it is set, as
before. Only that timeline changes hands: a unit account without tokens of its own is not the
authenticated user whichever token reads it, so it stays on the bearer token (the app's 450 requests per
15 minutes, not the state account's 300), and so do the user lookups made during a poll (user reads
whoever asks)."""

from dataclasses import dataclass

from django.conf import settings

from . import client as xclient
from .models import AccountCredential

STATE, ENVIRONMENT, STORED, NONE = "state", "environment", "stored", ""
OWN, APP = "own", "app"  # X_READ_MENTIONS_WITH


@dataclass(frozen=True)
class Tokens:
    token: str
    secret: str
    source: str  # STATE, ENVIRONMENT, STORED or NONE

    @property
    def is_set(self):
        return bool(self.token and self.secret)

    def __repr__(self):  # the values never reach a log or a traceback
        return f"<Tokens from {self.source or 'nowhere'}>"


def env_names(handle):
    """The two environment variables that hold an account's tokens (the state account's own pair for it)."""
    if handle.strip().lstrip("@").lower() == settings.X_STATE_HANDLE.lower():
        return "X_ACCESS_TOKEN", "X_ACCESS_SECRET"
    prefix = f"X_ACCOUNT_{handle.strip().lstrip('@').upper()}_"
    return prefix + "ACCESS_TOKEN", prefix + "ACCESS_SECRET"


def is_state(account):
    return account.handle.lower() == settings.X_STATE_HANDLE.lower()


def tokens_for(account):
    if is_state(account):
        return Tokens(settings.X_ACCESS_TOKEN, settings.X_ACCESS_SECRET, STATE)
    token, secret = (settings.X_ACCOUNT_TOKENS or {}).get(account.handle.lower(), ("", ""))
    if token and secret:
        return Tokens(token, secret, ENVIRONMENT)
    stored = AccountCredential.objects.filter(account=account).first()
    if stored and stored.is_set:
        return Tokens(stored.access_token, stored.access_secret, STORED)
    return Tokens("", "", NONE)


def has_own(account):
    """The account reads and posts as itself: its user tokens and the app's consumer keys are set."""
    if is_state(account):
        return bool(settings.X_API_KEY and settings.X_API_SECRET and settings.X_ACCESS_TOKEN
                    and settings.X_ACCESS_SECRET)
    return bool(settings.X_API_KEY and settings.X_API_SECRET and tokens_for(account).is_set)


def reads_owned(account):
    """The account's own timeline is read in its own user context, which X bills as owned reads: the state
    account (the app's owner) with its user tokens set, unless X_READ_MENTIONS_WITH is "app"."""
    return is_state(account) and settings.X_READ_MENTIONS_WITH != APP and has_own(account)


def mentions_auth(account):
    """user_auth for reading the account's mentions: its own tokens when set (for the state account as
    X_READ_MENTIONS_WITH says), else the state account's: the bearer token, or its user tokens without one."""
    if not is_state(account) and has_own(account):
        return True
    return reads_owned(account) or not settings.X_BEARER_TOKEN


def lookup_auth(account):
    """user_auth for the user lookups made while reading the account's mentions (user reads whoever asks,
    so they keep the bearer token when it is set): the account's own tokens when it has them."""
    return (not is_state(account) and has_own(account)) or not settings.X_BEARER_TOKEN


def reader_for(account):
    """(client, user_auth) for reading the account's mentions (mentions_auth)."""
    if not is_state(account) and has_own(account):
        tokens = tokens_for(account)
        return xclient.make_client(access_token=tokens.token, access_secret=tokens.secret), True
    return xclient.make_client(), mentions_auth(account)


def on_shared_limit(account):
    """The account's mentions are read on the one rate limit that the accounts without tokens of their own
    share (the bearer token's, or without one the state account's user tokens'), not on a limit of its own."""
    if not is_state(account):
        return not has_own(account)
    return not reads_owned(account) or not settings.X_BEARER_TOKEN


def can_read(account):
    return has_own(account) or xclient.can_read()
