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
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import scoping, services
from qiao.people.models import Person

from .models import Activity, ActivityTally, Facet, FirstAttendance, Participation, ParticipationStatus

ATTENDED = ParticipationStatus.ATTENDED


# ---------------------------------------------------------------- activities


def save_activity(user, activity: Activity, m2m: dict | None = None, **more) -> Activity:
    """Create or update an activity; its participations follow its unit and date, and the stored
    figures of its people follow its unit, date, kind, programme and target groups (Activity.save,
    and a signal for the target groups). The many-to-many values come as keywords (the forms) or as
    `m2m` (the API's serializers)."""
    m2m = {**(m2m or {}), **more}

    def after(saved: Activity) -> None:
        if saved.registration_open and not saved.registration_token:
            saved.registration_token = secrets.token_urlsafe(12)
            saved.save(update_fields=["registration_token"])

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


WHOLE = 2000  # from this many activities, look whether a set is all of a scope's or a facet's
TAIL = -1  # `_whole`: the set is the scope's activities from a day on (its people: rows with a later last day)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _network(units) -> frozenset[int] | None:
    """The scope's units, or None when they are every unit (the whole network's stored rows)."""
    if units is not None:
        from qiao.core.models import Unit

        if len(units) == Unit.objects.count():
            return None
    return units


def _scope_rows(units, alias: str = "") -> tuple[str, list, bool]:
    """The SQL condition on a scope's FirstAttendance rows (ANY), its parameters, and whether a
    person may have several rows in it (one per unit) rather than one (the whole network's)."""
    condition = f"{alias}facet = {Facet.ANY} AND {alias}value = 0 AND "
    if units is None:
        return f"{condition}{alias}unit_id IS NULL", [], False
    if not units:
        return "1 = 0", [], False
    return f"{condition}{alias}unit_id IN ({', '.join(['%s'] * len(units))})", sorted(units), True


def subtree_rows(units, alias: str = "") -> tuple[str, list] | None:
    """When the scope is one unit and everything below it (a base with its offices; the units a user sees from a
    membership): the SQL condition on its subtree's FirstAttendance rows, one per person (aggregates.SUBTREE), and
    its parameter; else None."""
    from qiao.core.models import Unit

    from .aggregates import SUBTREE

    if not units:
        return None
    paths = dict(Unit.objects.filter(pk__in=units).values_list("pk", "path"))
    if len(paths) != len(units):
        return None
    top = min(paths, key=lambda pk: len(paths[pk]))
    if any(not path.startswith(paths[top]) for path in paths.values()):
        return None
    if Unit.objects.filter(path__startswith=paths[top]).count() != len(paths):
        return None
    return f"{alias}facet = {Facet.ANY} AND {alias}value = {SUBTREE} AND {alias}unit_id = %s", [top]


def _in_scope(queryset, units):
    return queryset if units is None else queryset.filter(unit__in=units)


def live_tallies(units, start: datetime.date | None = None, end: datetime.date | None = None, kinds=()):
    """The stored tallies of the scope's live activities from `start` to `end` (either open), of `kinds` (all when
    empty), selected by their copies of their activity's day, unit, kind and trash state: no activity read. The
    same rows as the tallies of those activities, which `figures(tallies=…)` takes in place of a join."""
    tallies = _in_scope(ActivityTally.objects.filter(live=True), units)
    if start is not None:
        tallies = tallies.filter(date__gte=start)
    if end is not None:
        tallies = tallies.filter(date__lte=end)
    if kinds:
        tallies = tallies.filter(kind__in=list(kinds))
    return tallies.order_by()


def _attended(units, start: datetime.date | None = None, end: datetime.date | None = None) -> int:
    """The person-times of the scope's live activities from `start` to `end` (either open), from the
    tallies' copies of their activity's day and unit (one index range, no activity read)."""
    return live_tallies(units, start, end).aggregate(n=Sum("attended"))["n"] or 0


