"""Precise matching (精准匹配) and one plan per person (一人一策).

- `Field` is the shared taxonomy of fields and industries (新能源 › 储能 › 锂电池), a tree the offices
  edit, each node with synonyms in any script and in English. People's talent profiles and demands
  are tagged with it; free text is mapped to it by `qiao.matching.taxonomy`.
- `TalentProfile` holds what matching needs to know about a person beyond the registry: fields,
  experience, languages, work modes wanted, availability and consent to be contacted.
- `Demand` is what an organisation asks for: a job, an internship, a technology need, research
  cooperation, an expert consultation, a project partnership. Demands sent through the public form
  arrive as `submitted` and are reviewed by staff before matching uses them.
- `Match` follows one person for one demand: proposed → contacted → interviewing → agreed / declined,
  with a note at each step (`MatchStep`).
- `Plan` gathers for one person the chosen demands, the benefits they qualify for, and the tasks
  planned (`PlanTask`).
- `ProfileSubmission` is a talent profile sent through the public form, waiting for staff to link it
  to the registry.

The ranking itself is in engine.py, the rules in services.py.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao import text
from qiao.core.models import ChangeLoggedModel, ListItem, OwnedModel, SoftDeleteModel, place_in_tree
from qiao.core.search import SearchableModel
from qiao.people.models import Degree

# the order of degrees, for "minimum degree" (other and blank rank lowest)
DEGREE_RANK = {
    "": 0,
    Degree.OTHER: 0,
    Degree.SECONDARY: 1,
    Degree.ASSOCIATE: 2,
    Degree.BACHELOR: 3,
    Degree.MASTER: 4,
    Degree.DOCTOR: 5,
}


class Language(models.TextChoices):
    MANDARIN = "mandarin", _("Mandarin")
    CANTONESE = "cantonese", _("Cantonese")
    ENGLISH = "english", _("English")
    PORTUGUESE = "portuguese", _("Portuguese")
    JAPANESE = "japanese", _("Japanese")
    KOREAN = "korean", _("Korean")
    FRENCH = "french", _("French")
    GERMAN = "german", _("German")
    HOKKIEN = "hokkien", _("Hokkien / Taiwanese")
    OTHER = "other", _("Other")


class WorkMode(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    REMOTE = "remote", _("Remote")
    SHORT_VISIT = "short_visit", _("Short visit")


class Field(ListItem):
    """A node of the taxonomy of fields and industries."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    synonyms = models.TextField(
        _("synonyms"),
        blank=True,
        help_text=_("Other names in any script or in English, one per line (鋰電池, lithium battery …)."),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta(ListItem.Meta):
        ordering = ["path"]
        verbose_name = _("field")
        verbose_name_plural = _("fields and industries")

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            place_in_tree(self, 8)

    @property
    def depth(self) -> int:
        return max(self.path.count(".") - 1, 0)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.split(".") if part][:-1]

    def names(self) -> list[str]:
        """Every name the field goes by: the three names and the synonyms."""
        found = [self.name, self.name_hant, self.name_en]
        found += [line.strip() for line in self.synonyms.replace("，", "\n").replace(",", "\n").splitlines()]
        return [name for name in dict.fromkeys(found) if name]

    def label(self) -> str:
        return str(self)


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available now")
    OPEN = "open", _("Open to offers")
    UNAVAILABLE = "unavailable", _("Not available")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed / founder")
    STUDENT = "student", _("Student")
    SEEKING = "seeking", _("Looking for work")
    RETIRED = "retired", _("Retired")


