import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiao.core.filtersets import BaseFilterSet
from qiao.core.models import User

from .models import LoginEvent, Outcome

DATE = forms.DateInput(attrs={"type": "date"})


def _managed_users(request):
    if request is None:
        return User.objects.none()
    return User.objects.restrict(request.user, "manage")


class LoginEventFilterSet(BaseFilterSet):
    user = django_filters.ModelChoiceFilter(queryset=_managed_users, label=_("user"))
    outcome = django_filters.MultipleChoiceFilter(choices=Outcome.choices, label=_("outcome"))
    date_from = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label=_("from"), widget=DATE)
    date_to = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label=_("to"), widget=DATE)

    class Meta:
        model = LoginEvent
        fields = ["user", "outcome", "date_from", "date_to"]

    def noop(self, queryset, name, value):
        """The search box: the user name typed (also names that match no user) or the address."""
        return queryset.filter(Q(username__icontains=value) | Q(ip_address__startswith=value))
