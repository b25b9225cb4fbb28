"""A simulated X API v2: the part the system uses, faithful to what tweepy and the real service do
(see the reference notes §2.4 and §6), bound to 127.0.0.1 only.

Endpoints: GET /2/users/me, /2/users/by/username/<name>, /2/users/<id>/mentions (since_id, until_id,
start_time, end_time, max_results 5..100, next_token pagination, newest first, only the 800 newest
reachable, expansions and fields, partial errors[] for referenced tweets that are gone),
GET /2/tweets?ids= (lookup of up to 100 ids; errors[] for the deleted),
GET /2/tweets/search/recent and /2/tweets/counts/recent (fake_search: the watches' operators, 512 characters),
GET /2/users?ids= and /2/users/by?usernames= (fake_accounts: up to 100, errors[] beside data),
GET /2/users/<id>/following (fake_accounts: pages of up to 1,000),
/2/users/<id>/tweets (the account's own posts, the same parameters and `exclude`; the 3,200 newest
reachable, 800 with exclude=replies), POST /2/tweets (replies only where summoned, 403 on duplicate text
to the same tweet, on deleted targets and on quote posts), rate-limit headers on every response. Ids are
snowflakes of the creation time; since_id wins over start_time and until_id over end_time; times are
whole seconds (a millisecond value is a 400, as on X).

Sandbox endpoints for tests, the demo and training (not part of X):
  POST /_sandbox/users     [{"id", "username", "name", "location"}]
  POST /_sandbox/tweets    [{"id"?, "author": username, "text", "in_reply_to"?, "created_at"?, ...}]
                           "media": [{"type": "photo|video|animated_gif", "alt_text"?, ...}] attaches media
                           (served under includes.media for expansions=attachments.media_keys)
  POST /_sandbox/tokens    {"<token>": "<user id>", ...}   a bearer or OAuth access token acts as that user
                           (several authenticated accounts; without an entry an access token "<id>-..." acts
                           as user <id>, and anything else as the state account)
  POST /_sandbox/faults    {"route": "mentions|post|me|user|tweets|search|any", "status": 429|503|401|402|..,
                            "reset_in": s, "delay": s, "count": n, "rate": p, "after": bool, "skip": n,
                            "user_id": id}
                           "user_id" strikes only requests about that user (/2/users/<id>/...) or made as
                           that user (its tokens); "skip" lets that many matching requests through first;
                           a fault with "rate" strikes each matching request with probability p until
                           removed (or "count" strikes); "after" lets the request take effect first (a post
                           lands, then the error or the delay: the answer a client may never see)
  POST /_sandbox/duplicates {"reject": bool}     refuse the same text to the same tweet (default) or not:
                           X's duplicate check is undocumented, so a sender must not rely on it
  POST /_sandbox/latency   {"post": s, ...}      every answer on a route waits s after the request took effect
  POST /_sandbox/clock     {"offset": s}        X's clock runs s seconds off ours (ids and created_at)
  POST /_sandbox/limits    {"post": n, ...}      requests per 15 minutes per route and token (in a user's
                           context and with the bearer token alike; X's defaults differ, see APP_LIMITS)
  POST /_sandbox/delete    {"ids": [...]}         mark tweets deleted
  POST /_sandbox/edit      {"id", "text"}        the author edits a tweet (a new id; the chain in
                           edit_history_tweet_ids; timelines serve only the newest version)
  POST /_sandbox/noted     {"delay": s, "share": p} district accounts answer HQ forwards with "Noted" (a share p
                           of them, default all; the rest wait for a person)
  GET  /_sandbox/posted    tweets created through POST /2/tweets
  GET  /_sandbox/requests  how many requests each route has had, and how many were cut short (the client
                           went away before sending the whole body: such a request has no effect, as on X)
  POST /_sandbox/stream    {"cut": true} | {"refuse": 429|503, "count": n} | {"keepalive": s}  (fake_stream.py)
  POST /_sandbox/reset

The X Activity API's subscriptions and persistent stream (/2/activity/*) are in fake_stream.py.
"""

import base64
import json
import random
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

from . import fake_stream

