import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.core.filtersets import BaseFilterSet, ModelMultipleChoiceFilter, ScopedChoiceFilter, UnitScopeFilter
from qiao.orgs.models import Organization

from .models import (
    Activity,
    ActivityKind,
    Participation,
    ParticipationRole,
    ParticipationStatus,
    Programme,
    Series,
    TargetGroup,
)


class ActivityFilterSet(BaseFilterSet):
    kind = ModelMultipleChoiceFilter(queryset=ActivityKind.objects.all(), label=_("kind"))
    date_from = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label=_("from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=_("to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    unit = UnitScopeFilter()
    partner = ScopedChoiceFilter(label=_("partner organisation"), model=Organization, kind="organizations",
                                 field_name="partners")  # fmt: skip
    target_group = ModelMultipleChoiceFilter(
        queryset=TargetGroup.objects.all(), field_name="target_groups", label=_("target group"), distinct=True
    )
    series = django_filters.ModelChoiceFilter(
        queryset=lambda request: Series.objects.restrict(request.user if request else None), label=_("series")
    )
    programme = django_filters.ModelChoiceFilter(
        queryset=lambda request: Programme.objects.restrict(request.user if request else None), label=_("programme")
    )

    class Meta:
        model = Activity
        fields = ["kind", "date_from", "date_to", "unit", "partner", "target_group", "series", "programme"]


class ParticipationFilterSet(BaseFilterSet):
    role = django_filters.ChoiceFilter(choices=ParticipationRole.choices, label=_("role"))
    status = django_filters.ChoiceFilter(choices=ParticipationStatus.choices, label=_("status"))

    class Meta:
        model = Participation
        fields = ["activity", "person", "role", "status"]


class SeriesFilterSet(BaseFilterSet):
    unit = UnitScopeFilter()
    kind = django_filters.ModelChoiceFilter(queryset=ActivityKind.objects.all(), label=_("kind"))

    class Meta:
        model = Series
        fields = ["unit", "kind"]


class ProgrammeFilterSet(BaseFilterSet):
    unit = UnitScopeFilter()

    class Meta:
        model = Programme
        fields = ["unit"]
