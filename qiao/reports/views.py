"""The statistics pages: a unit's dashboard, the metric catalogue, one metric's page, the records
behind a figure, and a metric's table as xlsx.

Every figure comes from metrics.compute, as /api/stats/ and the bulletins get theirs; ReportForm reads
the unit and the period from the API's own parameters. Every number shown links to the records it
counts (reports:records, with the same unit and period, and the breakdown row), whose count is the
number."""

from __future__ import annotations

import functools
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from qiao.core import scoping
from qiao.core.database import side_by_side
from qiao.core.models import ActionLog

from . import exports, metrics, services, wording
from .forms import COMPARISON_NAMES, ReportForm, refused_breakdown
from .record_tables import records_table

# the dashboard's cards by group: (metric, the breakdown computed with it for a chart, or None)
CARDS = (
    (
        "activities",
        (
            ("activities.batches", "unit"),
            ("activities.person_times", "month"),
            ("activities.people", "region"),
            ("activities.first_timers", None),
        ),
    ),
    ("programmes", (("internships.interns", None),)),
    ("matching", (("matching.agreed", None),)),
    (
        "projects",
        (
            ("projects.signed", "industry"),
            ("projects.planned_amount", None),
            ("projects.landed_amount", None),
            ("projects.production_rate", None),
        ),
    ),
    (
        "cases",
        (
            ("cases.opened", None),
            ("cases.resolved", None),
            ("cases.overdue", None),
            ("cases.median_days", None),
            ("services.records", None),
        ),
    ),
)
# the dashboard's charts: (id, the card whose breakdown it draws, how)
CHARTS = (
    ("trend", "activities.person_times", "line"),
    ("regions", "activities.people", "pie"),
    ("origins", "activities.people", "map"),
    ("units", "activities.batches", "bar"),
    ("industries", "projects.signed", "bar"),
)
# where each region of origin is on the vendored map of China (its features' names)
MAP_NAMES = {"HK": "香港", "MO": "澳门", "TW": "台湾"}
PER_PAGE = 50


# ---------------------------------------------------------------- how a figure is shown


def shown(metric: metrics.Metric, value) -> str:
    """A figure as the page shows it: counts with separators, amounts in 亿元/万元, rates in %."""
    if value is None:
        return "—"
    if metric.measure == "amount":
        return wording.amount(value)
    if metric.measure == "percent":
        return wording.percent(value)
    if metric.measure == "days":
        return f"{value} {metric.unit_label}"
    return intcomma(value)


def change_text(percent: Decimal | None) -> str:
    if percent is None:
        return "—"
    return f"+{percent}%" if percent > 0 else f"{percent}%".replace("-", "−")


def raw(value) -> str:
    """A figure for a data attribute: the number itself (amounts in yuan), empty when there is none."""
    return "" if value is None else str(services.number(value))


def records_url(key: str, params: dict, by: str | None = None, value: str | None = None) -> str:
    query = {name: v for name, v in params.items() if name != "compare"}
    if by:
        query.update(by=by, value=value)
    return f"{reverse('reports:records', args=[key])}?{urlencode(query)}"


def rows_of(figure: metrics.Figure, params: dict) -> list[dict]:
    metric = figure.metric
    total = figure.total if metric.measure in ("count", "people", "amount") else None
    return [
        {
            "key": row.key,
            "label": row.label,
            "value": raw(row.value),
            "number": float(row.value) if row.value is not None else None,
            "shown": shown(metric, row.value),
            "share": wording.percent(Decimal(row.value) * 100 / Decimal(total)) if total and row.value else "",
            "url": records_url(metric.key, params, figure.by, row.key),
        }
        for row in figure.rows
    ]


def card(figure: metrics.Figure, params: dict) -> dict:
    """One figure with its comparisons and breakdown rows, each with the link to its records."""
    metric = figure.metric
    comparisons = []
    for comparison in figure.comparisons:
        change = comparison.change(figure.total)
        comparisons.append(
            {
                "name": comparison.name,
                "label": COMPARISON_NAMES[comparison.name],
                "period": f"{comparison.period.start.isoformat()} – {comparison.period.end.isoformat()}",
                "total": shown(metric, comparison.total),
                "change": "" if change is None else str(change),
                "change_text": change_text(change),
                "direction": "" if not change else ("up" if change > 0 else "down"),
            }
        )
    return {
        "metric": metric,
        "key": metric.key,
        "value": raw(figure.total),
        "shown": shown(metric, figure.total),
        "url": records_url(metric.key, params),
        "comparisons": comparisons,
        "by": figure.by,
        "rows": rows_of(figure, params),
        "params": params,
        "snapshot": metric.snapshot,
    }


