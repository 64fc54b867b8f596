"""Investment projects (招商项目), from the first visit to production.

A project moves lead → visited → negotiating → signed → landed → in production, or is dropped with
a reason. Every stage change is kept with its date (StageChange). The landed amount (到位资金) is
the sum of dated tranches (Tranche); services.py keeps `landed_amount` equal to that sum so lists
and boards can total it without a join. Amounts are Decimal yuan; qiao/text/amounts.py writes them
in 元, 万元 or 亿元. The rules are in services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao import text
from qiao.core.choices import OrganizationRegion
from qiao.core.models import ChangeLoggedModel, OwnedModel, SoftDeleteModel
from qiao.core.scoping import RestrictedManager
from qiao.core.search import SearchableModel

AMOUNT_DIGITS = 18  # Decimal(18, 2): up to 10^16 yuan, far beyond any project; services set the sane limit
AMOUNT_PLACES = 2


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    VISITED = "visited", _("Visited")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    LANDED = "landed", _("Landed")
    PRODUCTION = "in_production", _("In production")
    DROPPED = "dropped", _("Dropped")


# the pipeline in order; DROPPED is outside it
PIPELINE = [Stage.LEAD, Stage.VISITED, Stage.NEGOTIATING, Stage.SIGNED, Stage.LANDED, Stage.PRODUCTION]
SIGNED_OR_LATER = [Stage.SIGNED, Stage.LANDED, Stage.PRODUCTION]


class ProjectKind(models.TextChoices):
    NEW = "new", _("New investment")
    EXPANSION = "expansion", _("Capital increase and expansion")
    FUND = "fund", _("Fund")
    PLATFORM = "platform", _("Research platform")


class Project(SearchableModel, SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    """An investment project of an investor organisation, followed by an owning unit and a liaison."""

    name = models.CharField(pgettext_lazy("project", "name"), max_length=200)
    investor = models.ForeignKey(
        "orgs.Organization", verbose_name=_("investor"), on_delete=models.PROTECT, related_name="projects"
    )
    origin = models.CharField(
        _("origin of capital"), max_length=10, choices=OrganizationRegion.choices, default=OrganizationRegion.HK
    )
    origin_country = models.CharField(
        _("country"), max_length=100, blank=True, help_text=_("For overseas capital: the country or territory.")
    )
    industry = models.ForeignKey(
        "matching.Field",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    kind = models.CharField(pgettext_lazy("project", "kind"), max_length=20, choices=ProjectKind.choices)
    description = models.TextField(_("description"), blank=True)
    planned_amount = models.DecimalField(
        _("planned investment"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, null=True, blank=True
    )
    landed_amount = models.DecimalField(
        _("landed amount"),
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
        default=0,
        editable=False,
        help_text=_("Funds in place: the sum of the tranches."),
    )
    referral_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("referred by (person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referred_projects",
        help_text=_("The adviser who brought the project (以商引商)."),
    )
    referral_organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("referred by (organisation)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referred_projects",
        help_text=_("The association or organisation that brought the project."),
    )
    signing_activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("signed at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signed_projects",
        help_text=_("The activity (a signing ceremony, a promotion event) where the project was signed."),
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_projects",
    )
    people = models.ManyToManyField(
        "people.Person", verbose_name=_("related people"), through="ProjectPerson", blank=True, related_name="projects"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.LEAD)
    stage_on = models.DateField(_("stage since"))
    signed_on = models.DateField(
        _("signed on"), null=True, blank=True, editable=False, help_text=_("When the project first reached “Signed”.")
    )
    dropped_from = models.CharField(_("dropped at stage"), max_length=20, choices=Stage.choices, blank=True)
    dropped_reason = models.TextField(_("reason for dropping"), blank=True)
    over_plan_note = models.TextField(
        _("why the landed funds exceed the plan"),
        blank=True,
        default="",
        db_default="",
        help_text=_("Kept when someone confirmed a planned investment below the funds already landed."),
    )

    search_fields = ("name",)
    history_exclude = ("created", "updated", "people")  # related people are a child list (with roles)
    history_children = ("tranches", "stage_changes", "project_people")

    class Meta:
        ordering = ["-stage_on", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["unit", "stage"], name="project_unit_stage"),
            models.Index(fields=["stage", "stage_on"], name="project_stage_on"),
            models.Index(fields=["signed_on"], name="project_signed_on"),
            models.Index(fields=["stage_on", "id"], name="project_stage_on_id"),
            # the list's totals (services.totals) of any set of units, read from the index alone
            # (PostgreSQL; SQLite ignores INCLUDE and keeps a plain partial index on the unit)
            models.Index(
                fields=["unit"],
                include=["planned_amount", "landed_amount", "signed_on", "stage"],
                condition=models.Q(deleted_at__isnull=True),
                name="project_live_totals",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_amount__isnull=True) | models.Q(planned_amount__gte=0),
                name="project_planned_not_negative",
            ),
            models.CheckConstraint(condition=models.Q(landed_amount__gte=0), name="project_landed_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project", args=[self.pk])

    def search_keys(self) -> dict[str, int]:
        return {text.compact(self.name): 0}

    @property
    def over_plan(self):
        """By how much the landed funds exceed the planned investment (Decimal yuan), or None."""
        if self.planned_amount is None or self.landed_amount <= self.planned_amount:
            return None
        return self.landed_amount - self.planned_amount


class ProjectPerson(models.Model):
    """A person related to a project (investor's representative, adviser, expert), with a role."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="project_people")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=100, blank=True)

    scope_field = "project__unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("related person")
        verbose_name_plural = _("related people")
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="project_person_once")]

    def __str__(self) -> str:
        return f"{self.person} · {self.project}"

    def history_summary(self) -> dict:
        return {"person": self.person_id, "role": self.role}


class StageChange(models.Model):
    """One dated move of a project from one stage to another, kept for good."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_field = "project__unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [models.Index(fields=["to_stage", "on"], name="stagechange_to_on")]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_to_stage_display()} · {self.on}"

    def history_summary(self) -> dict:
        return {"from_stage": self.from_stage, "to_stage": self.to_stage, "on": str(self.on), "note": self.note}


class Tranche(ChangeLoggedModel):
    """A dated amount of funds put in place (资金到位) for a project."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="tranches")
    on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)
    note = models.TextField(
        _("note"), blank=True, help_text=_("Required when the landed total goes above the planned investment.")
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    scope_field = "project__unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="tranche_amount_positive")]

    def __str__(self) -> str:
        return f"{self.project} · {self.on}"

    def get_absolute_url(self) -> str:
        return f"{self.project.get_absolute_url()}#tranche-{self.pk}"

    def history_root(self):
        return self.project

    def history_summary(self) -> dict:
        return {"on": str(self.on), "amount": str(self.amount), "note": self.note}
