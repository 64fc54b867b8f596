"""/api/stats/: the metric catalogue, and any metric with a breakdown for a period and scope, for other
systems to consume. The figures are the dashboard's and the bulletin's (reports.services)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import metrics, periods, services


class MetricInfoSerializer(serializers.Serializer):
    key = serializers.CharField()
    group = serializers.CharField()
    group_label = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()
    measure = serializers.ChoiceField(choices=["count", "people", "amount", "percent", "days"])
    unit_label = serializers.CharField()
    breakdowns = serializers.ListField(child=serializers.ChoiceField(choices=list(metrics.BREAKDOWNS)))
    period_independent = serializers.BooleanField()


class CatalogueSerializer(serializers.Serializer):
    metrics = MetricInfoSerializer(many=True)
    breakdowns = serializers.DictField(child=serializers.CharField())
    periods = serializers.DictField(child=serializers.CharField())


class PeriodSerializer(serializers.Serializer):
    kind = serializers.CharField()
    start = serializers.DateField(source="from")
    end = serializers.DateField(source="to")
    label = serializers.CharField()


class RowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.JSONField(help_text="A number; amounts (yuan), rates (%) and days as decimal strings.")


class ComparisonSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=["last_year", "previous"])
    start = serializers.DateField(source="from")
    end = serializers.DateField(source="to")
    total = serializers.JSONField()
    change_percent = serializers.CharField(allow_null=True)


class FigureSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()
    measure = serializers.CharField()
    unit_label = serializers.CharField()
    period = serializers.JSONField()
    scope = serializers.JSONField()
    total = serializers.JSONField(help_text="A number; amounts (yuan), rates (%) and days as decimal strings.")
    by = serializers.CharField(allow_null=True)
    rows = RowSerializer(many=True)
    comparisons = serializers.JSONField()


class StatsView(APIView):
    """GET /api/stats/ — the metric catalogue: every metric's key, definition, unit and breakdowns."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CatalogueSerializer, operation_id="stats_catalogue")
    def get(self, request):
        return Response(
            {
                "metrics": services.catalogue(),
                "breakdowns": {key: str(label) for key, label in metrics.BREAKDOWNS.items()},
                "periods": {key: str(label) for key, label in periods.KINDS.items()},
            }
        )


class MetricView(APIView):
    """GET /api/stats/{metric}/ — one metric for a period and scope, optionally broken down and compared.

    Period: `period=ytd` (default), `period=month&month=2026-05`, `period=quarter&quarter=2026Q2`,
    `period=year&year=2025`, `from=2026-01-01&to=2026-03-31`, or `period=since&from=2019-01-01`
    (running total to today). Scope: `unit` (id or code; it and every unit below it, within what you may
    see; default everything you may see). `by`: region, unit, kind, month or industry (see the
    catalogue). `compare`: last_year, previous or both."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, enum=list(periods.KINDS), description="Kind of period (default ytd)."),
            OpenApiParameter("month", str, description="With period=month: 2026-05."),
            OpenApiParameter("quarter", str, description="With period=quarter: 2026Q2."),
            OpenApiParameter("year", int, description="With period=year: 2025."),
            OpenApiParameter("from", str, description="First day (YYYY-MM-DD), for a range or a running total."),
            OpenApiParameter("to", str, description="Last day (YYYY-MM-DD)."),
            OpenApiParameter("unit", str, description="A unit's id or code: it and the units below it."),
            OpenApiParameter("by", str, enum=list(metrics.BREAKDOWNS), description="Break the figure down."),
            OpenApiParameter("compare", str, description="last_year, previous, or both comma-separated."),
        ],
        responses=FigureSerializer,
        operation_id="stats_metric",
    )
    def get(self, request, key: str):
        figure = services.figure_from(request.user, key, request.query_params)
        return Response(services.as_dict(figure))
