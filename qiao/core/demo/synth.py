"""Synthetic data at scale for benchmarks: realistic names, documents and phones, written in bulk.

Synthetic records bypass the services layer on purpose (no change history, bulk inserts), so a
million people load in minutes; search keys are written exactly as a save would write them.
"""

from __future__ import annotations

import contextlib
import functools
import random
import time
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from qiao import text
from qiao.core import search

from . import names, numbers

REGIONS = [("HK", 40), ("MO", 15), ("TW", 12), ("OVERSEAS", 13), ("MAINLAND", 20)]
PHONE_PREFIX = {"HK": "+852", "MO": "+853", "TW": "+886", "OVERSEAS": "+65", "MAINLAND": "+86"}


COUNTRIES = ["马来西亚", "新加坡", "加拿大", "英国", "澳大利亚", "美国", "印度尼西亚", "泰国", "德国", "法国"]
ENGLISH = ["Jason", "Vivian", "Howard", "Cindy", "Ben", "Kenneth", "Karen", "Eric", "Winnie", "Alan", "Joyce", "Kelvin"]


@functools.cache
def _name_pool() -> tuple[list, list, list, list]:
    """Surnames and given-name syllables with Zipf-like weights: a few names very common, most rare.

    Given names are two syllables drawn from the characters of `names.GIVEN`, each with its Hong Kong,
    Macao, Taiwan (Wade-Giles) and pinyin spelling, so 24 surnames × ~5,000 given names give about
    120,000 names, the commonest of them shared by hundreds of people in a million, as in real lists.
    """
    from qiao.text.romanise import split_in_two

    syllables = []
    for trad, hk, mo, tw, simp, pinyin in names.GIVEN:
        hk1, hk2 = hk.split()
        mo1, mo2 = mo.split()
        tw1, tw2 = tw.split("-")
        py1, py2 = split_in_two(pinyin.lower())
        syllables.append((trad[0], hk1, mo1, tw1.lower(), simp[0], py1))
        syllables.append((trad[1], hk2, mo2, tw2.lower(), simp[1], py2))
    syllables = list(dict.fromkeys(syllables))
    random.Random(3).shuffle(syllables)  # which syllables are common: fixed, not alphabetical
    syllable_weights = [1 / (rank + 5) for rank in range(len(syllables))]
    surname_weights = [1 / (rank + 2) ** 0.8 for rank in range(len(names.SURNAMES))]
    return list(names.SURNAMES), surname_weights, syllables, syllable_weights


def _given(rng: random.Random) -> tuple[str, str, str, str, str, str]:
    """(traditional, HK, Macao, Taiwan, simplified, pinyin) of a two-syllable given name."""
    _surnames, _sw, syllables, weights = _name_pool()
    first, second = rng.choices(syllables, weights, k=2)
    while second[0] == first[0]:
        second = rng.choices(syllables, weights)[0]
    return (
        first[0] + second[0],
        f"{first[1]} {second[1]}",
        f"{first[2]} {second[2]}",
        f"{first[3].capitalize()}-{second[3]}",
        first[4] + second[4],
        (first[5] + second[5]).capitalize(),
    )


def person_spec(rng: random.Random, region: str):
    """(name, latin, documents, country, birth date) of one synthetic person, names from the wide pool."""
    from .load import _birth

    surnames, surname_weights, _s, _w = _name_pool()
    surname = rng.choices(surnames, surname_weights)[0]
    given = _given(rng)
    birth = _birth(rng)
    if region == "HK":
        docs = [("hkid", numbers.hkid(rng))]
        if rng.random() < 0.6:
            docs.append(("hk_mo_permit", numbers.hk_mo_permit(rng, "HK")))
        return surname[0] + given[0], f"{surname[1]} {given[1]}", docs, "", birth
    if region == "MO":
        docs = [("mo_id", numbers.macao_id(rng)), ("hk_mo_permit", numbers.hk_mo_permit(rng, "MO"))]
        return surname[0] + given[0], f"{surname[2]} {given[2]}", docs, "", birth
    if region == "TW":
        docs = [("tw_id", numbers.taiwan_id(rng)), ("tw_permit", numbers.tw_permit(rng))]
        return surname[0] + given[0], f"{surname[3]} {given[3]}", docs, "", birth
    if region == "OVERSEAS":
        country = rng.choice(COUNTRIES)
        draw = rng.random()
        if draw < 0.1:  # Hokkien and other spellings the pool does not produce
            name, latin, country = rng.choice(names.OVERSEAS)
        elif draw < 0.55:  # Cantonese families: Hong Kong spelling, often with an English name
            name = surname[4] + given[4] if rng.random() < 0.5 else surname[0] + given[0]
            latin = f"{surname[1]} {given[1]}"
            if rng.random() < 0.5:
                latin = f"{rng.choice(ENGLISH)} {latin}"
        else:  # mainland emigrants: pinyin
            name, latin = surname[4] + given[4], f"{surname[5].upper()} {given[5]}"
        return name, latin, [("passport", numbers.passport(rng))], country, birth
    docs = [("cn_id", numbers.cn_id(rng, birth))]
    return surname[4] + given[4], f"{surname[5].upper()} {given[5]}", docs, "", birth


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
    """A number Qiao's own validation accepts (phonenumbers), so synthetic people can be edited and saved as they are
    (bench/loadtest): not every prefix drawn below is allocated."""
    import phonenumbers

    while True:
        number = _any_phone(rng, region)
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number


def _any_phone(rng: random.Random, region: str) -> str:
    if region == "HK":
        return f"+852{rng.choice('569')}{rng.randint(1000000, 9899999)}"
    if region == "MO":
        return f"+8536{rng.randint(2000000, 8999999)}"
    if region == "TW":
        return f"+8869{rng.randint(10000000, 89999999)}"
    if region == "OVERSEAS":
        return f"+659{rng.randint(1000000, 8999999)}"
    return f"+861{rng.choice('3589')}{rng.randint(100000000, 999999999)}"


@contextlib.contextmanager
def _memoised_name_keys():
    """Name keys are pure and costly (pinyin, Jyutping): a million people share ~100,000 names, so
    each distinct name is read once. The keys written are exactly those of `Person.search_keys()`."""
    original = text.name_keys
    cached = functools.lru_cache(maxsize=300_000)(original)
    text.name_keys = lambda name, latin="": set(cached(name, latin))
    try:
        yield
    finally:
        text.name_keys = original


def people(count: int, *, seed: int = 1, batch: int = 5000, progress: Callable[[str], None] | None = None) -> int:
    """Add `count` synthetic people spread over the existing units. Returns the number added."""
    from qiao.people.models import IdentityDocument, Person

    rng = random.Random(seed)
    units = ensure_network()
    regions = [region for region, weight in REGIONS for _ in range(weight)]
    content_type = ContentType.objects.get_for_model(Person)
    used = set(IdentityDocument.objects.values_list("kind", "number"))
    started, done = time.monotonic(), 0
    with _memoised_name_keys():
        while done < count:
            done += _people_batch(rng, min(batch, count - done), units, regions, used, content_type)
            if progress:
                rate = done / max(time.monotonic() - started, 1e-6)
                progress(f"people: {done}/{count} ({rate:,.0f}/s)")
    return done


def _people_batch(rng, size, units, regions, used, content_type) -> int:
    from qiao.people.models import IdentityDocument, Person

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
    return size


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
