from qiao.core.api.base import ScopedViewSet, searchable

from ..filtersets import OrganizationFilterSet
from ..models import Organization
from .serializers import OrganizationSerializer


@searchable
class OrganizationViewSet(ScopedViewSet):
    """Enterprises, associations (with member associations), universities, institutes, government."""

    queryset = Organization.objects.select_related("unit", "parent").prefetch_related("tags")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
