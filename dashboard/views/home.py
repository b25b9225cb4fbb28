from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from .. import roles


@login_required
def home(request):
    """Each login starts where its work is: HQ's inbox, the unit's queue or the supervisor's view."""
    name = roles.home_url_name(request.user)
    if name is None:
        raise PermissionDenied
    return redirect(name)
