import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.tables import BaseTable, DateColumn, DateTimeColumn

from .models import InternshipApplication, InternshipPosition, Placement

NUMBER = {"td": {"class": "text-end"}}


class PositionTable(BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}})
    title = tables.LinkColumn(
        "internships:position", args=[tables.A("pk")], verbose_name=pgettext_lazy("internship position", "title")
    )
    organization = tables.Column(linkify=True, verbose_name=_("organisation"), order_by=("organization__name",))
    start_date = DateColumn(format="Y-m-d", verbose_name=_("start date"))
    end_date = DateColumn(format="Y-m-d", verbose_name=_("end date"))
    slots = tables.Column(verbose_name=_("places"), attrs=NUMBER)
    applied = tables.Column(accessor="n_applied", verbose_name=_("applied"), attrs=NUMBER)
    placed = tables.Column(accessor="n_placed", verbose_name=_("placed"), attrs=NUMBER)
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    class Meta(BaseTable.Meta):
        model = InternshipPosition
        fields = (
            "select",
            "title",
            "organization",
            "start_date",
            "end_date",
            "place",
            "work_mode",
            "slots",
            "applied",
            "placed",
            "status",
            "unit",
        )


class ApplicationTable(BaseTable):
    """The applicants of one position, with the buttons that move them along (staff only)."""

    person = tables.Column(linkify=True, verbose_name=_("person"), order_by=("person__name",))
    region = tables.Column(accessor="person__region", verbose_name=_("region of origin"))
    applied_at = DateTimeColumn(format="Y-m-d", verbose_name=_("applied at"))
    batch = tables.Column(accessor="placement__batch", linkify=True, verbose_name=_("batch"), default="")
    outcome = tables.Column(accessor="placement__outcome", verbose_name=_("outcome"), default="")
    actions = tables.TemplateColumn(
        template_name="internships/_application_actions.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(BaseTable.Meta):
        model = InternshipApplication
        fields = ("person", "region", "status", "applied_at", "notes", "batch", "outcome", "actions")
        row_attrs = {"id": lambda record: f"application-{record.pk}"}

    def render_outcome(self, record):
        return record.placement.get_outcome_display()


class PlacementTable(BaseTable):
    person = tables.Column(accessor="application__person", linkify=True, verbose_name=_("person"),
                           order_by=("application__person__name",))  # fmt: skip
    region = tables.Column(accessor="application__person__region", verbose_name=_("region of origin"))
    position = tables.Column(accessor="application__position", linkify=True, verbose_name=_("position"),
                             order_by=("application__position__title",))  # fmt: skip
    organization = tables.Column(accessor="application__position__organization", linkify=True,
                                 verbose_name=_("organisation"),
                                 order_by=("application__position__organization__name",))  # fmt: skip
    batch = tables.Column(linkify=True, verbose_name=_("batch"), order_by=("batch__start_date", "batch__title"))
    start_date = DateColumn(format="Y-m-d", verbose_name=_("start date"))
    end_date = DateColumn(format="Y-m-d", verbose_name=_("end date"))
    edit = tables.TemplateColumn(
        '{% load i18n %}{% if can_change %}<a class="btn btn-sm btn-outline-secondary" '
        'href="{% url \'internships:placement_edit\' record.pk %}">{% trans "Edit" %}</a>{% endif %}',
        accessor="pk",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(BaseTable.Meta):
        model = Placement
        fields = (
            "person",
            "region",
            "position",
            "organization",
            "batch",
            "start_date",
            "end_date",
            "outcome",
            "notes",
            "edit",
        )
