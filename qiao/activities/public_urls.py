"""Public pages of activities (no login), included at /register/ by qiao/urls.py. Not namespaced:
`reverse("activity_register", args=[activity.registration_token])`."""

from django.urls import path

from . import registration

urlpatterns = [
    path("<slug:token>/", registration.register, name="activity_register"),
    path("<slug:token>/done/", registration.done, name="activity_register_done"),
]
