"""The people import's commit on one plan, step by step; and row by row for comparison. Every
commit runs in a transaction that is rolled back, so the database is left as it was.

    python bench/commit_bench.py in.xlsx [--unit synth-base-1] [--repeat 2] [--rowwise]

The steps are timed by wrapping the commit's own functions (wall clock and this process's processor
time): loading the known people, their UPDATE, their search keys, creating the new people, their
search keys, the row traces, and the history entries written when the transaction block ends.
Row by row (--rowwise) is `reference_commit` from tests/test_import_bulk.py: a save_person() per
row, what the import did before it wrote in bulk (that test checks that both write the same).
"""

import argparse
import functools
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from qiao.core import history, search  # noqa: E402
from qiao.core.context import acting  # noqa: E402
from qiao.core.models import Unit, User  # noqa: E402
from qiao.imports import headers, readers, services  # noqa: E402
from qiao.imports.kinds import people  # noqa: E402
from tests.test_import_bulk import reference_commit  # noqa: E402

STEPS = [
    (people, "_load_known", "known people: read"),
    (people, "_write_fields", "known people: UPDATE"),
    (search, "update_keys", "known people: search keys changed"),
    (people, "_update_known", "known people, in all"),
    (search, "write_keys", "new people: search keys"),
    (people, "_create_new", "new people, in all"),
    (people, "_trace", "row traces"),
    (history, "_flush", "history entries"),
]


def _timed(spent: dict, module, name: str) -> None:
    original = getattr(module, name, None)
    if original is None:  # an older version of the code (to compare with)
        return

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name][0] += time.perf_counter() - wall
            spent[name][1] += time.process_time() - cpu

    setattr(module, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--unit", default="synth-base-1")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--rowwise", action="store_true", help="also commit row by row (slow)")
    args = parser.parse_args()
    user = User.objects.filter(is_superuser=True).order_by("pk")[0]
    unit = Unit.objects.get(code=args.unit)
    path = Path(args.file)
    sheet = readers.read_table(path.read_bytes(), path.name)
    mapping = headers.guess_mapping(sheet.headers, "people")
    spent: dict = defaultdict(lambda: [0.0, 0.0])
    for module, name, _label in STEPS:
        _timed(spent, module, name)
    with acting(user=user, source="command"):
        plan = services.plan(user, sheet, mapping)
        commits = [("bulk", lambda: services.commit(user, unit, plan, skip_invalid=True))] * args.repeat
        if args.rowwise:
            commits.append(("row by row", lambda: reference_commit(user, unit, plan, skip_invalid=True)))
        for name, commit in commits:
            spent.clear()
            with transaction.atomic():
                started, cpu = time.perf_counter(), time.process_time()
                written = commit()
                print(
                    f"{name}: {time.perf_counter() - started:.1f} s (processor {time.process_time() - cpu:.1f} s) "
                    f"{written}",
                    flush=True,
                )
                transaction.set_rollback(True)
            if name == "bulk":
                for _module, step, label in STEPS:
                    wall, cpu = spent[step]
                    print(f"  {label:<36} {wall:6.2f} s  (processor {cpu:.2f} s)")


if __name__ == "__main__":
    main()
