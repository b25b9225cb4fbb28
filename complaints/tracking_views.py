"""The citizens' tracking page: /track/ (a form; GET ?code=) and /track/<code>/ (the link in the reply
tweet), plus the satisfied / not satisfied form after resolution.

Phone first and without JavaScript. Lookups are throttled per client address (TRACK_THROTTLE), and the
page is cache-friendly: an ETag from the complaint's newest event, Last-Modified from its updated_at, a
short max-age, and the rendered page kept in the cache per code and language (dropped by every change
of the complaint, see complaints.public), so a busy code costs no query at all. The language is switched with ?lang=hi / ?lang=en (kept in the language cookie),
so the page needs no form and no CSRF token and stays cacheable.
"""

import math
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import codes, feedback, metrics, public
from .api.throttling import TrackThrottle
from .models import Complaint


def _language(request):
    """?lang= switches the language for this and later pages (through the language cookie)."""
    if not request.META.get("QUERY_STRING"):
        return None
    wanted = request.GET.get("lang", "")
    if wanted in dict(settings.LANGUAGES):
        translation.activate(wanted)
        request.LANGUAGE_CODE = wanted
        return wanted
    return None


def _finish(request, response, chosen_language, *, max_age=None):
    if chosen_language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen_language, max_age=365 * 24 * 3600,
                            samesite="Lax")
    response["Cache-Control"] = "no-cache" if max_age is None else f"public, max-age={max_age}"
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def throttled(request):
    """The friendly 429, in both languages at once (the citizen may not have chosen one yet)."""
    throttle = TrackThrottle()
    if throttle.allow_request(request, None):
        return None
    metrics.count_lookup("throttled")
    wait = max(1, math.ceil(throttle.wait() or 60))
    response = render(request, "track/throttled.html", {"retry_after": wait}, status=429)
    response["Retry-After"] = str(wait)
    patch_cache_control(response, no_store=True)
    return response


def _form(request, chosen, *, raw="", error="", status=200):
    response = render(request, "track/form.html", {"raw": raw, "error": error}, status=status)
    return _finish(request, response, chosen, max_age=None if error else 300)


def parse_code(raw):
    """(canonical code, None) or (None, (message, http status)) for what a citizen typed."""
    try:
        return codes.normalise(raw), None
    except codes.CodeTypo:
        metrics.count_lookup("typo")
        return None, (_("This code has a typo: one letter or digit is wrong, or two are swapped. "
                        "Please check it against the reply tweet."), 400)
    except codes.MalformedCode:
        metrics.count_lookup("malformed")
        return None, (_("That is not a tracking code. A code looks like UPP-7K3M9-Q2XCF: UPP and ten "
                        "letters and digits."), 400)


@require_GET
def track_form(request):
    chosen = _language(request)
    raw = request.GET.get("code", "")
    if not raw.strip():
        return _form(request, chosen)
    limited = throttled(request)
    if limited:
        return limited
    code, problem = parse_code(raw[:200])
    if problem:
        return _form(request, chosen, raw=raw[:200], error=problem[0], status=problem[1])
    return redirect("track:detail", code=code)


def _not_found(request, chosen, raw):
    metrics.count_lookup("not_found")
    return _form(request, chosen, raw=raw, status=404, error=_(
        "No complaint has this code. Please check the code in the reply tweet; a new complaint can take "
        "a few minutes to appear."))


CANONICAL = re.compile(r"UPP-[0-9A-Z]{5}-[0-9A-Z]{5}")


@require_GET
def track_detail(request, code):
    chosen = _language(request)
    limited = throttled(request)
    if limited:
        return limited
    language = translation.get_language() or settings.LANGUAGE_CODE
    # Hot path: a canonical code whose page is cached costs no parsing and no query. Only canonical,
    # existing codes are ever cached, and every change of the complaint drops its pages.
    entry = cache.get(public.page_cache_key(code, language)) if CANONICAL.fullmatch(code) else None
    if entry is None:
        canonical, problem = parse_code(code[:200])
        if problem:
            return _form(request, chosen, raw=code[:200], error=problem[0], status=problem[1])
        if canonical != code:
            return redirect("track:detail", code=canonical)
        entry = _render_page(request, canonical, language)
        if entry is None:
            return _not_found(request, chosen, code)
    metrics.count_lookup("found")
    etag, last_modified, html = entry
    max_age = int(getattr(settings, "TRACK_MAX_AGE", 30))
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(html)
        response["Last-Modified"] = last_modified
    response["ETag"] = etag
    return _finish(request, response, chosen, max_age=max_age)


def _render_page(request, code, language):
    complaint = public.with_last_event(Complaint.objects.with_related()).filter(tracking_code=code).first()
    if complaint is None:
        return None
    html = render_to_string("track/detail.html", {"c": public.public_view(complaint)}, request=request)
    entry = (quote_etag(f"{code}-{complaint.last_event_id}-{language}"),
             http_date(complaint.updated_at.timestamp()), html)
    cache.set(public.page_cache_key(code, language), entry, public.page_cache_seconds())
    return entry


@require_http_methods(["GET", "POST"])
def track_feedback(request, code):
    """After resolution the citizen may say satisfied or not; "not satisfied" is a reopen request for
    HQ. Neither changes the complaint (complaints.feedback says why and how answers are limited)."""
    chosen = _language(request)
    limited = throttled(request)
    if limited:
        return limited
    canonical, problem = parse_code(code[:200])
    if problem:
        return _form(request, chosen, raw=code[:200], error=problem[0], status=problem[1])
    complaint = Complaint.objects.filter(tracking_code=canonical).first()
    if complaint is None:
        return _not_found(request, chosen, code)
    context = {"code": canonical, "open": complaint.status not in public.FEEDBACK_STATUSES}
    if request.method == "GET" or context["open"]:
        status = 409 if request.method == "POST" else 200
        return _finish(request, render(request, "track/feedback.html", context, status=status), chosen)

    answer = request.POST.get("answer", "")
    if answer not in feedback.ANSWERS:
        context["error"] = _("Please choose one of the two buttons.")
        return _finish(request, render(request, "track/feedback.html", context, status=400), chosen)
    wait = feedback.over_limit(request, canonical)
    if wait:
        context["error"] = _("Too many answers have come for this complaint or from this network. Please try "
                             "again later.")
        response = render(request, "track/feedback.html", context, status=429)
        response["Retry-After"] = str(wait)
        return _finish(request, response, chosen)
    already = feedback.record_answer(complaint, answer, request.POST.get("comment", ""))
    context.update(done=True, already=already, answer=answer)
    return _finish(request, render(request, "track/feedback.html", context), chosen)


def bench_constant(request):
    """A view that returns a constant, for the lookup benchmark only (settings.BENCH_VIEWS)."""
    return HttpResponse("ok", content_type="text/plain")


