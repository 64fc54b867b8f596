"""This app's API: the viewsets it adds to the project's router, and any extra paths under /api/."""


def register(router) -> None:
    from .views import InteractionViewSet, KeyContactViewSet

    router.register("interactions", InteractionViewSet)
    router.register("key-contacts", KeyContactViewSet)


def _urlpatterns() -> list:
    from django.urls import path

    from .views import RelationshipFiguresView

    return [path("relationships/figures/", RelationshipFiguresView.as_view(), name="relationships-figures")]


urlpatterns: list = _urlpatterns()
