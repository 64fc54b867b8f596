"""This app's API: paths under /api/people/{id}/ (consents, export, erase, transfers) and /api/transfers/."""


def register(router) -> None:
    return None


def _urlpatterns() -> list:
    from django.urls import path

    from . import views

    return [
        path("people/<int:pk>/consents/", views.PersonConsentsView.as_view(), name="person-consents"),
        path(
            "people/<int:pk>/consents/<int:consent_pk>/withdraw/",
            views.ConsentWithdrawView.as_view(),
            name="person-consent-withdraw",
        ),
        path("people/<int:pk>/export/", views.PersonExportView.as_view(), name="person-export"),
        path("people/<int:pk>/erase/", views.PersonEraseView.as_view(), name="person-erase"),
        path("people/<int:pk>/transfers/", views.PersonTransfersView.as_view(), name="person-transfers"),
        path("transfers/", views.TransferListView.as_view(), name="transfer-list"),
    ]


urlpatterns: list = _urlpatterns()