class TalentProfile(ChangeLoggedModel):
    """What matching and the policy navigator know of a person beyond the registry record."""

    person = models.OneToOneField(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="talent"
    )
    fields = models.ManyToManyField(Field, verbose_name=_("fields"), blank=True, related_name="profiles")
    skills = models.CharField(_("skills"), max_length=300, blank=True, help_text=_("Free text, in any script."))
    experience_years = models.PositiveSmallIntegerField(_("years of experience"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    work_modes = models.JSONField(_("work modes wanted"), default=list, blank=True)
    availability = models.CharField(
        _("availability"), max_length=20, choices=Availability.choices, default=Availability.OPEN
    )
    contact_consent = models.BooleanField(_("agrees to be contacted about opportunities"), default=False)
    employment_status = models.CharField(
        _("employment status"), max_length=20, choices=EmploymentStatus.choices, blank=True
    )
    residence = models.CharField(_("place of residence"), max_length=100, blank=True, help_text=_("City, e.g. 惠州"))
    signed_local_employer = models.BooleanField(
        _("has signed with a local employer"), null=True, blank=True, help_text=_("Leave empty when unknown.")
    )
    desired_places = models.CharField(_("places wanted"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("talent profile")
        verbose_name_plural = _("talent profiles")

    def __str__(self) -> str:
        return str(self.person)

    def history_root(self):
        return self.person

    def history_summary(self) -> dict:
        return {
            "skills": self.skills,
            "experience_years": self.experience_years,
            "languages": self.languages,
            "work_modes": self.work_modes,
            "availability": self.availability,
            "contact_consent": self.contact_consent,
            "employment_status": self.employment_status,
            "residence": self.residence,
            "signed_local_employer": self.signed_local_employer,
            "desired_places": self.desired_places,
        }


class DemandKind(models.TextChoices):
    JOB = "job", _("Job")
    INTERNSHIP = "internship", _("Internship")
    TECHNOLOGY = "technology", _("Technology need")
    RESEARCH = "research", _("Research cooperation")
    CONSULTATION = "consultation", _("Expert consultation")
    PARTNERSHIP = "partnership", _("Project partnership")


class DemandStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, to review")
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", pgettext_lazy("demand", "Rejected")


class AmountPeriod(models.TextChoices):
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")
    TOTAL = "total", _("in total")


# What a demand asks for and whom to contact, in the order forms show it (the form, the API)
DEMAND_TERMS = (
    "fields",
    "skills",
    "min_degree",
    "degree_required",
    "min_experience_years",
    "languages",
    "place",
    "work_mode",
    "headcount",
    "amount_min",
    "amount_max",
    "amount_period",
    "valid_until",
    "contact_name",
    "contact_phone",
    "contact_email",
)


class Demand(SearchableModel, SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    """What an organisation asks for."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
        help_text=_("Required once the demand is open."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DemandKind.choices, default=DemandKind.JOB)
    title = models.CharField(pgettext_lazy("demand", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    fields = models.ManyToManyField(Field, verbose_name=_("fields"), blank=True, related_name="demands")
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    min_degree = models.CharField(_("minimum degree"), max_length=20, choices=Degree.choices, blank=True)
    degree_required = models.BooleanField(
        _("the degree is a hard condition"),
        default=False,
        help_text=_("When ticked, people below the minimum degree are not proposed at all."),
    )
    min_experience_years = models.PositiveSmallIntegerField(_("minimum years of experience"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    work_mode = models.CharField(_("work mode"), max_length=20, choices=WorkMode.choices, blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), default=1)
    amount_min = models.DecimalField(_("salary or budget from"), max_digits=14, decimal_places=2, null=True, blank=True)
    amount_max = models.DecimalField(
        _("salary or budget up to"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_period = models.CharField(
        _("salary or budget is"), max_length=10, choices=AmountPeriod.choices, default=AmountPeriod.MONTH
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DemandStatus.choices, default=DemandStatus.OPEN)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    submitted = models.JSONField(
        _("as submitted"), default=dict, blank=True, editable=False, help_text=_("What the public form received.")
    )
    review_note = models.TextField(
        _("review note"), blank=True, help_text=_("Why a demand sent through a public form was rejected.")
    )

    search_fields = ("title",)
    history_children = ("matches",)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="demand_status_valid"),
            # the list in its order, a page at a time (issue 10)
            models.Index(fields=["-created", "-id"], name="demand_list", condition=models.Q(deleted_at__isnull=True)),
        ]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("matching:demand", args=[self.pk])

    def search_keys(self) -> dict[str, int]:
        keys = {text.compact(self.title): 0}
        keys.pop("", None)
        return keys


class MatchStage(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONTACTED = "contacted", _("Contacted")
    INTERVIEWING = "interviewing", _("Interviewing")
    AGREED = "agreed", _("Agreed")
    DECLINED = "declined", _("Declined")


class Match(ChangeLoggedModel, OwnedModel):
    """One person followed for one demand. Owned by the demand's unit."""

    demand = models.ForeignKey(Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="matches")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="matches"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=MatchStage.choices, default=MatchStage.PROPOSED)
    score = models.FloatField(_("score when proposed"), null=True, blank=True)
    reasons = models.JSONField(_("reasons when proposed"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated", "-id"]
        constraints = [models.UniqueConstraint(fields=["demand", "person"], name="match_unique_demand_person")]
        verbose_name = _("match")
        verbose_name_plural = _("matches")

    def __str__(self) -> str:
        return f"{self.person} → {self.demand}"

    def get_absolute_url(self) -> str:
        return reverse("matching:demand", args=[self.demand_id]) + f"#match-{self.pk}"

    def history_root(self):
        return self.demand

    def history_summary(self) -> dict:
        return {"person": str(self.person), "stage": self.stage}

    @classmethod
    def before_merge(cls, survivor, merged) -> None:
        """Two records of one person followed for the same demand: keep the furthest match."""
        order = list(MatchStage.values)
        kept = {m.demand_id: m for m in cls.objects.filter(person=survivor)}
        for match in cls.objects.filter(person=merged):
            other = kept.get(match.demand_id)
            if other is None:
                continue
            if order.index(match.stage) > order.index(other.stage):
                other.delete()
            else:
                match.delete()


class MatchStep(models.Model):
    """A move of a match to a stage, with who, when and a note."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(_("stage"), max_length=20, choices=MatchStage.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.match} · {self.get_stage_display()}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In progress")
    DONE = "done", _("Completed")
    CLOSED = "closed", _("Closed")


class Plan(ChangeLoggedModel, OwnedModel):
    """一人一策: one plan per person."""

    person = models.OneToOneField(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="plan"
    )
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    goal = models.TextField(_("goal"), blank=True, help_text=_("What the plan is for, in a few lines."))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible staff"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    matches = models.ManyToManyField(Match, verbose_name=_("chosen demands"), blank=True, related_name="plans")
    benefits = models.ManyToManyField("policies.Benefit", verbose_name=_("benefits"), blank=True, related_name="plans")

    history_children = ("tasks",)

    class Meta:
        ordering = ["-updated", "-id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return str(self.person)

    def get_absolute_url(self) -> str:
        return reverse("matching:plan", args=[self.pk])


class PlanTask(ChangeLoggedModel):
    """A service or task of a plan: who does what by when."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    what = models.CharField(_("what"), max_length=300)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignee_text = models.CharField(
        _("who (not a user)"),
        max_length=100,
        blank=True,
        help_text=_("A partner, an enterprise, a colleague elsewhere."),
    )
    due = models.DateField(_("by when"), null=True, blank=True)
    done = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["done", "due", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.what

    def history_root(self):
        return self.plan

    def history_summary(self) -> dict:
        return {"what": self.what, "due": str(self.due or ""), "done": str(self.done or "")}

    @property
    def who(self) -> str:
        return str(self.assignee) if self.assignee_id else self.assignee_text


class IntakeKind(models.TextChoices):
    DEMAND = "demand", _("Enterprise demands")
    PROFILE = "profile", _("Talent profiles")
    CASE = "case", _("Enterprise problems")


def new_token() -> str:
    return secrets.token_urlsafe(12)


class Intake(ChangeLoggedModel, OwnedModel):
    """A public form link of a unit: enterprises send demands, people send their talent profile."""

    kind = models.CharField(_("receives"), max_length=20, choices=IntakeKind.choices)
    title = models.CharField(pgettext_lazy("intake", "title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("public form")
        verbose_name_plural = _("public forms")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("matching:intake_list")

    def public_url(self) -> str:
        namespace = "ledger_public" if self.kind == IntakeKind.CASE else "matching_public"
        return reverse(f"{namespace}:{self.kind}", args=[self.token])


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", pgettext_lazy("submission", "Rejected")


class Submission(OwnedModel):
    """What the public reached staff with, as they sent it, waiting for a review (ProfileSubmission
    here, ledger.CaseReport): accepted (then linked to the registry) or rejected with a note."""

    data = models.JSONField(_("as submitted"), default=dict)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-submitted_at", "-id"]


class ProfileSubmission(Submission):
    """A talent profile sent through a public form; staff link it to the registry before use."""

    intake = models.ForeignKey(Intake, on_delete=models.SET_NULL, null=True, related_name="profiles")
    consent_at = models.DateTimeField(_("consent given"))
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(Submission.Meta):
        verbose_name = _("submitted profile")
        verbose_name_plural = _("submitted profiles")

    def __str__(self) -> str:
        return str(self.data.get("name") or self.pk)

    def get_absolute_url(self) -> str:
        return reverse("matching:profile_submission", args=[self.pk])


class IndexChange(models.Model):
    """A person whose matching data changed since the index was built (see engine.py)."""

    person_id = models.BigIntegerField(db_index=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.at}"
