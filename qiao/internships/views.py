"""Internship pages: positions with their applicants, placing people in batches, placements with
their batch totals. Every rule is in services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from qiao.core import scoping
from qiao.core import views as generic

from . import services
from .filtersets import PlacementFilterSet, PositionFilterSet
from .forms import ApplicantForm, PlacementForm, PositionForm
from .models import ApplicationStatus, InternshipApplication, InternshipPosition, Placement
from .tables import ApplicationTable, PlacementTable, PositionTable

positions = (
    InternshipPosition.objects.select_related("unit", "organization")
    .annotate(
        n_applied=Count("applications", filter=~Q(applications__status=ApplicationStatus.WITHDRAWN)),
        n_placed=Count("applications", filter=Q(applications__status=ApplicationStatus.PLACED)),
    )
    .order_by("-start_date", "-id")
)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class PositionListView(generic.ObjectListView):
    queryset = positions
    filterset_class = PositionFilterSet
    table_class = PositionTable
    export_name = "internship-positions"
    add_url_name = "internships:position_add"
    bulk_delete_url_name = "internships:position_bulk_delete"
    trash_url_name = "internships:position_trash"
    title = gettext_lazy("Internship positions")
    template_name = "internships/position_list.html"


class PositionTrashView(generic.ObjectTrashView):
    queryset = InternshipPosition.all_objects.select_related("unit")
    filterset_class = PositionFilterSet
    title = gettext_lazy("Deleted internship positions")
    export_name = "internship-positions-deleted"
    restore_url_name = "internships:position_restore"
    back_url_name = "internships:position_list"


class PositionRestoreView(generic.ObjectRestoreView):
    queryset = InternshipPosition.all_objects.all()


class PositionView(generic.ObjectView):
    queryset = positions
    template_name = "internships/position.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        position = self.object
        applications = (
            InternshipApplication.objects.restrict(self.request.user)
            .filter(position=position)
            .select_related("person", "placement", "placement__batch")
            .order_by("applied_at", "id")
        )
        status = self.request.GET.get("status", "")
        if status in ApplicationStatus.values:
            applications = applications.filter(status=status)
        table = ApplicationTable(applications)
        table.paginate(page=self.request.GET.get("page", 1), per_page=100)
        can_change = context["can_change"] and not position.is_deleted
        context.update(
            applications=table,
            statuses=ApplicationStatus.choices,
            status=status,
            can_change=can_change,
            applicant_form=ApplicantForm(user=self.request.user) if can_change else None,
            places_left=max(position.slots - position.placed_count, 0),
        )
        return context


class PositionHistoryView(generic.ObjectHistoryView):
    queryset = InternshipPosition.objects.all()
    base_template = "internships/position.html"


class PositionEditView(generic.ObjectEditView):
    queryset = InternshipPosition.objects.all()
    form_class = PositionForm


class PositionDeleteView(generic.ObjectDeleteView):
    queryset = InternshipPosition.objects.all()
    action = "delete"
    success_url_name = "internships:position_list"


class PositionBulkDeleteView(generic.BulkDeleteView):
    queryset = InternshipPosition.objects.all()
    success_url_name = "internships:position_list"


class ApplicantAddView(generic.ObjectMixin, View):
    """Record an application for a position: a person picked with the cross-script search."""

    queryset = InternshipPosition.objects.all()
    action = "change"

    def post(self, request, pk):
        position = self.get_object()
        form = ApplicantForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(position.get_absolute_url())
        person = form.cleaned_data["person"]
        try:
            application = services.apply(request.user, position, person, notes=form.cleaned_data["notes"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return HttpResponseRedirect(position.get_absolute_url())
        messages.success(request, _("%(name)s has applied.") % {"name": person})
        return HttpResponseRedirect(application.get_absolute_url())


class ApplicationStatusView(LoginRequiredMixin, View):
    """Shortlist, reject, withdraw or reopen an application (a small form on the position page)."""

    def post(self, request, pk):
        application = get_object_or_404(
            InternshipApplication.objects.restrict(request.user, "change").select_related("position", "person"), pk=pk
        )
        try:
            services.set_status(request.user, application, request.POST.get("status", ""))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            application.refresh_from_db()
            messages.success(
                request,
                _("%(name)s: %(status)s.") % {"name": application.person, "status": application.get_status_display()},
            )
        return HttpResponseRedirect(application.get_absolute_url())


class PlaceView(generic.ObjectEditView):
    """Place an applicant in a batch: the generic edit page, on a new placement of the application."""

    queryset = Placement.objects.all()
    form_class = PlacementForm
    template_name = "internships/placement_edit.html"

    def get_object(self):
        application = get_object_or_404(
            InternshipApplication.objects.restrict(self.request.user, "change").select_related("position", "person"),
            pk=self.kwargs["pk"],
            position__deleted_at__isnull=True,
        )
        return Placement(application=application)


class PlacementEditView(generic.ObjectEditView):
    queryset = Placement.objects.select_related("application", "application__position", "application__person")
    form_class = PlacementForm
    template_name = "internships/placement_edit.html"


class PlacementCancelView(LoginRequiredMixin, View):
    """Undo a placement: the place is freed and the intern is taken off the batch's list."""

    def post(self, request, pk):
        placement = get_object_or_404(
            Placement.objects.restrict(request.user, "change").select_related("application", "application__position"),
            pk=pk,
        )
        application = services.cancel_placement(request.user, placement)
        messages.success(request, _("The placement of %(name)s is cancelled.") % {"name": application.person})
        return HttpResponseRedirect(application.get_absolute_url())


class PlacementListView(generic.ObjectListView):
    queryset = Placement.objects.select_related(
        "application",
        "application__person",
        "application__position",
        "application__position__organization",
        "batch",
    )
    filterset_class = PlacementFilterSet
    table_class = PlacementTable
    partial_template = "internships/_placement_table.html"
    export_name = "internship-placements"
    title = gettext_lazy("Placements")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = context["filter"]
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else self.get_queryset()
        context["totals"] = services.totals(rows.order_by())
        context["can_change"] = scoping.has_any(self.request.user, "change")
        return context
