"""The choice of unit, period, breakdown and comparison on the statistics pages.

The form reads the same GET parameters as /api/stats/ (`unit`, `period`, `month`, `quarter`, `year`,
`from`, `to`, `by`, `compare`) and checks them with the same rules (periods.parse, metrics.scope,
services.compare_of), so a page and the API given the same query show the same figures, and a bad
value gets the same message, under the field it names."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import BootstrapMixin
from qiao.core.scoping import units_for_choice

from . import metrics, periods, services

BOTH = "last_year,previous"
NO_COMPARISON = "none"
COMPARE = [
    (BOTH, _("Same period last year and previous period")),
    ("last_year", _("Same period last year")),
    ("previous", _("Previous period")),
    (NO_COMPARISON, _("No comparison")),
]
COMPARISON_NAMES = {"last_year": _("vs same period last year"), "previous": _("vs previous period")}


class ReportForm(BootstrapMixin, forms.Form):
    """Whose figures (a unit and the units below it; default everything the reader may see), over
    which period (default this year so far), broken down how (a metric's page), compared with what
    (default: the same period last year and the period before)."""

    unit = forms.CharField(required=False, label=_("Unit (with the units below it)"), widget=forms.Select)
    period = forms.CharField(required=False, label=_("Period"), widget=forms.Select(choices=periods.KINDS.items()))
    month = forms.CharField(required=False, label=_("Month"), widget=forms.TextInput(attrs={"type": "month"}))
    quarter = forms.CharField(
        required=False, label=_("Quarter"), widget=forms.TextInput(attrs={"placeholder": "2026Q2", "size": 7})
    )
    year = forms.CharField(required=False, label=_("Year"), widget=forms.NumberInput(attrs={"min": 1980}))
    compare = forms.CharField(required=False, label=_("Compare with"), widget=forms.Select(choices=COMPARE))

    period_fields = ("month", "quarter", "year", "from", "to")

    def __init__(
        self, data, *, user, metric: metrics.Metric | None = None, breakdown: bool = False, default_by: bool = True
    ):
        data = data.copy()
        super().__init__(data)
        # "from" and "to" are the API's names; Python will not take them as attribute names
        self.fields["from"] = forms.CharField(required=False, label=_("From"), widget=_date_input())
        self.fields["to"] = forms.CharField(required=False, label=_("To"), widget=_date_input())
        self.order_fields(["unit", "period", *self.period_fields, "compare"])
        self.user, self.metric = user, metric
        units = units_for_choice(user, "view")
        self.fields["unit"].widget.choices = [("", _("Everything I may see"))] + [
            (str(unit.pk), "\u3000" * unit.depth + unit.name) for unit in units
        ]
        self.default_by = default_by
        if breakdown and metric is not None:
            choices = [(key, metrics.BREAKDOWNS[key]) for key in metrics.breakdowns(metric)]
            self.fields["by"] = forms.CharField(
                required=False,
                label=_("Break down by"),
                widget=forms.Select(
                    choices=choices if default_by else [("", _("Every breakdown")), *choices],
                    attrs={"class": "form-select"},
                ),
            )
        self.scope: metrics.Scope | None = None
        self.period: periods.Period | None = None
        self.compare: list[str] = []
        self.by: str | None = None

    def clean(self):
        data = super().clean()
        try:
            self.scope = metrics.scope(self.user, data.get("unit") or None)
        except ValidationError as error:
            self.add_errors(error)
            return data
        try:
            self.period = periods.parse(data, self.scope.today)
        except ValidationError as error:
            self.add_errors(error)
        compare = data.get("compare") or BOTH
        try:
            self.compare = [] if compare == NO_COMPARISON else services.compare_of({"compare": compare})
        except ValidationError as error:
            self.add_errors(error)
        if "by" in self.fields:
            self.by = data.get("by") or (default_breakdown(self.metric) if self.default_by else None)
            if self.by is not None and self.by not in metrics.breakdowns(self.metric):
                self.add_error("by", refused_breakdown(self.metric, self.by))
        if self.period is not None and not self.errors:
            # show what was understood: the kind chosen from the values given, and the choices made
            self.data["period"] = self.period.kind
            self.data["compare"] = compare
            self.data["unit"] = str(self.scope.unit.pk) if self.scope.unit else ""
            if "by" in self.fields:
                self.data["by"] = self.by or ""
        return data

    def add_errors(self, error: ValidationError) -> None:
        """Put each message under the field it names (the services name the API's parameters)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)

    def params(self, **extra) -> dict[str, str]:
        """The query of this choice, as the links to the records and the export carry it on."""
        found = {"unit": str(self.scope.unit.pk)} if self.scope and self.scope.unit else {}
        found.update(period_params(self.period))
        found["compare"] = self.data.get("compare") or BOTH
        found.update({key: value for key, value in extra.items() if value not in (None, "")})
        return found

    def errors_text(self) -> str:
        return " ".join(str(message) for messages in self.errors.values() for message in messages)


def refused_breakdown(metric: metrics.Metric, by: str) -> str:
    return gettext("by: “%(metric)s” cannot be broken down by “%(by)s”; it can by %(choices)s.") % {
        "metric": metric.label,
        "by": by,
        "choices": "、".join(str(metrics.BREAKDOWNS[key]) for key in metrics.breakdowns(metric)),
    }


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "form-control"})


def default_breakdown(metric: metrics.Metric) -> str | None:
    """A metric's page opens on its trend by month, or its first breakdown."""
    found = metrics.breakdowns(metric)
    return "month" if "month" in found else (found[0] if found else None)


def period_params(period: periods.Period | None) -> dict[str, str]:
    """The parameters naming `period` as periods.parse reads them back."""
    if period is None:
        return {}
    kind = period.kind
    if kind == "ytd":
        return {"period": "ytd"}
    if kind == "month":
        return {"period": "month", "month": period.start.strftime("%Y-%m")}
    if kind == "quarter":
        return {"period": "quarter", "quarter": f"{period.start.year}Q{(period.start.month - 1) // 3 + 1}"}
    if kind == "year":
        return {"period": "year", "year": str(period.start.year)}
    return {"period": kind, **period.as_params()}
