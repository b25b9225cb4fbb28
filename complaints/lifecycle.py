"""The complaint state machine. Every change of a complaint, from any writer (admin, dashboard, API,
ingest), goes through a function here: it locks the row, checks the state and the actor's rights, writes
the new state, its timestamps and one Event, marks the day for the league tallies (complaints.tally)
when a counted field changed, and sends `transitioned`, all in one transaction, so the
outbox rows that listeners write commit or roll back with the change.

    new ─forward→ forwarded ─note→ noted ─report/assign_station→ in_progress ─resolve→ resolved ─close→ closed
    new ─reject→ rejected
    any open state ─merge→ duplicate
    forwarded|noted ─transfer→ transferred ─forward→ forwarded (to the new unit)
    resolved|closed ─reopen→ reopened ─forward|note|report…→

Where the unit's supervising officer approves station reports (Unit.reports_need_approval, 001 §6), a
report or a resolution leads to awaiting_approval instead; the report waits in pending_report, neither
public nor tweeted:
    awaiting_approval ─approve_report→ in_progress (the report is filed) or resolved (it resolves)
    awaiting_approval ─return_report→ in_progress (the cell edits the report and files it again)
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy

from districts.models import PoliceStation, Unit, UnitType

from . import bulk, codes, reasons, scoping, tally
from .models import OPEN_STATUSES, Category, Channel, Complaint, Event, Message, MessageKind, Outcome, Priority, Status
from .textclean import clean_text
from .triage import fields as triage_fields
from .triage.judge import judge

log = logging.getLogger(__name__)

# Sent inside the transaction of every change: (sender=Complaint, complaint, event, action).
transitioned = Signal()
# Sent for a new complaint just before its INSERT (sender=Complaint, complaint): fill derived fields here.
filing = Signal()

REPORT_MAX = 280


class _Rendered:
    """A message with parameters, rendered in the reader's language when it is shown (str()), not when the
    refusal is raised: the ingest raises in English, the dashboard and the API show it to a Hindi reader in
    Hindi. Parameters may be lazy (status labels) or lists of them."""

    def __init__(self, message, params):
        self.message, self.params = message, params

    def __str__(self):
        if not self.params:
            return str(self.message)
        return str(self.message) % {key: _shown(value) for key, value in self.params.items()}


def _shown(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(sorted(_shown(v) for v in value))
    if isinstance(value, (Unit, PoliceStation)):  # named in the reader's language
        return (value.name_hi if (get_language() or "").startswith("hi") and value.name_hi else value.name_en)
    return str(value)


class LifecycleError(Exception):
    """A change that cannot be made; nothing was written. str() gives the reason in the active language."""

    def __init__(self, message="", **params):
        self.text = _Rendered(message, params)
        super().__init__(message)

    def __str__(self):
        return str(self.text)


class NotAllowed(PermissionDenied):
    """The actor may not make this change (403), said in the reader's language."""

    def __init__(self, action, complaint):
        self.text = _Rendered(gettext_lazy("You may not %(action)s %(code)s."),
                              {"action": ACTION_VERBS.get(action, action), "code": complaint.tracking_code})
        super().__init__(str(self.text))

    def __str__(self):
        return str(self.text)


class IllegalTransition(LifecycleError):
    def __init__(self, action, status):
        self.action, self.status = action, status
        label = _Lower(Status(status).label) if status in Status.values else status
        verb = ACTION_VERBS.get(action, action)
        if action in TRANSITIONS:
            allowed = [_Lower(Status(s).label) for s in TRANSITIONS[action][0]]
            super().__init__(
                gettext_lazy("Cannot %(action)s a complaint that is %(status)s (allowed from: %(allowed)s)."),
                             action=verb, status=label, allowed=allowed)
        else:
            super().__init__(gettext_lazy("Cannot %(action)s a complaint that is %(status)s."),
                             action=verb, status=label)


class _Lower:
    """A status label as it reads inside a sentence ("forwarded"); Hindi has no case."""

    def __init__(self, label):
        self.label = label

    def __str__(self):
        return str(self.label).lower()


class StaleComplaint(LifecycleError):
    def __init__(self, complaint, expected):
        super().__init__(
            gettext_lazy(
                "%(code)s changed meanwhile (version %(version)s, you had %(expected)s); reload it and try again."),
            code=complaint.tracking_code, version=complaint.version, expected=expected)


class InvalidValue(LifecycleError, ValueError):
    def __init__(self, field, message, **params):
        self.field = field
        super().__init__(message, **params)


class DuplicateTweet(LifecycleError):
    def __init__(self, existing):
        self.existing = existing
        super().__init__(gettext_lazy("This tweet is already filed as %(code)s."), code=existing.tracking_code)


