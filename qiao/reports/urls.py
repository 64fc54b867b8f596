from django.urls import path

from . import bulletin_views, views

app_name = "reports"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("metrics/", views.CatalogueView.as_view(), name="catalogue"),
    path("metrics/<str:key>/", views.MetricView.as_view(), name="metric"),
    path("metrics/<str:key>/records/", views.RecordsView.as_view(), name="records"),
    path("metrics/<str:key>/export.xlsx", views.ExportView.as_view(), name="export"),
    path("bulletins/", bulletin_views.BulletinView.as_view(), name="bulletins"),
    path("bulletins/templates/new/", bulletin_views.TemplateEditView.as_view(), name="template-new"),
    path("bulletins/templates/<int:pk>/", bulletin_views.TemplateEditView.as_view(), name="template-edit"),
]
