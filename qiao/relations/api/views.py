"""The relations API: interactions and key contacts, with their figures. Writes go through
services.py, like the pages; every path reaches records through the restricted querysets."""

from __future__ import annotations

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions as drf
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from qiao.core.api.base import ScopedViewSet
from qiao.core.days import local_today

from .. import services
from ..figures import as_dict, relationship_figures
from ..filtersets import InteractionFilterSet, KeyContactFilterSet
from ..forms import FiguresForm
from ..views import interactions, key_contacts
from .serializers import (
    EndSerializer,
    FollowUpSerializer,
    InteractionFiguresSerializer,
    InteractionSerializer,
    KeyContactFiguresSerializer,
    KeyContactSerializer,
)


def _filtered(viewset, request):
    filterset = viewset.filterset_class(request.query_params, queryset=viewset.get_queryset(), request=request)
    if not filterset.is_valid():
        raise drf.ValidationError(filterset.errors)
    return filterset.qs


class InteractionViewSet(ScopedViewSet):
    """The contact log. Each interaction is with at least one person or organisation. Logging,
    correcting or deleting one computes the key contacts of its parties again. `figures` gives the
    count, the count by kind and the distinct people and organisations of the same filters as the
    list; `follow_up` marks the follow-up done."""

    queryset = interactions
    serializer_class = InteractionSerializer
    filterset_class = InteractionFilterSet

    def perform_create(self, serializer):
        serializer.instance = services.save_interaction(self.request.user, serializer.build(), **serializer.extras())

    def perform_update(self, serializer):
        serializer.instance = services.save_interaction(self.request.user, serializer.build(), **serializer.extras())

    def perform_destroy(self, instance):
        services.delete_interaction(self.request.user, instance)

    @extend_schema(responses=InteractionFiguresSerializer, operation_id="interactions_figures")
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        """Figures of the interactions the list returns with the same filters (and `q`)."""
        return Response(InteractionFiguresSerializer(services.interaction_figures(_filtered(self, request))).data)

    @extend_schema(request=FollowUpSerializer, responses=InteractionSerializer, filters=False)
    @action(detail=True, methods=["post"], url_path="follow-up", filter_backends=[])
    def follow_up(self, request, pk=None):
        """Mark the follow-up done on `on` (default today), or `done: false` to reopen it."""
        interaction = self.get_object()
        serializer = FollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.follow_up_done(request.user, interaction, on=data.get("on"), done=data.get("done", True))
        return Response(
            InteractionSerializer(self.get_queryset().get(pk=interaction.pk), context={"request": request}).data
        )


class KeyContactViewSet(ScopedViewSet):
    """Key contacts (重点联系人/单位) and one-to-one liaisons (一对一挂点联系). The list shows active
    ones unless `status=ended` or `status=all`; `overdue=1` those whose next contact was due before
    your today; `responsible=mine`. DELETE is refused: end a key contact with POST …/end/."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    queryset = key_contacts
    serializer_class = KeyContactSerializer
    filterset_class = KeyContactFilterSet
    save_service = staticmethod(services.save_key_contact)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["today"] = local_today(self.request.user)
        return context

    @extend_schema(responses=KeyContactFiguresSerializer, operation_id="key_contacts_figures")
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        """Active, overdue (at your local today), due today, liaisons, ended and per unit, for the
        same filters as the list."""
        today = local_today(request.user)
        figures = services.key_contact_figures(_filtered(self, request), today)
        figures["today"] = today
        return Response(KeyContactFiguresSerializer(figures).data)

    @extend_schema(request=EndSerializer, responses=KeyContactSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def end(self, request, pk=None):
        """End the key contact on `on` (default today), with a reason."""
        key_contact = self.get_object()
        serializer = EndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.end_key_contact(request.user, key_contact, on=data.get("on"), reason=data.get("reason", ""))
        return Response(
            KeyContactSerializer(self.get_queryset().get(pk=key_contact.pk), context=self.get_serializer_context()).data
        )


class RelationshipFiguresView(APIView):
    """GET /api/relationships/figures/?unit=&from=&to= — every relationship figure of a unit (with
    the units below it) and a period (default: this year so far), as the figures page shows them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int, description="A unit: it and the units below it."),
            OpenApiParameter("from", datetime.date, description="First day of the period (YYYY-MM-DD)."),
            OpenApiParameter("to", datetime.date, description="Last day of the period (YYYY-MM-DD)."),
        ],
        responses=OpenApiTypes.OBJECT,
        operation_id="relationships_figures",
    )
    def get(self, request):
        form = FiguresForm(
            {"unit": request.query_params.get("unit", ""), "date_from": request.query_params.get("from", ""),
             "date_to": request.query_params.get("to", "")},
            user=request.user,
        )  # fmt: skip
        if not form.is_valid():
            names = {"date_from": "from", "date_to": "to"}
            raise ValidationError({names.get(k, k): v for k, v in form.errors.items()})
        data = form.cleaned_data
        sections = relationship_figures(
            request.user, unit=data.get("unit"), start=data.get("date_from"), end=data.get("date_to")
        )
        return Response(
            {
                "unit": data["unit"].pk if data.get("unit") else None,
                "from": data.get("date_from"),
                "to": data.get("date_to"),
                **as_dict(sections),
            }
        )
