"""A delegation sheet of 500 rows added to an activity through the import pipeline, end to end:
upload (read the file), check (parse, validate, link every row to the registry, store the report),
commit (link again, write the new people and one participation per person). All in one
transaction that is rolled back, so the database is left as it was and the run can be repeated.

    qiao synth --people 1000000 --organizations 10000
    qiao synth --activities 250000 --participations 10000000
    python bench/delegation_bench.py [--rows 500] [--repeat 3] [--user NAME]

The sheet comes from `qiao synth --incoming`'s generator: about 70 % people already in the
registry written the way other offices write them, the rest new people. The activity is a new
delegation of synth-base-1 on 2026-06-01. The user defaults to the first superuser (as the
import command does); with --user, a member of synth-base-1 links against what that user may see.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from qiao.activities import services as activity_services  # noqa: E402
from qiao.activities.models import Activity, ActivityKind, Participation  # noqa: E402
from qiao.core.context import acting  # noqa: E402
from qiao.core.demo import incoming  # noqa: E402
from qiao.core.models import Unit, User  # noqa: E402
from qiao.imports import services  # noqa: E402
from qiao.people.models import Person  # noqa: E402


def once(user, unit, data: bytes, filename: str, queries: bool) -> dict:
    with transaction.atomic():
        with acting(user=user, source="command"):
            activity = activity_services.save_activity(
                user,
                Activity(
                    unit=unit,
                    kind=ActivityKind.objects.get(code="delegation"),
                    title="基准测试交流团",
                    start_date="2026-06-01",
                ),
            )
        ticks = [time.perf_counter()]
        with CaptureQueriesContext(connection) as captured:
            batch = services.upload(user, unit, "participations", filename, data, activity=activity)
            ticks.append(time.perf_counter())
            batch = services.check(user, batch)
            ticks.append(time.perf_counter())
            batch = services.commit_batch(user, batch, skip_invalid=True)
            ticks.append(time.perf_counter())
        assert batch.status == "committed", (batch.status, batch.error)
        result = {
            "upload": ticks[1] - ticks[0],
            "check": ticks[2] - ticks[1],
            "commit": ticks[3] - ticks[2],
            "total": ticks[3] - ticks[0],
            "counts": batch.counts,
            "written": batch.written,
            "participations": Participation.objects.filter(activity=activity).count(),
            "queries": len(captured.captured_queries),
        }
        if queries:
            slow = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:10]
            for query in slow:
                print(f"    {float(query['time']) * 1000:8.1f} ms  {query['sql'][:300]}")
        transaction.set_rollback(True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--user", default="")
    parser.add_argument("--queries", action="store_true", help="print the ten slowest queries of each run")
    args = parser.parse_args()
    if args.user:
        user = User.objects.get(username=args.user)
    else:
        user = User.objects.filter(is_superuser=True).order_by("pk").first()
        user = user or User.objects.create_superuser("bench-root", password=None)
    unit = Unit.objects.get(code="synth-base-1")
    started = time.perf_counter()
    path = Path(tempfile.mkdtemp()) / "delegation.xlsx"
    incoming.write(incoming.generate(args.rows, seed=args.seed), str(path))
    data = path.read_bytes()
    print(
        f"database: {connection.vendor}; {Person.objects.count():,} people, {Participation.objects.count():,} "
        f"participations; sheet of {args.rows} rows made in {time.perf_counter() - started:.1f} s; user {user}"
    )
    runs = []
    for number in range(args.repeat):
        result = once(user, unit, data, path.name, args.queries)
        runs.append(result)
        print(
            f"run {number + 1}: upload {result['upload']:.2f} s, check {result['check']:.2f} s, "
            f"commit {result['commit']:.2f} s, total {result['total']:.2f} s; {result['queries']} queries; "
            f"rows {result['counts']}; written {result['written']}; participations {result['participations']}",
            flush=True,
        )
    for step in ("upload", "check", "commit", "total"):
        values = sorted(r[step] for r in runs)
        print(f"{step}: median {statistics.median(values):.2f} s, max {values[-1]:.2f} s")


if __name__ == "__main__":
    main()
