from django.db.models import Prefetch

from qiao.core.api.base import ScopedViewSet, searchable

from ..filtersets import AffiliationFilterSet, PersonFilterSet
from ..models import Affiliation, IdentityDocument, Person
from ..services import save_person
from .serializers import AffiliationSerializer, PersonSerializer


@searchable
class PersonViewSet(ScopedViewSet):
    """People in the registry. `?q=` finds them in any script, by pinyin, Jyutping or Latin name."""

    queryset = Person.objects.select_related("unit").prefetch_related(
        Prefetch("documents", queryset=IdentityDocument.objects.order_by("id")), "education", "tags", "roles"
    )
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    save_service = staticmethod(save_person)


class AffiliationViewSet(ScopedViewSet):
    """Relations between people and organisations (member, leader, employee, founder, adviser)."""

    queryset = Affiliation.objects.select_related("person", "organization")
    serializer_class = AffiliationSerializer
    filterset_class = AffiliationFilterSet
