import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Notification, NotificationKind


class NotificationFilterSet(django_filters.FilterSet):
    """Shared by the notification page and the API."""

    unread = django_filters.BooleanFilter(label=_("Unread only"), method="filter_unread")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=NotificationKind.choices)

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)
