"""The service ledger's API: cases (with their status and owner changed by POST), their tasks and
timeline, and service records. Writes go through services.py, like the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from qiao.core.api.base import ScopedViewSet, searchable

from .. import services
from ..filtersets import CaseFilterSet, ServiceRecordFilterSet, TaskFilterSet
from ..models import Case, CaseAction, CaseTask, ServiceRecord
from .serializers import (
    CaseActionSerializer,
    CaseSerializer,
    CaseTaskSerializer,
    ReassignSerializer,
    ServiceRecordSerializer,
    StatusSerializer,
)


@searchable
class CaseViewSet(ScopedViewSet):
    """Cases of the service ledger (问题台账): a problem of an organisation (and optionally one of its
    projects), its owner, due date and status. A new case is open; POST `{id}/status/` moves it (open →
    in_progress → resolved → closed, or cannot_resolve with a reason; reopening), POST `{id}/reassign/`
    gives it another owner (managers of the owning unit). Filters as the list page: `status` (also
    `active`), `overdue`, `mine`, `category`, `priority`, `owner`, `organization`, `project`, `unit`,
    `age`, `raised_from`, `raised_to`."""

    queryset = Case.objects.select_related("organization", "project", "owner", "unit")
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    save_service = staticmethod(services.save_case)

    @extend_schema(request=StatusSerializer, responses=CaseSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def status(self, request, pk=None):
        """Move the case to another status, with the resolution, reason or note the move needs."""
        case = self.get_object()
        payload = StatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        case = services.set_status(request.user, case, data["status"], data.get("note", ""))
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(request=ReassignSerializer, responses=CaseSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reassign(self, request, pk=None):
        """Give the case another owner (managers of the owning unit or above); noted on its timeline."""
        case = self.get_object()
        payload = ReassignSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        case = services.reassign(request.user, case, data["owner"], data.get("note", ""))
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data)


class CaseTaskViewSet(ScopedViewSet):
    """The task lists of cases (任务清单): whoever may change a case adds, changes and deletes its tasks;
    POST `{id}/done/` and `{id}/undone/` tick them."""

    queryset = CaseTask.objects.filter(case__deleted_at__isnull=True).select_related("assignee", "done_by")
    serializer_class = CaseTaskSerializer
    filterset_class = TaskFilterSet
    save_service = staticmethod(services.save_task)

    @property
    def write_action(self):
        return "change" if self.request.method == "DELETE" else None

    def perform_destroy(self, instance):
        services.delete_task(self.request.user, instance)

    def _mark(self, request, done: bool):
        task = services.mark_task(request.user, self.get_object(), done)
        return Response(CaseTaskSerializer(task, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=CaseTaskSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def done(self, request, pk=None):
        """Tick the task done (when and by whom are kept)."""
        return self._mark(request, True)

    @extend_schema(request=None, responses=CaseTaskSerializer, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[])
    def undone(self, request, pk=None):
        """Tick the task not done again."""
        return self._mark(request, False)


class CaseActionViewSet(ScopedViewSet):
    """The timelines of cases: calls, visits, meetings, replies, messages and notes, newest first.
    POST adds one (multipart for an attachment); entries are not changed afterwards. Status changes and
    reassignments add their own notes."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = CaseAction.objects.filter(case__deleted_at__isnull=True).select_related("by")
    serializer_class = CaseActionSerializer
    filterset_fields = ["case", "kind"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        upload = data.pop("attachment", None)
        action = CaseAction(**data)
        if upload:
            action.attachment = upload
            action.attachment_name = str(upload.name)[:255]
        serializer.instance = services.add_action(self.request.user, action)

    history = None  # entries are not change-logged: the timeline is their history


class ServiceRecordViewSet(ScopedViewSet):
    """Services given by a unit (政策咨询, 走访, 对接服务 …) to a person or an organisation, on a day, to
    how many people (人次). Filters: `kind` (codes), `unit`, `date_from`, `date_to`, `person`,
    `organization`, `case`."""

    queryset = ServiceRecord.objects.select_related("kind", "by")
    serializer_class = ServiceRecordSerializer
    filterset_class = ServiceRecordFilterSet
    save_service = staticmethod(services.save_service_record)
