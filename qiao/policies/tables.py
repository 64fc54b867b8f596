import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.tables import BaseTable, DateColumn

from .models import Policy


class PolicyTable(BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}})
    title = tables.LinkColumn("policies:policy", args=[tables.A("pk")], verbose_name=pgettext_lazy("policy", "title"))
    issuer = tables.Column(verbose_name=_("issuer"))
    region = tables.Column(verbose_name=_("region"))
    document_number = tables.Column(verbose_name=pgettext_lazy("policy", "document number"))
    effective_from = DateColumn(format="Y-m-d", verbose_name=_("effective from"))
    effective_to = DateColumn(format="Y-m-d", verbose_name=_("effective until"))
    benefits = tables.Column(accessor="n_benefits", verbose_name=_("benefits"), attrs={"td": {"class": "text-end"}})
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    class Meta(BaseTable.Meta):
        model = Policy
        fields = (
            "select",
            "title",
            "issuer",
            "region",
            "document_number",
            "effective_from",
            "effective_to",
            "benefits",
            "unit",
        )
