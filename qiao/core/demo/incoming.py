"""Incoming rows with known ground truth: a delegation list as a partner would send it.

Most rows are people already in the registry, written the way other offices write them — the
other script, only the romanised name in another order, a hyphen, a typo, a document in another
format, fields left out — and the rest are new people. The truth says which is which, so linkage
and import can be measured (precision, recall, review-queue size).
"""

from __future__ import annotations

import csv
import datetime
import functools
import random
from dataclasses import dataclass

from openpyxl import Workbook

from qiao import identity, text

from . import names, numbers, synth
from .load import _birth, _phone

HEADERS = ["姓名", "英文姓名", "性别", "出生日期", "证件类型", "证件号码", "手机", "邮箱", "来源地", "工作单位", "职务"]
KIND_LABELS = {
    "hkid": "香港身份证",
    "mo_id": "澳门身份证",
    "tw_id": "台湾身份证",
    "hk_mo_permit": "回乡证",
    "tw_permit": "台胞证",
    "cn_id": "居民身份证",
    "passport": "护照",
    "residence_permit": "居住证",
}
REGION_LABELS = {"HK": "香港", "MO": "澳门", "TW": "台湾", "OVERSEAS": "海外", "MAINLAND": "内地"}


def _origin(region: str, country: str) -> str:
    """The 来源地 cell as offices write it: the country for an overseas person (an import refuses "海外" alone, as the
    person form does), else the region."""
    return country if region == "OVERSEAS" and country else REGION_LABELS.get(region, "")


@dataclass
class Row:
    values: list
    truth: int | None  # the registry person this row is, or None for a new person
    variation: str  # what was changed, e.g. "script+no_birth+phone_typo", or "new", "new+namesake"


@functools.cache
def _s2hk():
    import opencc

    return opencc.OpenCC("s2hk")


def _s2t(value: str) -> str:
    return _s2hk().convert(value)


def _typo(rng: random.Random, latin: str) -> str:
    """One letter dropped or two neighbours swapped, never the first letter: the commonest slips."""
    letters = [i for i, ch in enumerate(latin) if ch.isalpha()]
    if len(letters) < 4:
        return latin
    i = rng.choice(letters[1:-1])
    if rng.random() < 0.5 or not latin[i + 1].isalpha() or latin[i] == latin[i + 1]:
        return latin[:i] + latin[i + 1 :]
    return latin[:i] + latin[i + 1] + latin[i] + latin[i + 2 :]


def _reorder(latin: str) -> str:
    tokens = latin.replace("-", " ").split()
    return " ".join(tokens[1:] + tokens[:1]) if len(tokens) > 1 else latin


def _valid_phone(phone: str) -> bool:
    try:
        identity.normalize_phone(phone)
    except identity.NumberError:
        return False
    return True


def _phone_typo(rng: random.Random, phone: str) -> str:
    """One wrong digit among the last six, drawn again until the number is still a valid one."""
    for _attempt in range(20):
        i = rng.randrange(len(phone) - 6, len(phone))
        typo = phone[:i] + rng.choice([d for d in "0123456789" if d != phone[i]]) + phone[i + 1 :]
        if _valid_phone(typo):
            return typo
    return phone


def _document_as_written(kind: str, number: str) -> str:
    try:
        return identity.format_document(kind, number)
    except Exception:  # noqa: BLE001 - a number the registry already holds is shown as stored
        return number


def _parts(name: str):
    """(surname row, [syllable rows]) of a name drawn by `synth.person_spec`, or None."""
    for surname in sorted(names.SURNAMES, key=lambda s: -len(s[0])):
        for written in (surname[0], surname[4]):
            if name.startswith(written) and len(name) == len(written) + 2:
                table = _syllable_table()
                given = [table.get(ch) for ch in name[len(written) :]]
                return (surname, given) if all(given) else None
    return None


@functools.cache
def _syllable_table() -> dict:
    _s, _w, syllables, _sw = synth._name_pool()
    table = {}
    for syllable in syllables:
        table.setdefault(syllable[0], syllable)
        table.setdefault(syllable[4], syllable)
    return table


