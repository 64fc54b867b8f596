import django_filters
from django.utils.translation import gettext_lazy as _

from qiao.core.filtersets import BaseFilterSet, UnitScopeFilter

from .models import BatchStatus, ImportBatch, ImportKind


class ImportBatchFilterSet(BaseFilterSet):
    unit = UnitScopeFilter()
    kind = django_filters.ChoiceFilter(choices=ImportKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=BatchStatus.choices, label=_("status"))

    class Meta:
        model = ImportBatch
        fields = ["unit", "kind", "status"]
