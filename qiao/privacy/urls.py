from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("people/<int:pk>/consents/add/", views.ConsentAddView.as_view(), name="consent_add"),
    path("consents/<int:pk>/withdraw/", views.ConsentWithdrawView.as_view(), name="consent_withdraw"),
    path("people/<int:pk>/export/", views.PersonExportView.as_view(), name="person_export"),
    path("people/<int:pk>/erase/", views.EraseView.as_view(), name="person_erase"),
    path("people/<int:pk>/transfers/add/", views.TransferAddView.as_view(), name="transfer_add"),
    path("transfers/", views.TransferListView.as_view(), name="transfer_list"),
    path("retention/", views.RetentionListView.as_view(), name="retention"),
    path("retention/<int:pk>/keep/", views.KeepView.as_view(), name="retention_keep"),
]
