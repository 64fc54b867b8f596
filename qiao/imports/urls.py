from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportListView.as_view(), name="batch_list"),
    path("new/", views.UploadView.as_view(), name="upload"),
    path("<int:pk>/", views.BatchView.as_view(), name="batch"),
    path("<int:pk>/check/", views.CheckView.as_view(), name="check"),
    path("<int:pk>/commit/", views.CommitView.as_view(), name="commit"),
    path("<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("mappings/<int:pk>/delete/", views.SavedMappingDeleteView.as_view(), name="mapping_delete"),
]
