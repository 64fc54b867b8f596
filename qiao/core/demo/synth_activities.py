"""Synthetic activities and participations at scale, with ground truth for the figures.

Years of history (2019 to 2026, fewer activities in 2020–2022), the kinds and batch sizes the
offices see (delegations of 10–60, talks of 20–150 with 1–3 speakers, internship batches of
15–30, events up to 500), talks in series with numbered editions, a programme, partner
organisations and target groups on some activities. Most participants attended; some registered
(everyone, for an activity still to come), were absent or cancelled. A minority of people come
many times (heavy-tailed weights) and most people come to activities near their own unit.

Like `synth.people`, this bypasses the services layer on purpose: activities are bulk-created,
participations inserted as arrays (PostgreSQL `unnest`) or with executemany (SQLite), with the
activity's `unit` and `date` copied as `Activity.save` callers keep them; no change history. The
stored aggregates of the figures (`qiao.activities.aggregates`) are computed again at the end, in
bulk, from every participation.

Ground truth: activities are generated in date order, so a person's first attended participation
in a scope is the first one generated. For each scope (the whole network and every unit's subtree)
the generator counts first attendances by day, independently of the database; `truth()` turns
them into the first-timer figures `figures()` must report for a unit filter and a period.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import itertools
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from qiao.core import search

from .synth import ensure_network

YEARS = {2019: 1.0, 2020: 0.35, 2021: 0.45, 2022: 0.55, 2023: 1.2, 2024: 1.5, 2025: 1.7, 2026: 1.8}

# code: (share of activities, smallest, largest, typical size, main role, source)
KINDS = {
    "delegation": (20, 10, 60, 30, "participant", "import"),
    "exchange-visit": (14, 10, 60, 28, "participant", "import"),
    "talk": (16, 20, 150, 55, "participant", "registration"),
    "field-visit": (10, 8, 40, 20, "participant", "manual"),
    "event": (9, 30, 500, 110, "participant", "registration"),
    "training-camp": (7, 20, 80, 40, "participant", "import"),
    "internship-batch": (8, 15, 30, 22, "intern", "import"),
    "policy-consultation": (6, 10, 40, 20, "participant", "manual"),
    "matchmaking": (6, 10, 80, 35, "participant", "registration"),
    "investment-promotion": (4, 20, 150, 60, "participant", "registration"),
}
SERIES = [("学长说", "talk"), ("湾区青年说", "talk"), ("学长行", "field-visit")]
PROGRAMME = ("万名青年到惠州", datetime.date(2023, 1, 1), datetime.date(2026, 12, 31), 10000)
PROGRAMME_KINDS = {"delegation", "exchange-visit", "field-visit", "training-camp", "internship-batch"}
PLACES = ["惠州", "深圳", "香港", "澳门", "广州", "台北", "新加坡", "惠州仲恺高新区", "惠州大亚湾", "东莞", "珠海"]
ORIGINS = ["香港", "澳门", "台湾", "海外华裔", "港澳", "留学归国"]
STATUS = (("attended", 0.86), ("absent", 0.06), ("cancelled", 0.04), ("registered", 0.04))


@dataclass
class Truth:
    """First attendances by day for each scope (None: the whole network; else a unit id whose
    subtree is the scope), attended participations and activities by day and unit."""

    first: dict = field(default_factory=lambda: defaultdict(Counter))
    attended: Counter = field(default_factory=Counter)  # (unit id, date) → attended participations
    batches: Counter = field(default_factory=Counter)  # (unit id, date) → activities
    seen: dict = field(default_factory=lambda: defaultdict(set))


def _sizes(rng: random.Random, kinds: list[str], target: int | None) -> list[int]:
    """A batch size per activity from its kind (skewed towards the typical size, events heavy-tailed),
    scaled so that they add up to about `target` when one is given."""
    sizes = []
    for code in kinds:
        _share, low, high, typical, _role, _source = KINDS[code]
        if code == "event":
            size = low + int(rng.paretovariate(1.6) * (typical - low) * 0.4)
        else:
            size = int(rng.triangular(low, high, typical))
        sizes.append(min(max(size, low), high))
    if target:
        scale = target / max(sum(sizes), 1)
        sizes = [max(1, round(size * scale)) for size in sizes]
        drift = target - sum(sizes)  # rounding: spread the difference one by one
        step = 1 if drift > 0 else -1
        for index in itertools.islice(itertools.cycle(range(len(sizes))), abs(drift)):
            if sizes[index] + step >= 1:
                sizes[index] += step
    return sizes


def _dates(rng: random.Random, count: int) -> list[datetime.date]:
    years, weights = list(YEARS), list(YEARS.values())
    days = []
    for year in rng.choices(years, weights, k=count):
        start = datetime.date(year, 1, 1).toordinal()
        day = datetime.date.fromordinal(start + rng.randrange(datetime.date(year, 12, 31).toordinal() - start + 1))
        if day.weekday() == 6 and rng.random() < 0.7:  # fewer activities on Sundays
            day -= datetime.timedelta(days=1)
        days.append(day)
    return days


class _People:
    """Weighted draws of people: 35 % of the registry never takes part; the others have Pareto
    weights (a few people come dozens of times). 70 % of a list comes from people owned in the
    activity's base subtree, the rest from anywhere."""

    def __init__(self, rng: random.Random, rows: list[tuple[int, int]], base_of: dict[int, int]):
        active = [(pk, unit) for pk, unit in rows if rng.random() >= 0.35]
        weights = [min(rng.paretovariate(1.15), 200.0) for _ in active]
        self.everyone = self._pool([pk for pk, _u in active], weights)
        by_base = defaultdict(lambda: ([], []))
        for (pk, unit), weight in zip(active, weights, strict=True):
            base = base_of.get(unit)
            if base is not None:
                by_base[base][0].append(pk)
                by_base[base][1].append(weight)
        self.local = {base: self._pool(ids, w) for base, (ids, w) in by_base.items()}
        self.rng = rng

    @staticmethod
    def _pool(ids, weights):
        return ids, list(itertools.accumulate(weights))

    def draw(self, base: int | None, size: int) -> list[int]:
        rng = self.rng
        local = self.local.get(base)
        size = min(size, len(self.everyone[0]))
        chosen: dict[int, None] = {}
        while len(chosen) < size:
            missing = size - len(chosen)
            near = sum(1 for _ in range(missing) if rng.random() < 0.7) if local else 0
            if near:
                chosen.update(dict.fromkeys(rng.choices(local[0], cum_weights=local[1], k=near)))
            ids, cum = self.everyone
            chosen.update(dict.fromkeys(rng.choices(ids, cum_weights=cum, k=missing - near)))
        return list(chosen)[:size]


