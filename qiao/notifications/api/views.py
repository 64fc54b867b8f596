from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import services
from ..filtersets import NotificationFilterSet
from ..models import Notification
from .serializers import MarkedSerializer, NotificationSerializer


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications, newest first (`?unread=true` for the unread ones); nobody reads
    anyone else's. POST `{id}/read/` marks one read, POST `read-all/` all of them."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    permission_classes = [IsAuthenticated]  # reading one's own needs no role

    def get_queryset(self):
        return Notification.objects.of(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request, pk=None):
        notification = services.mark_read(request.user, self.get_object())
        return Response(NotificationSerializer(notification, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[])
    def read_all(self, request):
        return Response({"marked": services.mark_all_read(request.user)})
