"""Keeping relationships alive: the contact log (interactions) and key contacts with a cadence.

An interaction (联络记录) is one contact with one or more people or organisations: a call, a visit
(走访), a meeting, a message, a letter or a conversation at an event; who from our side, when, a
summary and a follow-up with a date. It may be a follow-up of a cooperation agreement.

A key contact (重点联系人/单位) is a person or an organisation that a unit keeps in touch with every
`cadence_days` days, with a responsible staff member. `last_contact_on` is the local day of the
latest interaction with them logged by the unit or a unit below it; `due_on` is when the next
contact is due. Both are kept by services.py. An enterprise's assigned liaison (一对一挂点联系) is a
key contact of kind "liaison". The rules are in services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.models import ChangeLoggedModel, OwnedModel, SoftDeleteModel

LIVE = Q(deleted_at__isnull=True)


class InteractionKind(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Visit")
    MEETING = "meeting", pgettext_lazy("interaction", "Meeting")
    MESSAGE = "message", _("Message")
    LETTER = "letter", _("Letter")
    EVENT = "event", _("Conversation at an event")


class Interaction(SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    """One contact with people and/or organisations, logged by a unit."""

    kind = models.CharField(pgettext_lazy("interaction", "kind"), max_length=20, choices=InteractionKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    occurred_on = models.DateField(
        _("day"), editable=False, help_text=_("The local day of the contact, in the time zone of whoever logged it.")
    )
    people = models.ManyToManyField("people.Person", verbose_name=_("people"), blank=True, related_name="interactions")
    organizations = models.ManyToManyField(
        "orgs.Organization", verbose_name=_("organisations"), blank=True, related_name="interactions"
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("our side"), blank=True, related_name="interactions"
    )
    summary = models.TextField(_("summary"))
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("at the activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement followed up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True)
    follow_up_on = models.DateField(_("follow up by"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "-occurred_on"], name="interaction_unit_day", condition=LIVE),
            models.Index(fields=["-occurred_at", "-id"], name="interaction_newest", condition=LIVE),  # the list
            models.Index(fields=["kind", "occurred_on"], name="interaction_kind_day", condition=LIVE),
            models.Index(fields=["follow_up_on"], name="interaction_follow_up", condition=LIVE),
            models.Index(  # the open follow-ups of whoever logged them (home page)
                fields=["logged_by", "follow_up_on"],
                name="interaction_open_follow_up",
                condition=LIVE & Q(follow_up_done_on__isnull=True, follow_up_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("relations:interaction", args=[self.pk])


class KeyContactKind(models.TextChoices):
    KEY = "key", _("Key contact")
    LIAISON = "liaison", _("One-to-one liaison")


class KeyContact(ChangeLoggedModel, OwnedModel):
    """A person or an organisation a unit keeps in touch with every `cadence_days` days."""

    kind = models.CharField(
        pgettext_lazy("key contact", "kind"), max_length=20, choices=KeyContactKind.choices, default=KeyContactKind.KEY
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_contacts",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_contacts",
    )
    cadence_days = models.PositiveIntegerField(_("contact every (days)"), default=90)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="key_contacts",
    )
    since = models.DateField(_("key contact since"))
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True, editable=False)
    due_on = models.DateField(_("next contact due"), editable=False)
    reason = models.CharField(pgettext_lazy("key contact", "why"), max_length=300, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("key contact")
        verbose_name_plural = _("key contacts")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False, organization__isnull=True))
                | (Q(person__isnull=True, organization__isnull=False)),
                name="key_contact_one_party",
            ),
            models.CheckConstraint(condition=Q(cadence_days__gte=1), name="key_contact_cadence_positive"),
            models.UniqueConstraint(
                fields=["unit", "person"],
                condition=Q(ended_on__isnull=True, person__isnull=False),
                name="key_contact_person_once",
            ),
            models.UniqueConstraint(
                fields=["unit", "organization", "kind"],
                condition=Q(ended_on__isnull=True, organization__isnull=False),
                name="key_contact_organization_once",
            ),
        ]
        indexes = [
            models.Index(fields=["responsible", "due_on"], name="key_contact_due", condition=Q(ended_on__isnull=True)),
            models.Index(fields=["unit", "due_on"], name="key_contact_unit_due", condition=Q(ended_on__isnull=True)),
        ]

    def __str__(self) -> str:
        return str(self.person or self.organization)

    @classmethod
    def before_merge(cls, survivor, other) -> None:
        """Two records of one person are merged: where both were key contacts of the same unit, the
        merged record's ends (the survivor's cadence and responsible person stay)."""
        from django.utils import timezone

        both = cls.objects.filter(person=survivor, ended_on__isnull=True).values("unit")
        cls.objects.filter(person=other, ended_on__isnull=True, unit__in=both).update(
            ended_on=timezone.localdate(), reason=str(_("Merged into another record of the same person"))
        )

    @classmethod
    def after_merge(cls, survivor, other) -> None:
        """The merged record's contacts now count for the survivor: compute its key contacts again."""
        from . import services

        services.refresh_parties([survivor.pk], [])

    @property
    def party(self):
        return self.person or self.organization

    def get_absolute_url(self) -> str:
        return reverse("relations:key_contact", args=[self.pk])
