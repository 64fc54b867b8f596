"""The tables of the records behind a figure.

Each model is shown with its own app's list table where there is one (the same columns, links and
joins as its list page), else with a small table that links each record to its page. The rows are
the figure's records (Metric.listing) that the reader may also open (the restricted queryset); the
page says how many more were counted that belong to units the reader may not open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from qiao.activities.tables import ParticipationTable
from qiao.core.tables import BaseTable, DateColumn
from qiao.projects.tables import NUMBER, AmountColumn

from .metrics import Metric


class ParticipationRecordTable(ParticipationTable):
    """Person-times: which activity, on which day, who."""

    date = DateColumn(format="Y-m-d", verbose_name=_("date"))
    activity = tables.Column(linkify=True, verbose_name=_("activity"), order_by=("activity__title",))
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    class Meta(ParticipationTable.Meta):
        fields = ("date", "activity", "person", "region", "role", "status", "unit")
        sequence = ("date", "activity", "person", "region", "role", "status", "unit")


def _link(record) -> str | None:
    url = getattr(record, "get_absolute_url", None)
    return url() if url else None


class RecordTable(BaseTable):
    """Any record, named and linked to its page; the view adds the metric's date, amount and unit."""

    record = tables.Column(verbose_name=_("record"), accessor="pk", linkify=_link, orderable=False)

    def render_record(self, record):
        return str(record)

    def value_record(self, record):
        return str(record)


@dataclass(frozen=True)
class Listing:
    table: str  # dotted path of the table class
    rows: Callable[[object, object], QuerySet]  # (user, today) -> the app list's queryset
    table_kwargs: Callable[[object], dict] = lambda today: {}
    exclude: tuple[str, ...] = ("select", "actions")


def _module_queryset(path: str) -> Callable:
    return lambda user, today: import_string(path).all()


def _agreements(user, today):
    from qiao.agreements.views import agreements, with_counts

    return with_counts(agreements, today).prefetch_related("parties__organization", "our_units")


def _proposals(user, today):
    from qiao.proposals.models import Proposal
    from qiao.proposals.views import for_reader

    return for_reader(Proposal.objects.all(), user)


def _participations(user, today):
    from qiao.activities.models import Participation

    return Participation.objects.select_related("activity", "person", "unit")


def _matches(user, today):
    from qiao.matching.models import Match

    return Match.objects.select_related("person", "demand", "demand__organization", "unit")


LISTINGS: dict[str, Listing] = {
    "activities.Activity": Listing(
        "qiao.activities.tables.ActivityTable", _module_queryset("qiao.activities.views.activities")
    ),
    "activities.Participation": Listing("qiao.reports.record_tables.ParticipationRecordTable", _participations),
    "people.Person": Listing("qiao.people.tables.PersonTable", _module_queryset("qiao.people.views.people")),
    "orgs.Organization": Listing(
        "qiao.orgs.tables.OrganizationTable", _module_queryset("qiao.orgs.views.organizations")
    ),
    "matching.Demand": Listing("qiao.matching.tables.DemandTable", _module_queryset("qiao.matching.views.demands")),
    "matching.Match": Listing("qiao.matching.tables.MatchTable", _matches),
    "projects.Project": Listing("qiao.projects.tables.ProjectTable", _module_queryset("qiao.projects.views.projects")),
    "ledger.Case": Listing(
        "qiao.ledger.tables.CaseTable", _module_queryset("qiao.ledger.views.cases"), lambda today: {"today": today}
    ),
    "ledger.ServiceRecord": Listing(
        "qiao.ledger.tables.ServiceRecordTable", _module_queryset("qiao.ledger.views.services_queryset")
    ),
    "relations.Interaction": Listing(
        "qiao.relations.tables.InteractionTable", _module_queryset("qiao.relations.views.interactions")
    ),
    "agreements.Agreement": Listing("qiao.agreements.tables.AgreementTable", _agreements),
    "carriers.Residency": Listing(
        "qiao.carriers.tables.ResidencyTable", _module_queryset("qiao.carriers.views.residencies")
    ),
    "proposals.Proposal": Listing("qiao.proposals.tables.ProposalTable", _proposals),
}  # fmt: skip


def records_table(metric: Metric, listing: QuerySet, user, today) -> tables.Table:
    """The table of the records of `listing` that `user` may open, with the app's own columns."""
    model = listing.model
    spec = LISTINGS.get(model._meta.label)
    if spec is None:
        rows = model._default_manager.all()
        visible = rows.filter(pk__in=listing.values("pk")).restrict(user, "view")
        return RecordTable(visible, extra_columns=_generic_columns(metric, model))
    rows = spec.rows(user, today).filter(pk__in=listing.values("pk")).restrict(user, "view")
    table_class = import_string(spec.table)
    return table_class(rows, exclude=spec.exclude, **spec.table_kwargs(today))


def _generic_columns(metric: Metric, model) -> list[tuple[str, tables.Column]]:
    """The metric's own fields beside the record: its date, the amount it sums, its owning unit."""
    columns = []
    if metric.date_path and "__" not in metric.date_path:
        field = model._meta.get_field(metric.date_path)
        columns.append(
            ("_date", DateColumn(accessor=metric.date_path, format="Y-m-d", verbose_name=field.verbose_name))
        )
    if metric.summed and "__" not in metric.summed:
        field = model._meta.get_field(metric.summed)
        column = AmountColumn if metric.measure == "amount" else tables.Column
        columns.append(("_summed", column(accessor=metric.summed, verbose_name=field.verbose_name, attrs=NUMBER)))
    columns.append(("_unit", tables.Column(accessor=metric.unit_path, verbose_name=_("owning unit"))))
    return columns
