"""Record linkage: is an incoming row (or a registry record) a person we already know?

Candidates come from the search-key table: the same identity document number, phone, e-mail,
written name (folded across scripts) or romanised name. Each candidate is scored from the
evidence below; the score decides:

    score ≥ AUTO_LINK  → the same person, linked without asking
    score ≥ REVIEW     → a reviewer decides (the review queue)
    otherwise          → a new person

Evidence (added up, capped at 0.99 unless an identity document matches):
    same document (kind and number)                    1.00  (decisive)
    same kind of document with a different number      −0.60
    same written name (Traditional = Simplified)       +0.40
    same romanised name (tokens in any order)          +0.35, or +0.10 on top of the written name
    names read alike (pinyin / Jyutping / romanised)   +0.25 when neither of the above holds
    same date of birth                                 +0.30; different: −0.50
    a shared phone                                     +0.30
    a shared e-mail                                    +0.30  (phone and e-mail together count 0.40)
    different gender                                   −0.30
    different region of origin                         −0.30

A pair a reviewer marked "not the same person" is never proposed again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiao import text
from qiao.core.models import SearchKey

from .models import DistinctPair, Person

AUTO_LINK = 0.80
REVIEW = 0.45
MAX_PER_KEY = 60  # a name shared by more people than this is too common to find candidates by alone
STRONG = ("document", "phone", "email")
SCORED_FIELDS = (
    "id",
    "name",
    "name_latin",
    "birth_date",
    "gender",
    "region",
    "phones",
    "emails",
    "unit_id",
    "deleted_at",
)

REASONS = {
    "document": _("same identity document"),
    "document_conflict": _("different number for the same kind of document"),
    "name": _("same name"),
    "latin": _("same romanised name"),
    "sounds": _("names read alike"),
    "birth": _("same date of birth"),
    "birth_conflict": _("different date of birth"),
    "phone": _("same phone"),
    "email": _("same e-mail"),
    "gender_conflict": _("different gender"),
    "region_conflict": _("different region of origin"),
}


@dataclass
class Incoming:
    """What we know of someone arriving: a spreadsheet row, a form, or a registry record."""

    name: str = ""
    name_latin: str = ""
    birth_date: datetime.date | None = None
    gender: str = ""
    region: str = ""
    documents: Sequence[tuple[str, str]] = ()
    phones: Sequence[str] = ()
    emails: Sequence[str] = ()
    person_id: int | None = None  # set when the incoming record is itself in the registry

    @classmethod
    def of(cls, person: Person) -> Incoming:
        return cls(
            name=person.name,
            name_latin=person.name_latin,
            birth_date=person.birth_date,
            gender=person.gender,
            region=person.region,
            documents=[(d.kind, d.number) for d in person.documents.all()],
            phones=list(person.phones or []),
            emails=list(person.emails or []),
            person_id=person.pk,
        )

    def lookup_keys(self) -> dict[str, str]:
        """Search keys that find candidates, each with the evidence it stands for."""
        keys = {}
        for _kind, number in self.documents:
            keys[number.lower()] = "document"
        for phone in self.phones:
            keys[phone.lstrip("+")] = "phone"
        for email in self.emails:
            keys[text.compact(email)] = "email"
        if self.name:
            keys.setdefault(text.compact(self.name), "name")
        for key in text.name_keys("", self.name_latin):
            keys.setdefault(key, "latin")
        return {k: v for k, v in keys.items() if k}


@dataclass
class Candidate:
    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)

    def reason_labels(self) -> list[str]:
        return [str(REASONS[code]) for code in self.reasons]


@dataclass
class Decision:
    outcome: str  # "link", "review" or "new"
    candidates: list[Candidate]

    @property
    def person(self) -> Person | None:
        return self.candidates[0].person if self.outcome == "link" else None


@lru_cache(maxsize=100_000)
def _keys(name: str, latin: str) -> frozenset[str]:
    """Name keys, cached: a batch compares the same names many times (cheap strings, costly readings)."""
    return frozenset(text.name_keys(name, latin))


@lru_cache(maxsize=100_000)
def _compact(value: str) -> str:
    return text.compact(value)


def _latin_match(a: str, b: str) -> bool:
    return bool(a and b and _keys("", a) & _keys("", b))


def score(incoming: Incoming, person: Person) -> Candidate:
    """How likely `person` is the incoming one, with the reasons."""
    reasons, total = [], 0.0
    theirs = {(d.kind, d.number) for d in person.documents.all()}
    ours = set(incoming.documents)
    if ours & theirs:
        return Candidate(person, 1.0, ["document"])
    their_kinds = {kind for kind, _number in theirs}
    if any(kind in their_kinds for kind, _number in ours):
        reasons.append("document_conflict")
        total -= 0.60
    same_name = bool(incoming.name) and _compact(incoming.name) == _compact(person.name)
    same_latin = _latin_match(incoming.name_latin, person.name_latin)
    if same_name:
        reasons.append("name")
        total += 0.40
        if same_latin:
            reasons.append("latin")
            total += 0.10
    elif same_latin:
        reasons.append("latin")
        total += 0.35
    elif _keys(incoming.name, incoming.name_latin) & _keys(person.name, person.name_latin):
        reasons.append("sounds")
        total += 0.25
    if incoming.birth_date and person.birth_date:
        if incoming.birth_date == person.birth_date:
            reasons.append("birth")
            total += 0.30
        else:
            reasons.append("birth_conflict")
            total -= 0.50
    contact = 0.0
    if set(incoming.phones) & set(person.phones or []):
        reasons.append("phone")
        contact += 0.30
    if {e.lower() for e in incoming.emails} & {e.lower() for e in person.emails or []}:
        reasons.append("email")
        contact += 0.30
    total += min(contact, 0.40)
    if incoming.gender and person.gender and incoming.gender != person.gender:
        reasons.append("gender_conflict")
        total -= 0.30
    if incoming.region and person.region and incoming.region != person.region:
        reasons.append("region_conflict")
        total -= 0.30
    return Candidate(person, round(min(total, 0.99), 3), reasons)


def decide(candidates: list[Candidate]) -> Decision:
    candidates = sorted(candidates, key=lambda c: -c.score)
    if candidates and candidates[0].score >= AUTO_LINK:
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        # two strong candidates are themselves a duplicate to resolve: a person decides
        return Decision("link" if runner_up < AUTO_LINK or candidates[0].score == 1.0 else "review", candidates)
    if candidates and candidates[0].score >= REVIEW:
        return Decision("review", [c for c in candidates if c.score >= REVIEW])
    return Decision("new", [])


def link(incomings: Sequence[Incoming], people=None) -> list[Decision]:
    """Decide, for a batch of incoming records, which known person each one is (in a few queries)."""
    people = Person.objects.all() if people is None else people
    content_type = ContentType.objects.get_for_model(Person)
    wanted = [inc.lookup_keys() for inc in incomings]
    all_keys = {key for keys in wanted for key in keys}
    holders: dict[str, list[int]] = defaultdict(list)
    for start in range(0, len(all_keys), 900):
        chunk = sorted(all_keys)[start : start + 900]
        for key, object_id in SearchKey.objects.filter(content_type=content_type, key__in=chunk).values_list(
            "key", "object_id"
        ):
            holders[key].append(object_id)
    candidate_ids = []
    for inc, keys in zip(incomings, wanted, strict=True):
        # a shared document, phone or e-mail is strong evidence: when one is found, names need not be
        strong = {pk for key, kind in keys.items() if kind in STRONG for pk in holders.get(key, ())}
        strong.discard(inc.person_id)
        ids = set(strong) if any(k for k, kind in keys.items() if kind == "document" and holders.get(k)) else set()
        if not ids:
            ids = strong
            for key, kind in keys.items():
                found = holders.get(key, ())
                if kind not in STRONG and len(found) <= MAX_PER_KEY:
                    ids.update(found)
            ids.discard(inc.person_id)
        candidate_ids.append(ids)
    every_id = set().union(*candidate_ids) if candidate_ids else set()
    by_id = (
        people.filter(pk__in=every_id).only(*SCORED_FIELDS).prefetch_related("documents").in_bulk() if every_id else {}
    )
    refused = _refused_pairs(incomings, every_id)
    decisions = []
    for inc, ids in zip(incomings, candidate_ids, strict=True):
        scored = [
            score(inc, by_id[pk])
            for pk in ids
            if pk in by_id and (inc.person_id is None or _pair(inc.person_id, pk) not in refused)
        ]
        decisions.append(decide(scored))
    return decisions


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _refused_pairs(incomings: Iterable[Incoming], candidate_ids: set[int]) -> set[tuple[int, int]]:
    own = {inc.person_id for inc in incomings if inc.person_id}
    if not own:
        return set()
    rows = DistinctPair.objects.filter(Q(first_id__in=own) | Q(second_id__in=own)).values_list("first_id", "second_id")
    return {(a, b) for a, b in rows}
