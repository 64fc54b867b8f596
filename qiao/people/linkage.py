"""Record linkage: is an incoming row (or a registry record) a person we already know?

Candidates (blocking). For a batch of incoming records, in a few queries whatever the batch size:

    1. holders of a strong key: the same identity document number, phone or e-mail (search keys);
       when a document is found, its holders are the only candidates;
    2. otherwise, holders of a name key: the written name folded across scripts, or the romanised
       name (as written, tokens sorted, first or last token moved to the other end: a record's
       keys hold every order of its own) — only keys held by at most MAX_PER_KEY people (a common name
       alone finds too many to compare; on PostgreSQL the database stops counting at
       MAX_PER_KEY + 1, so a name held by 2,000 people costs no more than a rare one);
    3. and, when the row gives a date of birth, the people born that day whose name relates to
       the row's (same written name, a shared name key, or a romanised name one slip away). This
       finds people with common names, and romanised names with a typo, that no key finds;
    4. and, when the row gives only a name and a workplace (no date of birth, document or phone),
       the holders of its name too common for step 2 with the same employer and job title.

A candidate found only by a name with a different date of birth cannot reach REVIEW (at most
0.40 + 0.10 + 0.30 + 0.10 − 0.50 = 0.40, workplace included), so looking by name and date of birth
loses no decision.

Each candidate is scored from the evidence below; the score decides:

    score ≥ AUTO_LINK  → the same person, linked without asking
    score ≥ REVIEW     → a reviewer decides (the review queue)
    otherwise          → a new person

Evidence (added up, capped at 0.99 unless an identity document matches):
    same document (kind and number)                    1.00  (decisive)
    another number of a lifelong identity card         −0.60  (HKID, Macao, Taiwan or mainland ID
                                                              card; passports and permits are
                                                              renewed under new numbers: no penalty)
    same written name (Traditional = Simplified)       +0.40
    same romanised name (tokens in any order)          +0.40, or +0.10 on top of the written name
    names read alike (pinyin / Jyutping / romanised),  +0.25 when neither of the above holds
      or romanised names one slip apart (a letter
      dropped, added, changed or two swapped in one
      token; tokens in any order)
    same date of birth                                 +0.30; different: −0.50
    a shared phone                                     +0.30
    a shared e-mail                                    +0.30  (phone and e-mail together count 0.40)
    same employer and same job title                   +0.30  } only with the same name: the same
    same employer, another or no job title             +0.10  } written name, or the same romanised
                                                              name or names read alike when one
                                                              side has no written name; +0.10 only
                                                              when the row holds a document, phone
                                                              or e-mail the person does not
    same gender                                        +0.05; different: −0.30
    same region of origin                              +0.05; different: −0.30

A workplace identifies nobody, but it tells namesakes apart: a row that gives only a name (no
document, date of birth or phone) links when exactly one person of that name, gender and region
works at the same employer with the same title (0.40 + 0.30 + 0.05 + 0.05), and goes to review when
several do. Employers and titles are compared folded (script, case, spaces and punctuation).

Two candidates at AUTO_LINK or above are themselves a duplicate to resolve: the row goes to review
(unless one of them holds the row's document). A pair a reviewer marked "not the same person" is
never proposed again.

Scoring works on plain rows (`values()`), not model instances: a batch of 500 rows at a million
people compares tens of thousands of candidates, and only the few that are kept become `Person`
objects (with only the scored fields loaded).
"""

from __future__ import annotations

import datetime
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qiao import text
from qiao.core import search
from qiao.core.models import SearchKey
from qiao.text.romanise import pinyin_syllables

from .models import DistinctPair, IdentityDocument, Person

_NOT_LATIN_WORD = re.compile("[^a-z0-9]+")  # as qiao.text.fold splits romanised names
AUTO_LINK = 0.80
REVIEW = 0.45
MAX_PER_KEY = 60  # a name shared by more people than this is too common to find candidates by alone
STRONG = ("document", "phone", "email")
# numbers a person keeps for life: another number of the same kind is another person (a passport
# or a travel permit is renewed under a new number, so a different one proves nothing)
LIFELONG = ("hkid", "mo_id", "tw_id", "cn_id")
SCORED_FIELDS = (
    "id",
    "name",
    "name_latin",
    "birth_date",
    "gender",
    "region",
    "phones",
    "emails",
    "employer",
    "title",
    "unit_id",
    "deleted_at",
)
CHUNK = 900  # keys per IN (...) where the database takes no arrays

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
    "employer": _("same employer"),
    "title": _("same job title"),
    "gender": _("same gender"),
    "gender_conflict": _("different gender"),
    "region": _("same region of origin"),
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
    employer: str = ""
    title: str = ""
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
            employer=person.employer,
            title=person.title,
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
            keys.setdefault(_compact(self.name), "name")
        for key in _latin_lookups(self.name_latin):
            keys.setdefault(key, "latin")
        return {k: v for k, v in keys.items() if k}


