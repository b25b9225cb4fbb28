"""The watch queue: what the watches found, for the unit's cell to decide on, and the watch editor's data.

Who sees what goes through complaints.scoping: HQ every unit's queue, a unit's cell its own unit (and the
units under it), a supervisor the units below, read-only. A sensitive find is seen only by those who see
restricted complaints. The actions: file as a complaint (its own tracking code, channel "found on X",
through complaints.lifecycle; no reply is queued on X unless the person ticks "reply on X"), dismiss
with a reason, or record that the thana was informed and who was phoned. Each writes an append-only
WatchFindEvent; nothing is posted on X without a person deciding it."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import lifecycle, scoping
from complaints.models import Channel
from districts.models import Role, Unit

from . import outbox, watch_query, watches
from .models import FindStatus, Outbox, OutboxKind, Watch, WatchFind, WatchFindEvent


class QueueError(ValidationError):
    pass


# ---------------------------------------------------------------- who sees and acts

def _unit_ids(user):
    return scoping.visible_unit_ids(user)


def visible_finds(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return WatchFind.objects.none()
    qs = WatchFind.objects.select_related("unit", "watch", "station", "complaint")
    unit_ids = _unit_ids(user)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if scoping.sees_all_restricted(user):
        return qs
    profile = scoping.staff_profile(user)
    if profile is not None and profile.sees_restricted and not profile.is_hq:
        return qs.filter(Q(is_sensitive=False) | Q(unit_id=profile.unit_id))
    return qs.filter(is_sensitive=False)


def can_act(user, unit_id):
    """HQ, or the cell of that unit (or of a unit above it in its own subtree)."""
    if scoping.is_hq(user):
        return True
    profile = scoping.staff_profile(user)
    return bool(profile and profile.role == Role.CELL and unit_id in (scoping.visible_unit_ids(user) or []))


def visible_watches(user):
    unit_ids = _unit_ids(user)
    qs = Watch.objects.select_related("unit")
    return qs if unit_ids is not None else qs.filter(unit_id__in=unit_ids or [])


def editable_units(user):
    if scoping.is_hq(user):
        return Unit.objects.active().filter(unit_type__in=["district", "commissionerate", "traffic", "state"])
    profile = scoping.staff_profile(user)
    if profile and profile.role == Role.CELL:
        return Unit.objects.filter(pk=profile.unit_id)
    return Unit.objects.none()


# ---------------------------------------------------------------- the queue

def queue(user, status=FindStatus.OPEN, limit=200):
    """Finds waiting (or decided), urgent first, newest first."""
    return list(visible_finds(user).filter(status=status).order_by("-is_urgent", "-found_at")[:limit])


def find_for(user, pk):
    find = visible_finds(user).filter(pk=pk).first()
    if find is None:
        raise PermissionDenied(_("This post is not in a watch queue you can see."))
    return find


def _locked_open(user, pk):
    find = find_for(user, pk)
    if not can_act(user, find.unit_id):
        raise PermissionDenied(_("You may not act on this unit's watch queue."))
    find = WatchFind.objects.select_for_update().get(pk=find.pk)
    if find.status != FindStatus.OPEN:
        raise QueueError(_("Someone has already decided on this post (%(status)s).")
                         % {"status": find.get_status_display()})
    return find


def _event(find, action, user, note="", **data):
    WatchFindEvent.objects.create(find=find, action=action, actor=user, actor_name=user.get_username()[:150],
                                  note=note, data=data)


def _decided(find, status, user, **values):
    find.status, find.decided_by, find.decided_at = status, user, timezone.now()
    for key, value in values.items():
        setattr(find, key, value)
    find.save(update_fields=["status", "decided_by", "decided_at", *values])


def dismiss(user, pk, reason):
    reason = (reason or "").strip()
    if not reason:
        raise QueueError(_("Say why the post is dismissed."))
    with transaction.atomic():
        find = _locked_open(user, pk)
        _decided(find, FindStatus.DISMISSED, user, reason=reason[:300])
        _event(find, "dismiss", user, note=reason)
    return find


def informed(user, pk, whom, note=""):
    whom = (whom or "").strip()
    if not whom:
        raise QueueError(_("Say who at the thana was phoned."))
    with transaction.atomic():
        find = _locked_open(user, pk)
        _decided(find, FindStatus.INFORMED, user, informed_whom=whom[:200], reason=(note or "").strip()[:300])
        _event(find, "informed", user, note=note, whom=whom)
    return find


def file_as_complaint(user, pk, *, reply_on_x=False):
    """The find as a complaint of its unit: its own tracking code, channel "found on X". The outbox
    replies with the code only to posts that tagged the police (channel X), so nothing goes to the
    author unless the person ticks reply_on_x, which queues that one reply."""
    with transaction.atomic():
        find = _locked_open(user, pk)
        actor = lifecycle.Actor(user=user)
        spec = dict(
            text=find.text, channel=Channel.FOUND_ON_X, source_tweet_id=find.tweet_id, actor=actor,
            author_id=find.author_id, conversation_id=str(find.raw.get("conversation_id") or find.tweet_id),
            tweeted_at=find.tweeted_at,
            **triage_fields_of(find),
        )
        complaint = lifecycle.file_complaint(**spec)
        # The cell files for its own unit; the move to the unit is made in the queue's name, as HQ's
        # forward would be (a cell may not forward).
        complaint = lifecycle.forward(complaint, find.unit, actor=lifecycle.Actor(
            name=f"{user.get_username()} (watch queue)"[:150], unit=find.unit),
            note=_("Filed from the watch queue of %(unit)s.") % {"unit": find.unit})
        queued = False
        if reply_on_x:
            account = outbox._state_account()
            if account is not None:
                outbox.queue(OutboxKind.REPLY_WITH_CODE, complaint, account=account, text=("reply_with_code", {}),
                             key=f"reply_with_code:{complaint.pk}", in_reply_to=find.tweet_id)
                queued = True
        _decided(find, FindStatus.FILED, user, complaint=complaint)
        _event(find, "file", user, code=complaint.tracking_code, reply_on_x=bool(reply_on_x), reply_queued=queued)
        lifecycle.record(complaint, "found_by_watch", actor=actor, data={
            "watch": find.watch_id, "tweet_id": find.tweet_id, "matched": find.matched_terms,
            "places": find.matched_places, "reply_on_x": bool(reply_on_x)},
            note=_("Found on X by the watch “%(watch)s”; the author had not tagged the police.")
            % {"watch": find.watch.name})
    return complaint


def triage_fields_of(find):
    from complaints.triage import fields as triage_fields
    from complaints.triage.judge import judge

    fields = triage_fields.complaint_fields(judge(find.text, lang_tag=find.lang or None), x_lang=find.lang)
    fields.pop("suggested_unit_id", None)
    fields.pop("suggestion_reason", None)
    fields.pop("suggestion_confidence", None)
    return fields


def reply_queued(complaint):
    return Outbox.objects.filter(complaint=complaint, kind=OutboxKind.REPLY_WITH_CODE).exists()


# ---------------------------------------------------------------- the editor

@dataclass
class Preview:
    queries: tuple
    limit: int
    error: str = ""
    week_posts: int | None = None
    week_cost: float | None = None
    count_error: str = ""


def preview(watch_fields, *, count=True, client=None):
    """The compiled queries and, from X's recent counts (posts matching over the last 7 days), what
    reading them all would have cost. Counting is one request per query and reads no posts."""
    try:
        compiled = watch_query.compile_watch(
            watch_fields.get("place_terms"), watch_fields.get("incident_terms"),
            languages=watch_fields.get("languages"), exclude_terms=watch_fields.get("exclude_terms"),
            exclude_accounts=watch_fields.get("exclude_accounts"))
    except watch_query.QueryError as exc:
        return Preview((), watch_query.limit(), error=str(exc))
    result = Preview(compiled.queries, compiled.limit)
    if not count:
        return result
    from . import client as xclient
    from .poller import _describe

    if not _bearer():
        # X's counts endpoint takes the app's bearer token only.
        result.count_error = _("X is not connected (no bearer token), so the last week cannot be counted.")
        return result
    client = client or xclient.make_client()
    total = 0
    try:
        for query in compiled.queries:
            response = client.get_recent_tweets_count(query, granularity="day")
            total += int((response.json().get("meta") or {}).get("total_tweet_count") or 0)
    except Exception as exc:  # X unreachable or refusing: the preview still shows the queries
        result.count_error = _describe(exc) if hasattr(exc, "response") else f"{type(exc).__name__}: {exc}"
        return result
    # Posts matching two queries are counted twice here; X bills a post once a day, so this is an upper bound.
    result.week_posts, result.week_cost = total, watches.cost_usd(total)
    return result


def _bearer():
    from django.conf import settings

    return bool(settings.X_BEARER_TOKEN)


def split_terms(text):
    """A textarea's terms: one per line or comma-separated."""
    parts = []
    for line in (text or "").replace("،", ",").splitlines():
        parts.extend(p for p in line.split(","))
    return watch_query.clean_terms(parts)


