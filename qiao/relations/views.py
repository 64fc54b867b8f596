"""Pages of the contact log and key contacts; every rule is in services.py, every record is reached
through the restricted querysets (an invisible one is a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from qiao.core import scoping
from qiao.core import services as core_services
from qiao.core import views as generic
from qiao.core.days import local_today
from qiao.orgs.models import Organization
from qiao.people.models import Person

from . import services
from .figures import relationship_figures
from .filtersets import InteractionFilterSet, KeyContactFilterSet
from .forms import EndKeyContactForm, FiguresForm, FollowUpDoneForm, InteractionForm, KeyContactForm
from .models import Interaction, KeyContact
from .tables import InteractionTable, KeyContactTable
from .timeline import timeline

interactions = Interaction.objects.select_related("unit", "activity", "agreement", "logged_by").prefetch_related(
    "people", "organizations", "staff"
)
key_contacts = KeyContact.objects.select_related("unit", "person", "organization", "responsible")


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _visible(model, user, pk):
    return model.objects.restrict(user).filter(pk=pk).first() if pk is not None else None


# ---------------------------------------------------------------- interactions


class InteractionListView(generic.ObjectListView):
    queryset = interactions
    filterset_class = InteractionFilterSet
    table_class = InteractionTable
    partial_template = "relations/_interaction_table.html"
    template_name = "relations/interaction_list.html"
    export_name = "interactions"
    add_url_name = "relations:interaction_add"
    bulk_delete_url_name = "relations:interaction_bulk_delete"
    trash_url_name = "relations:interaction_trash"
    title = gettext_lazy("Contact log")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = services.interaction_figures(self.object_list)
        return context


class InteractionTrashView(generic.ObjectTrashView):
    queryset = Interaction.all_objects.select_related("unit")
    filterset_class = InteractionFilterSet
    title = gettext_lazy("Deleted interactions")
    export_name = "interactions-deleted"
    restore_url_name = "relations:interaction_restore"
    back_url_name = "relations:interaction_list"


class InteractionRestoreView(generic.ScopedMixin, View):
    queryset = Interaction.all_objects.all()
    action = "delete"

    def post(self, request, pk):
        obj = get_object_or_404(self.get_queryset().filter(deleted_at__isnull=False), pk=pk)
        services.restore_interaction(request.user, obj)
        messages.success(request, _("Restored “%(name)s”.") % {"name": obj})
        return HttpResponseRedirect(obj.get_absolute_url())


class InteractionBulkDeleteView(generic.ScopedMixin, View):
    queryset = Interaction.objects.all()

    def post(self, request):
        ids = [int(pk) for pk in request.POST.getlist("pk") if pk.isdigit()]
        objects = list(self.queryset.restrict(request.user, "delete").filter(pk__in=ids))
        if len(objects) != len(set(ids)):
            raise Http404(_("Some selected records are not available to you."))
        with core_services.writing():
            for obj in objects:
                services.delete_interaction(request.user, obj)
        messages.success(
            request,
            ngettext("Deleted %(count)d record.", "Deleted %(count)d records.", len(objects)) % {"count": len(objects)},
        )
        return HttpResponseRedirect(reverse("relations:interaction_list"))


class InteractionView(generic.ObjectView):
    queryset = Interaction.all_objects.select_related("unit", "activity", "agreement", "logged_by").prefetch_related(
        "people", "organizations", "staff"
    )
    template_name = "relations/interaction.html"

    def get_queryset(self):
        queryset = super().get_queryset()
        if not scoping.has_any(self.request.user, "delete"):
            queryset = queryset.filter(deleted_at__isnull=True)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        context["today"] = local_today(self.request.user)
        context["can_change"] = context["can_change"] and not obj.is_deleted
        context["follow_up_form"] = FollowUpDoneForm(initial={"on": context["today"]})
        return context


class InteractionHistoryView(generic.ObjectHistoryView):
    queryset = Interaction.objects.all()
    base_template = "relations/interaction.html"


class InteractionEditView(generic.ObjectEditView):
    queryset = Interaction.objects.all()
    form_class = InteractionForm
    template_name = "relations/interaction_edit.html"

    def prefill(self) -> dict:
        """?person=, ?organization=, ?agreement=, ?activity= (restricted lookups: a guessed id fills nothing)."""
        from qiao.activities.models import Activity
        from qiao.agreements.models import Agreement

        user, initial = self.request.user, {}
        person = _visible(Person, user, generic.query_id(self.request, "person"))
        if person is not None:
            initial["people"] = [person.pk]
        organization = _visible(Organization, user, generic.query_id(self.request, "organization"))
        agreement = _visible(Agreement, user, generic.query_id(self.request, "agreement"))
        if agreement is not None:
            initial["agreement"] = agreement.pk
            if organization is None:
                organization = agreement.organizations.restrict(user).first()
        if organization is not None:
            initial["organizations"] = [organization.pk]
        activity = _visible(Activity, user, generic.query_id(self.request, "activity"))
        if activity is not None:
            initial["activity"] = activity.pk
            initial["kind"] = "event"
        if generic.query_id(self.request, "unit") is not None:
            unit = scoping.units_for_choice(user, "add").filter(pk=generic.query_id(self.request, "unit")).first()
            if unit is not None:
                initial["unit"] = unit.pk
        return initial

    def get_form(self, data=None, files=None):
        initial = self.prefill() if self.object.pk is None else None
        return self.form_class(data, files, instance=self.object, user=self.request.user, initial=initial)


class InteractionDeleteView(generic.ObjectMixin, View):
    queryset = Interaction.objects.all()
    action = "delete"

    def get(self, request, pk):
        return render(request, "generic/object_delete.html", {"object": self.get_object()})

    def post(self, request, pk):
        obj = self.get_object()
        services.delete_interaction(request.user, obj)
        messages.success(request, _("Deleted “%(name)s”.") % {"name": obj})
        return HttpResponseRedirect(reverse("relations:interaction_list"))


class FollowUpDoneView(generic.ObjectMixin, View):
    queryset = Interaction.objects.all()
    action = "change"

    def post(self, request, pk):
        obj = self.get_object()
        form = FollowUpDoneForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        else:
            try:
                services.follow_up_done(
                    request.user, obj, on=form.cleaned_data["on"], done=not form.cleaned_data["undo"]
                )
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, _("Follow-up saved."))
        return HttpResponseRedirect(request.POST.get("next") or obj.get_absolute_url())


# ---------------------------------------------------------------- key contacts


class KeyContactListView(generic.ObjectListView):
    queryset = key_contacts
    filterset_class = KeyContactFilterSet
    table_class = KeyContactTable
    partial_template = "relations/_key_contact_table.html"
    template_name = "relations/key_contact_list.html"
    export_name = "key-contacts"
    add_url_name = "relations:key_contact_add"
    title = gettext_lazy("Key contacts")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = services.key_contact_figures(self.object_list, local_today(self.request.user))
        return context


class KeyContactView(generic.ObjectView):
    queryset = key_contacts
    template_name = "relations/key_contact.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kc = self.object
        user = self.request.user
        rows = Interaction.objects.restrict(user).filter(unit__path__startswith=kc.unit.path)
        rows = rows.filter(people=kc.person) if kc.person_id else rows.filter(organizations=kc.organization)
        today = local_today(user)
        party = "person" if kc.person_id else "organization"
        context.update(
            interactions=list(
                rows.select_related("unit").prefetch_related("staff").order_by("-occurred_at", "-id")[:50]
            ),
            today=today,
            overdue=kc.ended_on is None and kc.due_on < today,
            log_url=f"{reverse('relations:interaction_add')}?{party}={kc.party.pk}&unit={kc.unit_id}",
            can_log=scoping.has_any(user, "add"),
            end_form=EndKeyContactForm(initial={"on": today}),
        )
        context["can_change"] = context["can_change"] and kc.ended_on is None
        return context


class KeyContactHistoryView(generic.ObjectHistoryView):
    queryset = KeyContact.objects.all()
    base_template = "relations/key_contact.html"


class KeyContactEditView(generic.ObjectEditView):
    queryset = KeyContact.objects.all()
    form_class = KeyContactForm

    def get_form(self, data=None, files=None):
        initial = None
        if self.object.pk is None:
            user = self.request.user
            initial = {}
            person = _visible(Person, user, generic.query_id(self.request, "person"))
            organization = _visible(Organization, user, generic.query_id(self.request, "organization"))
            if person is not None:
                initial["person"] = person.pk
            if organization is not None:
                initial["organization"] = organization.pk
            if self.request.GET.get("kind") == "liaison":
                initial["kind"] = "liaison"
        return self.form_class(data, files, instance=self.object, user=self.request.user, initial=initial)


class KeyContactEndView(generic.ObjectMixin, View):
    queryset = KeyContact.objects.all()
    action = "change"

    def post(self, request, pk):
        obj = self.get_object()
        form = EndKeyContactForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        else:
            try:
                services.end_key_contact(
                    request.user, obj, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, _("“%(name)s” is no longer a key contact.") % {"name": obj})
        return HttpResponseRedirect(obj.get_absolute_url())


# ---------------------------------------------------------------- timeline (htmx)


class TimelineView(LoginRequiredMixin, View):
    """The timeline card of a person's or an organisation's page, one page of events at a time."""

    models = {"person": Person, "organization": Organization}

    def get(self, request, kind, pk):
        model = self.models.get(kind)
        if model is None:
            raise Http404
        obj = get_object_or_404(model.objects.restrict(request.user), pk=pk)
        try:
            offset = max(int(request.GET.get("offset", "0")), 0)
        except ValueError:
            offset = 0
        events, more = timeline(request.user, obj, offset=offset)
        return render(
            request,
            "relations/_timeline.html",
            {
                "events": events,
                "more": more,
                "next_offset": offset + len(events),
                "kind": kind,
                "object": obj,
                "first": offset == 0,
            },
        )


class FiguresView(LoginRequiredMixin, View):
    """The relationship figures of a unit and a period, each linked to the list behind it."""

    def get(self, request):
        form = FiguresForm(request.GET or None, user=request.user)
        sections, status = [], 200
        if form.is_bound and not form.is_valid():
            status = 400
        else:
            if not form.is_bound:  # this year so far, shown in the form
                today = local_today(request.user)
                period = {"date_from": today.replace(month=1, day=1), "date_to": today}
                form = FiguresForm(period, user=request.user)
                form.is_valid()
            data = form.cleaned_data
            sections = relationship_figures(
                request.user, unit=data.get("unit"), start=data.get("date_from"), end=data.get("date_to")
            )
        return render(request, "relations/figures.html", {"form": form, "sections": sections}, status=status)