@dataclass
class Candidate:
    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)

    def reason_labels(self) -> list[str]:
        return [_reason_label(code, get_language()) for code in self.reasons]


@lru_cache(maxsize=256)
def _reason_label(code: str, language: str | None) -> str:
    """A reason's words in `language` (the active one), translated once: an import labels ~30,000 reasons."""
    return str(REASONS[code])


@dataclass
class Decision:
    outcome: str  # "link", "review" or "new"
    candidates: list[Candidate]

    @property
    def person(self) -> Person | None:
        return self.candidates[0].person if self.outcome == "link" else None


_loading: threading.Thread | None = None


def prepare() -> None:
    """Load the name readings' dictionaries now (ToJyutping builds its trie on import: about a second of
    processor time with pypinyin), rather than on the first name read: before forking processes that link, so
    that they share them instead of each loading its own. Waits for `prepare_soon()`'s thread."""
    if _loading is not None:
        _loading.join()
    _load()


def _load() -> None:
    _keys("陳大文", "Chan Tai Man")
    _spellings("陳大文", "")


def prepare_soon() -> None:
    """Start loading the dictionaries in a thread, for a caller about to wait on something else: an import reads
    its file in a sandboxed process first (`imports.sandbox`), and the load takes that wait instead of adding to
    the import's time (bench/RESULTS.md, issue 3). `prepare()` joins the thread, before any fork."""
    global _loading
    if _loading is None:
        _loading = threading.Thread(target=_load, name="qiao-name-dictionaries", daemon=True)
        _loading.start()


@lru_cache(maxsize=300_000)
def _keys(name: str, latin: str) -> frozenset[str]:
    """Name keys, cached: a batch compares the same names many times (cheap strings, costly readings)."""
    return frozenset(text.name_keys(name, latin))


@lru_cache(maxsize=100_000)
def _latin_lookups(latin: str) -> tuple[str, ...]:
    """The romanised name's tokens joined as written, sorted, and with the first or the last token
    moved to the other end. A record's keys hold its own romanised name in every order and its
    readings surname first and given name first, so these few meet them all (a name of four
    tokens has 24 orders)."""
    tokens = text.latin_tokens(latin) if latin else []
    if not tokens:
        return ()
    orders = [tokens, sorted(tokens), tokens[1:] + tokens[:1], tokens[-1:] + tokens[:-1]]
    return tuple(dict.fromkeys("".join(order) for order in orders))


@lru_cache(maxsize=300_000)
def _compact(value: str) -> str:
    return text.compact(value)


@lru_cache(maxsize=300_000)
def _tokens(latin: str) -> tuple[str, ...]:
    """The romanised name's tokens, lower case, sorted: equal for any order and any hyphenation."""
    return tuple(sorted(_latin_tokens(latin))) if latin else ()


@lru_cache(maxsize=300_000)
def _latin_tokens(latin: str) -> tuple[str, ...]:
    """text.latin_tokens, once per distinct romanised name (sorted, joined and spelt from it). For
    printable ASCII, which most romanised names are, the same tokens more cheaply: folding such
    text is lower-casing it (a million-person registry compares some 100,000 distinct names)."""
    if latin.isascii() and latin.isprintable():
        return tuple(token for token in _NOT_LATIN_WORD.split(latin.lower()) if token)
    return tuple(text.latin_tokens(latin))


@lru_cache(maxsize=300_000)
def _spellings(name: str, latin: str) -> tuple[str, ...]:
    """Cheap forms of a registry name to meet an incoming row's keys: the romanised name as written
    (tokens joined) and the pinyin reading of the written name, surname first and given name first."""
    forms = [_joined(latin)] if latin else []
    han = _compact(name)
    if han and not han.isascii():
        syllables = pinyin_syllables(han)
        if syllables and all(syllables):
            forms += ["".join(syllables), "".join(syllables[1:]) + syllables[0]]
    return tuple(f for f in forms if f)