EPOCH_MS = 1288834974657
MAX_REACHABLE = 800          # mentions; and an account's own posts with exclude=replies
MAX_REACHABLE_OWN = 3200     # an account's own posts
_WHOLE_SECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)")
DEFAULT_TWEET_FIELDS = ("id", "text", "edit_history_tweet_ids")
DEFAULT_USER_FIELDS = ("id", "name", "username")
DEFAULT_MEDIA_FIELDS = ("media_key", "type")
# The first part of a media key says its kind, as on X ("3_..." a photo).
MEDIA_KEY_PREFIX = {"photo": "3", "video": "7", "animated_gif": "16"}
HANDLE = re.compile(r"(?<![\w@])@(\w{1,15})")
# Requests per 15 minutes per route and token, in a user's context (OAuth 1.0a, or an OAuth 2.0 user token),
# and with the app's bearer token where X's limit per app differs (the reference notes §4.1: mentions 300
# per user, 450 per app; the lookup 5,000 and 3,500; recent search 300 and 450).
LIMITS = {"mentions": 300, "post": 100, "me": 75, "user": 300, "tweets": 900, "lookup": 5000, "search": 300,
          "counts": 300, "users": 300, "following": 15, "activity": 500}
APP_LIMITS = {**LIMITS, "mentions": 450, "lookup": 3500, "search": 450}


