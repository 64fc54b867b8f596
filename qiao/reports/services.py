"""Reports: one way from request or command parameters to figures, shared by the pages, the API,
the exports and the bulletin command (which never hold rules of their own)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import metrics, periods
from .metrics import Figure, Scope


def period_of(params: Mapping, scope: Scope) -> periods.Period:
    return periods.parse(params, scope.today)


def compare_of(params: Mapping) -> list[str]:
    value = params.get("compare") or ""
    names = [part.strip() for part in str(value).split(",") if part.strip()]
    for name in names:
        if name not in ("last_year", "previous"):
            raise ValidationError({"compare": _("compare: use last_year, previous or both (comma-separated).")})
    return names


def figure_from(user, key: str, params: Mapping) -> Figure:
    """The figure of metric `key` as `params` ask for it: `unit` (id or code), the period (see
    periods.parse), `by` (a breakdown), `compare` (last_year, previous)."""
    metric = metrics.get(key)
    where = metrics.scope(user, params.get("unit") or None)
    period = period_of(params, where)
    by = params.get("by") or None
    return metrics.compute(user, metric.key, period, by=by, compare=compare_of(params), scope_=where)


def number(value):
    """A figure's value for JSON: integers as numbers, decimals (amounts, rates) as strings."""
    if isinstance(value, Decimal):
        return str(value)
    return value


def as_dict(figure: Figure) -> dict:
    metric = figure.metric
    return {
        "metric": metric.key,
        "label": str(metric.label),
        "definition": str(metric.definition),
        "measure": metric.measure,
        "unit_label": str(metric.unit_label),
        "period": {
            "kind": figure.period.kind,
            "from": figure.period.start.isoformat(),
            "to": figure.period.end.isoformat(),
            "label": figure.period.label(),
        },
        "scope": {"unit": figure.scope.unit.pk if figure.scope.unit else None, "name": figure.scope.name},
        "total": number(figure.total),
        "by": figure.by,
        "rows": [{"key": row.key, "label": row.label, "value": number(row.value)} for row in figure.rows],
        "comparisons": [
            {
                "name": c.name,
                "from": c.period.start.isoformat(),
                "to": c.period.end.isoformat(),
                "total": number(c.total),
                "change_percent": number(c.change(figure.total)),
            }
            for c in figure.comparisons
        ],
    }


def catalogue() -> list[dict]:
    """Every metric with its definition and the breakdowns it takes, in catalogue order."""
    return [
        {
            "key": metric.key,
            "group": metric.group,
            "group_label": str(metrics.GROUPS[metric.group]),
            "label": str(metric.label),
            "definition": str(metric.definition),
            "measure": metric.measure,
            "unit_label": str(metric.unit_label),
            "breakdowns": metrics.breakdowns(metric),
            "period_independent": metric.snapshot,
        }
        for metric in metrics.CATALOGUE.values()
    ]