def _one_slip(a: str, b: str) -> bool:
    """`a` and `b` differ by one letter dropped or added, one changed, or two neighbours swapped."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1 or a == b:
        return a == b
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]


def _latin_close(a: str, b: str) -> bool:
    """Romanised names with the same tokens but for one, which is one slip away (CHAN Tai Mn)."""
    return _tokens_close(_tokens(a), _tokens(b))


def _tokens_close(ta: tuple[str, ...], tb: tuple[str, ...]) -> bool:
    """`_latin_close` of two names' sorted tokens."""
    if not ta or len(ta) != len(tb) or ta == tb:
        return False
    rest = list(ta)
    extra = []
    for token in tb:
        if token in rest:
            rest.remove(token)
        else:
            extra.append(token)
    return len(extra) == 1 and len(rest) == 1 and min(len(extra[0]), len(rest[0])) >= 2 and _one_slip(rest[0], extra[0])


def _latin_match(a: str, b: str) -> bool:
    return bool(a and b and (_tokens(a) == _tokens(b) or _keys("", a) & _keys("", b)))


def _evaluate(incoming: Incoming, record: dict, documents: set, floor: float | None = None) -> tuple[float, list[str]]:
    """(score, reason codes) of a registry record (a dict of SCORED_FIELDS) against `incoming`.

    With `floor` (REVIEW, when only records at or above it matter), whether two different names
    read alike — the costly test: every reading of both names — is left out when the record
    cannot reach `floor` even if they do; the score returned is then below `floor` as well."""
    ours = set(incoming.documents)
    if ours & documents:
        return 1.0, ["document"]
    before, total = [], 0.0
    their_kinds = {kind for kind, _number in documents if kind in LIFELONG}
    if any(kind in their_kinds for kind, _number in ours):
        before.append("document_conflict")
        total -= 0.60
    name, latin = record["name"], record["name_latin"]
    same_name = bool(incoming.name) and _compact(incoming.name) == _compact(name)
    same_latin = _latin_match(incoming.name_latin, latin)
    names: list[str] = []
    if same_name:
        names, total = (["name", "latin"], total + 0.50) if same_latin else (["name"], total + 0.40)
    elif same_latin:
        names, total = ["latin"], total + 0.40
    reasons = []
    birth = record["birth_date"]
    if incoming.birth_date and birth:
        if incoming.birth_date == birth:
            reasons.append("birth")
            total += 0.30
        else:
            reasons.append("birth_conflict")
            total -= 0.50
    contact = 0.0
    if set(incoming.phones) & set(record["phones"] or []):
        reasons.append("phone")
        contact += 0.30
    if {e.lower() for e in incoming.emails} & {e.lower() for e in record["emails"] or []}:
        reasons.append("email")
        contact += 0.30
    total += min(contact, 0.40)
    # A workplace confirms a name; it identifies nobody by itself: counted only when the names agree
    # (the written names, or the romanised ones when one side has no written name: two different
    # written names spelt alike are two names), and worth little without the job title — or when
    # the row carries a phone or a document that is not the person's: it stands in for details a
    # row lacks, not for details that point elsewhere.
    workplace, place = [], 0.0
    if incoming.employer and (same_name or not (incoming.name and name)):
        employer = _compact(incoming.employer)
        if employer and employer == _compact(record["employer"] or ""):
            title = _compact(incoming.title) if incoming.title else ""
            elsewhere = (
                incoming.documents
                or (incoming.phones and "phone" not in reasons)
                or (incoming.emails and "email" not in reasons)
            )
            if title and title == _compact(record["title"] or "") and not elsewhere:
                workplace, place = ["employer", "title"], 0.30
            else:
                workplace, place = ["employer"], 0.10
    after = []
    gender, region = record["gender"], record["region"]
    if incoming.gender and gender:
        if incoming.gender == gender:
            after.append("gender")
            total += 0.05
        else:
            after.append("gender_conflict")
            total -= 0.30
    if incoming.region and region:
        if incoming.region == region:
            after.append("region")
            total += 0.05
        else:
            after.append("region_conflict")
            total -= 0.30
    reachable = floor is None or round(total + 0.25 + place, 3) >= floor
    if (
        not names
        and reachable
        and (_keys(incoming.name, incoming.name_latin) & _keys(name, latin) or _latin_close(incoming.name_latin, latin))
    ):
        names, total = ["sounds"], total + 0.25
    if names:  # a workplace says something only of the same name
        reasons += workplace
        total += place
    return round(min(total, 0.99), 3), before + names + reasons + after


