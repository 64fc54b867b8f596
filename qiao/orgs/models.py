from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiao import text
from qiao.core.choices import OrganizationRegion
from qiao.core.models import ChangeLoggedModel, OwnedModel, SoftDeleteModel
from qiao.core.search import SearchableModel


class OrganizationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    ASSOCIATION = "association", _("Association")
    UNIVERSITY = "university", _("University")
    RESEARCH = "research", _("Research institute")
    GOVERNMENT = "government", _("Government body")
    OTHER = "other", _("Other")


class RegistrationKind(models.TextChoices):
    USCC = "uscc", _("Unified Social Credit Code")
    HK_BR = "hk_br", _("Hong Kong Business Registration")
    TW_UBN = "tw_ubn", _("Taiwan Unified Business Number")
    OTHER = "other", _("Other")


class Organization(SearchableModel, SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    name = models.CharField(_("name"), max_length=200)
    name_latin = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganizationKind.choices, default=OrganizationKind.ENTERPRISE
    )
    region = models.CharField(_("region"), max_length=10, choices=OrganizationRegion.choices, blank=True)
    country = models.CharField(_("country"), max_length=60, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    registration_kind = models.CharField(
        _("registration type"), max_length=10, choices=RegistrationKind.choices, blank=True
    )
    registration_number = models.CharField(_("registration number"), max_length=40, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The federation of a member association, or the group of a branch."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField("core.Tag", verbose_name=_("tags"), blank=True, related_name="organizations")

    search_fields = ("name", "name_latin", "registration_number")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:organization", args=[self.pk])

    def clean(self) -> None:
        node, seen = self.parent, set()
        while node is not None and node.pk not in seen:
            if self.pk and node.pk == self.pk:
                raise ValidationError({"parent": _("An organisation cannot be its own parent or ancestor.")})
            seen.add(node.pk)
            node = node.parent

    def search_keys(self) -> dict[str, int]:
        keys = dict.fromkeys(text.org_keys(self.name, self.name_latin), 1)
        keys[text.compact(self.name)] = 0
        if self.registration_number:
            keys[text.compact(self.registration_number)] = 0
        return keys