# What each change is called inside a refusal ("Cannot forward a complaint that is closed"); the English
# keeps the action's own name, which API clients match on.
ACTION_VERBS = {
    "forward": pgettext_lazy("refused action", "forward"),
    "note": pgettext_lazy("refused action", "note"),
    "assign_station": pgettext_lazy("refused action", "assign station"),
    "report": pgettext_lazy("refused action", "report"),
    "resolve": pgettext_lazy("refused action", "resolve"),
    "close": pgettext_lazy("refused action", "close"),
    "reject": pgettext_lazy("refused action", "reject"),
    "merge": pgettext_lazy("refused action", "merge"),
    "transfer": pgettext_lazy("refused action", "transfer"),
    "reopen": pgettext_lazy("refused action", "reopen"),
    "set_category": pgettext_lazy("refused action", "set category"),
    "set_priority": pgettext_lazy("refused action", "set priority"),
    "restrict": pgettext_lazy("refused action", "restrict"),
    "add_note": pgettext_lazy("refused action", "add note"),
    "nudge": pgettext_lazy("refused action", "nudge"),
    "request_transfer": pgettext_lazy("refused action", "ask HQ to transfer"),
    "hand_to_112": pgettext_lazy("refused action", "hand to 112"),
    "suggest_unit": pgettext_lazy("refused action", "suggest unit"),
    "approve_report": pgettext_lazy("refused action", "approve report"),
    "return_report": pgettext_lazy("refused action", "return report"),
}


S = Status
# action: (states it may start from, state it leads to; None keeps the state)
TRANSITIONS = {
    "forward": ({S.NEW, S.TRANSFERRED, S.REOPENED}, S.FORWARDED),
    "note": ({S.FORWARDED, S.REOPENED}, S.NOTED),
    "assign_station": ({S.NOTED, S.IN_PROGRESS, S.REOPENED}, S.IN_PROGRESS),
    "report": ({S.NOTED, S.IN_PROGRESS, S.REOPENED}, S.IN_PROGRESS),
    "resolve": ({S.IN_PROGRESS}, S.RESOLVED),
    "close": ({S.RESOLVED}, S.CLOSED),
    "reject": ({S.NEW}, S.REJECTED),
    "merge": (set(OPEN_STATUSES), S.DUPLICATE),
    "transfer": ({S.FORWARDED, S.NOTED}, S.TRANSFERRED),
    "reopen": ({S.RESOLVED, S.CLOSED}, S.REOPENED),
    # Resolves instead when the report was filed with the resolution (Complaint.pending_resolution).
    "approve_report": ({S.AWAITING_APPROVAL}, S.IN_PROGRESS),
    "return_report": ({S.AWAITING_APPROVAL}, S.IN_PROGRESS),
}


def allowed_in_state(status):
    """The transition actions the state machine allows from this status."""
    return {action for action, (sources, _) in TRANSITIONS.items() if status in sources}


@dataclass
class Actor:
    """Who makes a change: a logged-in user, or a named system part (ingest, a unit's tweet, the SLA sweep)."""

    user: object = None
    name: str = ""
    unit: Unit | None = None

    @property
    def label(self):
        if self.user is not None:
            return self.user.get_username()
        return self.name or "system"

    @property
    def via(self):
        """How the user came in, when it was not the dashboard: an API token (complaints.api.authentication
        leaves it on the user), named in the event so that what a token did can be told apart."""
        token = getattr(self.user, "api_token", None)
        return {"api_token": token.audit_label()} if token is not None else {}


SYSTEM = Actor(name="system")


def _as_actor(actor):
    if actor is None:
        return SYSTEM
    if isinstance(actor, Actor):
        return actor
    return Actor(user=actor)


def _locked(complaint, action, actor, expected_version):
    fresh = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if expected_version is not None and int(expected_version) != fresh.version:
        raise StaleComplaint(fresh, expected_version)
    if actor.user is not None and not scoping.can_change(actor.user, fresh, action):
        raise NotAllowed(action, fresh)
    return fresh


def _event(complaint, action, actor, *, from_status, note="", data=None, at=None):
    """An unsaved audit row for a change of `complaint` (already in its new state)."""
    return Event(
        complaint=complaint, action=action, from_status=from_status, to_status=complaint.status,
        actor=actor.user, actor_name=actor.label[:150], unit=actor.unit, note=note,
        data={**(data or {}), **actor.via}, created_at=at or timezone.now(),
    )


def _record(fresh, action, actor, *, from_status, note="", data=None, at=None):
    event = _event(fresh, action, actor, from_status=from_status, note=note, data=data, at=at)
    event.save()
    if tally.counts_change(event):
        tally.mark([fresh.received_at])
    transitioned.send(sender=Complaint, complaint=fresh, event=event, action=action)
    return event


def _sync(target, fresh):
    if target is not fresh:
        for field in Complaint._meta.concrete_fields:
            setattr(target, field.attname, getattr(fresh, field.attname))
    return fresh


