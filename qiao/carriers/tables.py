import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.tables import BaseTable, DateColumn
from qiao.projects.tables import yuan_number

from .models import Carrier, MilestoneKind, Residency

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
EXIT_BADGES = {"graduated": "text-bg-success", "left": "text-bg-secondary"}


class CarrierTable(BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}})
    name = tables.LinkColumn("carriers:carrier", args=[tables.A("pk")], verbose_name=pgettext_lazy("carrier", "name"))
    kind = tables.Column(verbose_name=pgettext_lazy("carrier", "kind"))
    operator = tables.Column(verbose_name=_("operated by"), order_by=("operator__name",))
    floor_area = tables.Column(verbose_name=_("floor area (m²)"), attrs=NUMBER)
    capacity = tables.Column(verbose_name=_("capacity"), attrs=NUMBER)
    hosted_now = tables.Column(verbose_name=_("hosted now"), attrs=NUMBER)
    opened_on = DateColumn(format="Y-m-d", verbose_name=_("opened on"))
    address = tables.Column(verbose_name=_("address"), visible=False)
    unit = tables.Column(verbose_name=_("managing unit"), order_by=("unit__path",))

    class Meta(BaseTable.Meta):
        model = Carrier
        fields = (
            "select",
            "name",
            "kind",
            "operator",
            "floor_area",
            "capacity",
            "hosted_now",
            "opened_on",
            "address",
            "unit",
        )
        row_attrs = {"data-carrier": lambda record: record.pk}

    def value_floor_area(self, value):
        return float(value) if value is not None else None


def _outcomes(record) -> list:
    return [m for m in record.milestones.all() if m.kind in (MilestoneKind.REGISTERED, MilestoneKind.FUNDED)]


class ResidencyTable(BaseTable):
    name = tables.LinkColumn(
        "carriers:residency", args=[tables.A("pk")], verbose_name=pgettext_lazy("resident", "name")
    )
    kind = tables.Column(verbose_name=pgettext_lazy("resident", "kind"))
    carrier = tables.Column(linkify=True, verbose_name=_("carrier"), order_by=("carrier__name",))
    origin = tables.Column(verbose_name=_("origin"))
    origin_country = tables.Column(verbose_name=_("country"), visible=False)
    field = tables.Column(verbose_name=pgettext_lazy("expertise", "field"), order_by=("field__path",))
    founders = tables.Column(verbose_name=_("founders"), orderable=False, empty_values=())
    organization = tables.Column(verbose_name=_("organisation"), visible=False)
    entered_on = DateColumn(format="Y-m-d", verbose_name=_("entered on"))
    exited_on = DateColumn(format="Y-m-d", verbose_name=_("left on"))
    exit_kind = tables.Column(verbose_name=_("how it left"))
    outcomes = tables.Column(verbose_name=_("outcomes"), orderable=False, empty_values=(), accessor="pk")
    funding = tables.Column(verbose_name=_("funding raised (yuan)"), visible=False, accessor="pk", orderable=False)
    unit = tables.Column(verbose_name=_("managing unit"), accessor="carrier__unit", order_by=("carrier__unit__path",))

    class Meta(BaseTable.Meta):
        model = Residency
        fields = (
            "name",
            "kind",
            "carrier",
            "origin",
            "origin_country",
            "field",
            "founders",
            "organization",
            "entered_on",
            "exited_on",
            "exit_kind",
            "outcomes",
            "funding",
            "unit",
        )
        row_attrs = {"data-residency": lambda record: record.pk}

    def render_founders(self, record):
        return (
            format_html_join(
                ", ", '<a href="{}">{}</a>', ((p.get_absolute_url(), str(p)) for p in record.founders.all())
            )
            or "—"
        )

    def value_founders(self, record):
        return ", ".join(str(p) for p in record.founders.all())

    def render_exit_kind(self, record):
        if not record.exit_kind:
            return "—"
        return format_html(
            '<span class="badge {}" data-exit="{}">{}</span>',
            EXIT_BADGES.get(record.exit_kind, ""),
            record.exit_kind,
            record.get_exit_kind_display(),
        )

    def value_exit_kind(self, record):
        return record.get_exit_kind_display()

    def render_outcomes(self, record):
        found = _outcomes(record)
        if not found:
            return "—"
        return format_html_join(
            " ",
            '<span class="badge text-bg-light border" data-outcome="{}">{}</span>',
            ((m.kind, m.get_kind_display()) for m in found),
        )

    def value_outcomes(self, record):
        return "; ".join(f"{m.get_kind_display()} {m.on:%Y-%m-%d}" for m in _outcomes(record))

    def value_funding(self, record):
        total = sum((m.amount or 0) for m in record.milestones.all() if m.kind == MilestoneKind.FUNDED)
        return yuan_number(total) if total else None
