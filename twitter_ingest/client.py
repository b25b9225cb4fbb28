"""The tweepy client factory. tweepy has no base-URL option, so its public `session` is replaced by a
requests.Session that rewrites the host (X_API_BASE_URL: the simulated X API in tests, demo and
training) and gives every request a timeout (tweepy sets none, and a hung socket would hang the worker)."""

import logging

import requests
import tweepy
from django.conf import settings

log = logging.getLogger(__name__)

REAL_HOSTS = ("https://api.twitter.com", "https://api.x.com")


class RebasingSession(requests.Session):
    """Also puts every answer on the X bill (ledger.py): `owner` says the client holds the tokens of the
    app's owner, the state account, whose own timelines are billed as owned reads."""

    def __init__(self, base_url="", timeout=15.0, owner=False):
        super().__init__()
        self.base_url = (base_url or "").rstrip("/")
        self.timeout = timeout
        self.owner = owner

    def request(self, method, url, *args, **kwargs):
        if self.base_url:
            for real in REAL_HOSTS:
                if url.startswith(real):
                    url = self.base_url + url[len(real):]
                    break
        kwargs.setdefault("timeout", self.timeout)
        response = super().request(method, url, *args, **kwargs)
        if kwargs.get("stream"):
            return response  # a stream's body is read by its consumer, which bills each event (stream.py)
        try:
            from . import ledger  # here, so the session is usable where Django's models are not (a bare script)

            ledger.record_response(method, url, response, sent=kwargs.get("json"), owner=self.owner,
                                   user_context=kwargs.get("auth") is not None)
        except Exception:  # the call was made and its work goes on; the gap in the bill is logged
            log.exception("could not put %s %s on the X bill", method, url)
        return response


def make_client(*, access_token=None, access_secret=None, raw=True) -> tweepy.Client:
    """A client for the state account (or, with tokens, for a unit account). `raw` returns
    requests.Response objects so callers read the rate-limit headers and keep ids as strings."""
    client = tweepy.Client(
        bearer_token=settings.X_BEARER_TOKEN or None,
        consumer_key=settings.X_API_KEY or None,
        consumer_secret=settings.X_API_SECRET or None,
        access_token=access_token if access_token is not None else (settings.X_ACCESS_TOKEN or None),
        access_token_secret=access_secret if access_secret is not None else (settings.X_ACCESS_SECRET or None),
        return_type=requests.Response if raw else tweepy.Response,
        wait_on_rate_limit=False,  # a Celery task must never sleep for 15 minutes; we reschedule instead
    )
    owner = access_token is None or access_token == settings.X_ACCESS_TOKEN
    client.session = RebasingSession(settings.X_API_BASE_URL, timeout=settings.X_API_TIMEOUT, owner=owner)
    return client


def can_read() -> bool:
    return bool(settings.X_BEARER_TOKEN or (settings.X_API_KEY and settings.X_ACCESS_TOKEN))


def can_post(access_token=None, access_secret=None) -> bool:
    token = access_token if access_token is not None else settings.X_ACCESS_TOKEN
    secret = access_secret if access_secret is not None else settings.X_ACCESS_SECRET
    return bool(settings.X_POST_ENABLED and settings.X_API_KEY and settings.X_API_SECRET and token and secret)
