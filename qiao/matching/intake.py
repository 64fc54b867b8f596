"""Public forms and what they received: the pages. Rules are in submissions.py, forms in
intake_forms.py.

Public pages (no login), at /submit/demand/<token>/ and /submit/profile/<token>/, in Simplified or
Traditional Chinese or English (?lang=, remembered as on the activities' registration page, whose
language switch, rate limit and spam checks they share: see qiao/activities/registration.py). An
unknown or closed link gets the same friendly 404 page. A form with problems comes back with each
problem under its field and status 400; nothing is written. A form that is accepted leads to a
thank-you page that says nothing about the registry.

Staff pages: the unit's public form links with their QR codes (staff of the unit or above), and the
review of what the forms received (staff of the owning unit or above; anyone else gets a 404).
"""

from __future__ import annotations

from collections import Counter

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from qiao.activities import registration
from qiao.core import scoping, sensitive
from qiao.core import views as generic
from qiao.people.models import Person

from . import submissions
from .intake_forms import (
    DemandReviewForm,
    DemandSubmissionForm,
    IntakeForm,
    ProfileReviewForm,
    ProfileSubmissionForm,
    StampKey,
)
from .models import Demand, DemandStatus, Intake, IntakeKind, Language, ProfileSubmission, SubmissionStatus

# ---------------------------------------------------------------- public pages


def _message(request, status: int, title: str, message: str, language: str | None, intake=None):
    context = {"title": title, "message": message, "intake": intake}
    return registration._respond(request, "matching/public_message.html", context, status, language)


def _closed(request, language: str | None):
    # the same words for an unknown link, a closed form and a link of the other kind
    title = _("This form is closed")
    message = _("This form is not open, or the link is not valid. Please ask the office that gave you the link.")
    return _message(request, 404, title, message, language)


def _public(request, token: str, kind: str, form_class, template: str, save):
    language = registration._language(request)
    intake = submissions.find_intake(token, kind)
    if intake is None:
        return _closed(request, language)
    statement = submissions.consent_statement(intake)
    if request.method == "GET" and request.GET.get("sent"):
        return registration._respond(request, "matching/public_done.html", {"intake": intake}, language=language)
    status = 200
    if request.method == "POST":
        if registration._over_limit(request, StampKey(intake)):
            title = _("Too many attempts")
            message = _("Too many forms were sent from your connection. Please wait a few minutes and try again.")
            return _message(request, 429, title, message, language, intake)
        form = form_class(request.POST, intake=intake)
        if form.is_valid():
            try:
                saved = save(intake, form, statement, request)
            except ValidationError as error:
                problems = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                for name, texts in problems.items():
                    form.add_error(name if name in form.fields else None, texts)
            else:
                if saved is None:  # closed while the visitor was filling it in
                    return _closed(request, language)
                return HttpResponseRedirect(f"{request.path}?sent=1")
        status = 400
    else:
        form = form_class(intake=intake)
    context = {"intake": intake, "form": form, "consent": statement}
    return registration._respond(request, template, context, status, language)


def _save_demand(intake, form, statement, request):
    return submissions.submit_demand(
        intake.pk,
        form.demand(),
        fields=form.cleaned_data["fields"],
        organization=form.organization(),
        statement=statement,
        language=translation.get_language() or "",
        request_id=getattr(request, "id", None),
    )


