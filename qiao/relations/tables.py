import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.days import local_today
from qiao.core.tables import BaseTable, DateColumn, DateTimeColumn

from .models import Interaction, KeyContact


def _names(records) -> str:
    return "、".join(str(r) for r in records)


def _links(records):
    return format_html_join("、", '<a href="{}">{}</a>', ((r.get_absolute_url(), str(r)) for r in records))


class PartiesColumn(tables.Column):
    """The people and organisations of an interaction (prefetched), linked on the page."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, record):
        parts = [p for p in (_links(record.people.all()), _links(record.organizations.all())) if p]
        return format_html_join(" · ", "{}", ((p,) for p in parts)) or "—"

    def value(self, record):
        return _names([*record.people.all(), *record.organizations.all()])


class InteractionTable(BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}})
    occurred_at = DateTimeColumn(
        format="Y-m-d H:i", verbose_name=_("when"), linkify=lambda record: record.get_absolute_url()
    )
    occurred_on = DateColumn(format="Y-m-d", verbose_name=_("day"), visible=False)
    kind = tables.Column(verbose_name=pgettext_lazy("interaction", "kind"))
    parties = PartiesColumn(verbose_name=_("with"), accessor="pk")
    summary = tables.Column(
        verbose_name=_("summary"), attrs={"td": {"class": "text-truncate", "style": "max-width: 24rem"}}
    )
    staff = tables.Column(verbose_name=_("our side"), accessor="pk", orderable=False, empty_values=())
    follow_up_on = DateColumn(format="Y-m-d", verbose_name=_("follow up by"))
    follow_up = tables.Column(verbose_name=_("follow-up"), visible=False)
    follow_up_done_on = DateColumn(format="Y-m-d", verbose_name=_("follow-up done on"), visible=False)
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    export_prefetch = ("people", "organizations", "staff")

    class Meta(BaseTable.Meta):
        model = Interaction
        fields = (
            "select",
            "occurred_at",
            "occurred_on",
            "kind",
            "parties",
            "summary",
            "staff",
            "follow_up",
            "follow_up_on",
            "follow_up_done_on",
            "unit",
        )
        row_attrs = {"data-interaction": lambda record: record.pk}

    def render_staff(self, record):
        return _names(record.staff.all()) or "—"

    def value_staff(self, record):
        return _names(record.staff.all())

    def render_summary(self, value):
        return value if len(value) <= 80 else value[:80] + "…"

    def value_summary(self, value):
        return value


class KeyContactTable(BaseTable):
    party = tables.Column(
        verbose_name=_("key contact"), accessor="pk", order_by=("person__name", "organization__name"), empty_values=()
    )
    kind = tables.Column(verbose_name=pgettext_lazy("key contact", "kind"))
    cadence_days = tables.Column(verbose_name=_("every (days)"), attrs={"td": {"class": "text-end"}})
    last_contact_on = DateColumn(format="Y-m-d", verbose_name=_("last contact"))
    due_on = DateColumn(format="Y-m-d", verbose_name=_("next contact due"))
    responsible = tables.Column(verbose_name=_("responsible"), order_by=("responsible__username",))
    since = DateColumn(format="Y-m-d", verbose_name=_("key contact since"), visible=False)
    ended_on = DateColumn(format="Y-m-d", verbose_name=_("ended on"), visible=False)
    reason = tables.Column(verbose_name=pgettext_lazy("key contact", "why"), visible=False)
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    class Meta(BaseTable.Meta):
        model = KeyContact
        fields = (
            "party",
            "kind",
            "cadence_days",
            "last_contact_on",
            "due_on",
            "responsible",
            "since",
            "ended_on",
            "reason",
            "unit",
        )
        row_attrs = {
            "data-key-contact": lambda record: record.pk,
            "data-overdue": lambda record, table: "1" if table.is_overdue(record) else "0",
        }

    def today(self):
        if not hasattr(self, "_today"):
            request = getattr(self, "request", None)
            self._today = local_today(getattr(request, "user", None))
        return self._today

    def is_overdue(self, record) -> bool:
        return record.ended_on is None and record.due_on < self.today()

    def render_party(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.party)

    def value_party(self, record):
        return str(record.party)

    def render_due_on(self, record, value):
        if self.is_overdue(record):
            return format_html(
                '<span class="text-danger fw-semibold">{}</span> <span class="badge text-bg-danger">{}</span>',
                value.isoformat(),
                _("Overdue"),
            )
        return value.isoformat()
