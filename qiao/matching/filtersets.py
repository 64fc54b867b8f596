import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiao.core.filtersets import BaseFilterSet, ScopedChoiceFilter, UnitScopeFilter
from qiao.orgs.models import Organization
from qiao.people.models import Person

from .models import Demand, DemandKind, DemandStatus, Field, Match, MatchStage, Plan, PlanStatus


class FieldFilter(django_filters.ModelChoiceFilter):
    """Records tagged with a field or any field below it."""

    def __init__(self, *args, field_path: str = "fields", **kwargs):
        self.field_path = field_path
        kwargs.setdefault("queryset", Field.objects.all())
        kwargs.setdefault("label", _("field"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        inside = Field.objects.filter(path__startswith=value.path).values("pk")
        return qs.filter(pk__in=qs.model.objects.filter(**{f"{self.field_path}__in": inside}).values("pk"))


class DemandFilterSet(BaseFilterSet):
    kind = django_filters.ChoiceFilter(choices=DemandKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=DemandStatus.choices, label=_("status"))
    live = django_filters.BooleanFilter(label=_("still valid"), method="still_valid", widget=forms.CheckboxInput)
    field = FieldFilter()
    organization = ScopedChoiceFilter(label=_("organisation"), model=Organization, kind="organizations")
    unit = UnitScopeFilter()

    class Meta:
        model = Demand
        fields = ["kind", "status", "field", "organization", "live", "unit"]

    def still_valid(self, queryset, name, value):
        if not value:
            return queryset
        today = timezone.localdate()
        return queryset.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


class MatchFilterSet(BaseFilterSet):
    stage = django_filters.MultipleChoiceFilter(
        choices=MatchStage.choices, label=_("stage"), widget=forms.CheckboxSelectMultiple
    )
    person = ScopedChoiceFilter(label=_("person"), model=Person, kind="people")
    demand = django_filters.ModelChoiceFilter(
        label=_("demand"), queryset=lambda request: Demand.objects.restrict(request.user if request else None)
    )
    unit = UnitScopeFilter()

    class Meta:
        model = Match
        fields = ["stage", "demand", "person", "unit"]


class PlanFilterSet(BaseFilterSet):
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("status"))
    unit = UnitScopeFilter()

    class Meta:
        model = Plan
        fields = ["status", "unit"]
