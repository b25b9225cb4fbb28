"""Each staff login's language. The header switch stores the choice on the login's StaffProfile as well
as in the browser's cookie, and every request of that login is served in it, so a PRO who chose Hindi
on the desk PC gets Hindi on the CUG phone too. Without a stored choice the browser's (cookie, then
Accept-Language) applies, as for the public pages."""

from django.conf import settings
from django.utils import translation
from django.views import i18n

from complaints import scoping
from districts.models import StaffProfile


def set_language(request):
    """Django's set_language, which also remembers the choice for a logged-in staff member."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and translation.check_for_language(language):
        StaffProfile.objects.filter(user=request.user).update(language=language)
    return response


class StaffLanguageMiddleware:
    """After LocaleMiddleware and authentication: a staff login's stored language wins over the browser's.
    Requests without a session cookie (the public tracking page) are not looked at."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            profile = scoping.staff_profile(request.user)
            if profile is not None and profile.language and translation.check_for_language(profile.language):
                translation.activate(profile.language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
