"""Start-up checks of the ingest's settings (`manage.py check`, and every process that starts Django)."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def outbox_claim_outlives_a_request(app_configs, **kwargs):
    """The outbox's guarantee of at most one post per row rests on a claim that outlives any post request
    (twitter_ingest/outbox.py): another sender takes a row over only once the earlier request has long been
    answered or timed out."""
    if settings.X_OUTBOX_CLAIM_SECONDS > 2 * settings.X_API_TIMEOUT:
        return []
    return [Error(
        f"X_OUTBOX_CLAIM_SECONDS ({settings.X_OUTBOX_CLAIM_SECONDS}) must be more than twice X_API_TIMEOUT "
        f"({settings.X_API_TIMEOUT}), or a sender could post a tweet again while an earlier request for it "
        "is still under way.",
        hint="Raise X_OUTBOX_CLAIM_SECONDS or lower X_API_TIMEOUT.",
        id="twitter_ingest.E001",
    )]


@register()
def mentions_reader_is_known(app_configs, **kwargs):
    """A misspelt X_READ_MENTIONS_WITH would otherwise read as "own" without a word (credentials.py)."""
    if settings.X_READ_MENTIONS_WITH in ("own", "app"):
        return []
    return [Error(
        f"X_READ_MENTIONS_WITH is {settings.X_READ_MENTIONS_WITH!r}: it must be \"own\" (the state account's "
        "own mentions read with its user tokens, billed as owned reads) or \"app\" (the bearer token).",
        hint="Set X_READ_MENTIONS_WITH=own, or app to read them with the bearer token.",
        id="twitter_ingest.E002",
    )]