def save_watch(user, data, watch=None):
    """Create or change a watch from the editor's fields (lists already split)."""
    unit = data["unit"]
    if not editable_units(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("You may not set watches for this unit."))
    if watch is not None and not editable_units(user).filter(pk=watch.unit_id).exists():
        raise PermissionDenied(_("You may not set watches for this unit."))
    watch_query.compile_watch(data["place_terms"], data["incident_terms"], languages=data["languages"],
                              exclude_terms=data["exclude_terms"], exclude_accounts=data["exclude_accounts"])
    watch = watch or Watch(created_by=user)
    for key in ("unit", "name", "place_terms", "incident_terms", "languages", "exclude_terms", "exclude_accounts",
                "monthly_cap", "is_active"):
        setattr(watch, key, data[key])
    if watch.stopped_reason and watch.stopped_reason != watches.STOPPED_CAP:
        watch.stopped_reason, watch.stopped_at = "", None  # the words changed: try again
    watch.save()
    return watch


def watch_rows(user):
    rows = []
    for watch in visible_watches(user).order_by("unit__name_en", "name"):
        used = watches.reads_this_month(watch)
        cap = watches.cap_of(watch)
        rows.append({"watch": watch, "reads": used, "cap": cap, "cost": watches.cost_usd(used),
                     "cap_cost": watches.cost_usd(cap), "stopped": describe_stop(watch.stopped_reason),
                     "open": watch.finds.filter(status=FindStatus.OPEN).count()})
    return rows


