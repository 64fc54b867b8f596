import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiao.activities.models import Activity
from qiao.core.filtersets import BaseFilterSet, ScopedChoiceFilter, UnitScopeFilter
from qiao.orgs.models import Organization
from qiao.people.models import Person

from .models import (
    BATCH_KIND,
    ApplicationStatus,
    InternshipApplication,
    InternshipPosition,
    Placement,
    PlacementOutcome,
    PositionStatus,
    WorkMode,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _positions(request):
    return InternshipPosition.objects.restrict(request.user if request else None)


def _batches(request):
    return Activity.objects.restrict(request.user if request else None).filter(kind__code=BATCH_KIND)


class PeriodFilterSet(BaseFilterSet):
    """`date_from` / `date_to`: records whose period (start to end) overlaps the one asked for."""

    start_field = "start_date"
    end_field = "end_date"

    date_from = django_filters.DateFilter(label=_("from"), method="overlaps_from", widget=DATE)
    date_to = django_filters.DateFilter(label=_("to"), method="overlaps_to", widget=DATE)

    def overlaps_from(self, queryset, name, value):
        end = self.end_field  # no end date: still running, or not known
        return queryset.filter(Q(**{f"{end}__gte": value}) | Q(**{f"{end}__isnull": True}))

    def overlaps_to(self, queryset, name, value):
        start = self.start_field
        return queryset.filter(Q(**{f"{start}__lte": value}) | Q(**{f"{start}__isnull": True}))


class PositionFilterSet(PeriodFilterSet):
    unit = UnitScopeFilter()
    organization = ScopedChoiceFilter(label=_("organisation"), model=Organization, kind="organizations")
    status = django_filters.ChoiceFilter(choices=PositionStatus.choices, label=_("status"))
    work_mode = django_filters.ChoiceFilter(choices=WorkMode.choices, label=_("work mode"))

    class Meta:
        model = InternshipPosition
        fields = ["organization", "status", "date_from", "date_to", "work_mode", "unit"]


class ApplicationFilterSet(BaseFilterSet):
    position = django_filters.ModelChoiceFilter(queryset=_positions, label=_("position"))
    person = ScopedChoiceFilter(label=_("person"), model=Person, kind="people")
    status = django_filters.MultipleChoiceFilter(choices=ApplicationStatus.choices, label=_("status"))
    unit = UnitScopeFilter(field_path="position__unit")

    class Meta:
        model = InternshipApplication
        fields = ["position", "person", "status", "unit"]


class PlacementFilterSet(PeriodFilterSet):
    batch = django_filters.ModelChoiceFilter(queryset=_batches, label=_("batch"))
    outcome = django_filters.MultipleChoiceFilter(choices=PlacementOutcome.choices, label=_("outcome"))
    organization = ScopedChoiceFilter(
        label=_("organisation"),
        model=Organization,
        kind="organizations",
        field_name="application__position__organization",
    )
    position = django_filters.ModelChoiceFilter(
        queryset=_positions, field_name="application__position", label=_("position")
    )
    person = ScopedChoiceFilter(label=_("person"), model=Person, kind="people", field_name="application__person")
    unit = UnitScopeFilter(field_path="application__position__unit")

    class Meta:
        model = Placement
        fields = ["batch", "outcome", "date_from", "date_to", "organization", "position", "person", "unit"]