def _save_profile(intake, form, statement, request):
    return submissions.submit_profile(
        intake.pk,
        form.submission_data(),
        statement=statement,
        language=translation.get_language() or "",
        request_id=getattr(request, "id", None),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def submit_demand(request, token: str):
    """An enterprise's demand, sent without login."""
    return _public(request, token, IntakeKind.DEMAND, DemandSubmissionForm, "matching/public_demand.html", _save_demand)


@never_cache
@require_http_methods(["GET", "POST"])
def submit_profile(request, token: str):
    """A person's own talent profile, sent without login."""
    return _public(
        request, token, IntakeKind.PROFILE, ProfileSubmissionForm, "matching/public_profile.html", _save_profile
    )


# ---------------------------------------------------------------- staff: the public form links


def qr_code(url: str) -> dict:
    """The link as a QR code: inline SVG for the page, a PNG to download for posters and chats."""
    code = segno.make(url, error="m")
    return {"svg": code.svg_inline(scale=3), "png": code.png_data_uri(scale=10, border=4)}


class IntakeListView(generic.ScopedMixin, TemplateView):
    """The unit's public form links: what each receives, its link and QR code, what waits for review."""

    queryset = Intake.objects.select_related("unit")
    action = "change"
    template_name = "matching/intake_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        from qiao.ledger.services import pending_reports

        waiting = (
            Counter(submissions.pending_demands(user).order_by().values_list("submitted__intake", flat=True))
            + Counter(submissions.pending_profiles(user).order_by().values_list("intake", flat=True))
            + Counter(pending_reports(user).order_by().values_list("intake", flat=True))
        )
        intakes = []
        for intake in self.get_queryset():
            url = self.request.build_absolute_uri(intake.public_url())
            intakes.append({"object": intake, "url": url, "qr": qr_code(url), "waiting": waiting.get(intake.pk, 0)})
        context.update(intakes=intakes, waiting=sum(waiting.values()))
        return context


class IntakeEditView(generic.ObjectEditView):
    """Open a new public form link, edit one, or close and reopen it (the list's buttons)."""

    queryset = Intake.objects.all()
    form_class = IntakeForm

    def post(self, request, *args, **kwargs):
        toggle = request.POST.get("toggle")
        if "pk" in kwargs and toggle in ("open", "close"):
            intake = submissions.set_intake_open(request.user, self.object, toggle == "open")
            if intake.active:
                messages.success(request, _("The form “%(name)s” is open.") % {"name": intake})
            else:
                messages.success(request, _("The form “%(name)s” is closed.") % {"name": intake})
            return redirect("matching:intake_list")
        return super().post(request, *args, **kwargs)


# ---------------------------------------------------------------- staff: the review


class SubmissionListView(LoginRequiredMixin, TemplateView):
    """What the public forms received and waits for review, oldest first (enterprises' problems are
    reviewed in the service ledger: a link with their count)."""

    template_name = "matching/review_list.html"

    def get_context_data(self, **kwargs):
        from qiao.ledger.services import pending_reports

        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            demands=submissions.pending_demands(user)[:500],
            profiles=submissions.pending_profiles(user)[:500],
            can_open_forms=scoping.has_any(user, "change"),
            reports_waiting=pending_reports(user).count(),
        )
        return context


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


