"""This app's API: the viewsets it adds to the project's router, and any extra paths under /api/."""


def register(router) -> None:
    from .views import CaseActionViewSet, CaseTaskViewSet, CaseViewSet, ServiceRecordViewSet

    router.register("cases", CaseViewSet)
    router.register("case-tasks", CaseTaskViewSet)
    router.register("case-actions", CaseActionViewSet)
    router.register("service-records", ServiceRecordViewSet)


urlpatterns: list = []