def _whole(units, head: dict, chosen, person_times: int) -> tuple[int, int] | None:
    """(facet, value) when the set is every live activity of the scope (Facet.ANY) or, for the
    whole network, of one kind, year, programme or target group: then its people are the stored
    rows of that facet. The counts prove it: the set is live and in scope, and all of it has the
    facet (from `head`), and as many live activities in scope have it as the set has (for a year: or
    as many person-times). (TAIL, its first day) when the set is every live activity of the scope from
    its first to its last day, and the scope's later activities have no attendance: its people are the scope's
    ANY rows with a last day on or after it (this year so far, a running total to today)."""
    batches = head["batches"]
    if batches < WHOLE or head["inside"] != batches:
        return None
    live = Activity.objects.all()
    in_scope = _in_scope(live, units)
    if in_scope.count() == batches:
        return Facet.ANY, 0
    if in_scope.filter(start_date__range=(head["first"], head["last"])).count() == batches and not _attended(
        units, head["last"] + datetime.timedelta(days=1)
    ):  # everything from a day on, and nobody came after the set (this year so far, a running total)
        return TAIL, head["first"]
    if units is not None:  # facets are stored for the whole network only
        return None
    if head["kinds"] == 1 and live.filter(kind=head["the_kind"]).count() == batches:
        return Facet.KIND, head["the_kind"]
    year = head["first"].year
    if head["last"].year == year:
        in_year = live.filter(start_date__year=year)
        if in_year.count() == batches or _attended(None, datetime.date(year, 1, 1), datetime.date(year, 12, 31)) == (
            person_times
        ):
            # every activity of the year, or every one with someone who came (the year's other
            # activities, after today say, have no attendance): the year's people
            return Facet.YEAR, year
    programme = head["the_programme"]
    if head["programmes"] == 1 and head["in_programme"] == batches:
        if live.filter(programme=programme).count() == batches:
            return Facet.PROGRAMME, programme
        return None
    # a target group: one of the groups of any one activity of the set, with as many live activities
    # as the set, all of them in the set
    links = Activity.target_groups.through.objects
    one = chosen.order_by()[:1]
    for group in links.filter(activity__in=one).values_list("targetgroup_id", flat=True):
        if (
            live.filter(target_groups=group).count() == batches
            and links.filter(targetgroup_id=group, activity__in=chosen).count() == batches
        ):
            return Facet.GROUP, group
    return None


