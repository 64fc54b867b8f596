from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.AccessLogView.as_view(), name="access_log"),
]
