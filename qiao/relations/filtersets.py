"""Filters of the contact log and the key-contact list, shared by the pages, the exports, the API lists
and the figures. "Overdue" and "follow-up due" are read in the filtering user's own day."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.days import local_today
from qiao.core.filtersets import BaseFilterSet, ScopedChoiceFilter, UnitScopeFilter
from qiao.core.models import User
from qiao.orgs.models import Organization
from qiao.people.models import Person

from . import services
from .models import Interaction, InteractionKind, KeyContact, KeyContactKind

DATE = forms.DateInput(attrs={"type": "date"})
MINE = "mine"


def _user(request):
    return request.user if request else None


def _checkbox(label, method):
    """A yes-only filter ticked as a box (?overdue=1 or ?overdue=true); unticked filters nothing."""
    return django_filters.BooleanFilter(label=label, method=method, widget=forms.CheckboxInput)


def _users(request):
    return User.objects.restrict(_user(request)).filter(is_active=True)


def _activities(request):
    from qiao.activities.models import Activity

    return Activity.objects.restrict(_user(request))


def _agreements(request):
    from qiao.agreements.models import Agreement

    return Agreement.objects.restrict(_user(request))


class LocalDay:
    def today(self):
        return local_today(_user(self.request))


class InteractionFilterSet(LocalDay, BaseFilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=InteractionKind.choices, label=pgettext_lazy("interaction", "kind"), distinct=False
    )
    person = ScopedChoiceFilter(label=_("person"), model=Person, kind="people", field_name="people")
    organization = ScopedChoiceFilter(
        label=_("organisation"), model=Organization, kind="organizations", field_name="organizations"
    )
    staff = django_filters.ModelChoiceFilter(queryset=_users, label=_("our side"), field_name="staff")
    mine = _checkbox(_("mine (logged by me or with me)"), "only_mine")
    activity = django_filters.ModelChoiceFilter(
        queryset=_activities, label=_("at the activity"), widget=forms.HiddenInput
    )
    agreement = django_filters.ModelChoiceFilter(queryset=_agreements, label=_("agreement"), widget=forms.HiddenInput)
    unit = UnitScopeFilter()
    date_from = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte", label=_("from"), widget=DATE)
    date_to = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte", label=_("to"), widget=DATE)
    follow_up_open = _checkbox(_("follow-up open"), "only_follow_up_open")
    follow_up_due = _checkbox(_("follow-up due"), "only_follow_up_due")

    class Meta:
        model = Interaction
        fields = [
            "kind",
            "person",
            "organization",
            "staff",
            "mine",
            "activity",
            "agreement",
            "unit",
            "date_from",
            "date_to",
            "follow_up_open",
            "follow_up_due",
        ]

    def noop(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(summary__icontains=value)
            | Q(follow_up__icontains=value)
            | Q(
                pk__in=Interaction.people.through.objects.filter(person__name__icontains=value).values("interaction_id")
            )
            | Q(
                pk__in=Interaction.organizations.through.objects.filter(organization__name__icontains=value).values(
                    "interaction_id"
                )
            )
        )

    def only_mine(self, queryset, name, value):
        if not value:
            return queryset
        user = _user(self.request)
        with_me = Interaction.staff.through.objects.filter(user=user).values("interaction_id")
        return queryset.filter(Q(logged_by=user) | Q(pk__in=with_me))

    def only_follow_up_open(self, queryset, name, value):
        return queryset.filter(follow_up_on__isnull=False, follow_up_done_on__isnull=True) if value else queryset

    def only_follow_up_due(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(follow_up_done_on__isnull=True, follow_up_on__lte=self.today())

    @property
    def qs(self):
        # the m2m filters (person, organisation, staff) may join several rows per interaction
        return super().qs.distinct() if self._joins() else super().qs

    def _joins(self) -> bool:
        data = getattr(self.form, "cleaned_data", {}) or {}
        return any(data.get(name) for name in ("person", "organization", "staff"))


class ResponsibleFilter(django_filters.ChoiceFilter):
    """The responsible person: "mine" or a user the reader may see (by id)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("responsible"))
        kwargs.setdefault("method", self.by_responsible)
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        request = getattr(self.parent, "request", None)
        users = _users(request)[:300] if request is not None else []
        self.extra["choices"] = [(MINE, _("Mine")), *[(str(u.pk), str(u)) for u in users]]
        return super().field

    def by_responsible(self, queryset, name, value):
        if not value:
            return queryset
        if value == MINE:
            return queryset.filter(responsible=_user(self.parent.request))
        return queryset.filter(responsible_id=int(value)) if str(value).isdigit() else queryset.none()


class KeyContactFilterSet(LocalDay, BaseFilterSet):
    overdue = _checkbox(_("overdue"), "only_overdue")
    status = django_filters.ChoiceFilter(
        choices=[("active", pgettext_lazy("key contact", "Active")), ("ended", _("Ended")), ("all", _("All"))],
        label=_("status"),
        method="by_status",
        empty_label=pgettext_lazy("key contact", "Active"),
    )
    responsible = ResponsibleFilter()
    unit = UnitScopeFilter()
    kind = django_filters.ChoiceFilter(choices=KeyContactKind.choices, label=pgettext_lazy("key contact", "kind"))
    party = django_filters.ChoiceFilter(
        choices=[("person", _("People")), ("organization", _("Organisations"))],
        label=_("party type"),
        method="by_party",
    )
    person = ScopedChoiceFilter(label=_("person"), model=Person, kind="people")
    organization = ScopedChoiceFilter(label=_("organisation"), model=Organization, kind="organizations")
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("due from"), widget=DATE)
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("due up to"), widget=DATE)

    class Meta:
        model = KeyContact
        fields = [
            "overdue",
            "status",
            "responsible",
            "unit",
            "kind",
            "party",
            "person",
            "organization",
            "due_from",
            "due_to",
        ]

    def filter_queryset(self, queryset):
        # active key contacts unless the status filter asks otherwise
        if not (self.form.cleaned_data.get("status") or ""):
            queryset = queryset.filter(ended_on__isnull=True)
        return super().filter_queryset(queryset)

    def noop(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(person__name__icontains=value)
            | Q(person__name_latin__icontains=value)
            | Q(organization__name__icontains=value)
            | Q(reason__icontains=value)
        )

    def only_overdue(self, queryset, name, value):
        return queryset.filter(services.overdue_q(self.today())) if value else queryset

    def by_status(self, queryset, name, value):
        if value == "ended":
            return queryset.filter(ended_on__isnull=False)
        if value == "active":
            return queryset.filter(ended_on__isnull=True)
        return queryset

    def by_party(self, queryset, name, value):
        if value == "person":
            return queryset.filter(person__isnull=False)
        if value == "organization":
            return queryset.filter(organization__isnull=False)
        return queryset
