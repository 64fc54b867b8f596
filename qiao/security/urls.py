from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("sign-in/code/", views.login_code, name="login_code"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("two-factor/recovery-codes.txt", views.recovery_codes_download, name="recovery_codes_download"),
    path("sign-ins/", views.LoginEventListView.as_view(), name="login_event_list"),
    path("users/<int:pk>/two-factor/reset/", views.reset_two_factor, name="reset_two_factor"),
    path("users/<int:pk>/unlock/", views.unlock, name="unlock"),
]
