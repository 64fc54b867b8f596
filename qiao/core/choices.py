"""Choices shared by several domains."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    HK = "HK", _("Hong Kong")
    MO = "MO", _("Macao")
    TW = "TW", _("Taiwan")
    OVERSEAS = "OVERSEAS", _("Overseas")
    MAINLAND = "MAINLAND", _("Mainland (returnee)")


class OrganizationRegion(models.TextChoices):
    """Where an organisation is based (same codes as a person's region of origin)."""

    HK = "HK", _("Hong Kong")
    MO = "MO", _("Macao")
    TW = "TW", _("Taiwan")
    OVERSEAS = "OVERSEAS", _("Overseas")
    MAINLAND = "MAINLAND", _("Mainland")
