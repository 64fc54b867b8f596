from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from qiao.core import sensitive
from qiao.core.api.base import ChangeRecordSerializer, ScopedViewSet, searchable
from qiao.core.models import ChangeRecord

from ..filtersets import AffiliationFilterSet, PersonFilterSet
from ..models import Affiliation, IdentityDocument, Person, PersonShare
from ..services import save_person, share_person, unshare_person
from .serializers import AffiliationSerializer, PersonSerializer, PersonShareSerializer, RevealedSerializer


@searchable
class PersonViewSet(ScopedViewSet):
    """People in the registry. `?q=` finds them in any script, by pinyin, Jyutping or Latin name."""

    queryset = Person.objects.select_related("unit").prefetch_related(
        Prefetch("documents", queryset=IdentityDocument.objects.order_by("id")), "education", "tags", "roles"
    )
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    save_service = staticmethod(save_person)
    write_action = None  # the role action a POST needs (ScopedPermission); "reveal" for the reveal action

    def retrieve(self, request, *args, **kwargs):
        """One person. Documents, phones, e-mails and the date of birth are partly masked (`masked`:
        true) unless your role in the owning unit allows seeing them; every retrieve is logged."""
        person = self.get_object()
        serializer = self.get_serializer(person)
        data = serializer.data
        sensitive.log_view(person, source="api", masked=data["masked"])
        return Response(data)

    @extend_schema(request=None, responses=RevealedSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[], write_action="reveal")
    def reveal(self, request, pk=None):
        """This person's documents, phones, e-mails and date of birth in full. Staff and managers of the
        owning unit (not of a unit the person is shared with); each call is recorded in the access log."""
        person = self.get_object()
        values = sensitive.reveal(request.user, person)
        return Response(RevealedSerializer.of(person, values))

    @extend_schema(responses=ChangeRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        """The person's change history, newest first; sensitive values masked as in the record itself."""
        person = self.get_object()
        changes = ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(Person), object_id=person.pk
        ).order_by("-time", "-id")
        page = sensitive.masked_changes(request.user, person, self.paginate_queryset(changes))
        return self.get_paginated_response(ChangeRecordSerializer(page, many=True).data)

    @extend_schema(request=PersonShareSerializer, responses=PersonShareSerializer(many=True), filters=False)
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def shares(self, request, pk=None):
        """Units this person is shared with. POST {unit, access, note} shares (managers of the owning unit)."""
        person = self.get_object()
        if request.method == "POST":
            serializer = PersonShareSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            share_person(request.user, person, **serializer.validated_data)
        return Response(PersonShareSerializer(person.shares.select_related("unit"), many=True).data)

    @extend_schema(responses={204: None}, filters=False)
    @action(detail=True, methods=["delete"], url_path=r"shares/(?P<unit_id>\d+)", filter_backends=[])
    def unshare(self, request, pk=None, unit_id=None):
        """Stop sharing this person with a unit."""
        person = self.get_object()
        share = get_object_or_404(PersonShare, person=person, unit_id=unit_id)
        unshare_person(request.user, share)
        return Response(status=204)


class AffiliationViewSet(ScopedViewSet):
    """Relations between people and organisations (member, leader, employee, founder, adviser)."""

    queryset = Affiliation.objects.select_related("person", "organization")
    serializer_class = AffiliationSerializer
    filterset_class = AffiliationFilterSet
