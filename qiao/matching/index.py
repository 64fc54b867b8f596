"""The matching index: what the ranking needs to know of every person who may be proposed, as arrays.

A `Segment` holds, for its people (sorted by id): owning unit, availability, highest degree, years of
experience, languages and work modes (bit masks), attended activities, and three inverted lists
(key → rows): the fields tagged on the profile, the fields named in the profile's text, the places
wanted, and the terms of the text with their BM25 weights precomputed. Only people who may be
proposed at all are in it: a talent profile, contact consent, not "unavailable", not deleted, not
merged.

The base segment is built from the database by `build()` (the command `qiao matching_index
--rebuild` and the task `rebuild_index`), saved under MATCHING_INDEX_DIR as .npy files and mapped
into memory by every process (the pages are shared). Changes reach it through `IndexChange`: each
process, at most every MATCHING_REFRESH_SECONDS, re-reads the people changed since the build into a
small delta segment that overrides the base. A rebuild compacts. Small databases (up to
MATCHING_LIVE_MAX talent profiles) keep no index: it is built from the database at each query.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from . import taxonomy as taxonomy_module
from .models import DEGREE_RANK, Availability, Language, WorkMode

log = logging.getLogger(__name__)

LANGUAGE_BITS = {code: 1 << index for index, code in enumerate(Language.values)}
MODE_BITS = {code: 1 << index for index, code in enumerate(WorkMode.values)}
HAS_PLACE = 1 << 15  # in `modes`: the person said where they live or want to work
AVAILABILITY = {Availability.AVAILABLE: 1.0, Availability.OPEN: 0.5}
# How much each part of a profile counts in the text score (a simple BM25F: weighted term frequencies).
TEXT_PARTS = {"profile": 1.0, "skills": 2.0, "title": 2.0, "employer": 1.0, "study": 1.5, "fields": 1.0}
FORMAT = 1  # of the files on disk; a different one is rebuilt
ARRAYS = ("person", "unit", "availability", "degree", "experience", "languages", "modes", "engagement", "length")


# ------------------------------------------------------------------------------------------------------
# Records: one person as the index sees them, read from the database


@dataclass
class Record:
    person: int
    unit: int
    availability: float
    degree: int
    experience: int  # -1: unknown
    languages: int
    modes: int
    engagement: int
    tagged: list[int]
    named: list[int]  # fields named in the text and not tagged
    places: list[str]
    terms: dict[str, float]  # weighted term frequencies
    length: float


def mask(values, bits: dict) -> int:
    found = 0
    for value in values or []:
        found |= bits.get(str(value), 0)
    return found


def read(
    person_ids=None, id_range: tuple[int, int] | None = None, tax=None, everyone: bool = False
) -> dict[int, Record | None]:
    """Records of the given people (or every person whose id is in [low, high)), read from the database.
    A person who may not be proposed (no profile, no consent, unavailable, deleted, merged) maps to None,
    unless `everyone` (a person's own opportunities): then only the profile must exist."""
    from qiao.activities.models import Participation
    from qiao.people.models import Education

    from .models import TalentProfile

    tax = tax or taxonomy_module.get()
    terms = tax.terms
    if person_ids is not None:
        person_ids = list(person_ids)
        if not person_ids:
            return {}
        where = Q(person_id__in=person_ids)
        through_where = Q(talentprofile__person_id__in=person_ids)
    else:
        where = Q(person_id__gte=id_range[0], person_id__lt=id_range[1])
        through_where = Q(talentprofile__person_id__gte=id_range[0], talentprofile__person_id__lt=id_range[1])
    found: dict[int, Record | None] = dict.fromkeys(person_ids or (), None)
    profiles = TalentProfile.objects.filter(where).values_list(
        "pk", "person_id", "person__unit_id", "person__deleted_at", "person__merged_into_id", "contact_consent",
        "availability", "experience_years", "languages", "work_modes", "skills", "desired_places", "residence",
        "person__profile", "person__title", "person__employer",
    )  # fmt: skip
    if everyone:
        rows = list(profiles)
    else:
        rows = [row for row in profiles if row[3] is None and row[4] is None and row[5] and row[6] in AVAILABILITY]
    if not rows:
        return found
    through = TalentProfile.fields.through
    tagged: dict[int, list[int]] = {}
    for profile_id, field_id in through.objects.filter(through_where).values_list("talentprofile_id", "field_id"):
        tagged.setdefault(profile_id, []).append(field_id)
    degrees: dict[int, int] = {}
    studies: dict[int, list[str]] = {}
    for person, degree, study in Education.objects.filter(where).values_list("person_id", "degree", "field"):
        degrees[person] = max(degrees.get(person, 0), DEGREE_RANK.get(degree, 0))
        if study:
            studies.setdefault(person, []).append(study)
    engagement = dict(
        Participation.objects.filter(where, status="attended")
        .values_list("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    for row in rows:
        (profile_id, person, unit, _d, _m, _c, availability, years, languages, modes, skills, places, residence,
         profile, title, employer) = row  # fmt: skip
        counts: dict[str, float] = {}
        named: dict[int, int] = {}
        parts = {
            "profile": profile,
            "skills": skills,
            "title": title,
            "employer": employer,
            "study": " ".join(studies.get(person, ())),
        }
        for part, value in parts.items():
            if not value:
                continue
            words, inner = terms.analyse(value)
            weight = TEXT_PARTS[part]
            for term in words:
                counts[term] = counts.get(term, 0.0) + weight
            for term in inner:
                counts[term] = counts.get(term, 0.0) + weight * 0.5
            if part != "employer":
                for pk, times in tax.fields_in_words(words).items():
                    named[pk] = named.get(pk, 0) + times
        fields_here = sorted(set(tagged.get(profile_id, ())))
        for pk in fields_here:
            node = tax.nodes.get(pk)
            if node:
                for term in terms.words(f"{node.names['zh-hans']} {node.names['en']}"):
                    counts[term] = counts.get(term, 0.0) + TEXT_PARTS["fields"]
        place_words = sorted(set(terms.words(f"{places} {residence}")))
        found[person] = Record(
            person=person,
            unit=unit,
            availability=AVAILABILITY.get(availability, 0.0),
            degree=degrees.get(person, 0),
            experience=-1 if years is None else int(years),
            languages=mask(languages, LANGUAGE_BITS),
            modes=mask(modes, MODE_BITS) | (HAS_PLACE if place_words else 0),
            engagement=int(engagement.get(person, 0)),
            tagged=fields_here,
            named=sorted(pk for pk in named if pk not in fields_here),
            places=place_words,
            terms=counts,
            length=sum(counts.values()),
        )
    return found


# ------------------------------------------------------------------------------------------------------
# Inverted lists and segments


@dataclass
class Postings:
    """key → rows (and weights): `docs[indptr[k]:indptr[k + 1]]` for the key's column k."""

    keys: dict
    indptr: np.ndarray
    docs: np.ndarray
    weights: np.ndarray | None = None

    def get(self, key):
        column = self.keys.get(key)
        if column is None:
            return None, None
        start, end = int(self.indptr[column]), int(self.indptr[column + 1])
        weights = self.weights[start:end] if self.weights is not None else None
        return self.docs[start:end], weights

    def size(self, key) -> int:
        column = self.keys.get(key)
        return 0 if column is None else int(self.indptr[column + 1] - self.indptr[column])

    @classmethod
    def from_pairs(cls, keys: list, columns: np.ndarray, docs: np.ndarray, weights: np.ndarray | None = None):
        order = np.lexsort((docs, columns))
        counts = np.bincount(columns, minlength=len(keys)) if len(columns) else np.zeros(len(keys), np.int64)
        indptr = np.zeros(len(keys) + 1, np.int64)
        np.cumsum(counts, out=indptr[1:])
        return cls(
            {key: index for index, key in enumerate(keys)},
            indptr,
            docs[order].astype(np.int32),
            None if weights is None else weights[order].astype(np.float32),
        )


@dataclass
class Stats:
    """What BM25 needs from the whole collection: documents, average length, document frequencies
    (the lengths of the base segment's term lists)."""

    count: int
    average_length: float
    terms: Postings | None = None

    def df(self, term: str) -> int:
        return max(self.terms.size(term), 1) if self.terms is not None else 1

    def idf(self, term: str) -> float:
        return idf(self.count, self.df(term))


def idf(count, df):
    """BM25's inverse document frequency (never negative)."""
    return np.log1p((count - df + 0.5) / (df + 0.5))


@dataclass
class Segment:
    person: np.ndarray  # int64, sorted
    unit: np.ndarray  # int64
    availability: np.ndarray  # float32
    degree: np.ndarray  # int8
    experience: np.ndarray  # int16, -1 unknown
    languages: np.ndarray  # int32 bits
    modes: np.ndarray  # int32 bits
    engagement: np.ndarray  # int32
    length: np.ndarray  # float32, weighted number of terms
    tagged: Postings
    named: Postings
    places: Postings
    terms: Postings
    stats: Stats
    meta: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.person)

    def rows_of(self, person_ids) -> np.ndarray:
        """Rows of the given people that are in the segment."""
        ids = np.asarray(list(person_ids), dtype=np.int64)
        if not len(ids) or not len(self.person):
            return np.zeros(0, np.int64)
        rows = np.searchsorted(self.person, ids)
        rows = np.minimum(rows, len(self.person) - 1)
        return rows[self.person[rows] == ids]


def build_segment(records: list[Record], stats: Stats | None = None) -> Segment:
    """A segment of `records` with BM25 weights from `stats` (a delta uses its base's), or with raw term
    frequencies when `stats` is None (the builder weighs the whole base at the end, see `weigh`)."""
    records = sorted(records, key=lambda r: r.person)
    vocabulary: dict[str, int] = {}
    columns, docs, weights = [], [], []
    for row, record in enumerate(records):
        terms = record.terms
        found = [vocabulary.setdefault(term, len(vocabulary)) for term in terms]
        columns += found
        docs += [row] * len(found)
        weights += terms.values()
    terms = Postings.from_pairs(
        list(vocabulary), np.asarray(columns, np.int64), np.asarray(docs, np.int64), np.asarray(weights, np.float32)
    )
    segment = Segment(
        person=np.asarray([r.person for r in records], np.int64),
        unit=np.asarray([r.unit for r in records], np.int64),
        availability=np.asarray([r.availability for r in records], np.float32),
        degree=np.asarray([r.degree for r in records], np.int8),
        experience=np.asarray([r.experience for r in records], np.int16),
        languages=np.asarray([r.languages for r in records], np.int32),
        modes=np.asarray([r.modes for r in records], np.int32),
        engagement=np.asarray([r.engagement for r in records], np.int32),
        length=np.asarray([r.length for r in records], np.float32),
        tagged=_key_postings([r.tagged for r in records]),
        named=_key_postings([r.named for r in records]),
        places=_key_postings([r.places for r in records]),
        terms=terms,
        stats=stats or Stats(len(records), float(np.mean([r.length for r in records])) if records else 1.0),
    )
    if stats is not None:
        weigh(segment, stats)
    return segment


def weigh(segment: Segment, stats: Stats) -> None:
    """Term frequencies → BM25 weights: idf × tf (k1 + 1) / (tf + k1 (1 − b + b dl / avgdl))."""
    k1, b = float(settings.MATCHING_BM25["k1"]), float(settings.MATCHING_BM25["b"])
    postings = segment.terms
    if stats.terms is None:  # the segment is the collection
        df = np.diff(postings.indptr).astype(np.float64)
    else:
        df = np.asarray([stats.df(term) for term in postings.keys], np.float64)
    term_idf = idf(stats.count, df).astype(np.float32) if len(df) else np.zeros(0, np.float32)
    column = np.repeat(np.arange(len(postings.keys)), np.diff(postings.indptr))
    tf = postings.weights
    norm = k1 * (1 - b + b * segment.length[postings.docs] / max(stats.average_length, 1e-6))
    postings.weights = (term_idf[column] * tf * (k1 + 1) / (tf + norm)).astype(np.float32)
    segment.stats = stats


def _key_postings(lists: list[list]) -> Postings:
    keys: dict = {}
    columns, docs = [], []
    for row, values in enumerate(lists):
        for value in values:
            columns.append(keys.setdefault(value, len(keys)))
            docs.append(row)
    return Postings.from_pairs(list(keys), np.asarray(columns, np.int64), np.asarray(docs, np.int64))


def concatenate(parts: list[Segment]) -> Segment:
    """One segment of several built over consecutive person-id ranges (rows are shifted)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return build_segment([], Stats(0, 1.0))
    offsets = np.cumsum([0] + [len(p) for p in parts])[:-1]

    def merge(name: str) -> Postings:
        keys: dict = {}
        columns, docs, weights = [], [], []
        for offset, part in zip(offsets, parts, strict=True):
            postings: Postings = getattr(part, name)
            key_list = list(postings.keys)
            mapping = np.asarray([keys.setdefault(k, len(keys)) for k in key_list], np.int64)
            lengths = np.diff(postings.indptr)
            columns.append(np.repeat(mapping, lengths) if len(mapping) else np.zeros(0, np.int64))
            docs.append(postings.docs.astype(np.int64) + offset)
            if postings.weights is not None:
                weights.append(postings.weights)
        return Postings.from_pairs(
            list(keys), np.concatenate(columns), np.concatenate(docs), np.concatenate(weights) if weights else None
        )

    arrays = {name: np.concatenate([getattr(p, name) for p in parts]) for name in ARRAYS}
    return Segment(
        **arrays,
        tagged=merge("tagged"),
        named=merge("named"),
        places=merge("places"),
        terms=merge("terms"),
        stats=Stats(0, 1.0),
    )


# ------------------------------------------------------------------------------------------------------
# Building the base from the database


def people_range() -> tuple[int, int]:
    from .models import TalentProfile

    bounds = TalentProfile.objects.aggregate(low=Min("person_id"), high=Max("person_id"))
    return (bounds["low"] or 0), (bounds["high"] or -1) + 1


def build(progress=None, chunk: int = 20_000) -> Segment:
    """The base segment of everyone who may be proposed, read from the database in person-id ranges,
    weighed with BM25 at the end over the whole collection."""
    from .models import IndexChange

    started = time.monotonic()
    watermark = IndexChange.objects.aggregate(m=Max("id"))["m"] or 0
    tax = taxonomy_module.get(fresh=True)
    low, high = people_range()
    parts: list[Segment] = []
    count = 0
    for start in range(low, high, chunk):
        with transaction.atomic():  # one snapshot per chunk; a long read does not hold one
            records = [r for r in read(id_range=(start, start + chunk), tax=tax).values() if r is not None]
        parts.append(build_segment(records))
        count += len(records)
        if progress and (len(parts) % 10 == 0 or start + chunk >= high):
            done = min(start + chunk, high) - low
            progress(f"read {count:,} people ({done:,} of {high - low:,} ids) in {time.monotonic() - started:.0f} s")
    segment = concatenate(parts)
    lengths = segment.length
    stats = Stats(len(segment), float(lengths.mean()) if len(lengths) else 1.0)
    weigh(segment, stats)
    segment.stats = Stats(stats.count, stats.average_length, segment.terms)
    segment.meta = {
        "format": FORMAT,
        "watermark": watermark,
        "taxonomy": tax.signature,
        "built_at": timezone.now().isoformat(),
        "seconds": round(time.monotonic() - started, 1),
        "people": count,
    }
    if progress:
        progress(f"index: {count:,} people, {len(segment.terms.keys):,} terms in {segment.meta['seconds']} s")
    return segment


# ------------------------------------------------------------------------------------------------------
# Files


def folder() -> Path:
    """The index's folder for this database (a test database never shares the real one's)."""
    db = connection.settings_dict
    key = hashlib.sha1(f"{db['ENGINE']}|{db.get('HOST')}|{db.get('PORT')}|{db['NAME']}".encode(), usedforsecurity=False)
    return Path(settings.MATCHING_INDEX_DIR) / key.hexdigest()[:12]


POSTINGS = ("tagged", "named", "places", "terms")


def save(segment: Segment) -> Path:
    """Write the segment to a new folder and make it the current one (atomically)."""
    root = folder()
    root.mkdir(parents=True, exist_ok=True)
    name = "base-" + datetime.datetime.now().strftime("%Y%m%d%H%M%S%f")
    target = root / name
    target.mkdir()
    for key in ARRAYS:
        np.save(target / f"{key}.npy", getattr(segment, key))
    for key in POSTINGS:
        postings: Postings = getattr(segment, key)
        np.save(target / f"{key}.indptr.npy", postings.indptr)
        np.save(target / f"{key}.docs.npy", postings.docs)
        if postings.weights is not None:
            np.save(target / f"{key}.weights.npy", postings.weights)
        with open(target / f"{key}.keys.json", "w", encoding="utf-8") as handle:
            json.dump(list(postings.keys), handle, ensure_ascii=False)
    meta = dict(segment.meta, count=segment.stats.count, average_length=segment.stats.average_length)
    (target / "meta.json").write_text(json.dumps(meta))
    pointer = root / "current.tmp"
    pointer.write_text(name)
    os.replace(pointer, root / "current")
    for old in root.glob("base-*"):  # processes that still map an old one keep their pages until they reload
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return target


def current_name() -> str | None:
    try:
        return (folder() / "current").read_text().strip() or None
    except FileNotFoundError:
        return None


def _mapped(path: Path) -> np.ndarray:
    """The file's array mapped read-only (its pages shared by every process), as a plain ndarray:
    np.memmap's Python-level indexing costs more than the indexing itself on small selections."""
    return np.asarray(np.load(path, mmap_mode="r"))


def load(name: str) -> Segment:
    source = folder() / name
    meta = json.loads((source / "meta.json").read_text())
    if meta.get("format") != FORMAT:
        raise FileNotFoundError(f"index format {meta.get('format')} is not {FORMAT}")
    arrays = {key: _mapped(source / f"{key}.npy") for key in ARRAYS}
    postings = {}
    for key in POSTINGS:
        with open(source / f"{key}.keys.json", encoding="utf-8") as handle:
            keys = json.load(handle)
        weights_file = source / f"{key}.weights.npy"
        postings[key] = Postings(
            {k: i for i, k in enumerate(keys)},
            _mapped(source / f"{key}.indptr.npy"),
            _mapped(source / f"{key}.docs.npy"),
            _mapped(weights_file) if weights_file.exists() else None,
        )
    stats = Stats(meta["count"], meta["average_length"], postings["terms"])
    return Segment(**arrays, **postings, stats=stats, meta=meta)


# ------------------------------------------------------------------------------------------------------
# The process's view: base + delta, refreshed from IndexChange


class Index:
    """The base segment and the delta of people changed since it was built."""

    def __init__(self, base: Segment, live: bool = False, name: str | None = None) -> None:
        self.base = base
        self.live = live
        self.name = name
        self.watermark = int(base.meta.get("watermark", 0))
        self.delta_records: dict[int, Record | None] = {}
        self.delta: Segment = build_segment([], base.stats)
        self.overridden = np.zeros(len(base), bool)
        self.checked = time.monotonic()
        self.lock = threading.Lock()
        self.foreign = False  # the saved index belongs to an earlier database of the same name

    def segments(self) -> list[tuple[Segment, np.ndarray | None]]:
        """(segment, rows to skip) pairs to score."""
        return [(self.base, self.overridden if self.delta_records else None), (self.delta, None)]

    def refresh(self) -> int:
        """Read the people changed since the last look into the delta. Returns how many were re-read."""
        from .models import IndexChange

        base_mark = int(self.base.meta.get("watermark", 0))
        sentinel = self.base.meta.get("sentinel")
        if sentinel and not IndexChange.objects.filter(pk=sentinel, person_id=0).exists():
            self.foreign = True
            return 0
        recent = timezone.now() - datetime.timedelta(seconds=max(120, 4 * settings.MATCHING_REFRESH_SECONDS))
        # ids are not committed in order: look again at the last minutes' changes, not only the new ids
        changes = list(
            IndexChange.objects.filter(Q(id__gt=self.watermark) | Q(at__gte=recent), id__gt=base_mark).values_list(
                "id", "person_id"
            )
        )
        self.checked = time.monotonic()
        if not changes:
            return 0
        people = {person for _id, person in changes if person}
        fresh = read(people)
        with self.lock:
            self.delta_records.update(fresh)
            self.watermark = max(self.watermark, max(pk for pk, _p in changes))
            self.delta = build_segment([r for r in self.delta_records.values() if r is not None], self.base.stats)
            overridden = np.zeros(len(self.base), bool)
            overridden[self.base.rows_of(self.delta_records)] = True
            self.overridden = overridden
        if len(self.delta_records) > 50_000:
            log.warning("matching index: %d people changed since the build; run `qiao matching_index --rebuild`",
                        len(self.delta_records))  # fmt: skip
        return len(people)


_index: Index | None = None
_index_lock = threading.Lock()


def live_build() -> Index:
    return Index(build(), live=True)


def get_index() -> Index:
    """The process's index: built at each call for a small database, else loaded from its files (built
    and saved first when there are none) and refreshed at most every MATCHING_REFRESH_SECONDS."""
    global _index
    name = current_name()
    if name is None:
        from .models import TalentProfile

        if TalentProfile.objects.count() <= settings.MATCHING_LIVE_MAX:
            return live_build()
        with _index_lock:
            name = current_name()
            if name is None:
                log.warning("matching index: none on disk, building it now (run `qiao matching_index --rebuild`)")
                rebuild()
                name = current_name()
    index = _index
    if index is None or index.name != name:
        with _index_lock:
            if _index is None or _index.name != name:
                _index = Index(load(name), name=name)
                _index.refresh()
            index = _index
    elif time.monotonic() - index.checked >= settings.MATCHING_REFRESH_SECONDS:
        index.refresh()
    if index.foreign:
        log.warning("matching index: %s was built for another database of this name; rebuilding", name)
        rebuild()
        return get_index()
    return index


def preload() -> bool:
    """In gunicorn's master before it forks (deploy/gunicorn.conf.py): map the saved index and read the changes
    since its build, so that every worker starts with it, its pages shared (loading it took a worker's first
    match list 0.6 s at a million people). Nothing without saved files (a small database builds it per call)."""
    if current_name() is None:
        return False
    get_index()
    return True


def rebuild(progress=None) -> Segment:
    """Build the base from the database, save it, and forget the changes it includes.

    A marker row (person 0) written after the build tells a later process that the saved index
    belongs to this database: a database created again under the same name lacks it, and its index
    is rebuilt rather than trusted."""
    from .models import IndexChange

    segment = build(progress=progress)
    segment.meta["sentinel"] = IndexChange.objects.create(person_id=0).pk
    save(segment)
    IndexChange.objects.filter(id__lte=segment.meta["watermark"]).delete()
    reset()
    return segment


def reset() -> None:
    """Forget this process's index (tests; after a rebuild in this process)."""
    global _index
    _index = None


def mark_changed(person_ids) -> int:
    """Tell the index that these people changed (bulk paths that bypass the models' signals)."""
    from .models import IndexChange

    rows = [IndexChange(person_id=pk) for pk in dict.fromkeys(int(p) for p in person_ids)]
    IndexChange.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
