"""The projects API: projects (with their moves, tranches and totals) and tranches. Writes go
through services.py, like the pages; every path reaches projects through the restricted queryset."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from qiao.core import search
from qiao.core.api.base import ScopedViewSet, searchable

from .. import services
from ..filtersets import ProjectFilterSet, TrancheFilterSet
from ..models import Tranche
from ..views import projects
from .serializers import MoveSerializer, ProjectSerializer, TotalsSerializer, TrancheSerializer


@searchable
class ProjectViewSet(ScopedViewSet):
    """Investment projects: lead → visited → negotiating → signed → landed → in production, or dropped.
    Amounts are exact decimal strings in yuan. `move` changes the stage (dated); `tranches` lists and
    adds landed funds; `totals` gives count, planned, landed and the production rate of the same
    filters as the list."""

    queryset = projects.prefetch_related("project_people")
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    save_service = staticmethod(services.save_project)

    @extend_schema(request=MoveSerializer, responses=ProjectSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def move(self, request, pk=None):
        """Move the project to another stage on a date (default: today in your time zone), with a note;
        dropping needs a reason. Refused moves answer 400 with the reason."""
        project = self.get_object()
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = services.move(
            request.user,
            project,
            data["stage"],
            on=data.get("on"),
            note=data.get("note", ""),
            reason=data.get("reason", ""),
        )
        return Response(ProjectSerializer(self.get_queryset().get(pk=project.pk), context={"request": request}).data)

    @extend_schema(methods=["get"], responses=TrancheSerializer(many=True), filters=False)
    @extend_schema(methods=["post"], request=TrancheSerializer, responses={201: TrancheSerializer}, filters=False)
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def tranches(self, request, pk=None):
        """The project's tranches (oldest first), or add one: the landed amount becomes their sum."""
        project = self.get_object()
        if request.method == "GET":
            rows = Tranche.objects.filter(project=project).order_by("on", "id")
            return Response(TrancheSerializer(rows, many=True).data)
        serializer = TrancheSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        tranche = services.add_tranche(
            request.user,
            project,
            amount=data["amount"],
            on=data["on"],
            note=data.get("note", ""),
            confirm=data.get("confirm", False),
        )
        return Response(TrancheSerializer(tranche).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=TotalsSerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def totals(self, request):
        """Count, planned and landed sums and the production rate (in production ÷ ever signed) of
        the projects the list returns with the same filters (and `q`)."""
        rows = self.get_queryset()
        query = request.query_params.get("q", "").strip()
        if query:
            rows = rows.filter(pk__in=search.search(self.get_queryset(), query).values("pk"))
        rows = self.filter_queryset(rows)
        return Response(TotalsSerializer(services.totals(rows)).data)


class TrancheViewSet(ScopedViewSet):
    """Tranches of landed funds. Add them through /api/projects/{id}/tranches/; here they are read,
    corrected (PATCH amount, on, note; `confirm` for a total above the plan) or deleted."""

    http_method_names = ["get", "put", "patch", "delete", "head", "options"]
    queryset = Tranche.objects.select_related("project").filter(project__deleted_at__isnull=True)
    serializer_class = TrancheSerializer
    filterset_class = TrancheFilterSet
    write_action = "change"  # a tranche is part of its project: correcting or deleting it is a change

    def perform_update(self, serializer):
        data = serializer.validated_data
        changes = {name: data[name] for name in ("amount", "on", "note") if name in data}
        serializer.instance = services.change_tranche(
            self.request.user, serializer.instance, confirm=data.get("confirm", False), **changes
        )

    def perform_destroy(self, instance):
        services.delete_tranche(self.request.user, instance)
