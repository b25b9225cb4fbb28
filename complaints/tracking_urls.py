"""URLs of the citizens' tracking page, included at /track/."""

from django.urls import path

from . import tracking_views

app_name = "track"

urlpatterns = [
    path("", tracking_views.track_form, name="form"),
    path("<str:code>/", tracking_views.track_detail, name="detail"),
    path("<str:code>/feedback/", tracking_views.track_feedback, name="feedback"),
]
