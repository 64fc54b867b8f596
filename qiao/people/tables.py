import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qiao.core.tables import BaseTable

from .models import Affiliation, DuplicateCandidate, Person


class PersonTable(BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}})
    name = tables.LinkColumn("people:person", args=[tables.A("pk")], verbose_name=_("full name"))
    name_latin = tables.Column(verbose_name=_("name in Latin letters"))
    region = tables.Column(verbose_name=_("region of origin"))
    employer = tables.Column(verbose_name=_("employer"))
    title = tables.Column(verbose_name=_("job title"))
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))
    updated = tables.DateTimeColumn(verbose_name=_("updated"), format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = Person
        fields = ("select", "name", "name_latin", "gender", "region", "country", "employer", "title", "unit", "updated")


class AffiliationTable(BaseTable):
    person = tables.LinkColumn("people:person", args=[tables.A("person_id")], verbose_name=_("person"))
    organization = tables.LinkColumn(
        "orgs:organization", args=[tables.A("organization_id")], verbose_name=_("organisation")
    )

    actions = tables.TemplateColumn(
        "{% load i18n %}{% if can_change %}"
        '<a class="btn btn-sm btn-link" href="{% url \'people:affiliation_edit\' record.pk %}">{% trans "Edit" %}</a>'
        "{% endif %}{% if can_delete %}"
        '<a class="btn btn-sm btn-link text-danger" href="{% url \'people:affiliation_delete\' record.pk %}">'
        '{% trans "Remove" %}</a>{% endif %}',
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(BaseTable.Meta):
        model = Affiliation
        fields = ("person", "kind", "title", "organization", "start", "end", "actions")


class DuplicateCandidateTable(BaseTable):
    person = tables.LinkColumn("people:person", args=[tables.A("person_id")], verbose_name=_("person"))
    other = tables.LinkColumn("people:person", args=[tables.A("other_id")], verbose_name=_("possibly the same as"))
    score = tables.Column(verbose_name=_("score"))
    reasons = tables.Column(verbose_name=_("reasons"), orderable=False)
    review = tables.TemplateColumn(
        '{% load i18n %}<a class="btn btn-sm btn-outline-primary" href="{% url \'people:duplicate\' record.pk %}">'
        '{% trans "Compare" %}</a>',
        accessor="pk",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(BaseTable.Meta):
        model = DuplicateCandidate
        fields = ("person", "other", "score", "reasons", "status", "found_at", "review")

    def render_reasons(self, value):
        from .linkage import REASONS

        return "、".join(str(REASONS.get(code, code)) for code in value)
