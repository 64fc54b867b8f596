from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiao import identity, text
from qiao.core.choices import Region
from qiao.core.models import ChangeLoggedModel, ListItem, OwnedModel, SoftDeleteModel
from qiao.core.search import SearchableModel


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    OTHER = "X", _("Other")


class DocumentKind(models.TextChoices):
    HKID = "hkid", _("Hong Kong Identity Card")
    MO_ID = "mo_id", _("Macao Resident Identity Card")
    TW_ID = "tw_id", _("Taiwan ID / Resident Certificate")
    HK_MO_PERMIT = "hk_mo_permit", _("Mainland Travel Permit for HK and Macao Residents")
    TW_PERMIT = "tw_permit", _("Mainland Travel Permit for Taiwan Residents")
    RESIDENCE_PERMIT = "residence_permit", _("Residence Permit for HK, Macao and Taiwan Residents")
    CN_ID = "cn_id", _("Mainland Resident Identity Card")
    PASSPORT = "passport", _("Passport")


class Degree(models.TextChoices):
    SECONDARY = "secondary", _("Secondary school")
    ASSOCIATE = "associate", _("Associate degree / diploma")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTOR = "doctor", _("Doctorate")
    OTHER = "other", _("Other")


class PersonRole(ListItem):
    """An editable list of the roles a person plays for the office (youth, talent, speaker …)."""

    class Meta(ListItem.Meta):
        verbose_name = _("person role")
        verbose_name_plural = _("person roles")


class Person(SearchableModel, SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    name = models.CharField(_("full name"), max_length=100, help_text=_("As the person writes it, in any script."))
    name_latin = models.CharField(
        _("name in Latin letters"),
        max_length=150,
        blank=True,
        help_text=_("As on travel documents, e.g. CHAN Tai Man."),
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    region = models.CharField(_("region of origin"), max_length=10, choices=Region.choices, blank=True)
    country = models.CharField(
        _("country"), max_length=60, blank=True, help_text=_("For overseas people: the country they live in.")
    )
    phones = models.JSONField(_("phones"), default=list, blank=True)
    emails = models.JSONField(_("e-mails"), default=list, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    employer_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("employer (in registry)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employees",
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    tags = models.ManyToManyField("core.Tag", verbose_name=_("fields and skills"), blank=True, related_name="people")
    roles = models.ManyToManyField(PersonRole, verbose_name=_("roles"), blank=True, related_name="people")
    profile = models.TextField(_("profile"), blank=True, help_text=_("Experience and expertise, free text."))
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    consent_scope = models.CharField(_("consent scope"), max_length=200, blank=True)
    consent_source = models.CharField(_("consent source"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )

    search_fields = ("name", "name_latin", "phones", "emails")
    history_children = ("documents", "education", "shares", "public_roles")
    share_model = None  # set below, once PersonShare exists

    class Meta:
        ordering = ["name", "id"]
        # record linkage looks for people born on the incoming row's date (qiao.people.linkage)
        indexes = [
            models.Index(fields=["birth_date"], name="person_birth_date"),
            # the people added in a period, by region (qiao.reports: registry.people)
            models.Index(
                fields=["created"],
                include=["region", "unit"],
                name="person_created",
                condition=models.Q(deleted_at__isnull=True),
            ),
            # the list in its order, a page at a time, without sorting a million people (issue 10)
            models.Index(fields=["name", "id"], name="person_list", condition=models.Q(deleted_at__isnull=True)),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:person", args=[self.pk])

    def search_keys(self) -> dict[str, int]:
        keys = dict.fromkeys(text.name_keys(self.name, self.name_latin), 2)
        keys[text.compact(self.name)] = 0
        for token_key in text.name_keys("", self.name_latin):
            keys[token_key] = min(keys.get(token_key, 1), 1)
        for phone in self.phones or []:
            digits = "".join(ch for ch in str(phone) if ch.isdigit())
            keys[digits] = 1
            for prefix in ("852", "853", "886", "86"):
                if digits.startswith(prefix):
                    keys[digits[len(prefix) :]] = 1
        for email in self.emails or []:
            keys[text.compact(str(email))] = 1
        if self.pk:
            for document in self.documents.all():
                keys[document.number.lower()] = 1
        keys.pop("", None)
        return keys


class IdentityDocument(ChangeLoggedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document type"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=40)
    country = models.CharField(_("issuing country"), max_length=60, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["kind", "number"], name="document_kind_number")]
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.display_number}"

    @property
    def display_number(self) -> str:
        try:
            return identity.format_document(self.kind, self.number)
        except Exception:  # noqa: BLE001 - stored numbers are normalised; display must never fail
            return self.number

    def history_root(self):
        return self.person

    def history_summary(self) -> dict:
        return {"kind": self.kind, "number": self.number, "country": self.country}


class Education(ChangeLoggedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="education")
    degree = models.CharField(_("degree"), max_length=20, choices=Degree.choices, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=60, blank=True)
    field = models.CharField(_("field of study"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("year of graduation"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("education")
        verbose_name_plural = _("education")

    def __str__(self) -> str:
        return " · ".join(str(v) for v in (self.get_degree_display(), self.institution, self.field, self.year) if v)

    def history_root(self):
        return self.person

    def history_summary(self) -> dict:
        return {
            "degree": self.degree,
            "institution": self.institution,
            "country": self.country,
            "field": self.field,
            "year": self.year,
        }


class ShareAccess(models.TextChoices):
    VIEW = "view", _("View")
    CHANGE = "change", _("View and edit")


class PersonShare(ChangeLoggedModel):
    """An explicit grant: another unit (and the units above it) may see this person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="shares")
    unit = models.ForeignKey("core.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    access = models.CharField(_("access"), max_length=10, choices=ShareAccess.choices, default=ShareAccess.VIEW)
    note = models.CharField(_("note"), max_length=200, blank=True)

    shared_field = "person"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "unit"], name="personshare_unique")]
        verbose_name = _("share")
        verbose_name_plural = _("shares")

    def __str__(self) -> str:
        return f"{self.person} → {self.unit}"

    def history_root(self):
        return self.person

    def history_summary(self) -> dict:
        return {"unit": str(self.unit), "access": self.access}


Person.share_model = PersonShare


class AffiliationKind(models.TextChoices):
    MEMBER = "member", _("Member")
    LEADER = "leader", _("Leader")
    EMPLOYEE = "employee", _("Employee")
    FOUNDER = "founder", _("Founder")
    ADVISER = "adviser", _("Adviser")


class Affiliation(ChangeLoggedModel, OwnedModel):
    """A relation between a person and an organisation, with dates."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="affiliations"
    )
    kind = models.CharField(_("relation"), max_length=20, choices=AffiliationKind.choices)
    title = models.CharField(_("title"), max_length=100, blank=True, help_text=_("e.g. 会长, 理事, 总经理"))
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-start", "id"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.organization}"


class DistinctPair(models.Model):
    """A reviewer's word that two records are not the same person: never proposed again."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinctpair_unique"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="distinctpair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    DISTINCT = "distinct", _("Not the same person")


class DuplicateCandidate(OwnedModel):
    """A pair of registry records that may be one person, waiting for a reviewer."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=3)
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    found_at = models.DateTimeField(_("found"), auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "other"], name="duplicatecandidate_unique")]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")

    def __str__(self) -> str:
        return f"{self.person} ~ {self.other}"


def _affiliation_url(self) -> str:
    return self.person.get_absolute_url()


Affiliation.get_absolute_url = _affiliation_url
