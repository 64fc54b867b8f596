"""Pages of carriers and the teams and enterprises they host: lists with their figures, a carrier's page
(occupancy now and by month, residents now and past), a residency's page (founders, outcomes), their
edit pages, exits and outcomes. Every rule is in services.py; every page reaches records through the
restricted querysets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from qiao.core import scoping
from qiao.core import views as generic
from qiao.core.choices import OrganizationRegion
from qiao.core.days import local_today

from . import services
from .filtersets import CarrierFilterSet, ResidencyFilterSet
from .forms import CarrierForm, ExitForm, MilestoneForm, ResidencyForm
from .models import Carrier, CarrierKind, Milestone, Residency, ResidentKind
from .tables import CarrierTable, ResidencyTable

residencies = Residency.objects.filter(carrier__deleted_at__isnull=True).select_related(
    "carrier", "carrier__unit", "field", "organization"
)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, texts in error.message_dict.items():
            for text in texts:
                form.add_error(field if field in form.fields else None, text)
    else:
        for text in error.messages:
            form.add_error(None, text)


# ---------------------------------------------------------------- carriers


class CarrierListView(generic.ObjectListView):
    queryset = Carrier.objects.select_related("unit", "operator")
    filterset_class = CarrierFilterSet
    table_class = CarrierTable
    partial_template = "carriers/_carrier_table.html"
    export_name = "carriers"
    add_url_name = "carriers:carrier_add"
    bulk_delete_url_name = "carriers:carrier_bulk_delete"
    trash_url_name = "carriers:carrier_trash"
    title = gettext_lazy("Carriers")

    def get_queryset(self):
        return services.annotate_occupancy(super().get_queryset(), local_today(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = local_today(self.request.user)
        figures = services.carrier_figures(self.object_list, on=today)
        figures["kinds"] = [(CarrierKind(k).label, n) for k, n in figures["by_kind"].items() if n]
        context.update(totals=figures, residents_url=reverse("carriers:residency_list"))
        return context


class CarrierTrashView(generic.ObjectTrashView):
    queryset = Carrier.all_objects.select_related("unit")
    filterset_class = CarrierFilterSet
    title = gettext_lazy("Deleted carriers")
    export_name = "carriers-deleted"
    restore_url_name = "carriers:carrier_restore"
    back_url_name = "carriers:carrier_list"


class CarrierRestoreView(generic.ObjectRestoreView):
    queryset = Carrier.all_objects.all()


class CarrierDeleteView(generic.ObjectDeleteView):
    queryset = Carrier.objects.all()
    action = "delete"
    success_url_name = "carriers:carrier_list"


class CarrierBulkDeleteView(generic.BulkDeleteView):
    queryset = Carrier.objects.all()
    success_url_name = "carriers:carrier_list"


class CarrierEditView(generic.ObjectEditView):
    queryset = Carrier.objects.all()
    form_class = CarrierForm


class CarrierView(generic.ObjectView):
    queryset = Carrier.all_objects.select_related("unit", "operator")
    template_name = "carriers/carrier.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        carrier = self.object
        user = self.request.user
        today = local_today(user)
        rows = (
            Residency.objects.restrict(user)
            .filter(carrier=carrier)
            .select_related("field", "organization")
            .prefetch_related("founders", "milestones")
            .order_by("-entered_on", "-id")
        )
        present = rows.filter(services.hosted_on(today))
        past = rows.exclude(pk__in=present.values("pk"))
        hosted = services.occupancy(carrier, today)
        months = services.occupancy_by_month(carrier, today)
        can_change = context["can_change"] and not carrier.is_deleted
        context.update(
            today=today,
            hosted=hosted,
            free=(carrier.capacity - hosted) if carrier.capacity is not None else None,
            percent=round(100 * hosted / carrier.capacity) if carrier.capacity else None,
            months=months,
            chart={
                "months": [m["month"].strftime("%Y-%m") for m in months],
                "hosted": [m["hosted"] for m in months],
                "peak": [m["peak"] for m in months],
                "capacity": carrier.capacity,
                "labels": {"hosted": _("hosted at month end"), "peak": _("peak"), "capacity": _("capacity")},
            },
            present=list(present[:200]),
            past=list(past[:200]),
            can_change=can_change,
            can_undo=scoping.may(user, "delete", carrier.unit_id),
            figures=services.figures(Residency.objects.filter(carrier=carrier), on=today),
        )
        return context


class CarrierHistoryView(generic.ObjectHistoryView):
    queryset = Carrier.all_objects.all()
    base_template = "carriers/carrier.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(months=[], present=[], past=[], hosted=None, chart=None, figures=None)
        return context

    def related_history(self):
        ids = list(Residency.objects.filter(carrier=self.object).values_list("pk", flat=True)[:1000])
        return [(Residency, ids)]


# ---------------------------------------------------------------- residencies


class ResidencyListView(generic.ObjectListView):
    queryset = residencies.prefetch_related("founders", "milestones")
    filterset_class = ResidencyFilterSet
    table_class = ResidencyTable
    partial_template = "carriers/_residency_table.html"
    export_name = "carrier-residents"
    add_url_name = "carriers:residency_add"
    title = gettext_lazy("Hosted teams and enterprises")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = local_today(self.request.user)
        figures = services.figures(self.object_list, on=today)
        figures["origins"] = [
            (OrganizationRegion(code).label, row) for code, row in figures["by_origin"].items() if row["ever_hosted"]
        ]
        context.update(totals=figures)
        return context


class ResidencyView(generic.ObjectView):
    queryset = residencies.prefetch_related("founders")
    template_name = "carriers/residency.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        residency = self.object
        user = self.request.user
        context.update(
            milestones=list(residency.milestones.select_related("organization").order_by("on", "id")),
            founders=list(residency.founders.all()),
            today=local_today(user),
            can_undo=scoping.may(user, "delete", residency.carrier.unit_id),
            hosted_today=residency.entered_on <= local_today(user) and residency.exited_on is None,
        )
        return context


class ResidencyEditView(generic.ObjectEditView):
    queryset = residencies
    form_class = ResidencyForm

    def get_object(self):
        obj = super().get_object()
        if obj.pk is None:
            carrier = generic.query_id(self.request, "carrier")
            if carrier is not None:
                found = Carrier.objects.restrict(self.request.user, "change").filter(pk=carrier).first()
                if found is not None:
                    obj.carrier = found
            obj.kind = self.request.GET.get("kind") if self.request.GET.get("kind") in ResidentKind.values else ""
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["model_name"] = _("team or enterprise")
        return context


class ResidencyHistoryView(generic.ObjectHistoryView):
    queryset = residencies
    base_template = "carriers/residency.html"


class ResidencyMixin(generic.ObjectMixin):
    queryset = residencies
    action = "change"


class ResidencyFormView(ResidencyMixin, TemplateView):
    """A small form page about one residency (exit, outcome); a POST calls the service."""

    template_name = "carriers/residency_form.html"
    form_class = None
    title = ""

    def get(self, request, pk):
        self.object = self.get_object()
        return self.render_to_response(self.context(self.form_class(user=request.user)))

    def post(self, request, pk):
        self.object = self.get_object()
        form = self.form_class(request.POST, user=request.user)
        if form.is_valid():
            try:
                text = self.perform(form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, text)
                return HttpResponseRedirect(self.success_url())
        return self.render_to_response(self.context(form), status=400)

    def success_url(self) -> str:
        nxt = self.request.POST.get("next", "")
        if nxt == "carrier":
            return self.object.carrier.get_absolute_url()
        return self.object.get_absolute_url()

    def context(self, form) -> dict:
        return {
            "object": self.object,
            "form": form,
            "title": self.title_for(),
            "next": self.request.GET.get("next") or self.request.POST.get("next", ""),
        }


class ExitView(ResidencyFormView):
    form_class = ExitForm

    def get(self, request, pk):
        self.object = self.get_object()
        kind = request.GET.get("kind", "graduated")
        form = ExitForm(user=request.user, initial={"kind": kind})
        return self.render_to_response(self.context(form))

    def title_for(self) -> str:
        return _("Graduate or leave: %(name)s") % {"name": self.object}

    def perform(self, data) -> str:
        residency = services.exit_residency(
            self.request.user, self.object, data["kind"], data["on"], note=data.get("note", "")
        )
        return _("“%(name)s”: %(how)s on %(date)s.") % {
            "name": residency.name,
            "how": residency.get_exit_kind_display(),
            "date": residency.exited_on.isoformat(),
        }


class MilestoneAddView(ResidencyFormView):
    form_class = MilestoneForm

    def title_for(self) -> str:
        return _("Add an outcome: %(name)s") % {"name": self.object}

    def perform(self, data) -> str:
        milestone = services.add_milestone(
            self.request.user,
            self.object,
            data["kind"],
            data["on"],
            amount=data.get("amount"),
            organization=data.get("organization"),
            note=data.get("note", ""),
        )
        return _("Outcome recorded: %(outcome)s.") % {"outcome": milestone}


class UndoExitView(ResidencyMixin, View):
    action = "delete"

    def post(self, request, pk):
        residency = self.get_object()
        try:
            services.undo_exit(request.user, residency)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("“%(name)s” is hosted again.") % {"name": residency.name})
        return HttpResponseRedirect(residency.get_absolute_url())


class MilestoneDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        milestone = get_object_or_404(
            Milestone.objects.restrict(request.user, "change").filter(residency__carrier__deleted_at__isnull=True),
            pk=pk,
        )
        try:
            services.delete_milestone(request.user, milestone)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Outcome removed."))
        return HttpResponseRedirect(reverse("carriers:residency", args=[milestone.residency_id]))


class ResidencyDeleteView(ResidencyMixin, TemplateView):
    action = "delete"
    template_name = "generic/object_delete.html"

    def get(self, request, pk):
        return self.render_to_response({"object": self.get_object()})

    def post(self, request, pk):
        residency = self.get_object()
        carrier = residency.carrier
        services.delete_residency(request.user, residency)
        messages.success(request, _("Deleted “%(name)s”.") % {"name": residency})
        return HttpResponseRedirect(carrier.get_absolute_url())
