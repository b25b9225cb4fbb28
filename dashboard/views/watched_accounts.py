"""HQ's page of the X accounts whose mentions the desk polls: which are on, whether each reads and answers
with its own tokens or the state account's, and switching polling on or off (twitter_ingest.accounts,
reached through the bridge: the dashboard may not import the ingest side)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import ingest_bridge, roles
from .common import staff_required


@staff_required(roles.is_hq)
def watched_accounts(request):
    accounts = ingest_bridge.module("accounts")
    if accounts is None or not hasattr(accounts, "overview"):
        return render(request, "dashboard/watched_accounts.html", {"available": False})
    if request.method == "POST":
        return _switch(request, accounts)
    rows = accounts.overview()
    return render(request, "dashboard/watched_accounts.html", {
        "available": True, "watched": [r for r in rows if r["watched"]],
        "others": [r for r in rows if not r["watched"]],
    })


def _switch(request, accounts):
    on = request.POST.get("watched") == "on"
    pk = request.POST.get("account", "")
    account = accounts.find(request.POST.get("handle")) if not pk else None
    if pk.isdigit():
        account_id = int(pk)
    elif account is not None:
        account_id = account.pk
    else:
        messages.error(request, _("No account on file has that handle. Add it to the units registry first."))
        return redirect("dashboard:watched_accounts")
    try:
        account, changed = accounts.switch(account_id, on, request.user)
    except accounts.SwitchError as exc:
        messages.error(request, str(exc))
    else:
        if not changed:
            messages.info(request, _("Nothing changed."))
        elif on:
            messages.success(request, _("The mentions of @%(handle)s are polled from now on.") % {"handle": account.handle})
        else:
            messages.success(request, _("The mentions of @%(handle)s are no longer polled.") % {"handle": account.handle})
    return redirect("dashboard:watched_accounts")
