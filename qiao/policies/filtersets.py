import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.core.filtersets import BaseFilterSet, ModelMultipleChoiceFilter, UnitScopeFilter

from . import services
from .models import BenefitKind, Policy

DATE = forms.DateInput(attrs={"type": "date"})


class PolicyFilterSet(BaseFilterSet):
    kind = ModelMultipleChoiceFilter(
        field_name="benefits__kind",
        queryset=BenefitKind.objects.order_by("position", "code"),
        label=_("kind of benefit"),
        distinct=True,
    )
    issuer = django_filters.CharFilter(lookup_expr="icontains", label=_("issuer"))
    region = django_filters.CharFilter(lookup_expr="icontains", label=_("region"))
    in_force_on = django_filters.DateFilter(label=_("in force on"), method="filter_in_force", widget=DATE)
    unit = UnitScopeFilter()

    class Meta:
        model = Policy
        fields = ["kind", "issuer", "region", "in_force_on", "unit"]

    def noop(self, queryset, name, value):
        return services.search(queryset, value) if value.strip() else queryset

    def filter_in_force(self, queryset, name, value):
        return queryset.filter(services.in_force(value))
