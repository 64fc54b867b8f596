"""Suggestions and proposals (建言献策), and the public roles of the people who make them.

A proposal is a 提案 (to a political consultative conference), a 议案 (a motion to a people's
congress), a report (社情民意 and research reports) or a letter, by one or more people, on a topic,
on a day, with its outcome: submitted, adopted (采纳), endorsed by leaders (领导批示). A public role is
what lets a person make one: deputy to a people's congress (人大代表), member of a political
consultative conference (政协委员), director of an association (社团理事) and so on, with the body and
the term. The rules and the figures are in services.py.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.models import ChangeLoggedModel, OwnedModel, SoftDeleteModel
from qiao.core.scoping import RestrictedQuerySet

LIVE = Q(deleted_at__isnull=True)


class Channel(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal (CPPCC)")
    MOTION = "motion", _("Motion (people's congress)")
    REPORT = "report", _("Report")
    LETTER = "letter", _("Letter")


class Outcome(models.TextChoices):
    """In order: each later outcome implies the earlier ones."""

    SUBMITTED = "submitted", _("Submitted")
    ADOPTED = "adopted", _("Adopted")
    ENDORSED = "endorsed", _("Endorsed by leaders")


class Proposal(SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    """A suggestion or proposal by one or more people."""

    title = models.CharField(pgettext_lazy("proposal", "topic"), max_length=300)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    authors = models.ManyToManyField("people.Person", verbose_name=_("by"), related_name="proposals")
    submitted_on = models.DateField(_("submitted on"))
    venue = models.CharField(
        _("submitted to"), max_length=200, blank=True, help_text=_("For example 广东省政协十三届二次会议.")
    )
    summary = models.TextField(_("summary"), blank=True)
    outcome = models.CharField(
        pgettext_lazy("proposal", "outcome"), max_length=20, choices=Outcome.choices, default=Outcome.SUBMITTED
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    endorsed_on = models.DateField(_("endorsed on"), null=True, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["unit", "-submitted_on"], name="proposal_unit_submitted", condition=LIVE)]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:proposal", args=[self.pk])


class PublicRoleKind(models.TextChoices):
    NPC = "npc_deputy", _("Deputy to a people's congress")
    CPPCC = "cppcc_member", _("Member of a political consultative conference")
    ASSOCIATION = "association_director", _("Director of an association")
    OTHER = "other", _("Other")


class PublicRoleQuerySet(RestrictedQuerySet):
    """A public role is part of its person: whoever may see the person (through the owning unit or a
    share) sees their roles, and whoever may change the person adds, edits and deletes them."""

    def restrict(self, user, action: str = "view"):
        from qiao.people.models import Person

        person_action = "view" if action == "view" else ("export" if action == "export" else "change")
        return self.filter(person__in=Person.objects.restrict(user, person_action).values("pk"))

    def current(self, on):
        """Roles held on the day `on`: the term has begun (or has no start) and not ended (or has no end)."""
        return self.filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=on), Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        )


class PublicRole(ChangeLoggedModel):
    """A public role of a person, with its body and term."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="public_roles"
    )
    kind = models.CharField(pgettext_lazy("public role", "kind"), max_length=30, choices=PublicRoleKind.choices)
    body = models.CharField(
        _("body"), max_length=200, help_text=_("For example 广东省人民代表大会 or 香港广东社团总会.")
    )
    title = models.CharField(_("title"), max_length=100, blank=True, help_text=_("For example 常委 or 副会长."))
    starts_on = models.DateField(_("term from"), null=True, blank=True)
    ends_on = models.DateField(_("term until"), null=True, blank=True)

    scope_field = "person__unit"
    objects = models.Manager.from_queryset(PublicRoleQuerySet)()

    class Meta:
        verbose_name = _("public role")
        verbose_name_plural = _("public roles")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="public_role_term_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.title or self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return self.person.get_absolute_url() + "#public-roles"

    def history_root(self):
        return self.person

    def history_summary(self) -> dict:
        return {
            "kind": self.kind,
            "body": self.body,
            "title": self.title,
            "starts_on": str(self.starts_on or ""),
            "ends_on": str(self.ends_on or ""),
        }
