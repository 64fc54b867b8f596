"""Activity, series and programme pages; participants; figures beside every list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from qiao.core import scoping
from qiao.core import views as generic
from qiao.core.choices import Region

from . import services
from .attachments import AttachmentForm
from .filtersets import ActivityFilterSet, ProgrammeFilterSet, SeriesFilterSet
from .forms import ActivityForm, AddParticipantForm, ProgrammeForm, SeriesForm
from .models import Activity, Participation, ParticipationRole, ParticipationStatus, Programme, Series
from .registration_forms import public_url
from .tables import ActivityTable, ParticipationTable, ProgrammeTable, SeriesTable


def _attended_count():
    rows = (
        Participation.objects.filter(activity=OuterRef("pk"), status=ParticipationStatus.ATTENDED)
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(rows, output_field=IntegerField())


activities = Activity.objects.select_related("kind", "unit", "series").annotate(attended=_attended_count())


def labelled(figures: dict) -> dict:
    """Figures with their region and role codes named in the reader's language."""
    regions = dict(Region.choices)
    roles = dict(ParticipationRole.choices)
    return {
        **figures,
        "by_region": sorted(
            ((str(regions.get(code, _("not given"))), n) for code, n in figures["by_region"].items()),
            key=lambda item: -item[1],
        ),
        "by_role": sorted(
            ((str(roles.get(code, code)), n) for code, n in figures["by_role"].items()), key=lambda i: -i[1]
        ),
    }


class ActivityListView(generic.ObjectListView):
    queryset = activities
    filterset_class = ActivityFilterSet
    table_class = ActivityTable
    template_name = "activities/activity_list.html"
    partial_template = "activities/_activity_table.html"
    export_name = "activities"
    add_url_name = "activities:activity_add"
    bulk_delete_url_name = "activities:activity_bulk_delete"
    trash_url_name = "activities:activity_trash"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = context["filter"]
        valid = not filterset.is_bound or filterset.is_valid()
        rows = filterset.qs if valid else filterset.queryset.none()  # as the table: nothing for a bad filter
        data = filterset.form.cleaned_data if filterset.is_bound and valid else {}
        user = self.request.user
        context["figures"] = labelled(
            services.figures(
                user, rows.order_by(), since=data.get("date_from"), unit=data.get("unit"), tallies=self.tallies(data)
            )
        )
        return context

    BY_OWN_COLUMNS = {"date_from", "date_to", "unit", "kind"}  # filters a tally can answer from its own copies

    def tallies(self, data: dict):
        """The listed activities' stored tallies selected by their own copies of the activity's day, unit and kind
        (no join with every listed activity: 100 → 43 ms for a base's 80,000, bench/RESULTS.md, issue 10), when
        the list is filtered by nothing else and not searched; otherwise None, and `figures()` joins the set."""
        if self.request.GET.get("q", "").strip() or any(
            value not in (None, "", [], ()) and not (hasattr(value, "exists") and not value.exists())
            for name, value in data.items()
            if name not in self.BY_OWN_COLUMNS
        ):
            return None
        units = services.scope_units(self.request.user, data.get("unit"))
        return services.live_tallies(units, data.get("date_from"), data.get("date_to"), data.get("kind") or ())


class ActivityTrashView(generic.ObjectTrashView):
    queryset = Activity.all_objects.select_related("kind", "unit")
    filterset_class = ActivityFilterSet
    title = gettext_lazy("Deleted activities")
    export_name = "activities-deleted"
    restore_url_name = "activities:activity_restore"
    back_url_name = "activities:activity_list"


class ActivityRestoreView(generic.ObjectRestoreView):
    queryset = Activity.all_objects.all()


class ActivityView(generic.ObjectView):
    queryset = Activity.objects.select_related("kind", "unit", "series", "programme")
    template_name = "activities/activity.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = self.object
        user = self.request.user
        participations = (
            Participation.objects.filter(activity=activity).select_related("person").order_by("person__name")
        )
        status = self.request.GET.get("status", "")
        if status in ParticipationStatus.values:
            participations = participations.filter(status=status)
        table = ParticipationTable(participations)
        table.paginate(page=self.request.GET.get("page", 1), per_page=100)
        context.update(
            attachments=activity.attachments.all(),
            attachment_form=AttachmentForm() if context["can_change"] else None,
            participants=table,
            figures=labelled(services.figures(user, Activity.objects.filter(pk=activity.pk))),
            add_form=AddParticipantForm(user=user) if context["can_change"] else None,
            statuses=ParticipationStatus.choices,
            status=status,
            registration_url=public_url(activity, self.request) if activity.registration_open else "",
        )
        return context


class ActivityHistoryView(generic.ObjectHistoryView):
    queryset = Activity.objects.all()
    base_template = "activities/activity.html"

    def related_history(self):
        from qiao.core.models import ChangeRecord

        from .models import Attachment

        # participations and attachments, including removed ones (their last entry names the activity)
        records = ChangeRecord.objects.filter(after__activity_id=self.object.pk) | ChangeRecord.objects.filter(
            before__activity_id=self.object.pk
        )
        return [
            (model, records.filter(content_type__model=model._meta.model_name).values("object_id"))
            for model in (Participation, Attachment)
        ]


