"""/api/v1/: complaints, units, categories, the league table and the public lookup."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from districts.api import UnitViewSet

from . import views

router = DefaultRouter()
router.register("complaints", views.ComplaintViewSet, basename="complaint")
router.register("units", UnitViewSet, basename="unit")
router.register("categories", views.CategoryViewSet, basename="category")

app_name = "api"

urlpatterns = [
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("track/<str:code>/", views.PublicTrackView.as_view(), name="track"),
    path("", include(router.urls)),
]
