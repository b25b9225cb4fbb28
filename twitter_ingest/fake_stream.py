"""The X Activity API (XAA) part of the simulated X (fake_api.py), for the desk's stream mode: only what
X's public reference says (xdevplatform/docs: x-api/activity/introduction, quickstart, event-payloads,
the OpenAPI operations of /2/activity/*, fundamentals/rate-limits, consuming-streaming-data).

- POST /2/activity/subscriptions {"event_type", "filter": {"user_id"}, "tag"?}: only post.mention.create
  and post.reply.create are emulated (other event types: 400). Both are private events: the call must be
  made in user context as the filtered user ("subscriptions for private events can only be created for
  users who have authorized your application"); an app-only bearer token gets 403. The answer has the
  OpenAPI shape {"data": {"subscription": {...}}} (the quickstart shows the object straight under data).
- GET /2/activity/subscriptions: {"data": [...], "meta": {"total_subscriptions"}}.
- PUT /2/activity/subscriptions/<id> {"tag"?, "webhook_id"?}; DELETE /2/activity/subscriptions/<id>.
- GET /2/activity/stream with the app's bearer token only (OpenAPI: BearerToken): HTTP/1.1 chunked,
  one JSON event envelope per line {"data": {event_uuid, filter, event_type, tag, payload, includes}},
  and a keep-alive "\\r\\n" when nothing was sent for `keepalive` seconds (X: at least every 20 s). At most
  two connections per app (rate-limits table: "2 connections"); a third gets 429.
- post.mention.create fires when someone other than the filtered user @mentions them in the body of a
  post: not for the @handles X puts in front of a reply ("does not fire for implicit mentions carried by
  replies"), which are outside display_text_range. post.reply.create fires for a direct reply by someone
  else to a post of the filtered user. Posts of protected accounts fire nothing. The payload is the whole
  post (with display_text_range, and in_reply_to_tweet_id on a reply as in X's sample); includes.users
  holds the author and the filtered user, as in X's sample.

What the reference does not settle is not emulated: events that arrive while no stream is connected are
not kept (the stream's backfill_minutes / start_time / end_time parameters are listed in the OpenAPI
without saying what they replay, so asking for them is a 400 here), and webhooks are not served.

Sandbox (not X): POST /_sandbox/stream {"cut": true} drops every open stream connection at once (no
closing chunk: what a client sees when a connection dies); {"refuse": status, "count": n} answers the next
n connection attempts with that status (429 or 503); {"keepalive": s} sets the keep-alive interval."""

import json
import queue
import threading
import time

EVENT_TYPES = ("post.mention.create", "post.reply.create")
MAX_CONNECTIONS = 2
_CUT = object()


def _now_text():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


