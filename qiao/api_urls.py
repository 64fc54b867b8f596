from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from qiao.activities.api.views import ActivityViewSet, ParticipationViewSet, ProgrammeViewSet, SeriesViewSet
from qiao.core.api.views import UnitViewSet, UserViewSet
from qiao.imports.api.views import ImportBatchViewSet
from qiao.internships.api.views import ApplicationViewSet, PlacementViewSet, PositionViewSet
from qiao.orgs.api.views import OrganizationViewSet
from qiao.people.api.views import AffiliationViewSet, PersonViewSet

app_name = "api"

router = DefaultRouter()
router.register("units", UnitViewSet)
router.register("users", UserViewSet)
router.register("people", PersonViewSet)
router.register("organizations", OrganizationViewSet)
router.register("affiliations", AffiliationViewSet)
router.register("imports", ImportBatchViewSet)
router.register("internship-positions", PositionViewSet)
router.register("internship-applications", ApplicationViewSet)
router.register("internship-placements", PlacementViewSet)
router.register("activities", ActivityViewSet)
router.register("participations", ParticipationViewSet)
router.register("series", SeriesViewSet)
router.register("programmes", ProgrammeViewSet)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
