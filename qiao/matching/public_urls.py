"""Public forms (no login), included at /submit/ by qiao/urls.py: enterprises send a demand, people
send their talent profile. Namespace "matching_public"; see intake.py."""

from django.urls import path

from . import intake

app_name = "matching_public"

urlpatterns = [
    path("demand/<slug:token>/", intake.submit_demand, name="demand"),
    path("profile/<slug:token>/", intake.submit_profile, name="profile"),
]
