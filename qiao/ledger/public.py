"""The public problem form, at /report/case/<token>/: an enterprise reports a problem without login,
in Simplified or Traditional Chinese or English. It is one of the public forms of
qiao/matching/intake.py (an Intake of the kind "case"), served by the same page logic: the same
language switch, rate limit, spam checks (honeypot and time stamp), "form closed" page for an
unknown or closed link, and thank-you page that says nothing about the registry."""

from __future__ import annotations

from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qiao.matching import intake
from qiao.matching.models import IntakeKind

from . import services
from .forms import CaseReportForm


def _save(found, form, statement, request):
    return services.submit_report(
        found.pk,
        form.report_data(),
        statement=statement,
        language=translation.get_language() or "",
        request_id=getattr(request, "id", None),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def report_case(request, token: str):
    """A problem an enterprise reports (organisation, contact, category, title, description)."""
    return intake._public(request, token, IntakeKind.CASE, CaseReportForm, "ledger/public_report.html", _save)
