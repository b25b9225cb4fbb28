from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "UP Police Twitter Seva"
admin.site.site_title = "Twitter Seva HQ"
admin.site.index_title = "HQ administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
