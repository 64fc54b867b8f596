"""Stored aggregates behind `services.figures()`, kept exact on every write.

Two tables, both derived from the participations and never edited by hand:

    ActivityTally      per activity and role: participations not cancelled, attended, attended with
                       a self-declared first visit (person-times and the counts by role of any set
                       of activities are sums over its activities' rows)
    FirstAttendance    per person: the day of their first attended participation in a live activity
                       (not in the trash) of each unit, and of the whole network; and for the whole
                       network, of each kind, target group, programme and year they came to (the
                       first-timers of any scope and period, and the people of every activity of a
                       scope or of such a facet, without reading their participations)

`refresh(activities=…, people=…)` computes the rows of the given activities and people again from
their participations, in the caller's transaction, after locking those activities and people (so
two writers of one person's participations cannot both write what each saw alone). The write paths
call it: `Participation.save`, every deletion of a participation (a signal, see apps.py),
`Activity.save` when the unit, date, kind, programme or trash state changed, changes of an
activity's target groups (a signal), person merges (`Participation.after_merge`), the participations
import (bulk insert); `qiao synth --activities` rebuilds both tables in bulk (`rebuild()`), which
also serves `qiao activity_figures --rebuild`. `differences()` compares the tables with a
recomputation (`qiao activity_figures --check`, and the tests).

A person's ANY rows come three ways: one per unit (`value` 0), one for the whole network (`unit` NULL), and one
per *subtree* (`value` SUBTREE, `unit` the subtree's top: the unit and everything below it), so that the people
of a base with its offices are one row each, as the network's are, and are counted without grouping by person
(bench/RESULTS.md, issue 10: 420–690 ms to group 626,000 rows of a base and its office, against an index-only
count). A unit moved elsewhere in the network rebuilds the subtree rows (`rebuild_subtrees()`, apps.py).

FirstAttendance rows carry a copy of the person's region (so that the figures by region read no
people): a database trigger on the people table keeps it equal to the person's however people are
written (`REGION_TRIGGER`; created by migration 0005, put back after any migrate that lost it).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import BigIntegerField, BooleanField, Count, DateField, ExpressionWrapper, F, Max, Min, Q, Value
from django.db.models.functions import Cast, ExtractYear

from .models import Activity, ActivityTally, Facet, FirstAttendance, Participation, ParticipationStatus

ATTENDED = ParticipationStatus.ATTENDED
SUBTREE = 1  # `value` of the ANY rows of a unit's subtree (per-unit rows have 0)
CHUNK = 500  # ids per statement
TALLY_COLUMNS = (
    "activity_id",
    "role",
    "date",
    "unit_id",
    "kind_id",
    "live",
    "registered",
    "attended",
    "declared_first",
)


def _ids(values: Iterable) -> list[int]:
    return sorted({int(v) for v in values if v is not None})


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _tally_rows(participations):
    """(activity, role, the activity's date, unit, kind and whether it is live, registered, attended,
    declared first) of `participations`, as a queryset."""
    return (
        participations.values(
            "activity_id",
            "role",
            "date",
            "unit_id",
            the_kind=F("activity__kind_id"),
            is_live=ExpressionWrapper(Q(activity__deleted_at__isnull=True), output_field=BooleanField()),
        )
        .annotate(
            registered=Count("pk", filter=~Q(status=ParticipationStatus.CANCELLED)),
            attended=Count("pk", filter=Q(status=ATTENDED)),
            declared=Count("pk", filter=Q(status=ATTENDED, first_visit_declared=True)),
        )
        .order_by()
    )


def _live_attended():
    return Participation.objects.filter(status=ATTENDED, activity__deleted_at__isnull=True)


FIRST_COLUMNS = ("person_id", "unit_id", "value", "region", "date", "last")


def _firsts(attended, *, unit: bool = False, value=None):
    """(person, unit or NULL, value, region, first day, last day for ANY rows else NULL) of the
    attended participations given, as a queryset grouped by person (and unit or value)."""
    number = BigIntegerField()
    return (
        attended.values(
            "person_id",
            in_unit=F("unit_id") if unit else Cast(Value(None), number),
            facet_value=Cast(Value(0), number) if value is None else Cast(value, number),
            person_region=F("person__region"),
        )
        .annotate(first=Min("date"), last=Max("date") if value is None else Cast(Value(None), DateField()))
        .order_by()
    )


def _first_rows(attended) -> list[tuple[int, object]]:
    """The FirstAttendance rows of the attended participations given, as (facet, queryset selecting
    FIRST_COLUMNS) per kind of row."""
    return [
        (Facet.ANY, _firsts(attended, unit=True)),
        (Facet.ANY, _firsts(attended)),
        (Facet.KIND, _firsts(attended, value=F("activity__kind_id"))),
        (
            Facet.PROGRAMME,
            _firsts(attended.filter(activity__programme__isnull=False), value=F("activity__programme_id")),
        ),
        (
            Facet.GROUP,
            _firsts(attended.filter(activity__target_groups__isnull=False), value=F("activity__target_groups")),
        ),
        (Facet.YEAR, _firsts(attended, value=ExtractYear("date"))),
    ]


def _insert_firsts(cursor, facet: int, queryset) -> None:
    """INSERT the rows the queryset selects (FIRST_COLUMNS) with their facet."""
    sql, params = queryset.query.sql_with_params()
    names = ", ".join(_quote(c) for c in (*FIRST_COLUMNS, "facet"))
    table = _quote(FirstAttendance._meta.db_table)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT q.*, {int(facet)} FROM ({sql}) q", params)


def _insert_tallies(cursor, queryset) -> None:
    sql, params = queryset.query.sql_with_params()
    names = ", ".join(_quote(c) for c in TALLY_COLUMNS)
    cursor.execute(f"INSERT INTO {_quote(ActivityTally._meta.db_table)} ({names}) {sql}", params)


REGION_TRIGGER = "activities_first_attendance_region"
_UPDATE_REGION = (
    "UPDATE activities_firstattendance SET region = NEW.region WHERE person_id = NEW.id AND unit_id IS NULL; "
    "UPDATE activities_firstattendance SET region = NEW.region WHERE person_id = NEW.id AND unit_id IS NOT NULL;"
)
TRIGGER_SQL = {
    "postgresql": [
        f"CREATE OR REPLACE FUNCTION {REGION_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {_UPDATE_REGION} RETURN NULL; END $$",
        f"CREATE TRIGGER {REGION_TRIGGER} AFTER UPDATE OF region ON people_person FOR EACH ROW "
        f"WHEN (OLD.region IS DISTINCT FROM NEW.region) EXECUTE FUNCTION {REGION_TRIGGER}()",
    ],
    "sqlite": [
        f"CREATE TRIGGER {REGION_TRIGGER} AFTER UPDATE OF region ON people_person FOR EACH ROW "
        f"WHEN OLD.region IS NOT NEW.region BEGIN {_UPDATE_REGION} END",
    ],
}
DROP_TRIGGER_SQL = {
    "postgresql": [
        f"DROP TRIGGER IF EXISTS {REGION_TRIGGER} ON people_person",
        f"DROP FUNCTION IF EXISTS {REGION_TRIGGER}()",
    ],
    "sqlite": [f"DROP TRIGGER IF EXISTS {REGION_TRIGGER}"],
}
SYNC_REGIONS = {
    "postgresql": "UPDATE activities_firstattendance f SET region = p.region FROM people_person p "
    "WHERE p.id = f.person_id AND f.region IS DISTINCT FROM p.region",
    "sqlite": "UPDATE activities_firstattendance SET region = (SELECT p.region FROM people_person p "
    "WHERE p.id = activities_firstattendance.person_id) WHERE region IS NOT (SELECT p.region FROM people_person p "
    "WHERE p.id = activities_firstattendance.person_id)",
}


def ensure_region_trigger(using: str = "default") -> bool:
    """Create the trigger that keeps FirstAttendance.region equal to the person's, when it is missing
    (SQLite drops a table's triggers when a migration rebuilds the table), and then bring the copies
    up to date. Returns whether it was missing. Called after every `migrate` (apps.py)."""
    from django.db import connections

    db = connections[using]
    if db.vendor not in TRIGGER_SQL:
        return False
    tables = db.introspection.table_names()
    if FirstAttendance._meta.db_table not in tables or "people_person" not in tables:
        return False
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s AND NOT tgisinternal", [REGION_TRIGGER])
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [REGION_TRIGGER])
        if cursor.fetchone():
            return False
        with transaction.atomic(using=using):
            for sql in TRIGGER_SQL[db.vendor]:
                cursor.execute(sql)
            cursor.execute(SYNC_REGIONS[db.vendor])
    return True


def refresh(*, activities: Iterable = (), people: Iterable = ()) -> None:
    """Compute the stored rows of these activities (tallies) and people (first attendances) again."""
    activities, people = _ids(activities), _ids(people)
    if not activities and not people:
        return
    from qiao.people.models import Person

    tally, first = ActivityTally._meta.db_table, FirstAttendance._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(activities), CHUNK):
            chunk = activities[start : start + CHUNK]
            locked = Activity._base_manager.select_for_update(no_key=True).filter(pk__in=chunk).order_by("pk")
            list(locked.values_list("pk"))
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {_quote(tally)} WHERE activity_id IN ({marks})", chunk)
            _insert_tallies(cursor, _tally_rows(Participation.objects.filter(activity_id__in=chunk)))
        for start in range(0, len(people), CHUNK):
            chunk = people[start : start + CHUNK]
            locked = Person._base_manager.select_for_update(no_key=True).filter(pk__in=chunk).order_by("pk")
            regions = dict(locked.values_list("pk", "region"))
            # write only the rows that changed: a new participation changes a few of a person's rows
            fresh = _first_attendances(chunk, regions)
            stored = {}
            for in_unit in (False, True):  # each through its partial unique index
                rows = FirstAttendance.objects.filter(person_id__in=chunk, unit__isnull=not in_unit)
                for pk, *key, day, last, region in rows.values_list(
                    "pk", "person_id", "unit_id", "facet", "value", "date", "last", "region"
                ):
                    stored[tuple(key)] = (pk, day, last, region)
            gone = [pk for key, (pk, *row) in stored.items() if fresh.get(key) != tuple(row)]
            for part in range(0, len(gone), CHUNK):
                marks = ", ".join(["%s"] * len(gone[part : part + CHUNK]))
                cursor.execute(f"DELETE FROM {_quote(first)} WHERE id IN ({marks})", gone[part : part + CHUNK])
            FirstAttendance.objects.bulk_create(
                [
                    FirstAttendance(
                        person_id=p, unit_id=unit, facet=facet, value=value, date=day, last=last, region=region
                    )
                    for (p, unit, facet, value), (day, last, region) in fresh.items()
                    if stored.get((p, unit, facet, value), (None,))[1:] != (day, last, region)
                ],
                batch_size=2000,
            )


def _first_attendances(people: list[int], regions: dict[int, str]) -> dict[tuple, tuple]:
    """The FirstAttendance rows of these people, {(person, unit, facet, value): (date, last, region)},
    from one read of their attended participations (what `_first_rows` selects in SQL for `rebuild()`,
    computed here for a few people at a time)."""
    first: dict[tuple, object] = {}
    last: dict[tuple, object] = {}

    def keep(key, day):
        if key not in first or day < first[key]:
            first[key] = day
        if key[2] == Facet.ANY and (key not in last or day > last[key]):
            last[key] = day

    lines = _unit_lines()
    attended = _live_attended().filter(person_id__in=people)
    for person, unit, day, kind, programme, group in attended.values_list(
        "person_id", "unit_id", "date", "activity__kind_id", "activity__programme_id", "activity__target_groups"
    ).order_by():  # a participation once per target group of its activity (or once with None)
        if group is not None:
            keep((person, None, Facet.GROUP, group), day)
        keep((person, unit, Facet.ANY, 0), day)
        for top in lines.get(unit, ()):
            keep((person, top, Facet.ANY, SUBTREE), day)
        keep((person, None, Facet.ANY, 0), day)
        keep((person, None, Facet.KIND, kind), day)
        keep((person, None, Facet.YEAR, day.year), day)
        if programme is not None:
            keep((person, None, Facet.PROGRAMME, programme), day)
    return {key: (day, last.get(key), regions.get(key[0], "")) for key, day in first.items()}


def _unit_lines() -> dict[int, list[int]]:
    """{unit: the unit and every unit above it}, from the units' paths."""
    from qiao.core.models import Unit

    paths = dict(Unit.objects.values_list("pk", "path"))
    return {pk: [top for top, prefix in paths.items() if path.startswith(prefix)] for pk, path in paths.items()}


def forget_group(group_id: int) -> None:
    """A target group was deleted (its activities' links with it went too): so go its rows."""
    FirstAttendance.objects.filter(facet=Facet.GROUP, value=group_id).delete()


def _plain_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """PostgreSQL: (name, definition) of the table's indexes that back no constraint."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [table],
    )
    return cursor.fetchall()


def rebuild() -> dict[str, int]:
    """Both tables from scratch, from every participation (bulk statements). Returns the rows written.
    On PostgreSQL the first attendances' indexes are built again after the rows are in (sorting
    millions of rows once is much cheaper than as many random index inserts)."""
    tally, first = ActivityTally._meta.db_table, FirstAttendance._meta.db_table
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        indexes = []
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks of earlier writes, before TRUNCATE
            cursor.execute(f"LOCK TABLE {_quote(Participation._meta.db_table)} IN SHARE MODE")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            indexes = _plain_indexes(cursor, first)
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {_quote(name)}")
        for table in (tally, first):
            cursor.execute(f"{'TRUNCATE' if postgres else 'DELETE FROM'} {_quote(table)}")
        _insert_tallies(cursor, _tally_rows(Participation.objects.all()))
        for facet, rows in _first_rows(_live_attended()):
            _insert_firsts(cursor, facet, rows)
        cursor.execute(_INSERT_SUBTREES)
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys' checks, before the indexes
        for _name, definition in indexes:
            cursor.execute(definition)
        if postgres:
            cursor.execute(f"ANALYZE {_quote(tally)}")
            cursor.execute(f"ANALYZE {_quote(first)}")
    return {"tallies": ActivityTally.objects.count(), "first_attendances": FirstAttendance.objects.count()}


def _subtree_rows(source: str) -> str:
    """SELECT of the subtree rows (FIRST_COLUMNS, then the facet) from `source`, a query with the columns person_id,
    unit_id, region, date of attended days or of per-unit first and last days: each row counts for its unit and
    every unit above it (a unit's path begins with each of its ancestors' paths)."""
    units = _quote(Activity._meta.get_field("unit").related_model._meta.db_table)
    return (
        f"SELECT s.person_id, a.id, {SUBTREE}, MIN(s.region), MIN(s.date), MAX(s.last), {Facet.ANY} FROM ({source}) s "
        f"INNER JOIN {units} u ON u.id = s.unit_id INNER JOIN {units} a ON u.path LIKE a.path || '%%' "
        "GROUP BY s.person_id, a.id"
    )


_FIRSTS = _quote(FirstAttendance._meta.db_table)
_INSERT_SUBTREES = (
    f"INSERT INTO {_FIRSTS} ({', '.join(_quote(c) for c in (*FIRST_COLUMNS, 'facet'))}) "
    + _subtree_rows(
        f"SELECT person_id, unit_id, region, date, last FROM {_FIRSTS} "
        f"WHERE facet = {Facet.ANY} AND value = 0 AND unit_id IS NOT NULL"
    ).replace("%%", "%")
)


def rebuild_subtrees() -> int:
    """The subtree rows again from the per-unit rows (after a unit moved in the network); returns how many."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_FIRSTS} WHERE facet = {Facet.ANY} AND value = {SUBTREE}")
        cursor.execute(_INSERT_SUBTREES)
        return cursor.rowcount


