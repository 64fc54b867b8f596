"""Filters of the proposal and public role lists; the pages, their exports, the API lists and the
figures endpoints all use them, so their rows and their figures are the same set."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core import search
from qiao.core.filtersets import BaseFilterSet, ScopedChoiceFilter, UnitScopeFilter
from qiao.people.models import Person

from . import services
from .models import Channel, Outcome, Proposal, PublicRole, PublicRoleKind

DATE = forms.DateInput(attrs={"type": "date"})


class ProposalFilterSet(BaseFilterSet):
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices, label=_("channel"), distinct=False)
    outcome = django_filters.MultipleChoiceFilter(
        choices=Outcome.choices, label=pgettext_lazy("proposal", "outcome"), distinct=False
    )
    unit = UnitScopeFilter()
    author = ScopedChoiceFilter(label=_("author"), model=Person, kind="people", field_name="authors")
    submitted_from = django_filters.DateFilter(
        label=_("submitted from"), field_name="submitted_on", lookup_expr="gte", widget=DATE
    )
    submitted_to = django_filters.DateFilter(
        label=_("submitted until"), field_name="submitted_on", lookup_expr="lte", widget=DATE
    )
    role_kind = django_filters.ChoiceFilter(
        choices=PublicRoleKind.choices, label=_("an author's public role at submission"), method="with_role"
    )

    class Meta:
        model = Proposal
        fields = ["channel", "outcome", "unit", "author", "submitted_from", "submitted_to", "role_kind"]

    def with_role(self, queryset, name, value):
        return queryset.filter(services.authored_with_role(value)) if value else queryset

    def noop(self, queryset, name, value):
        """`q`: words of the topic, the venue, the summary or an author's name."""
        value = (value or "").strip()
        if not value:
            return queryset
        people = search.search(Person.objects.all(), value).order_by().values("pk")
        named = Proposal.authors.through.objects.filter(proposal_id=OuterRef("pk"), person_id__in=people)
        return queryset.filter(
            Q(title__icontains=value) | Q(venue__icontains=value) | Q(summary__icontains=value) | Exists(named)
        )


class PublicRoleFilterSet(BaseFilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=PublicRoleKind.choices, label=pgettext_lazy("public role", "kind"), distinct=False
    )
    body = django_filters.CharFilter(label=_("body"), lookup_expr="icontains")
    person = ScopedChoiceFilter(label=_("person"), model=Person, kind="people")
    unit = UnitScopeFilter(field_path="person__unit", label=_("Unit of the person (with sub-units)"))
    current_on = django_filters.DateFilter(label=_("held on"), method="held_on", widget=DATE)
    current = django_filters.BooleanFilter(label=_("held today"), method="held_today", widget=forms.NullBooleanSelect)

    class Meta:
        model = PublicRole
        fields = ["kind", "body", "person", "unit", "current_on", "current"]

    def held_on(self, queryset, name, value):
        return services.current(queryset, value) if value else queryset

    def held_today(self, queryset, name, value):
        if value is None:
            return queryset
        from qiao.core.days import local_today

        today = local_today(getattr(self.request, "user", None))
        held = services.current(PublicRole.objects.all(), today).values("pk")
        return queryset.filter(pk__in=held) if value else queryset.exclude(pk__in=held)

    def noop(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        people = search.search(Person.objects.all(), value).order_by().values("pk")
        return queryset.filter(Q(person_id__in=people) | Q(body__icontains=value) | Q(title__icontains=value))