def _transition(complaint, action, actor, expected_version, mutate, *, note="", data=None, at=None, route=None):
    """`route(fresh)`, when given, is asked after `mutate` for (the event's action, the new state), for
    changes whose outcome depends on the row (a report held for approval, an approval that resolves)."""
    actor = _as_actor(actor)
    with transaction.atomic():
        fresh = _locked(complaint, action, actor, expected_version)
        sources, target = TRANSITIONS[action]
        if fresh.status not in sources:
            raise IllegalTransition(action, fresh.status)
        from_status = fresh.status
        extra = mutate(fresh) or {}
        event_action, to_status = route(fresh) if route else (action, target)
        if to_status != from_status:
            # A new state waits for a new deadline: the escalation ladder starts again from the bottom.
            fresh.escalation_level, fresh.escalation_due_at = "", None
        fresh.status = to_status
        fresh.version += 1
        fresh.save()
        _record(fresh, event_action, actor, from_status=from_status, note=note, data={**(data or {}), **extra}, at=at)
    return _sync(complaint, fresh)


def _change(complaint, action, actor, expected_version, mutate, *, note="", data=None):
    """A change that keeps the status (category, priority, restriction, notes, nudges)."""
    actor = _as_actor(actor)
    with transaction.atomic():
        fresh = _locked(complaint, action, actor, expected_version)
        extra = mutate(fresh) or {}
        fresh.version += 1
        fresh.save()
        _record(fresh, action, actor, from_status=fresh.status, note=note, data={**(data or {}), **extra})
    return _sync(complaint, fresh)


# ---------------------------------------------------------------- lookups with clear errors

def unit_by_slug(slug):
    try:
        return Unit.objects.get(slug=slug, is_active=True)
    except Unit.DoesNotExist:
        raise InvalidValue("unit", gettext_lazy("Unknown unit %(slug)s."), slug=repr(slug)) from None


def find_by_code(raw):
    """The complaint for a typed code; raises codes.MalformedCode, codes.CodeTypo or Complaint.DoesNotExist."""
    return Complaint.objects.get(tracking_code=codes.normalise(raw))


# ---------------------------------------------------------------- filing

def is_tweet_id(value) -> bool:
    value = str(value)
    return value.isascii() and value.isdigit() and len(value) <= 20 and int(value) < 2**64

def _prepare(text, channel, source_tweet_id, received_at, fields):
    """Validate and clean one new complaint; returns (model fields, Event data, Event note)."""
    stored, changes = clean_text(text)
    if not stored.strip():
        raise InvalidValue("text", gettext_lazy("A complaint needs some text."))
    source_tweet_id = str(source_tweet_id) if source_tweet_id not in (None, "") else None
    if source_tweet_id is not None and not is_tweet_id(source_tweet_id):
        raise InvalidValue("source_tweet_id", gettext_lazy("A tweet id is a whole number below 2^64, not %(value)s."),
                           value=repr(source_tweet_id))
    fields = dict(fields)
    for key in ("author_name", "author_location", "author_username"):
        if key in fields:
            fields[key] = clean_text(fields[key])[0][: Complaint._meta.get_field(key).max_length]
    if "triage" not in fields:
        # Filed by a person (dashboard, API, admin): the desk reads it as it reads a mention.
        fields = triage_fields.merge(fields, triage_fields.complaint_fields(
            judge(stored, author=fields.get("author_username"), lang_tag=fields.get("language")),
            x_lang=fields.get("language", "")))
    values = dict(text=stored, channel=channel, source_tweet_id=source_tweet_id,
                  received_at=received_at or timezone.now(), **fields)
    data = {"channel": channel}
    if changes:
        data["text_cleaned"] = changes
    return values, data, "; ".join(changes)


def _new(values):
    complaint = Complaint(tracking_code=codes.generate(), **values)
    # Listeners fill fields derived from the new row (the SLA deadline) so they go in with the INSERT.
    filing.send(sender=Complaint, complaint=complaint)
    return complaint


def filed_as(tweet_id, actor):
    """How an already filed tweet looks to the actor (a user or an Actor): (the complaint to name in
    DuplicateTweet, the complaint to file a re-filing of), at most one of them set; (None, None) when
    the tweet is not filed.

    A person who may not see the first filing (a restricted complaint) is answered as if the tweet were
    new, so that filing cannot tell them it exists: their own complaint is filed as a re-filing of it,
    for an HQ supervisor to merge, and a later attempt is told about that re-filing, the one they see."""
    actor = _as_actor(actor)
    first = Complaint.objects.filter(source_tweet_id=tweet_id).first()
    if first is None or actor.user is None or scoping.can_see(actor.user, first):
        return first, None
    again = (scoping.visible_complaints(actor.user).filter(same_tweet_as=first)
             .order_by("received_at", "pk").first())
    return (again, None) if again else (None, first)