class ActivityEditView(generic.ObjectEditView):
    queryset = Activity.objects.all()
    form_class = ActivityForm

    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        if self.object.pk is None and data is None:  # "new edition" of a series, "new activity" of a programme
            for name in ("series", "programme", "kind"):
                value = self.request.GET.get(name, "")
                if value.isdigit():
                    form.initial[name] = int(value)
            series = form.initial.get("series")
            if series:
                found = Series.objects.restrict(self.request.user).filter(pk=series).first()
                if found:
                    last = found.editions.order_by("-edition").values_list("edition", flat=True).first()
                    form.initial.update(edition=(last or 0) + 1, title=found.name, kind=found.kind_id)
        return form


class ActivityDeleteView(generic.ObjectDeleteView):
    queryset = Activity.objects.all()
    action = "delete"
    success_url_name = "activities:activity_list"


class ActivityBulkDeleteView(generic.BulkDeleteView):
    queryset = Activity.objects.all()
    success_url_name = "activities:activity_list"


class ParticipantAddView(generic.ObjectMixin, View):
    """Add one person (found with the cross-script search) to an activity."""

    queryset = Activity.objects.all()
    action = "change"

    def post(self, request, pk):
        activity = self.get_object()
        form = AddParticipantForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(activity.get_absolute_url())
        try:
            _participation, created = services.add_participant(
                request.user,
                activity,
                form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                status=form.cleaned_data["status"],
            )
        except PermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        person = form.cleaned_data["person"]
        if created:
            messages.success(request, _("%(name)s is on the list.") % {"name": person})
        else:
            messages.info(request, _("%(name)s was already on the list.") % {"name": person})
        return HttpResponseRedirect(activity.get_absolute_url())


class ParticipationStatusView(LoginRequiredMixin, View):
    """Set a participant's status (check in, absent, cancelled) — from the list or the check-in page."""

    def post(self, request, pk):
        participation = get_object_or_404(
            Participation.objects.restrict(request.user).select_related("activity", "person"), pk=pk
        )
        try:
            if request.POST.get("status") == "remove":
                services.remove_participant(request.user, participation)
                messages.success(request, _("%(name)s is off the list.") % {"name": participation.person})
            else:
                services.set_status(request.user, participation, request.POST.get("status", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        target = request.POST.get("next", "")
        if not target.startswith("/") or target.startswith("//"):
            target = participation.activity.get_absolute_url()
        return HttpResponseRedirect(target)


# ---------------------------------------------------------------- series and programmes


class SeriesListView(generic.ObjectListView):
    queryset = (
        Series.objects.select_related("kind", "unit")
        .annotate(edition_count=Count("editions", filter=Q(editions__deleted_at__isnull=True)))
        .order_by("name", "pk")
    )
    table_class = SeriesTable
    filterset_class = SeriesFilterSet
    export_name = "series"
    add_url_name = "activities:series_add"
    title = gettext_lazy("Series")


class SeriesView(generic.ObjectView):
    queryset = Series.objects.select_related("kind", "unit")
    template_name = "activities/series.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        editions = activities.restrict(user).filter(series=self.object).order_by("edition", "start_date")
        speakers = (
            Participation.objects.restrict(user)
            .filter(activity__in=editions.values("pk"), role=ParticipationRole.SPEAKER)
            .exclude(status=ParticipationStatus.CANCELLED)
            .values("person", "person__name")
            .annotate(times=Count("pk"))
            .order_by("-times", "person__name")
        )
        context.update(
            editions=editions,
            speakers=speakers,
            figures=labelled(services.figures(user, editions.order_by())),
        )
        return context


class SeriesEditView(generic.ObjectEditView):
    queryset = Series.objects.all()
    form_class = SeriesForm


class ProgrammeListView(generic.ObjectListView):
    queryset = (
        Programme.objects.select_related("unit")
        .annotate(batches=Count("activities", filter=Q(activities__deleted_at__isnull=True)))
        .order_by("-start_date", "name", "pk")
    )
    table_class = ProgrammeTable
    filterset_class = ProgrammeFilterSet
    export_name = "programmes"
    add_url_name = "activities:programme_add"
    title = gettext_lazy("Programmes")


class ProgrammeView(generic.ObjectView):
    queryset = Programme.objects.select_related("unit")
    template_name = "activities/programme.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = activities.restrict(user).filter(programme=self.object)
        figures = labelled(services.figures(user, rows.order_by(), since=self.object.start_date))
        goal = self.object.goal
        context.update(
            activities=rows[:200],
            figures=figures,
            progress=min(100, round(100 * figures["people"] / goal)) if goal else None,
        )
        return context


class ProgrammeEditView(generic.ObjectEditView):
    queryset = Programme.objects.all()
    form_class = ProgrammeForm


class SpeakerListView(generic.ScopedMixin, TemplateView):
    """The speaker pool: everyone who spoke at an activity the reader may see, and how often."""

    template_name = "activities/speakers.html"
    queryset = Participation.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        speakers = (
            self.get_queryset().filter(role=ParticipationRole.SPEAKER).exclude(status=ParticipationStatus.CANCELLED)
        )
        if query:
            from qiao.core import search
            from qiao.people.models import Person

            found = search.search(Person.objects.restrict(self.request.user), query).values("pk")
            speakers = speakers.filter(person__in=found)
        context.update(
            query=query,
            speakers=speakers.values("person", "person__name", "person__name_latin", "person__title")
            .annotate(times=Count("pk"))
            .order_by("-times", "person__name")[:200],
            can_add=scoping.has_any(self.request.user, "add"),
        )
        return context
