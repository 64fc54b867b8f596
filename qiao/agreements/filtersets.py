"""Filters of the agreement and commitment lists, shared by the pages, the exports, the API lists and
/api/agreements/figures/. The status and "overdue" are read in the filtering user's local day."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from qiao.core.days import local_today
from qiao.core.filtersets import BaseFilterSet, ScopedChoiceFilter, UnitScopeFilter
from qiao.core.models import User
from qiao.orgs.models import Organization

from . import services
from .models import Agreement, AgreementKind, AgreementStatus, Commitment

DATE = forms.DateInput(attrs={"type": "date"})
MINE = "mine"


def _user(request):
    return request.user if request else None


def _agreements(request):
    return Agreement.objects.restrict(_user(request))


class UserLocalDay:
    def today(self):
        return local_today(_user(self.request))


def _checkbox(label, method):
    """A yes-only filter ticked as a box (?overdue=1 or ?overdue=true); unticked filters nothing."""
    return django_filters.BooleanFilter(label=label, method=method, widget=forms.CheckboxInput)


class AgreementFilterSet(UserLocalDay, BaseFilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=AgreementKind.choices, label=pgettext_lazy("agreement", "kind"), distinct=False
    )
    status = django_filters.MultipleChoiceFilter(
        choices=AgreementStatus.choices, label=_("status"), method="by_status", distinct=False
    )
    unit = UnitScopeFilter()
    our_unit = UnitScopeFilter(label=_("our unit party to it (with sub-units)"), method="by_our_unit")
    organization = ScopedChoiceFilter(
        label=_("organisation"), model=Organization, kind="organizations", method="by_organization"
    )
    signed_from = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="gte", label=_("signed from"), widget=DATE
    )
    signed_to = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte", label=_("signed to"), widget=DATE)
    overdue = _checkbox(_("with overdue commitments"), "with_overdue")

    class Meta:
        model = Agreement
        fields = ["kind", "status", "unit", "our_unit", "organization", "signed_from", "signed_to", "overdue"]

    def by_status(self, queryset, name, value):
        return services.filter_status(queryset, value, self.today())

    def by_organization(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=Agreement.objects.filter(parties__organization=value).values("pk"))

    def with_overdue(self, queryset, name, value):
        if not value:
            return queryset
        late = Commitment.objects.filter(services.overdue_q(self.today())).values("agreement_id")
        return queryset.filter(pk__in=late)

    def by_our_unit(self, queryset, name, value):
        if not value:
            return queryset
        parties = Agreement.objects.filter(our_units__path__startswith=value.path).values("pk")
        return queryset.filter(pk__in=parties)

    def noop(self, queryset, name, value):
        """`q` here (the API and the page): the title, the scope or a party's name."""
        value = value.strip()
        if not value:
            return queryset
        parties = Agreement.objects.filter(parties__organization__name__icontains=value).values("pk")
        return queryset.filter(Q(title__icontains=value) | Q(scope__icontains=value) | Q(pk__in=parties))


@extend_schema_field(OpenApiTypes.STR)
class OwnerFilter(django_filters.CharFilter):
    """A user's id, or "mine" for the filtering user."""


class CommitmentFilterSet(UserLocalDay, BaseFilterSet):
    # reached from an agreement's page; a drop-down of every agreement would not scale
    agreement = django_filters.ModelChoiceFilter(queryset=_agreements, label=_("agreement"), widget=forms.HiddenInput)
    overdue = _checkbox(_("overdue"), "only_overdue")
    done = django_filters.BooleanFilter(label=_("done"), method="by_done")
    owner = OwnerFilter(
        label=pgettext_lazy("commitment", "owner"),
        method="by_owner",
        help_text=_('A user id, or "mine".'),
        widget=forms.Select,
    )
    kind = django_filters.MultipleChoiceFilter(
        field_name="agreement__kind",
        choices=AgreementKind.choices,
        label=_("kind of agreement"),
        distinct=False,
    )
    unit = UnitScopeFilter(field_path="agreement__unit")
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("due from"), widget=DATE)
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("due to"), widget=DATE)

    class Meta:
        model = Commitment
        fields = ["agreement", "overdue", "done", "owner", "kind", "unit", "due_from", "due_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].extra["widget"] = forms.Select(
            choices=lambda: [("", "---------"), *owner_options(self.request)]
        )

    def only_overdue(self, queryset, name, value):
        return queryset.filter(services.overdue_q(self.today())) if value else queryset

    def by_done(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(done_on__isnull=not value)

    def by_owner(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        if value == MINE:
            user = _user(self.request)
            return queryset.filter(owner=user) if user and user.is_authenticated else queryset.none()
        if value.isdigit() and len(value) < 19:
            return queryset.filter(owner_id=int(value))
        return queryset.none()

    def noop(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(text__icontains=value) | Q(agreement__title__icontains=value))


def owner_options(request):
    """(value, label) of the owner picker on the commitment list: "mine", then users the reader sees."""
    users = User.objects.restrict(_user(request)).filter(is_active=True).order_by("username")[:200]
    return [(MINE, _("Mine")), *((str(u.pk), str(u)) for u in users)]
