import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qiao.core.tables import BaseTable

from .models import Organization


class OrganizationTable(BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}})
    name = tables.LinkColumn("orgs:organization", args=[tables.A("pk")], verbose_name=_("name"))
    parent = tables.Column(verbose_name=_("parent organisation"))
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    class Meta(BaseTable.Meta):
        model = Organization
        fields = ("select", "name", "kind", "region", "industry", "registration_number", "parent", "unit")