def file_complaint(*, text, channel=Channel.X, source_tweet_id=None, actor=None, received_at=None, **fields):
    """File a new complaint with a fresh tracking code. A tweet already filed raises DuplicateTweet,
    unless the actor may not see it (see filed_as)."""
    actor = _as_actor(actor)
    values, data, note = _prepare(text, channel, source_tweet_id, received_at, fields)
    tweet_id, first = values["source_tweet_id"], None
    if tweet_id:
        existing, first = filed_as(tweet_id, actor)
        if existing:
            raise DuplicateTweet(existing)
    for attempt in range(8):
        try:
            with transaction.atomic():
                complaint = _new(values if first is None else {**values, "source_tweet_id": None,
                                                               "same_tweet_as": first})
                complaint.save(force_insert=True)
                _record(complaint, "file", actor, from_status="", note=note, data=data, at=complaint.received_at)
                if first is not None:
                    _record(first, "filed_again", actor, from_status=first.status,
                            data={"filed_as": complaint.tracking_code, "tweet_id": tweet_id})
            return complaint
        except IntegrityError:
            if tweet_id and first is None:
                existing, first = filed_as(tweet_id, actor)
                if existing:
                    raise DuplicateTweet(existing) from None
                if first is not None:
                    continue
            log.warning("tracking code collision, retrying (attempt %s)", attempt + 1)
    raise LifecycleError(gettext_lazy("Could not find a free tracking code; please try again."))


def fill_author(author_id, *, username, name="", location=""):
    """The X handle (and name, profile location) of complaints filed from X with the author's id alone,
    because X could not be asked who it was at the time (twitter_ingest.users). Only empty fields are
    filled: nothing anyone saw is changed. Returns how many complaints were filled in."""
    filled = 0
    for field, value in (("author_username", username), ("author_name", name), ("author_location", location)):
        value = clean_text(value or "")[0][: Complaint._meta.get_field(field).max_length]
        if value:
            filled = max(filled, Complaint.objects.filter(channel=Channel.X, author_id=author_id, **{field: ""})
                         .update(**{field: value}))
    return filled


def file_complaints(specs, *, actor=None):
    """File many new complaints at once (bulk ingest): one INSERT for the complaints and one for their
    "file" events, then `transitioned` for each, all in the caller's transaction. Each spec holds the
    keyword arguments of file_complaint. Returns a list aligned with `specs`: the new Complaint, or the
    LifecycleError (InvalidValue, DuplicateTweet) that filing it one by one would have raised."""
    actor = _as_actor(actor)
    results, prepared = [None] * len(specs), []
    for index, spec in enumerate(specs):
        spec = dict(spec)
        try:
            values, data, note = _prepare(spec.pop("text", None), spec.pop("channel", Channel.X),
                                          spec.pop("source_tweet_id", None), spec.pop("received_at", None), spec)
        except LifecycleError as exc:
            results[index] = exc
            continue
        prepared.append((index, values, data, note))
    tweet_ids = [values["source_tweet_id"] for _, values, _, _ in prepared if values["source_tweet_id"]]
    # Tweets filed before, or earlier in this same batch, are refused as file_complaint would refuse them.
    filed = {c.source_tweet_id: c for c in Complaint.objects.filter(source_tweet_id__in=tweet_ids)} if tweet_ids else {}
    batch = []
    for index, values, data, note in prepared:
        tweet_id = values["source_tweet_id"]
        if tweet_id in filed:
            results[index] = DuplicateTweet(filed[tweet_id])
            continue
        results[index] = _new(values)
        if tweet_id:
            filed[tweet_id] = results[index]
        batch.append((index, data, note))
    if not batch:
        return results
    rows = [results[index] for index, _, _ in batch]
    try:
        with transaction.atomic():
            bulk.insert(Complaint, rows)
    except IntegrityError:
        # A tracking-code collision or a tweet filed meanwhile by someone else: fall back to one by one.
        for index, _, _ in batch:
            try:
                results[index] = file_complaint(actor=actor, **specs[index])
            except LifecycleError as exc:
                results[index] = exc
        return results
    events = bulk.insert(Event, [
        _event(c, "file", actor, from_status="", note=note, data=data, at=c.received_at)
        for c, (_, data, note) in zip(rows, batch)
    ])
    tally.mark(c.received_at for c in rows)
    for complaint, event in zip(rows, events):
        transitioned.send(sender=Complaint, complaint=complaint, event=event, action="file")
    return results


# ---------------------------------------------------------------- transitions

def forward(complaint, unit, *, actor=None, expected_version=None, note="", at=None):
    if not isinstance(unit, Unit):
        unit = unit_by_slug(unit)
    if not unit.is_active or unit.unit_type == UnitType.STATE:
        raise InvalidValue("unit", gettext_lazy("%(unit)s cannot receive complaints."), unit=unit)
    at = at or timezone.now()

    def mutate(c):
        previous = c.unit_id
        c.unit, c.forwarded_at = unit, at
        c.noted_at, c.noted_by, c.noted_tweet_id = None, None, ""
        if c.police_station_id and c.police_station.unit_id not in unit.subtree_ids():
            c.police_station = None
        return {"unit": unit.slug, "previous_unit_id": previous}

    return _transition(complaint, "forward", actor, expected_version, mutate, note=note, at=at)


