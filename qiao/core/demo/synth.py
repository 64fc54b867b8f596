"""Synthetic data at scale for benchmarks: realistic names, documents and phones, written in bulk.

Synthetic records bypass the services layer on purpose (no change history, bulk inserts), so a
million people load in minutes; search keys are written exactly as a save would write them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from qiao.core import search

from . import names
from .load import person_spec

REGIONS = [("HK", 40), ("MO", 15), ("TW", 12), ("OVERSEAS", 13), ("MAINLAND", 20)]
PHONE_PREFIX = {"HK": "+852", "MO": "+853", "TW": "+886", "OVERSEAS": "+65", "MAINLAND": "+86"}


def ensure_network(bases: int = 10):
    """The existing units, or a centre with `bases` bases and one office under each."""
    from qiao.core.models import Unit

    units = list(Unit.objects.all())
    if units:
        return units
    centre = Unit.objects.create(name="合成数据中心", kind="centre", code="synth-centre")
    units = [centre]
    for index in range(1, bases + 1):
        base = Unit.objects.create(name=f"合成基地{index:02d}", kind="base", parent=centre, code=f"synth-base-{index}")
        office = Unit.objects.create(name=f"合成基地{index:02d}办事处", kind="office", parent=base)
        units += [base, office]
    return units


def _phone(rng: random.Random, region: str) -> str:
    if region == "HK":
        return f"+852{rng.choice('569')}{rng.randint(1000000, 9899999)}"
    if region == "MO":
        return f"+8536{rng.randint(2000000, 8999999)}"
    if region == "TW":
        return f"+8869{rng.randint(10000000, 89999999)}"
    if region == "OVERSEAS":
        return f"+659{rng.randint(1000000, 8999999)}"
    return f"+861{rng.choice('3589')}{rng.randint(100000000, 999999999)}"


def people(count: int, *, seed: int = 1, batch: int = 5000, progress: Callable[[str], None] | None = None) -> int:
    """Add `count` synthetic people spread over the existing units. Returns the number added."""
    from qiao.people.models import IdentityDocument, Person

    rng = random.Random(seed)
    units = ensure_network()
    regions = [region for region, weight in REGIONS for _ in range(weight)]
    content_type = ContentType.objects.get_for_model(Person)
    used = set(IdentityDocument.objects.values_list("kind", "number"))
    started, done = time.monotonic(), 0
    while done < count:
        size = min(batch, count - done)
        rows, documents = [], []
        for _ in range(size):
            region = rng.choice(regions)
            name, latin, docs, country, birth = person_spec(rng, region)
            while any(doc in used for doc in docs):  # a document number is one person: never reuse one
                name, latin, docs, country, birth = person_spec(rng, region)
            used.update(docs)
            rows.append(
                Person(
                    unit=rng.choice(units),
                    name=name,
                    name_latin=latin,
                    region=region,
                    country=country,
                    gender=rng.choice("MF"),
                    birth_date=birth,
                    phones=[_phone(rng, region)],
                    employer=rng.choice(names.EMPLOYERS[region]),
                    title=rng.choice(names.TITLES),
                )
            )
            documents.append(docs)
        with transaction.atomic():
            created = Person.objects.bulk_create(rows, batch_size=1000)
            if created and created[0].pk is None:  # backends without RETURNING: read the ids back
                last = Person.all_objects.order_by("-pk").values_list("pk", flat=True)[:size]
                for person, pk in zip(created, reversed(list(last)), strict=True):
                    person.pk = pk
            for person, docs in zip(created, documents, strict=True):
                # the prefetch cache lets search_keys() see the documents without a query per person
                person._prefetched_objects_cache = {
                    "documents": [IdentityDocument(person=person, kind=kind, number=number) for kind, number in docs]
                }
            IdentityDocument.objects.bulk_create(
                [d for person in created for d in person._prefetched_objects_cache["documents"]], batch_size=2000
            )
            search.write_keys(content_type.pk, {person.pk: person.search_keys() for person in created})
        done += size
        if progress:
            rate = done / max(time.monotonic() - started, 1e-6)
            progress(f"people: {done}/{count} ({rate:,.0f}/s)")
    return done


def organizations(
    count: int, *, seed: int = 2, batch: int = 5000, progress: Callable[[str], None] | None = None
) -> int:
    from qiao.orgs.models import Organization

    rng = random.Random(seed)
    units = ensure_network()
    content_type = ContentType.objects.get_for_model(Organization)
    prefixes = ["香港", "澳門", "台灣", "惠州", "深圳", "新加坡", "大灣區", "港澳", "粵港", "南洋"]
    middles = ["創新", "智能", "新能源", "生物", "數碼", "綠色", "國際", "聯合", "青年", "科技"]
    kinds = [
        ("enterprise", "有限公司"),
        ("enterprise", "科技有限公司"),
        ("association", "同鄉會"),
        ("association", "青年聯會"),
        ("research", "研究院"),
    ]
    done = 0
    while done < count:
        size = min(batch, count - done)
        rows = []
        for index in range(size):
            kind, suffix = rng.choice(kinds)
            name = f"{rng.choice(prefixes)}{rng.choice(middles)}{rng.choice(names.TAGS)}{suffix}{done + index:06d}"
            rows.append(
                Organization(
                    unit=rng.choice(units),
                    name=name,
                    kind=kind,
                    region=rng.choice(REGIONS)[0],
                    industry=rng.choice(names.TAGS),
                )
            )
        with transaction.atomic():
            created = Organization.objects.bulk_create(rows, batch_size=1000)
            if created and created[0].pk is None:
                last = Organization.all_objects.order_by("-pk").values_list("pk", flat=True)[:size]
                for org, pk in zip(created, reversed(list(last)), strict=True):
                    org.pk = pk
            search.write_keys(content_type.pk, {org.pk: org.search_keys() for org in created})
        done += size
        if progress:
            progress(f"organisations: {done}/{count}")
    return done
