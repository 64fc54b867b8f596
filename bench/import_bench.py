"""Linkage quality and dry-run speed of the people import on a synthetic list with known ground truth.

    qiao synth --people 1000000                           # a registry
    qiao synth --incoming in.xlsx --rows 10000            # a list: ~70 % known people written differently
    python bench/import_bench.py in.xlsx [--user NAME]    # reads in.truth.csv beside it
    python bench/import_bench.py in.xlsx --commit synth-base-1   # and the commit, rolled back

Runs exactly what `qiao import people in.xlsx --dry-run` runs (read the file in the sandbox, guess
the columns, parse and validate every row, link it to the people the user may see) and times each
step; then compares the plan with the truth: precision and recall of automatic links ("same"),
the review queue, new people recognised as new, and the outcome per kind of change (a row counts
under each change it carries). The user defaults to the first superuser (as the command does).

With --commit UNIT it then commits the plan for that unit, as `qiao import people` does, in a
transaction that is rolled back (the database is left as it was), and reports the whole import in
process — read, parse, validate, link, write — in rows per second, with the processor time of this
process and of the database server process serving it (PostgreSQL: read from /proc, same machine),
and the WAL written: on a shared machine the wall clock alone says little.
"""

import argparse
import csv
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from qiao.core.context import acting  # noqa: E402
from qiao.core.models import Unit, User  # noqa: E402
from qiao.imports import headers, readers, services  # noqa: E402
from qiao.people.models import Person  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--user", default="")
    parser.add_argument("--commit", default="", metavar="UNIT", help="also commit (rolled back) for this unit code")
    args = parser.parse_args()
    user = (
        User.objects.get(username=args.user) if args.user else User.objects.filter(is_superuser=True).order_by("pk")[0]
    )
    path = Path(args.file)
    with open(path.with_suffix("").as_posix() + ".truth.csv", encoding="utf-8") as handle:
        truth = {
            int(r["row"]): (int(r["person_id"]) if r["person_id"] else None, r["variation"])
            for r in csv.DictReader(handle)
        }
    clocks = [_clocks()]
    ticks = [time.perf_counter()]
    sheet = readers.read_table(path.read_bytes(), path.name)
    mapping = headers.guess_mapping(sheet.headers, "people")
    ticks.append(time.perf_counter())
    with acting(user=user, source="command"):
        plan = services.plan(user, sheet, mapping)
    ticks.append(time.perf_counter())
    clocks.append(_clocks())

    outcome, by_tag = Counter(), Counter()
    for row in plan.rows:
        person_id, variation = truth[row.number]
        if row.outcome == "same":
            verdict = "link" if row.target.pk == person_id else "WRONG"
            outcome["auto_correct" if verdict == "link" else "auto_wrong"] += 1
        else:
            verdict = row.outcome
            outcome[row.outcome] += 1
            if row.outcome == "review" and person_id and any(m.target.pk == person_id for m in row.matches):
                outcome["review_has_truth"] += 1
        for tag in variation.split("+"):
            by_tag[(tag, verdict)] += 1
    rows = len(plan.rows)
    known = sum(1 for person_id, _v in truth.values() if person_id)
    auto = outcome["auto_correct"] + outcome["auto_wrong"]
    new_rows = rows - known
    new_as_new = sum(n for (tag, verdict), n in by_tag.items() if tag == "new" and verdict == "new")
    print(
        f"database: {connection.vendor}; registry: {Person.objects.count():,} people "
        f"({Person.objects.restrict(user).count():,} visible to {user.username}); rows: {rows:,} "
        f"({known:,} known, {new_rows:,} new)"
    )
    print(
        f"dry run: {ticks[2] - ticks[0]:.1f} s ({rows / (ticks[2] - ticks[0]):,.0f} rows/s): "
        f"read {ticks[1] - ticks[0]:.1f} s, parse + validate + link {ticks[2] - ticks[1]:.1f} s"
    )
    print(
        f"automatic links: {auto:,}; precision {outcome['auto_correct'] / max(auto, 1):.4f}; "
        f"recall {outcome['auto_correct'] / max(known, 1):.4f} ({outcome['auto_wrong']} wrong)"
    )
    print(
        f"review queue: {outcome['review']:,} rows ({outcome['review'] / rows:.1%}), "
        f"{outcome['review_has_truth']:,} of them known people with the right person among the proposals; "
        f"new: {outcome['new']:,}; new people recognised as new: {new_as_new:,} of {new_rows:,}; "
        f"errors: {outcome['error']}"
    )
    for tag in sorted({t for t, _v in by_tag}):
        parts = ", ".join(f"{v} {n}" for (t, v), n in sorted(by_tag.items()) if t == tag)
        print(f"  {tag:<17} {parts}")
    print(f"dry run processor time: {_spent(clocks[0], clocks[1])}")
    if args.commit:
        unit = Unit.objects.get(code=args.commit)
        with acting(user=user, source="command"), transaction.atomic():
            wal = _wal()
            started, before = time.perf_counter(), _clocks()
            written = services.commit(user, unit, plan, source=path.name, skip_invalid=True)
            ended, after = time.perf_counter(), _clocks()
            wal = _wal() - wal if wal is not None else None
            transaction.set_rollback(True)
        total = ticks[2] - ticks[0] + ended - started
        print(f"commit (rolled back): {ended - started:.1f} s, {_spent(before, after)}", end="")
        print(f", WAL {wal / 2**20:,.0f} MB" if wal is not None else "")
        print(f"  {written}")
        print(f"import end to end, in process: {total:.1f} s ({rows / total:,.0f} rows/s)")


def _clocks() -> tuple[float, float | None]:
    """(this process's processor seconds, with those of the processes it forked and waited for
    (a large dry run plans in two), the database server processes', or None)."""
    children = os.times()
    return time.process_time() + children.children_user + children.children_system, _server_seconds()


def _server_seconds() -> tuple[int, float] | None:
    """(the database server process serving this connection, its processor seconds), or None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:  # the server on another machine
        return None
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _spent(before, after) -> str:
    text = f"processor {after[0] - before[0]:.1f} s here"
    if before[1] is not None and after[1] is not None:
        if before[1][0] == after[1][0]:
            text += f" + {after[1][1] - before[1][1]:.1f} s in the database"
        else:  # a dry run in two processes closes the connection: its server processes were not watched
            text += " (and two processes: database time not measured)"
    return text


def _wal() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')")
        return int(cursor.fetchone()[0])


if __name__ == "__main__":
    main()
