from qiao.core.api.base import ScopedViewSet, searchable

from .. import services
from ..filtersets import ApplicationFilterSet, PlacementFilterSet, PositionFilterSet
from ..models import InternshipApplication, Placement
from ..views import positions
from .serializers import ApplicationSerializer, PlacementSerializer, PositionSerializer


@searchable
class PositionViewSet(ScopedViewSet):
    """Internship positions enterprises offer: places, requirements, period, place, work mode."""

    queryset = positions.prefetch_related("skills")
    serializer_class = PositionSerializer
    filterset_class = PositionFilterSet
    save_service = staticmethod(services.save_position)


class ApplicationViewSet(ScopedViewSet):
    """Applications for internship positions. POST applies (a withdrawn application is reopened);
    PATCH changes the status (applied, shortlisted, rejected, withdrawn) or the notes."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    queryset = InternshipApplication.objects.select_related("position", "person")
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilterSet

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.apply(
            self.request.user,
            data["position"],
            data["person"],
            notes=data.get("notes", ""),
            applied_at=data.get("applied_at"),
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.set_status(
            self.request.user,
            serializer.instance,
            data.get("status", serializer.instance.status),
            notes=data.get("notes"),
        )


class PlacementViewSet(ScopedViewSet):
    """Placements of applicants in internship batches, with dates and outcome (ongoing, completed,
    left early, offered a job). POST places an applicant; DELETE cancels the placement."""

    queryset = Placement.objects.select_related("application", "batch")
    serializer_class = PlacementSerializer
    filterset_class = PlacementFilterSet

    @property
    def write_action(self):
        return "change" if self.request.method == "DELETE" else None

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.place(
            self.request.user,
            data["application"],
            data["batch"],
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            outcome=data.get("outcome", "ongoing"),
            notes=data.get("notes", ""),
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        changes = {name: data[name] for name in ("batch", "start_date", "end_date", "outcome", "notes") if name in data}
        serializer.instance = services.update_placement(self.request.user, serializer.instance, **changes)

    def perform_destroy(self, instance):
        services.cancel_placement(self.request.user, instance)
