import django_filters
from django.utils.translation import gettext_lazy as _

from qiao.core.filtersets import BaseFilterSet, UnitScopeFilter

from .models import LegalBasis, RetentionFlag, RetentionStatus, Transfer, TransferRegion, TransferSource


class TransferFilterSet(BaseFilterSet):
    region = django_filters.ChoiceFilter(label=_("destination"), choices=TransferRegion.choices)
    source = django_filters.ChoiceFilter(label=_("source"), choices=TransferSource.choices)
    legal_basis = django_filters.ChoiceFilter(label=_("legal basis"), choices=LegalBasis.choices)
    date_from = django_filters.DateFilter(label=_("from"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("until"), field_name="date", lookup_expr="lte")
    person = django_filters.NumberFilter(label=_("person"), field_name="person_id")
    unit = UnitScopeFilter()

    class Meta:
        model = Transfer
        fields = ["region", "source", "legal_basis", "unit", "person"]


class RetentionFlagFilterSet(BaseFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=RetentionStatus.choices)
    unit = UnitScopeFilter()

    class Meta:
        model = RetentionFlag
        fields = ["status", "unit"]
