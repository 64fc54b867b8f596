"""Placeholder: the dashboard, the catalogue, a metric's page, its records and its export (being built)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.views import View


class _Stub(LoginRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("not built yet", status=501)


DashboardView = CatalogueView = MetricView = RecordsView = ExportView = _Stub