def _romanisations(name: str) -> list[str]:
    """The name as other places spell it: Hong Kong, Macao, Taiwan (Wade-Giles), pinyin two ways."""
    parts = _parts(name)
    if parts is None:
        return []
    surname, (first, second) = parts
    return [
        f"{surname[1]} {first[1]} {second[1]}",
        f"{surname[2]} {first[2]} {second[2]}",
        f"{surname[3]} {first[3].capitalize()}-{second[3]}",
        f"{surname[5].upper()} {(first[5] + second[5]).capitalize()}",
        f"{surname[5]} {first[5].capitalize()} {second[5].capitalize()}",
    ]


def _other_document(rng: random.Random, region: str, held: set, used: set):
    """A document of the person that the registry does not hold yet (a new permit, a passport)."""
    kinds = {"HK": "hk_mo_permit", "MO": "passport", "TW": "passport", "MAINLAND": "passport"}
    kind = kinds.get(region, "passport")
    if kind in held:
        kind = "passport"
    while True:
        number = numbers.hk_mo_permit(rng, "HK") if kind == "hk_mo_permit" else numbers.passport(rng)
        if (kind, number) not in used:
            used.add((kind, number))
            return kind, number


def known_row(rng: random.Random, person, documents, used: set) -> Row:
    """An existing person as another office writes them: each change drawn on its own, so rows
    combine them (another script and no birth date; a pinyin name with a mistyped phone …)."""
    tags = []
    name, latin = person.name, person.name_latin
    birth, gender = person.birth_date, person.gender
    phone = person.phones[0] if person.phones else ""
    draw = rng.random()
    if draw < 0.35:
        folded = text.to_simplified(name)
        other = folded if folded != name else _s2t(name)
        if other != name:
            name = other
            tags.append("script")
    elif draw < 0.50:
        name = ""
        tags.append("no_chinese_name")
    draw = rng.random()
    if draw < 0.25:
        others = [
            r for r in _romanisations(person.name) if r.replace("-", " ").lower() != latin.replace("-", " ").lower()
        ]
        if others:
            latin = rng.choice(others)
            tags.append("romanisation")
    elif draw < 0.35:
        latin = _reorder(latin)
        tags.append("reordered")
    elif draw < 0.55 and name:
        latin = ""
        tags.append("no_latin")
    if latin and rng.random() < 0.10:
        latin = _typo(rng, latin)
        tags.append("latin_typo")
    draw = rng.random()
    if draw < 0.25:
        birth = None
        tags.append("no_birth")
    elif draw < 0.27 and birth and birth.day <= 12 and birth.day != birth.month:
        birth = birth.replace(month=birth.day, day=birth.month)  # day and month swapped
        tags.append("birth_swapped")
    draw = rng.random()
    kind, number = "", ""
    if draw < 0.40 or not documents:
        tags.append("no_document")
    elif draw < 0.45:
        kind, number = _other_document(rng, person.region, {k for k, _n in documents}, used)
        tags.append("unknown_document")
    else:
        kind, number = rng.choice(documents)
    draw = rng.random()
    if draw < 0.35:
        phone = ""
        tags.append("no_phone")
    elif draw < 0.43 and phone:
        phone = _phone_typo(rng, phone)
        tags.append("phone_typo")
    if rng.random() < 0.10:
        gender = ""
        tags.append("no_gender")
    shown_number = _document_as_written(kind, number) if number else ""
    return Row(
        [
            name,
            latin,
            {"M": "男", "F": "女"}.get(gender, ""),
            birth,
            KIND_LABELS.get(kind, ""),
            shown_number,
            phone,
            "",
            _origin(person.region, person.country),
            person.employer,
            person.title,
        ],
        person.pk,
        "+".join(tags) or "same",
    )


