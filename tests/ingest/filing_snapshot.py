"""Everything filing wrote, in a form that two runs over the same input can be compared by: complaints
named by their source tweet instead of their id and code (both differ from run to run), times of the
run itself (received, created, deadlines counted from them) left out, tweet times kept."""

import re

from complaints.models import Complaint, Event, Message
from twitter_ingest.models import AccountCandidate, DuplicateSuggestion, GoodWorkPost, Mention, NotFiled, Outbox

_CODE = re.compile(r"UPP-[0-9A-Z]{5}-[0-9A-Z]{5}|UPP[0-9A-Z]{10}")
RUN_TIMES = {"id", "tracking_code", "public_id", "received_at", "created_at", "updated_at", "sla_due_at",
             "noted_due_at", "forwarded_at", "escalated_at", "next_attempt_at"}


def snapshot():
    complaints = list(Complaint.objects.order_by("pk"))
    name = {c.pk: c.source_tweet_id or f"#{i}" for i, c in enumerate(complaints)}
    codes = {c.tracking_code: name[c.pk] for c in complaints}

    def plain(value):
        if isinstance(value, str):
            return _CODE.sub(lambda m: f"<{codes.get(m.group(0), '?')}>", value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if k not in ("message_id", "moved_messages")}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    def row(obj, skip=()):
        out = {}
        for field in obj._meta.concrete_fields:
            if field.name in RUN_TIMES or field.name in skip:
                continue
            value = getattr(obj, field.attname)
            if field.is_relation and field.related_model is Complaint and value is not None:
                value = name[value]
            out[field.name] = plain(value)
        return out

    return {
        "complaints": {name[c.pk]: row(c) for c in complaints},
        "events": sorted((name[e.complaint_id], e.action, plain(e.note), repr(row(e, {"complaint"})))
                         for e in Event.objects.all()),
        "messages": sorted((name[m.complaint_id], m.tweet_id or "", repr(row(m, {"complaint"})))
                           for m in Message.objects.all()),
        "mentions": {m.tweet_id: row(m, {"received_bytes"}) for m in Mention.objects.all()},
        "outbox": sorted(repr(row(o, {"idempotency_key", "claim_token", "reply_to_outbox"}))
                         for o in Outbox.objects.all()),
        "duplicates": sorted(repr(row(d)) for d in DuplicateSuggestion.objects.all()),
        "good_work": sorted(repr(row(g, {"mention"})) for g in GoodWorkPost.objects.all()),
        "not_filed": sorted(repr(row(n, {"mention"})) for n in NotFiled.objects.all()),
        "candidates": sorted(repr(row(a, {"mention"})) for a in AccountCandidate.objects.all()),
    }
