"""Logins and API tokens on the dashboard: every staff member's own tokens (make, see, revoke), and for
HQ supervisors the accounts and addresses locked out after failed logins, with an unlock that is
recorded. The rules live in districts.tokens and districts.lockouts."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from complaints import scoping
from districts import lockouts, tokens
from districts.models import ApiToken, Role, SecurityAction, SecurityEvent

from .common import staff_required

RECENT_UNLOCKS = 20


def is_hq_supervisor(user):
    profile = scoping.staff_profile(user)
    return bool(user.is_active and (user.is_superuser or (profile and profile.role == Role.HQ_SUPERVISOR)))


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80,
                           help_text=gettext_lazy("What the token is for, e.g. “district MIS sync”."))


class UnlockForm(forms.Form):
    username = forms.CharField(required=False, max_length=150)
    address = forms.GenericIPAddressField(required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("username")) == bool(data.get("address")):
            raise forms.ValidationError(_("Unlock either an account or an address."))
        return data


@never_cache
@staff_required()
def tokens_page(request):
    form, key, status = TokenForm(request.POST or None), None, 200
    if request.method == "POST":
        if form.is_valid():
            token, key = tokens.issue(request.user, form.cleaned_data["name"])
            form = TokenForm()
        else:
            status = 400
    rows = ApiToken.objects.filter(user=request.user).select_related("revoked_by")
    # The key is in this response only: never_cache keeps it out of caches and the browser's history.
    return render(request, "dashboard/tokens.html", {"form": form, "key": key, "rows": rows}, status=status)


@require_POST
@staff_required()
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk, user=request.user)
    if tokens.revoke(token, request.user):
        messages.success(request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name})
    return redirect("dashboard:tokens")


def _lockouts(request, status=200, error=None):
    unlocks = SecurityEvent.objects.filter(action=SecurityAction.LOCKOUT_CLEARED)[:RECENT_UNLOCKS]
    return render(request, "dashboard/lockouts.html", {
        "accounts": lockouts.locked_accounts(), "addresses": lockouts.locked_addresses(),
        "failures": lockouts.recent_failures(), "unlocks": unlocks, "error": error,
        "per_account": lockouts.per_account(), "per_address": lockouts.per_address(),
    }, status=status)


@never_cache
@staff_required(is_hq_supervisor)
def lockouts_page(request):
    return _lockouts(request)


@require_POST
@staff_required(is_hq_supervisor)
def unlock(request):
    form = UnlockForm(request.POST)
    if not form.is_valid():
        return _lockouts(request, 400, " ".join(e for errors in form.errors.values() for e in errors))
    username, address = form.cleaned_data["username"], form.cleaned_data["address"]
    lockouts.unlock(by=request.user, username=username or None, address=address or None)
    messages.success(request, _("Unlocked %(who)s; the unlock is recorded.") % {"who": username or address})
    return redirect("dashboard:lockouts")
