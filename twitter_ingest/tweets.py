"""One tweet as the API gives it, with its includes resolved (author, referenced tweets, place, media, errors),
checked enough to be filed: a usable id (a decimal string below 2^64, never a float), text, a time.
Tweets are ordered by created_at, or by the time in their snowflake id when it is missing. A text longer
than X's longest post (MAX_TEXT) is not one X served: what is filed stops there, and the whole tweet stays
in the mention's raw JSON as evidence."""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone

from complaints import lifecycle, reasons
from complaints.media import clean_all as clean_media

from .textcount import weighted_length

EPOCH_MS = 1288834974657
# A long post (X Premium) holds up to 25,000 characters as X counts them (twitter-text weights).
MAX_TEXT = 25_000
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# In JSON written with ensure_ascii=False a NUL shows as its escape and a lone surrogate as itself.
_UNSTORABLE_JSON = re.compile("\\\\u0000|[\ud800-\udfff]")

def snowflake_time(tweet_id):
    return datetime.fromtimestamp(((int(tweet_id) >> 22) + EPOCH_MS) / 1000, tz=dt_timezone.utc)


def parse_created(value):
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


class BadTweet(ValueError):
    """A tweet object that cannot be filed (no id, an id that is not a tweet id, no text). `reason` is the
    stored reason (complaints.reasons); str() is its English sentence, for logs and the command line."""

    def __init__(self, reason_code, /, **params):
        self.reason = reasons.encode(reason_code, **params)
        super().__init__(reasons.describe_in("en", self.reason))


@dataclass
class Envelope:
    tweet: dict
    author: dict | None = None
    referenced: dict = field(default_factory=dict)
    place: dict | None = None
    errors: list = field(default_factory=list)
    # includes.media objects for the tweet's attachments.media_keys, in the tweet's order, as X gave them.
    media: list = field(default_factory=list)
    # The tweet's object as the HTTP response carried it (evidence.tweet_bytes), when there was one.
    received: bytes | None = None

    def __post_init__(self):
        tweet_id = self.tweet.get("id")
        if isinstance(tweet_id, bool) or not isinstance(tweet_id, (str, int)):
            raise BadTweet(reasons.NO_USABLE_ID, value=repr(str(tweet_id)[:40]))
        tweet_id = str(tweet_id)
        if not lifecycle.is_tweet_id(tweet_id):
            raise BadTweet(reasons.NOT_A_TWEET_ID, value=repr(tweet_id[:40]))
        text = self.full_text
        if not isinstance(text, str):
            raise BadTweet(reasons.NO_TEXT, tweet=tweet_id)
        # Up to MAX_TEXT code points nothing is cut (X counts no character as less than one); beyond, only
        # what X could have posted is kept (an emoji sequence of many code points weighs 2).
        self.text = text if len(text) <= MAX_TEXT else _within_weight(text, MAX_TEXT)
        self.text_cut = len(text) - len(self.text)
        self.tweet_id = tweet_id
        self.created_at = parse_created(self.tweet.get("created_at")) or snowflake_time(tweet_id)

    @property
    def full_text(self):
        note = self.tweet.get("note_tweet")
        if isinstance(note, dict) and isinstance(note.get("text"), str):
            return note["text"]
        return self.tweet.get("text")

    @property
    def sort_key(self):
        return (self.created_at, int(self.tweet_id))

    @property
    def author_id(self):
        return str(self.tweet.get("author_id") or (self.author or {}).get("id") or "")

    @property
    def username(self):
        return str((self.author or {}).get("username") or "")

    @property
    def conversation_id(self):
        value = str(self.tweet.get("conversation_id") or "")
        return value if lifecycle.is_tweet_id(value) else ""

    @property
    def refs(self):
        return [(r.get("type"), str(r.get("id"))) for r in self.tweet.get("referenced_tweets") or []
                if isinstance(r, dict) and r.get("id") is not None]

    @property
    def replied_to(self):
        return next((i for t, i in self.refs if t == "replied_to"), "")

    @property
    def earlier_versions(self):
        """Ids of the earlier versions of an edited tweet (X gives an edit a new id)."""
        history = self.tweet.get("edit_history_tweet_ids") or []
        return [str(i) for i in history if str(i) != self.tweet_id and lifecycle.is_tweet_id(str(i))]

    @property
    def tagged(self):
        mentions = (self.tweet.get("entities") or {}).get("mentions") or []
        return [m["username"] for m in mentions if isinstance(m, dict) and isinstance(m.get("username"), str)]

    def raw(self):
        raw = {"tweet": self.tweet, "author": self.author, "referenced": list(self.referenced.values()),
               "place": self.place, "errors": self.errors}
        if self.media:
            raw["media"] = self.media
        return raw


