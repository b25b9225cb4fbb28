"""A complaint's timeline as people read it, in their language. Events keep what happened in the audit
trail's terms (the action, its data, the actor's name, a note); this turns them into entries: a thread
message says what kind it is (a citizen's follow-up is not an internal note), the parts of the system that
act get names in the reader's language, and the notes those parts write are rebuilt from the event's data
as whole translated sentences. A person's own words (a note, a citizen's tweet) are shown as written."""

import re
from datetime import datetime

from django.utils.formats import number_format
from django.utils.translation import gettext as _, gettext_lazy, ngettext, pgettext_lazy

from complaints import dates, reasons
from complaints.escalation_models import EscalationLevel
from complaints.models import Message, MessageKind, Status
from districts.models import Unit

from . import sla
from .labels import ACTION_LABELS, APPROVED_LABELS

# A thread message's event ("add_note") is labelled by the message's kind.
MESSAGE_LABELS = {
    MessageKind.CITIZEN: gettext_lazy("Follow-up from the complainant"),
    MessageKind.DISTRICT: gettext_lazy("Reply from the unit on X"),
    MessageKind.HQ_PUBLIC: gettext_lazy("HQ's public reply"),
    MessageKind.INTERNAL: gettext_lazy("Internal note"),
    MessageKind.OTHER: gettext_lazy("Another mention in the thread"),
    MessageKind.EDIT: gettext_lazy("Edited on X by its author"),
}

# The names the system's own parts act under (lifecycle.Actor(name=...)); an X handle is shown as it is.
SYSTEM_ACTORS = {
    "": pgettext_lazy("timeline actor", "the system"),
    "system": pgettext_lazy("timeline actor", "the system"),
    "ingest": pgettext_lazy("timeline actor", "X ingest"),
    "ingest (thread repair)": pgettext_lazy("timeline actor", "X ingest (thread repair)"),
    "auto-forward": pgettext_lazy("timeline actor", "automatic forward"),
    "X lookup": pgettext_lazy("timeline actor", "check on X"),
    "sla-sweep": pgettext_lazy("timeline actor", "deadline watch"),  # before the escalation ladder took over
    "escalation": pgettext_lazy("timeline actor", "deadline watch"),
    "citizen (tracking page)": pgettext_lazy("timeline actor", "the complainant (tracking page)"),
}

PHASES = {
    "forward": gettext_lazy("Past the deadline for forwarding."),
    "noted": gettext_lazy("Past the deadline for Noted."),
    "resolution": gettext_lazy("Past the deadline for resolution."),
}


def _count(value):
    return number_format(value, force_grouping=True) if isinstance(value, int) else value


