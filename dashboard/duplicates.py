"""Suggested duplicates (written by the ingest side at filing, read through ingest_bridge) on the complaint
page and in the inbox. Only complaints the viewer may see are named: a suggestion whose other side is out
of sight is left out, as if it were not there. The later complaint is the one marked as duplicate, so the
earlier one (the one the citizen and the unit already know) carries on."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints import scoping
from complaints.models import OPEN_STATUSES, Status

from . import ingest_bridge

# The ingest side's reasons, which it stores in English, as the reader reads them.
REASONS = {
    "same author, same text (tweeted to several handles)": _("same author, same text (tweeted to several handles)"),
    "similar text, same place, close in time": _("similar text, same place, close in time"),
    "posted in the thread of another complaint": _("posted in the thread of another complaint"),
    "a follow-up filed before its original arrived": _("a follow-up filed before its original arrived"),
}


def _suggestions():
    model = ingest_bridge.model("DuplicateSuggestion")
    return None if model is None else model.objects.filter(dismissed=False)


def reason_label(reason):
    return REASONS.get(reason, reason)


def for_complaint(user, complaint, *, can_merge=False, limit=10):
    """The complaints suggested as the same incident as this one, best first, each a dict: other, score,
    reason and, where this user may merge, the merge form's target (the later of the two is merged)."""
    suggestions = _suggestions()
    if suggestions is None or complaint.status == Status.DUPLICATE:
        return []
    seen = scoping.visible_complaints(user)
    rows = (suggestions.filter(Q(complaint=complaint) | Q(candidate=complaint))
            .filter(complaint__in=seen, candidate__in=seen)
            .exclude(complaint__status=Status.DUPLICATE).exclude(candidate__status=Status.DUPLICATE)
            .select_related("complaint", "candidate").order_by("-score", "-id")[:limit])
    found, done = [], set()
    for row in rows:
        this_is_later = row.complaint_id == complaint.pk
        other = row.candidate if this_is_later else row.complaint
        if other.pk == complaint.pk or other.pk in done:
            continue
        done.add(other.pk)
        later, earlier = (complaint, other) if this_is_later else (other, complaint)
        may_merge = later.status in OPEN_STATUSES and (
            can_merge if later is complaint else "merge" in scoping.allowed_actions(user, later))
        found.append({
            "other": other, "score": row.score, "reason": reason_label(row.reason), "this_is_later": this_is_later,
            "merge_url": reverse("dashboard:act", args=[later.tracking_code, "merge"]) if may_merge else "",
            "merge_version": later.version, "merge_into": earlier.tracking_code, "merge_code": later.tracking_code,
        })
    return found


def mark_rows(user, rows):
    """Sets `same_incident` on each inbox row (the codes of the visible complaints suggested as the same
    incident) and returns the clusters among them: lists of (code, handle), earliest first, for incidents
    reported from more than one handle. One query whatever the number of rows."""
    for c in rows:
        c.same_incident = []
    suggestions = _suggestions()
    if suggestions is None or not rows:
        return []
    ids = [c.pk for c in rows]
    seen = scoping.visible_complaints(user)
    pairs = (suggestions.filter(Q(complaint_id__in=ids) | Q(candidate_id__in=ids))
             .filter(complaint__in=seen, candidate__in=seen)
             .exclude(complaint__status=Status.DUPLICATE).exclude(candidate__status=Status.DUPLICATE)
             .values_list("complaint_id", "complaint__tracking_code", "complaint__author_username",
                          "complaint__received_at", "candidate_id", "candidate__tracking_code",
                          "candidate__author_username", "candidate__received_at")[:500])
    info, links = {}, {}
    for a, a_code, a_handle, a_at, b, b_code, b_handle, b_at in pairs:
        info[a], info[b] = (a_at, a_code, a_handle), (b_at, b_code, b_handle)
        links.setdefault(a, set()).add(b)
        links.setdefault(b, set()).add(a)
    for c in rows:
        c.same_incident = sorted(info[o][1] for o in links.get(c.pk, ()))
    clusters, placed = [], set()
    for start in sorted(links, key=lambda pk: info[pk]):
        if start in placed:
            continue
        group, frontier = {start}, [start]
        while frontier:
            frontier = [o for pk in frontier for o in links[pk] if o not in group]
            group.update(frontier)
        placed |= group
        members = sorted(info[pk] for pk in group)
        if len({(h or "").lower() for _, _, h in members}) > 1:
            clusters.append([(code, handle) for _, code, handle in members])
    return clusters


