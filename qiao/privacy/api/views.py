"""/api/people/{id}/consents/, …/withdraw/, …/export/, …/erase/, …/transfers/ and /api/transfers/."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from qiao.core import scoping

from .. import erasure, export, services
from ..filtersets import TransferFilterSet
from ..models import Consent, Transfer
from .serializers import ConsentSerializer, EraseSerializer, ErasureSerializer, TransferSerializer, WithdrawSerializer


class PersonConsentsView(APIView):
    """A person's consents (GET), or record one (POST: staff who may change the person)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ConsentSerializer(many=True))
    def get(self, request, pk):
        person = services.person_for(request.user, pk, "view")
        return Response(ConsentSerializer(services.consents_of(person), many=True).data)

    @extend_schema(request=ConsentSerializer, responses={201: ConsentSerializer})
    def post(self, request, pk):
        person = services.person_for(request.user, pk, "change")
        serializer = ConsentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        consent = services.record_consent(
            request.user,
            person,
            purpose=data["purpose"],
            purpose_other=data.get("purpose_other", ""),
            given_on=data["given_on"],
            method=data["method"],
            note=data.get("note", ""),
        )
        return Response(ConsentSerializer(consent).data, status=201)


class ConsentWithdrawView(APIView):
    """Withdraw a consent: it stays, with the day it was withdrawn."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=WithdrawSerializer, responses=ConsentSerializer)
    def post(self, request, pk, consent_pk):
        person = services.person_for(request.user, pk, "change")
        consent = get_object_or_404(Consent, pk=consent_pk, person=person)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        consent = services.withdraw_consent(request.user, consent, on=data.get("withdrawn_on"), note=data["note"])
        return Response(ConsentSerializer(consent).data)


class PersonExportView(APIView):
    """Everything about the person as one .zip (data.json and summary.md); managers of the owning unit."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        person = services.managed_person(request.user, pk)
        name, content = export.export_person(request.user, person)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class PersonEraseView(APIView):
    """Erase the person's personal data for good (managers of the owning unit; the name typed to confirm)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=EraseSerializer, responses=ErasureSerializer)
    def post(self, request, pk):
        person = services.managed_person(request.user, pk)
        serializer = EraseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = erasure.erase(person, request.user, **serializer.validated_data)
        return Response(ErasureSerializer(record).data)


class PersonTransfersView(APIView):
    """A person's cross-border transfers (GET), or record one by hand (POST)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TransferSerializer(many=True))
    def get(self, request, pk):
        person = services.person_for(request.user, pk, "view")
        return Response(TransferSerializer(Transfer.objects.filter(person=person), many=True).data)

    @extend_schema(request=TransferSerializer, responses={201: TransferSerializer})
    def post(self, request, pk):
        person = services.person_for(request.user, pk, "change")
        serializer = TransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        transfer = services.record_transfer(request.user, person, **data)
        return Response(TransferSerializer(transfer).data, status=201)


class TransferListView(generics.ListAPIView):
    """The register of cross-border transfers, for managers: the people of the units they manage."""

    permission_classes = [IsAuthenticated]
    serializer_class = TransferSerializer
    filterset_class = TransferFilterSet
    queryset = Transfer.objects.select_related("person")

    def get_queryset(self):
        if not scoping.has_any(self.request.user, "delete"):
            return Transfer.objects.none()
        return super().get_queryset().restrict(self.request.user, "delete")
