from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.ProposalListView.as_view(), name="proposal_list"),
    path("add/", views.ProposalEditView.as_view(), name="proposal_add"),
    path("delete/", views.ProposalBulkDeleteView.as_view(), name="proposal_bulk_delete"),
    path("deleted/", views.ProposalTrashView.as_view(), name="proposal_trash"),
    path("<int:pk>/", views.ProposalView.as_view(), name="proposal"),
    path("<int:pk>/edit/", views.ProposalEditView.as_view(), name="proposal_edit"),
    path("<int:pk>/delete/", views.ProposalDeleteView.as_view(), name="proposal_delete"),
    path("<int:pk>/restore/", views.ProposalRestoreView.as_view(), name="proposal_restore"),
    path("<int:pk>/history/", views.ProposalHistoryView.as_view(), name="proposal_history"),
    path("<int:pk>/outcome/", views.OutcomeView.as_view(), name="proposal_outcome"),
    path("roles/", views.PublicRoleListView.as_view(), name="public_role_list"),
    path("roles/add/", views.PublicRoleEditView.as_view(), name="public_role_add"),
    path("roles/<int:pk>/edit/", views.PublicRoleEditView.as_view(), name="public_role_edit"),
    path("roles/<int:pk>/delete/", views.PublicRoleDeleteView.as_view(), name="public_role_delete"),
]
