import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.tables import BaseTable, DateColumn, TrashTable

from .models import Outcome, Proposal, PublicRole

OUTCOME_BADGES = {
    Outcome.SUBMITTED: "text-bg-light border",
    Outcome.ADOPTED: "text-bg-success",
    Outcome.ENDORSED: "text-bg-primary",
}


def shown_authors(record) -> list:
    """The authors the reader may see (the views prefetch them through the reader's scope)."""
    return list(record.authors.all())


class AuthorsColumn(tables.Column):
    """The authors the reader may see, linked; "+N" for those of units the reader cannot see."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("accessor", "pk")
        super().__init__(*args, **kwargs)

    def render(self, record):
        people = shown_authors(record)
        html = format_html_join("、", '<a href="{}">{}</a>', ((p.get_absolute_url(), p.name) for p in people))
        hidden = (getattr(record, "author_total", None) or len(people)) - len(people)
        if hidden > 0:
            html = format_html(
                '{} <span class="text-body-secondary small" title="{}">+{}</span>',
                html,
                _("Authors of units you cannot see"),
                hidden,
            )
        return html or "—"

    def value(self, record):
        return "、".join(p.name for p in shown_authors(record))


class OutcomeColumn(tables.Column):
    def render(self, value, record):
        return format_html(
            '<span class="badge {}" data-outcome="{}">{}</span>',
            OUTCOME_BADGES.get(record.outcome, ""),
            record.outcome,
            record.get_outcome_display(),
        )

    def value(self, value, record):
        return record.get_outcome_display()


class ProposalTable(BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "bulk-form"}})
    title = tables.LinkColumn(
        "proposals:proposal", args=[tables.A("pk")], verbose_name=pgettext_lazy("proposal", "topic")
    )
    channel = tables.Column(verbose_name=_("channel"))
    authors = AuthorsColumn(verbose_name=_("by"))
    submitted_on = DateColumn(format="Y-m-d", verbose_name=_("submitted on"))
    venue = tables.Column(verbose_name=_("submitted to"))
    outcome = OutcomeColumn(verbose_name=pgettext_lazy("proposal", "outcome"))
    adopted_on = DateColumn(format="Y-m-d", verbose_name=_("adopted on"))
    endorsed_on = DateColumn(format="Y-m-d", verbose_name=_("endorsed on"))
    outcome_note = tables.Column(verbose_name=_("outcome note"), visible=False)
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    class Meta(BaseTable.Meta):
        model = Proposal
        fields = (
            "select",
            "title",
            "channel",
            "authors",
            "submitted_on",
            "venue",
            "outcome",
            "adopted_on",
            "endorsed_on",
            "outcome_note",
            "unit",
        )
        row_attrs = {"data-proposal": lambda record: record.pk}


class PublicRoleTable(BaseTable):
    person = tables.Column(linkify=True, verbose_name=_("person"), order_by=("person__name",))
    kind = tables.Column(verbose_name=pgettext_lazy("public role", "kind"))
    body = tables.Column(verbose_name=_("body"))
    title = tables.Column(verbose_name=_("title"))
    starts_on = DateColumn(format="Y-m-d", verbose_name=_("term from"))
    ends_on = DateColumn(format="Y-m-d", verbose_name=_("term until"))
    unit = tables.Column(
        accessor="person__unit", verbose_name=_("unit of the person"), order_by=("person__unit__path",)
    )

    class Meta(BaseTable.Meta):
        model = PublicRole
        fields = ("person", "kind", "body", "title", "starts_on", "ends_on", "unit")
        row_attrs = {"data-role": lambda record: record.pk}


class ProposalTrashTable(TrashTable):
    name = tables.Column(accessor="title", verbose_name=pgettext_lazy("proposal", "topic"))