def months(period) -> list[str]:
    """The months of `period` as the month breakdown's row keys (2026-05)."""
    found, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def chart(chart_id: str, found: dict, kind: str, period=None) -> dict:
    """A chart of a card's breakdown; a trend by month has every month of the period, 0 where none."""
    metric = found["metric"]
    rows = [row for row in found["rows"] if row["number"] is not None]
    data = [{"key": r["key"], "name": r["label"], "value": r["number"], "url": r["url"]} for r in rows]
    if found["by"] == "month" and period is not None and metric.measure in ("count", "people", "amount"):
        known = {item["key"]: item for item in data}
        data = [
            known.get(key)
            or {"key": key, "name": key, "value": 0, "url": records_url(metric.key, found["params"], "month", key)}
            for key in months(period)
        ]
    if kind == "map":
        for item in data:
            item["geo"] = MAP_NAMES.get(item["key"], "")
    return {
        "id": chart_id,
        "kind": kind,
        "metric": metric.key,
        "by": found["by"],
        "title": f"{metric.label} · {metrics.BREAKDOWNS[found['by']]}",
        "by_label": str(metrics.BREAKDOWNS[found["by"]]),
        "unit": str(metric.unit_label),
        "rows": data,
    }


# ---------------------------------------------------------------- the pages


class StatisticsView(LoginRequiredMixin, View):
    """Reads the unit, period (and breakdown) from the query; a bad value is answered with the form
    and its message, status 400."""

    template_name = ""
    breakdown = False
    default_by = True

    def read(self, metric: metrics.Metric | None = None) -> ReportForm:
        form = ReportForm(
            self.request.GET,
            user=self.request.user,
            metric=metric,
            breakdown=self.breakdown,
            default_by=self.default_by,
        )
        form.is_valid()
        return form

    def page(self, context: dict, status: int = 200) -> HttpResponse:
        form = context.get("form")
        if form is not None and form.errors:
            status = 400
        return render(self.request, self.template_name, context, status=status)


class MetricMixin:
    """The metric named in the URL; an unknown one is a 404 page that says so."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.metric = metrics.CATALOGUE.get(kwargs["key"])
        if self.metric is None:
            message = _("There is no metric “%(key)s”; the catalogue lists them all.") % {"key": kwargs["key"]}
            return render(request, "error.html", {"status": 404, "message": message}, status=404)
        return super().dispatch(request, *args, **kwargs)


class DashboardView(StatisticsView):
    """A unit's main figures for a period and charts of their breakdowns; their comparisons (同比/环比)
    follow in a second request (`part=comparisons`, fetched by the page once it is shown), so that the
    figures appear without waiting for two more periods of every one of them."""

    template_name = "reports/dashboard.html"

    def get(self, request):
        form = self.read()
        if form.errors:
            return self.page({"form": form})
        if request.GET.get("part") == "comparisons":
            return self.comparisons(form)
        params = form.params()
        # one computation per card (the charts draw the breakdowns computed here), two at a time on PostgreSQL
        wanted = [(key, by) for _group, keys in CARDS for key, by in keys]
        figures = side_by_side(
            [
                functools.partial(metrics.compute, request.user, key, form.period, by=by, scope_=form.scope)
                for key, by in wanted
            ]
        )
        cards = {key: card(figure, params) for (key, _by), figure in zip(wanted, figures, strict=True)}
        sections = [
            {"key": group, "label": metrics.GROUPS[group], "cards": [cards[key] for key, _by in keys]}
            for group, keys in CARDS
        ]
        charts = [
            {"chart": chart(chart_id, cards[key], kind, form.period), "card": cards[key]}
            for chart_id, key, kind in CHARTS
        ]
        return self.page(
            {
                "form": form,
                "scope": form.scope,
                "period": form.period,
                "report_query": urlencode(params),
                "compare": form.compare,
                "sections": sections,
                "chart_cards": charts,
                "chart_data": {"charts": [c["chart"] for c in charts], "map": static("vendor/echarts-maps/china.json")},
            }
        )

    def comparisons(self, form) -> HttpResponse:
        """Every card's comparisons, as fragments that take their places in the page (hx-swap-oob)."""
        found = []
        for _group, keys in CARDS:
            for key, _by in keys:
                metric = metrics.get(key)
                figure = metrics.Figure(metric, form.period, form.scope, metric.total(form.scope, form.period))
                for name in form.compare:
                    other = form.period.last_year() if name == "last_year" else form.period.previous()
                    total = None if metric.snapshot else metric.total(form.scope, other)
                    figure.comparisons.append(metrics.Comparison(name, other, total))
                found.append(card(figure, form.params()))
        return render(self.request, "reports/_comparisons.html", {"cards": found})


class CatalogueView(LoginRequiredMixin, View):
    """Every metric, by group: what it counts, in which unit, how it can be broken down."""

    def get(self, request):
        found = services.catalogue()
        groups = []
        for group, label in metrics.GROUPS.items():
            items = [
                dict(m, breakdown_labels=[metrics.BREAKDOWNS[b] for b in m["breakdowns"]])
                for m in found
                if m["group"] == group
            ]
            if items:
                groups.append({"key": group, "label": label, "metrics": items})
        return render(request, "reports/catalogue.html", {"groups": groups})


