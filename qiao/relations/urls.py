from django.urls import path

from . import views

app_name = "relations"

urlpatterns = [
    path("interactions/", views.InteractionListView.as_view(), name="interaction_list"),
    path("interactions/add/", views.InteractionEditView.as_view(), name="interaction_add"),
    path("interactions/delete/", views.InteractionBulkDeleteView.as_view(), name="interaction_bulk_delete"),
    path("interactions/deleted/", views.InteractionTrashView.as_view(), name="interaction_trash"),
    path("interactions/<int:pk>/", views.InteractionView.as_view(), name="interaction"),
    path("interactions/<int:pk>/edit/", views.InteractionEditView.as_view(), name="interaction_edit"),
    path("interactions/<int:pk>/delete/", views.InteractionDeleteView.as_view(), name="interaction_delete"),
    path("interactions/<int:pk>/restore/", views.InteractionRestoreView.as_view(), name="interaction_restore"),
    path("interactions/<int:pk>/history/", views.InteractionHistoryView.as_view(), name="interaction_history"),
    path("interactions/<int:pk>/follow-up/", views.FollowUpDoneView.as_view(), name="follow_up_done"),
    path("key-contacts/", views.KeyContactListView.as_view(), name="key_contact_list"),
    path("key-contacts/add/", views.KeyContactEditView.as_view(), name="key_contact_add"),
    path("key-contacts/<int:pk>/", views.KeyContactView.as_view(), name="key_contact"),
    path("key-contacts/<int:pk>/edit/", views.KeyContactEditView.as_view(), name="key_contact_edit"),
    path("key-contacts/<int:pk>/end/", views.KeyContactEndView.as_view(), name="key_contact_end"),
    path("key-contacts/<int:pk>/history/", views.KeyContactHistoryView.as_view(), name="key_contact_history"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("timeline/<str:kind>/<int:pk>/", views.TimelineView.as_view(), name="timeline"),
]
