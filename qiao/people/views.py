from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from qiao.core import scoping, sensitive, services
from qiao.core import views as generic
from qiao.core.models import ActionLog

from . import merging, tasks
from .filtersets import DuplicateCandidateFilterSet, PersonFilterSet
from .forms import AffiliationForm, PersonForm, ShareForm
from .models import Affiliation, DuplicateCandidate, Person, PersonShare, ReviewStatus
from .services import ERASED_MESSAGE, erased, share_person, unshare_person
from .tables import AffiliationTable, DuplicateCandidateTable, PersonTable

people = Person.objects.select_related("unit")


class PersonListView(generic.ObjectListView):
    queryset = people
    filterset_class = PersonFilterSet
    table_class = PersonTable
    export_name = "people"
    add_url_name = "people:person_add"
    bulk_delete_url_name = "people:person_bulk_delete"
    trash_url_name = "people:person_trash"
    duplicates_url_name = "people:duplicate_list"


class PersonTrashView(generic.ObjectTrashView):
    queryset = Person.all_objects.all()
    filterset_class = PersonFilterSet
    title = gettext_lazy("Deleted people")
    export_name = "people-deleted"
    restore_url_name = "people:person_restore"
    back_url_name = "people:person_list"


class PersonRestoreView(generic.ObjectRestoreView):
    queryset = Person.all_objects.all()


class PersonView(generic.ObjectView):
    queryset = people.prefetch_related("documents", "education", "tags", "roles")
    template_name = "people/person.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        user = self.request.user
        affiliations = Affiliation.objects.restrict(user, "view").filter(person=person).select_related("organization")
        context["affiliations"] = AffiliationTable(affiliations, exclude=("person",))
        context["shares"] = person.shares.select_related("unit")
        context["can_share"] = scoping.may(user, "share", person.unit_id)
        context["share_form"] = ShareForm()
        context["affiliation_add"] = scoping.has_any(user, "add")
        # every activity this person took part in that the reader may see, across units
        from qiao.activities.services import history_of
        from qiao.activities.tables import PersonParticipationTable

        history = history_of(user, person)
        table = PersonParticipationTable(history)
        table.paginate(page=self.request.GET.get("page", 1), per_page=50)
        context["participations"] = table
        context["participation_count"] = table.paginator.count
        context["sensitive"] = sensitive.masked_person_values(user, person)
        context["can_reveal"] = sensitive.can_reveal(user, person)
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        sensitive.log_view(self.object, source="web", masked=response.context_data["sensitive"].masked)
        return response


class PersonRevealView(generic.ScopedMixin, View):
    """Show one person's masked details in full (POST; staff and up of the owning unit; logged)."""

    queryset = Person.objects.select_related("unit").prefetch_related("documents")

    def post(self, request, pk):
        person = get_object_or_404(self.get_queryset(), pk=pk)
        values = sensitive.reveal(request.user, person)
        context = {"object": person, "sensitive": values, "revealed": True}
        if getattr(request, "htmx", False):
            return render(request, "people/_sensitive.html", context)
        return render(request, "people/person_reveal.html", context)


class PersonHistoryView(generic.ObjectHistoryView):
    queryset = people
    base_template = "people/person.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changes"] = sensitive.masked_changes(self.request.user, self.object, context["changes"])
        return context


class PersonEditView(generic.ObjectEditView):
    queryset = Person.objects.all()
    form_class = PersonForm
    template_name = "people/person_edit.html"

    def get_object(self):
        person = super().get_object()
        if erased(person):
            raise PermissionDenied(ERASED_MESSAGE)
        return person


class PersonDeleteView(generic.ObjectDeleteView):
    queryset = people
    action = "delete"
    success_url_name = "people:person_list"


class PersonBulkDeleteView(generic.BulkDeleteView):
    queryset = Person.objects.all()
    success_url_name = "people:person_list"


