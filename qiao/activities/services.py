"""Rules for activities and participations: saving, adding people, attendance, and the figures.

Figures (see `figures()`):
    batches        activities in the set
    registered     participations not cancelled
    person_times   attended participations (人次)
    people         distinct people who attended (人)
    first_timers   people who attended, whose first attended participation in the scope falls in
                   the period — the scope being the units whose activities the reader may see (or
                   the unit filtered on, with its sub-units); "in the period" means on or after
                   the period's first day (an activity's own figures use its start date)
    declared_first attended participations whose list said "first visit"; reported beside
                   first_timers, never mixed into it
    by_region      distinct people who attended, by region of origin
    by_role        attended participations by role
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import scoping, services
from qiao.people.models import Person

from .models import Activity, Participation, ParticipationStatus

ATTENDED = ParticipationStatus.ATTENDED


# ---------------------------------------------------------------- activities


def save_activity(user, activity: Activity, **m2m) -> Activity:
    """Create or update an activity; its participations follow its unit and date."""

    def after(saved: Activity) -> None:
        if saved.registration_open and not saved.registration_token:
            saved.registration_token = secrets.token_urlsafe(12)
            saved.save(update_fields=["registration_token"])
        Participation.objects.filter(activity=saved).exclude(unit=saved.unit_id, date=saved.start_date).update(
            unit=saved.unit_id, date=saved.start_date
        )

    return services.save(user, activity, m2m={k: v for k, v in m2m.items() if v is not None}, after=after)


def _may_change(user, activity: Activity) -> None:
    if not Activity.objects.restrict(user, "change").filter(pk=activity.pk).exists():
        raise PermissionDenied(_("You may not change this activity."))


def add_participant(
    user,
    activity: Activity,
    person: Person,
    *,
    role: str = "participant",
    status: str = "registered",
    first_visit_declared: bool | None = None,
    source: str = "manual",
    notes: str = "",
) -> tuple[Participation, bool]:
    """Put `person` on the activity's list (once). Returns (participation, created)."""
    with services.writing():
        _may_change(user, activity)
        if not Person.objects.restrict(user).filter(pk=person.pk).exists():
            raise PermissionDenied(_("You may not see this person."))
        participation, created = Participation.objects.get_or_create(
            activity=activity,
            person=person,
            defaults={
                "role": role,
                "status": status,
                "first_visit_declared": first_visit_declared,
                "source": source,
                "notes": notes,
                "checked_in_at": timezone.now() if status == ATTENDED else None,
            },
        )
    return participation, created


def set_status(user, participation: Participation, status: str) -> Participation:
    """Mark attendance (check-in), absence or cancellation."""
    if status not in ParticipationStatus.values:
        raise ValidationError(_("Unknown status."))
    with services.writing():
        _may_change(user, participation.activity)
        participation = Participation.objects.select_for_update().get(pk=participation.pk)
        participation.status = status
        if status == ATTENDED and participation.checked_in_at is None:
            participation.checked_in_at, participation.checked_in_by = timezone.now(), user
        participation.save()
    return participation


def remove_participant(user, participation: Participation) -> None:
    with services.writing():
        _may_change(user, participation.activity)
        participation.delete()


# ---------------------------------------------------------------- check-in codes


