"""Pages of this app; every rule is in services.py, every page reaches records through the restricted
querysets (a proposal's authors are shown only when the reader may see them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from qiao.core import scoping
from qiao.core import views as generic
from qiao.core.days import local_today
from qiao.people.models import Person

from . import services
from .filtersets import ProposalFilterSet, PublicRoleFilterSet
from .forms import OutcomeForm, ProposalForm, PublicRoleForm
from .models import Channel, Outcome, Proposal, PublicRole, PublicRoleKind
from .tables import OUTCOME_BADGES, ProposalTable, ProposalTrashTable, PublicRoleTable


def author_total():
    """How many authors a proposal has, all units (a subquery: no join that would repeat rows)."""
    rows = (
        Proposal.authors.through.objects.filter(proposal_id=OuterRef("pk"))
        .order_by()
        .values("proposal_id")
        .annotate(n=Count("person_id"))
        .values("n")
    )
    return Subquery(rows, output_field=IntegerField())


def for_reader(queryset, user):
    """Proposals with the authors the reader may see prefetched, and the count of all authors."""
    visible = Person.objects.restrict(user).only("id", "name", "name_latin", "unit_id").order_by("name", "id")
    return (
        queryset.select_related("unit")
        .prefetch_related(Prefetch("authors", queryset=visible))
        .annotate(author_total=author_total())
    )


class ReaderMixin:
    def get_queryset(self):
        return for_reader(super().get_queryset(), self.request.user)


class ProposalListView(ReaderMixin, generic.ObjectListView):
    queryset = Proposal.objects.all()
    filterset_class = ProposalFilterSet
    table_class = ProposalTable
    template_name = "proposals/proposal_list.html"
    partial_template = "proposals/_proposal_table.html"
    export_name = "proposals"
    add_url_name = "proposals:proposal_add"
    bulk_delete_url_name = "proposals:proposal_bulk_delete"
    trash_url_name = "proposals:proposal_trash"
    title = gettext_lazy("Suggestions and proposals")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = services.figures(self.object_list)  # exactly the rows the table pages through
        context["channels"] = [(code, label, context["figures"]["by_channel"][code]) for code, label in Channel.choices]
        context["roles"] = [
            (code, label, context["figures"]["authors_by_role"][code]) for code, label in PublicRoleKind.choices
        ]
        return context


class ProposalTrashView(generic.ObjectTrashView):
    queryset = Proposal.all_objects.all()
    filterset_class = ProposalFilterSet
    table_class = ProposalTrashTable
    title = gettext_lazy("Deleted proposals")
    export_name = "proposals-deleted"
    restore_url_name = "proposals:proposal_restore"
    back_url_name = "proposals:proposal_list"


class ProposalRestoreView(generic.ObjectRestoreView):
    queryset = Proposal.all_objects.all()


class ProposalDeleteView(generic.ObjectDeleteView):
    queryset = Proposal.objects.all()
    action = "delete"
    success_url_name = "proposals:proposal_list"


class ProposalBulkDeleteView(generic.BulkDeleteView):
    queryset = Proposal.objects.all()
    success_url_name = "proposals:proposal_list"


class ProposalEditView(generic.ObjectEditView):
    queryset = Proposal.objects.all()
    form_class = ProposalForm
    template_name = "proposals/proposal_edit.html"

    def get_object(self):
        obj = super().get_object()
        self.prefill = {}
        if obj.pk is None:
            # ?person= names the first author (a restricted lookup: a guessed id fills nothing)
            person = Person.objects.restrict(self.request.user).filter(pk=generic.query_id(self.request, "person"))
            person = person.first()
            if person is not None:
                self.prefill["authors"] = [person.pk]
                if scoping.may(self.request.user, "add", person.unit_id):
                    self.prefill["unit"] = person.unit_id
        return obj

    def get_form(self, data=None, files=None):
        return self.form_class(data, files, instance=self.object, user=self.request.user, initial=self.prefill)


class ProposalView(generic.ObjectView):
    queryset = Proposal.all_objects.all()
    template_name = "proposals/proposal.html"

    def get_queryset(self):
        return for_reader(super().get_queryset(), self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.object
        user = self.request.user
        can_change = context["can_change"] and not proposal.is_deleted
        authors = list(proposal.authors.all())
        roles = {}
        for role in services.current(PublicRole.objects.filter(person__in=authors), proposal.submitted_on):
            roles.setdefault(role.person_id, []).append(role)
        context.update(
            authors=[(person, roles.get(person.pk, [])) for person in authors],
            hidden_authors=max((proposal.author_total or 0) - len(authors), 0),
            can_change=can_change,
            outcome_form=OutcomeForm(
                initial={
                    "outcome": proposal.outcome,
                    "adopted_on": proposal.adopted_on,
                    "endorsed_on": proposal.endorsed_on,
                    "note": proposal.outcome_note,
                }
            )
            if can_change
            else None,
            outcome_badge=OUTCOME_BADGES.get(proposal.outcome, ""),
            today=local_today(user),
            outcomes=Outcome.choices,
        )
        return context


class ProposalHistoryView(generic.ObjectHistoryView):
    queryset = Proposal.all_objects.all()
    base_template = "proposals/proposal.html"


class OutcomeView(generic.ObjectMixin, View):
    """Change the outcome (the small form on the proposal's page)."""

    queryset = Proposal.objects.all()
    action = "change"

    def post(self, request, pk):
        proposal = self.get_object()
        form = OutcomeForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError({k: list(v) for k, v in form.errors.items()})
            data = form.cleaned_data
            proposal = services.set_outcome(
                request.user,
                proposal,
                data["outcome"],
                adopted_on=data["adopted_on"],
                endorsed_on=data["endorsed_on"],
                note=data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("“%(title)s” is now “%(outcome)s”.") % {"title": proposal, "outcome": proposal.get_outcome_display()},
            )
        return HttpResponseRedirect(proposal.get_absolute_url())


# ---------------------------------------------------------------- public roles


class PublicRoleListView(generic.ObjectListView):
    queryset = PublicRole.objects.select_related("person", "person__unit")
    filterset_class = PublicRoleFilterSet
    table_class = PublicRoleTable
    template_name = "proposals/public_role_list.html"
    partial_template = "proposals/_public_role_table.html"
    export_name = "public-roles"
    title = gettext_lazy("Public roles")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = local_today(self.request.user)
        figures = services.role_figures(self.object_list, today)
        context["role_figures"] = figures
        context["role_kinds"] = [(code, label, figures["by_kind"][code]) for code, label in PublicRoleKind.choices]
        return context


class PublicRoleEditView(generic.ObjectEditView):
    """Add (?person=) or edit a public role of a person the user may change."""

    queryset = PublicRole.objects.select_related("person")
    form_class = PublicRoleForm
    template_name = "proposals/public_role_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and "pk" not in kwargs and not scoping.has_any(request.user, "change"):
            raise PermissionDenied(_("Your role does not allow this."))
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if "pk" in self.kwargs:
            return super().get_object()
        person = (
            Person.objects.restrict(self.request.user, "change")
            .filter(pk=generic.query_id(self.request, "person"))
            .first()
        )
        if person is None:
            raise Http404(_("Choose a person you may change."))
        return PublicRole(person=person)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["person"] = self.object.person
        return context


class PublicRoleDeleteView(generic.ObjectDeleteView):
    queryset = PublicRole.objects.select_related("person")
    action = "delete"  # PublicRole.objects.restrict: the right to change the person

    def post(self, request, *args, **kwargs):
        role = self.get_object()
        target = role.person.get_absolute_url() + "#public-roles"
        services.delete_role(request.user, role)
        messages.success(request, _("Removed the public role “%(role)s”.") % {"role": role})
        return HttpResponseRedirect(target)
