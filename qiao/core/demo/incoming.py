"""Incoming rows with known ground truth: a delegation list as a partner would send it.

Most rows are people already in the registry, written the way other offices write them — the
other script, only the romanised name in another order, a hyphen, a typo, a document in another
format, fields left out — and the rest are new people. The truth says which is which, so linkage
and import can be measured (precision, recall, review-queue size).
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass

from openpyxl import Workbook

from qiao import identity, text

from . import names
from .load import person_spec

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


@dataclass
class Row:
    values: list
    truth: int | None  # the registry person this row is, or None for a new person
    variation: str


def _s2t(value: str) -> str:
    import opencc

    return opencc.OpenCC("s2hk").convert(value)


def _typo(rng: random.Random, latin: str) -> str:
    letters = [i for i, ch in enumerate(latin) if ch.isalpha()]
    if len(letters) < 4:
        return latin
    i = rng.choice(letters[1:])
    return latin[:i] + latin[i + 1 :]  # one letter dropped, the commonest slip


def _reorder(latin: str) -> str:
    tokens = latin.replace("-", " ").split()
    return " ".join(tokens[1:] + tokens[:1]) if len(tokens) > 1 else latin


def _document_as_written(kind: str, number: str) -> str:
    try:
        return identity.format_document(kind, number)
    except Exception:  # noqa: BLE001 - a number the registry already holds is shown as stored
        return number


def known_row(rng: random.Random, person, documents) -> Row:
    """An existing person, written differently."""
    variation = rng.choice(["script", "romanised_only", "reordered", "typo", "document_only", "missing", "same"])
    name, latin = person.name, person.name_latin
    birth = person.birth_date
    phone = person.phones[0] if person.phones else ""
    kind, number = documents[0] if documents else ("", "")
    if variation == "script":
        folded = text.to_simplified(name)
        name = folded if folded != name else _s2t(name)
    elif variation == "romanised_only":
        name = ""
    elif variation == "reordered":
        latin = _reorder(latin)
    elif variation == "typo":
        latin = _typo(rng, latin)
    elif variation == "document_only":
        name, latin, birth, phone = text.to_simplified(person.name), "", None, ""
    elif variation == "missing":
        birth, kind, number = None, "", ""
    shown_number = _document_as_written(kind, number) if number else ""
    return Row(
        [
            name,
            latin,
            {"M": "男", "F": "女"}.get(person.gender, ""),
            birth,
            KIND_LABELS.get(kind, ""),
            shown_number,
            phone,
            "",
            REGION_LABELS.get(person.region, ""),
            person.employer,
            person.title,
        ],
        person.pk,
        variation,
    )


def new_row(rng: random.Random, used: set) -> Row:
    region = rng.choice(["HK", "HK", "MO", "TW", "OVERSEAS", "MAINLAND"])
    name, latin, docs, _country, birth = person_spec(rng, region)
    while docs[0] in used:  # a new person must not carry a number someone in the registry holds
        name, latin, docs, _country, birth = person_spec(rng, region)
    used.add(docs[0])
    kind, number = docs[0]
    return Row(
        [
            name,
            latin,
            rng.choice(["男", "女"]),
            birth,
            KIND_LABELS[kind],
            number,
            "",
            "",
            REGION_LABELS[region],
            rng.choice(names.EMPLOYERS[region]),
            rng.choice(names.TITLES),
        ],
        None,
        "new",
    )


def generate(count: int, *, known_share: float = 0.7, seed: int = 7) -> list[Row]:
    """`count` rows: about `known_share` of them people already in the registry."""
    from qiao.people.models import Person

    rng = random.Random(seed)
    ids = list(Person.objects.values_list("pk", flat=True))
    chosen = rng.sample(ids, min(len(ids), int(count * known_share)))
    people = Person.objects.filter(pk__in=chosen).prefetch_related("documents").in_bulk()
    rows = [known_row(rng, people[pk], [(d.kind, d.number) for d in people[pk].documents.all()]) for pk in chosen]
    from qiao.people.models import IdentityDocument

    used = set(IdentityDocument.objects.values_list("kind", "number"))
    rows += [new_row(rng, used) for _ in range(count - len(rows))]
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
