"""The people import's commit, bulk and row by row, on the same plan: both in a transaction that
is rolled back, so the database is left as it was.

    python bench/commit_bench.py in.xlsx [--unit synth-base-1]

Row by row is `reference_commit` from tests/test_import_bulk.py: a save_person() per row, what the
import did before it wrote in bulk (that test checks that both write the same).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from qiao.core.context import acting  # noqa: E402
from qiao.core.models import Unit, User  # noqa: E402
from qiao.imports import headers, readers, services  # noqa: E402
from tests.test_import_bulk import reference_commit  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--unit", default="synth-base-1")
    args = parser.parse_args()
    user = User.objects.filter(is_superuser=True).order_by("pk")[0]
    unit = Unit.objects.get(code=args.unit)
    path = Path(args.file)
    sheet = readers.read_table(path.read_bytes(), path.name)
    mapping = headers.guess_mapping(sheet.headers, "people")
    with acting(user=user, source="command"):
        plan = services.plan(user, sheet, mapping)
        commits = [
            ("bulk", lambda: services.commit(user, unit, plan, skip_invalid=True)),
            ("row by row", lambda: reference_commit(user, unit, plan, skip_invalid=True)),
        ]
        for name, commit in commits:
            with transaction.atomic():
                started = time.perf_counter()
                written = commit()
                print(f"{name}: {time.perf_counter() - started:.1f} s {written}", flush=True)
                transaction.set_rollback(True)


if __name__ == "__main__":
    main()
