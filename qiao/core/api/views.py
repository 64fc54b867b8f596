from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from .. import services
from ..filtersets import UnitFilterSet, UserFilterSet
from ..models import Membership, Unit, User
from .base import VersionedMixin
from .serializers import UnitSerializer, UserSerializer


class UnitViewSet(VersionedMixin, viewsets.ModelViewSet):
    """The service network. Everyone sees their units and those below; administrators manage them."""

    queryset = Unit.objects.select_related("parent")
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    write_action = "manage"

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, "view")

    def perform_create(self, serializer):
        with services.writing():
            serializer.save()

    def perform_update(self, serializer):
        with services.writing():
            if (
                not self.request.user.is_superuser
                and not Unit.objects.restrict(self.request.user, "manage").filter(pk=serializer.instance.pk).exists()
            ):
                from rest_framework.exceptions import PermissionDenied

                raise PermissionDenied()
            serializer.save()

    def perform_destroy(self, instance):
        from rest_framework.exceptions import PermissionDenied

        with services.writing():
            if not Unit.objects.restrict(self.request.user, "manage").filter(pk=instance.pk).exists() or (
                instance.parent_id is None and not self.request.user.is_superuser
            ):
                raise PermissionDenied()
            instance.delete()


class UserViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Users and their memberships. Administrators of a unit manage the users of their units."""

    queryset = User.objects.prefetch_related(Prefetch("memberships", queryset=Membership.objects.all()))
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    write_action = "manage"

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, "view").order_by("username")

    @extend_schema(exclude=True)
    def destroy(self, request, *args, **kwargs):
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)