def note(complaint, *, by_unit=None, actor=None, tweet_id="", at=None, expected_version=None, note=""):
    """The district's "Noted" (001 §9): when and by whom it was seen. Only the complaint's own unit notes."""
    actor = _as_actor(actor)
    at = at or timezone.now()

    def mutate(c):
        unit = by_unit or actor.unit or c.unit
        if unit is None or c.unit_id is None or unit.pk not in c.unit.subtree_ids():
            raise InvalidValue("unit", gettext_lazy("Only %(unit)s can note %(code)s."),
                               unit=c.unit or gettext_lazy("the unit it was forwarded to"), code=c.tracking_code)
        c.noted_at, c.noted_by, c.noted_tweet_id = at, unit, str(tweet_id or "")
        return {"noted_by": unit.slug, "tweet_id": str(tweet_id or "")}

    return _transition(complaint, "note", actor, expected_version, mutate, note=note, at=at)


def assign_station(complaint, station, *, actor=None, expected_version=None, note=""):
    if isinstance(station, PoliceStation):
        station = station.pk  # read afresh: the cell may have retired it since the caller loaded it
    try:
        station = PoliceStation.objects.get(pk=station)
    except (PoliceStation.DoesNotExist, ValueError, TypeError):
        raise InvalidValue("police_station", gettext_lazy("Unknown police station %(station)s."),
                           station=repr(station)) from None

    def mutate(c):
        if c.unit_id is None or station.unit_id not in c.unit.subtree_ids():
            raise InvalidValue("police_station", gettext_lazy("%(station)s is not under %(unit)s."),
                               station=station, unit=c.unit)
        if not station.is_active and c.police_station_id != station.pk:
            # Retired by the district's cell: kept for the complaints already there, closed to new ones.
            raise InvalidValue("police_station", gettext_lazy("%(station)s is retired: choose a current police "
                                                              "station."), station=station)
        c.police_station = station
        return {"police_station": station.pk, "name": station.name_en}

    return _transition(complaint, "assign_station", actor, expected_version, mutate, note=note)


def _clean_report(text):
    text, _ = clean_text(text)
    text = text.strip()
    if not text:
        raise InvalidValue("action_taken_report", gettext_lazy("The action-taken report is empty."))
    if len(text) > REPORT_MAX:
        raise InvalidValue("action_taken_report",
                           gettext_lazy("The action-taken report has %(n)s characters; at most %(most)s."),
                           n=len(text), most=REPORT_MAX)
    return text


def needs_approval(complaint) -> bool:
    """Does a report on this complaint wait for the unit's supervising officer? Read under the row lock."""
    return bool(complaint.unit_id and complaint.unit.reports_need_approval)


class _Gate:
    """Files a report, or holds it for the supervising officer where the unit wants that; `route` then
    names the event and the state accordingly."""

    def __init__(self, action):
        self.action, self.held = action, False

    def hold(self, c, text, resolves):
        """The report waits in pending_report (not public, not tweeted); the event says what was filed."""
        self.held = True
        c.pending_report, c.pending_resolution, c.report_return_reason = text, resolves, ""
        return {"report": text, "resolve": resolves}

    def file(self, c):
        # A report returned before HQ switched approval off is superseded by the one filed now.
        c.pending_report, c.pending_resolution, c.report_return_reason = "", False, ""

    def route(self, c):
        return ("submit_report", S.AWAITING_APPROVAL) if self.held else (self.action, TRANSITIONS[self.action][1])


def report(complaint, text, *, actor=None, expected_version=None):
    """The police station's short action-taken report (001 §6), at most 280 characters. Where the unit's
    supervising officer approves reports, it waits for them (submit_report) instead of being filed."""
    text = _clean_report(text)
    gate = _Gate("report")

    def mutate(c):
        if needs_approval(c):
            return gate.hold(c, text, resolves=False)
        gate.file(c)
        c.action_taken_report = text
        return {"report": text}

    return _transition(complaint, "report", actor, expected_version, mutate, route=gate.route)


def resolve(complaint, *, actor=None, report=None, expected_version=None, note="", at=None):
    """Resolve; a complaint is resolved only with an action-taken report on record. Where the unit's
    supervising officer approves reports, the report and the resolution wait for them (submit_report)."""
    text = _clean_report(report) if report else None
    at = at or timezone.now()
    gate = _Gate("resolve")

    def mutate(c):
        if needs_approval(c):
            held = text or c.pending_report or c.action_taken_report
            if not held:
                raise InvalidValue("action_taken_report", gettext_lazy("Add the action-taken report before resolving."))
            return gate.hold(c, held, resolves=True)
        gate.file(c)
        if text:
            c.action_taken_report = text
        if not c.action_taken_report:
            raise InvalidValue("action_taken_report", gettext_lazy("Add the action-taken report before resolving."))
        c.resolved_at = at
        return {"report": c.action_taken_report}

    return _transition(complaint, "resolve", actor, expected_version, mutate, note=note, at=at, route=gate.route)


