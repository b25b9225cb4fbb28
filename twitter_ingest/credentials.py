"""Whose tokens an X request uses, per account.

The state account uses X_ACCESS_TOKEN / X_ACCESS_SECRET (and X_BEARER_TOKEN for reading). Any other
watched account uses its own OAuth 1.0a user tokens when they are set, read from the environment as
X_ACCOUNT_<HANDLE>_ACCESS_TOKEN and X_ACCOUNT_<HANDLE>_ACCESS_SECRET (the handle in capitals, without @;
settings.X_ACCOUNT_TOKENS holds them keyed by the handle in lower case). The handle is the reference, so
nothing secret is kept in the database. A unit's tokens entered in the admin before this existed
(AccountCredential, for the dashboard's "Noted") still count when the environment has none.

An account with its own tokens is read and posted as itself: its own rate limits, and its replies come
from it. Without them its mentions are read with the state account's tokens and replies go out from the
state account."""

from dataclasses import dataclass

from django.conf import settings

from . import client as xclient
from .models import AccountCredential

STATE, ENVIRONMENT, STORED, NONE = "state", "environment", "stored", ""


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


def reader_for(account):
    """(client, user_auth) for reading the account's mentions: its own tokens when set, else the state
    account's (bearer token, or the state's user tokens)."""
    if not is_state(account) and has_own(account):
        tokens = tokens_for(account)
        return xclient.make_client(access_token=tokens.token, access_secret=tokens.secret), True
    return xclient.make_client(), not settings.X_BEARER_TOKEN


def can_read(account):
    return has_own(account) or xclient.can_read()