class Activity:
    """Subscriptions and open stream connections of the one app the simulated X serves."""

    def __init__(self, fake):
        self.fake = fake
        self.lock = threading.Lock()
        self.subscriptions = {}   # id -> subscription dict
        self.connections = []     # one queue per open stream
        self.keepalive = 20.0
        self.refuse = []          # statuses for the next connection attempts
        self.delivered = 0        # events put on a connection
        self.connects = 0         # connections accepted
        self.seq = 0

    def _next_id(self):
        with self.lock:
            self.seq += 1
            return str(1976325569252868096 + self.seq)

    # -------------------------------------------------------------- subscriptions
    def create(self, caller_id, body):
        if not isinstance(body, dict) or not isinstance(body.get("filter"), dict):
            return 400, _problem(400, "event_type and filter.user_id are required")
        event_type, user_id = body.get("event_type"), str(body["filter"].get("user_id") or "")
        if not event_type or not user_id:
            return 400, _problem(400, "event_type and filter.user_id are required")
        if event_type not in EVENT_TYPES:
            return 400, _problem(400, f"event_type {event_type!r} is not emulated by the simulated X")
        if caller_id != user_id:
            return 403, _problem(403, "Subscriptions for private events can only be created for users who have "
                                      "authorized your application.")
        now = _now_text()
        sub = {"subscription_id": self._next_id(), "event_type": event_type, "filter": {"user_id": user_id},
               "created_at": now, "updated_at": now}
        if body.get("tag"):
            sub["tag"] = str(body["tag"])[:200]
        with self.lock:
            self.subscriptions[sub["subscription_id"]] = sub
        return 200, {"data": {"subscription": dict(sub)}}

    def listing(self):
        with self.lock:
            subs = [dict(s) for s in self.subscriptions.values()]
        return 200, {"data": subs, "meta": {"total_subscriptions": len(subs)}}

    def update(self, sub_id, body):
        with self.lock:
            sub = self.subscriptions.get(sub_id)
            if sub is None:
                return 404, _problem(404, f"Could not find subscription {sub_id}")
            for key in ("tag", "webhook_id"):
                if body.get(key):
                    sub[key] = str(body[key])
            sub["updated_at"] = _now_text()
            return 200, {"data": {"subscription": dict(sub), "total_subscriptions": len(self.subscriptions)}}

    def delete(self, sub_id):
        with self.lock:
            if self.subscriptions.pop(sub_id, None) is None:
                return 404, _problem(404, f"Could not find subscription {sub_id}")
            return 200, {"data": {"deleted": True}, "meta": {"total_subscriptions": len(self.subscriptions)}}

    # -------------------------------------------------------------- events
    def on_tweet(self, tweet):
        """Called (under the fake's lock) for every post that appears on the simulated X."""
        with self.lock:
            if not self.subscriptions or not self.connections:
                return  # nothing is kept for a stream that is not connected
            subs = list(self.subscriptions.values())
        author = self.fake.users.get(tweet.get("author_id")) or {}
        if author.get("protected"):
            return
        for sub in subs:
            user_id = sub["filter"]["user_id"]
            if tweet.get("author_id") == user_id or not self._fires(sub["event_type"], tweet, user_id):
                continue
            line = json.dumps(self._envelope(sub, tweet), ensure_ascii=False).encode() + b"\r\n"
            with self.lock:
                for connection in self.connections:
                    connection.put(line)
                    self.delivered += 1

    def _fires(self, event_type, tweet, user_id):
        if event_type == "post.reply.create":
            parent = self.fake.tweets.get(next(iter(_replied_to(tweet)), ""))
            return bool(parent) and parent.get("author_id") == user_id
        start, name = display_start(tweet), (self.fake.users.get(user_id) or {}).get("username", "").lower()
        return any((m.get("id") == user_id or str(m.get("username", "")).lower() == name)
                   and m.get("start", 0) >= start for m in (tweet.get("entities") or {}).get("mentions") or [])

    def _envelope(self, sub, tweet):
        payload = dict(tweet)
        payload["display_text_range"] = [display_start(tweet), len(tweet.get("text", ""))]
        parent = next(iter(_replied_to(tweet)), None)
        if parent:
            payload["in_reply_to_tweet_id"] = parent
        users = [self.fake.users[i] for i in dict.fromkeys((tweet.get("author_id"), sub["filter"]["user_id"]))
                 if i in self.fake.users]
        data = {"event_uuid": self._next_id(), "filter": dict(sub["filter"]), "event_type": sub["event_type"]}
        if sub.get("tag"):
            data["tag"] = sub["tag"]
        data.update(payload=payload, includes={"users": users} if users else {})
        return {"data": data}

    # -------------------------------------------------------------- connections
    def open(self):
        """(status, problem or None, queue or None) for a new connection attempt."""
        with self.lock:
            if self.refuse:
                status = self.refuse.pop(0)
                return status, _problem(status, "Service Unavailable" if status != 429 else "Too Many Requests"), None
            if len(self.connections) >= MAX_CONNECTIONS:
                return 429, {"title": "ConnectionException", "connection_issue": "TooManyConnections",
                             "detail": "This stream is currently at the maximum allowed connection limit.",
                             "type": "https://api.x.com/2/problems/streaming-connection"}, None
            connection = queue.Queue()
            self.connections.append(connection)
            self.connects += 1
            return 200, None, connection

    def close(self, connection):
        with self.lock:
            if connection in self.connections:
                self.connections.remove(connection)

    def cut(self):
        with self.lock:
            for connection in self.connections:
                connection.put(_CUT)
            return len(self.connections)


def display_start(tweet):
    """Where the body of a post starts: after the @handles X puts in front of a reply (they are the
    "implicit mentions carried by replies"), 0 for a post that replies to nothing."""
    if not _replied_to(tweet):
        return 0
    text, i = tweet.get("text", ""), 0
    mentions = sorted((m for m in (tweet.get("entities") or {}).get("mentions") or []), key=lambda m: m.get("start", 0))
    for m in mentions:
        if text[i:m.get("start", 0)].strip():
            break
        i = m.get("end", i)
    return i + (len(text[i:]) - len(text[i:].lstrip()))


def _replied_to(tweet):
    return [str(r["id"]) for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"]


def _problem(status, detail):
    from .fake_api import _problem as problem

    return problem(status, detail)


def serve_stream(handler, activity, query):
    """GET /2/activity/stream on the handler's connection, until the client goes away or the sandbox
    cuts it."""
    if not handler.headers.get("authorization", "").startswith("Bearer ") or handler._token_user():
        return handler._send(403, _problem(403, "This endpoint needs the app's bearer token (app-only)."))
    asked = sorted({"backfill_minutes", "start_time", "end_time"} & set(query))
    if asked:
        return handler._send(400, _problem(400, f"{', '.join(asked)}: not emulated (the reference does not say "
                                                 "what is replayed)"))
    status, problem, connection = activity.open()
    if connection is None:
        return handler._send(status, problem)
    handler.close_connection = True
    try:
        handler.send_response(200)
        handler.send_header("content-type", "application/json; charset=utf-8")
        handler.send_header("transfer-encoding", "chunked")
        handler.end_headers()
        handler.wfile.flush()
        while True:
            try:
                line = connection.get(timeout=activity.keepalive)
            except queue.Empty:
                line = b"\r\n"
            if line is _CUT:
                # Drop the connection without the closing chunk, as a dead connection looks to a client.
                import socket

                handler.connection.shutdown(socket.SHUT_RDWR)
                return None
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
            handler.wfile.flush()
    except OSError:
        return None  # the client went away
    finally:
        activity.close(connection)


def sandbox(activity, body):
    if body.get("keepalive") is not None:
        activity.keepalive = float(body["keepalive"])
    if body.get("refuse"):
        with activity.lock:
            activity.refuse.extend([int(body["refuse"])] * int(body.get("count", 1)))
    cut = activity.cut() if body.get("cut") else 0
    with activity.lock:
        return {"cut": cut, "connections": len(activity.connections), "connects": activity.connects,
                "delivered": activity.delivered, "refusing": len(activity.refuse), "keepalive": activity.keepalive}
