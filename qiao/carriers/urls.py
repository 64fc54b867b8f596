from django.urls import path

from . import views

app_name = "carriers"

urlpatterns = [
    path("", views.CarrierListView.as_view(), name="carrier_list"),
    path("add/", views.CarrierEditView.as_view(), name="carrier_add"),
    path("delete/", views.CarrierBulkDeleteView.as_view(), name="carrier_bulk_delete"),
    path("deleted/", views.CarrierTrashView.as_view(), name="carrier_trash"),
    path("<int:pk>/", views.CarrierView.as_view(), name="carrier"),
    path("<int:pk>/edit/", views.CarrierEditView.as_view(), name="carrier_edit"),
    path("<int:pk>/delete/", views.CarrierDeleteView.as_view(), name="carrier_delete"),
    path("<int:pk>/restore/", views.CarrierRestoreView.as_view(), name="carrier_restore"),
    path("<int:pk>/history/", views.CarrierHistoryView.as_view(), name="carrier_history"),
    path("residents/", views.ResidencyListView.as_view(), name="residency_list"),
    path("residents/add/", views.ResidencyEditView.as_view(), name="residency_add"),
    path("residents/<int:pk>/", views.ResidencyView.as_view(), name="residency"),
    path("residents/<int:pk>/edit/", views.ResidencyEditView.as_view(), name="residency_edit"),
    path("residents/<int:pk>/delete/", views.ResidencyDeleteView.as_view(), name="residency_delete"),
    path("residents/<int:pk>/history/", views.ResidencyHistoryView.as_view(), name="residency_history"),
    path("residents/<int:pk>/exit/", views.ExitView.as_view(), name="residency_exit"),
    path("residents/<int:pk>/undo-exit/", views.UndoExitView.as_view(), name="residency_undo_exit"),
    path("residents/<int:pk>/outcomes/add/", views.MilestoneAddView.as_view(), name="milestone_add"),
    path("outcomes/<int:pk>/delete/", views.MilestoneDeleteView.as_view(), name="milestone_delete"),
]
