"""This app's API: the viewsets it adds to the project's router, and any extra paths under /api/."""

from .views import NotificationViewSet


def register(router) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")


urlpatterns: list = []
