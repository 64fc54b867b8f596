"""Search latency at scale: the one search box and the people list, as a base's staff member.

Usage (against a database filled by `qiao synth`):
    DATABASE_URL=... python bench/search_bench.py [--repeat 20]

Prints, per query, the median and 95th percentile in milliseconds of: the search box's first page
(20 best-ranked people the user may see) and the people list's count for the same query.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from qiao.core import search  # noqa: E402
from qiao.core.models import Membership, Unit, User  # noqa: E402
from qiao.people.models import Person  # noqa: E402

QUERIES = [
    "陈大文",
    "陳大文",
    "chan tai man",
    "Tai Man CHAN",
    "chendawen",
    "cdw",
    "can daai man",
    "陈",
    "lin mei-ling",
    "wong",
    "A123456(3)",
    "+852 9123",
]


def bench_user() -> User:
    user, _ = User.objects.get_or_create(username="bench-staff")
    base = Unit.objects.filter(kind="base").order_by("pk").first()
    Membership.objects.get_or_create(user=user, unit=base, defaults={"role": "staff"})
    return user


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    user = bench_user()
    people = Person.objects.count()
    print(
        f"database: {connection.vendor}; people: {people:,}; "
        f"people visible to {user.username}: {Person.objects.restrict(user).count():,}"
    )
    print(f"{'query':<16} {'hits':>8} {'top20 p50':>10} {'top20 p95':>10} {'count p50':>10} {'count p95':>10}")
    for query in QUERIES:
        scoped = Person.objects.restrict(user)
        hits = search.search(scoped, query).count()
        top = timed(lambda q=query: list(search.search(Person.objects.restrict(user), q)[:20]), args.repeat)
        count = timed(lambda q=query: search.search(Person.objects.restrict(user), q).count(), args.repeat)
        print(f"{query:<16} {hits:>8,} {top[0]:>10.1f} {top[1]:>10.1f} {count[0]:>10.1f} {count[1]:>10.1f}")


if __name__ == "__main__":
    main()
