"""Cooperation agreements (合作协议): strategic cooperation, talent exchange, joint laboratories,
sister schools (姊妹学校), internship bases and others.

An agreement has parties (organisations, and units of our network), the day it was signed and the
activity where it was signed, a term, a scope, commitments kept as a checklist with owners and due
dates, and follow-up interactions (relations.Interaction.agreement). Its status is in force, expired
(the term has ended: derived from `ends_on`, never stored) or ended (terminated, with a day and a
reason). A sister-school or sister-institution agreement between two organisations is shown as a
link between them. The rules are in services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.models import ChangeLoggedModel, OwnedModel, SoftDeleteModel
from qiao.core.scoping import RestrictedManager

LIVE = Q(deleted_at__isnull=True)


class AgreementKind(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic cooperation")
    TALENT = "talent_exchange", _("Talent exchange")
    JOINT_LAB = "joint_lab", _("Joint laboratory")
    SISTER = "sister", _("Sister schools and institutions")
    INTERNSHIP = "internship_base", _("Internship base")
    OTHER = "other", _("Other")


class AgreementStatus(models.TextChoices):
    """The status shown and filtered on; only IN_FORCE and ENDED are stored (see the module doc)."""

    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", pgettext_lazy("agreement", "Expired")
    ENDED = "ended", pgettext_lazy("agreement", "Ended")


class Agreement(SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    """A cooperation agreement, owned by the unit that keeps it."""

    title = models.CharField(pgettext_lazy("agreement", "title"), max_length=200)
    kind = models.CharField(pgettext_lazy("agreement", "kind"), max_length=20, choices=AgreementKind.choices)
    organizations = models.ManyToManyField(
        "orgs.Organization",
        verbose_name=_("organisations party to it"),
        through="AgreementParty",
        blank=True,
        related_name="agreements",
    )
    our_units = models.ManyToManyField(
        "core.Unit", verbose_name=_("our units party to it"), blank=True, related_name="agreements"
    )
    signed_on = models.DateField(_("signed on"))
    signing_activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("signed at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signed_agreements",
    )
    starts_on = models.DateField(_("in force from"), null=True, blank=True)
    ends_on = models.DateField(_("in force until"), null=True, blank=True, help_text=_("Empty: no end date."))
    scope = models.TextField(_("scope"), blank=True)
    ended = models.BooleanField(pgettext_lazy("agreement", "ended"), default=False, editable=False)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, editable=False)
    end_reason = models.CharField(_("why it ended"), max_length=300, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    history_children = ("parties", "commitments")

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "-signed_on"], name="agreement_unit_signed", condition=LIVE),
            models.Index(fields=["kind", "signed_on"], name="agreement_kind_signed", condition=LIVE),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:agreement", args=[self.pk])


class AgreementParty(ChangeLoggedModel):
    """An organisation that is a party to an agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="agreement_parties"
    )
    role = models.CharField(_("role in the agreement"), max_length=100, blank=True)

    scope_field = "agreement__unit"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [models.UniqueConstraint(fields=["agreement", "organization"], name="agreement_party_once")]

    def __str__(self) -> str:
        return str(self.organization)

    def history_root(self):
        return self.agreement

    def history_summary(self) -> dict:
        return {"organization": str(self.organization), "role": self.role}


class Commitment(ChangeLoggedModel):
    """One commitment of an agreement, ticked off when done."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    text = models.CharField(_("commitment"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("commitment", "owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    party = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("party responsible"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        help_text=_("When the commitment is the other party's."),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ticked off by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0, editable=False)

    scope_field = "agreement__unit"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["owner", "due_on"], name="commitment_due", condition=Q(done_on__isnull=True))]

    def __str__(self) -> str:
        return self.text

    def history_root(self):
        return self.agreement

    def history_summary(self) -> dict:
        return {
            "text": self.text,
            "owner": str(self.owner) if self.owner_id else "",
            "due_on": self.due_on.isoformat() if self.due_on else "",
            "done_on": self.done_on.isoformat() if self.done_on else "",
        }

    def is_overdue(self, today) -> bool:
        """Not done and due before `today` (the reader's local day)."""
        return self.done_on is None and self.due_on is not None and self.due_on < today
