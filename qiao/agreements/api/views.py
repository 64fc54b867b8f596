"""The agreements API: agreements (with their parties, commitments, end/reopen and figures) and
commitments. Writes go through services.py, like the pages; every path reaches agreements and
commitments through the restricted querysets."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions as drf
from rest_framework.decorators import action
from rest_framework.response import Response

from qiao.core import services as core_services
from qiao.core.api.base import ScopedViewSet
from qiao.core.days import local_today

from .. import services
from ..filtersets import AgreementFilterSet, CommitmentFilterSet
from ..models import Agreement, Commitment
from .serializers import AgreementEndSerializer, AgreementFiguresSerializer, AgreementSerializer, CommitmentSerializer


class AgreementViewSet(ScopedViewSet):
    """Cooperation agreements (合作协议). Filters as the list page: `kind`, `status` (in_force, expired,
    ended; on your local day), `unit`, `our_unit`, `organization`, `signed_from`, `signed_to`,
    `overdue` (with overdue commitments), `q`. `GET figures/` gives the figures of the same filters."""

    queryset = Agreement.objects.select_related("unit", "signing_activity").prefetch_related(
        "parties__organization", "our_units", "commitments__done_by"
    )
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet

    def get_queryset(self):
        return services.with_status(super().get_queryset(), local_today(self.request.user))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["today"] = local_today(self.request.user)
        return context

    def perform_create(self, serializer):
        serializer.instance = serializer.save_through(self.request.user)

    def perform_update(self, serializer):
        serializer.instance = serializer.save_through(self.request.user)

    def _fresh(self, agreement):
        return self.get_queryset().get(pk=agreement.pk)

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = self.get_serializer(self._fresh(Agreement(pk=response.data["id"]))).data
        return response

    @extend_schema(request=AgreementEndSerializer, responses=AgreementSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def end(self, request, pk=None):
        """End (terminate) the agreement on `ended_on` (default today) for `end_reason` (required)."""
        agreement = self.get_object()
        payload = AgreementEndSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.end_agreement(request.user, agreement, on=data.get("ended_on"), reason=data.get("end_reason", ""))
        return Response(self.get_serializer(self._fresh(agreement)).data)

    @extend_schema(request=None, responses=AgreementSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request, pk=None):
        """Put an ended agreement back (managers)."""
        agreement = self.get_object()
        services.reopen_agreement(request.user, agreement)
        return Response(self.get_serializer(self._fresh(agreement)).data)

    @extend_schema(responses=AgreementFiguresSerializer, operation_id="agreements_figures")
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        """The figures (services.figures()) of the agreements the list returns with the same filters;
        the period is signed_from … signed_to."""
        filterset = self.filterset_class(request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise drf.ValidationError(filterset.errors)
        data = filterset.form.cleaned_data
        figures = services.figures(
            filterset.qs,
            start=data.get("signed_from"),
            end=data.get("signed_to"),
            today=local_today(request.user),
        )
        return Response(AgreementFiguresSerializer(figures).data)


class CommitmentViewSet(ScopedViewSet):
    """Commitments of the agreements (a checklist with owners and due dates). Filters: `agreement`,
    `overdue`, `done`, `owner` (a user id or "mine"), `kind`, `unit`, `due_from`, `due_to`, `q`.
    PATCH `done` true/false ticks a commitment off or unticks it."""

    queryset = services.live_commitments().select_related("agreement", "owner", "party", "done_by")
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilterSet
    write_action = "change"  # a commitment is part of its agreement: adding, changing or deleting one is a change

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["today"] = local_today(self.request.user)
        return context

    def _write(self, serializer, item: Commitment):
        data = serializer.validated_data
        with core_services.writing():
            fields = ("text", "owner", "party", "due_on", "note")
            if item.pk is None or any(name in data for name in fields):
                for name in fields:
                    if name in data:
                        setattr(item, name, data[name])
                item = services.save_commitment(self.request.user, item)
            if "done" in data:
                item = services.tick(self.request.user, item, data["done"])
        serializer.instance = item

    def perform_create(self, serializer):
        self._write(serializer, Commitment(agreement=serializer.validated_data["agreement"]))

    def perform_update(self, serializer):
        self._write(serializer, Commitment.objects.get(pk=serializer.instance.pk))

    def perform_destroy(self, instance):
        services.delete_commitment(self.request.user, instance)
