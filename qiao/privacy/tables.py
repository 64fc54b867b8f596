import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qiao.core.tables import BaseTable, DateColumn, DateTimeColumn

from .models import RetentionFlag, Transfer


class TransferTable(BaseTable):
    date = DateColumn(verbose_name=_("date"), format="Y-m-d")
    person = tables.Column(verbose_name=_("person"), linkify=lambda record: record.get_absolute_url())
    from_unit = tables.Column(verbose_name=_("from unit"))
    recipient = tables.Column(verbose_name=_("recipient"), accessor="recipient", orderable=False)
    region = tables.Column(verbose_name=_("destination"))
    purpose = tables.Column(verbose_name=_("purpose"))
    categories = tables.Column(verbose_name=_("data categories"), orderable=False)
    legal_basis = tables.Column(verbose_name=_("legal basis"))
    source = tables.Column(verbose_name=_("source"))
    by = tables.Column(verbose_name=_("by"))

    class Meta(BaseTable.Meta):
        model = Transfer
        fields = (
            "date",
            "person",
            "from_unit",
            "recipient",
            "region",
            "purpose",
            "categories",
            "legal_basis",
            "source",
            "by",
            "note",
        )

    def render_categories(self, record):
        return "、".join(record.category_labels())

    def value_categories(self, record):
        return "、".join(record.category_labels())


class RetentionFlagTable(BaseTable):
    person = tables.Column(verbose_name=_("person"), linkify=lambda record: record.person.get_absolute_url())
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))
    last_touched = DateColumn(verbose_name=_("last touched"), format="Y-m-d")
    years = tables.Column(verbose_name=_("retention period (years)"))
    flagged_at = DateTimeColumn(verbose_name=_("flagged at"), format="Y-m-d")
    status = tables.Column(verbose_name=_("status"))
    note = tables.Column(verbose_name=_("why kept"))
    actions = tables.TemplateColumn(
        template_name="privacy/_retention_actions.html", verbose_name="", orderable=False, exclude_from_export=True
    )

    class Meta(BaseTable.Meta):
        model = RetentionFlag
        fields = ("person", "unit", "last_touched", "years", "flagged_at", "status", "note", "actions")
