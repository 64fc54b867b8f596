"""Issue 8's figures at a national network's scale: every metric of the catalogue (alone and with one
breakdown), the set of figures a bulletin uses, the bulletin itself and the dashboard page, as a
centre viewer (everything) and as a base's staff, for several periods; and DuckDB computing the same
figures from the same rows exported to Parquet.

    qiao synth --people 1000000 --organizations 100000
    qiao synth --activities 250000 --participations 10000000
    qiao synth --projects 100000 --cases 1000000 --services 200000
    pip install -e '.[bench]'                                   # DuckDB
    python bench/stats_bench.py --export /tmp/stats_parquet      # once: the rows to Parquet
    python bench/stats_bench.py --repeat 3 --parquet /tmp/stats_parquet [--pages]

Milliseconds: median and 95th percentile over the repeats, after one warm-up run. The users are
created on first use: bench-base (staff of synth-base-1) and bench-centre (viewer at the centre).
DuckDB reads the Parquet files with no index and no stored aggregate: people, first-timers and every
other figure are computed from the raw rows each time ("ours ÷ DuckDB" < 1: we are faster).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from qiao.core.models import Membership, Unit, User  # noqa: E402
from qiao.reports import metrics, periods  # noqa: E402

# "today" of the periods that run to today: the data's own (QIAO_BENCH_TODAY=YYYY-MM-DD), by default the local date,
# the day `qiao synth` takes as today; a fixed day before the data's last attended day makes the running totals
# periods that end before the scope's last activity, which cannot be read from the stored rows (issue 10 run)
TODAY = datetime.date.fromisoformat(
    os.environ.get("QIAO_BENCH_TODAY") or str(__import__("django.utils.timezone").utils.timezone.localdate())
)
PERIODS = {
    "ytd 2026": periods.ytd(TODAY),
    "year 2025": periods.year(2025),
    "quarter 2024Q3": periods.quarter(2024, 3),
    "month 2025-06": periods.month(2025, 6),
    "since 2019": periods.Period(datetime.date(2019, 1, 1), TODAY, "since"),
}
# the figures a bulletin's default template uses: (metric, breakdown); the same in DuckDB below
BULLETIN = [
    ("activities.batches", None),
    ("activities.person_times", None),
    ("activities.people", "region"),
    ("activities.first_timers", None),
    ("activities.batches", "kind"),
    ("activities.person_times", "month"),
    ("projects.signed", None),
    ("projects.planned_amount", None),
    ("projects.landed_amount", None),
    ("projects.in_production", None),
    ("projects.production_rate", None),
    ("projects.signed", "industry"),
    ("cases.opened", None),
    ("cases.resolved", None),
    ("cases.overdue", None),
    ("cases.median_days", None),
    ("services.records", None),
    ("services.people_served", None),
    ("registry.people", "region"),
]
MAIN_BREAKDOWN = {"region": 0, "kind": 1, "unit": 2, "month": 3, "industry": 4}


def user(username: str, unit: Unit, role: str) -> User:
    found = User.objects.filter(username=username).first()
    if found is None:
        found = User.objects.create_user(username, password="bench-only-password")
        Membership.objects.create(user=found, unit=unit, role=role)
    return found


def timed(function, repeat: int) -> tuple[float, float, object]:
    result = function()  # warm-up
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    p95 = runs[min(len(runs) - 1, round(0.95 * (len(runs) - 1)))]
    return statistics.median(runs), p95, result


BASE = "synth-base-1"  # --base


def readers():
    centre = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    base = Unit.objects.get(code=BASE)
    return [
        ("centre", user("bench-centre", centre, "viewer"), None),
        ("base staff", user("bench-base", base, "staff"), None),
    ]


# ---------------------------------------------------------------- ours


def ours_bulletin_set(reader, period):
    where = metrics.scope(reader, None, TODAY)
    found = {}
    for key, by in BULLETIN:
        figure = metrics.compute(reader, key, period, by=by, scope_=where)
        found[(key, by)] = (figure.total, {row.key: row.value for row in figure.rows})
    return found


def ours_bulletin(reader, period):
    """The real bulletin of the default template, when the bulletin module is there."""
    from qiao.reports import bulletin

    return bulletin.build(reader, period=period, unit=None, lang="zh-hans")


# ---------------------------------------------------------------- DuckDB

EXPORTS = {
    "units": "SELECT id, path FROM core_unit",
    "people": "SELECT id, unit_id, region, (created AT TIME ZONE 'Asia/Shanghai')::date AS created_on,"
    " deleted_at IS NOT NULL AS deleted FROM people_person",
    "activities": "SELECT id, unit_id, kind_id, start_date, deleted_at IS NOT NULL AS deleted FROM activities_activity",
    "participations": "SELECT activity_id, person_id, status, date, unit_id FROM activities_participation",
    "projects": "SELECT id, unit_id, origin, kind, industry_id, signed_on, stage, planned_amount,"
    " deleted_at IS NOT NULL AS deleted FROM projects_project",
    "tranches": 'SELECT project_id, "on", amount FROM projects_tranche',
    "stage_changes": 'SELECT project_id, to_stage, "on" FROM projects_stagechange',
    "cases": "SELECT id, unit_id, category, status, raised_on, resolved_on, due_date, deleted_at IS NOT NULL AS deleted"
    " FROM ledger_case",
    "services": 'SELECT unit_id, kind_id, "on", people_served, deleted_at IS NOT NULL AS deleted FROM'
    " ledger_servicerecord",
}


def export(folder: str) -> None:
    import duckdb

    os.makedirs(folder, exist_ok=True)
    for name, sql in EXPORTS.items():
        started = time.perf_counter()
        csv = os.path.join(folder, f"{name}.csv")
        copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)"
        with connection.cursor() as cursor, open(csv, "wb") as out, cursor.copy(copy_sql) as copy:
            for block in copy:
                out.write(block)
        duckdb.sql(
            f"COPY (SELECT * FROM read_csv_auto('{csv}', header=true)) TO '{folder}/{name}.parquet' (FORMAT parquet)"
        )
        os.remove(csv)
        print(f"exported {name} in {time.perf_counter() - started:.1f} s", flush=True)


class Duck:
    """The bulletin's figures computed by DuckDB from the Parquet files, from the raw rows each time."""

    def __init__(self, folder: str):
        import duckdb

        self.db = duckdb.connect()
        for name in EXPORTS:
            self.db.execute(f"CREATE VIEW {name} AS SELECT * FROM '{folder}/{name}.parquet'")

    def one(self, sql, params):
        return self.db.execute(sql, params).fetchone()

    def all(self, sql, params):
        return self.db.execute(sql, params).fetchall()

    def figures(self, units: list[int] | None, period) -> dict:
        s, e = period.start, period.end

        def within(alias=""):
            return "TRUE" if units is None else f"{alias}unit_id IN ({', '.join(map(str, units))})"

        scope = within()
        f = {}
        att = (
            f"SELECT p.person_id, p.date FROM participations p JOIN activities a ON a.id = p.activity_id "
            f"WHERE p.status = 'attended' AND NOT a.deleted AND {within('a.')}"
        )
        f["activities.batches", None] = self.one(
            f"SELECT count(*) FROM activities WHERE NOT deleted AND {scope} AND start_date BETWEEN ? AND ?", [s, e]
        )[0]
        f["activities.batches", "kind"] = dict(
            self.all(
                f"SELECT kind_id, count(*) FROM activities WHERE NOT deleted AND {scope} AND start_date BETWEEN ? AND ?"
                " GROUP BY 1",
                [s, e],
            )
        )
        f["activities.person_times", None] = self.one(
            f"SELECT count(*) FROM ({att}) x WHERE date BETWEEN ? AND ?", [s, e]
        )[0]
        f["activities.person_times", "month"] = dict(
            self.all(
                f"SELECT strftime(date, '%Y-%m'), count(*) FROM ({att}) x WHERE date BETWEEN ? AND ? GROUP BY 1", [s, e]
            )
        )
        rows = self.all(
            f"SELECT pe.region, count(*) FROM (SELECT DISTINCT person_id FROM ({att}) x WHERE date BETWEEN ? AND ?) d "
            "JOIN people pe ON pe.id = d.person_id GROUP BY 1",
            [s, e],
        )
        f["activities.people", "region"] = dict(rows)
        f["activities.first_timers", None] = self.one(
            f"SELECT count(*) FROM (SELECT person_id FROM ({att}) x GROUP BY person_id "
            "HAVING min(date) >= ? AND min(date) <= ? ) y",
            [s, e],
        )[0]
        p_scope = scope
        (
            f["projects.signed", None],
            f["projects.planned_amount", None],
            signed_on,
            f["projects.production_rate", None],
        ) = self.one(
            f"SELECT count(*), coalesce(sum(planned_amount), 0), count(*) FILTER (WHERE stage = 'in_production'), "
            f"round(100.0 * count(*) FILTER (WHERE stage = 'in_production') / nullif(count(*), 0), 1) "
            f"FROM projects WHERE NOT deleted AND {p_scope} AND signed_on BETWEEN ? AND ?",
            [s, e],
        )
        f["projects.signed", "industry"] = dict(
            self.all(
                f"SELECT industry_id, count(*) FROM projects WHERE NOT deleted AND {p_scope} "
                "AND signed_on BETWEEN ? AND ? GROUP BY 1",
                [s, e],
            )
        )
        f["projects.landed_amount", None] = self.one(
            f"SELECT coalesce(sum(t.amount), 0) FROM tranches t JOIN projects p ON p.id = t.project_id "
            f"WHERE NOT p.deleted AND {within('p.')} AND t.on BETWEEN ? AND ?",
            [s, e],
        )[0]
        f["projects.in_production", None] = self.one(
            f"SELECT count(*) FROM projects p WHERE NOT deleted AND {p_scope} AND stage = 'in_production' AND id IN "
            "(SELECT project_id FROM stage_changes WHERE to_stage = 'in_production' AND \"on\" BETWEEN ? AND ?)",
            [s, e],
        )[0]
        f["cases.opened", None] = self.one(
            f"SELECT count(*) FROM cases WHERE NOT deleted AND {scope} AND raised_on BETWEEN ? AND ?", [s, e]
        )[0]
        f["cases.resolved", None], f["cases.median_days", None] = self.one(
            f"SELECT count(*), median(resolved_on - raised_on) FROM cases WHERE NOT deleted AND {scope} "
            "AND resolved_on BETWEEN ? AND ?",
            [s, e],
        )
        f["cases.overdue", None] = self.one(
            f"SELECT count(*) FROM cases WHERE NOT deleted AND {scope} AND status IN ('open', 'in_progress') "
            "AND due_date < ?",
            [TODAY],
        )[0]
        f["services.records", None], f["services.people_served", None] = self.one(
            f"SELECT count(*), coalesce(sum(people_served), 0) FROM services WHERE NOT deleted AND {scope} "
            'AND "on" BETWEEN ? AND ?',
            [s, e],
        )
        f["registry.people", "region"] = dict(
            self.all(
                f"SELECT region, count(*) FROM people WHERE NOT deleted AND {scope} AND created_on BETWEEN ? AND ? "
                "GROUP BY 1",
                [s, e],
            )
        )
        return f


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--base", default="synth-base-1", help="Code of the unit whose staff is the base reader.")
    parser.add_argument("--export", metavar="FOLDER", help="Export the rows to Parquet in FOLDER and stop.")
    parser.add_argument("--parquet", metavar="FOLDER", help="Compare with DuckDB on the Parquet files in FOLDER.")
    parser.add_argument("--pages", action="store_true", help="Also time the dashboard page and the bulletin.")
    parser.add_argument("--metrics", action="store_true", help="Time every metric alone and with each breakdown.")
    parser.add_argument("--period", action="append", help="Only these periods (names as in PERIODS).")
    args = parser.parse_args()
    global BASE
    BASE = args.base
    if args.export:
        export(args.export)
        return
    duck = Duck(args.parquet) if args.parquet else None
    chosen = {name: p for name, p in PERIODS.items() if not args.period or name in args.period}
    print("| reader | period | what | ours p50 | ours p95 | DuckDB p50 | ours ÷ DuckDB | equal |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for label, reader, _unit in readers():
        units = metrics.scope(reader, None, TODAY).units
        units = None if units is None else sorted(units)
        for name, period in chosen.items():
            p50, p95, ours = timed(lambda reader=reader, period=period: ours_bulletin_set(reader, period), args.repeat)
            line = f"| {label} | {name} | bulletin's figures ({len(BULLETIN)}) | {p50:.0f} | {p95:.0f} |"
            if duck:
                d50, _d95, theirs = timed(lambda units=units, period=period: duck.figures(units, period), args.repeat)
                line += f" {d50:.0f} | {p50 / d50:.2f} | {compare(ours, theirs)} |"
            else:
                line += " | | |"
            print(line, flush=True)
            if args.pages:
                page(label, reader, name, period, args.repeat)
            if args.metrics:
                for key, metric in metrics.CATALOGUE.items():
                    for by in [None, *metrics.breakdowns(metric)]:
                        p50, p95, _r = timed(
                            lambda key=key, by=by, reader=reader, period=period: metrics.compute(
                                reader, key, period, by=by
                            ),
                            args.repeat,
                        )
                        flag = " **over 300 ms**" if p95 >= 300 else ""
                        print(
                            f"| {label} | {name} | {key} by {by or '—'}{flag} | {p50:.0f} | {p95:.0f} | | | |",
                            flush=True,
                        )


def page(label, reader, name, period, repeat):
    from django.test import Client

    client = Client()
    client.force_login(reader)
    params = {"period": "range", **period.as_params()}
    if period.kind == "since":
        params["period"] = "since"
    p50, p95, response = timed(lambda: client.get("/reports/", params), repeat)
    print(
        f"| {label} | {name} | dashboard page (HTTP {response.status_code}) | {p50:.0f} | {p95:.0f} | | | |", flush=True
    )
    try:
        p50, p95, _r = timed(lambda: ours_bulletin(reader, period), repeat)
        print(f"| {label} | {name} | bulletin (default template) | {p50:.0f} | {p95:.0f} | | | |", flush=True)
    except (ImportError, AttributeError, TypeError) as error:
        print(f"| {label} | {name} | bulletin: not timed ({error}) | | | | | |")


def compare(ours: dict, theirs: dict) -> str:
    """Whether DuckDB's figures equal ours; names the first that differs."""
    from decimal import Decimal

    def norm(value):
        if value is None:
            return None
        if isinstance(value, dict):
            return {("-" if k in (None, "") else str(k)): norm(v) for k, v in value.items() if v}
        if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
            return round(float(value), 1)
        return value

    for key, (total, rows) in ours.items():
        mine = norm(rows) if key[1] else norm(total)
        other = norm(theirs.get(key))
        if mine != other:
            return f"differs: {key[0]} by {key[1]} ({str(mine)[:60]} vs {str(other)[:60]})"
    return "equal"


if __name__ == "__main__":
    main()