def score(incoming: Incoming, person: Person) -> Candidate:
    """How likely `person` is the incoming one, with the reasons."""
    record = {name: getattr(person, name) for name in SCORED_FIELDS}
    value, reasons = _evaluate(incoming, record, {(d.kind, d.number) for d in person.documents.all()})
    return Candidate(person, value, reasons)


def decide(candidates: list[Candidate]) -> Decision:
    candidates = sorted(candidates, key=lambda c: -c.score)
    if candidates and candidates[0].score >= AUTO_LINK:
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        # two strong candidates are themselves a duplicate to resolve: a person decides
        # the others worth showing are those a reviewer would look at
        kept = [candidates[0], *(c for c in candidates[1:] if c.score >= REVIEW)]
        return Decision("link" if runner_up < AUTO_LINK or candidates[0].score == 1.0 else "review", kept)
    if candidates and candidates[0].score >= REVIEW:
        return Decision("review", [c for c in candidates if c.score >= REVIEW])
    return Decision("new", [])


def _holders(content_type_id: int, keys: Iterable[str], cap: int | None = None) -> dict[str, list[int]]:
    """Who holds each key: {key: [object ids]}. With `cap`, at most cap + 1 ids per key (enough to
    tell that a key is too common), and on PostgreSQL the database stops there."""
    keys = sorted(set(keys))
    found: dict[str, list[int]] = defaultdict(list)
    if not keys:
        return found
    table = connection.ops.quote_name(SearchKey._meta.db_table)
    if connection.vendor == "postgresql":
        # one row per key, its holders as an array read in binary: a million-person registry has
        # thousands of names held by more than `cap` people, each costing cap + 1 rows otherwise
        limit = f"LIMIT {int(cap) + 1}" if cap is not None else ""
        sql = (
            f'SELECT k.key, ARRAY(SELECT object_id FROM {table} WHERE content_type_id = %s AND "key" = k.key {limit}) '
            "FROM unnest(%s::varchar[]) AS k(key)"
        )
        with search.server_cursor() as cursor:
            cursor.execute(sql, [content_type_id, keys], binary=True)
            for key, object_ids in cursor.fetchall():
                if object_ids:
                    found[key] = object_ids
        return found
    for start in range(0, len(keys), CHUNK):
        rows = SearchKey.objects.filter(content_type_id=content_type_id, key__in=keys[start : start + CHUNK])
        for key, object_id in rows.values_list("key", "object_id"):
            found[key].append(object_id)
    return found


def _workplaces(content_type_id: int, keys: set[str]) -> dict[str, list[tuple[int, str, str]]]:
    """Every holder of each name key who gives an employer and a job title, however many:
    {key: [(id, employer, title)]}, employer and title folded (`_compact`). For the few rows that
    give only a name and a workplace (see `_candidates`)."""
    found: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    if not keys:
        return found
    table = connection.ops.quote_name(SearchKey._meta.db_table)
    people = connection.ops.quote_name(Person._meta.db_table)
    if connection.vendor == "postgresql":
        sql = (
            f'SELECT sk."key", p.id, p.employer, p.title FROM {table} sk JOIN {people} p ON p.id = sk.object_id '
            "WHERE sk.content_type_id = %s AND sk.\"key\" = ANY(%s::varchar[]) AND p.employer <> '' AND p.title <> ''"
        )
        with search.server_cursor() as cursor:
            cursor.execute(sql, [content_type_id, sorted(keys)])
            rows = cursor.fetchall()
    else:
        holders: dict[int, list[str]] = defaultdict(list)
        ordered = sorted(keys)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            for key, object_id in SearchKey.objects.filter(content_type_id=content_type_id, key__in=chunk).values_list(
                "key", "object_id"
            ):
                holders[object_id].append(key)
        ids = sorted(holders)
        rows = []
        for start in range(0, len(ids), CHUNK):
            people_rows = Person._base_manager.filter(pk__in=ids[start : start + CHUNK]).exclude(employer="")
            for pk, employer, title in people_rows.exclude(title="").values_list("pk", "employer", "title"):
                rows += [(key, pk, employer, title) for key in holders[pk]]
    for key, pk, employer, title in rows:
        found[key].append((pk, _compact(employer), _compact(title)))
    return found


@lru_cache(maxsize=300_000)
def _joined(latin: str) -> str:
    return "".join(_latin_tokens(latin))


@lru_cache(maxsize=20_000)
def _simplified(character: str) -> str:
    return text.to_simplified(character)


@lru_cache(maxsize=300_000)
def _first(name: str) -> str:
    """The name's first character, in Simplified script: a cheap test before folding whole names."""
    return _simplified(name.strip()[:1])


