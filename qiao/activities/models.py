"""Exchange activities: one batch (批次) each — a delegation received, an event, a talk, an
internship batch — grouped in series (学长说 第20期) and programmes (万名青年到惠州), with the
people who took part.

A participation keeps copies of its activity's date and owning unit (`date`, `unit`), kept in
step by `Activity.save`. The figures of a list (person-times, distinct people, first-timers) come
from two stored aggregates derived from the participations, ActivityTally and FirstAttendance
(see aggregates.py and services.figures), kept exact on every write.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao import text
from qiao.core.models import ChangeLoggedModel, ListItem, OwnedModel, SoftDeleteModel
from qiao.core.scoping import RestrictedManager
from qiao.core.search import SearchableModel


class ActivityKind(ListItem):
    class Meta(ListItem.Meta):
        verbose_name = _("kind of activity")
        verbose_name_plural = _("kinds of activity")


class TargetGroup(ListItem):
    class Meta(ListItem.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class Programme(SearchableModel, SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    """A recurring programme that groups many activities (万名青年到惠州), with a goal."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    goal = models.PositiveIntegerField(_("goal (people)"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("activities:programme", args=[self.pk])

    search_fields = ("name",)

    def search_keys(self) -> dict[str, int]:
        return {text.compact(self.name): 0}


