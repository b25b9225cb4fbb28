"""Helpers shared by the dashboard views."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from complaints import codes, scoping
from complaints.models import Complaint

from .. import roles


def staff_required(*checks):
    """Login required; then one of the role checks must pass (403 otherwise). No checks: any staff."""
    checks = checks or (roles.is_staff_member,)

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            roles.require(request.user, *checks)
            return view(request, *args, **kwargs)
        return wrapper
    return decorator


def visible(request):
    return scoping.visible_complaints(request.user)


def complaint_or_404(request, code, queryset=None):
    """The complaint with this code if the user may see it; 404 for unknown and for not visible alike."""
    try:
        code = codes.normalise(code)
    except codes.CodeError:
        raise Http404 from None
    qs = scoping.visible_complaints(request.user, queryset)
    try:
        return qs.with_related().get(tracking_code=code)
    except Complaint.DoesNotExist:
        raise Http404 from None


def safe_next(request, value, default):
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return default


def redirect_next(request, default):
    return redirect(safe_next(request, request.POST.get("next") or request.GET.get("next"), default))


def complaint_url(complaint):
    return reverse("dashboard:complaint", args=[complaint.tracking_code])
