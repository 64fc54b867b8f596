from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization_list"),
    path("add/", views.OrganizationEditView.as_view(), name="organization_add"),
    path("delete/", views.OrganizationBulkDeleteView.as_view(), name="organization_bulk_delete"),
    path("deleted/", views.OrganizationTrashView.as_view(), name="organization_trash"),
    path("<int:pk>/restore/", views.OrganizationRestoreView.as_view(), name="organization_restore"),
    path("<int:pk>/", views.OrganizationView.as_view(), name="organization"),
    path("<int:pk>/edit/", views.OrganizationEditView.as_view(), name="organization_edit"),
    path("<int:pk>/delete/", views.OrganizationDeleteView.as_view(), name="organization_delete"),
    path("<int:pk>/history/", views.OrganizationHistoryView.as_view(), name="organization_history"),
]
