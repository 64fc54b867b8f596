from django.urls import path

from . import lists, pages, tokens

app_name = "core"

urlpatterns = [
    path("search/", pages.search_page, name="search"),
    path("autocomplete/<str:kind>/", pages.autocomplete, name="autocomplete"),
    path("preferences/", pages.preferences, name="preferences"),
    path("language/", pages.set_language, name="set_language"),
    path("units/", pages.UnitListView.as_view(), name="unit_list"),
    path("units/add/", pages.UnitEditView.as_view(), name="unit_add"),
    path("units/<int:pk>/", pages.UnitView.as_view(), name="unit"),
    path("units/<int:pk>/edit/", pages.UnitEditView.as_view(), name="unit_edit"),
    path("units/<int:pk>/history/", pages.UnitHistoryView.as_view(), name="unit_history"),
    path("units/<int:pk>/members/", pages.membership_add, name="membership_add"),
    path("units/<int:pk>/members/<int:membership_pk>/remove/", pages.membership_remove, name="membership_remove"),
    path("users/", pages.UserListView.as_view(), name="user_list"),
    path("users/add/", pages.UserCreateView.as_view(), name="user_add"),
    path("users/<int:pk>/", pages.UserView.as_view(), name="user"),
    path("users/<int:pk>/edit/", pages.UserEditView.as_view(), name="user_edit"),
    path("password/", pages.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("lists/", lists.ListsView.as_view(), name="lists"),
    path("lists/<slug:slug>/", lists.ListsView.as_view(), name="list"),
]