def _when(value):
    try:
        return dates.ist(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return ""


def _deleted_on_x(data):
    found, seen = _when(data.get("found_at")), _when(data.get("last_seen_at"))
    if data.get("own_tweet"):
        return _("The complaint's tweet is no longer on X: found deleted at %(found)s (still there at %(seen)s). "
                 "The copy as received is kept.") % {"found": found, "seen": seen}
    return _("A tweet in its thread is no longer on X: found deleted at %(found)s (still there at %(seen)s). "
             "The copy as received is kept.") % {"found": found, "seen": seen}


def _escalation_step(event, data):
    """Whom the step took the complaint to, and when the next level is told; the first step for a deadline
    (data.breach) first says which deadline was missed."""
    if not data.get("level"):
        return None
    unit = Unit.objects.filter(pk=data.get("unit_id")).first()
    params = {"unit": unit.display_name() if unit else data.get("unit", ""), "due": _when(data.get("due"))}
    level = data.get("level")
    if level == EscalationLevel.HQ:
        told = _("Told: %(unit)s, the last level.") % params
    elif level == EscalationLevel.HQ_CELL:
        told = _("Told: HQ's cell; HQ's supervisors at %(due)s.") % params
    elif level == EscalationLevel.HQ_SUPERVISOR:
        told = _("Still not forwarded. Told: HQ's supervisors, the last level.") % params
    elif level == EscalationLevel.CELL and event.to_status == Status.AWAITING_APPROVAL:
        told = _("The report waits for the approval of the supervising officer of %(unit)s; the next level at "
                 "%(due)s.") % params
    elif level == EscalationLevel.CELL:
        told = _("Told: the cell of %(unit)s; the next level at %(due)s.") % params
    else:
        told = _("Told: %(unit)s; the next level at %(due)s.") % params
    if data.get("breach"):
        phase = sla.PHASE_BY_STATUS.get(event.from_status)
        return f"{PHASES.get(phase, _('Past the deadline.'))} {told}"
    return told


# Triage's routing reason: the words that placed a complaint, then the unit's slug ("“मेरठ” → meerut"); the
# unit itself is shown beside the entry in the reader's language.
_REASON = re.compile(r"^(?P<words>.+) → [\w-]+$")


def _system_note(event):
    """The sentence for a note the system wrote, from the event's data; None when there is none to rebuild."""
    data = event.data or {}
    action = event.action
    if action == "escalated":
        # The old sweep wrote the phase; the ladder's mark leaves it to the state the complaint was in.
        phase = data.get("phase") or sla.PHASE_BY_STATUS.get(event.from_status)
        return str(PHASES.get(phase, _("Past the deadline.")))
    if action == "escalation_step":
        return _escalation_step(event, data)
    if action == "merged_in":
        moved = len(data.get("moved_messages") or [])
        return ngettext("%(n)d message of the duplicate %(code)s moved to this thread.",
                        "%(n)d messages of the duplicate %(code)s moved to this thread.", moved) % {
            "n": moved, "code": data.get("merged", "")}
    if action == "merged_automatically":
        return _("%(code)s was this complaint's follow-up, filed before the original arrived; merged into it and "
                 "its text added to the thread.") % {"code": data.get("merged", "")}
    if action == "merge" and event.actor_name.startswith("ingest"):
        return _("A follow-up of %(code)s, filed before its original arrived.") % {"code": data.get("into", "")}
    if action == "text_cut":
        return _("Filed the first %(kept)s characters (X's longest post); the other %(cut)s are kept with the "
                 "mention's raw data.") % {"kept": _count(data.get("kept", "")), "cut": _count(data.get("cut", ""))}
    if action == "deleted_on_x":
        return _deleted_on_x(data)
    if action == "found_by_watch":
        return _("Found on X by a watch; the author had not tagged the police.")
    if action in ("forward", "suggest_unit") and _REASON.match(event.note or ""):
        return _("Placed by the words %(words)s") % {"words": _REASON.match(event.note).group("words")}
    if action == "file" and data.get("text_cleaned"):
        return _("Characters that cannot be stored (control characters) were removed from the text.")
    return None


def actor_label(event):
    if event.actor_id:
        return event.actor_name
    name = event.actor_name or ""
    if name.startswith("@"):
        return name
    return str(SYSTEM_ACTORS.get(name, name))


def entries(events, messages=()):
    """[{event, label, actor, note}] for the events of one complaint, oldest first. `messages`: the thread
    already read for the page; only messages since moved to another complaint (a merge) are looked up."""
    events = list(events)
    kinds = {m.pk: m.kind for m in messages}
    wanted = {e.data.get("message_id") for e in events if e.action == "add_note" and e.data} - {None} - set(kinds)
    if wanted:
        kinds.update(Message.objects.filter(pk__in=wanted).values_list("pk", "kind"))
    result = []
    for event in events:
        if event.action == "add_note":
            kind = kinds.get((event.data or {}).get("message_id"), MessageKind.INTERNAL)
            label = MESSAGE_LABELS.get(kind, MESSAGE_LABELS[MessageKind.INTERNAL])
        elif (event.data or {}).get("approved") and event.action in APPROVED_LABELS:
            label = APPROVED_LABELS[event.action]
        else:
            label = ACTION_LABELS.get(event.action, event.action.replace("_", " "))
        note = event.note
        if reasons.decode(note):
            # A note written as a message code says itself in the reader's language.
            note = reasons.describe(note)
        elif not event.actor_id and note:
            rebuilt = _system_note(event)
            note = rebuilt if rebuilt is not None else note
        elif not event.actor_id:
            note = _system_note(event) or ""
        result.append({"event": event, "label": str(label), "actor": actor_label(event), "note": note})
    return result
