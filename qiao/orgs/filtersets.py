import django_filters
from django.utils.translation import gettext_lazy as _

from qiao.core.choices import OrganizationRegion
from qiao.core.filtersets import BaseFilterSet, ScopedChoiceFilter, UnitScopeFilter

from .models import Organization, OrganizationKind


class OrganizationFilterSet(BaseFilterSet):
    unit = UnitScopeFilter()
    kind = django_filters.MultipleChoiceFilter(choices=OrganizationKind.choices, label=_("kind"))
    region = django_filters.MultipleChoiceFilter(choices=OrganizationRegion.choices, label=_("region"))
    industry = django_filters.CharFilter(lookup_expr="icontains", label=_("industry"))
    parent = ScopedChoiceFilter(label=_("parent organisation"), model=Organization, kind="organizations")

    class Meta:
        model = Organization
        fields = ["unit", "kind", "region", "industry", "parent"]
