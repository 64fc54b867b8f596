import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.tables import BaseTable, DateColumn, TrashTable

from .models import ACTIVE_STATUSES, Case, CaseTask, ServiceRecord

NUMBER = {"td": {"class": "text-end"}}
# the status badge's colour (as ledger/_status_badge.html)
BADGES = {
    "open": "text-bg-warning",
    "in_progress": "text-bg-primary",
    "resolved": "text-bg-success",
    "closed": "text-bg-secondary",
    "cannot_resolve": "text-bg-danger",
}


class TodayMixin:
    """The reader's local today (the view passes it), to show what is overdue in red."""

    def __init__(self, *args, today=None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)

    def due(self, value, overdue: bool):
        if value is None:
            return "—"
        if overdue and value < self.today:
            return format_html('<span class="text-danger fw-semibold overdue">{}</span>', value.isoformat())
        return value.isoformat()


class CaseTable(TodayMixin, BaseTable):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "pk", "form": "reassign-form"}})
    id = tables.Column(verbose_name=_("no."), attrs=NUMBER)
    title = tables.LinkColumn("ledger:case", args=[tables.A("pk")], verbose_name=pgettext_lazy("case", "title"))
    organization = tables.Column(linkify=True, verbose_name=_("organisation"), order_by=("organization__name",))
    project = tables.Column(linkify=True, verbose_name=_("project"), order_by=("project__name",), default="")
    status = tables.Column(verbose_name=_("status"))
    owner = tables.Column(verbose_name=_("owner"), order_by=("owner__username",), default="")
    raised_on = DateColumn(format="Y-m-d", verbose_name=_("raised on"))
    due_date = DateColumn(format="Y-m-d", verbose_name=_("due date"))
    resolved_on = DateColumn(format="Y-m-d", verbose_name=_("resolved on"), visible=False)
    closed_on = DateColumn(format="Y-m-d", verbose_name=_("closed on"), visible=False)
    raised_by = tables.Column(accessor="raised_by_name", verbose_name=_("raised by"), visible=False, default="")
    status_note = tables.Column(verbose_name=_("resolution or reason"), visible=False, default="")
    source = tables.Column(verbose_name=_("source"), visible=False)
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    class Meta(BaseTable.Meta):
        model = Case
        fields = (
            "select",
            "id",
            "title",
            "organization",
            "project",
            "category",
            "priority",
            "status",
            "owner",
            "raised_on",
            "due_date",
            "resolved_on",
            "closed_on",
            "raised_by",
            "source",
            "status_note",
            "unit",
        )
        row_attrs = {"id": lambda record: f"case-{record.pk}", "data-status": lambda record: record.status}

    def render_status(self, record):
        return format_html(
            '<span class="badge status-badge {}" data-status="{}">{}</span>',
            BADGES.get(record.status, "text-bg-light"),
            record.status,
            record.get_status_display(),
        )

    def value_status(self, record):
        return record.get_status_display()

    def render_due_date(self, value, record):
        return self.due(value, record.status in ACTIVE_STATUSES)

    def value_raised_by(self, record):
        return str(record.raised_by) if record.raised_by_id else record.raised_by_name


class TaskTable(TodayMixin, BaseTable):
    title = tables.Column(linkify=True, verbose_name=pgettext_lazy("task", "title"))
    case = tables.Column(linkify=True, verbose_name=_("case"), order_by=("case__title",))
    organization = tables.Column(accessor="case__organization", verbose_name=_("organisation"),
                                 order_by=("case__organization__name",))  # fmt: skip
    assignee = tables.Column(verbose_name=_("assignee"), order_by=("assignee__username",), default="")
    due_date = DateColumn(format="Y-m-d", verbose_name=_("due date"))
    done = tables.BooleanColumn(verbose_name=_("done"))
    case_status = tables.Column(accessor="case__status", verbose_name=_("status of the case"))
    unit = tables.Column(accessor="case__unit", verbose_name=_("owning unit"), order_by=("case__unit__path",))

    class Meta(BaseTable.Meta):
        model = CaseTask
        fields = ("title", "case", "organization", "assignee", "due_date", "done", "case_status", "unit")
        row_attrs = {"id": lambda record: f"task-row-{record.pk}"}

    def render_due_date(self, value, record):
        return self.due(value, not record.done and record.case.status in ACTIVE_STATUSES)

    def render_case_status(self, record):
        return record.case.get_status_display()

    def value_case_status(self, record):
        return record.case.get_status_display()


class ServiceRecordTable(BaseTable):
    on = DateColumn(format="Y-m-d", linkify=("ledger:service", [tables.A("pk")]), verbose_name=_("date"))
    kind = tables.Column(verbose_name=_("service"), order_by=("kind__position", "kind__code"))
    person = tables.Column(linkify=True, verbose_name=_("person"), order_by=("person__name",), default="")
    organization = tables.Column(linkify=True, verbose_name=_("organisation"), order_by=("organization__name",),
                                 default="")  # fmt: skip
    people_served = tables.Column(verbose_name=_("people served"), attrs=NUMBER)
    case = tables.Column(linkify=True, verbose_name=_("case"), default="", order_by=("case__title",))
    unit = tables.Column(verbose_name=_("owning unit"), order_by=("unit__path",))

    class Meta(BaseTable.Meta):
        model = ServiceRecord
        fields = ("on", "kind", "person", "organization", "people_served", "summary", "case", "unit")


class CaseTrashTable(TrashTable):
    name = tables.Column(accessor="title", verbose_name=pgettext_lazy("case", "title"))


class ServiceTrashTable(TrashTable):
    name = tables.Column(accessor="pk", verbose_name=_("service record"), orderable=False)

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)
