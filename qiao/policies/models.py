"""The policy navigator (政策直通): policies, their benefits, and the eligibility rule of each benefit.

A rule is a tree written by staff in a structured form (no code), stored as JSON:
``{"all": [...]}``, ``{"any": [...]}``, ``{"not": {...}}`` or a condition
``{"attr": "region", "op": "in", "value": ["HK", "MO"]}``. rules.py checks and evaluates it;
attributes.py says which attributes exist and how a person's value is found.

Scope. Policies are public documents (a government's measures, with their document numbers): every
signed-in user may read — and export — every policy and benefit, whichever unit recorded it, so
that a base's staff can tell the people they serve about a measure the centre entered. Writing
is scoped as everywhere else: only staff (the "change" action) of the owning unit or of a unit
above it create, edit or remove benefits; deleting a whole policy is the "delete" action
(managers), restorable from the trash. Both rules live in `restrict()` below, so every page, the
API and the services ask the same question: `Policy.objects.restrict(user, "view")` is every
policy, `restrict(user, "change")` only those of the user's units.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.models import ChangeLoggedModel, ListItem, LiveQuerySet, OwnedModel, SoftDeleteModel
from qiao.core.scoping import RestrictedQuerySet

PUBLIC_ACTIONS = ("view", "export")  # what any signed-in user may do with any policy


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


class PolicyQuerySet(LiveQuerySet):
    def restrict(self, user, action: str = "view"):
        if action in PUBLIC_ACTIONS:
            return self if _signed_in(user) else self.none()
        return super().restrict(user, action)


class PolicyManager(models.Manager.from_queryset(PolicyQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class BenefitQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        if action in PUBLIC_ACTIONS:
            return self if _signed_in(user) else self.none()
        return super().restrict(user, action)


class BenefitManager(models.Manager.from_queryset(BenefitQuerySet)):
    pass


class BenefitKind(ListItem):
    """housing subsidy, start-up funding, talent award, internship allowance, tax relief …"""

    class Meta(ListItem.Meta):
        verbose_name = _("kind of benefit")
        verbose_name_plural = _("kinds of benefit")


class Policy(SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    title = models.CharField(pgettext_lazy("policy", "title"), max_length=300)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True, help_text=_("Where it applies, e.g. 惠州市"))
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    document_number = models.CharField(pgettext_lazy("policy", "document number"), max_length=100, blank=True)
    source_url = models.URLField(_("source"), blank=True)
    source_file = models.FileField(_("source document"), upload_to="policies/%Y/", blank=True)
    summary = models.TextField(_("summary"), blank=True)

    history_children = ("benefits",)
    objects = PolicyManager()
    all_objects = models.Manager.from_queryset(PolicyQuerySet)()

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:policy", args=[self.pk])


class Benefit(ChangeLoggedModel):
    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="benefits")
    kind = models.ForeignKey(BenefitKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="benefits")
    name = models.CharField(_("name"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    amount_max = models.DecimalField(_("up to (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    amount_note = models.CharField(_("amount note"), max_length=200, blank=True, help_text=_("e.g. 每月, 分三年发放"))
    description = models.TextField(_("description"), blank=True)
    rule = models.JSONField(_("eligibility rule"), default=dict, blank=True)

    scope_field = "policy__unit"
    objects = BenefitManager()

    class Meta:
        ordering = ["policy", "id"]
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("policies:policy", args=[self.policy_id]) + f"#benefit-{self.pk}"

    def history_root(self):
        return self.policy

    def amount_display(self) -> str:
        """“3,000 yuan · 每月”, “up to 300,000 yuan”, or the note alone."""
        parts = []
        if self.amount is not None:
            parts.append(_("%(amount)s yuan") % {"amount": _money(self.amount)})
        if self.amount_max is not None:
            parts.append(_("up to %(amount)s yuan") % {"amount": _money(self.amount_max)})
        if self.amount_note:
            parts.append(self.amount_note)
        return " · ".join(str(part) for part in parts)

    def history_summary(self) -> dict:
        return {"name": self.name, "kind": self.kind.code, "amount": str(self.amount or ""), "rule": self.rule}


def _money(value) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