def approve_report(complaint, *, actor=None, expected_version=None, note=""):
    """The supervising officer approves the report waiting on this complaint: it is filed as a "report"
    event, or, when the cell filed it with the resolution, the complaint is resolved ("resolve"), so the
    public page, the closing tweet and the tallies follow exactly as when no approval is needed."""
    at = timezone.now()
    resolves = []

    def mutate(c):
        if not c.pending_report:
            raise IllegalTransition("approve_report", c.status)
        resolves.append(c.pending_resolution)
        submitted = (Event.objects.filter(complaint=c, action="submit_report").order_by("-created_at", "-id")
                     .values_list("actor_name", flat=True).first() or "")
        c.action_taken_report = c.pending_report
        c.pending_report, c.pending_resolution, c.report_return_reason = "", False, ""
        if resolves[0]:
            c.resolved_at = at
        return {"report": c.action_taken_report, "approved": True, "submitted_by": submitted}

    def route(c):
        return ("resolve", S.RESOLVED) if resolves[0] else ("report", S.IN_PROGRESS)

    return _transition(complaint, "approve_report", actor, expected_version, mutate, note=note, at=at, route=route)


def _short_reason(reason, missing):
    """A reason a person gives for a decision (a rejection, a returned report): cleaned, required, at most
    280 characters, since it may be told to the citizen or the cell as it is."""
    reason = clean_text(reason)[0].strip()
    if not reason:
        raise InvalidValue("reason", missing)
    if len(reason) > 280:
        raise InvalidValue("reason", gettext_lazy("Keep the reason within 280 characters."))
    return reason


def return_report(complaint, reason, *, actor=None, expected_version=None):
    """The supervising officer sends the waiting report back with a reason; the cell edits it and files
    it again (report or resolve)."""
    reason = _short_reason(reason, gettext_lazy("Say why the report goes back to the cell."))

    def mutate(c):
        c.report_return_reason = reason
        return {"report": c.pending_report, "resolve": c.pending_resolution}

    return _transition(complaint, "return_report", actor, expected_version, mutate, note=reason)


def close(complaint, outcome, *, fir_number="", actor=None, expected_version=None, note=""):
    if outcome not in Outcome.values:
        raise InvalidValue("outcome", gettext_lazy("Unknown outcome %(value)s; one of %(choices)s."),
                           value=repr(outcome),
                           choices=", ".join(Outcome.values))
    fir_number = (fir_number or "").strip()
    if outcome == Outcome.FIR and not fir_number:
        raise InvalidValue("fir_number", gettext_lazy("An FIR outcome needs the FIR number."))

    def mutate(c):
        c.outcome, c.fir_number, c.closed_at = outcome, fir_number, timezone.now()
        return {"outcome": outcome, "fir_number": fir_number}

    return _transition(complaint, "close", actor, expected_version, mutate, note=note)


def reject(complaint, reason, *, actor=None, expected_version=None):
    reason = _short_reason(reason, gettext_lazy("Say why this is not a complaint."))

    def mutate(c):
        c.rejection_reason = reason

    return _transition(complaint, "reject", actor, expected_version, mutate, note=reason)


def thread_follows(duplicate, survivor):
    """Whether a duplicate's thread (and later replies in it) goes to the complaint it was merged into: not
    from a restricted complaint into one that is not, whose readers may not read a restricted thread."""
    return survivor.is_restricted or not duplicate.is_restricted


NOTHING_TO_MERGE_INTO = gettext_lazy("No complaint to merge into: no complaint you may see has this code.")


def merge(complaint, into, *, actor=None, expected_version=None, note=""):
    """Mark as a duplicate of another complaint (the one that carries on). A complaint the actor may not
    see is refused exactly like a code that no complaint has."""
    actor = _as_actor(actor)
    if not isinstance(into, Complaint):
        try:
            into = find_by_code(into)
        except codes.CodeError as exc:
            raise InvalidValue("into", gettext_lazy("No complaint to merge into: %(why)s"), why=exc) from None
        except Complaint.DoesNotExist:
            raise InvalidValue("into", NOTHING_TO_MERGE_INTO) from None
    while into.duplicate_of_id:
        into = into.duplicate_of
    if actor.user is not None and not scoping.can_see(actor.user, into):
        raise InvalidValue("into", NOTHING_TO_MERGE_INTO)
    if into.pk == complaint.pk:
        raise InvalidValue("into", gettext_lazy("A complaint cannot be merged into itself."))

    moved = []

    def mutate(c):
        c.duplicate_of = into
        if not thread_follows(c, into):
            return {"into": into.tracking_code, "thread_kept": "restricted"}
        # The thread goes with the incident: the duplicate's messages are moved (not copied: a tweet is one
        # message, tweet_id is unique) to the complaint that carries on, and both sides' events name them.
        moved.extend(Message.objects.filter(complaint=c).order_by("pk").values_list("pk", flat=True))
        if moved:
            Message.objects.filter(pk__in=moved).update(complaint=into)
            return {"into": into.tracking_code, "moved_messages": moved}
        return {"into": into.tracking_code}

    with transaction.atomic():
        merged = _transition(complaint, "merge", actor, expected_version, mutate, note=note)
        if moved:
            record(into, "merged_in", actor=actor, data={"merged": merged.tracking_code, "moved_messages": moved},
                   note=reasons.encode(reasons.MESSAGES_MOVED, count=len(moved)))
    return merged


