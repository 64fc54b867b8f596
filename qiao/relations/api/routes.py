"""This app's API: the viewsets it adds to the project's router, and any extra paths under /api/."""


def register(router) -> None:
    from .views import InteractionViewSet, KeyContactViewSet

    router.register("interactions", InteractionViewSet)
    router.register("key-contacts", KeyContactViewSet)


urlpatterns: list = []
