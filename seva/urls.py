from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from seva import health, language

admin.site.site_header = "UP Police Twitter Seva"
admin.site.site_title = "Twitter Seva HQ"
admin.site.index_title = "HQ administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", health.prometheus, name="metrics"),
    # Browsers ask for /favicon.ico whatever the page links; send them to the one icon.
    path("favicon.ico", lambda request: redirect(static("dashboard/favicon.svg"), permanent=False), name="favicon"),
]

# Public tracking page, REST API with its schema and docs, Open311 (issue 5).
from django.conf import settings as _settings  # noqa: E402
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView  # noqa: E402
from twitter_ingest import api as _costs  # noqa: E402

urlpatterns += [
    path("track/", include("complaints.tracking_urls")),
    path("api/v1/costs/", _costs.CostsView.as_view(), name="api-costs"),
    path("api/v1/ingest/rejected/", _costs.RejectedInputView.as_view(), name="api-rejected-input"),
    path("api/v1/", include("complaints.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from a URL: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("open311/v2/", include("complaints.open311.urls")),
]
if _settings.BENCH_VIEWS:
    from complaints.tracking_views import bench_constant  # noqa: E402

    urlpatterns += [path("bench/constant/", bench_constant, name="bench-constant")]

# The dashboard (HQ inbox, unit queues, supervisors, league table, exports; issue 4), at the root.
urlpatterns += [path("", include("dashboard.urls"))]
