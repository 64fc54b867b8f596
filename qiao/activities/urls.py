from django.urls import path

from . import attachments, checkin, views

app_name = "activities"

urlpatterns = [
    path("", views.ActivityListView.as_view(), name="activity_list"),
    path("add/", views.ActivityEditView.as_view(), name="activity_add"),
    path("delete/", views.ActivityBulkDeleteView.as_view(), name="activity_bulk_delete"),
    path("deleted/", views.ActivityTrashView.as_view(), name="activity_trash"),
    path("<int:pk>/", views.ActivityView.as_view(), name="activity"),
    path("<int:pk>/edit/", views.ActivityEditView.as_view(), name="activity_edit"),
    path("<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="activity_delete"),
    path("<int:pk>/restore/", views.ActivityRestoreView.as_view(), name="activity_restore"),
    path("<int:pk>/history/", views.ActivityHistoryView.as_view(), name="activity_history"),
    path("<int:pk>/participants/", views.ParticipantAddView.as_view(), name="participant_add"),
    path("<int:pk>/attachments/", attachments.AttachmentAddView.as_view(), name="attachment_add"),
    path("attachments/<int:pk>/", attachments.AttachmentView.as_view(), name="attachment"),
    path("<int:pk>/check-in/", checkin.CheckInView.as_view(), name="checkin"),
    path("<int:pk>/sign-in-sheet/", checkin.SignInSheetView.as_view(), name="signin_sheet"),
    path("check-in/<str:code>/", checkin.CodeCheckInView.as_view(), name="checkin_code"),
    path("participations/<int:pk>/status/", views.ParticipationStatusView.as_view(), name="participation_status"),
    path("series/", views.SeriesListView.as_view(), name="series_list"),
    path("series/add/", views.SeriesEditView.as_view(), name="series_add"),
    path("series/<int:pk>/", views.SeriesView.as_view(), name="series"),
    path("series/<int:pk>/edit/", views.SeriesEditView.as_view(), name="series_edit"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/add/", views.ProgrammeEditView.as_view(), name="programme_add"),
    path("programmes/<int:pk>/", views.ProgrammeView.as_view(), name="programme"),
    path("programmes/<int:pk>/edit/", views.ProgrammeEditView.as_view(), name="programme_edit"),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker_list"),
]
