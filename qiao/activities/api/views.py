from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf
from rest_framework.decorators import action
from rest_framework.response import Response

from qiao.core import search
from qiao.core.api.base import ScopedViewSet, searchable

from .. import services
from ..filtersets import ActivityFilterSet, ParticipationFilterSet, ProgrammeFilterSet, SeriesFilterSet
from ..models import Activity, Participation, Programme, Series
from .serializers import (
    ActivitySerializer,
    FiguresSerializer,
    ParticipationSerializer,
    ProgrammeSerializer,
    SeriesSerializer,
)


def _figures_response(request, activities, since=None, unit=None):
    figures = services.figures(request.user, activities.order_by(), since=since, unit=unit)
    figures["by_region"] = {code or "": n for code, n in figures["by_region"].items()}
    return Response(FiguresSerializer(figures).data)


@searchable
class ActivityViewSet(ScopedViewSet):
    """Activities (one batch each). `GET /api/activities/figures/?…` gives the figures of any filter:
    batches, person-times, distinct people, first-timers, by origin and role — the same rows the
    list returns."""

    queryset = Activity.objects.select_related("kind", "unit").prefetch_related(
        "target_groups", "partners", "co_organisers"
    )
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    save_service = staticmethod(services.save_activity)

    @extend_schema(responses=FiguresSerializer, operation_id="activities_figures_of_filter")
    @action(detail=False, methods=["get"])
    def figures(self, request):
        rows = self.get_queryset()
        query = request.query_params.get("q", "").strip()
        if query:
            rows = search.search(rows, query)
        filterset = self.filterset_class(request.query_params, queryset=rows, request=request)
        if not filterset.is_valid():
            raise drf.ValidationError(filterset.errors)
        data = filterset.form.cleaned_data
        return _figures_response(request, filterset.qs, since=data.get("date_from"), unit=data.get("unit"))

    @extend_schema(responses=FiguresSerializer, filters=False, operation_id="activities_figures_of_one")
    @action(detail=True, methods=["get"], url_path="figures", filter_backends=[])
    def activity_figures(self, request, pk=None):
        activity = self.get_object()
        return _figures_response(request, Activity.objects.filter(pk=activity.pk))


class SeriesViewSet(ScopedViewSet):
    queryset = Series.objects.select_related("kind", "unit")
    serializer_class = SeriesSerializer
    filterset_class = SeriesFilterSet

    @extend_schema(responses=FiguresSerializer, filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def figures(self, request, pk=None):
        series = self.get_object()
        return _figures_response(request, Activity.objects.restrict(request.user).filter(series=series))


class ProgrammeViewSet(ScopedViewSet):
    queryset = Programme.objects.select_related("unit")
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilterSet

    @extend_schema(responses=FiguresSerializer, filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def figures(self, request, pk=None):
        programme = self.get_object()
        rows = Activity.objects.restrict(request.user).filter(programme=programme)
        return _figures_response(request, rows, since=programme.start_date)


@extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter("role", str)])
class ParticipationViewSet(ScopedViewSet):
    """Who took part in what. Create to add a person to an activity; PATCH `status` to check in."""

    queryset = Participation.objects.select_related("activity", "person")
    serializer_class = ParticipationSerializer
    filterset_class = ParticipationFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            participation, _created = services.add_participant(
                self.request.user,
                data["activity"],
                data["person"],
                role=data.get("role", "participant"),
                status=data.get("status", "registered"),
                first_visit_declared=data.get("first_visit_declared"),
                notes=data.get("notes", ""),
            )
        except PermissionDenied as error:
            raise drf.PermissionDenied(str(error)) from error
        serializer.instance = participation

    def perform_update(self, serializer):
        participation = serializer.instance
        data = serializer.validated_data
        if set(data) - {"status", "role", "first_visit_declared", "notes"}:
            raise drf.ValidationError(
                {"non_field_errors": ["Only status, role, first_visit_declared and notes change."]}
            )
        if "status" in data:
            participation = services.set_status(self.request.user, participation, data["status"])
        rest = {k: v for k, v in data.items() if k != "status"}
        if rest:
            for key, value in rest.items():
                setattr(participation, key, value)
            from qiao.core import services as core_services

            core_services.save(self.request.user, participation)
        serializer.instance = participation

    def perform_destroy(self, instance):
        services.remove_participant(self.request.user, instance)