class PersonShareView(generic.ScopedMixin, View):
    queryset = Person.objects.all()

    def post(self, request, pk):
        person = get_object_or_404(self.get_queryset(), pk=pk)
        form = ShareForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(person.get_absolute_url())
        try:
            share_person(
                request.user, person, form.cleaned_data["unit"], form.cleaned_data["access"], form.cleaned_data["note"]
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Shared with %(unit)s.") % {"unit": form.cleaned_data["unit"]})
        return HttpResponseRedirect(person.get_absolute_url())


class PersonUnshareView(generic.ScopedMixin, View):
    queryset = Person.objects.all()

    def post(self, request, pk, share_pk):
        person = get_object_or_404(self.get_queryset(), pk=pk)
        share = get_object_or_404(PersonShare, pk=share_pk, person=person)
        try:
            unshare_person(request.user, share)
        except PermissionDenied as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(person.get_absolute_url())


class AffiliationEditView(generic.ObjectEditView):
    queryset = Affiliation.objects.all()
    form_class = AffiliationForm

    def get_object(self):
        obj = super().get_object()
        if obj.pk is None:
            obj.person = (
                Person.objects.restrict(self.request.user).filter(pk=generic.query_id(self.request, "person")).first()
            )
            from qiao.orgs.models import Organization

            obj.organization = (
                Organization.objects.restrict(self.request.user)
                .filter(pk=generic.query_id(self.request, "organization"))
                .first()
            )
            # a non-null relation left empty (no ?person=) cannot be read back from the instance
            anchor = obj.person_id and obj.person or obj.organization_id and obj.organization
            if anchor is not None and scoping.may(self.request.user, "add", anchor.unit_id):
                obj.unit_id = anchor.unit_id
        return obj


class AffiliationDeleteView(generic.ObjectDeleteView):
    queryset = Affiliation.objects.all()
    action = "delete"
    success_url_name = "people:person_list"

    def post(self, request, *args, **kwargs):
        affiliation = self.get_object()
        target = affiliation.person.get_absolute_url()
        services.delete(request.user, affiliation)
        messages.success(request, _("Removed the relation."))
        return HttpResponseRedirect(target)


class DuplicateListView(generic.ObjectListView):
    """The review queue: pairs that may be one person, both within the user's scope."""

    queryset = DuplicateCandidate.objects.select_related("person", "other")
    filterset_class = DuplicateCandidateFilterSet
    table_class = DuplicateCandidateTable
    title = gettext_lazy("Possible duplicates")
    export_name = "duplicates"

    def get_queryset(self):
        visible = Person.objects.restrict(self.request.user, "change")
        queryset = super().get_queryset().filter(person__in=visible, other__in=visible)
        return queryset if "status" in self.request.GET else queryset.filter(status=ReviewStatus.OPEN)

    template_name = "people/duplicate_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_scan"] = scoping.has_any(user, "change")
        context["scan"] = cache.get(tasks.scan_key(user.pk))
        context["last_scan"] = ActionLog.objects.filter(action="qiao.duplicates.scanned", user=user).first()
        return context


class DuplicateScanView(LoginRequiredMixin, View):
    """Start a scan of the people the user may change; it runs in the background worker."""

    def post(self, request):
        if not scoping.has_any(request.user, "change"):
            raise PermissionDenied(_("Your role does not allow this."))
        if not cache.get(tasks.scan_key(request.user.pk)):
            cache.set(tasks.scan_key(request.user.pk), {"running": True, "done": 0, "last": 0}, 3600)
            tasks.scan_duplicates.enqueue(request.user.pk)
        messages.info(request, _("The scan has started. New pairs appear in this list as they are found."))
        return HttpResponseRedirect(reverse("people:duplicate_list"))


class DuplicateView(generic.ScopedMixin, TemplateView):
    """Two records side by side; the reviewer picks the surviving value field by field."""

    queryset = DuplicateCandidate.objects.select_related("person", "other")
    template_name = "people/duplicate.html"

    def get_object(self):
        visible = Person.objects.restrict(self.request.user, "change")
        return get_object_or_404(
            DuplicateCandidate.objects.select_related("person", "other").filter(person__in=visible, other__in=visible),
            pk=self.kwargs["pk"],
        )

    def sides(self, pair):
        swap = self.request.GET.get("keep") == "other" or self.request.POST.get("keep") == "other"
        return (pair.other, pair.person) if swap else (pair.person, pair.other)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pair = self.get_object()
        keep, drop = self.sides(pair)
        user = self.request.user
        # sensitive values as this reviewer may see them (masked unless their role in the owning unit allows)
        shown = {side.pk: sensitive.masked_person_values(user, side) for side in (keep, drop)}
        rows = []
        for name in merging.CHOOSABLE + merging.JOINED:
            field = Person._meta.get_field(name)
            left, right = _display(keep, field), _display(drop, field)
            rows.append(
                {
                    "name": name,
                    "label": field.verbose_name,
                    "keep": _display_sensitive(shown[keep.pk], name, left),
                    "drop": _display_sensitive(shown[drop.pk], name, right),
                    "differs": left != right,
                    "joined": name in merging.JOINED,
                }
            )
        documents = [
            (
                ", ".join(f"{d.kind_label} {d.display}" for d in shown[keep.pk].documents),
                ", ".join(f"{d.kind_label} {d.display}" for d in shown[drop.pk].documents),
            )
        ]
        context.update(
            pair=pair,
            keep=keep,
            drop=drop,
            rows=rows,
            documents=documents,
            can_merge=scoping.may(self.request.user, "delete", drop.unit_id),
        )
        return context

    def post(self, request, pk):
        pair = self.get_object()
        keep, drop = self.sides(pair)
        try:
            if request.POST.get("decision") == "distinct":
                merging.mark_distinct(request.user, keep, drop)
                messages.success(request, _("Noted: these are different people."))
                return HttpResponseRedirect(reverse("people:duplicate_list"))
            choices = {name: "other" for name in merging.CHOOSABLE if request.POST.get(name) == "drop"}
            survivor = merging.merge(request.user, keep, drop, choices)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return HttpResponseRedirect(request.path)
        messages.success(request, _("Merged into “%(name)s”.") % {"name": survivor})
        return HttpResponseRedirect(survivor.get_absolute_url())


def _display_sensitive(values, name: str, full: str) -> str:
    """A sensitive field of the duplicate review as the reviewer may see it."""
    if not values.masked or name not in sensitive.FIELDS:
        return full
    if name == "birth_date":
        return str(values.birth_year) if values.birth_year else "—"
    return "、".join(getattr(values, name)) or "—"


def _display(person, field) -> str:
    value = getattr(person, field.name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value or "—")) if value else "—"
    if isinstance(value, list):
        return "、".join(value) or "—"
    return str(value) if value not in (None, "") else "—"
