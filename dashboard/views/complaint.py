"""One complaint: the tweet and its thread, the events timeline, the outbox rows, and the actions this
user may take in this state."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import feedback, lifecycle, public, redaction, scoping
from complaints.media import visible_media
from complaints.models import Complaint

from .. import actions, confirmations, duplicates, ingest_bridge, roles, timeline, triage_card, unit_names
from ..models import CannedReply
from .common import complaint_or_404, complaint_url, redirect_next, staff_required


# The action a complaint in each state usually waits for; its form is shown open.
PRIMARY = {"new": "forward", "forwarded": "note", "reopened": "note", "noted": "report", "in_progress": "resolve",
           "resolved": "close", "awaiting_approval": "approve_report"}


def _context(request, complaint, bound=None, top_error=""):
    allowed = scoping.allowed_actions(request.user, complaint)
    names = actions.available(request.user, complaint, allowed)
    if bound is not None and bound[0] not in names:
        names.append(bound[0])
    forms = []
    for name in names:
        form = bound if bound is not None and bound[0] == name else None
        forms.append((name, actions.SPECS[name].label,
                      form[1] if form else actions.build_form(name, complaint)))
    thread = list(complaint.messages.select_related("unit").all())
    related = []
    if complaint.conversation_id:
        related = list(scoping.visible_complaints(request.user).filter(
            conversation_id=complaint.conversation_id).exclude(pk=complaint.pk).order_by("received_at")[:20])
    replies = CannedReply.objects.filter(
        Q(category__isnull=True) | Q(category_id=complaint.category_id), is_active=True,
        status__in=[complaint.status, ""],
    ).select_related("category")[:20]
    events = list(complaint.events.select_related("unit").all())
    model_version, model_ranking = triage_card.model_ranking(complaint)
    return {
        "complaint": complaint,
        "events": events,
        "timeline": timeline.entries(events, thread),
        # Codes of complaints this user may not see, which events of this one may name (a merge's target,
        # a re-filing): shown as plain events, without the code.
        "hidden_codes": redaction.hidden_codes(request.user, redaction.referenced_codes(events=events)),
        "from_tracking_page": {e.pk for e in events if feedback.from_tracking_page(e)},
        "thread": thread,
        "related": related,
        "media": visible_media(request.user, complaint),
        "triage_rows": triage_card.rows(complaint),
        "model_version": model_version,
        "model_ranking": model_ranking,
        "outbox": ingest_bridge.outbox_rows(complaint),
        "withheld": ([(w.where, w.why) for w in public.withheld(complaint)]
                     + ingest_bridge.withheld_on_x(complaint)),
        "forms": forms,
        "primary": PRIMARY.get(complaint.status, ""),
        "top_error": top_error,
        "replies": replies,
        "units": unit_names.choices() if {"forward", "transfer"} & set(names) else [],
        "duplicates": duplicates.for_complaint(request.user, complaint, can_merge="merge" in names),
        "duplicate_of_visible": complaint.duplicate_of_id and scoping.can_see(request.user, complaint.duplicate_of),
        "same_tweet_as_visible": complaint.same_tweet_as_id and scoping.can_see(request.user, complaint.same_tweet_as),
    }


@staff_required()
def detail(request, code):
    complaint = complaint_or_404(request, code)
    return render(request, "dashboard/complaint.html", _context(request, complaint))


@require_POST
@staff_required()
def act(request, code, action):
    complaint = complaint_or_404(request, code)
    spec = actions.SPECS.get(action)
    if spec is None:
        raise Http404
    if action not in scoping.allowed_actions(request.user, complaint):
        raise PermissionDenied
    form = actions.build_form(action, complaint, request.POST)
    status, top_error = 400, ""
    if (action not in actions.available(request.user, complaint)
            and (spec.transition or action in actions.NEEDS_ONE_OF)):
        # Only what the page offers is done (a stale page may still show it); the refusal is a whole sentence
        # in the reader's language ("Cannot resolve a complaint that is …").
        top_error = str(lifecycle.IllegalTransition(action, complaint.status))
        form = actions.build_form(action, complaint)
    elif form.is_valid():
        previous_unit = complaint.unit
        try:
            with transaction.atomic():
                spec.run(complaint, form.cleaned_data, request.user)
        except lifecycle.StaleComplaint:
            status = 409
            top_error = _("This complaint changed meanwhile (someone else acted on it). Nothing was changed: "
                          "read it again below and repeat your action if it is still needed.")
            complaint = Complaint.objects.with_related().get(pk=complaint.pk)
            form = actions.build_form(action, complaint)
        except lifecycle.IllegalTransition as exc:
            top_error = str(exc)
        except lifecycle.InvalidValue as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, str(exc))
        except lifecycle.DuplicateTweet as exc:
            form.add_error(None, str(exc))
        else:
            said = confirmations.after(action, Complaint.objects.with_related().get(pk=complaint.pk), previous_unit)
            messages.success(request, _("%(code)s: %(what)s") % {"code": complaint.tracking_code, "what": said}
                             if said else _("%(action)s: done for %(code)s.") % {
                                 "action": spec.label, "code": complaint.tracking_code})
            if not scoping.can_see(request.user, complaint):
                # Marking restricted (or transferring) can take a complaint out of this user's sight.
                return redirect_next(request, _home(request))
            return redirect_next(request, complaint_url(complaint))
    if not top_error and "unit" in form.errors:
        # The unit is typed by name: say why it was not taken where the eye lands, not only under the field.
        top_error = " ".join(form.errors["unit"])
    fresh = Complaint.objects.with_related().get(pk=complaint.pk)
    response = render(request, "dashboard/complaint.html",
                      _context(request, fresh, bound=(action, form), top_error=top_error))
    response.status_code = status
    return response


def _home(request):
    name = roles.home_url_name(request.user)
    return reverse(name) if name else "/"