class DemandReviewView(generic.ObjectMixin, View):
    """A submitted demand: link it to an organisation and open it, or reject it."""

    queryset = Demand.objects.select_related("unit", "organization")
    action = "change"
    template_name = "matching/review_demand.html"

    def render(self, demand, form, status=200):
        pending = demand.status == DemandStatus.SUBMITTED
        outcome, proposed = submissions.organization_candidates(self.request.user, demand) if pending else ("", [])
        if form is None:
            form = DemandReviewForm(user=self.request.user, proposed=proposed)
        chosen = form.data.get("organization") if form.is_bound else ""
        if not chosen:
            chosen = str(proposed[0].target.pk) if outcome == "same" and proposed else "new"
        context = {
            "demand": demand,
            "pending": pending,
            "organization": submissions.submitted_organization(demand),
            "new_organization": submissions.new_organization(demand) if pending else None,
            "outcome": outcome,
            "proposed": proposed,
            "chosen": chosen,
            "form": form,
            "fields": demand.fields.all(),
            "languages": [str(Language(v).label) for v in demand.languages or [] if v in Language.values],
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render(self.get_object(), None)

    def post(self, request, pk):
        demand = self.get_object()
        if demand.status != DemandStatus.SUBMITTED:
            messages.error(request, _("This form was reviewed already."))
            return HttpResponseRedirect(reverse("matching:demand_review", args=[demand.pk]))
        _outcome, proposed = submissions.organization_candidates(request.user, demand)
        form = DemandReviewForm(request.POST, user=request.user, proposed=proposed)
        if not form.is_valid():
            return self.render(demand, form, status=400)
        cleaned = form.cleaned_data
        try:
            if cleaned["decision"] == "open":
                demand = submissions.open_demand(request.user, demand, organization=cleaned["chosen"])
                messages.success(
                    request,
                    _("The demand “%(demand)s” of %(organization)s is open.")
                    % {"demand": demand, "organization": demand.organization},
                )
            else:
                submissions.reject_demand(request.user, demand, cleaned["reason"])
                messages.success(request, _("The demand “%(demand)s” is rejected.") % {"demand": demand})
        except (ValidationError, PermissionDenied) as error:
            text = _errors(error) if isinstance(error, ValidationError) else str(error)
            form.add_error(None, text)
            return self.render(demand, form, status=400 if isinstance(error, ValidationError) else 403)
        return redirect("matching:submission_list")


class ProfileReviewView(generic.ObjectMixin, View):
    """A submitted talent profile: link it to a person (update them, or a new person), or reject it."""

    queryset = ProfileSubmission.objects.select_related("unit", "intake", "person", "reviewed_by")
    action = "change"
    template_name = "matching/review_profile.html"

    def proposed(self, submission):
        """The registry's candidates, best first, each with what accepting would change on them."""
        decision = submissions.person_candidates(self.request.user, submission)
        ids = [candidate.person.pk for candidate in decision.candidates]
        people = Person.objects.filter(pk__in=ids).select_related("unit").prefetch_related("documents", "education")
        by_id = {person.pk: person for person in people}
        changeable = set(
            Person.objects.restrict(self.request.user, "change").filter(pk__in=ids).values_list("pk", flat=True)
        )
        rows = []
        for candidate in decision.candidates:
            person = by_id.get(candidate.person.pk)
            if person is None:
                continue
            shown = sensitive.masked_person_values(self.request.user, person)
            rows.append(
                {
                    "person": person,
                    "shown": shown,
                    "score": candidate.score,
                    "reasons": candidate.reason_labels(),
                    "can_change": person.pk in changeable,
                    "changes": submissions.planned_changes(person, submission.data, shown),
                }
            )
        return decision.outcome, rows

    def render(self, submission, form, status=200):
        pending = submission.status == SubmissionStatus.PENDING
        outcome, rows = self.proposed(submission) if pending else ("", [])
        if form is None:
            form = ProfileReviewForm(user=self.request.user, proposed=[r["person"] for r in rows if r["can_change"]])
        chosen = form.data.get("person") if form.is_bound else ""
        if not chosen:
            first = rows[0] if rows else None
            chosen = str(first["person"].pk) if outcome == "link" and first and first["can_change"] else "new"
        context = {
            "submission": submission,
            "pending": pending,
            "described": submissions.describe_profile(submission.data),
            "outcome": outcome,
            "rows": rows,
            "chosen": chosen,
            "form": form,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render(self.get_object(), None)

    def post(self, request, pk):
        submission = self.get_object()
        if submission.status != SubmissionStatus.PENDING:
            messages.error(request, _("This form was reviewed already."))
            return HttpResponseRedirect(reverse("matching:profile_submission", args=[submission.pk]))
        _outcome, rows = self.proposed(submission)
        proposed = [row["person"] for row in rows if row["can_change"]]
        form = ProfileReviewForm(request.POST, user=request.user, proposed=proposed)
        if not form.is_valid():
            return self.render(submission, form, status=400)
        cleaned = form.cleaned_data
        try:
            if cleaned["decision"] == "accept":
                person = submissions.accept_profile(request.user, submission, cleaned["chosen"])
                if cleaned["create"]:
                    message = _("%(name)s is now in the registry.")
                else:
                    message = _("%(name)s is updated from the form.")
                messages.success(request, message % {"name": person})
            else:
                submissions.reject_profile(request.user, submission, cleaned["reason"])
                messages.success(request, _("The form is rejected."))
        except (ValidationError, PermissionDenied) as error:
            text = _errors(error) if isinstance(error, ValidationError) else str(error)
            form.add_error(None, text)
            return self.render(submission, form, status=400 if isinstance(error, ValidationError) else 403)
        return redirect("matching:submission_list")