def _luhn(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def checkin_code(participation: Participation) -> str:
    """A participant's check-in code: the participation number and a Luhn check digit, so that a
    mistyped or misread code is refused rather than checking in someone else."""
    number = str(participation.pk)
    return f"{number}{_luhn(number)}"


def participation_id(code: str) -> int | None:
    """The participation a check-in code names, or None for a code with a wrong check digit."""
    code = "".join(ch for ch in str(code) if ch.isdigit())
    if len(code) < 2 or _luhn(code[:-1]) != int(code[-1]):
        return None
    return int(code[:-1])


# ---------------------------------------------------------------- figures


def scope_units(user, unit=None) -> frozenset[int] | None:
    """The units a reader's figures look at: what they may see, narrowed to `unit`'s subtree."""
    visible = scoping.unit_ids(user, "view")
    if unit is None:
        return visible
    from qiao.core.models import Unit

    subtree = set(Unit.objects.filter(path__startswith=unit.path).values_list("id", flat=True))
    return frozenset(subtree) if visible is None else frozenset(subtree & set(visible))


def _in_scope(queryset, units):
    return queryset if units is None else queryset.filter(unit__in=units)


def figures(
    user,
    activities,
    *,
    since: datetime.date | None = None,
    unit=None,
) -> dict:
    """The figures of a set of activities (a filtered list, a series, a programme, one activity).

    `since` is the first day of the period the first-timers are counted for; None counts everyone
    who attended as a first-timer unless they attended something in scope before the set's first day.

    Two passes over the participations, whatever the size of the set: one grouped by role (the
    counts of rows), one over the distinct people who attended, read from the people table and
    grouped by region (people, first-timers). The participations are looked up through their
    copies of the activity's unit and date as well (see models), bounded by the set's units and
    first and last days, so the database reads the index range of the period, not the whole table."""
    units = scope_units(user, unit)
    bounds = activities.order_by().aggregate(first=Min("start_date"), last=Max("start_date"))
    totals = {"registered": 0, "person_times": 0, "declared_first": 0, "first_timers": 0, "people": 0}
    totals.update(batches=activities.count(), by_region={}, by_role={})
    if bounds["first"] is None:
        return totals
    set_units = activities.order_by().values("unit_id").distinct()
    rows = Participation.objects.filter(
        activity__in=activities.values("pk"), unit__in=set_units, date__gte=bounds["first"], date__lte=bounds["last"]
    )
    attended = rows.filter(status=ATTENDED)
    for role, registered, person_times, declared in (
        rows.values_list("role")
        .annotate(
            registered=Count("pk", filter=~Q(status=ParticipationStatus.CANCELLED)),
            person_times=Count("pk", filter=Q(status=ATTENDED)),
            declared_first=Count("pk", filter=Q(status=ATTENDED, first_visit_declared=True)),
        )
        .order_by()
    ):
        totals["registered"] += registered
        totals["person_times"] += person_times
        totals["declared_first"] += declared
        if person_times:
            totals["by_role"][role] = person_times
    since = since or bounds["first"]
    # every participation of the set is on or after `since`: a person who attended is a first-timer
    # unless they attended in scope before it, counted in the same pass as the people by region
    everyone = since <= bounds["first"]
    earlier = _in_scope(Participation.objects.filter(person=OuterRef("pk"), status=ATTENDED, date__lt=since), units)
    for region, people, first in (
        Person._base_manager.filter(pk__in=attended.values("person"))
        .values_list("region")
        .annotate(n=Count("pk"), first=Count("pk", filter=~Exists(earlier)) if everyone else Value(0))
        .order_by()
    ):
        totals["by_region"][region] = people
        totals["people"] += people
        totals["first_timers"] += first
    if not everyone:
        totals["first_timers"] = _first_timers(activities, since, units).count()
    return totals


def _first_timers(activities, since, units):
    """Distinct people (a values queryset of "person") who attended one of `activities` on or after
    `since` and attended nothing in scope before it; None when the set is empty."""
    if since is None:
        since = activities.order_by("start_date").values_list("start_date", flat=True).first()
        if since is None:
            return None
    earlier = _in_scope(Participation.objects.filter(person=OuterRef("pk"), status=ATTENDED, date__lt=since), units)
    came = Participation.objects.filter(activity__in=activities.values("pk"), status=ATTENDED, date__gte=since)
    return (
        Person._base_manager.filter(pk__in=came.values("person"))
        .exclude(Exists(earlier))
        .values(person=F("pk"))
        .order_by()
    )


def first_timer_ids(user, activities, *, since: datetime.date | None = None, unit=None) -> set[int]:
    """The people counted as first-timers by `figures()`."""
    first = _first_timers(activities, since, scope_units(user, unit))
    return set() if first is None else {row["person"] for row in first}


def history_of(user, person: Person) -> Iterable[Participation]:
    """A person's participations in every activity the reader may see, newest first."""
    return (
        Participation.objects.restrict(user)
        .filter(person=person, activity__deleted_at__isnull=True)
        .select_related("activity", "activity__kind", "activity__unit")
        .order_by("-date", "-id")
    )
