"""This app's API: the viewsets it adds to the project's router, and any extra paths under /api/."""


def register(router) -> None:
    from .views import CarrierViewSet, ResidencyViewSet

    router.register("carriers", CarrierViewSet)
    router.register("residencies", ResidencyViewSet)


urlpatterns: list = []
