"""Bulletin templates (简报模板): what a bulletin says, section by section, edited by the offices
without code. The text format and its placeholders are described and checked in bulletin.py."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiao.core import scoping
from qiao.core.models import ChangeLoggedModel

# who may edit a unit's templates: its managers and administrators, the rank roles.ACTIONS gives "delete"
EDIT_ACTION = "delete"


class BulletinTemplateQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Templates of the user's units (and below) and the shared ones (no unit); editing: templates
        of units the user manages, and the shared ones for system administrators only."""
        ids = scoping.unit_ids(user, EDIT_ACTION if action != "view" else "view")
        if ids is scoping.ALL:
            return self
        mine = Q(unit__in=ids)
        return self.filter(mine | Q(unit__isnull=True)) if action == "view" else self.filter(mine)


class BulletinTemplate(ChangeLoggedModel):
    """A bulletin's title pattern and its sections in the text format of bulletin.py."""

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("owning unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty for a template every unit may use (system administrators only)."),
    )
    title = models.CharField(
        _("bulletin title"),
        max_length=200,
        help_text=_("The bulletin's title; it may use {unit} and {period}."),
    )
    body = models.TextField(_("sections"))

    scope_field = "unit"
    objects = BulletinTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "name", "id"]
        verbose_name = _("bulletin template")
        verbose_name_plural = _("bulletin templates")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="bulletin_template_name_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reports:template-edit", args=[self.pk])
