import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.choices import OrganizationRegion
from qiao.core.filtersets import BaseFilterSet, ScopedChoiceFilter, UnitScopeFilter
from qiao.core.models import User
from qiao.matching.filtersets import FieldFilter
from qiao.orgs.models import Organization
from qiao.people.models import Person

from .models import Project, ProjectKind, Stage, Tranche

DATE = forms.DateInput(attrs={"type": "date"})


class IndustryFilter(FieldFilter):
    """Projects of an industry or any industry below it in the taxonomy (matching.Field paths)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("industry"))
        super().__init__(*args, field_path="industry", **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(industry__path__startswith=value.path)


def _liaisons(request):
    return User.objects.restrict(request.user if request else None).filter(is_active=True)


class PeriodOn(django_filters.ChoiceFilter):
    """Which date `date_from` / `date_to` apply to (read by them; filters nothing itself)."""

    def filter(self, qs, value):
        return qs


class ProjectFilterSet(BaseFilterSet):
    """The project list, the board, the export, the API list and /api/projects/totals/ all use it,
    so their rows and their totals are always the same set."""

    # no DISTINCT: these filter the project's own columns (DISTINCT would cost a sort of every row)
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, label=_("stage"), distinct=False)
    origin = django_filters.MultipleChoiceFilter(
        choices=OrganizationRegion.choices, label=_("origin of capital"), distinct=False
    )
    kind = django_filters.ChoiceFilter(choices=ProjectKind.choices, label=pgettext_lazy("project", "kind"))
    industry = IndustryFilter()
    investor = ScopedChoiceFilter(label=_("investor"), model=Organization, kind="organizations")
    referral_person = ScopedChoiceFilter(label=_("referred by (person)"), model=Person, kind="people")
    referral_organization = ScopedChoiceFilter(
        label=_("referred by (organisation)"), model=Organization, kind="organizations"
    )
    person = ScopedChoiceFilter(label=_("related person"), model=Person, kind="people", field_name="people")
    liaison = django_filters.ModelChoiceFilter(queryset=_liaisons, label=_("liaison"))
    unit = UnitScopeFilter()
    period_on = PeriodOn(
        choices=[("stage", _("date of the current stage")), ("signed", _("signing date"))],
        label=_("period on"),
        empty_label=None,
    )
    date_from = django_filters.DateFilter(label=_("from"), method="on_or_after", widget=DATE)
    date_to = django_filters.DateFilter(label=_("to"), method="on_or_before", widget=DATE)

    class Meta:
        model = Project
        fields = [
            "stage",
            "origin",
            "kind",
            "industry",
            "unit",
            "investor",
            "referral_person",
            "referral_organization",
            "person",
            "liaison",
            "period_on",
            "date_from",
            "date_to",
        ]

    def _date_field(self) -> str:
        data = getattr(self.form, "cleaned_data", {}) or {}
        return "signed_on" if data.get("period_on") == "signed" else "stage_on"

    def on_or_after(self, queryset, name, value):
        return queryset.filter(**{f"{self._date_field()}__gte": value}) if value else queryset

    def on_or_before(self, queryset, name, value):
        return queryset.filter(**{f"{self._date_field()}__lte": value}) if value else queryset


class TrancheFilterSet(BaseFilterSet):
    project = django_filters.ModelChoiceFilter(
        queryset=lambda request: Project.objects.restrict(request.user if request else None), label=_("project")
    )
    unit = UnitScopeFilter(field_path="project__unit")

    class Meta:
        model = Tranche
        fields = ["project", "unit"]