ROLES = ["participant", "speaker", "guest", "leader", "staff", "intern"]
STATUSES = [name for name, _share in STATUS]
ROW_COLUMNS = ("activity", "person_id", "role", "status", "first_visit_declared", "checked_in")
NULLABLE = ("first_visit_declared", "checked_in")
ACTIVITY_COLUMNS = ("activity_id", "unit_id", "date", "moment", "created", "source")


def _array(values: list, nullable: bool = False) -> str:
    """A PostgreSQL array literal of integers (or booleans and nulls): joined in C, parsed by the
    server, several times faster than psycopg dumping a list value by value."""
    if not nullable:
        return "{" + ",".join(map(str, values)) + "}"
    text = {None: "NULL", True: "t", False: "f"}
    return "{" + ",".join(text[v] if v is None or v is True or v is False else str(v) for v in values) + "}"


def _insert_participations(rows: dict[str, list], activities: dict[str, list]) -> None:
    """Insert participations given as per-row arrays (the activity as an index into the per-activity
    arrays, role and status as indexes into ROLES and STATUSES, check-in as minutes after 9:00) and
    per-activity arrays (id, unit, date, 9:00 that day, creation stamp, source)."""
    from qiao.activities.models import Participation

    table = connection.ops.quote_name(Participation._meta.db_table)
    columns = (
        "activity_id, person_id, unit_id, date, role, status, source, first_visit_declared, checked_in_at, "
        "created, updated, notes"
    )
    if connection.vendor == "postgresql":
        # one statement per chunk, its parameters as binary arrays: the values are neither quoted
        # nor parsed as text, and the columns shared by an activity's rows are sent once per activity
        sql = (
            f"INSERT INTO {table} ({columns}) "
            "SELECT a.activity_id, r.person_id, a.unit_id, a.date, (%b::text[])[r.role], (%b::text[])[r.status], "
            "a.source, r.declared, a.moment + make_interval(mins => r.checked_in), a.created, a.created, '' "
            "FROM unnest(%s::int[], %s::bigint[], %s::int[], %s::int[], %s::boolean[], %s::int[]) "
            "AS r(i, person_id, role, status, declared, checked_in) "
            "JOIN unnest(%b::bigint[], %b::bigint[], %b::date[], %b::timestamptz[], %b::timestamptz[], %b::text[]) "
            "WITH ORDINALITY AS a(activity_id, unit_id, date, moment, created, source, i) USING (i)"
        )
        params = [
            ROLES,
            STATUSES,
            *(_array(rows[n], n in NULLABLE) for n in ROW_COLUMNS),
            *(activities[n] for n in ACTIVITY_COLUMNS),
        ]
        with search.server_cursor() as cursor:
            cursor.execute(sql, params)
        return
    adapt = connection.ops.adapt_datetimefield_value
    shared = [
        (pk, unit, day.isoformat(), moment, adapt(created), source)
        for pk, unit, day, moment, created, source in zip(*(activities[n] for n in ACTIVITY_COLUMNS), strict=True)
    ]
    values = []
    for index, person, role, status, declared, minutes in zip(*(rows[n] for n in ROW_COLUMNS), strict=True):
        pk, unit, day, moment, created, source = shared[index - 1]
        checked = None if minutes is None else adapt(moment + datetime.timedelta(minutes=minutes))
        values.append(
            (pk, person, unit, day, ROLES[role - 1], STATUSES[status - 1], source, declared, checked, created, created)
        )
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 11)}, '')", values)


