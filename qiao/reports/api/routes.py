"""This app's API: /api/stats/ (the metric catalogue) and /api/stats/<metric>/ (one figure)."""


def register(router) -> None:
    return None


def _urlpatterns() -> list:
    from django.urls import path

    from .views import MetricView, StatsView

    return [
        path("stats/", StatsView.as_view(), name="stats"),
        path("stats/<str:key>/", MetricView.as_view(), name="stats-metric"),
    ]


urlpatterns: list = _urlpatterns()
