import django_filters
from django.utils.translation import gettext_lazy as _

from qiao.core.choices import Region
from qiao.core.filtersets import BaseFilterSet, ScopedChoiceFilter, UnitScopeFilter
from qiao.orgs.models import Organization

from .models import (
    Affiliation,
    AffiliationKind,
    DocumentKind,
    DuplicateCandidate,
    Gender,
    Person,
    PersonRole,
    ReviewStatus,
)


class PersonFilterSet(BaseFilterSet):
    unit = UnitScopeFilter()
    region = django_filters.MultipleChoiceFilter(choices=Region.choices, label=_("region of origin"))
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("gender"))
    role = django_filters.ModelMultipleChoiceFilter(
        field_name="roles", to_field_name="code", queryset=PersonRole.objects.all(), label=_("roles")
    )
    tag = django_filters.CharFilter(field_name="tags__name", label=_("tag"))
    document_kind = django_filters.ChoiceFilter(
        field_name="documents__kind", choices=DocumentKind.choices, label=_("document type"), distinct=True
    )
    organization = ScopedChoiceFilter(
        field_name="affiliations__organization",
        label=_("organisation"),
        distinct=True,
        model=Organization,
        kind="organizations",
    )
    born_after = django_filters.DateFilter(field_name="birth_date", lookup_expr="gte", label=_("born on or after"))
    born_before = django_filters.DateFilter(field_name="birth_date", lookup_expr="lte", label=_("born on or before"))
    created_after = django_filters.DateFilter(field_name="created", lookup_expr="date__gte", label=_("added since"))

    class Meta:
        model = Person
        fields = ["unit", "region", "country", "gender", "role", "tag"]


class AffiliationFilterSet(django_filters.FilterSet):
    unit = UnitScopeFilter()
    kind = django_filters.ChoiceFilter(choices=AffiliationKind.choices, label=_("relation"))

    class Meta:
        model = Affiliation
        fields = ["person", "organization", "kind", "unit"]


class DuplicateCandidateFilterSet(BaseFilterSet):
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices, label=_("status"))

    class Meta:
        model = DuplicateCandidate
        fields = ["status"]

    def noop(self, queryset, name, value):
        return queryset