def media_of(envelope):
    """The photos and videos of a tweet for Complaint.media (complaints.media's shape), in the tweet's
    order; the media objects as received stay in the mention's raw JSON."""
    return clean_media(envelope.media)


def _within_weight(text, limit):
    """The longest start of `text` that weighs at most `limit` as X counts it. No code point weighs less
    than 1/5 (an emoji sequence of at most ten code points weighs 2), so the search stays within 5 x limit."""
    lo, hi = 0, min(len(text), 5 * limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if weighted_length(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo]


def envelopes_from_response(body):
    """(envelopes, problems) from one API response object {data, includes, errors, meta}."""
    if not isinstance(body, dict):
        raise BadTweet(reasons.LINE_NOT_OBJECT)
    data = body.get("data") or []
    if isinstance(data, dict):
        data = [data]
    includes = body.get("includes") if isinstance(body.get("includes"), dict) else {}
    users = {str(u.get("id")): u for u in includes.get("users") or [] if isinstance(u, dict)}
    tweets = {str(t.get("id")): t for t in includes.get("tweets") or [] if isinstance(t, dict)}
    places = {str(p.get("id")): p for p in includes.get("places") or [] if isinstance(p, dict)}
    media_objects = {str(m.get("media_key")): m for m in includes.get("media") or [] if isinstance(m, dict)}
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    envelopes, problems = [], []
    for tweet in data:
        if not isinstance(tweet, dict):
            problems.append((reasons.encode(reasons.NOT_A_TWEET_OBJECT), str(tweet)[:200]))
            continue
        refs = {str(r.get("id")) for r in tweet.get("referenced_tweets") or [] if isinstance(r, dict)}
        try:
            envelopes.append(Envelope(
                tweet=tweet, author=users.get(str(tweet.get("author_id"))),
                referenced={i: tweets[i] for i in refs if i in tweets},
                place=places.get(str((tweet.get("geo") or {}).get("place_id"))),
                errors=[e for e in errors if str(e.get("resource_id") or e.get("value")) in refs],
                media=[media_objects[k] for k in _media_keys(tweet) if k in media_objects],
            ))
        except BadTweet as exc:
            problems.append((exc.reason, json.dumps(tweet, ensure_ascii=False)[:200]))
    for error in errors:
        problems.append((reasons.encode(reasons.API_ERROR,
                                        detail=f"{error.get('title', '')} {error.get('detail', '')}".strip()),
                         json.dumps(error, ensure_ascii=False)[:200]))
    return envelopes, problems


def _media_keys(tweet):
    attachments = tweet.get("attachments")
    keys = attachments.get("media_keys") if isinstance(attachments, dict) else None
    if not isinstance(keys, list):
        return []
    return list(dict.fromkeys(str(k) for k in keys if isinstance(k, (str, int)) and not isinstance(k, bool)))


def safe(value):
    """A copy that any database stores: NUL and unpaired surrogates become U+FFFD (the content hash is
    computed over the tweet as received, before this)."""
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {safe(k): safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [safe(v) for v in value]
    return value


def safe_json(value):
    """(safe(value), its JSON with sorted keys), without walking the value when nothing in it needs
    replacing, as for almost every tweet."""
    encoded = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if _UNSTORABLE_JSON.search(encoded) is None:
        return value, encoded
    value = safe(value)
    return value, json.dumps(value, ensure_ascii=False, sort_keys=True)
