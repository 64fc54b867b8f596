"""This app's API: the viewsets it adds to the project's router, and any extra paths under /api/."""


def register(router) -> None:
    from .views import ProposalViewSet, PublicRoleViewSet

    router.register("proposals", ProposalViewSet)
    router.register("public-roles", PublicRoleViewSet)


urlpatterns: list = []
