from django.contrib.auth import views as auth_views
from django.urls import include, path

from qiao.core import pages
from qiao.security import views as security_views

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.healthz, name="healthz"),
    path("login/", security_views.LoginView.as_view(), name="login"),  # password, then a code when 2FA is on
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("security/", include("qiao.security.urls")),
    path("", include("qiao.core.urls")),
    path("people/", include("qiao.people.urls")),
    path("organizations/", include("qiao.orgs.urls")),
    path("activities/", include("qiao.activities.urls")),
    path("internships/", include("qiao.internships.urls")),
    path("register/", include("qiao.activities.public_urls")),
    path("imports/", include("qiao.imports.urls")),
    path("matching/", include("qiao.matching.urls")),
    path("policies/", include("qiao.policies.urls")),
    path("submit/", include("qiao.matching.public_urls")),
    path("report/", include("qiao.ledger.public_urls")),
    path("projects/", include("qiao.projects.urls")),
    path("ledger/", include("qiao.ledger.urls")),
    path("notifications/", include("qiao.notifications.urls")),
    path("relations/", include("qiao.relations.urls")),
    path("agreements/", include("qiao.agreements.urls")),
    path("carriers/", include("qiao.carriers.urls")),
    path("proposals/", include("qiao.proposals.urls")),
    path("reports/", include("qiao.reports.urls")),
    path("privacy/", include("qiao.privacy.urls")),
    path("audit/", include("qiao.audit.urls")),
    path("api/", include("qiao.api_urls")),
]

handler400 = "qiao.core.errors.bad_request"
handler403 = "qiao.core.errors.permission_denied"
handler404 = "qiao.core.errors.not_found"
handler500 = "qiao.core.errors.server_error"