class MetricView(MetricMixin, StatisticsView):
    """One metric for a unit and a period: its total and comparisons, one breakdown as a table and a chart."""

    template_name = "reports/metric.html"
    breakdown = True

    def get(self, request, key):
        metric = self.metric
        form = self.read(metric)
        context = {"form": form, "metric": metric}
        if form.errors:
            return self.page(context)
        figure = metrics.compute(request.user, key, form.period, by=form.by, compare=form.compare, scope_=form.scope)
        params = form.params()
        found = card(figure, params)
        export = reverse("reports:export", args=[key])
        context.update(
            figure=figure,
            card=found,
            chart_data={"charts": [chart("breakdown", found, "line" if form.by == "month" else "bar", form.period)]}
            if form.by
            else None,
            export_url=f"{export}?{urlencode({**params, 'by': form.by or ''})}",
            export_all_url=f"{export}?{urlencode(params)}",
            can_export=scoping.has_any(request.user, "export"),
            api_url=f"{reverse('api:stats-metric', args=[key])}?{urlencode({**params, 'by': form.by or ''})}",
        )
        return self.page(context)


class RecordsView(MetricMixin, StatisticsView):
    """The records behind a figure, or behind one row of its breakdown (`by`, `value`)."""

    template_name = "reports/records.html"

    def get(self, request, key):
        metric = self.metric
        form = self.read(metric)
        by, value = request.GET.get("by") or None, request.GET.get("value")
        keep = [(name, v) for name, v in (("by", by), ("value", value)) if v]
        context = {"form": form, "metric": metric, "by": by, "value": value, "keep": keep}
        if not form.errors and by is not None:
            if by not in metrics.breakdowns(metric):
                form.add_error(None, refused_breakdown(metric, by))
            elif not value:
                form.add_error(None, _("value: say which row of the breakdown to list (its key, “-” for none)."))
        if form.errors:
            return self.page(context)
        try:
            figure, row = self.figure(form, by, value)
            if by and row is None:  # no record has this value (a month without any, say)
                listing = metric.listed_model()._default_manager.none()
            else:
                listing = metric.listing(form.scope, form.period, by, value)
        except ValidationError as error:
            form.add_errors(error)
            return self.page(context)
        table = records_table(metric, listing, request.user, form.scope.today)
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
        count = listing.count()
        params = form.params()
        context.update(
            scope=form.scope,
            period=form.period,
            table=table,
            count=count,
            hidden=count - table.paginator.count,
            figure=figure,
            figure_value=raw(figure),
            figure_shown=shown(metric, figure),
            **self.sum(listing),
            row=row,
            by_label=metrics.BREAKDOWNS.get(by) if by else None,
            metric_url=f"{reverse('reports:metric', args=[key])}?{urlencode({**params, 'by': by or ''})}",
            dashboard_url=f"{reverse('reports:dashboard')}?{urlencode(params)}",
        )
        return self.page(context)

    def sum(self, listing) -> dict:
        """For a sum (amounts, people served): the sum of the records listed, which is the figure."""
        if not self.metric.summed:
            return {"sum": None}
        metric = self.metric
        found = listing.aggregate(v=Sum(metric.summed))["v"] or 0
        text = shown(metric, found) if metric.measure == "amount" else f"{shown(metric, found)} {metric.unit_label}"
        return {"sum": raw(found), "sum_shown": text}

    def figure(self, form: ReportForm, by: str | None, value: str | None):
        """The figure the records are behind: the total, or the row of the breakdown (None when no
        record has that value: its figure is nothing)."""
        metric = self.metric
        if not by:
            return metric.total(form.scope, form.period), None
        row = next((r for r in metric.breakdown(form.scope, form.period, by) if r.key == value), None)
        if row is None:
            metrics.parse_key(by, value)  # a malformed month is refused with its message
            return metric.finish(0 if metric.measure in ("count", "people", "amount") else None), None
        return row.value, row


class ExportView(MetricMixin, StatisticsView):
    """A metric's table as xlsx: the breakdown asked for (`by`), or every breakdown of the metric."""

    template_name = "reports/metric.html"
    breakdown = True
    default_by = False

    def get(self, request, key):
        if not scoping.has_any(request.user, "export"):
            raise PermissionDenied(_("Your role does not allow exporting."))
        metric = self.metric
        form = self.read(metric)
        if form.errors:
            return self.page({"form": form, "metric": metric})
        figure = metrics.compute(request.user, key, form.period, compare=form.compare, scope_=form.scope)
        chosen = [form.by] if form.by else metrics.breakdowns(metric)
        breakdowns = {by: metric.breakdown(form.scope, form.period, by) for by in chosen}
        query = form.params(by=form.by)
        content = exports.workbook(figure, breakdowns, query, request.user)
        ActionLog.record(
            "qiao.export",
            None,
            model="reports.metric",
            metric=key,
            page=request.path,
            query=urlencode(query),
            filters=query,
            rows=sum(len(rows) for rows in breakdowns.values()) + 1,
            format="xlsx",
        )
        response = HttpResponse(content, content_type=exports.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(figure)}"'
        return response