@lru_cache(maxsize=300_000)
def _latin_form(latin: str) -> tuple[tuple[str, ...], str]:
    """(sorted tokens, tokens joined as written) of a romanised name, read once."""
    return _tokens(latin), _joined(latin)


def _related(incoming: Incoming, born: Iterable[tuple[int, str, str]]) -> Iterator[int]:
    """The ids among `born` ((id, name, romanised name) of people born on the incoming date) whose
    name relates to the incoming one closely enough to be scored: the same written name, the same
    romanised name or one a slip away, or a reading shared. At a million people a date has some
    seventy people born on it, so this runs some 300,000 times per 10,000 rows: the incoming name
    is read once, cheap comparisons come first (the first character in either script before
    folding whole names), the incoming name's readings only when needed, the registry name's
    pinyin only for a row without a written Chinese name."""
    name, latin = incoming.name, incoming.name_latin
    compact = _compact(name) if name else ""
    first = _first(name) if name else ""
    if not latin:  # only the written name can relate
        if name:
            for pk, their_name, _their_latin in born:
                if their_name and _first(their_name) == first and _compact(their_name) == compact:
                    yield pk
        return
    tokens = _tokens(latin)
    count = len(tokens)
    written = bool(name) and not name.isascii()
    keys = None
    for pk, their_name, their_latin in born:
        if name and their_name and _first(their_name) == first and _compact(their_name) == compact:
            yield pk
            continue
        if their_latin:
            theirs, joined = _latin_form(their_latin)
            # one token a slip away: the others are the same, so one of the ends of either is shared
            if theirs == tokens or (
                len(theirs) == count
                and (count == 1 or theirs[0] in tokens or theirs[-1] in tokens)
                and _tokens_close(tokens, theirs)
            ):
                yield pk
                continue
        elif written:
            continue
        if keys is None:
            keys = _keys(name, latin)
        if written:
            if joined in keys:
                yield pk
        elif any(form in keys for form in _spellings(their_name, their_latin)):
            yield pk


def _candidates(incomings: Sequence[Incoming], people) -> list[set[int]]:
    """Candidate ids per incoming record (see the module docstring, "Candidates")."""
    content_type = ContentType.objects.get_for_model(Person).pk
    wanted = [inc.lookup_keys() for inc in incomings]
    strong = _holders(content_type, (k for keys in wanted for k, kind in keys.items() if kind in STRONG))
    chosen: list[set[int]] = []
    pending: list[int] = []  # rows no document found: they look by name too
    for index, (inc, keys) in enumerate(zip(incomings, wanted, strict=True)):
        ids = {pk for key, kind in keys.items() if kind in STRONG for pk in strong.get(key, ())}
        ids.discard(inc.person_id)
        chosen.append(ids)
        if not any(set(strong.get(key, ())) - {inc.person_id} for key, kind in keys.items() if kind == "document"):
            pending.append(index)
    if not pending:
        return chosen
    names = _holders(
        content_type,
        (k for i in pending for k, kind in wanted[i].items() if kind not in STRONG),
        cap=MAX_PER_KEY,
    )
    by_name = {}
    for index in pending:
        found = set()
        for key, kind in wanted[index].items():
            holders = names.get(key, ())
            if kind not in STRONG and len(holders) <= MAX_PER_KEY:
                found.update(holders)
        by_name[index] = found
    # a row that gives only a name and an employer (no date of birth, document or phone), whose
    # name is too common for step 2: the holders of the name who work there with the same job title
    # (what a workplace can tell apart, see _evaluate), filtered in the database
    crowded: dict[int, str] = {}
    for index in pending:
        inc = incomings[index]
        if inc.birth_date or inc.documents or inc.phones or inc.emails or not (inc.employer and inc.title):
            continue
        key = _compact(inc.name) if inc.name else next(iter(_latin_lookups(inc.name_latin)), "")
        if key and len(names.get(key, ())) > MAX_PER_KEY:
            crowded[index] = key
    if crowded:
        places = _workplaces(content_type, set(crowded.values()))
        for index, key in crowded.items():
            inc = incomings[index]
            place = (_compact(inc.employer), _compact(inc.title))
            by_name[index].update(pk for pk, employer, title in places.get(key, ()) if (employer, title) == place)
    dated = [i for i in pending if incomings[i].birth_date]
    born: dict[datetime.date, list[tuple[int, str, str]]] = defaultdict(list)
    undated: set[int] = set()
    if dated:
        dates = sorted({incomings[i].birth_date for i in dated})
        for pk, name, latin, birth in people.filter(birth_date__in=dates).values_list(
            "id", "name", "name_latin", "birth_date"
        ):
            born[birth].append((pk, name, latin))
        # a dated row meets name holders born another day only to part (see above): only those
        # with no date of birth in the registry are worth scoring
        holders = sorted(set().union(*(by_name[i] for i in dated)))
        for start in range(0, len(holders), 10_000):
            undated.update(
                among(people, "id", holders[start : start + 10_000])
                .filter(birth_date__isnull=True)
                .values_list("pk", flat=True)
            )
    for index in pending:
        inc, ids = incomings[index], chosen[index]
        if inc.birth_date:
            ids.update(by_name[index] & undated)
            ids.update(_related(inc, born.get(inc.birth_date, ())))
        else:
            ids.update(by_name[index])
        ids.discard(inc.person_id)
    return chosen