def fmt_time(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_time(value):
    value = value.replace("Z", "+00:00")
    return datetime.fromisoformat(value)


def snowflake(dt, seq):
    return str(((int(dt.timestamp() * 1000) - EPOCH_MS) << 22) | (seq & 0x3FFFFF))


def _token(tweet_id):
    return base64.b32hexencode(str(tweet_id).encode()).decode().rstrip("=").lower()


def _untoken(token):
    token = token.upper()
    return base64.b32hexdecode(token + "=" * (-len(token) % 8)).decode()


class FakeX:
    """The simulated service's state; thread-safe behind one lock."""

    def __init__(self, state_username="Uppolice", state_id="1000000000000000001"):
        self.lock = threading.RLock()
        self.state_username = state_username
        self.users = {}          # id -> user dict
        self.tweets = {}         # id -> tweet dict (full)
        self.deleted = set()
        self.superseded = set()  # earlier versions of edited tweets: looked up by id, not in timelines
        self.places = {}         # id -> place dict
        self.media = {}          # media_key -> media object (X's shape)
        self.posted = []         # ids created through POST /2/tweets
        self.faults = []         # list of fault dicts
        self.noted_delay = None  # seconds, or None for no scripted district replies
        self.noted_share = 1.0   # the share of HQ's forwards the districts answer (the rest wait for a person)
        self.noted_rng = random.Random(1)
        self.pending_noted = []  # (due_monotonic, forward tweet id, district user id)
        self.buckets = {}        # (route, token) -> [remaining, reset_epoch]
        self.limits = dict(LIMITS)  # requests per 15 minutes per route and token, in a user's context
        self.app_limits = dict(APP_LIMITS)  # the same with the app's bearer token
        self.requests = []       # (method, path) log for tests
        self.contexts = []       # (method, path, the user id a call acted as, or "app" for the bearer token)
        self.token_users = {}    # bearer or OAuth access token -> the user id it acts as
        self.cut_short = 0       # requests whose client went away before its body was all sent
        self.reject_duplicates = True
        self.latency = {}        # route -> seconds every answer waits after the request took effect
        self.clock_offset = 0.0  # seconds X's clock is off ours
        self.rng = random.Random(0)
        self.seq = 0
        self.add_user({"id": state_id, "username": state_username, "name": "UP POLICE"})
        self.state_id = state_id
        self.activity = fake_stream.Activity(self)  # the X Activity API: subscriptions and streams

    # ------------------------------------------------------------------ feeding
    def add_user(self, user):
        with self.lock:
            user = {k: str(v) if k == "id" else v for k, v in user.items()}
            self.users[user["id"]] = user
            return user

    def user_by_name(self, username):
        username = username.lower()
        return next((u for u in self.users.values() if u["username"].lower() == username), None)

    def _ensure_user(self, username):
        user = self.user_by_name(username)
        if user is None:
            self.seq += 1
            user = self.add_user({"id": str(4000000000000000000 + self.seq), "username": username,
                                  "name": username})
        return user

    def add_tweet(self, spec):
        """Add a tweet from a full API dict (with id, author_id...) or a short spec (author, text, in_reply_to)."""
        with self.lock:
            tweet = dict(spec)
            place = tweet.pop("place", None)
            media = tweet.pop("media", None)
            if isinstance(place, dict):
                self.places[place["id"]] = place
                tweet["geo"] = {"place_id": place["id"]}
            if "author" in tweet:
                tweet["author_id"] = self._ensure_user(tweet.pop("author"))["id"]
            created = tweet.get("created_at")
            created_dt = parse_time(created) if created else self.now()
            self.seq += 1
            tweet.setdefault("id", snowflake(created_dt, self.seq))
            tweet["id"] = str(tweet["id"])
            tweet["created_at"] = created or fmt_time(created_dt)
            tweet.setdefault("edit_history_tweet_ids", [tweet["id"]])
            if media:
                keys = [self._attach(spec, created_dt)["media_key"] for spec in _as_list(media)]
                tweet["attachments"] = {**tweet.get("attachments", {}), "media_keys": keys}
            parent_id = tweet.pop("in_reply_to", None)
            if parent_id:
                parent = self.tweets.get(str(parent_id))
                tweet.setdefault("referenced_tweets", []).append({"type": "replied_to", "id": str(parent_id)})
                if parent:
                    tweet.setdefault("in_reply_to_user_id", parent["author_id"])
                    tweet.setdefault("conversation_id", parent.get("conversation_id", parent["id"]))
            tweet.setdefault("conversation_id", tweet["id"])
            if "entities" not in tweet:
                mentions = []
                for match in HANDLE.finditer(tweet.get("text", "")):
                    user = self.user_by_name(match.group(1))
                    item = {"start": match.start(), "end": match.end(), "username": match.group(1)}
                    if user:
                        item["id"] = user["id"]
                    mentions.append(item)
                if mentions:
                    tweet["entities"] = {"mentions": mentions}
            self.tweets[tweet["id"]] = tweet
            self.activity.on_tweet(tweet)
            return tweet

    def add_media(self, obj):
        """A media object as X describes it (media_key, type, and url, preview_image_url, alt_text, ...)."""
        with self.lock:
            obj = dict(obj, media_key=str(obj["media_key"]))
            self.media[obj["media_key"]] = obj
            return obj

    def _attach(self, spec, created_dt):
        """The media object for one attachment of a new tweet, from a short spec ({"type", "alt_text"}).
        As on X: a media id is a snowflake like a tweet's; a photo has a url, a video or GIF only a preview
        image (its files are variants, which we do not serve); no alt_text key when there is none."""
        spec = dict(spec)
        kind = spec.pop("type", "photo")
        self.seq += 1
        media_id = snowflake(created_dt, self.seq)
        name = _token(media_id)
        obj = {"media_key": f"{MEDIA_KEY_PREFIX.get(kind, '3')}_{media_id}", "type": kind}
        if kind == "photo":
            obj.update(url=f"https://pbs.twimg.com/media/{name}.jpg", width=1200, height=900)
        elif kind == "video":
            obj.update(preview_image_url=f"https://pbs.twimg.com/ext_tw_video_thumb/{media_id}/pu/img/{name}.jpg",
                       width=1280, height=720, duration_ms=15000)
        else:
            obj.update(preview_image_url=f"https://pbs.twimg.com/tweet_video_thumb/{name}.jpg", width=480, height=270)
        obj.update(spec)
        return self.add_media(obj)

    def now(self):
        return datetime.now(timezone.utc) + timedelta(seconds=self.clock_offset)

    # ------------------------------------------------------------------ reading
    def _mentions_of(self, user_id):
        user = self.users.get(user_id)
        if not user:
            return []
        name = user["username"].lower()
        found = []
        for tweet in self.tweets.values():
            if tweet["id"] in self.deleted or tweet["id"] in self.superseded or tweet.get("author_id") == user_id:
                continue
            tagged = any(m.get("username", "").lower() == name for m in tweet.get("entities", {}).get("mentions", []))
            if tagged or tweet.get("in_reply_to_user_id") == user_id:
                found.append(tweet)
        found.sort(key=lambda t: int(t["id"]), reverse=True)
        return found

    def _materialise_noted(self):
        now = time.monotonic()
        due = [p for p in self.pending_noted if p[0] <= now]
        self.pending_noted = [p for p in self.pending_noted if p[0] > now]
        for _, forward_id, district_id in due:
            district = self.users[district_id]
            self.add_tweet({"author": district["username"], "text": f"@{self.state_username} Noted",
                            "in_reply_to": forward_id})

    def _shape_tweet(self, tweet, fields):
        wanted = set(DEFAULT_TWEET_FIELDS) | fields
        return {k: v for k, v in tweet.items() if k in wanted}

    def _shape_user(self, user, fields):
        wanted = set(DEFAULT_USER_FIELDS) | fields
        return {k: v for k, v in user.items() if k in wanted}

    def _shape_media(self, obj, fields):
        wanted = set(DEFAULT_MEDIA_FIELDS) | fields
        return {k: v for k, v in obj.items() if k in wanted}

    def timeline(self, user_id, query, own=False):
        with self.lock:
            self._materialise_noted()
            if own:
                items = sorted((t for t in self.tweets.values() if t.get("author_id") == user_id
                                and t["id"] not in self.deleted), key=lambda t: int(t["id"]), reverse=True)
                exclude = set(filter(None, query.get("exclude", "").split(",")))
                reach = MAX_REACHABLE if "replies" in exclude else MAX_REACHABLE_OWN
                items = items[:reach]
                if "replies" in exclude:
                    items = [t for t in items if not _refs(t, "replied_to")]
                if "retweets" in exclude:
                    items = [t for t in items if not _refs(t, "retweeted")]
            else:
                items = self._mentions_of(user_id)[:MAX_REACHABLE]
            since = query.get("since_id")
            until = query.get("until_id")
            if since:
                items = [t for t in items if int(t["id"]) > int(since)]
            elif query.get("start_time"):
                start = parse_time(query["start_time"])
                items = [t for t in items if parse_time(t["created_at"]) >= start]
            if until:
                items = [t for t in items if int(t["id"]) < int(until)]
            elif query.get("end_time"):
                end = parse_time(query["end_time"])
                items = [t for t in items if parse_time(t["created_at"]) <= end]
            token = query.get("pagination_token")
            if token:
                below = int(_untoken(token))
                items = [t for t in items if int(t["id"]) < below]
            size = int(query.get("max_results") or 10)
            page, rest = items[:size], items[size:]
            fields = set(filter(None, query.get("tweet.fields", "").split(",")))
            user_fields = set(filter(None, query.get("user.fields", "").split(",")))
            expansions = set(filter(None, query.get("expansions", "").split(",")))
            media_fields = set(filter(None, query.get("media.fields", "").split(",")))
            body = {"meta": {"result_count": len(page)}}
            if not page:
                return body
            body["data"] = [self._shape_tweet(t, fields) for t in page]
            body["meta"].update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
            if rest:
                body["meta"]["next_token"] = _token(page[-1]["id"])
            includes, errors = {}, []
            users, tweets, places, media = {}, {}, {}, {}
            for t in page:
                if "author_id" in expansions and t.get("author_id") in self.users:
                    users[t["author_id"]] = self.users[t["author_id"]]
                if "in_reply_to_user_id" in expansions and t.get("in_reply_to_user_id") in self.users:
                    users[t["in_reply_to_user_id"]] = self.users[t["in_reply_to_user_id"]]
                if "entities.mentions.username" in expansions:
                    for m in t.get("entities", {}).get("mentions", []):
                        user = self.user_by_name(m.get("username", ""))
                        if user:
                            users[user["id"]] = user
                if "referenced_tweets.id" in expansions:
                    for ref in t.get("referenced_tweets", []):
                        target = self.tweets.get(ref["id"])
                        if target is None or ref["id"] in self.deleted:
                            errors.append({
                                "value": ref["id"], "detail": f"Could not find tweet with referenced_tweets.id: [{ref['id']}].",
                                "title": "Not Found Error", "resource_type": "tweet", "parameter": "referenced_tweets.id",
                                "resource_id": ref["id"], "type": "https://api.twitter.com/2/problems/resource-not-found",
                            })
                        else:
                            tweets[target["id"]] = self._shape_tweet(target, fields)
                place_id = t.get("geo", {}).get("place_id")
                if "geo.place_id" in expansions and place_id:
                    places[place_id] = self.places.get(place_id) or {"id": place_id, "full_name": "Unknown"}
                if "attachments.media_keys" in expansions:
                    for key in t.get("attachments", {}).get("media_keys", []):
                        if key in self.media:
                            media[key] = self._shape_media(self.media[key], media_fields)
            if users:
                includes["users"] = [self._shape_user(u, user_fields) for u in users.values()]
            if tweets:
                includes["tweets"] = list(tweets.values())
            if places:
                includes["places"] = list(places.values())
            if media:
                includes["media"] = list(media.values())
            if includes:
                body["includes"] = includes
            if errors:
                body["errors"] = errors
            return body

    def lookup(self, query):
        """GET /2/tweets?ids=: the tweets that are there, in the order asked, and X's errors[] entry for
        each one deleted or never there (a 200 with no data when none is)."""
        ids = [i for i in query.get("ids", "").split(",") if i]
        if not ids or len(ids) > 100 or not all(i.isdigit() for i in ids):
            return 400, _problem(400, "The `ids` query parameter value must be 1 to 100 comma-separated tweet ids.")
        fields = set(filter(None, query.get("tweet.fields", "").split(",")))
        with self.lock:
            found, errors = [], []
            for tweet_id in ids:
                tweet = self.tweets.get(tweet_id)
                if tweet is None or tweet_id in self.deleted:
                    errors.append({"value": tweet_id, "detail": f"Could not find tweet with ids: [{tweet_id}].",
                                   "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
                                   "resource_id": tweet_id,
                                   "type": "https://api.twitter.com/2/problems/resource-not-found"})
                else:
                    found.append(self._shape_tweet(tweet, fields))
        body = {}
        if found:
            body["data"] = found
        if errors:
            body["errors"] = errors
        return 200, body

    def edit(self, tweet_id, text, new_id=None):
        """The author edits a tweet: X gives the new version a new id and lists the chain, oldest first, in
        edit_history_tweet_ids; timelines serve the newest version, a lookup still finds the earlier ones."""
        with self.lock:
            old = self.tweets[str(tweet_id)]
            created = self.now()
            self.seq += 1
            new = {k: v for k, v in old.items() if k not in ("id", "text", "created_at", "entities")}
            new.update(id=str(new_id or snowflake(created, self.seq)), text=text, created_at=fmt_time(created))
            new["edit_history_tweet_ids"] = list(old.get("edit_history_tweet_ids") or [old["id"]]) + [new["id"]]
            self.superseded.add(old["id"])
            return self.add_tweet(new)

    # ------------------------------------------------------------------ posting
    def create_tweet(self, author_id, payload):
        """Return (status, body)."""
        with self.lock:
            text = payload.get("text", "")
            if not text.strip() and not payload.get("media"):
                return 400, _problem(400, "One or more parameters to your request was invalid.",
                                     errors=[{"message": "$.text: a post needs text or media"}])
            if payload.get("quote_tweet_id"):
                return 403, _problem(403, "Quote posts are not available on this access tier.")
            reply_to = (payload.get("reply") or {}).get("in_reply_to_tweet_id")
            target = str(reply_to) if reply_to else ""
            if self.reject_duplicates and any(
                    t.get("author_id") == author_id and t.get("text") == text
                    and (_refs(t, "replied_to") or [""])[0] == target for t in self.tweets.values()):
                return 403, _problem(403, "You are not allowed to create a Tweet with duplicate content.")
            spec = {"author_id": author_id, "text": text}
            if reply_to:
                parent = self.tweets.get(str(reply_to))
                if parent is None or parent["id"] in self.deleted:
                    return 403, _problem(403, "You attempted to reply to a Tweet that is deleted or not visible to you.")
                poster = self.users[author_id]["username"].lower()
                summoned = parent.get("author_id") == author_id or any(
                    m.get("username", "").lower() == poster for m in parent.get("entities", {}).get("mentions", []))
                if not summoned:
                    return 403, _problem(403, "You can only reply to or quote posts where you are mentioned or are the author.")
                spec["in_reply_to"] = parent["id"]
            tweet = self.add_tweet(spec)
            self.posted.append(tweet["id"])
            if self.noted_delay is not None and author_id == self.state_id:
                for m in tweet.get("entities", {}).get("mentions", []):
                    district = self.user_by_name(m["username"])
                    if district and district["id"] != self.state_id and self.noted_rng.random() < self.noted_share:
                        self.pending_noted.append((time.monotonic() + self.noted_delay, tweet["id"], district["id"]))
            return 201, {"data": {"id": tweet["id"], "text": tweet["text"],
                                  "edit_history_tweet_ids": [tweet["id"]]}}

    # ------------------------------------------------------------------ faults and limits
    def take_fault(self, route, users=()):
        """`users`: the user ids the request is about or made as (a fault with "user_id" needs one of them)."""
        with self.lock:
            for fault in self.faults:
                if fault.get("route", "any") not in (route, "any"):
                    continue
                if fault.get("user_id") and str(fault["user_id"]) not in users:
                    continue
                if fault.get("skip"):
                    fault["skip"] -= 1
                    continue
                if "rate" in fault and self.rng.random() >= float(fault["rate"]):
                    continue
                if "rate" not in fault or "count" in fault:
                    fault["count"] = fault.get("count", 1) - 1
                    if fault["count"] <= 0:
                        self.faults.remove(fault)
                return dict(fault)
        return None

    def spend(self, route, token, app=False):
        """Take one request from the bucket of (route, token): X limits a user's context per user and the
        bearer token per app, each with its own numbers (`app`)."""
        with self.lock:
            now = int(time.time())
            limit = (self.app_limits if app else self.limits).get(route, 300)
            bucket = self.buckets.get((route, token))
            if bucket is None or bucket[1] <= now:
                bucket = self.buckets[(route, token)] = [limit, now + 900]
            if bucket[0] <= 0:
                return False, limit, 0, bucket[1]
            bucket[0] -= 1
            return True, limit, bucket[0], bucket[1]


def _problem(status, detail, **extra):
    titles = {400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
              404: "Not Found Error", 429: "Too Many Requests", 500: "Internal Server Error",
              503: "Service Unavailable"}
    return {"title": titles.get(status, "Error"), "detail": detail, "type": "about:blank", "status": status, **extra}


class Handler(BaseHTTPRequestHandler):
    server_version = "FakeX/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    @property
    def fake(self) -> FakeX:
        return self.server.fake

    def _send(self, status, body, headers=None):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, str(value))
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self):
        """The request's body, or None when the connection ended before all of it arrived (a client killed
        between sending the headers and the body): X never acts on a request it did not get whole."""
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        return raw if len(raw) == length else None

    def _body(self):
        return json.loads(self._raw or b"{}")

    def _token(self):
        auth = self.headers.get("authorization", "")
        match = re.search(r'oauth_token="([^"]+)"', auth)
        return unquote(match.group(1)) if match else auth

    def _token_user(self):
        """The user the call's token stands for: the one it was registered for (/_sandbox/tokens), else for a
        user-context call the user whose id prefixes the access token ("<id>-...", as on X); else None (an
        app-only bearer token acts as no user)."""
        auth = self.headers.get("authorization", "")
        match = re.search(r'oauth_token="([^"]+)"', auth)
        token = unquote(match.group(1)) if match else auth.removeprefix("Bearer ").strip()
        registered = self.fake.token_users.get(token)
        if registered in self.fake.users:
            return registered
        if match:
            prefix = token.partition("-")[0]
            if prefix in self.fake.users:
                return prefix
        return None

    def _context(self):
        """The user a call acts as, or "app" for the app's bearer token (OAuth 1.0a signs with an
        oauth_token; a bearer token registered for a user is that user's OAuth 2.0 token)."""
        auth = self.headers.get("authorization", "")
        user = self._token_user()
        if user is not None:
            return user
        return self.fake.state_id if 'oauth_token="' in auth else "app"

    def _caller_id(self):
        """The user a call acts as (a post is made by it): its token's user, else the state account."""
        return self._token_user() or self.fake.state_id

    def _route(self, method, path):
        if path.startswith("/_sandbox/"):
            return "sandbox"
        if path == "/2/activity/stream":
            return "activity_stream"
        if path.startswith("/2/activity/subscriptions"):
            return "activity"
        if method == "POST" and path == "/2/tweets":
            return "post"
        if path == "/2/users/me":
            return "me"
        if method == "GET" and path == "/2/tweets":
            return "lookup"
        if method == "GET" and path == "/2/tweets/search/recent":
            return "search"
        if method == "GET" and path == "/2/tweets/counts/recent":
            return "counts"
        if path in ("/2/users", "/2/users/by"):
            return "users"  # lookup of up to 100 accounts (fake_accounts)
        if path.endswith("/following"):
            return "following"
        if path.endswith("/mentions"):
            return "mentions"
        if path.endswith("/tweets"):
            return "tweets"
        return "user"

    def _handle(self, method):
        url = urlparse(self.path)
        path = url.path.rstrip("/")
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        route = self._route(method, path)
        self.fake.requests.append((method, path))
        self._raw = self._read_body()
        if self._raw is None:
            with self.fake.lock:
                self.fake.cut_short += 1
            self.close_connection = True
            return None
        if route == "sandbox":
            return self._sandbox(method, path)
        if route == "activity_stream":
            return fake_stream.serve_stream(self, self.fake.activity, query)
        about = re.match(r"/2/users/(\d+)/", path + "/")
        fault = self.fake.take_fault(route, {self._token_user() or "", about.group(1) if about else ""} - {""})
        after = bool(fault and fault.get("after"))
        if fault and fault.get("delay") and not after:
            time.sleep(float(fault["delay"]))
            if not fault.get("status"):
                fault = None
        context = self._context()
        with self.fake.lock:
            self.fake.contexts.append((method, path, context))
        ok, limit, remaining, reset = self.fake.spend(route, self._token(), app=context == "app")
        headers = {"x-rate-limit-limit": limit, "x-rate-limit-remaining": remaining, "x-rate-limit-reset": reset}
        if route == "post":
            headers.update({"x-user-limit-24hour-limit": 10000, "x-user-limit-24hour-remaining": 9999,
                            "x-user-limit-24hour-reset": int(time.time()) + 86400})
        if after and ok:
            # The request takes effect; the client then gets the fault's error, or its answer late.
            status, body = self._answer(route, method, path, query)
            time.sleep(float(fault.get("delay") or 0) + self.fake.latency.get(route, 0))
            if fault.get("status"):
                return self._fault(fault, headers)
            return self._send(status, body, headers)
        if fault and fault.get("status"):
            return self._fault(fault, headers)
        if not ok:
            return self._send(429, _problem(429, "Too Many Requests"), headers)
        status, body = self._answer(route, method, path, query)
        if self.fake.latency.get(route):
            time.sleep(self.fake.latency[route])
        return self._send(status, body, headers)

    def _fault(self, fault, headers):
        status = int(fault["status"])
        if status == 429:
            headers.update({"x-rate-limit-remaining": 0,
                            "x-rate-limit-reset": int(time.time() + float(fault.get("reset_in", 60)))})
            return self._send(429, _problem(429, "Too Many Requests"), headers)
        detail = {402: "credits depleted", 401: "Unauthorized"}.get(status, fault.get("detail", "Service unavailable"))
        return self._send(status, _problem(status, detail), headers)

    def _answer(self, route, method, path, query):
        """(status, body) of a request to the X API proper."""
        if route == "me":
            user = self.fake.users[self._caller_id()]
            return 200, {"data": self.fake._shape_user(user, set())}
        if route == "post":
            return self.fake.create_tweet(self._caller_id(), self._body())
        if route == "activity":
            return self._activity(method, path)
        if route == "lookup":
            return self.fake.lookup(query)
        if route in ("search", "counts"):
            from . import fake_search

            return (fake_search.search if route == "search" else fake_search.counts)(self.fake, query)
        if route in ("users", "following"):
            from . import fake_accounts

            return fake_accounts.answer(self.fake, route, path, query)
        match = re.fullmatch(r"/2/users/by/username/(\w+)", path)
        if match:
            user = self.fake.user_by_name(match.group(1))
            if user is None:
                return 200, {"errors": [{"value": match.group(1), "detail": "Could not find user.",
                                         "title": "Not Found Error", "resource_type": "user",
                                         "parameter": "username", "resource_id": match.group(1),
                                         "type": "https://api.twitter.com/2/problems/resource-not-found"}]}
            fields = set(filter(None, query.get("user.fields", "").split(",")))
            return 200, {"data": self.fake._shape_user(user, fields)}
        match = re.fullmatch(r"/2/users/(\d+)/(mentions|tweets)", path)
        if match:
            size = query.get("max_results")
            if size is not None and not (size.isdigit() and 5 <= int(size) <= 100):
                return 400, _problem(400, "max_results must be between 5 and 100")
            for name in ("start_time", "end_time"):
                if name in query and not _WHOLE_SECONDS.fullmatch(query[name]):
                    return 400, _problem(400, f"Invalid '{name}': a time to the second, YYYY-MM-DDTHH:mm:ssZ")
            for name in ("since_id", "until_id"):
                if name in query and not query[name].isdigit():
                    return 400, _problem(400, f"Invalid '{name}': a tweet id")
            return 200, self.fake.timeline(match.group(1), query, own=match.group(2) == "tweets")
        return 404, _problem(404, f"No route {path}")

    def _activity(self, method, path):
        activity = self.fake.activity
        match = re.fullmatch(r"/2/activity/subscriptions(?:/(\d{1,19}))?", path)
        if match is None:
            return 404, _problem(404, f"No route {path}")
        sub_id = match.group(1)
        if method == "GET" and not sub_id:
            return activity.listing()
        if method == "POST" and not sub_id:
            try:
                return activity.create(self._token_user(), self._body())
            except (ValueError, AttributeError):
                return 400, _problem(400, "The body must be a JSON object.")
        if method == "PUT" and sub_id:
            return activity.update(sub_id, self._body())
        if method == "DELETE" and sub_id:
            return activity.delete(sub_id)
        return 404, _problem(404, f"No route {method} {path}")

    def _sandbox(self, method, path):
        fake = self.fake
        name = path.removeprefix("/_sandbox/")
        if method == "GET" and name == "posted":
            with fake.lock:
                return self._send(200, {"data": [fake.tweets[i] for i in fake.posted]})
        if method == "GET" and name == "requests":
            with fake.lock:
                counts = {}
                for method_, path_ in fake.requests:
                    route = self._route(method_, path_)
                    counts[route] = counts.get(route, 0) + 1
                counts["cut_short"] = fake.cut_short
            return self._send(200, {"data": counts})
        if method == "GET" and name == "tweets":
            with fake.lock:
                return self._send(200, {"data": sorted(fake.tweets.values(), key=lambda t: int(t["id"]))})
        body = self._body()
        if name == "users":
            return self._send(200, {"data": [fake.add_user(u) for u in _as_list(body)]})
        if name == "tweets":
            return self._send(200, {"data": [fake.add_tweet(t) for t in _as_list(body)]})
        if name == "tokens":
            with fake.lock:
                fake.token_users.update({str(k): str(v) for k, v in body.items()})
            return self._send(200, {"data": fake.token_users})
        if name == "faults":
            with fake.lock:
                fake.faults.extend(_as_list(body))
            return self._send(200, {"data": fake.faults})
        if name == "delete":
            with fake.lock:
                fake.deleted.update(str(i) for i in body.get("ids", []))
            return self._send(200, {"data": sorted(fake.deleted)})
        if name == "edit":
            return self._send(200, {"data": fake.edit(body["id"], body["text"])})
        if name == "duplicates":
            fake.reject_duplicates = bool(body.get("reject", True))
            return self._send(200, {"data": {"reject": fake.reject_duplicates}})
        if name == "latency":
            with fake.lock:
                fake.latency.update({k: float(v) for k, v in body.items()})
            return self._send(200, {"data": fake.latency})
        if name == "limits":
            with fake.lock:
                fake.limits.update({k: int(v) for k, v in body.items()})
                fake.app_limits.update({k: int(v) for k, v in body.items()})
                fake.buckets.clear()
            return self._send(200, {"data": fake.limits})
        if name == "clock":
            fake.clock_offset = float(body.get("offset", 0))
            return self._send(200, {"data": {"offset": fake.clock_offset}})
        if name == "noted":
            fake.noted_delay = body.get("delay")
            fake.noted_share = float(body.get("share", 1.0))
            return self._send(200, {"data": {"delay": fake.noted_delay, "share": fake.noted_share}})
        if name == "stream":
            return self._send(200, {"data": fake_stream.sandbox(fake.activity, body)})
        if name == "reset":
            server_fake = FakeX(fake.state_username, fake.state_id)
            self.server.fake = server_fake
            return self._send(200, {"data": "reset"})
        return self._send(404, _problem(404, f"No sandbox route {name}"))

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")


def _refs(tweet, kind):
    return [r["id"] for r in tweet.get("referenced_tweets", []) if r.get("type") == kind]


def _as_list(body):
    return body if isinstance(body, list) else [body]


class FakeXServer:
    """Run the simulated API in a thread: `with FakeXServer() as server: server.url`."""

    def __init__(self, port=0, fake=None):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.httpd.fake = fake or FakeX()
        self.thread = None

    @property
    def fake(self) -> FakeX:
        return self.httpd.fake

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def load_feed(fake, path):
    """Feed a JSONL file: each line a tweet spec, a user ({"user": {...}}) or an API response object."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            item = json.loads(line)
            if "user" in item:
                fake.add_user(item["user"])
            elif "data" in item or "includes" in item:
                for user in item.get("includes", {}).get("users", []):
                    fake.add_user(user)
                for obj in item.get("includes", {}).get("media", []):
                    fake.add_media(obj)
                for tweet in _as_list(item.get("data") or []):
                    fake.add_tweet(tweet)
            else:
                fake.add_tweet(item)