def new_row(rng: random.Random, used: set, others: list) -> Row:
    """Someone not in the registry: mostly a stranger with a name from the same pool, sometimes a
    namesake of a registry person (same name and spelling, own birth date and documents) or a
    relative (same surname, same family phone)."""
    region = rng.choice(["HK", "HK", "MO", "TW", "OVERSEAS", "MAINLAND"])
    name, latin, docs, country, birth = synth.person_spec(rng, region)
    while any(doc in used for doc in docs):  # a new person must not carry a number someone else holds
        name, latin, docs, country, birth = synth.person_spec(rng, region)
    used.update(docs)
    kind, number = rng.choice(docs)
    phone = _phone(rng, region)  # a valid number, as the import requires
    tag = "new"
    draw = rng.random()
    if draw < 0.10 and others:
        other = others.pop()
        name, latin, region, tag = other.name, other.name_latin, other.region, "new+namesake"
        country = other.country
        while birth == other.birth_date:
            birth = _birth(rng)
    elif draw < 0.15 and others:
        other = others.pop()
        parts = _parts(other.name)
        if parts:  # a brother or a daughter: the family name, the family phone, another given name
            surname, given = parts[0], synth._given(rng)
            while given[0] == other.name[-2:] or given[4] == other.name[-2:]:
                given = synth._given(rng)
            region, country = other.region, other.country
            traditional = other.name.startswith(surname[0]) and surname[0] != surname[4]
            name = (surname[0] + given[0]) if traditional else (surname[4] + given[4])
            latin = other.name_latin.split()[0] + " " + (given[1] if region != "MAINLAND" else given[5])
            family = [p for p in other.phones or [] if _valid_phone(p)]
            phone, tag = (family or [phone])[0], "new+relative"
    if rng.random() < 0.25:
        kind, number = "", ""
    if rng.random() < 0.25:
        birth = None
    if rng.random() < 0.45:
        phone = ""
    return Row(
        [
            name,
            latin,
            rng.choice(["男", "女"]),
            birth,
            KIND_LABELS.get(kind, ""),
            _document_as_written(kind, number) if number else "",
            phone,
            "",
            _origin(region, country),
            rng.choice(names.EMPLOYERS[region]),
            rng.choice(names.TITLES),
        ],
        None,
        tag,
    )


def generate(count: int, *, known_share: float = 0.7, seed: int = 7) -> list[Row]:
    """`count` rows: about `known_share` of them people already in the registry."""
    from qiao.people.models import IdentityDocument, Person

    rng = random.Random(seed)
    ids = list(Person.objects.values_list("pk", flat=True))
    known = int(count * known_share)
    sample = rng.sample(ids, min(len(ids), int(known * 1.3) + (count - known) // 5))
    chosen, others_ids = sample[: int(known * 1.3)], sample[int(known * 1.3) :]
    people = Person.objects.filter(pk__in=chosen).prefetch_related("documents").in_bulk()
    # `qiao synth` draws phones from whole ranges, some unallocated, which the import rightly
    # rejects: a known row is drawn among people whose phone the import would accept
    chosen = [pk for pk in chosen if all(_valid_phone(p) for p in people[pk].phones or [])][:known]
    others = list(Person.objects.filter(pk__in=others_ids).order_by("?"))
    used = set(IdentityDocument.objects.values_list("kind", "number"))
    rows = [known_row(rng, people[pk], [(d.kind, d.number) for d in people[pk].documents.all()], used) for pk in chosen]
    rows += [new_row(rng, used, others) for _ in range(count - len(rows))]
    rng.shuffle(rows)
    return rows


def write(rows: list[Row], path: str) -> str:
    """Write the rows as an xlsx delegation list with a title row, and the truth beside it as CSV."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名单")
    sheet.append([f"{datetime.date.today():%Y年}港澳台青年交流团名单"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row.values)
    workbook.save(path)
    truth_path = path.rsplit(".", 1)[0] + ".truth.csv"
    with open(truth_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "person_id", "variation"])
        for number, row in enumerate(rows, start=3):  # file rows: title 1, header 2
            writer.writerow([number, row.truth or "", row.variation])
    return truth_path
