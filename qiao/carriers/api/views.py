"""The carriers API: carriers and residencies (with their exits, outcomes and figures). Writes go
through services.py, like the pages; every path reaches records through the restricted querysets."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from qiao.core.api.base import ScopedViewSet
from qiao.core.days import local_today

from .. import services
from ..filtersets import CarrierFilterSet, ResidencyFilterSet
from ..models import Carrier, Milestone
from ..views import residencies
from .serializers import (
    CarrierFiguresSerializer,
    CarrierSerializer,
    ExitSerializer,
    MilestoneSerializer,
    ResidencyFiguresSerializer,
    ResidencySerializer,
)

PERIOD = [
    OpenApiParameter("on", str, description="The day of “in incubation” (YYYY-MM-DD; default: today)."),
    OpenApiParameter("from", str, description="The period's first day (YYYY-MM-DD; default: the beginning)."),
    OpenApiParameter("to", str, description="The period's last day (YYYY-MM-DD; default: `on`)."),
]


def _date(request, name: str):
    from django import forms

    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        return forms.DateField().clean(value)
    except forms.ValidationError:
        raise exceptions.ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}) from None


def _filtered(viewset, request):
    filterset = viewset.filterset_class(request.query_params, queryset=viewset.get_queryset(), request=request)
    if not filterset.is_valid():
        raise exceptions.ValidationError(filterset.errors)
    return filterset.qs


class CarrierViewSet(ScopedViewSet):
    """Carrier platforms (bases, incubators, maker spaces, parks, internship bases). `figures` gives
    count by kind, floor area, capacity and occupancy today of the same filters as the list."""

    queryset = Carrier.objects.select_related("unit", "operator")
    serializer_class = CarrierSerializer
    filterset_class = CarrierFilterSet
    save_service = staticmethod(services.save_carrier)

    def get_queryset(self):
        return services.annotate_occupancy(super().get_queryset(), local_today(self.request.user))

    def perform_create(self, serializer):
        super().perform_create(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)  # with hosted_now

    def perform_update(self, serializer):
        super().perform_update(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        services.delete_carrier(self.request.user, instance)

    @extend_schema(responses=CarrierFiguresSerializer, parameters=PERIOD[:1])
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        """Carriers by kind, total floor area and capacity, residents hosted on `on` and the occupancy."""
        on = _date(request, "on") or local_today(request.user)
        return Response(CarrierFiguresSerializer(services.carrier_figures(_filtered(self, request), on=on)).data)


class ResidencyViewSet(ScopedViewSet):
    """Teams and enterprises hosted by carriers, with their outcomes (milestones, read). `exit`
    graduates or lets one leave; `milestones` lists and adds outcomes; `reopen` undoes an exit
    (managers); `figures` gives the figures of the same filters as the list."""

    queryset = residencies.prefetch_related("founders", "milestones")
    serializer_class = ResidencySerializer
    filterset_class = ResidencyFilterSet

    def perform_create(self, serializer):
        serializer.instance = services.save_residency(self.request.user, serializer.build(), **serializer.extras())

    def perform_update(self, serializer):
        serializer.instance = services.save_residency(self.request.user, serializer.build(), **serializer.extras())

    def perform_destroy(self, instance):
        services.delete_residency(self.request.user, instance)

    def _answer(self, request, residency, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=residency.pk)
        return Response(ResidencySerializer(fresh, context={"request": request}).data, status=code)

    @extend_schema(request=ExitSerializer, responses=ResidencySerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def exit(self, request, pk=None):
        """Graduate (`kind` "graduated") or let leave (`kind` "left") on `on` (default today): not
        before the entry, not in the future; writes the GRADUATED/LEFT milestone."""
        residency = self.get_object()
        serializer = ExitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        residency = services.exit_residency(
            request.user, residency, data["kind"], data.get("on"), note=data.get("note", "")
        )
        return self._answer(request, residency)

    @extend_schema(request=None, responses=ResidencySerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request, pk=None):
        """Undo the exit (managers): hosted again, if the carrier has room."""
        residency = services.undo_exit(request.user, self.get_object())
        return self._answer(request, residency)

    @extend_schema(methods=["get"], responses=MilestoneSerializer(many=True), filters=False)
    @extend_schema(methods=["post"], request=MilestoneSerializer, responses={201: MilestoneSerializer}, filters=False)
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def milestones(self, request, pk=None):
        """The outcomes (oldest first), or add one ("registered" or "funded")."""
        residency = self.get_object()
        if request.method == "GET":
            rows = Milestone.objects.filter(residency=residency).order_by("on", "id")
            return Response(MilestoneSerializer(rows, many=True, context={"request": request}).data)
        serializer = MilestoneSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        milestone = services.add_milestone(
            request.user,
            residency,
            data["kind"],
            data["on"],
            amount=data.get("amount"),
            organization=data.get("organization"),
            note=data.get("note", ""),
        )
        return Response(MilestoneSerializer(milestone, context={"request": request}).data, status=201)

    @extend_schema(responses=ResidencyFiguresSerializer, parameters=PERIOD)
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        """The figures (definitions in services.figures()) of the residencies the list returns with the
        same filters, for the day `on` and the period `from`–`to`."""
        on = _date(request, "on") or local_today(request.user)
        start, end = _date(request, "from"), _date(request, "to")
        if start and end and start > end:
            raise exceptions.ValidationError({"from": [_("The period starts after it ends.")]})
        figures = services.figures(_filtered(self, request), on=on, start=start, end=end)
        return Response(ResidencyFiguresSerializer(figures).data)
