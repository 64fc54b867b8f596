"""Internships: enterprises offer positions (岗位), people apply (申请), staff shortlist and place them
(安排); placements form batches (批次).

A batch (第N批) is an activity of the kind "internship-batch" (qiao.activities): its title says which
batch it is (第3批香港青年惠州实习), and it may belong to a programme or a series like any activity.
Placing someone puts them on the batch's list as an intern, so the activity figures (batches,
person-times, people, first-timers) count interns the same way they count every other activity.
See services.py for the rules.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao import text
from qiao.core.models import ChangeLoggedModel, OwnedModel, SoftDeleteModel
from qiao.core.scoping import RestrictedManager
from qiao.core.search import SearchableModel

BATCH_KIND = "internship-batch"  # the code of the activity kind whose activities are internship batches


class WorkMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")
    HYBRID = "hybrid", _("Hybrid")


class PositionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    PLACED = "placed", _("Placed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PlacementOutcome(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    LEFT_EARLY = "left_early", _("Left early")
    OFFERED_JOB = "offered_job", _("Offered a job")


class InternshipPosition(SearchableModel, SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    """An internship position an organisation offers: places, requirements, period, place."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="internship_positions",
    )
    title = models.CharField(pgettext_lazy("internship position", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    skills = models.ManyToManyField(
        "core.Tag", verbose_name=_("fields and skills"), blank=True, related_name="internship_positions"
    )
    slots = models.PositiveIntegerField(_("places"), default=1, help_text=_("How many interns the position takes."))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    place = models.CharField(_("place of work"), max_length=200, blank=True)
    work_mode = models.CharField(_("work mode"), max_length=10, choices=WorkMode.choices, default=WorkMode.ON_SITE)
    status = models.CharField(_("status"), max_length=10, choices=PositionStatus.choices, default=PositionStatus.OPEN)

    search_fields = ("title", "place")
    history_children = ("applications",)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("internship position")
        verbose_name_plural = _("internship positions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="internship_position_dates_in_order",
            ),
            models.CheckConstraint(condition=models.Q(slots__gte=1), name="internship_position_has_places"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("internships:position", args=[self.pk])

    def search_keys(self) -> dict[str, int]:
        keys = {text.compact(self.title): 0}
        if self.place:
            keys[text.compact(self.place)] = 2
        return keys

    @property
    def applied_count(self) -> int:
        """Applications not withdrawn (annotated by lists as `n_applied`)."""
        if "n_applied" in self.__dict__:
            return self.n_applied
        return self.applications.exclude(status=ApplicationStatus.WITHDRAWN).count()

    @property
    def placed_count(self) -> int:
        """Placements made (annotated by lists as `n_placed`)."""
        if "n_placed" in self.__dict__:
            return self.n_placed
        return Placement.objects.filter(application__position=self).count()


class InternshipApplication(ChangeLoggedModel):
    """A person's application for a position. Owned through the position's unit."""

    position = models.ForeignKey(
        InternshipPosition, verbose_name=_("position"), on_delete=models.CASCADE, related_name="applications"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="internship_applications"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED
    )
    notes = models.TextField(_("notes"), blank=True)
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)

    scope_field = "position__unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["position", "applied_at", "id"]
        verbose_name = _("internship application")
        verbose_name_plural = _("internship applications")
        constraints = [
            models.UniqueConstraint(fields=["position", "person"], name="internship_application_once_per_position")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.position}"

    def get_absolute_url(self) -> str:
        return f"{self.position.get_absolute_url()}#application-{self.pk}"

    def history_root(self):
        return self.position  # applications show on the position's history tab

    def history_summary(self) -> dict:
        summary = {"person": self.person_id, "status": self.status, "notes": self.notes}
        placement = Placement.objects.filter(application=self).first()
        if placement is not None:
            summary["placement"] = {
                "batch": placement.batch_id,
                "start_date": placement.start_date.isoformat() if placement.start_date else None,
                "end_date": placement.end_date.isoformat() if placement.end_date else None,
                "outcome": placement.outcome,
                "notes": placement.notes,
            }
        return summary


class Placement(ChangeLoggedModel):
    """An applicant placed in an internship batch, with the dates and the outcome."""

    application = models.OneToOneField(
        InternshipApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="placement"
    )
    batch = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        related_name="placements",
        limit_choices_to={"kind__code": BATCH_KIND},
        help_text=_("An activity of the kind “Internship batch” (第N批)."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=PlacementOutcome.choices, default=PlacementOutcome.ONGOING
    )
    notes = models.TextField(_("notes"), blank=True)

    scope_field = "application__position__unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="placement_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.person} · {self.batch}"

    def get_absolute_url(self) -> str:
        return self.application.get_absolute_url()

    def history_root(self):
        return self.application.position