def _recomputed_firsts() -> tuple[str, list]:
    """SQL (and parameters) of every FirstAttendance row recomputed from the participations, as
    (person_id, unit_id, value, region, date, facet)."""
    selects, params = [], []
    for facet, rows in _first_rows(_live_attended()):
        sql, values = rows.query.sql_with_params()
        selects.append(f"SELECT q.*, {int(facet)} FROM ({sql}) q")
        params += list(values)
    days = _live_attended().values("person_id", "unit_id", region=F("person__region"), day=F("date"))
    sql, values = days.order_by().query.sql_with_params()
    source = f"SELECT d.person_id, d.unit_id, d.region, d.day AS date, d.day AS last FROM ({sql}) d"
    selects.append(_subtree_rows(source))
    params += list(values)
    return " UNION ALL ".join(selects), params


def differences(limit: int = 20) -> list[str]:
    """Where the stored rows differ from a recomputation from the participations (empty: exact),
    compared by the database (EXCEPT both ways), at most `limit` of each kind."""
    found = []
    tally = f"SELECT {', '.join(map(_quote, TALLY_COLUMNS))} FROM {_quote(ActivityTally._meta.db_table)}"
    counted, counted_params = _tally_rows(Participation.objects.all()).query.sql_with_params()
    counted = f"SELECT * FROM ({counted}) q"
    first = f"SELECT {', '.join(FIRST_COLUMNS)}, facet FROM {_quote(FirstAttendance._meta.db_table)}"
    recomputed, recomputed_params = _recomputed_firsts()
    recomputed = f"SELECT * FROM ({recomputed}) r"
    with connection.cursor() as cursor:
        for label, stored, fresh, params in (
            ("tally (activity, role, registered, attended, declared first)", tally, counted, list(counted_params)),
            ("first attendance (person, unit, value, region, date, facet)", first, recomputed, recomputed_params),
        ):
            for side, sql, sql_params in (
                ("stored, not counted", f"{stored} EXCEPT {fresh}", params),
                ("counted, not stored", f"{fresh} EXCEPT {stored}", params),
            ):
                cursor.execute(f"SELECT * FROM ({sql}) d LIMIT {int(limit)}", sql_params)
                found += [f"{label} {side}: {row}" for row in cursor.fetchall()]
    return sorted(found)
