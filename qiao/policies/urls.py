from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.PolicyListView.as_view(), name="policy_list"),
    path("add/", views.PolicyEditView.as_view(), name="policy_add"),
    path("delete/", views.PolicyBulkDeleteView.as_view(), name="policy_bulk_delete"),
    path("deleted/", views.PolicyTrashView.as_view(), name="policy_trash"),
    path("<int:pk>/", views.PolicyView.as_view(), name="policy"),
    path("<int:pk>/edit/", views.PolicyEditView.as_view(), name="policy_edit"),
    path("<int:pk>/delete/", views.PolicyDeleteView.as_view(), name="policy_delete"),
    path("<int:pk>/restore/", views.PolicyRestoreView.as_view(), name="policy_restore"),
    path("<int:pk>/history/", views.PolicyHistoryView.as_view(), name="policy_history"),
    path("<int:policy>/benefits/add/", views.BenefitEditView.as_view(), name="benefit_add"),
    path("benefits/<int:pk>/edit/", views.BenefitEditView.as_view(), name="benefit_edit"),
    path("benefits/<int:pk>/delete/", views.BenefitDeleteView.as_view(), name="benefit_delete"),
    # a person's side (the person page loads it with hx-get)
    path("people/<int:pk>/benefits/", views.PersonBenefitsView.as_view(), name="person_benefits"),
]
