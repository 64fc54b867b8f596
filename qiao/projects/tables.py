import decimal

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.amounts import display_amount, user_unit
from qiao.core.tables import BaseTable, DateColumn

from .models import Project, Stage

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
STAGE_BADGES = {
    Stage.LEAD: "text-bg-light border",
    Stage.VISITED: "text-bg-info",
    Stage.NEGOTIATING: "text-bg-primary",
    Stage.SIGNED: "text-bg-warning",
    Stage.LANDED: "text-bg-success",
    Stage.PRODUCTION: "text-bg-dark",
    Stage.DROPPED: "text-bg-secondary",
}


def yuan_number(value):
    """An exact yuan amount as a spreadsheet number: an int when whole, else a float (exact here: at
    most 1万亿 with two decimals is 15 significant digits, which a float holds and writes back)."""
    if value is None:
        return None
    value = decimal.Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


class AmountColumn(tables.Column):
    """An amount shown in the reader's unit (元/万元/亿元); not exported (YuanColumn exports it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMBER)
        kwargs.setdefault("exclude_from_export", True)
        super().__init__(*args, **kwargs)

    def render(self, value, table):
        request = getattr(table, "request", None)
        return display_amount(value, user_unit(getattr(request, "user", None)))


class YuanColumn(tables.Column):
    """Export only: the exact amount in yuan, as a number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("visible", False)
        super().__init__(*args, **kwargs)

    def value(self, value):
        return yuan_number(value)


class StageColumn(tables.Column):
    def render(self, value, record):
        return format_html(
            '<span class="badge {}" data-stage="{}">{}</span>',
            STAGE_BADGES.get(record.stage, ""),
            record.stage,
            record.get_stage_display(),
        )

    def value(self, value, record):
        return record.get_stage_display()


class ProjectTable(BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}})
    name = tables.LinkColumn("projects:project", args=[tables.A("pk")], verbose_name=pgettext_lazy("project", "name"))
    investor = tables.Column(linkify=True, verbose_name=_("investor"), order_by=("investor__name",))
    origin = tables.Column(verbose_name=_("origin of capital"))
    kind = tables.Column(verbose_name=pgettext_lazy("project", "kind"))
    industry = tables.Column(verbose_name=_("industry"), order_by=("industry__path",))
    stage = StageColumn(verbose_name=_("stage"))
    stage_on = DateColumn(format="Y-m-d", verbose_name=_("stage since"))
    signed_on = DateColumn(format="Y-m-d", verbose_name=_("signed on"))
    planned = AmountColumn(accessor="planned_amount", verbose_name=_("planned investment"))
    landed = AmountColumn(accessor="landed_amount", verbose_name=_("landed amount"))
    planned_yuan = YuanColumn(accessor="planned_amount", verbose_name=_("planned investment (yuan)"))
    landed_yuan = YuanColumn(accessor="landed_amount", verbose_name=_("landed amount (yuan)"))
    referral_person = tables.Column(verbose_name=_("referred by (person)"), visible=False)
    referral_organization = tables.Column(verbose_name=_("referred by (organisation)"), visible=False)
    signing_activity = tables.Column(verbose_name=_("signed at"), visible=False)
    origin_country = tables.Column(verbose_name=_("country"), visible=False)
    liaison = tables.Column(verbose_name=_("liaison"))
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    class Meta(BaseTable.Meta):
        model = Project
        fields = (
            "select",
            "name",
            "investor",
            "origin",
            "origin_country",
            "kind",
            "industry",
            "stage",
            "stage_on",
            "signed_on",
            "planned",
            "landed",
            "planned_yuan",
            "landed_yuan",
            "referral_person",
            "referral_organization",
            "signing_activity",
            "liaison",
            "unit",
        )
        row_attrs = {"data-project": lambda record: record.pk}
