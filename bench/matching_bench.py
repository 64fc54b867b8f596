"""Speed of the matching engine: index build, query latency, freshness.

Usage (against a database filled by `qiao synth --people N --profiles N --demands M`):
    DATABASE_URL=... QIAO_MATCHING_INDEX_DIR=/tmp/idx python bench/matching_bench.py [--queries 300] [--skip-build]

Prints:
- build: `index.rebuild()` (read the database, weigh, save under QIAO_MATCHING_INDEX_DIR), seconds;
- load: a fresh process's first use (map the saved files, read the changes since the build);
- latency of `engine.candidates(demand, user, limit=20)` over the demands (at least 200), warm (each
  demand asked once before), median / p90 / p99 in ms, for a superuser and for one base's staff;
- freshness: a person is changed (a field, a degree, skills) and committed; the time until the engine
  proposes them for a demand in that field, with the default refresh period and with the refresh cost
  alone; and the time until a person who withdraws consent disappears.
"""

import argparse
import os
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from qiao.core.models import Membership, Unit, User  # noqa: E402
from qiao.matching import engine, index  # noqa: E402
from qiao.matching.models import Demand, DemandStatus, TalentProfile  # noqa: E402
from qiao.people.models import Education  # noqa: E402


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    pick = lambda q: samples[min(len(samples) - 1, int(round(q * (len(samples) - 1))))]  # noqa: E731
    return f"median {statistics.median(samples):.1f} / p90 {pick(0.9):.1f} / p99 {pick(0.99):.1f} ms"


def users() -> tuple[User, User]:
    root = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-root")
    staff, _ = User.objects.get_or_create(username="bench-match-staff")
    base = Unit.objects.filter(kind="base").order_by("pk").first()
    Membership.objects.get_or_create(user=staff, unit=base, defaults={"role": "staff"})
    return root, staff


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--freshness-timeout", type=float, default=120)
    args = parser.parse_args()
    root, staff = users()
    profiles = TalentProfile.objects.count()
    print(f"talent profiles: {profiles:,}; refresh every {settings.MATCHING_REFRESH_SECONDS:.0f} s")

    if not args.skip_build:
        started = time.monotonic()
        segment = index.rebuild(progress=lambda m: print("  " + m, flush=True))
        built = time.monotonic() - started
        print(f"build: {built:.1f} s for {len(segment):,} people who may be proposed, "
              f"{len(segment.terms.keys):,} terms, {len(segment.terms.docs):,} postings")  # fmt: skip
        del segment
    index.reset()
    started = time.monotonic()
    loaded = index.get_index()
    print(f"load: {time.monotonic() - started:.2f} s (maps the files); max RSS so far {rss_mb():.0f} MB")

    demands = list(
        Demand.objects.filter(status=DemandStatus.OPEN).order_by("pk").prefetch_related("fields")[: args.queries]
    )
    print(f"demands: {len(demands)}")
    for label, user in (("superuser", root), ("base staff", staff)):
        for demand in demands:  # warm: each demand once (taxonomy, tokens, page cache)
            engine.candidates(demand, user, limit=20)
        samples, shown = [], []
        for demand in demands:
            began = time.perf_counter()
            found = engine.candidates(demand, user, limit=20)
            samples.append((time.perf_counter() - began) * 1000)
            shown.append(len(found))
        print(
            f"latency top 20, {label}: {percentiles(samples)} (results per demand: median {statistics.median(shown)})"
        )
    print(f"max RSS {rss_mb():.0f} MB")

    # freshness: a person far down the list becomes the best fit for a demand
    demand = next(d for d in demands if d.fields.exists() and not d.degree_required)
    field = demand.fields.first()
    top = {r.pk for r in engine.candidates(demand, root, limit=20)}
    profile = (
        TalentProfile.objects.filter(contact_consent=True, availability="available")
        .exclude(fields=field)
        .exclude(person_id__in=top)
        .order_by("person_id")
        .select_related("person")
        .first()
    )
    person = profile.person
    with transaction.atomic():
        profile.fields.add(field)
        profile.experience_years = 30
        profile.languages = ["mandarin", "cantonese", "english", "portuguese", "japanese"]
        profile.work_modes = [demand.work_mode] if demand.work_mode else []
        profile.desired_places = demand.place
        profile.skills = f"{demand.title} {demand.skills}"[:300]
        profile.save()
        Education.objects.create(person=person, degree="doctor", institution="bench")
    changed = time.monotonic()
    seen = None
    while time.monotonic() - changed < args.freshness_timeout:
        if person.pk in {r.pk for r in engine.candidates(demand, root, limit=20)}:
            seen = time.monotonic() - changed
            break
        time.sleep(0.5)
    waited = f"{seen:.1f} s" if seen is not None else "not within the timeout"
    print(f"freshness, a person changed becomes a top-20 candidate: {waited}")
    began = time.monotonic()
    loaded.refresh()
    print(f"refresh cost (read the changed people, rebuild the delta): {(time.monotonic() - began) * 1000:.0f} ms, "
          f"delta {len(loaded.delta_records)} people")  # fmt: skip

    withdrawn = engine.candidates(demand, root, limit=1)[0].pk
    TalentProfile.objects.filter(person_id=withdrawn).update(contact_consent=False)  # even without a signal
    began = time.monotonic()
    gone = withdrawn not in {r.pk for r in engine.candidates(demand, root, limit=20)}
    elapsed = (time.monotonic() - began) * 1000
    print(f"a person who withdraws consent is gone from the next query: {gone} ({elapsed:.0f} ms)")
    TalentProfile.objects.filter(person_id=withdrawn).update(contact_consent=True)


if __name__ == "__main__":
    main()
