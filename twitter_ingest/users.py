"""Who wrote a mention, without paying X for it every day.

Mentions are polled without X's user expansions: those return a user object for the author, the account
replied to and every account tagged, and X bills each as a user read once per UTC day, however often the
desk has seen it. The tweet carries its author's id; the handle, name, location and bio come from here:

- an author known by id as one of the registered accounts (XAccount.user_id, audited by the account
  audit, or the id a watched account was resolved to) needs no lookup: the unit's handle is on file, and
  filing recognises the unit by its id;
- an author in the users table (XUser) looked up within X_USERS_REFRESH_DAYS needs none either;
- the rest are looked up together, up to 100 ids a request (GET /2/users?ids=), which X bills as one
  user read each. Unknown or suspended ids come back in `errors` beside `data` and are kept as not found.

Every other author is needed: a citizen's handle shows on the dashboard and in exports, and decides who is
the complainant when the id is missing; an unregistered account's name and bio are how a district's Noted
from an account not on file is recognised (filing.Filer._candidate_unit).

A lookup that fails (429, 5xx, a timeout) never holds up filing: the mentions are filed with the author's
id alone, and fill_missing() puts the handle on them, and on their complaints, at a later poll."""

import logging
from datetime import timedelta

import requests
import tweepy
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from complaints import lifecycle
from complaints.models import Channel, Complaint
from districts.models import XAccount

from .models import AccountState, Mention, NotFiled, Outcome
from .user_models import XUser

log = logging.getLogger(__name__)

USER_FIELDS = ["username", "name", "location", "description"]
PER_REQUEST = 100  # X's limit for GET /2/users?ids=


def _registered(ids):
    """{user id: author} for the ids of registered or watched accounts (no lookup needed)."""
    found = {a.user_id: {"id": a.user_id, "username": a.handle, "name": ""}
             for a in XAccount.objects.filter(user_id__in=ids)}
    for user_id, handle in AccountState.objects.filter(user_id__in=set(ids) - set(found)).values_list(
            "user_id", "account__handle"):
        found[user_id] = {"id": user_id, "username": handle, "name": ""}
    return found


def _cached(ids, now):
    since = now - timedelta(days=settings.X_USERS_REFRESH_DAYS)
    return {u.user_id: u.as_author() for u in XUser.objects.filter(user_id__in=ids, fetched_at__gte=since)}


def lookup(client, ids, *, user_auth):
    """Look `ids` up on X, PER_REQUEST a request, and keep what X says in the users table. Returns {user
    id: author} for those X gave (not found ones are kept, and left out). Stops at the first failure and
    returns what it has: the rest are filled in later."""
    ids = sorted(set(ids))
    authors, now = {}, timezone.now()
    for start in range(0, len(ids), PER_REQUEST):
        chunk = ids[start:start + PER_REQUEST]
        try:
            body = client.get_users(ids=chunk, user_fields=USER_FIELDS, user_auth=user_auth).json()
        except (tweepy.TweepyException, requests.RequestException, ValueError) as exc:
            log.warning("users lookup of %s id(s) failed, filed without handles for now: %s", len(chunk), exc)
            break
        rows = {}
        for user in body.get("data") or []:
            if isinstance(user, dict) and str(user.get("id") or "") in chunk:
                rows[str(user["id"])] = XUser(
                    user_id=str(user["id"]), username=str(user.get("username") or "")[:50],
                    name=str(user.get("name") or "")[:100], location=str(user.get("location") or "")[:100],
                    description=str(user.get("description") or "")[:400], found=True, fetched_at=now)
        for error in body.get("errors") or []:
            value = str((error or {}).get("resource_id") or (error or {}).get("value") or "")
            if value in chunk and value not in rows:
                rows[value] = XUser(user_id=value, found=False, fetched_at=now)
        XUser.objects.bulk_create(list(rows.values()), update_conflicts=True, unique_fields=["user_id"],
                                  update_fields=["username", "name", "location", "description", "found",
                                                 "fetched_at"])
        authors.update({i: row.as_author() for i, row in rows.items() if row.found})
    return authors


def authors_of(ids, client, *, user_auth, now=None):
    """{user id: author} for `ids`: registered accounts, then the users table, then one batched lookup of
    the rest."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    authors = _registered(ids)
    rest = ids - set(authors)
    authors.update(_cached(rest, now or timezone.now()))
    known_missing = set(XUser.objects.filter(
        user_id__in=rest - set(authors), found=False,
        fetched_at__gte=(now or timezone.now()) - timedelta(days=settings.X_USERS_REFRESH_DAYS),
    ).values_list("user_id", flat=True))
    unknown = rest - set(authors) - known_missing
    if unknown:
        authors.update(lookup(client, unknown, user_auth=user_auth))
    return authors


def resolve(envelopes, client, *, user_auth):
    """Give each envelope without an author its author (Envelope.author), as far as known or looked up
    now. Returns the ids left without one."""
    # A retweet with nothing added is ignored whoever made it (classify.decide): no handle needed.
    wanted = {env.author_id for env in envelopes if env.author is None and env.author_id
              and {kind for kind, _ in env.refs} != {"retweeted"}}
    authors = authors_of(wanted, client, user_auth=user_auth)
    for env in envelopes:
        if env.author is None and env.author_id in authors:
            env.author = authors[env.author_id]
    return wanted - set(authors)


def missing(limit=PER_REQUEST):
    """Author ids of complaints filed from X, and of mentions acted on, that have no handle yet (a users
    lookup failed when they were filed), as long as X has not said the id is unknown. Ignored mentions (a
    retweet) need none."""
    not_found = XUser.objects.filter(found=False).values("user_id")
    ids = list(Complaint.objects.filter(channel=Channel.X, author_username="").exclude(author_id="")
               .exclude(author_id__in=not_found).values_list("author_id", flat=True).distinct()[:limit])
    if len(ids) < limit:
        ids += list(Mention.objects.filter(author_username="").exclude(author_id="")
                    .exclude(outcome__in=[Outcome.IGNORED, Outcome.REJECTED, Outcome.PENDING])
                    .exclude(Q(author_id__in=not_found) | Q(author_id__in=ids))
                    .values_list("author_id", flat=True).distinct()[:limit - len(ids)])
    return ids


def fill_missing(client, *, user_auth):
    """Put the handle (and name, location) on what was filed without one. Returns how many authors were
    filled in."""
    ids = missing()
    if not ids:
        return 0
    authors = authors_of(ids, client, user_auth=user_auth)
    for user_id, author in authors.items():
        username = author.get("username") or ""
        if not username:
            continue
        lifecycle.fill_author(user_id, username=username, name=author.get("name") or "",
                              location=author.get("location") or "")
        Mention.objects.filter(author_id=user_id, author_username="").update(author_username=username[:50])
        NotFiled.objects.filter(mention__author_id=user_id, handle="").update(handle=username[:50])
    return len(authors)
