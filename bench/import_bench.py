"""Linkage quality and dry-run speed of the people import on a synthetic list with known ground truth.

    qiao synth --people 1000000                           # a registry
    qiao synth --incoming in.xlsx --rows 10000            # a list: ~70 % known people written differently
    python bench/import_bench.py in.xlsx [--user NAME]    # reads in.truth.csv beside it

Runs exactly what `qiao import people in.xlsx --dry-run` runs (read the file in the sandbox, guess
the columns, parse and validate every row, link it to the people the user may see) and times each
step; then compares the plan with the truth: precision and recall of automatic links ("same"),
the review queue, new people recognised as new, and the outcome per kind of change (a row counts
under each change it carries). The user defaults to the first superuser (as the command does).
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

from django.db import connection  # noqa: E402

from qiao.core.context import acting  # noqa: E402
from qiao.core.models import User  # noqa: E402
from qiao.imports import headers, readers, services  # noqa: E402
from qiao.people.models import Person  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--user", default="")
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
    ticks = [time.perf_counter()]
    sheet = readers.read_table(path.read_bytes(), path.name)
    mapping = headers.guess_mapping(sheet.headers, "people")
    ticks.append(time.perf_counter())
    with acting(user=user, source="command"):
        plan = services.plan(user, sheet, mapping)
    ticks.append(time.perf_counter())

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


if __name__ == "__main__":
    main()