def transfer(complaint, to_unit, *, actor=None, expected_version=None, reason=""):
    if not isinstance(to_unit, Unit):
        to_unit = unit_by_slug(to_unit)
    if to_unit.unit_type == UnitType.STATE or not to_unit.is_active:
        raise InvalidValue("unit", gettext_lazy("%(unit)s cannot receive complaints."), unit=to_unit)

    def mutate(c):
        if c.unit_id == to_unit.pk:
            raise InvalidValue("unit", gettext_lazy("%(code)s is already with %(unit)s."),
                               code=c.tracking_code, unit=to_unit)
        previous = c.unit.slug if c.unit_id else ""
        c.unit, c.noted_at, c.noted_by, c.noted_tweet_id, c.police_station = to_unit, None, None, "", None
        return {"from_unit": previous, "to_unit": to_unit.slug}

    return _transition(complaint, "transfer", actor, expected_version, mutate, note=reason)


def reopen(complaint, *, actor=None, reason="", expected_version=None):
    def mutate(c):
        c.resolved_at = c.closed_at = None
        c.outcome, c.fir_number = "", ""

    return _transition(complaint, "reopen", actor, expected_version, mutate, note=reason)


# ---------------------------------------------------------------- changes that keep the state

def set_category(complaint, category, *, actor=None, expected_version=None):
    if category is not None and not isinstance(category, Category):
        try:
            category = Category.objects.get(slug=category, is_active=True)
        except Category.DoesNotExist:
            raise InvalidValue("category", gettext_lazy("Unknown category %(value)s."), value=repr(category)) from None

    def mutate(c):
        old = c.category.slug if c.category_id else ""
        c.category = category
        return {"from": old, "to": category.slug if category else ""}

    return _change(complaint, "set_category", actor, expected_version, mutate)


def set_priority(complaint, priority, *, actor=None, expected_version=None, note=""):
    if priority not in Priority.values:
        raise InvalidValue("priority", gettext_lazy("Unknown priority %(value)s; one of %(choices)s."),
                           value=repr(priority),
                           choices=", ".join(Priority.values))

    def mutate(c):
        old, c.priority = c.priority, priority
        return {"from": old, "to": priority}

    return _change(complaint, "set_priority", actor, expected_version, mutate, note=note)


def set_restricted(complaint, restricted, *, actor=None, expected_version=None, note=""):
    def mutate(c):
        c.is_restricted = bool(restricted)
        return {"restricted": bool(restricted)}

    return _change(complaint, "set_restricted", actor, expected_version, mutate, note=note)


def set_suggestion(complaint, unit, reason, confidence=None, *, actor=None):
    def mutate(c):
        c.suggested_unit = unit
        c.suggestion_reason = (reason or "")[:300]
        c.suggestion_confidence = confidence
        return {"unit": unit.slug if unit else "", "reason": c.suggestion_reason, "confidence": confidence}

    return _change(complaint, "suggest_unit", actor, None, mutate)


def add_note(complaint, text, *, actor=None, kind=MessageKind.INTERNAL, tweet_id=None, needs_attention=False):
    """A message on the thread: an internal note (never public), or a citizen's or unit's tweet."""
    actor = _as_actor(actor)
    text = clean_text(text)[0].strip()
    if not text:
        raise InvalidValue("text", gettext_lazy("The note is empty."))

    def mutate(c):
        message = Message.objects.create(complaint=c, kind=kind, text=text, user=actor.user,
                                         author_username=actor.label[:50], unit=actor.unit,
                                         tweet_id=str(tweet_id) if tweet_id else None,
                                         needs_attention=needs_attention)
        return {"message_id": message.pk}

    return _change(complaint, "add_note", actor, None, mutate, note=text[:500])