class Series(SearchableModel, SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    """A series of editions: 学长说, 学长行."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.ForeignKey(ActivityKind, verbose_name=_("kind"), null=True, blank=True, on_delete=models.PROTECT)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("activities:series", args=[self.pk])

    search_fields = ("name",)

    def search_keys(self) -> dict[str, int]:
        return {text.compact(self.name): 0}


class Activity(SearchableModel, SoftDeleteModel, ChangeLoggedModel, OwnedModel):
    """One batch (批次): a delegation received, an event, a talk, a field visit, an internship batch …"""

    kind = models.ForeignKey(ActivityKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(pgettext_lazy("activity", "title"), max_length=200)
    start_date = models.DateField(_("start date"), db_index=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    co_organisers = models.ManyToManyField(
        "core.Unit", verbose_name=_("co-organising units"), blank=True, related_name="co_organised_activities"
    )
    partners = models.ManyToManyField(
        "orgs.Organization", verbose_name=_("partner organisations"), blank=True, related_name="activities"
    )
    target_groups = models.ManyToManyField(TargetGroup, verbose_name=_("target groups"), blank=True)
    description = models.TextField(_("description"), blank=True)
    series = models.ForeignKey(
        Series, verbose_name=_("series"), null=True, blank=True, on_delete=models.PROTECT, related_name="editions"
    )
    edition = models.PositiveIntegerField(_("edition"), null=True, blank=True, help_text=_("第N期"))
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    # public sign-up
    registration_open = models.BooleanField(_("public registration open"), default=False)
    registration_token = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False)
    registration_fields = models.JSONField(_("fields on the registration form"), default=list, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    consent_text = models.TextField(_("consent statement"), blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["unit", "start_date"], name="activity_unit_date"),
            # a scope's live activities (a list's and a figure's set): counted, and their days, kinds and programmes
            # read, from the index alone on PostgreSQL (bench/RESULTS.md, issue 10: 36 → 17 ms for a base's 80,000)
            models.Index(
                fields=["unit", "start_date"],
                include=["kind", "programme", "id", "deleted_at"],
                condition=models.Q(deleted_at__isnull=True),
                name="activity_live_scope",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="activity_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        if self.series_id and self.edition:
            edition = _("edition %(n)d") % {"n": self.edition}
            return f"{self.title}（{edition}）"
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("activities:activity", args=[self.pk])

    search_fields = ("title", "place")

    # what its participations' copies and the stored figures of its people depend on
    FIGURE_FIELDS = ("unit_id", "start_date", "kind_id", "programme_id", "deleted_at")

    def save(self, *args, **kwargs) -> None:
        """Saves; when its unit or date changed, its participations' copies follow, and when what the
        stored figures of its people depend on changed (unit, date, kind, programme, in the trash or
        not), those are computed again, in the same transaction."""
        from . import aggregates

        before = None
        if self.pk is not None:
            before = Activity._base_manager.filter(pk=self.pk).values_list(*self.FIGURE_FIELDS).first()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if before is None:
                return
            after = tuple(getattr(self, name) for name in self.FIGURE_FIELDS)
            if (before[0], before[1]) != (after[0], after[1]):
                Participation.objects.filter(activity=self).exclude(unit=self.unit_id, date=self.start_date).update(
                    unit=self.unit_id, date=self.start_date
                )
            if before[:4] != after[:4] or (before[4] is None) != (after[4] is None):
                aggregates.refresh(activities=[self.pk], people=self.attendee_ids())

    def attendee_ids(self) -> list[int]:
        return list(self.participations.filter(status="attended").values_list("person_id", flat=True))

    def search_keys(self) -> dict[str, int]:
        keys = {text.compact(self.title): 0}
        if self.place:
            keys[text.compact(self.place)] = 2
        return keys


class ParticipationRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    SPEAKER = "speaker", _("Speaker")
    GUEST = "guest", _("Guest")
    LEADER = "leader", _("Delegation leader")
    STAFF = "staff", _("Staff")
    INTERN = "intern", _("Intern")


class ParticipationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")
    CANCELLED = "cancelled", _("Cancelled")


class ParticipationSource(models.TextChoices):
    MANUAL = "manual", _("Added by staff")
    IMPORT = "import", _("Imported")
    REGISTRATION = "registration", _("Public registration")


class Participation(ChangeLoggedModel):
    """A person's part in an activity. `unit` and `date` copy the activity's (see the module)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("Role"), max_length=20, choices=ParticipationRole.choices, default="participant")
    status = models.CharField(_("status"), max_length=20, choices=ParticipationStatus.choices, default="registered")
    first_visit_declared = models.BooleanField(_("first visit (self-declared)"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source"), max_length=20, choices=ParticipationSource.choices, default="manual")
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+", editable=False)
    date = models.DateField(editable=False)

    scope_field = "unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["activity", "id"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="participation_once_per_activity")]
        indexes = [
            models.Index(fields=["unit", "date", "status"], name="participation_unit_date"),
            models.Index(fields=["person", "status", "date"], name="participation_person_date"),
            # who came to a set of activities: an index-only scan of the attended rows (figures)
            models.Index(
                fields=["activity", "person"], condition=models.Q(status="attended"), name="participation_attended"
            ),
            # a person's attended participations, read from the index alone: their stored first
            # attendances computed again (aggregates.refresh)
            models.Index(
                fields=["person"],
                include=["date", "unit", "activity"],
                condition=models.Q(status="attended"),
                name="participation_person_attended",
            ),
            # the speakers of a period (qiao.reports): a few rows among millions
            models.Index(
                fields=["date", "unit"],
                include=["person", "activity"],
                condition=models.Q(status="attended", role="speaker"),
                name="participation_speakers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.activity}"

    @classmethod
    def from_db(cls, db, field_names, values):
        participation = super().from_db(db, field_names, values)
        participation._stored_as = (participation.__dict__.get("activity_id"), participation.__dict__.get("person_id"))
        return participation

    def save(self, *args, **kwargs) -> None:
        """Saves with the activity's unit and date, and brings the stored figures of the activity and
        the person (and of the ones it was on before, when it moved) up to date in the same transaction."""
        from . import aggregates

        activity = self.activity
        self.unit_id, self.date = activity.unit_id, activity.start_date
        was = getattr(self, "_stored_as", (None, None))
        with transaction.atomic():
            super().save(*args, **kwargs)
            aggregates.refresh(activities=[self.activity_id, was[0]], people=[self.person_id, was[1]])
        self._stored_as = (self.activity_id, self.person_id)

    # Its own history entries (not a snapshot of the whole list on every check-in); the activity's
    # history page shows them with its own.
    history_exclude = ("created", "updated", "unit", "date")

    RANK = {"attended": 3, "registered": 2, "absent": 1, "cancelled": 0}

    @classmethod
    def before_merge(cls, survivor, other) -> None:
        """When two records of one person merge and both were on the same activity, one participation
        stays: the survivor's, with the better status (attended > registered > absent > cancelled)."""
        theirs = {p.activity_id: p for p in cls.objects.filter(person=survivor)}
        for mine in cls.objects.filter(person=other, activity_id__in=list(theirs)):
            kept = theirs[mine.activity_id]
            if cls.RANK[mine.status] > cls.RANK[kept.status]:
                kept.status, kept.checked_in_at = mine.status, mine.checked_in_at or kept.checked_in_at
            if kept.first_visit_declared is None:
                kept.first_visit_declared = mine.first_visit_declared
            kept.save()
            mine.delete()

    @classmethod
    def after_merge(cls, survivor, other) -> None:
        """The other record's participations are the survivor's now: their first attendances follow."""
        from . import aggregates

        aggregates.refresh(people=[survivor.pk, other.pk])


class ActivityTally(models.Model):
    """Stored counts of one activity's list for one role: the participations not cancelled, attended,
    and attended with a self-declared first visit. `services.figures()` sums these over a set of
    activities instead of counting ten million participations. Derived data, never edited: kept
    exact by `aggregates.refresh()` on every write of participations, rebuilt by `qiao
    activity_figures --rebuild`."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+", db_index=False)  # see Meta
    role = models.CharField(max_length=20)
    # copies of the activity's day, unit, kind and whether it is out of the trash: a period's
    # person-times by month, unit or kind are read from the tallies alone (qiao.reports)
    date = models.DateField(null=True)
    unit = models.ForeignKey("core.Unit", null=True, on_delete=models.DO_NOTHING, related_name="+", db_index=False,
                             db_constraint=False)  # fmt: skip
    kind = models.ForeignKey(ActivityKind, null=True, on_delete=models.DO_NOTHING, related_name="+", db_index=False,
                             db_constraint=False)  # fmt: skip
    live = models.BooleanField(default=True)
    registered = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    declared_first = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # PostgreSQL: a set's tallies are read from this index alone
            models.UniqueConstraint(
                fields=["activity", "role"],
                include=["registered", "attended", "declared_first"],
                name="activity_tally_once",
            )
        ]
        indexes = [
            # a period's person-times, by month, unit or kind, from this index alone
            models.Index(
                fields=["date"],
                include=["unit", "kind", "attended"],
                condition=models.Q(live=True),
                name="activity_tally_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.role}: {self.attended}"


class Facet(models.IntegerChoices):
    """What a FirstAttendance row is about: attendance at anything, or at one kind of activity, one
    target group's, one programme's, or in one year (`value`: the kind, group or programme id, the year)."""

    ANY = 0, "any"
    KIND = 1, "kind"
    GROUP = 2, "target group"
    PROGRAMME = 3, "programme"
    YEAR = 4, "year"


class FirstAttendance(models.Model):
    """A person's first attended day at the live activities of one unit (`unit` None: of the whole
    network), of one facet (see Facet; facets other than ANY are kept for the whole network only),
    with a copy of their region of origin.

    The first-timers of a scope and period are the people whose earliest ANY row over the scope's
    units is in the period, and the people who came to every activity of a scope, or of the whole
    network's activities of one kind, target group, programme or year, are that scope's or facet's
    rows: `services.figures()` reads these (a few rows per person who ever came) instead of
    participations and people. Derived data like ActivityTally; `region` follows the person's
    through a database trigger on the people table (see `aggregates.REGION_TRIGGER`), so that no
    way of writing people (the imports update them in bulk SQL) can leave it behind.

    `person_id` is a plain number, not a foreign key, so that merging people leaves these rows to
    `Participation.after_merge` (which computes them again) instead of moving them."""

    person_id = models.BigIntegerField()
    unit = models.ForeignKey("core.Unit", null=True, on_delete=models.CASCADE, related_name="+")
    facet = models.PositiveSmallIntegerField(choices=Facet.choices, default=Facet.ANY)
    value = models.BigIntegerField(default=0)
    date = models.DateField()
    # ANY rows: the last attended day too (the people of everything from a day on, when nobody came
    # after it: this year so far, a running total); NULL on the other facets' rows
    last = models.DateField(null=True)
    region = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person_id", "unit", "facet", "value"],
                condition=models.Q(unit__isnull=False),
                include=["date", "region"],
                name="first_attendance_once",
            ),
            # also how figures() finds an attendee's region and first day in the network (PostgreSQL:
            # from the index alone)
            models.UniqueConstraint(
                fields=["person_id", "facet", "value"],
                condition=models.Q(unit__isnull=True),
                include=["date", "region"],
                name="first_attendance_once_overall",
            ),
        ]
        indexes = [
            # a scope's or facet's people, with their first day and region; who came before a day
            models.Index(
                fields=["facet", "value", "unit", "date", "person_id"],
                include=["region"],
                name="first_attendance_scope",
            ),
            # a scope's people who came on or after a day (their last day), with their first day and region
            models.Index(
                fields=["unit", "last"],
                include=["person_id", "date", "region"],
                condition=models.Q(facet=0),
                name="first_attendance_last",
            ),
            # a subtree's people who came on or after a day, from the index alone (aggregates.SUBTREE)
            models.Index(
                fields=["unit", "last"],
                include=["date", "region"],
                condition=models.Q(facet=0, value=1),
                name="first_attendance_subtree_last",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.unit_id or '*'}/{self.facet}:{self.value}: {self.date}"


class Attachment(ChangeLoggedModel):
    """A photo or document of an activity, kept under the media folder."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="activities/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    scope_field = "activity__unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.caption or self.file.name.rsplit("/", 1)[-1]