def figures(
    user,
    activities,
    *,
    since: datetime.date | None = None,
    unit=None,
    tallies=None,
) -> dict:
    """The figures of a set of activities (a filtered list, a series, a programme, one activity).

    `since` is the first day of the period the first-timers are counted for; None counts everyone
    who attended as a first-timer unless they attended something in scope before the set's first day.

    A few queries, and at most one reads participations: the set's size, first and last days (and
    whether it is all of a scope or facet, see `_whole`); the sums of its activities' stored
    tallies by role (registered, person-times, declared first visits); and its distinct attendees
    by region — from the attended participations' index, or the stored rows of its scope or facet —
    joined with the scope's first attendances before `since` (who came before is no first-timer).
    See `aggregates` for the stored rows and how they stay exact.

    `tallies`: the stored tallies of exactly these activities, when the caller can select them by their own
    copies of the activity's day, unit and trash state (a metric's scope and period: an index range) rather than
    through the set (a join with every activity of it)."""
    units = _network(scope_units(user, unit))
    activities = activities.order_by()
    chosen = activities.values("pk")
    live_in_scope = Q(deleted_at__isnull=True) if units is None else Q(deleted_at__isnull=True, unit__in=units)
    head = activities.values("pk", "start_date", "unit", "deleted_at", "kind", "programme").aggregate(
        batches=Count("pk"),
        live=Count("pk", filter=Q(deleted_at__isnull=True)),
        inside=Count("pk", filter=live_in_scope),
        first=Min("start_date"),
        last=Max("start_date"),
        the_kind=Min("kind"),
        last_kind=Max("kind"),
        the_programme=Min("programme"),
        last_programme=Max("programme"),
        in_programme=Count("programme"),
    )
    # one kind (programme) or several: the least and the greatest tell, without counting distinct values (a sort)
    for name, facet in (("kinds", "kind"), ("programmes", "programme")):
        least, greatest = head[f"the_{facet}"], head[f"last_{facet}"]
        head[name] = 0 if least is None else 1 if least == greatest else 2
    totals = {"registered": 0, "person_times": 0, "declared_first": 0, "first_timers": 0, "people": 0}
    totals.update(batches=head["batches"], by_region={}, by_role={}, first_by_region={})
    if head["first"] is None:
        return totals
    if tallies is None:
        tallies = ActivityTally.objects.filter(activity__in=chosen)
    for role, registered, person_times, declared in (
        tallies.values_list("role").annotate(Sum("registered"), Sum("attended"), Sum("declared_first")).order_by()
    ):
        totals["registered"] += registered
        totals["person_times"] += person_times
        totals["declared_first"] += declared
        if person_times:
            totals["by_role"][role] = person_times
    since = since or head["first"]
    # when every participation of the set is on or after `since`, a person who attended is a
    # first-timer unless they attended in scope before it: counted in the same pass as the people
    # by region; else apart
    earlier = since if since <= head["first"] else datetime.date.min
    whole = _whole(units, head, chosen, totals["person_times"])
    if whole is not None and whole[0] != Facet.ANY:  # the network's first day, to choose how to count
        head["first_ever"] = Activity.objects.aggregate(first=Min("start_date"))["first"]
    sql, params = _people_by_region(units, whole, chosen, head, totals["person_times"], earlier)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # hash the distinct people in memory, not in batches on disk
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        for region, people, before in cursor.fetchall():
            totals["by_region"][region] = people
            totals["people"] += people
            totals["first_timers"] += people - before
            totals["first_by_region"][region] = people - before
    if earlier != since:
        totals["first_timers"] = len(_first_timers(chosen, since, units))
        totals["first_by_region"] = None  # counted apart, not by region
    return totals


LOOKUP = 5_000  # up to this many person-times, look each attendee's stored rows up; above, join them all


