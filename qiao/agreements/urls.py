from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.AgreementListView.as_view(), name="agreement_list"),
    path("add/", views.AgreementEditView.as_view(), name="agreement_add"),
    path("delete/", views.AgreementBulkDeleteView.as_view(), name="agreement_bulk_delete"),
    path("deleted/", views.AgreementTrashView.as_view(), name="agreement_trash"),
    path("commitments/", views.CommitmentListView.as_view(), name="commitment_list"),
    path("commitments/<int:pk>/", views.CommitmentView.as_view(), name="commitment"),
    path("commitments/<int:pk>/edit/", views.CommitmentEditView.as_view(), name="commitment_edit"),
    path("<int:pk>/", views.AgreementView.as_view(), name="agreement"),
    path("<int:pk>/edit/", views.AgreementEditView.as_view(), name="agreement_edit"),
    path("<int:pk>/delete/", views.AgreementDeleteView.as_view(), name="agreement_delete"),
    path("<int:pk>/restore/", views.AgreementRestoreView.as_view(), name="agreement_restore"),
    path("<int:pk>/history/", views.AgreementHistoryView.as_view(), name="agreement_history"),
    path("<int:pk>/end/", views.AgreementEndView.as_view(), name="agreement_end"),
    path("<int:pk>/reopen/", views.AgreementReopenView.as_view(), name="agreement_reopen"),
    path("<int:pk>/commitments/", views.CommitmentAddView.as_view(), name="commitment_add"),
]
