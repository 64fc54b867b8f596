"""People's rights under the PIPL and the Hong Kong and Macao personal data laws: consents, cross-border
transfers, erasures and the retention review. None of these models holds personal data of its own
beyond free-text notes, which an erasure clears."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiao.core.models import ChangeLoggedModel, OwnedModel

ERASED = "已删除"  # the placeholder written over erased values (the offices' language, whatever the UI's)


class ConsentPurpose(models.TextChoices):
    REGISTRY = "registry", _("Registry and contact")
    PUBLICITY = "publicity", _("Activities and publicity photos")
    MATCHING = "matching", _("Talent matching")
    CROSS_BORDER = "cross_border", _("Cross-border transfer")
    NEWSLETTER = "newsletter", _("Newsletters")
    OTHER = "other", _("Other")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written (signed form)")
    ONLINE = "online", _("Online form")
    VERBAL = "verbal", _("Verbal")
    EMAIL = "email", _("E-mail or message")
    OTHER = "other", _("Other")


class Consent(ChangeLoggedModel, OwnedModel):
    """A person's consent to one purpose, as given; withdrawing it is a change (withdrawn_on), never a
    delete. `unit` is the person's owning unit when the consent was recorded; who may see and change
    a consent is decided through the person (see services.people_for)."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    purpose_other = models.CharField(
        _("other purpose"), max_length=200, blank=True, help_text=_("When the purpose is “Other”: which one.")
    )
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how it was given"), max_length=20, choices=ConsentMethod.choices)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.purpose_label} · {self.given_on:%Y-%m-%d}"

    @property
    def purpose_label(self) -> str:
        if self.purpose == ConsentPurpose.OTHER and self.purpose_other:
            return self.purpose_other
        return str(self.get_purpose_display())

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    def get_absolute_url(self) -> str:
        return reverse("people:person", args=[self.person_id])


class TransferRegion(models.TextChoices):
    HK = "HK", _("Hong Kong")
    MO = "MO", _("Macao")
    TW = "TW", _("Taiwan")
    OVERSEAS = "OVERSEAS", _("Overseas")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Separate consent of the person")
    CONTRACT = "contract", _("Needed for a contract with the person")
    STANDARD_CONTRACT = "standard_contract", _("Standard contract filed")
    CERTIFICATION = "certification", _("Certification")
    ASSESSMENT = "assessment", _("Security assessment")
    LEGAL_DUTY = "legal_duty", _("Legal duty")
    OTHER = "other", _("Other")


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Name and identity")
    DOCUMENTS = "documents", _("Identity documents")
    CONTACT = "contact", _("Phones and e-mails")
    PROFILE = "profile", _("Education, work and profile")
    ACTIVITIES = "activities", _("Activities and services")
    ALL = "all", _("All data about the person")


class TransferSource(models.TextChoices):
    SHARE = "share", _("Shared with a unit")
    EXPORT = "export", _("Data export")
    MANUAL = "manual", _("Recorded by hand")


class Transfer(ChangeLoggedModel, OwnedModel):
    """Personal data of one person leaving the mainland (to Hong Kong, Macao, Taiwan or abroad):
    recorded when a person is shared with a unit outside the mainland, when such a unit's user
    exports the person's data, and by hand. `unit` is the person's owning unit (who keeps the register)."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="transfers"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    from_unit = models.ForeignKey("core.Unit", verbose_name=_("from unit"), on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("to unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_text = models.CharField(
        _("recipient"), max_length=200, blank=True, help_text=_("When the recipient is not a unit of the network.")
    )
    region = models.CharField(_("destination"), max_length=10, choices=TransferRegion.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    categories = models.JSONField(_("data categories"), default=list)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    source = models.CharField(_("source"), max_length=10, choices=TransferSource.choices, default=TransferSource.MANUAL)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"], name="transfer_unit_date")]
        verbose_name = _("cross-border transfer")
        verbose_name_plural = _("cross-border transfers")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} → {self.recipient}"

    @property
    def recipient(self) -> str:
        return str(self.to_unit) if self.to_unit_id else self.to_text

    def category_labels(self) -> list[str]:
        labels = dict(DataCategory.choices)
        return [str(labels.get(code, code)) for code in self.categories or []]

    def get_absolute_url(self) -> str:
        return reverse("people:person", args=[self.person_id])


class UnitLocation(models.Model):
    """Where a unit of the network is, when that is not the mainland (see services.unit_region): the
    register of cross-border transfers depends on it. Units without a row are placed by their name
    (香港…, 澳門…, 台灣…) or their parent's place; the rest are on the mainland."""

    unit = models.OneToOneField("core.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    region = models.CharField(
        _("region"),
        max_length=10,
        choices=[("MAINLAND", _("Mainland")), *TransferRegion.choices],
        default="MAINLAND",
    )

    class Meta:
        verbose_name = _("unit location")
        verbose_name_plural = _("unit locations")

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_region_display()}"


class ErasureRecord(models.Model):
    """That a person's personal data were erased, when, by whom and why; the person's row stays
    (anonymous) so that every past figure stays true. Holds no personal data."""

    person = models.OneToOneField(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="erasure"
    )
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    reason = models.TextField(_("reason"))
    counts_kept = models.JSONField(_("records kept for the figures"), default=dict)
    cleared = models.JSONField(_("records cleared"), default=dict)

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"#{self.person_id} {self.erased_at:%Y-%m-%d}"


class RetentionStatus(models.TextChoices):
    OPEN = "open", _("To review")
    KEPT = "kept", _("Kept")
    ERASED = "erased", _("Erased")


class RetentionFlag(OwnedModel):
    """A person not touched for the retention period, waiting for a manager to erase or keep them."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="retention_flags"
    )
    flagged_at = models.DateTimeField(_("flagged at"), default=timezone.now)
    last_touched = models.DateField(_("last touched"), null=True, blank=True)
    years = models.PositiveSmallIntegerField(_("retention period (years)"))
    status = models.CharField(_("status"), max_length=10, choices=RetentionStatus.choices, default=RetentionStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("why kept"), max_length=500, blank=True)

    class Meta:
        ordering = ["last_touched", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(status="open"), name="retentionflag_one_open")
        ]
        verbose_name = _("retention flag")
        verbose_name_plural = _("retention flags")

    def __str__(self) -> str:
        return f"#{self.person_id} ({self.get_status_display()})"
