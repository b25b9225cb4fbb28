"""Keeping threads whole when a poll brings only part of them.

Pages come newest first, so a poll cut short between pages (a 429, a 5xx, a timeout) holds the newest
tweets and not the older ones they answer. Filed as they are, a citizen's follow-up whose original is on
a page not yet read would become a complaint of its own. Two things prevent that:

- the original often comes with the reply, in `includes.tweets` (the poller asks for
  referenced_tweets.id): when it is a mention of ours, it is filed from there, before the reply;
- in a poll cut short, a reply whose parent is neither filed nor in hand is held back. The checkpoint
  does not move after such a poll, so the next poll reads the reply again, with its parent.

What slips past both (an original X serves only later) is repaired after filing: see
filing.Filer._merge_orphans."""

from complaints.models import Complaint

from .models import Mention, Outbox
from .tweets import envelopes_from_response


def parents_from_includes(body, exact, *, own_handles, own_ids):
    """Envelopes for the tweets of `includes.tweets` that a tweet of `data` replies to, that are not in
    `data` themselves, and that are mentions of one of our accounts (so the mentions timeline would have
    served them). `exact` gives each one's bytes as received (evidence.tweet_bytes)."""
    data = body.get("data") or []
    data = [data] if isinstance(data, dict) else data
    includes = body.get("includes") if isinstance(body.get("includes"), dict) else {}
    served = {str(t.get("id")) for t in data if isinstance(t, dict)}
    wanted = set()
    for tweet in data:
        if isinstance(tweet, dict):
            wanted.update(str(r.get("id")) for r in tweet.get("referenced_tweets") or []
                          if isinstance(r, dict) and r.get("type") == "replied_to")
    handles = {h.lower() for h in own_handles}
    parents = [t for t in includes.get("tweets") or [] if isinstance(t, dict) and str(t.get("id")) in wanted - served
               and str(t.get("author_id") or "") not in own_ids and _mentions_us(t, handles, own_ids)]
    if not parents:
        return []
    envelopes, _ = envelopes_from_response({"data": parents, "includes": includes})
    for env in envelopes:
        env.received = exact.get(env.tweet_id)
    return envelopes


def _mentions_us(tweet, handles, own_ids):
    mentions = (tweet.get("entities") or {}).get("mentions") or []
    if any(isinstance(m, dict) and str(m.get("username") or "").lower() in handles for m in mentions):
        return True
    return str(tweet.get("in_reply_to_user_id") or "") in own_ids


def hold_orphans(envelopes):
    """(to file, held) for a poll cut short: a reply is held when neither the tweet it answers nor its
    conversation's first tweet is filed or among the tweets filed now (a reply to a held reply is held too)."""
    ordered = sorted(envelopes, key=lambda e: e.sort_key)
    in_hand = {e.tweet_id for e in ordered}
    asked = {e.replied_to for e in ordered if e.replied_to} | {e.conversation_id for e in ordered if e.conversation_id}
    asked -= in_hand
    asked.discard("")
    known = set()
    if asked:
        asked = list(asked)
        known.update(Mention.objects.filter(tweet_id__in=asked).values_list("tweet_id", flat=True))
        known.update(Complaint.objects.filter(source_tweet_id__in=asked).values_list("source_tweet_id", flat=True))
        known.update(Complaint.objects.filter(conversation_id__in=asked).values_list("conversation_id", flat=True))
        known.update(Outbox.objects.filter(posted_tweet_id__in=asked).values_list("posted_tweet_id", flat=True))
    keep, held, held_ids = [], [], set()
    for env in ordered:
        parent, root = env.replied_to, env.conversation_id
        if parent and parent != env.tweet_id and parent not in known:
            in_batch = parent in in_hand and parent not in held_ids
            in_thread = root and root != env.tweet_id and root not in held_ids and (root in known or root in in_hand)
            if not (in_batch or in_thread):
                held.append(env)
                held_ids.add(env.tweet_id)
                continue
        keep.append(env)
    return keep, held
