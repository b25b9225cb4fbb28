"""The complaint page's "deleted on X" section: which of the complaint's tweets X no longer serves, and
the copy kept of each exactly as it was received, for whoever may see the complaint."""

import hashlib
import json
from datetime import datetime

from django import template

from complaints import scoping

from .. import ingest_bridge

register = template.Library()


@register.simple_tag(takes_context=True)
def deleted_on_x(context, complaint):
    """[{tweet_id, own, found_at, last_seen_at, copy, as_received, hash, intact}], or [] (nothing deleted,
    no ingest side, or a reader who may not see the complaint)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    Mention = ingest_bridge.model("Mention")
    if user is None or Mention is None or not hasattr(Mention, "deleted_on_x_at"):
        return []
    gone = list(Mention.objects.filter(complaint=complaint, deleted_on_x_at__isnull=False).order_by("tweeted_at", "pk"))
    if not gone or not scoping.can_see(user, complaint):
        return []
    seen = {e.data.get("tweet_id"): e.data.get("last_seen_at")
            for e in complaint.events.filter(action="deleted_on_x") if isinstance(e.data, dict)}
    rows = []
    for mention in gone:
        received = bytes(mention.received_bytes) if mention.received_bytes is not None else None
        if received is not None:
            copy = received.decode("utf-8", "replace")
            intact = hashlib.sha256(received).hexdigest() == mention.content_hash
        else:
            copy = json.dumps((mention.raw or {}).get("tweet"), ensure_ascii=False, indent=1)
            intact = None
        last_seen = seen.get(mention.tweet_id)
        rows.append({
            "tweet_id": mention.tweet_id, "own": mention.tweet_id == complaint.source_tweet_id,
            "found_at": mention.deleted_on_x_at,
            "last_seen_at": datetime.fromisoformat(last_seen) if last_seen else None,
            "copy": copy, "as_received": received is not None, "hash": mention.content_hash, "intact": intact,
        })
    return rows