def describe_stop(reason):
    if not reason:
        return ""
    if reason == watches.STOPPED_CAP:
        return _("Stopped at its monthly cap; it runs again next month, or raise the cap.")
    if reason.startswith("x: "):
        return _("Stopped: X refused the search (%(detail)s).") % {"detail": reason[3:]}
    if reason.startswith("query: "):
        return _("Stopped: the words do not make a query (%(detail)s).") % {"detail": reason[7:]}
    return reason


def notices(user):
    """Watches of the user's units stopped at their cap or by X: shown on the queue page."""
    return [(w, describe_stop(w.stopped_reason)) for w in visible_watches(user).exclude(stopped_reason="")]


# ---------------------------------------------------------------- volumes and spikes

def volumes(user, *, now=None, weeks=4, min_count=3, factor=3.0):
    """Per unit and watched word, the posts found in the last hour against the same hour of the previous
    `weeks` weeks; a spike is at least `min_count` posts and `factor` times that hour's average."""
    now = now or timezone.now()
    start = now - timedelta(hours=1)
    finds = visible_finds(user)
    current, baseline = {}, {}
    windows = [(start - timedelta(weeks=week), now - timedelta(weeks=week)) for week in range(weeks + 1)]
    # One query for the hour and the same hour of each earlier week (the page header runs this on every load).
    in_any = Q()
    for lo, hi in windows:
        in_any |= Q(tweeted_at__gt=lo, tweeted_at__lte=hi)
    for unit_id, terms, at in finds.filter(in_any).values_list("unit_id", "matched_terms", "tweeted_at"):
        into = current if at > start else baseline
        for term in terms or ["—"]:
            into[(unit_id, term)] = into.get((unit_id, term), 0) + 1
    units = {u.pk: u for u in Unit.objects.filter(pk__in={k[0] for k in current})}
    rows = []
    for (unit_id, term), count in current.items():
        usual = baseline.get((unit_id, term), 0) / weeks
        rows.append({"unit": units.get(unit_id), "term": term, "count": count, "usual": round(usual, 1),
                     "spike": count >= min_count and count >= factor * max(usual, 1 / weeks)})
    rows.sort(key=lambda r: (not r["spike"], -r["count"]))
    return rows


def spikes(user, now=None):
    return [r for r in volumes(user, now=now) if r["spike"]]
