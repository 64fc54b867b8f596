"""This app's API: the viewsets it adds to the project's router, and any extra paths under /api/."""


def register(router) -> None:
    from .views import AgreementViewSet, CommitmentViewSet

    router.register("agreements", AgreementViewSet)
    router.register("commitments", CommitmentViewSet)


urlpatterns: list = []
