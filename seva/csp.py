"""The Content-Security-Policy header (django-csp), with the directives of settings.CSP_PATH_DIRECTIVES
replacing the site-wide ones under their path prefixes: library pages we cannot give nonces (the API
docs). Scripts stay nonce-or-self everywhere. In style-src a nonce would make browsers ignore
'unsafe-inline', so there the directive is replaced, not extended."""

from csp.middleware import CSPMiddleware
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        for prefix, directives in getattr(settings, "CSP_PATH_DIRECTIVES", {}).items():
            if request.path_info.startswith(prefix):
                parts.replace = {**(parts.replace or {}), **directives}
                break
        return parts