def _superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


@contextlib.contextmanager
def _without_secondary_indexes(table: str, keep: tuple[str, ...]):
    """PostgreSQL bulk load: drop the table's indexes other than `keep` and build them again at the
    end (sorting ten million rows once is much cheaper than ten million random index inserts)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        dropped = [(name, sql) for name, sql in cursor.fetchall() if name not in keep]
        for name, _sql in dropped:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _name, sql in dropped:
                cursor.execute(sql)
            cursor.execute(f"ANALYZE {table}")


def generate(
    count: int,
    *,
    participations: int | None = None,
    mean_size: float | None = None,
    seed: int = 1,
    batch: int = 2000,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> Truth:
    """Add `count` activities over the existing people and units, with about `participations`
    participations in all (or `mean_size` per activity; else each kind's typical size)."""
    from qiao.activities.defaults import ensure
    from qiao.activities.models import ActivityKind, Participation, Programme, Series, TargetGroup
    from qiao.core.models import Unit
    from qiao.orgs.models import Organization
    from qiao.people.models import Person

    rng = random.Random(seed)
    today = today or datetime.date.today()
    ensure()
    ensure_network()
    units = list(Unit.objects.order_by("path"))
    centre = min(units, key=lambda u: len(u.path))
    subtree_of = {u.pk: [v.pk for v in units if v.path.startswith(u.path)] for u in units}
    ancestors = {u.pk: [v.pk for v in units if u.path.startswith(v.path)] for u in units}  # itself included
    base_of = {}  # unit → the child of the centre it belongs to (None for the centre)
    for unit in units:
        chain = [v for v in units if unit.path.startswith(v.path) and v.pk != centre.pk]
        base_of[unit.pk] = min(chain, key=lambda v: len(v.path)).pk if chain else None
    owners = [u for u in units if u.pk != centre.pk]
    owner_weights = [1.0 if u.parent_id == centre.pk else 0.5 for u in owners]
    started = time.monotonic()

    people = _People(rng, list(Person.objects.order_by("pk").values_list("pk", "unit_id")), base_of)
    if progress:
        progress(f"people: {len(people.everyone[0]):,} who take part, in {time.monotonic() - started:.1f} s")
    kinds = {k.code: k for k in ActivityKind.objects.filter(code__in=KINDS)}
    groups = list(TargetGroup.objects.values_list("pk", flat=True))
    partners = list(Organization.objects.order_by("pk").values_list("pk", flat=True)[:3000])
    partner_cum = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(partners))))

    with transaction.atomic():
        name, start, end, goal = PROGRAMME
        programme = Programme.objects.create(unit=centre, name=name, start_date=start, end_date=end, goal=goal)
        series = {}
        for base in (u for u in owners if u.parent_id == centre.pk):
            for title, kind in SERIES:
                series[(base.pk, kind)] = series.get((base.pk, kind), []) + [
                    Series.objects.create(unit=base, name=f"{title}·{base.name}", kind=kinds[kind])
                ]
        search.write_keys(
            ContentType.objects.get_for_model(Series).pk, {s.pk: s.search_keys() for v in series.values() for s in v}
        )
        search.write_keys(ContentType.objects.get_for_model(Programme).pk, {programme.pk: programme.search_keys()})

    codes = list(KINDS)
    chosen_kinds = rng.choices(codes, [KINDS[c][0] for c in codes], k=count)
    target = participations or (round(mean_size * count) if mean_size else None)
    sizes = _sizes(rng, chosen_kinds, target)
    specs = sorted(zip(_dates(rng, count), chosen_kinds, sizes, strict=True), key=lambda spec: spec[0])
    truth = Truth()
    added = 0
    with contextlib.ExitStack() as stack:
        bulk = connection.vendor == "postgresql" and _superuser()
        if bulk and (target or sum(sizes)) >= 1_000_000:
            table = Participation._meta.db_table
            keep = (f"{table}_pkey", "participation_once_per_activity")
            stack.enter_context(_without_secondary_indexes(table, keep))
            if progress:
                progress("participations: secondary indexes dropped for the load, built again at the end")
        added = _load(rng, specs, count, batch, kinds, owners, owner_weights, base_of, ancestors, series, programme,
                      groups, partners, partner_cum, people, today, truth, bulk, progress, started)  # fmt: skip
    from qiao.activities import aggregates

    stored = aggregates.rebuild()  # the figures' stored tallies and first attendances, in bulk
    if progress:
        progress(f"stored figures: {stored['tallies']:,} tallies, {stored['first_attendances']:,} first attendances")
        progress(f"done: {added:,} participations in {time.monotonic() - started:.1f} s")
    truth.subtree_of = subtree_of
    truth.units = {u.pk: u.code or f"unit-{u.pk}" for u in units}
    truth.centre = centre.pk
    return truth


