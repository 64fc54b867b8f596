from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from qiao.activities.api.views import ActivityViewSet, ParticipationViewSet, ProgrammeViewSet, SeriesViewSet
from qiao.agreements.api import routes as agreement_routes
from qiao.carriers.api import routes as carrier_routes
from qiao.core.api.docs import ApiDocsView
from qiao.core.api.views import UnitViewSet, UserViewSet
from qiao.imports.api.views import ImportBatchViewSet
from qiao.internships.api.views import ApplicationViewSet, PlacementViewSet, PositionViewSet
from qiao.ledger.api import routes as ledger_routes
from qiao.matching.api.views import (
    DemandViewSet,
    FieldViewSet,
    MatchViewSet,
    PersonOpportunitiesView,
    PersonPlanView,
    PersonTalentView,
    PlanViewSet,
)
from qiao.notifications.api import routes as notification_routes
from qiao.orgs.api.views import OrganizationViewSet
from qiao.people.api.views import AffiliationViewSet, PersonViewSet
from qiao.policies.api.views import PersonBenefitsView, PolicyViewSet
from qiao.privacy.api import routes as privacy_routes
from qiao.projects.api import routes as project_routes
from qiao.proposals.api import routes as proposal_routes
from qiao.relations.api import routes as relation_routes
from qiao.reports.api import routes as report_routes

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
router.register("fields", FieldViewSet)
router.register("demands", DemandViewSet)
router.register("matches", MatchViewSet)
router.register("plans", PlanViewSet)
router.register("policies", PolicyViewSet)
APP_ROUTES = (
    project_routes,
    ledger_routes,
    notification_routes,
    relation_routes,
    agreement_routes,
    carrier_routes,
    proposal_routes,
    report_routes,
    privacy_routes,
)
for routes in APP_ROUTES:
    routes.register(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("people/<int:pk>/opportunities/", PersonOpportunitiesView.as_view(), name="person-opportunities"),
    path("people/<int:pk>/talent/", PersonTalentView.as_view(), name="person-talent"),
    path("people/<int:pk>/plan/", PersonPlanView.as_view(), name="person-plan"),
    path("people/<int:id>/benefits/", PersonBenefitsView.as_view(), name="person-benefits"),
    *(pattern for routes in APP_ROUTES for pattern in routes.urlpatterns),
    *router.urls,
]
