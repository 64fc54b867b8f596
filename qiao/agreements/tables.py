import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.tables import BaseTable, DateColumn

from .models import Agreement, AgreementStatus, Commitment

STATUS_BADGES = {
    AgreementStatus.IN_FORCE: "text-bg-success",
    AgreementStatus.EXPIRED: "text-bg-warning",
    AgreementStatus.ENDED: "text-bg-secondary",
}
NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


def status_label(code: str) -> str:
    return str(AgreementStatus(code).label) if code in AgreementStatus.values else ""


class StatusColumn(tables.Column):
    """The derived status (annotated by services.with_status() on the reader's today)."""

    def render(self, value):
        return format_html(
            '<span class="badge {}" data-status="{}">{}</span>',
            STATUS_BADGES.get(value, ""),
            value,
            status_label(value),
        )

    def value(self, value):
        return status_label(value)


class AgreementTable(BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}})
    title = tables.LinkColumn(
        "agreements:agreement", args=[tables.A("pk")], verbose_name=pgettext_lazy("agreement", "title")
    )
    kind = tables.Column(verbose_name=pgettext_lazy("agreement", "kind"))
    organizations = tables.Column(accessor="pk", verbose_name=_("organisations"), orderable=False, empty_values=())
    our_units = tables.Column(accessor="pk", verbose_name=_("our units"), orderable=False, empty_values=())
    signed_on = DateColumn(format="Y-m-d", verbose_name=_("signed on"))
    starts_on = DateColumn(format="Y-m-d", verbose_name=_("in force from"), visible=False)
    ends_on = DateColumn(format="Y-m-d", verbose_name=_("in force until"))
    status = StatusColumn(verbose_name=_("status"))
    ended_on = DateColumn(format="Y-m-d", verbose_name=_("ended on"), visible=False)
    end_reason = tables.Column(verbose_name=_("why it ended"), visible=False)
    signing_activity = tables.Column(verbose_name=_("signed at"), visible=False)
    scope = tables.Column(verbose_name=_("scope"), visible=False)
    commitments_total = tables.Column(verbose_name=_("commitments"), attrs=NUMBER)
    commitments_overdue = tables.Column(verbose_name=_("overdue"), attrs=NUMBER)
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    export_prefetch = ("parties__organization", "our_units")

    class Meta(BaseTable.Meta):
        model = Agreement
        fields = (
            "select",
            "title",
            "kind",
            "organizations",
            "our_units",
            "signed_on",
            "starts_on",
            "ends_on",
            "status",
            "ended_on",
            "end_reason",
            "signing_activity",
            "scope",
            "commitments_total",
            "commitments_overdue",
            "unit",
        )
        row_attrs = {"data-agreement": lambda record: record.pk}

    def render_organizations(self, record):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((p.organization.get_absolute_url(), p.organization) for p in record.parties.all()),
        )

    def value_organizations(self, record):
        return "; ".join(
            f"{p.organization}（{p.role}）" if p.role else str(p.organization) for p in record.parties.all()
        )

    def render_our_units(self, record):
        return ", ".join(str(u) for u in record.our_units.all()) or "—"

    def value_our_units(self, record):
        return "; ".join(str(u) for u in record.our_units.all())

    def render_commitments_overdue(self, value):
        if value:
            return format_html('<span class="text-danger fw-semibold overdue">{}</span>', value)
        return value


class CommitmentTable(BaseTable):
    text = tables.Column(verbose_name=_("commitment"))
    agreement = tables.LinkColumn(
        "agreements:agreement",
        args=[tables.A("agreement_id")],
        verbose_name=_("agreement"),
        order_by=("agreement__title",),
    )
    owner = tables.Column(verbose_name=pgettext_lazy("commitment", "owner"), order_by=("owner__username",), default="")
    party = tables.Column(verbose_name=_("party responsible"), order_by=("party__name",), default="")
    due_on = DateColumn(format="Y-m-d", verbose_name=_("due"))
    done_on = DateColumn(format="Y-m-d", verbose_name=_("done on"))
    done_by = tables.Column(verbose_name=_("ticked off by"), visible=False, default="")
    note = tables.Column(verbose_name=_("note"), visible=False)
    unit = tables.Column(accessor="agreement__unit", verbose_name=_("owning unit"), order_by=("agreement__unit__path",))

    def __init__(self, *args, today=None, **kwargs):
        from qiao.core.days import local_today

        self.today = today or local_today()
        super().__init__(*args, **kwargs)

    class Meta(BaseTable.Meta):
        model = Commitment
        fields = ("text", "agreement", "owner", "party", "due_on", "done_on", "done_by", "note", "unit")
        row_attrs = {"data-commitment": lambda record: record.pk}

    def render_due_on(self, value, record):
        if record.is_overdue(self.today):
            return format_html('<span class="text-danger fw-semibold overdue">{}</span>', value.isoformat())
        return value.isoformat()
