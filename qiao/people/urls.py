from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="person_list"),
    path("add/", views.PersonEditView.as_view(), name="person_add"),
    path("delete/", views.PersonBulkDeleteView.as_view(), name="person_bulk_delete"),
    path("deleted/", views.PersonTrashView.as_view(), name="person_trash"),
    path("duplicates/", views.DuplicateListView.as_view(), name="duplicate_list"),
    path("duplicates/scan/", views.DuplicateScanView.as_view(), name="duplicate_scan"),
    path("duplicates/<int:pk>/", views.DuplicateView.as_view(), name="duplicate"),
    path("<int:pk>/", views.PersonView.as_view(), name="person"),
    path("<int:pk>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    path("<int:pk>/delete/", views.PersonDeleteView.as_view(), name="person_delete"),
    path("<int:pk>/restore/", views.PersonRestoreView.as_view(), name="person_restore"),
    path("<int:pk>/history/", views.PersonHistoryView.as_view(), name="person_history"),
    path("<int:pk>/reveal/", views.PersonRevealView.as_view(), name="person_reveal"),
    path("<int:pk>/share/", views.PersonShareView.as_view(), name="person_share"),
    path("<int:pk>/share/<int:share_pk>/remove/", views.PersonUnshareView.as_view(), name="person_unshare"),
    path("affiliations/add/", views.AffiliationEditView.as_view(), name="affiliation_add"),
    path("affiliations/<int:pk>/edit/", views.AffiliationEditView.as_view(), name="affiliation_edit"),
    path("affiliations/<int:pk>/delete/", views.AffiliationDeleteView.as_view(), name="affiliation_delete"),
]
