"""An uploaded file on its way into the registry, the report of its dry run, and saved mappings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiao.core.models import OwnedModel


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("People")
    ORGANIZATIONS = "organizations", _("Organisations")
    PARTICIPATIONS = "participations", _("Participants of an activity")


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Columns to confirm")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked, ready to commit")
    COMMITTING = "committing", _("Writing")
    COMMITTED = "committed", _("Committed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportBatch(OwnedModel):
    """One file: uploaded, mapped, checked (the dry run), then committed — owned by the unit whose
    records it creates. The file itself is kept until the batch is committed or cancelled."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices, default=ImportKind.PEOPLE)
    status = models.CharField(_("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.UPLOADED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    filename = models.CharField(_("file"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content = models.BinaryField(_("content"), null=True, editable=False)
    sheet_name = models.CharField(_("sheet"), max_length=255, blank=True)
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), default=1)
    first_column = models.PositiveIntegerField(_("first column"), default=1)
    headers = models.JSONField(_("headers"), default=list)
    sample = models.JSONField(_("first rows"), default=list)
    mapping = models.JSONField(_("column mapping"), default=list)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    skip_invalid = models.BooleanField(_("skip rows with problems"), default=False)
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports",
        help_text=_("For a list of participants: the activity they take part in."),
    )
    options = models.JSONField(_("options"), default=dict, blank=True)  # participations: role and status
    counts = models.JSONField(_("dry run"), default=dict)  # {"new": n, "same": n, "review": n, "error": n}
    written = models.JSONField(_("written"), default=dict)  # {"created": n, "updated": n, ...}
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    error = models.TextField(_("error"), blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("imports:batch", args=[self.pk])

    @property
    def is_busy(self) -> bool:
        return self.status in (BatchStatus.CHECKING, BatchStatus.COMMITTING)

    @property
    def is_open(self) -> bool:
        """Still to be decided: the mapping can change and the batch can be committed or cancelled."""
        return self.status in (BatchStatus.UPLOADED, BatchStatus.CHECKED, BatchStatus.FAILED)  # services.OPEN


class ImportRow(models.Model):
    """What the dry run found for one row: its outcome, problems and the known records it may be."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=10, db_index=True)
    label = models.CharField(_("name"), max_length=200, blank=True)
    problems = models.JSONField(_("problems"), default=list)  # [[column letter, problem code], ...]
    matches = models.JSONField(_("matches"), default=list)  # [{"id", "label", "score", "reasons"}, ...]

    class Meta:
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="importrow_unique_number")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.number}"


class SavedMapping(OwnedModel):
    """A column mapping kept for re-use: each header (as folded text) → a field code."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices, default=ImportKind.PEOPLE)
    name = models.CharField(_("name"), max_length=100)
    columns = models.JSONField(_("columns"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved mapping")
        verbose_name_plural = _("saved mappings")
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "name"], name="savedmapping_unique_name")]

    def __str__(self) -> str:
        return self.name


class RowTrace(models.Model):
    """Which person a row of an earlier import became. The same row imported again (the same file,
    or the same line in another file) is that person, even when the row alone is too thin for the
    linkage to be sure — so importing a file twice changes nothing the second time."""

    # found through the unique (fingerprint, person) index below: a second index on the fingerprint
    # alone (and PostgreSQL's LIKE twin of it) only cost each import two more random index writes per row
    fingerprint = models.CharField(max_length=64)
    # a named reverse relation, so that a merge moves the traces with everything else
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="import_traces")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fingerprint", "person"], name="rowtrace_once")]

    def __str__(self) -> str:
        return f"{self.fingerprint[:12]} → {self.person_id}"

    @classmethod
    def before_merge(cls, survivor, other) -> None:
        """A merge moves the merged record's traces to the survivor, once each."""
        cls.objects.filter(
            person=other, fingerprint__in=cls.objects.filter(person=survivor).values("fingerprint")
        ).delete()