def among(queryset, column: str, ids: list[int]):
    """queryset.filter(<column>__in=ids); on PostgreSQL as `= ANY(array)`, one parameter sent in
    binary (see search.server_binding), instead of ten thousand prepared and quoted one by one."""
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{column}__in": ids})
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    return queryset.extra(where=[f"{table}.{connection.ops.quote_name(column)} = ANY(%s)"], params=[list(ids)])


def link(incomings: Sequence[Incoming], people=None) -> list[Decision]:
    with search.server_binding():
        return _link(incomings, people)


def _link(incomings: Sequence[Incoming], people=None) -> list[Decision]:
    """Decide, for a batch of incoming records, which known person each one is (in a few queries).

    `people` is the queryset linkage may see (`Person.objects.restrict(user)` for an import)."""
    people = Person.objects.all() if people is None else people
    candidate_ids = _candidates(incomings, people)
    every_id = set().union(*candidate_ids) if candidate_ids else set()
    # documents count only for a row that gives one: the others' candidates need none read
    with_documents = set().union(*(ids for inc, ids in zip(incomings, candidate_ids, strict=True) if inc.documents))
    records, documents = _records(people, every_id, with_documents)
    refused = _refused_pairs(incomings, every_id)
    decisions = []
    for inc, ids in zip(incomings, candidate_ids, strict=True):
        scored = []
        for pk in ids:
            if pk not in records or (inc.person_id is not None and _pair(inc.person_id, pk) in refused):
                continue
            value, reasons = _evaluate(inc, records[pk], documents.get(pk, set()), REVIEW)
            scored.append((value, reasons, pk))
        decision = decide([Candidate(pk, value, reasons) for value, reasons, pk in scored])
        for candidate in decision.candidates:  # only what is kept becomes a Person
            candidate.person = _person(records[candidate.person], people.db)
        decisions.append(decision)
    return decisions


def _records(people, ids: set[int], documents_of: set[int] | None = None) -> tuple[dict[int, dict], dict[int, set]]:
    """The scored fields of the people `ids` among `people`, and the documents of those among them
    in `documents_of` (all when None); two queries per 10,000 people."""
    records: dict[int, dict] = {}
    documents: dict[int, set] = defaultdict(set)
    ordered = sorted(ids)
    for start in range(0, len(ordered), 10_000):
        chunk = ordered[start : start + 10_000]
        # unordered: rows go into dicts by id (the model's ordering by name would sort them for nothing)
        for row in among(people, "id", chunk).order_by().values(*SCORED_FIELDS):
            records[row["id"]] = row
    wanted = ordered if documents_of is None else sorted(documents_of & ids)
    for start in range(0, len(wanted), 10_000):
        chunk = wanted[start : start + 10_000]
        for pk, kind, number in among(IdentityDocument.objects.order_by(), "person_id", chunk).values_list(
            "person_id", "kind", "number"
        ):
            documents[pk].add((kind, number))
    return records, documents


def _person(record: dict, db: str) -> Person:
    """A Person with only the scored fields loaded (the rest load on access, as with `only()`)."""
    names = [f.attname for f in Person._meta.concrete_fields if f.attname in record]
    return Person.from_db(db, names, [record[name] for name in names])


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _refused_pairs(incomings: Iterable[Incoming], candidate_ids: set[int]) -> set[tuple[int, int]]:
    own = {inc.person_id for inc in incomings if inc.person_id}
    if not own:
        return set()
    rows = DistinctPair.objects.filter(Q(first_id__in=own) | Q(second_id__in=own)).values_list("first_id", "second_id")
    return {(a, b) for a, b in rows}
