"""Attendance on the day: a phone-sized check-in page (search by name in any script, or scan or
type a participant's code) and a printable sign-in sheet with each participant's code."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from qiao.core import search
from qiao.core import views as generic
from qiao.people.models import Person

from . import services
from .models import Activity, Participation, ParticipationStatus

LIMIT = 30


class CheckInView(generic.ObjectMixin, View):
    """GET: the page (htmx asks for the result list only); POST: check one participant in."""

    queryset = Activity.objects.select_related("kind", "unit")
    template_name = "activities/checkin.html"

    def get(self, request, pk):
        activity = self.get_object()
        query = request.GET.get("q", "").strip()
        rows = Participation.objects.filter(activity=activity).select_related("person")
        if query:
            code = services.participation_id(query) if query.isdigit() else None
            participants = Person.objects.filter(participations__activity=activity)
            found = search.search(participants, query).values("pk") if not code else None
            rows = rows.filter(pk=code) if code else rows.filter(person__in=found)
        rows = rows.exclude(status=ParticipationStatus.CANCELLED).order_by("status", "person__name")
        context = {
            "activity": activity,
            "rows": rows[:LIMIT],
            "query": query,
            "total": Participation.objects.filter(activity=activity).exclude(status="cancelled").count(),
            "attended": Participation.objects.filter(activity=activity, status="attended").count(),
            "can_change": Activity.objects.restrict(request.user, "change").filter(pk=activity.pk).exists(),
        }
        if getattr(request, "htmx", False):
            return render(request, "activities/_checkin_rows.html", context)
        return render(request, self.template_name, context)

    def post(self, request, pk):
        activity = self.get_object()
        participation = get_object_or_404(Participation, activity=activity, pk=request.POST.get("participation"))
        services.set_status(request.user, participation, ParticipationStatus.ATTENDED)
        messages.success(request, _("%(name)s is checked in.") % {"name": participation.person})
        query = request.POST.get("q", "")
        url = reverse("activities:checkin", args=[activity.pk])
        return HttpResponseRedirect(f"{url}?q={query}" if query else url)


class CodeCheckInView(LoginRequiredMixin, View):
    """Where a participant's QR code leads: their name and one button to check them in."""

    def get_participation(self, request, code):
        number = services.participation_id(code)
        if number is None:
            raise Http404
        return get_object_or_404(
            Participation.objects.restrict(request.user).select_related("activity", "person"), pk=number
        )

    def get(self, request, code):
        participation = self.get_participation(request, code)
        return render(request, "activities/checkin_code.html", {"participation": participation, "code": code})

    def post(self, request, code):
        participation = self.get_participation(request, code)
        services.set_status(request.user, participation, ParticipationStatus.ATTENDED)
        messages.success(request, _("%(name)s is checked in.") % {"name": participation.person})
        return HttpResponseRedirect(reverse("activities:checkin", args=[participation.activity_id]))


class SignInSheetView(generic.ObjectMixin, View):
    """A printable list: name, origin, role, a box to sign, and the participant's code as a QR."""

    queryset = Activity.objects.select_related("kind", "unit")

    def get(self, request, pk):
        activity = self.get_object()
        rows = (
            Participation.objects.filter(activity=activity)
            .exclude(status=ParticipationStatus.CANCELLED)
            .select_related("person")
            .order_by("person__name")
        )
        lines = []
        for participation in rows:
            code = services.checkin_code(participation)
            url = request.build_absolute_uri(reverse("activities:checkin_code", args=[code]))
            lines.append(
                {"participation": participation, "code": code, "qr": segno.make(url, error="m").svg_inline(scale=2)}
            )
        return render(request, "activities/signin_sheet.html", {"activity": activity, "lines": lines})