def _people_by_region(units, whole, chosen, head: dict, person_times: int, since: datetime.date) -> tuple[str, list]:
    """SQL and parameters (in the order of their places in the text) for (region, people, people
    who came to something in scope before `since`) of the set.

    Every person who attended a live activity has stored ANY rows: one for the whole network and
    one per unit, each with their region. The people of a set that is all of a scope or a facet
    (`whole`) are that scope's or facet's rows; else they are its distinct attended participations,
    and each one's region and first day in scope come from their stored rows: looked up one by one
    for a few (`person_times` up to LOOKUP), or all of the scope's rows joined for many.
    A set with activities in the trash (whose people may have no stored row) takes the region from
    the people table and the earlier visits from the scope's rows."""
    firsts = _table(FirstAttendance)
    scope, scope_params, several = _scope_rows(units)
    network = _scope_rows(None)[0]
    before = "COUNT(CASE WHEN {} < %s THEN 1 END)"
    per_person = (
        f"SELECT person_id, MIN(region) AS region, MIN(date) AS first FROM {firsts} WHERE {scope} GROUP BY person_id"
    )
    if whole == (Facet.ANY, 0) and not several:
        sql = f"SELECT region, COUNT(*), {before.format('date')} FROM {firsts} WHERE {network} GROUP BY region"
        return sql, [since]
    subtree = subtree_rows(units) if several and whole is not None and whole[0] in (Facet.ANY, TAIL) else None
    if whole == (Facet.ANY, 0) and subtree:  # one row per person, as the network's
        sql = f"SELECT region, COUNT(*), {before.format('date')} FROM {firsts} WHERE {subtree[0]} GROUP BY region"
        return sql, [since, *subtree[1]]
    if whole == (Facet.ANY, 0):
        return f"SELECT region, COUNT(*), {before.format('first')} FROM ({per_person}) d GROUP BY region", [
            since,
            *scope_params,
        ]
    if whole is not None and whole[0] == TAIL:  # the scope's people whose last day is on or after the set's first
        if not several:
            sql = (
                f"SELECT region, COUNT(*), {before.format('date')} FROM {firsts} WHERE facet = {Facet.ANY} "
                "AND unit_id IS NULL AND last >= %s GROUP BY region"
            )
            return sql, [since, whole[1]]
        if subtree:
            sql = (
                f"SELECT region, COUNT(*), {before.format('date')} FROM {firsts} WHERE {subtree[0]} "
                "AND last >= %s GROUP BY region"
            )
            return sql, [since, *subtree[1], whole[1]]
        day = whole[1]
        if since == day or (
            since < day and not _attended(units, since, day - datetime.timedelta(days=1))
        ):  # nobody came between `since` and the set: who came before `since` = the people - the first-timers
            # (without `value = 0`, always so on ANY rows: the partial index on (unit, last) answers alone)
            recent = f"facet = {Facet.ANY} AND unit_id IN ({', '.join(['%s'] * len(scope_params))}) AND last >= %s"
            sql = (
                f"SELECT p.region, p.n, p.n - COALESCE(f.n, 0) FROM (SELECT region, COUNT(*) AS n FROM "
                f"(SELECT person_id, MIN(region) AS region FROM {firsts} WHERE {recent} GROUP BY person_id) d "
                f"GROUP BY region) p LEFT JOIN (SELECT region, COUNT(*) AS n FROM (SELECT person_id, MIN(region) AS "
                f"region FROM {firsts} WHERE {scope} AND date >= %s GROUP BY person_id) d WHERE NOT EXISTS (SELECT 1 "
                f"FROM {firsts} b WHERE {_scope_rows(units, 'b.')[0]} AND b.person_id = d.person_id AND b.date < %s) "
                "GROUP BY region) f ON f.region = p.region"
            )
            return sql, [*scope_params, day, *scope_params, since, *scope_params, since]
        sql = (
            f"SELECT region, COUNT(*), {before.format('first')} FROM (SELECT person_id, MIN(region) AS region, "
            f"MIN(date) AS first FROM {firsts} WHERE {scope} GROUP BY person_id HAVING MAX(last) >= %s) d "
            "GROUP BY region"
        )
        return sql, [since, *scope_params, day]
    if whole is not None:  # a facet of the whole network: who came before, from their network row
        if since - head["first_ever"] <= head["last"] - since:  # probably few came before: count those
            came_before = f"SELECT person_id FROM {firsts} WHERE {network} AND date < %s"
            count, params = "COUNT(e.person_id)", [since]
        else:  # probably few first came between `since` and the set's last day (first-timers): count those
            came_before = f"SELECT person_id FROM {firsts} WHERE {network} AND date BETWEEN %s AND %s"
            count, params = "COUNT(*) - COUNT(e.person_id)", [since, head["last"]]
        sql = (
            f"SELECT f.region, COUNT(*), {count} FROM {firsts} f LEFT JOIN ({came_before}) e "
            "ON e.person_id = f.person_id WHERE f.facet = %s AND f.value = %s AND f.unit_id IS NULL GROUP BY f.region"
        )
        return sql, [*params, *whole]
    came, came_params = _attendees(chosen)
    if head["live"] != head["batches"]:
        distinct = "DISTINCT " if several else ""
        sql = (
            f"SELECT p.region, COUNT(*), COUNT(e.person_id) FROM ({came}) d "
            f"INNER JOIN {_table(Person)} p ON p.id = d.person_id "
            f"LEFT JOIN (SELECT {distinct}person_id FROM {firsts} WHERE {scope} AND date < %s) e "
            "ON e.person_id = d.person_id GROUP BY p.region"
        )
        return sql, [*came_params, *scope_params, since]
    if person_times <= LOOKUP:
        mine = f"FROM {firsts} f WHERE f.person_id = d.person_id AND"
        region = f"(SELECT f.region {mine} {_scope_rows(None, 'f.')[0]})"
        first = f"(SELECT MIN(f.date) {mine} {_scope_rows(units, 'f.')[0]})"
        sql = (
            f"SELECT region, COUNT(*), {before.format('first')} FROM "
            f"(SELECT {region} AS region, {first} AS first FROM ({came}) d) x GROUP BY region"
        )
        return sql, [since, *scope_params, *came_params]
    if several and head["inside"] == head["batches"]:  # all in scope: each attendee has rows there
        subtree = subtree_rows(units, "f.")
        if subtree:  # one row per person in the subtree: its region and first day there, no grouping
            sql = (
                f"SELECT f.region, COUNT(*), {before.format('f.date')} FROM ({came}) d "
                f"INNER JOIN {firsts} f ON f.person_id = d.person_id AND {subtree[0]} GROUP BY f.region"
            )
            return sql, [since, *came_params, *subtree[1]]
        sql = (
            f"SELECT f.region, COUNT(*), {before.format('f.first')} FROM ({came}) d "
            f"INNER JOIN ({per_person}) f ON f.person_id = d.person_id GROUP BY f.region"
        )
        return sql, [since, *came_params, *scope_params]
    region = f"INNER JOIN {firsts} f ON f.person_id = d.person_id AND {_scope_rows(None, 'f.')[0]}"
    if not several:
        sql = f"SELECT f.region, COUNT(*), {before.format('f.date')} FROM ({came}) d {region} GROUP BY f.region"
        return sql, [since, *came_params]
    sql = (
        f"SELECT f.region, COUNT(*), COUNT(e.person_id) FROM ({came}) d {region} "
        f"LEFT JOIN (SELECT DISTINCT person_id FROM {firsts} WHERE {scope} AND date < %s) e "
        "ON e.person_id = d.person_id GROUP BY f.region"
    )
    return sql, [*came_params, *scope_params, since]


