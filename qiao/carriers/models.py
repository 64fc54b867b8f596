"""Carrier platforms (载体平台) and the teams and enterprises they host.

A carrier is a base, an incubator, a maker space (众创空间), an innovation park or an internship base,
with its floor area, its capacity (in teams and enterprises hosted at once) and its managing unit.
A residency is one team or enterprise hosted there from `entered_on` until `exited_on`, with its
origin (HK, MO, TW, overseas), field and founders. Milestones record its outcomes: registered a
company (for an enterprise: landed, 落地), raised funding, graduated (出孵), left. Graduating or
leaving ends the residency. The rules, occupancy by date and the figures are in services.py.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.choices import OrganizationRegion
from qiao.core.models import ChangeLoggedModel, OwnedModel, SoftDeleteModel
from qiao.core.scoping import RestrictedManager

LIVE = Q(deleted_at__isnull=True)
AREA_DIGITS = 12
AMOUNT_DIGITS = 18


class CarrierKind(models.TextChoices):
    BASE = "base", _("Base")
    INCUBATOR = "incubator", _("Incubator")
    MAKER_SPACE = "maker_space", _("Maker space")
    PARK = "park", _("Innovation park")
    INTERNSHIP_BASE = "internship_base", _("Internship base")
    OTHER = "other", _("Other")


class Carrier(SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    """A carrier platform, managed by its owning unit."""

    name = models.CharField(pgettext_lazy("carrier", "name"), max_length=200)
    kind = models.CharField(pgettext_lazy("carrier", "kind"), max_length=20, choices=CarrierKind.choices)
    operator = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("operated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carriers",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=AREA_DIGITS, decimal_places=2, null=True, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Teams and enterprises it can host at once.")
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(floor_area__isnull=True) | Q(floor_area__gt=0), name="carrier_area_positive"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0), name="carrier_capacity_positive"
            ),
        ]
        indexes = [models.Index(fields=["unit", "kind"], name="carrier_unit_kind")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("carriers:carrier", args=[self.pk])


class ResidentKind(models.TextChoices):
    TEAM = "team", _("Start-up team")
    ENTERPRISE = "enterprise", _("Enterprise")


class ExitKind(models.TextChoices):
    GRADUATED = "graduated", _("Graduated")
    LEFT = "left", _("Left")


class Residency(ChangeLoggedModel):
    """A team or an enterprise hosted by a carrier, from entry to exit."""

    carrier = models.ForeignKey(Carrier, verbose_name=_("carrier"), on_delete=models.PROTECT, related_name="residents")
    kind = models.CharField(pgettext_lazy("resident", "kind"), max_length=20, choices=ResidentKind.choices)
    name = models.CharField(pgettext_lazy("resident", "name"), max_length=200)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residencies",
        help_text=_("The enterprise, or the company the team registered."),
    )
    origin = models.CharField(_("origin"), max_length=10, choices=OrganizationRegion.choices)
    origin_country = models.CharField(_("country"), max_length=100, blank=True)
    field = models.ForeignKey(
        "matching.Field",
        verbose_name=pgettext_lazy("expertise", "field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residencies",
    )
    founders = models.ManyToManyField(
        "people.Person", verbose_name=_("founders"), blank=True, related_name="residencies"
    )
    entered_on = models.DateField(_("entered on"))
    exited_on = models.DateField(_("left on"), null=True, blank=True, editable=False)
    exit_kind = models.CharField(_("how it left"), max_length=20, choices=ExitKind.choices, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    scope_field = "carrier__unit"
    objects = RestrictedManager()
    history_children = ("milestones",)

    class Meta:
        verbose_name = _("hosted team or enterprise")
        verbose_name_plural = _("hosted teams and enterprises")
        ordering = ["-entered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=models.F("entered_on")),
                name="residency_exit_after_entry",
            ),
        ]
        indexes = [models.Index(fields=["carrier", "entered_on", "exited_on"], name="residency_dates")]

    def __str__(self) -> str:
        return self.name

    # its own history (the carrier's history tab shows its residencies' changes too); its
    # outcomes are kept in its snapshots
    def get_absolute_url(self) -> str:
        return reverse("carriers:residency", args=[self.pk])

    @property
    def is_present(self) -> bool:
        return self.exited_on is None


class MilestoneKind(models.TextChoices):
    REGISTERED = "registered", _("Registered a company")
    FUNDED = "funded", _("Raised funding")
    GRADUATED = "graduated", _("Graduated")
    LEFT = "left", _("Left")


class Milestone(ChangeLoggedModel):
    """An outcome of a residency, dated."""

    residency = models.ForeignKey(Residency, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(pgettext_lazy("milestone", "kind"), max_length=20, choices=MilestoneKind.choices)
    on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount raised"), max_digits=AMOUNT_DIGITS, decimal_places=2, null=True, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_field = "residency__carrier__unit"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="milestone_amount_positive"
            ),
            # a residency ends once: one "graduated" or "left" outcome at most
            models.UniqueConstraint(
                fields=["residency"], condition=Q(kind__in=["graduated", "left"]), name="milestone_one_exit"
            ),
        ]
        indexes = [models.Index(fields=["kind", "on"], name="milestone_kind_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%Y-%m-%d}"

    def history_root(self):
        return self.residency

    def history_summary(self) -> dict:
        return {
            "kind": self.kind,
            "on": self.on.isoformat() if self.on else None,
            "amount": str(self.amount) if self.amount is not None else None,
            "organization": self.organization_id,
            "note": self.note,
        }
