"""Requests to look at a resolved or closed complaint again, waiting for a person: the complainant's reply on
X asking to reopen, and "not satisfied" on the tracking page (complaints.feedback records both as
`reopen_requested`; one from the tracking page can come from anyone who holds the code).

A request waits from when it is made until someone decides: reopening takes the complaint out of resolved
or closed, and closing a resolved complaint after the request answers it too (the request must be newer than
the last of resolution and closing to be waiting); a later "satisfied" from the complainant withdraws it.
"""

from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from complaints import feedback
from complaints.models import Event, Status

ANSWERED_STATES = (Status.RESOLVED, Status.CLOSED)
VIA_TRACKING_PAGE = feedback.FROM_TRACKING_PAGE["channel"]


# Every query starts from the requests (few, found through the action index) rather than from the
# complaints, of which most are resolved or closed on a desk that has run for a while.
def _withdrawn():
    """A later "satisfied" from the complainant withdraws the request (their latest word counts, as in the
    league table)."""
    return Event.objects.filter(complaint=OuterRef("complaint_id"), action="citizen_satisfied",
                                created_at__gt=OuterRef("created_at"))


def waiting_events():
    """reopen_requested events still waiting for a decision."""
    return (Event.objects.filter(action="reopen_requested", complaint__status__in=ANSWERED_STATES,
                                 created_at__gte=Coalesce(F("complaint__closed_at"), F("complaint__resolved_at")))
            .exclude(Exists(_withdrawn())))


def newest(seen, limit):
    """The newest waiting request of each complaint of `seen` (a scoped queryset), newest first, at most
    `limit`: [(event, from the tracking page?)]. Bounded whatever the size of the desk: the newest requests
    are read first, then only those on complaints this login may see are kept."""
    events = list(waiting_events().select_related("complaint").order_by("-created_at", "-id")[:limit * 3])
    shown = set(seen.filter(pk__in={e.complaint_id for e in events}).values_list("pk", flat=True))
    out, taken = [], set()
    for event in events:
        if event.complaint_id in shown and event.complaint_id not in taken:
            taken.add(event.complaint_id)
            out.append((event, feedback.from_tracking_page(event)))
    return out[:limit]


def count(seen):
    """Complaints of `seen` with a request waiting."""
    return seen.filter(pk__in=waiting_ids()).count()


def per_unit(seen):
    """{unit id: complaints of `seen` with a request waiting}."""
    return dict(seen.filter(pk__in=waiting_ids()).order_by().values("unit_id").annotate(n=Count("id"))
                .values_list("unit_id", "n"))


def waiting_ids():
    """A subquery of the ids of complaints with a request waiting, for pk__in filters."""
    return waiting_events().values("complaint_id")


def annotate(qs):
    """The newest waiting request on each complaint: reopen_asked_at, reopen_asked_via ("tracking page", or
    None for X), reopen_asked_note; all None where none waits."""
    newest_first = (Event.objects.filter(complaint=OuterRef("pk"), action="reopen_requested",
                                         complaint__status__in=ANSWERED_STATES,
                                         created_at__gte=Coalesce(OuterRef("closed_at"), OuterRef("resolved_at")))
                    .exclude(Exists(_withdrawn())).order_by("-created_at", "-id"))
    return qs.annotate(reopen_asked_at=Subquery(newest_first.values("created_at")[:1]),
                       reopen_asked_via=Subquery(newest_first.values(via=KT("data__channel"))[:1]),
                       reopen_asked_note=Subquery(newest_first.values("note")[:1]))


def waiting(seen, limit):
    """Complaints of `seen` with a request waiting, annotated (see annotate), the longest waiting first."""
    return (annotate(seen.filter(pk__in=waiting_ids())).select_related("unit")
            .order_by("reopen_asked_at", "id")[:limit])


def in_window(seen, start, end):
    """reopen_requested events on complaints of `seen` made in [start, end), newest first."""
    return (Event.objects.filter(complaint__in=seen, action="reopen_requested", created_at__gte=start,
                                 created_at__lt=end)
            .select_related("complaint").order_by("-created_at", "-id"))
