"""Filters of the carrier and residency lists; their exports, the API lists and the figures use the
same filtersets, so rows and figures are always the same set."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.choices import OrganizationRegion
from qiao.core.days import local_today
from qiao.core.filtersets import BaseFilterSet, ScopedChoiceFilter, UnitScopeFilter
from qiao.matching.filtersets import FieldFilter
from qiao.orgs.models import Organization
from qiao.people.models import Person

from . import services
from .models import Carrier, CarrierKind, ExitKind, Milestone, MilestoneKind, Residency, ResidentKind

DATE = forms.DateInput(attrs={"type": "date"})


def _carriers(request):
    return Carrier.objects.restrict(request.user if request else None)


class CarrierFilterSet(BaseFilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=CarrierKind.choices, label=pgettext_lazy("carrier", "kind"), distinct=False
    )
    unit = UnitScopeFilter(label=_("Managing unit (with sub-units)"))
    operator = ScopedChoiceFilter(label=_("operated by"), model=Organization, kind="organizations")

    class Meta:
        model = Carrier
        fields = ["kind", "unit", "operator"]

    def noop(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))


STATUS_CHOICES = [
    ("present", _("present on the date")),
    ("exited", _("exited (graduated or left)")),
    ("graduated", _("graduated")),
    ("left", _("left")),
]


class ResidencyFilterSet(BaseFilterSet):
    """`status=present` keeps those hosted on `present_on` (default: the user's today), by the
    occupancy definition in services.hosted_on(); `outcome` keeps those with such a milestone."""

    carrier = django_filters.ModelChoiceFilter(queryset=_carriers, label=_("carrier"))
    carrier_kind = django_filters.ChoiceFilter(
        field_name="carrier__kind", choices=CarrierKind.choices, label=_("kind of carrier")
    )
    kind = django_filters.ChoiceFilter(choices=ResidentKind.choices, label=pgettext_lazy("resident", "kind"))
    origin = django_filters.MultipleChoiceFilter(choices=OrganizationRegion.choices, label=_("origin"), distinct=False)
    field = FieldFilter(field_path="field")
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, label=_("status"), method="by_status")
    present_on = django_filters.DateFilter(label=_("present on"), method="noop_date", widget=DATE)
    outcome = django_filters.ChoiceFilter(choices=MilestoneKind.choices, label=_("outcome"), method="by_outcome")
    entered_from = django_filters.DateFilter(
        field_name="entered_on", lookup_expr="gte", label=_("entered from"), widget=DATE
    )
    entered_to = django_filters.DateFilter(
        field_name="entered_on", lookup_expr="lte", label=_("entered until"), widget=DATE
    )
    founder = ScopedChoiceFilter(label=_("founder"), model=Person, kind="people", method="by_founder")
    organization = ScopedChoiceFilter(label=_("organisation"), model=Organization, kind="organizations")
    unit = UnitScopeFilter(field_path="carrier__unit")

    class Meta:
        model = Residency
        fields = [
            "carrier",
            "carrier_kind",
            "kind",
            "origin",
            "field",
            "status",
            "present_on",
            "outcome",
            "entered_from",
            "entered_to",
            "founder",
            "organization",
            "unit",
        ]

    def noop(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(organization__name__icontains=value))

    def noop_date(self, queryset, name, value):
        return queryset  # read by `status`

    def by_status(self, queryset, name, value):
        if value == "present":
            data = getattr(self.form, "cleaned_data", {}) or {}
            user = getattr(self.request, "user", None)
            return queryset.filter(services.hosted_on(data.get("present_on") or local_today(user)))
        if value == "exited":
            return queryset.filter(exited_on__isnull=False)
        if value in ExitKind.values:
            return queryset.filter(exit_kind=value)
        return queryset

    def by_outcome(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(Milestone.objects.filter(residency=OuterRef("pk"), kind=value)))

    def by_founder(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=Residency.founders.through.objects.filter(person=value).values("residency_id"))
