from django.urls import path

from . import intake, views

app_name = "matching"

urlpatterns = [
    # demands and their candidates (views.py)
    path("", views.DemandListView.as_view(), name="demand_list"),
    path("demands/add/", views.DemandEditView.as_view(), name="demand_add"),
    path("demands/delete/", views.DemandBulkDeleteView.as_view(), name="demand_bulk_delete"),
    path("demands/deleted/", views.DemandTrashView.as_view(), name="demand_trash"),
    path("demands/<int:pk>/", views.DemandView.as_view(), name="demand"),
    path("demands/<int:pk>/edit/", views.DemandEditView.as_view(), name="demand_edit"),
    path("demands/<int:pk>/delete/", views.DemandDeleteView.as_view(), name="demand_delete"),
    path("demands/<int:pk>/restore/", views.DemandRestoreView.as_view(), name="demand_restore"),
    path("demands/<int:pk>/history/", views.DemandHistoryView.as_view(), name="demand_history"),
    path("demands/<int:pk>/candidates/", views.CandidatesView.as_view(), name="demand_candidates"),
    path("demands/<int:pk>/propose/", views.ProposeView.as_view(), name="demand_propose"),
    # matches
    path("matches/", views.MatchListView.as_view(), name="match_list"),
    path("matches/<int:pk>/move/", views.MatchMoveView.as_view(), name="match_move"),
    # a person's side: talent profile, opportunities, plan
    path("people/<int:pk>/profile/", views.TalentProfileEditView.as_view(), name="talent_profile"),
    path("people/<int:pk>/opportunities/", views.OpportunitiesView.as_view(), name="opportunities"),
    path("people/<int:pk>/plan/", views.PlanForPersonView.as_view(), name="plan_for_person"),
    # plans (一人一策)
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/<int:pk>/", views.PlanView.as_view(), name="plan"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/print/", views.PlanPrintView.as_view(), name="plan_print"),
    path("plans/<int:pk>/history/", views.PlanHistoryView.as_view(), name="plan_history"),
    path("plans/<int:pk>/tasks/", views.PlanTaskAddView.as_view(), name="plan_task_add"),
    path("plans/tasks/<int:pk>/", views.PlanTaskView.as_view(), name="plan_task"),
    # the taxonomy
    path("fields/", views.FieldTreeView.as_view(), name="field_tree"),
    path("fields/add/", views.FieldEditView.as_view(), name="field_add"),
    path("fields/<int:pk>/edit/", views.FieldEditView.as_view(), name="field_edit"),
    # public forms and what they received (intake.py)
    path("intakes/", intake.IntakeListView.as_view(), name="intake_list"),
    path("intakes/add/", intake.IntakeEditView.as_view(), name="intake_add"),
    path("intakes/<int:pk>/edit/", intake.IntakeEditView.as_view(), name="intake_edit"),
    path("submissions/", intake.SubmissionListView.as_view(), name="submission_list"),
    path("submissions/profiles/<int:pk>/", intake.ProfileReviewView.as_view(), name="profile_submission"),
    path("submissions/demands/<int:pk>/", intake.DemandReviewView.as_view(), name="demand_review"),
]
