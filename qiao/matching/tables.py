import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.tables import BaseTable, DateColumn, DateTimeColumn

from .models import Demand, Match, Plan

NUMBER = {"td": {"class": "text-end"}}


class DemandTable(BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}})
    title = tables.LinkColumn("matching:demand", args=[tables.A("pk")], verbose_name=pgettext_lazy("demand", "title"))
    organization = tables.Column(linkify=True, verbose_name=_("organisation"), order_by=("organization__name",))
    headcount = tables.Column(verbose_name=_("headcount"), attrs=NUMBER)
    matched = tables.Column(accessor="n_matches", verbose_name=_("followed"), attrs=NUMBER)
    agreed = tables.Column(accessor="n_agreed", verbose_name=_("agreed"), attrs=NUMBER)
    valid_until = DateColumn(format="Y-m-d", verbose_name=_("valid until"))
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    class Meta(BaseTable.Meta):
        model = Demand
        fields = (
            "select",
            "title",
            "kind",
            "organization",
            "place",
            "headcount",
            "matched",
            "agreed",
            "valid_until",
            "status",
            "unit",
        )


class MatchTable(BaseTable):
    person = tables.Column(linkify=True, verbose_name=_("person"), order_by=("person__name",))
    demand = tables.Column(linkify=True, verbose_name=_("demand"), order_by=("demand__title",))
    organization = tables.Column(
        accessor="demand__organization", linkify=True, verbose_name=_("organisation"), default=""
    )
    score = tables.Column(verbose_name=pgettext_lazy("matching", "score"), attrs=NUMBER)
    updated = DateTimeColumn(format="Y-m-d", verbose_name=_("last change"))
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    class Meta(BaseTable.Meta):
        model = Match
        fields = ("person", "demand", "organization", "stage", "score", "updated", "unit")

    def render_score(self, value):
        return f"{value:.0f}" if value is not None else ""


class PlanTable(BaseTable):
    person = tables.LinkColumn("matching:plan", args=[tables.A("pk")], verbose_name=_("person"))
    responsible = tables.Column(verbose_name=_("responsible staff"), default="")
    open_tasks = tables.Column(accessor="n_open", verbose_name=_("open tasks"), attrs=NUMBER)
    next_due = DateColumn(accessor="next_due", format="Y-m-d", verbose_name=_("next due"), default="")
    updated = DateTimeColumn(format="Y-m-d", verbose_name=_("last change"))
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    class Meta(BaseTable.Meta):
        model = Plan
        fields = ("person", "status", "responsible", "open_tasks", "next_due", "updated", "unit")
