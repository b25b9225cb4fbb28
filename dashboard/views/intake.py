"""Manual intake by HQ: a pasted tweet address (fetched through the ingest side when X answers, typed in
when it does not), a phone call or a walk-in, all filed through the one filing path. A tweet already
filed as a complaint the user may not see gets the answers a tweet never filed gets."""

import logging

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from complaints import lifecycle, scoping
from complaints.models import Channel

from .. import ingest_bridge, roles
from ..forms import IntakeForm
from .common import complaint_url, staff_required

log = logging.getLogger(__name__)


def _existing_link(complaint):
    return format_html('<a href="{}">{}</a>', complaint_url(complaint), complaint.tracking_code)


@staff_required(roles.is_hq)
def intake(request):
    form = IntakeForm(request.POST or None, initial={"channel": Channel.PHONE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        tweet_id, handle = data["tweet"] or (None, "")
        try:
            complaint = None
            if tweet_id and not data["text"].strip():
                existing, hidden = lifecycle.filed_as(tweet_id, request.user)
                if existing:
                    raise lifecycle.DuplicateTweet(existing)
                # A tweet filed as a complaint this user may not see is answered as when X does not give
                # us a tweet (never fetched, so nothing changes); typed in, it is filed as a re-filing.
                complaint = None if hidden else ingest_bridge.fetch_and_file(tweet_id)
                if complaint is not None and not scoping.can_see(request.user, complaint):
                    complaint = None  # filed meanwhile, or filed now, as one this user may not see
                if complaint is None:
                    form.add_error("text", _("X did not give us this tweet (or it is not a complaint). "
                                             "Type its text in to file it by hand."))
            if complaint is None and not form.errors:
                complaint = lifecycle.file_complaint(
                    text=data["text"], channel=data["channel"], source_tweet_id=tweet_id, actor=request.user,
                    author_username=data["author_username"] or handle, author_name=data["author_name"],
                    author_contact=data["author_contact"], author_location=data["author_location"],
                )
            if complaint is not None:
                messages.success(request, _("Filed as %(code)s.") % {"code": complaint.tracking_code})
                return redirect(complaint_url(complaint))
        except lifecycle.DuplicateTweet as exc:
            form.add_error("tweet_url", format_html(
                _("This tweet is already filed as {}."), _existing_link(exc.existing)))
        except lifecycle.InvalidValue as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
    status = 400 if request.method == "POST" else 200
    return render(request, "dashboard/intake.html", {"form": form, "cancel": reverse("dashboard:inbox")},
                  status=status)
