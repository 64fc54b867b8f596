from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("board/", views.BoardView.as_view(), name="board"),
    path("add/", views.ProjectEditView.as_view(), name="project_add"),
    path("delete/", views.ProjectBulkDeleteView.as_view(), name="project_bulk_delete"),
    path("deleted/", views.ProjectTrashView.as_view(), name="project_trash"),
    path("<int:pk>/", views.ProjectView.as_view(), name="project"),
    path("<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("<int:pk>/delete/", views.ProjectDeleteView.as_view(), name="project_delete"),
    path("<int:pk>/restore/", views.ProjectRestoreView.as_view(), name="project_restore"),
    path("<int:pk>/history/", views.ProjectHistoryView.as_view(), name="project_history"),
    path("<int:pk>/move/", views.MoveView.as_view(), name="project_move"),
    path("<int:pk>/tranches/", views.TrancheAddView.as_view(), name="tranche_add"),
    path("<int:pk>/people/", views.PersonAddView.as_view(), name="person_add"),
    path("tranches/<int:pk>/edit/", views.TrancheChangeView.as_view(), name="tranche_edit"),
    path("tranches/<int:pk>/delete/", views.TrancheChangeView.as_view(deleting=True), name="tranche_delete"),
    path("people/<int:pk>/remove/", views.PersonRemoveView.as_view(), name="person_remove"),
]
