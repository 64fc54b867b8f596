import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qiao import identity
from qiao.core import masking
from qiao.core.tables import BaseTable, DateColumn, DateTimeColumn

from .models import Affiliation, DuplicateCandidate, Person


class PersonTable(BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}})
    name = tables.LinkColumn("people:person", args=[tables.A("pk")], verbose_name=_("full name"))
    name_latin = tables.Column(verbose_name=_("name in Latin letters"))
    region = tables.Column(verbose_name=_("region of origin"))
    employer = tables.Column(verbose_name=_("employer"))
    title = tables.Column(verbose_name=_("job title"))
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))
    updated = DateTimeColumn(verbose_name=_("updated"), format="Y-m-d")
    # export only (hidden on the page): personal data, masked per record unless the export reveals it
    birth_date = DateColumn(verbose_name=_("date of birth"), visible=False, orderable=False, empty_values=())
    documents = tables.Column(
        verbose_name=_("identity documents"), accessor="pk", visible=False, orderable=False, empty_values=()
    )
    phones = tables.Column(verbose_name=_("phones"), visible=False, orderable=False, empty_values=())
    emails = tables.Column(verbose_name=_("e-mails"), visible=False, orderable=False, empty_values=())

    sensitive_columns = ("birth_date", "documents", "phones", "emails")
    export_prefetch = ("documents",)

    class Meta(BaseTable.Meta):
        model = Person
        fields = (
            "select",
            "name",
            "name_latin",
            "gender",
            "birth_date",
            "region",
            "country",
            "documents",
            "phones",
            "emails",
            "employer",
            "title",
            "unit",
            "updated",
        )

    def value_birth_date(self, record, value):
        return value if self.reveals(record) else masking.mask_birth_date(value)

    def value_documents(self, record):
        full = self.reveals(record)
        return "; ".join(
            f"{document.get_kind_display()} "
            f"{document.display_number if full else masking.mask_document(document.kind, document.number)}"
            for document in record.documents.all()
        )

    def value_phones(self, record, value):
        full = self.reveals(record)
        return "; ".join(identity.format_phone(p) if full else masking.mask_phone(p) for p in value or [])

    def value_emails(self, record, value):
        full = self.reveals(record)
        return "; ".join(str(e) if full else masking.mask_email(e) for e in value or [])


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