def add_notes(items):
    """Many thread messages at once (bulk ingest of follow-ups and unit replies): the complaints are
    locked in id order, then one INSERT for the messages, one for their events and one version bump per
    complaint, and `transitioned` for each, in the caller's transaction. Each item is a dict with
    complaint, text, kind, actor and optionally tweet_id and needs_attention. Returns a list aligned with
    `items`: the Message, or the InvalidValue that add_note would have raised."""
    results, ready = [None] * len(items), []
    for index, item in enumerate(items):
        text = clean_text(item["text"])[0].strip()
        if not text:
            results[index] = InvalidValue("text", gettext_lazy("The note is empty."))
            continue
        ready.append((index, item, text, _as_actor(item.get("actor"))))
    if not ready:
        return results
    ids = sorted({item["complaint"].pk for _, item, _, _ in ready})
    locked = {c.pk: c for c in Complaint.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    now = timezone.now()
    messages = bulk.insert(Message, [
        Message(complaint_id=item["complaint"].pk, kind=item.get("kind", MessageKind.INTERNAL), text=text,
                user=actor.user, author_username=actor.label[:50], unit=actor.unit, created_at=now,
                tweet_id=str(item["tweet_id"]) if item.get("tweet_id") else None,
                needs_attention=bool(item.get("needs_attention")))
        for _, item, text, actor in ready
    ])
    bumps = {}
    for _, item, _, _ in ready:
        bumps[item["complaint"].pk] = bumps.get(item["complaint"].pk, 0) + 1
    for pk, count in bumps.items():
        locked[pk].version += count
    for count in set(bumps.values()):
        Complaint.objects.filter(pk__in=[pk for pk, n in bumps.items() if n == count]).update(
            version=models.F("version") + count, updated_at=now)
    events = bulk.insert(Event, [
        _event(locked[item["complaint"].pk], "add_note", actor, from_status=locked[item["complaint"].pk].status,
               note=text[:500], data={"message_id": message.pk}, at=now)
        for (_, item, text, actor), message in zip(ready, messages)
    ])
    for (index, item, _, _), message, event in zip(ready, messages, events):
        transitioned.send(sender=Complaint, complaint=locked[item["complaint"].pk], event=event, action="add_note")
        results[index] = message
    return results


def hand_to_112(complaint, *, actor=None, note="", reference="", expected_version=None):
    """Record that a person told Dial 112 about an open complaint: who (the actor) and when (the event's
    time), with 112's own reference when they gave one. The state stays: the unit still notes and acts.
    The words read out are not stored (they may hold a phone number, and events are never erased)."""
    reference = clean_text(reference or "")[0].strip()[:60]
    note = clean_text(note or "")[0].strip()[:500]

    def mutate(c):
        if c.status not in OPEN_STATUSES:
            raise IllegalTransition("hand_to_112", c.status)
        return {"reference": reference, "priority": c.priority, "urgent_terms": list(c.urgent_terms or [])}

    return _change(complaint, "hand_to_112", actor, expected_version, mutate, note=note)


def escalate(complaint, *, from_level, to_level, unit, due_at, actor=None, at=None, status=None):
    """Climb one step of an escalation ladder (complaints.escalation decides which): the complaint's level
    and the step's deadline, and an "escalation_step" event naming the unit now told. The level read under
    the row lock must still be `from_level`, and the complaint still open and past its deadline (and, with
    `status`, still in that state: HQ's forwarding ladder is for new complaints only); otherwise someone
    acted or another worker climbed first, and nothing is written (returns None).

    The first step taken for a deadline also marks the complaint escalated (`escalated_at`, the badge) and
    says so in the event (`data.breach`): that is the one breach the metrics count for this deadline. A
    later ladder for the same deadline (the cell files its report and it waits for the SP) is no new breach."""
    actor = _as_actor(actor)
    at = at or timezone.now()
    with transaction.atomic():
        fresh = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if (fresh.escalation_level != from_level or fresh.status not in OPEN_STATUSES
                or (status is not None and fresh.status != status)
                or fresh.sla_due_at is None or fresh.sla_due_at >= at):
            return None
        breach = fresh.escalated_at is None
        fresh.escalation_level, fresh.escalation_due_at = to_level, due_at
        if breach:
            fresh.escalated_at = at
        fresh.version += 1
        fresh.save()
        return _record(fresh, "escalation_step", actor, from_status=fresh.status, at=at,
                       data={"from_level": from_level, "level": to_level, "unit": unit.slug, "unit_id": unit.pk,
                             "due": due_at.isoformat(), "sla_due": fresh.sla_due_at.isoformat(), "breach": breach})


def mark_overdue(complaint, *, actor=None, at=None):
    """Mark a complaint no ladder carries (already at the top, or part-way up when its deadline moved)
    escalated for the deadline it missed: `escalated_at` and one "escalated" event, once per deadline (a
    new deadline clears the mark, dashboard.sla). Nobody is notified. Returns the event, or None when it is
    no longer open and overdue or was marked already."""
    actor = _as_actor(actor)
    at = at or timezone.now()
    with transaction.atomic():
        fresh = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if (fresh.escalated_at is not None or fresh.status not in OPEN_STATUSES
                or fresh.sla_due_at is None or fresh.sla_due_at >= at):
            return None
        # A derived column, as the deadline itself: no new version, so nobody's open form goes stale.
        Complaint.objects.filter(pk=fresh.pk).update(escalated_at=at)
        fresh.escalated_at = at
        return _record(fresh, "escalated", actor, from_status=fresh.status, at=at,
                       data={"due": fresh.sla_due_at.isoformat()})


def record(complaint, action, *, actor=None, note="", data=None):
    """An event that changes nothing on the complaint itself (nudge, escalation, reopen request...)."""
    actor = _as_actor(actor)
    with transaction.atomic():
        fresh = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if actor.user is not None and action in scoping.HQ_ACTIONS and not scoping.can_change(actor.user, fresh, action):
            raise NotAllowed(action, fresh)
        return _record(fresh, action, actor, from_status=fresh.status, note=note, data=data)
