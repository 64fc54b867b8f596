from django.urls import path

from . import views

app_name = "internships"

urlpatterns = [
    path("", views.PositionListView.as_view(), name="position_list"),
    path("add/", views.PositionEditView.as_view(), name="position_add"),
    path("delete/", views.PositionBulkDeleteView.as_view(), name="position_bulk_delete"),
    path("deleted/", views.PositionTrashView.as_view(), name="position_trash"),
    path("<int:pk>/", views.PositionView.as_view(), name="position"),
    path("<int:pk>/edit/", views.PositionEditView.as_view(), name="position_edit"),
    path("<int:pk>/delete/", views.PositionDeleteView.as_view(), name="position_delete"),
    path("<int:pk>/restore/", views.PositionRestoreView.as_view(), name="position_restore"),
    path("<int:pk>/history/", views.PositionHistoryView.as_view(), name="position_history"),
    path("<int:pk>/applicants/", views.ApplicantAddView.as_view(), name="applicant_add"),
    path("applications/<int:pk>/status/", views.ApplicationStatusView.as_view(), name="application_status"),
    path("applications/<int:pk>/place/", views.PlaceView.as_view(), name="application_place"),
    path("placements/", views.PlacementListView.as_view(), name="placement_list"),
    path("placements/<int:pk>/edit/", views.PlacementEditView.as_view(), name="placement_edit"),
    path("placements/<int:pk>/cancel/", views.PlacementCancelView.as_view(), name="placement_cancel"),
]
