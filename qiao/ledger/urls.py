from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    # cases
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/add/", views.CaseEditView.as_view(), name="case_add"),
    path("cases/reassign/", views.BulkReassignView.as_view(), name="case_bulk_reassign"),
    path("cases/deleted/", views.CaseTrashView.as_view(), name="case_trash"),
    path("cases/projects/", views.ProjectChoicesView.as_view(), name="project_choices"),
    path("cases/<int:pk>/", views.CaseView.as_view(), name="case"),
    path("cases/<int:pk>/edit/", views.CaseEditView.as_view(), name="case_edit"),
    path("cases/<int:pk>/delete/", views.CaseDeleteView.as_view(), name="case_delete"),
    path("cases/<int:pk>/restore/", views.CaseRestoreView.as_view(), name="case_restore"),
    path("cases/<int:pk>/history/", views.CaseHistoryView.as_view(), name="case_history"),
    path("cases/<int:pk>/status/", views.CaseStatusView.as_view(), name="case_status"),
    path("cases/<int:pk>/reassign/", views.CaseReassignView.as_view(), name="case_reassign"),
    path("cases/<int:pk>/tasks/", views.TaskAddView.as_view(), name="task_add"),
    path("cases/<int:pk>/actions/", views.ActionAddView.as_view(), name="action_add"),
    path("actions/<int:pk>/attachment/", views.ActionAttachmentView.as_view(), name="action_attachment"),
    # tasks
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/<int:pk>/", views.TaskView.as_view(), name="task"),
    path("tasks/<int:pk>/edit/", views.TaskEditView.as_view(), name="task_edit"),
    # the manager's ledger
    path("overview/", views.OverviewView.as_view(), name="overview"),
    # service records
    path("services/", views.ServiceListView.as_view(), name="service_list"),
    path("services/add/", views.ServiceEditView.as_view(), name="service_add"),
    path("services/deleted/", views.ServiceTrashView.as_view(), name="service_trash"),
    path("services/<int:pk>/", views.ServiceView.as_view(), name="service"),
    path("services/<int:pk>/edit/", views.ServiceEditView.as_view(), name="service_edit"),
    path("services/<int:pk>/delete/", views.ServiceDeleteView.as_view(), name="service_delete"),
    path("services/<int:pk>/restore/", views.ServiceRestoreView.as_view(), name="service_restore"),
    path("services/<int:pk>/history/", views.ServiceHistoryView.as_view(), name="service_history"),
    # problems reported through public forms
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/<int:pk>/", views.ReportView.as_view(), name="report"),
]
