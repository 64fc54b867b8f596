"""Filters of the ledger's lists, shared by the pages and the API. "Overdue", "mine" and the age of
a case are read in the user's own day (services.local_today)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from qiao.core.filtersets import BaseFilterSet, ModelMultipleChoiceFilter, ScopedChoiceFilter, UnitScopeFilter
from qiao.orgs.models import Organization
from qiao.people.models import Person

from . import services
from .models import ACTIVE_STATUSES, Case, CaseStatus, CaseTask, Category, Priority, ServiceKind, ServiceRecord

DATE = forms.DateInput(attrs={"type": "date"})
ACTIVE = "active"
STATUS_CHOICES = [(ACTIVE, _("Active (open or in progress)")), *CaseStatus.choices]


def _user(request):
    return request.user if request else None


def _owners(request):
    from qiao.core.models import User

    if request is None:
        return User.objects.none()
    return services.owner_choices(request.user)


def _projects(request):
    from qiao.projects.models import Project

    return Project.objects.restrict(_user(request))


def _cases(request):
    return Case.objects.restrict(_user(request))


def _checkbox(label, method):
    """A yes-only filter ticked as a box (?overdue=1 or ?overdue=true); unticked filters nothing."""
    return django_filters.BooleanFilter(label=label, method=method, widget=forms.CheckboxInput)


class UserLocalDay:
    """The filtering user's local today."""

    def today(self):
        return services.local_today(_user(self.request))


class CaseFilterSet(UserLocalDay, BaseFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=STATUS_CHOICES, label=_("status"), method="by_status", distinct=False
    )
    overdue = _checkbox(_("overdue"), "only_overdue")
    mine = _checkbox(_("mine"), "only_mine")
    category = django_filters.MultipleChoiceFilter(choices=Category.choices, label=_("category"), distinct=False)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, label=_("priority"), distinct=False)
    owner = django_filters.ModelChoiceFilter(queryset=_owners, label=_("owner"))
    unassigned = _checkbox(_("no owner"), "only_unassigned")
    organization = ScopedChoiceFilter(label=_("organisation"), model=Organization, kind="organizations")
    project = ScopedChoiceFilter(label=_("project"), queryset=_projects, kind="projects")
    raised_by = ScopedChoiceFilter(label=_("raised by"), model=Person, kind="people")
    unit = UnitScopeFilter()
    age = django_filters.ChoiceFilter(
        label=_("open for (days)"), choices=[(code, label) for code, label, *_rest in services.AGES], method="by_age"
    )
    raised_from = django_filters.DateFilter(field_name="raised_on", lookup_expr="gte", label=_("raised from"),
                                            widget=DATE)  # fmt: skip
    raised_to = django_filters.DateFilter(field_name="raised_on", lookup_expr="lte", label=_("raised up to"),
                                          widget=DATE)  # fmt: skip
    source = django_filters.ChoiceFilter(choices=Case._meta.get_field("source").choices, label=_("source"))

    class Meta:
        model = Case
        fields = [
            "status",
            "overdue",
            "mine",
            "category",
            "priority",
            "owner",
            "unassigned",
            "organization",
            "project",
            "raised_by",
            "unit",
            "age",
            "raised_from",
            "raised_to",
            "source",
        ]

    def by_status(self, queryset, name, value):
        wanted = set()
        for status in value:
            wanted.update(ACTIVE_STATUSES if status == ACTIVE else [status])
        return queryset.filter(status__in=sorted(wanted)) if wanted else queryset

    def only_overdue(self, queryset, name, value):
        return queryset.filter(services.overdue_q(self.today())) if value else queryset

    def only_mine(self, queryset, name, value):
        return queryset.filter(owner=_user(self.request)) if value else queryset

    def only_unassigned(self, queryset, name, value):
        return queryset.filter(owner__isnull=True) if value else queryset

    def by_age(self, queryset, name, value):
        condition = services.age_q(value, self.today())
        return queryset.filter(condition) if condition is not None else queryset


class TaskFilterSet(UserLocalDay, BaseFilterSet):
    case = django_filters.ModelChoiceFilter(queryset=_cases, label=_("case"), widget=forms.HiddenInput)
    done = django_filters.BooleanFilter(label=_("done"))
    overdue = _checkbox(_("overdue"), "only_overdue")
    mine = _checkbox(_("mine"), "only_mine")
    assignee = django_filters.ModelChoiceFilter(queryset=_owners, label=_("assignee"))
    active = _checkbox(_("of active cases"), "of_active_cases")
    unit = UnitScopeFilter(field_path="case__unit")

    class Meta:
        model = CaseTask
        fields = ["case", "done", "overdue", "mine", "assignee", "active", "unit"]

    def only_overdue(self, queryset, name, value):
        return queryset.filter(services.task_overdue_q(self.today())) if value else queryset

    def only_mine(self, queryset, name, value):
        return queryset.filter(assignee=_user(self.request)) if value else queryset

    def of_active_cases(self, queryset, name, value):
        return queryset.filter(case__status__in=ACTIVE_STATUSES) if value else queryset


@extend_schema_field(OpenApiTypes.STR)
class CodesFilter(ModelMultipleChoiceFilter):
    """Entries of a shared list by their codes (?kind=visit&kind=matchmaking)."""


class ServiceRecordFilterSet(BaseFilterSet):
    kind = CodesFilter(
        queryset=ServiceKind.objects.all(),
        field_name="kind__code",
        to_field_name="code",
        label=_("kind of service"),
        distinct=False,
    )
    unit = UnitScopeFilter()
    date_from = django_filters.DateFilter(field_name="on", lookup_expr="gte", label=_("from"), widget=DATE)
    date_to = django_filters.DateFilter(field_name="on", lookup_expr="lte", label=_("to"), widget=DATE)
    person = ScopedChoiceFilter(label=_("person"), model=Person, kind="people")
    organization = ScopedChoiceFilter(label=_("organisation"), model=Organization, kind="organizations")
    case = django_filters.ModelChoiceFilter(queryset=_cases, label=_("case"), widget=forms.HiddenInput)

    class Meta:
        model = ServiceRecord
        fields = ["kind", "date_from", "date_to", "unit", "person", "organization", "case"]