def _load(rng, specs, count, batch, kinds, owners, owner_weights, base_of, ancestors, series, programme, groups,
          partners, partner_cum, people, today, truth, bulk, progress, started) -> int:  # fmt: skip
    from qiao.activities.models import Activity

    editions = Counter()
    activity_type = ContentType.objects.get_for_model(Activity).pk
    added = 0
    for offset in range(0, count, batch):
        chunk = specs[offset : offset + batch]
        rows, m2m = [], []
        for day, code, _size in chunk:
            owner = rng.choices(owners, owner_weights)[0]
            base = base_of[owner.pk]
            fields = {}
            pool = series.get((base, code)) if base is not None else None
            if pool and rng.random() < 0.5:
                one = rng.choice(pool)
                editions[one.pk] += 1
                fields.update(series=one, edition=editions[one.pk])
            if code in PROGRAMME_KINDS and PROGRAMME[1] <= day <= PROGRAMME[2] and rng.random() < 0.3:
                fields["programme"] = programme
            span = {"field-visit": 2, "training-camp": 6, "internship-batch": 60, "delegation": 3}.get(code, 0)
            origin = rng.choice(ORIGINS)
            kind = kinds[code]
            title = f"{fields['series'].name}" if "series" in fields else f"{origin}青年{kind.name}"
            rows.append(
                Activity(
                    unit=owner,
                    kind=kind,
                    title=title[:200],
                    start_date=day,
                    end_date=day + datetime.timedelta(days=rng.randint(0, span)) if span else None,
                    place=rng.choice(PLACES),
                    **fields,
                )
            )
            m2m.append(
                (
                    rng.sample(groups, rng.choice((1, 1, 2))) if groups and rng.random() < 0.6 else [],
                    list(set(rng.choices(partners, cum_weights=partner_cum, k=rng.randint(1, 3))))
                    if partners and rng.random() < 0.3
                    else [],
                )
            )
        with transaction.atomic():
            if bulk:  # the ids come from the database: skip the foreign-key triggers of the load
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            created = Activity.objects.bulk_create(rows, batch_size=1000)
            if created and created[0].pk is None:  # backends without RETURNING: read the ids back
                last = Activity.all_objects.order_by("-pk").values_list("pk", flat=True)[: len(created)]
                for activity, pk in zip(created, reversed(list(last)), strict=True):
                    activity.pk = pk
            targets = Activity.target_groups.through
            partner_rows = Activity.partners.through
            targets.objects.bulk_create(
                [
                    targets(activity_id=a.pk, targetgroup_id=g)
                    for a, (gs, _p) in zip(created, m2m, strict=True)
                    for g in gs
                ],
                batch_size=5000,
            )
            partner_rows.objects.bulk_create(
                [
                    partner_rows(activity_id=a.pk, organization_id=o)
                    for a, (_g, orgs) in zip(created, m2m, strict=True)
                    for o in orgs
                ],
                batch_size=5000,
            )
            search.write_keys(activity_type, {a.pk: a.search_keys() for a in created})
            rows, shared = _participations(rng, created, chunk, people, base_of, ancestors, today, truth)
            _insert_participations(rows, shared)
            added += len(rows["person_id"])
        if progress:
            done = offset + len(chunk)
            rate = added / max(time.monotonic() - started, 1e-6)
            progress(f"activities: {done:,}/{count:,}; participations: {added:,} ({rate:,.0f}/s)")
    return added


