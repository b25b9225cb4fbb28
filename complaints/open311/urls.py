"""/open311/v2/: GeoReport v2, JSON only."""

from django.urls import path

from . import views

app_name = "open311"

urlpatterns = [
    path("services.json", views.ServicesView.as_view(), name="services"),
    path("requests.json", views.RequestsView.as_view(), name="requests"),
    path("requests/<str:code>.json", views.RequestView.as_view(), name="request"),
]
