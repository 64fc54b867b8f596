"""The proposals API: proposals (with their outcome and figures) and public roles. Writes go through
services.py, like the pages; every path reaches records through the restricted querysets."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions as drf
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from qiao.core.api.base import ScopedViewSet
from qiao.core.days import local_today

from .. import services
from ..filtersets import ProposalFilterSet, PublicRoleFilterSet
from ..models import Proposal, PublicRole
from ..views import for_reader
from .serializers import (
    OutcomeSerializer,
    ProposalFiguresSerializer,
    ProposalSerializer,
    PublicRoleSerializer,
    RoleFiguresSerializer,
)


class ProposalViewSet(ScopedViewSet):
    """Suggestions and proposals (建言献策). `outcome` changes the outcome with its dates; `figures`
    gives the figures of the same filters as the list (services.figures)."""

    queryset = Proposal.objects.all()
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilterSet
    save_service = staticmethod(services.save_proposal)

    def get_queryset(self):
        return for_reader(super().get_queryset(), self.request.user)

    def _fresh(self, proposal):
        return ProposalSerializer(self.get_queryset().get(pk=proposal.pk), context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = self._fresh(self._saved)
        return response

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response.data = self._fresh(self._saved)
        return response

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self._saved = serializer.instance

    def perform_update(self, serializer):
        super().perform_update(serializer)
        self._saved = serializer.instance

    @extend_schema(request=OutcomeSerializer, responses=ProposalSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def outcome(self, request, pk=None):
        """Set the outcome: `adopted` needs `adopted_on`, `endorsed` needs `endorsed_on` (both on or
        after the submission, not in the future; an endorsed proposal is adopted too, by the day of
        the endorsement at the latest). Dates not given keep their stored values."""
        proposal = self.get_object()
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changes = {name: data[name] for name in ("adopted_on", "endorsed_on") if name in data}
        if "outcome_note" in data:
            changes["note"] = data["outcome_note"]
        proposal = services.set_outcome(request.user, proposal, data["outcome"], **changes)
        return Response(self._fresh(proposal))

    @extend_schema(responses=ProposalFiguresSerializer, operation_id="proposals_figures")
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        """Submitted, by channel, adopted, endorsed, distinct authors and the authors' public roles
        at submission, of the proposals the list returns with the same filters."""
        filterset = self.filterset_class(request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise drf.ValidationError(filterset.errors)
        data = filterset.form.cleaned_data
        result = services.figures(filterset.qs, start=data.get("submitted_from"), end=data.get("submitted_to"))
        return Response(ProposalFiguresSerializer(result).data)


class PublicRoleViewSet(ScopedViewSet):
    """Public roles of people (deputy, CPPCC member, director of an association …) with their terms.
    Visible with the person; adding, editing or deleting one needs the right to change the person."""

    queryset = PublicRole.objects.select_related("person")
    serializer_class = PublicRoleSerializer
    filterset_class = PublicRoleFilterSet
    write_action = "change"  # a role is part of its person

    def perform_create(self, serializer):
        serializer.instance = services.save_role(self.request.user, PublicRole(**serializer.validated_data))

    def perform_update(self, serializer):
        role = serializer.instance
        for key, value in serializer.validated_data.items():
            setattr(role, key, value)
        serializer.instance = services.save_role(self.request.user, role)

    def perform_destroy(self, instance):
        services.delete_role(self.request.user, instance)

    @extend_schema(
        responses=RoleFiguresSerializer,
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="Default: today (your time zone).")],
        operation_id="public_roles_figures",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        """People holding a role of each kind on the day `on`, among the roles the list returns with
        the same filters."""
        filterset = self.filterset_class(request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise drf.ValidationError(filterset.errors)
        on = local_today(request.user)
        if request.query_params.get("on"):
            field = serializers.DateField()
            try:
                on = field.to_internal_value(request.query_params["on"])
            except drf.ValidationError as error:
                raise drf.ValidationError({"on": error.detail}) from error
        return Response(RoleFiguresSerializer(services.role_figures(filterset.qs, on)).data)
