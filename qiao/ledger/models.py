"""The enterprise service ledger (问题台账 and 任务清单) and the service records.

A case (问题) is a problem an organisation raised, optionally about an investment project: it has an
owner (the liaison responsible), a due date, a status that moves open → in progress → resolved →
closed (or "cannot resolve" with a reason), a task list (CaseTask) and a timeline of actions
(CaseAction: calls, visits, meetings, replies, with notes and attachments). A service record
(ServiceRecord) notes one service given to a person or an organisation; the reports count them.
Enterprises report problems through a public form (CaseReport), reviewed by staff. The rules are in
services.py; reminders of overdue and soon-due work are in qiao/notifications.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao import text
from qiao.core.models import ChangeLoggedModel, ListItem, OwnedModel, SoftDeleteModel
from qiao.core.scoping import RestrictedManager
from qiao.core.search import SearchableModel
from qiao.matching.models import Submission
from qiao.matching.models import SubmissionStatus as ReportStatus  # noqa: F401 - the statuses of a CaseReport


class Category(models.TextChoices):
    LAND = "land", _("Land")
    APPROVALS = "approvals", _("Approvals")
    FINANCING = "financing", _("Financing")
    TALENT = "talent", _("Talent and hiring")
    CUSTOMS = "customs", _("Customs and logistics")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("case", "In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", pgettext_lazy("case", "Closed")
    CANNOT_RESOLVE = "cannot_resolve", _("Cannot resolve")


ACTIVE_STATUSES = [CaseStatus.OPEN, CaseStatus.IN_PROGRESS]  # the cases still being worked on
LIVE = models.Q(deleted_at__isnull=True)  # records not in the trash (the condition of partial indexes)


class CaseSource(models.TextChoices):
    STAFF = "staff", _("Recorded by staff")
    PUBLIC = "public", _("Public form")


class Case(SearchableModel, SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    """A problem an organisation raised, followed to its resolution."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="cases"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(pgettext_lazy("case", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    raised_by = models.ForeignKey(
        "people.Person",
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_cases",
    )
    raised_by_name = models.CharField(
        _("raised by (name)"), max_length=100, blank=True, help_text=_("When the person is not in the registry.")
    )
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        help_text=_("The liaison responsible."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    status_note = models.TextField(
        _("resolution or reason"), blank=True, help_text=_("How it was resolved, or why it cannot be.")
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=CaseSource.choices, default=CaseSource.STAFF)

    search_fields = ("title",)
    history_children = ("tasks",)

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["unit", "status", "raised_on"], name="case_unit_status"),
            models.Index(fields=["status", "due_date"], name="case_status_due"),
            models.Index(fields=["owner", "status"], name="case_owner_status"),
            # the list's order, newest first (a backward scan reads only the page)
            models.Index(fields=["raised_on", "id"], name="case_live_raised", condition=LIVE),
            # counts by status, the active cases' ages, owners and overdue: read from the index alone
            models.Index(
                fields=["status", "unit", "owner", "due_date", "raised_on", "id"],
                name="case_live_status",
                condition=LIVE,
            ),
            models.Index(fields=["category", "status", "unit", "due_date"], name="case_live_category", condition=LIVE),
            models.Index(fields=["unit", "status", "due_date", "category"], name="case_live_unit", condition=LIVE),
            # a unit's cases raised in a period (qiao.reports)
            models.Index(fields=["unit", "raised_on"], name="case_live_unit_raised", condition=LIVE),
            # the cases resolved in a period, and the days they took (qiao.reports), from the index alone
            models.Index(
                fields=["resolved_on", "unit"], include=["raised_on"], name="case_live_resolved", condition=LIVE
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__isnull=True) | models.Q(due_date__gte=models.F("raised_on")),
                name="case_due_after_raised",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ledger:case", args=[self.pk])

    def search_keys(self) -> dict[str, int]:
        return {text.compact(self.title): 0}

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class CaseTally(models.Model):
    """How many live cases (not in the trash) a unit owns in one status: the unfiltered totals sum
    these rows instead of counting a million cases. Derived data, never written by the code: database
    triggers on the cases table keep it exact on every write (tally.py), `qiao ledger_tally --rebuild`
    counts it again."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)  # see Meta
    status = models.CharField(max_length=20, choices=CaseStatus.choices)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # the triggers' ON CONFLICT target (no INCLUDE: SQLite would not create it); a few hundred rows
            models.UniqueConstraint(fields=["unit", "status"], name="case_tally_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.status}: {self.n}"


class CaseTask(ChangeLoggedModel):
    """One item of a case's task list: an assignee, a due date, done or not."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(pgettext_lazy("task", "title"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_tasks",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_field = "case__unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["done", "due_date", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["done", "due_date"], name="casetask_done_due"),
            models.Index(fields=["assignee", "done"], name="casetask_assignee_done"),
            # overdue tasks, joined to their active cases (the manager's ledger, the task list)
            models.Index(fields=["due_date", "case"], name="casetask_undone_due", condition=models.Q(done=False)),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.case.get_absolute_url()}#task-{self.pk}"

    def history_root(self):
        return self.case

    def history_summary(self) -> dict:
        return {
            "title": self.title,
            "assignee": str(self.assignee) if self.assignee_id else "",
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "done": self.done,
        }


class ActionKind(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    MEETING = "meeting", _("Meeting")
    REPLY = "reply", _("Reply")
    MESSAGE = "message", _("Message")
    NOTE = "note", _("Note")


def action_upload_to(instance, filename: str) -> str:
    return f"cases/{instance.case_id}/{filename}"


class CaseAction(models.Model):
    """An entry of a case's timeline: what was done, when, by whom, with notes and an attachment."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(pgettext_lazy("action", "kind"), max_length=20, choices=ActionKind.choices)
    on = models.DateField(_("date"), default=timezone.localdate)
    note = models.TextField(_("note"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=action_upload_to, blank=True, max_length=300)
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_field = "case__unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.on}"


class ServiceKind(ListItem):
    class Meta(ListItem.Meta):
        verbose_name = _("kind of service")
        verbose_name_plural = _("kinds of service")


class ServiceRecord(SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    """A service given by a unit to a person or an organisation, on a date, to how many people."""

    kind = models.ForeignKey(ServiceKind, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("date"), default=timezone.localdate)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
    )
    people_served = models.PositiveIntegerField(
        _("people served"), default=1, help_text=_("How many people the service reached (人次).")
    )
    summary = models.TextField(_("summary"), blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        indexes = [
            models.Index(fields=["unit", "on"], name="service_unit_on"),
            models.Index(fields=["kind", "on"], name="service_kind_on"),
            models.Index(fields=["on", "id"], name="service_live_on", condition=LIVE),  # the list's order
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(organization__isnull=False),
                name="service_has_recipient",
            ),
            models.CheckConstraint(condition=models.Q(people_served__gte=1), name="service_serves_someone"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.on}"

    def get_absolute_url(self) -> str:
        return reverse("ledger:service", args=[self.pk])


class CaseReport(Submission):
    """A problem an enterprise reported through a public form; staff review it and open a case."""

    intake = models.ForeignKey("matching.Intake", on_delete=models.SET_NULL, null=True, related_name="case_reports")
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )

    class Meta(Submission.Meta):
        verbose_name = _("reported problem")
        verbose_name_plural = _("reported problems")

    def __str__(self) -> str:
        return str(self.data.get("title") or self.data.get("organization") or self.pk)

    def get_absolute_url(self) -> str:
        return reverse("ledger:report", args=[self.pk])
