"""Linkage quality and speed on a synthetic delegation list with known ground truth.

    qiao synth --people 100000                       # a registry
    qiao synth --incoming in.xlsx --rows 10000       # a list: ~70 % known people written differently
    python bench/linkage_bench.py in.xlsx            # reads in.truth.csv beside it

Reports precision and recall of automatic links, the review-queue share, and rows per second of
linkage alone (reading, validating and writing are measured with the import pipeline).
"""

import csv
import datetime
import os
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from qiao import identity  # noqa: E402
from qiao.core.demo.incoming import KIND_LABELS, REGION_LABELS  # noqa: E402
from qiao.people import linkage  # noqa: E402
from qiao.people.models import Person  # noqa: E402

KINDS = {label: kind for kind, label in KIND_LABELS.items()}
REGIONS = {label: code for code, label in REGION_LABELS.items()}


def incoming(values) -> linkage.Incoming:
    name, latin, gender, birth, kind_label, number, phone, _email, region = (values + [None] * 9)[:9]
    documents = []
    if kind_label and number:
        kind = KINDS[kind_label]
        documents.append((kind, identity.normalize_document(kind, str(number))))
    if isinstance(birth, datetime.datetime):
        birth = birth.date()
    return linkage.Incoming(
        name=name or "",
        name_latin=latin or "",
        birth_date=birth or None,
        gender={"男": "M", "女": "F"}.get(gender or "", ""),
        documents=documents,
        phones=[phone] if phone else [],
        region=REGIONS.get(region or "", ""),
    )


def main(path: str, batch: int = 500) -> None:
    sheet = load_workbook(path, read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    with open(path.rsplit(".", 1)[0] + ".truth.csv", encoding="utf-8") as handle:
        truth = [(int(r["person_id"]) if r["person_id"] else None, r["variation"]) for r in csv.DictReader(handle)]
    records = [incoming(r) for r in rows]
    started = time.perf_counter()
    decisions = []
    for start in range(0, len(records), batch):
        decisions += linkage.link(records[start : start + batch])
    elapsed = time.perf_counter() - started
    outcome = Counter()
    by_variation = Counter()
    for decision, (person_id, variation) in zip(decisions, truth, strict=True):
        if decision.outcome == "link":
            correct = decision.person.pk == person_id
            outcome["auto_correct" if correct else "auto_wrong"] += 1
            by_variation[(variation, "link" if correct else "WRONG")] += 1
        else:
            outcome[decision.outcome] += 1
            by_variation[(variation, decision.outcome)] += 1
    known = sum(1 for person_id, _v in truth if person_id)
    auto = outcome["auto_correct"] + outcome["auto_wrong"]
    print(
        f"database: {connection.vendor}; registry: {Person.objects.count():,} people; rows: {len(rows):,} "
        f"({known:,} known, {len(rows) - known:,} new)"
    )
    print(f"linkage: {elapsed:.1f} s, {len(rows) / elapsed:,.0f} rows/s")
    print(
        f"automatic links: {auto:,}; precision {outcome['auto_correct'] / max(auto, 1):.4f}; "
        f"recall {outcome['auto_correct'] / max(known, 1):.4f}"
    )
    print(f"review queue: {outcome['review']:,} rows ({outcome['review'] / len(rows):.1%}); new: {outcome['new']:,}")
    for variation in sorted({v for v, _o in by_variation}):
        parts = ", ".join(f"{o} {n}" for (v, o), n in sorted(by_variation.items()) if v == variation)
        print(f"  {variation:<15} {parts}")


if __name__ == "__main__":
    main(sys.argv[1])