def _participations(rng, activities, specs, people, base_of, ancestors, today, truth) -> tuple[dict, dict]:
    """The participations of `activities` as arrays (see `_insert_participations`), counted into
    `truth` as they go."""
    rows = {name: [] for name in ROW_COLUMNS}
    shared = {name: [] for name in ACTIVITY_COLUMNS}
    indexes, person_ids, roles, statuses, declared, checked = (rows[n] for n in ROW_COLUMNS)
    status_codes = [STATUSES.index(name) + 1 for name, _share in STATUS]
    status_cum = list(itertools.accumulate(share for _name, share in STATUS))
    attended_code, registered_code = STATUSES.index("attended") + 1, STATUSES.index("registered") + 1
    total, draw, find = status_cum[-1], rng.random, bisect.bisect
    first, seen = truth.first, truth.seen
    for number, (activity, (day, code, size)) in enumerate(zip(activities, specs, strict=True), start=1):
        _share, _low, _high, _typical, role, source = KINDS[code]
        unit = activity.unit_id
        scopes = [(seen[scope], first[scope]) for scope in (None, *ancestors[unit])]
        everyone = seen[None]
        chosen = people.draw(base_of[unit], size)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        for name, value in zip(
            ACTIVITY_COLUMNS,
            (activity.pk, unit, day, moment, moment - datetime.timedelta(days=rng.randint(1, 20)), source),
            strict=True,
        ):
            shared[name].append(value)
        future = day > today
        special = {"talk": ("speaker", rng.randint(1, 3)), "delegation": ("leader", rng.randint(1, 2))}.get(code)
        special = special or (("guest", rng.randint(0, 5)) if code in ("event", "matchmaking") else (None, 0))
        main_role = ROLES.index(role) + 1
        special_role = ROLES.index(special[0]) + 1 if special[0] else main_role
        imported = source == "import"
        attended = 0
        for index, person in enumerate(chosen):
            status = registered_code if future else status_codes[find(status_cum, draw() * total)]
            indexes.append(number)
            person_ids.append(person)
            roles.append(special_role if index < special[1] else main_role)
            statuses.append(status)
            if status == attended_code:
                attended += 1
                checked.append(index % 90)
                new = person not in everyone
                for people_seen, counter in scopes:
                    if person not in people_seen:
                        people_seen.add(person)
                        counter[day] += 1
                declared.append((new if draw() < 0.9 else not new) if imported else None)
            else:
                checked.append(None)
                declared.append(None)
        truth.attended[(unit, day)] += attended
        truth.batches[(unit, day)] += 1
    return rows, shared


def periods() -> list[tuple[str, datetime.date, datetime.date]]:
    """The periods the ground truth is written for: all years, each year, some quarters and months."""
    first, last = min(YEARS), max(YEARS)
    found = [("all", datetime.date(first, 1, 1), datetime.date(last, 12, 31))]
    found += [(str(y), datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y in YEARS]
    for year in (2020, 2024, 2026):
        for quarter in range(4):
            start = datetime.date(year, 3 * quarter + 1, 1)
            end = datetime.date(year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1) - datetime.timedelta(days=1)
            found.append((f"{year}Q{quarter + 1}", start, end))
    found.append(("2025-07", datetime.date(2025, 7, 1), datetime.date(2025, 7, 31)))
    found.append(("2023-2024", datetime.date(2023, 1, 1), datetime.date(2024, 12, 31)))
    return found


def truth(result: Truth, *, periods_of=periods) -> list[dict]:
    """Ground-truth figures: for the whole network (unit None) and each unit's subtree, and each
    period, the first-timers, person-times and batches that `figures()` must report for activities
    filtered on that unit and start date between the period's ends (since = the first day)."""
    answers = []
    for scope in (None, *result.units):
        units = set(result.subtree_of[scope]) if scope is not None else None
        for label, start, end in periods_of():
            first = sum(n for day, n in result.first[scope].items() if start <= day <= end)
            inside = [key for key in result.batches if start <= key[1] <= end and (units is None or key[0] in units)]
            answers.append(
                {
                    "unit": result.units[scope] if scope is not None else None,
                    "period": label,
                    "date_from": start.isoformat(),
                    "date_to": end.isoformat(),
                    "first_timers": first,
                    "person_times": sum(result.attended[key] for key in inside),
                    "batches": sum(result.batches[key] for key in inside),
                }
            )
    return answers


def write_truth(result: Truth, path: str) -> int:
    answers = truth(result)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(answers, handle, ensure_ascii=False, indent=1)
    return len(answers)