def _attendees(chosen, since: datetime.date | None = None) -> tuple[str, list]:
    """SQL for the distinct people who attended one of the activities `chosen` (on or after `since`)."""
    came = Participation.objects.filter(activity__in=chosen, status=ATTENDED)
    if since is not None:
        came = came.filter(date__gte=since)
    sql, params = came.values("person_id").distinct().order_by().query.sql_with_params()
    return sql, list(params)


def _first_timers(chosen, since: datetime.date, units) -> set[int]:
    """The people who attended one of the activities `chosen` on or after `since` and attended
    nothing in scope before it."""
    came, came_params = _attendees(chosen, since)
    scope, scope_params, _several = _scope_rows(units, "f.")
    sql = (
        f"SELECT d.person_id FROM ({came}) d WHERE NOT EXISTS (SELECT 1 FROM {_table(FirstAttendance)} f "
        f"WHERE f.person_id = d.person_id AND {scope} AND f.date < %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*came_params, *scope_params, since])
        return {person for (person,) in cursor.fetchall()}


def first_timer_ids(user, activities, *, since: datetime.date | None = None, unit=None) -> set[int]:
    """The people counted as first-timers by `figures()`."""
    activities = activities.order_by()
    since = since or activities.aggregate(first=Min("start_date"))["first"]
    if since is None:
        return set()
    return _first_timers(activities.values("pk"), since, _network(scope_units(user, unit)))


def history_of(user, person: Person) -> Iterable[Participation]:
    """A person's participations in every activity the reader may see, newest first."""
    return (
        Participation.objects.restrict(user)
        .filter(person=person, activity__deleted_at__isnull=True)
        .select_related("activity", "activity__kind", "activity__unit", "unit")  # the table's unit column
        .order_by("-date", "-id")
    )
