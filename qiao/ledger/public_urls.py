"""The public problem form (no login), included at /report/ by qiao/urls.py. Namespace
"ledger_public"; the name "case" is the Intake kind (Intake.public_url())."""

from django.urls import path

from . import public

app_name = "ledger_public"

urlpatterns = [
    path("case/<slug:token>/", public.report_case, name="case"),
]
