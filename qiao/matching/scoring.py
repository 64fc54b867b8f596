"""Scoring: a demand as a query (its fields' closeness to every field, its weighted terms, what it
asks), and the vectorised score of every row of an index segment, part by part. The rules are in
docs/_matching_engine.md; the weights are settings."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Q

from . import index as index_module
from . import taxonomy as taxonomy_module
from .index import LANGUAGE_BITS, MODE_BITS, Segment, Stats
from .models import DEGREE_RANK, MatchStage

POPCOUNT = np.asarray([bin(value).count("1") for value in range(1 << len(LANGUAGE_BITS))], np.float32)
ALWAYS = ("engagement", "availability")


@dataclass
class Query:
    demand: int | None
    organization: int | None
    fields: dict[int, float]  # the demand's fields: tagged 1.0, named in its text the "text" factor
    closeness: dict[int, float]  # every taxonomy field → how close it is to the demand's (best pair)
    best: dict[int, tuple[int, str]]  # field → (the demand's field it is closest to, relation)
    terms: dict[str, float]
    ideal: float
    min_degree: int
    degree_code: str
    degree_required: bool
    min_experience: int
    languages: int
    mode: int
    mode_code: str
    places: list[str]
    place: str
    agreed: dict[int, int] = field(default_factory=dict)  # person → a field of an agreed earlier match
    declined: dict[int, str] = field(default_factory=dict)  # person → organisation that declined
    stages: dict[int, tuple[str, int]] = field(default_factory=dict)  # person → (stage, match id) here

    def applicable(self) -> dict[str, float]:
        weights = settings.MATCHING_WEIGHTS
        parts = {
            "field": bool(self.closeness),
            "text": self.ideal > 0,
            "degree": self.min_degree > 0,
            "experience": self.min_experience > 0,
            "language": self.languages > 0,
            "work_mode": self.mode > 0,
            "place": bool(self.places),
        }
        found = {name: float(weights.get(name, 0)) for name, on in parts.items() if on}
        found.update({name: float(weights.get(name, 0)) for name in ALWAYS})
        return found

    @property
    def relevant(self) -> bool:
        return bool(self.closeness) or self.ideal > 0


_query_terms: dict[tuple, tuple] = {}


def make_query(demand, stats: Stats, tax=None, *, outcomes: bool = True) -> Query:
    """The demand as the engine reads it: fields, their closeness to every field, weighted terms."""
    tax = tax or taxonomy_module.get()
    key = (demand.pk, getattr(demand, "updated", None), tax.signature)
    cached = _query_terms.get(key) if demand.pk else None
    if cached is None:
        counts: dict[str, float] = {}
        named: dict[int, int] = {}
        for value, weight in ((demand.title, 2.0), (demand.skills, 2.0), (demand.description, 1.0)):
            words, parts = tax.terms.analyse(value or "")
            for term in words:
                counts[term] = counts.get(term, 0.0) + weight
            for term in parts:
                counts[term] = counts.get(term, 0.0) + weight * 0.5
            for pk, times in tax.fields_in_words(words).items():
                named[pk] = named.get(pk, 0) + times
        places = sorted(set(tax.terms.words(demand.place or "")))
        cached = ({t: min(c, 3.0) for t, c in counts.items()}, named, places)
        if demand.pk:
            if len(_query_terms) > 5000:
                _query_terms.clear()
            _query_terms[key] = cached
    terms, named, places = cached
    tagged = [f.pk for f in demand.fields.all()] if demand.pk else []  # prefetched by callers with many demands
    text_factor = float(settings.MATCHING_CLOSENESS.get("text", 0.85))
    fields = {pk: text_factor for pk in named if pk in tax.nodes}
    fields.update(dict.fromkeys((pk for pk in tagged if pk in tax.nodes), 1.0))
    closeness, best = _closeness(tax, fields)
    terms = _selective(terms, stats)
    ideal = _ideal(terms, stats)
    query = Query(
        demand=demand.pk,
        organization=demand.organization_id,
        fields=fields,
        closeness=closeness,
        best=best,
        terms=terms,
        ideal=float(ideal),
        min_degree=DEGREE_RANK.get(demand.min_degree or "", 0),
        degree_code=demand.min_degree or "",
        degree_required=bool(demand.degree_required and demand.min_degree),
        min_experience=int(demand.min_experience_years or 0),
        languages=index_module.mask(demand.languages, LANGUAGE_BITS),
        mode=MODE_BITS.get(demand.work_mode or "", 0),
        mode_code=demand.work_mode or "",
        places=places,
        place=demand.place or "",
    )
    if outcomes and demand.pk:
        _outcomes(query, demand)
    return query


def _selective(terms: dict[str, float], stats: Stats) -> dict[str, float]:
    """The query's terms without those in more than MATCHING_BM25["max_df"] of all profiles (公司, 项目 …):
    their weight is small and their lists are the longest; kept when nothing else is left."""
    share = float(settings.MATCHING_BM25.get("max_df", 0.2))
    if not stats.count or share >= 1:
        return terms
    limit = share * stats.count
    kept = {term: weight for term, weight in terms.items() if stats.df(term) <= limit}
    return kept or terms


_ideal_cache: dict[tuple, float] = {}


def _ideal(terms: dict[str, float], stats: Stats) -> float:
    """Σ weight × idf of the query's terms: the BM25 of a text holding each term once at average length."""
    key = (id(stats), stats.count, tuple(terms.items()))
    found = _ideal_cache.get(key)
    if found is None:
        if len(_ideal_cache) > 5000:
            _ideal_cache.clear()
        found = _ideal_cache[key] = float(sum(weight * stats.idf(term) for term, weight in terms.items()))
    return found


_closeness_cache: dict[tuple, tuple] = {}


def _closeness(tax, fields: dict[int, float]) -> tuple[dict, dict]:
    """Every field's closeness to the best of the demand's fields, and that field and relation."""
    key = (tax.signature, tuple(sorted(fields.items())), tuple(sorted(settings.MATCHING_CLOSENESS.items())))
    found = _closeness_cache.get(key)
    if found is None:
        closeness: dict[int, float] = {}
        best: dict[int, tuple[int, str]] = {}
        for candidate in tax.nodes:
            for asked, weight in fields.items():
                value = tax.closeness(candidate, asked) * weight
                if value > closeness.get(candidate, 0.0):
                    closeness[candidate] = value
                    best[candidate] = (asked, tax.relation(candidate, asked))
        if len(_closeness_cache) > 2000:
            _closeness_cache.clear()
        found = _closeness_cache[key] = (closeness, best)
    return found


def _outcomes(query: Query, demand) -> None:
    """Matches of this demand (shown with their stage), declines by its organisation, agreements in its
    fields: one query."""
    from .models import Match

    condition = Q(demand=demand)
    if query.organization:
        condition |= Q(stage=MatchStage.DECLINED, demand__organization_id=query.organization)
    if query.fields:
        condition |= Q(stage=MatchStage.AGREED, demand__fields__in=list(query.fields))
    rows = Match.objects.filter(condition).values_list(
        "pk", "person_id", "stage", "demand_id", "demand__organization_id", "demand__organization__name"
    )
    agreed_demands: dict[int, list[int]] = {}
    for pk, person, stage, demand_id, organization, name in rows.distinct():
        if demand_id == demand.pk:
            query.stages[person] = (stage, pk)
        elif stage == MatchStage.DECLINED and organization == query.organization:
            query.declined[person] = name
        elif stage == MatchStage.AGREED:
            agreed_demands.setdefault(demand_id, []).append(person)
    if agreed_demands:
        through = type(demand).fields.through
        shared = through.objects.filter(demand_id__in=list(agreed_demands), field_id__in=list(query.fields))
        for demand_id, field_id in shared.values_list("demand_id", "field_id"):
            for person in agreed_demands[demand_id]:
                query.agreed.setdefault(person, field_id)


# ------------------------------------------------------------------------------------------------------
# Scoring a segment


@dataclass
class Scored:
    segment: Segment
    rows: np.ndarray
    score: np.ndarray
    parts: dict[str, np.ndarray]
    field: np.ndarray
    bm25: np.ndarray


def score(segment: Segment, query: Query, *, skip=None, visible=None, rows=None, need: int = 0) -> Scored:
    """Scores of the segment's relevant rows that pass the hard conditions (and `visible`, a function
    of rows → bool mask), with each part's points; with `need`, only of the rows that may be among
    the best `need`."""
    n = len(segment)
    text_factor = float(settings.MATCHING_CLOSENESS.get("text", 0.85))
    field_score = np.zeros(n, np.float32)
    groups = []
    for pk, value in query.closeness.items():
        docs, _w = segment.tagged.get(pk)
        if docs is not None and len(docs):
            groups.append((value, docs))
        docs, _w = segment.named.get(pk)
        if docs is not None and len(docs):
            groups.append((value * text_factor, docs))
    for value, docs in sorted(groups, key=lambda group: group[0]):  # ascending: the best value is written last
        field_score[docs] = value
    bm25 = np.zeros(n, np.float32)
    for term, weight in query.terms.items():
        docs, weights = segment.terms.get(term)
        if docs is not None and len(docs):
            bm25[docs] += weights * np.float32(weight)  # a term's rows are distinct: no lost updates
    w = settings.MATCHING_WEIGHTS
    applicable = query.applicable()
    if "text" in applicable:
        saturation = query.ideal * float(settings.MATCHING_BM25.get("saturation", 0.4))
        relevance = bm25 * np.float32(float(w["text"]) / saturation)
        np.minimum(relevance, np.float32(w["text"]), out=relevance)
    else:
        relevance = np.zeros(n, np.float32)
    if groups:
        relevance += np.float32(w["field"]) * field_score
    if rows is None:
        rows = np.flatnonzero(relevance > 0)
    if skip is not None and len(rows):
        rows = rows[~skip[rows]]
    if query.degree_required and len(rows):
        rows = rows[segment.degree[rows] >= query.min_degree]
    if visible is not None and len(rows):
        rows = rows[visible(segment, rows)]
    if need and len(rows) > 4 * need:
        # Only rows that can still reach the best `need`: the other parts add at most `rest` points and
        # take away at most `penalty`, so a row whose relevance is below the need-th best relevance
        # minus both cannot make it (docs/_matching_engine.md, "Pruning").
        rest = sum(v for k, v in applicable.items() if k not in ("field", "text")) + float(w["outcome"])
        penalty = float(w["declined"]) if query.declined else 0.0
        values = relevance[rows]
        cut = np.partition(values, len(values) - need)[len(values) - need]
        rows = rows[values >= cut - rest - penalty]
    parts = _parts(segment, query, rows, field_score[rows], bm25[rows])
    denominator = sum(applicable.values()) or 1.0
    total = np.zeros(len(rows), np.float32)
    for values in parts.values():
        values *= np.float32(100.0 / denominator)
        total += values
    return Scored(segment, rows, np.clip(total, 0, 100), parts, field_score[rows], bm25[rows])


def _parts(segment: Segment, q: Query, rows, field_score, bm25) -> dict[str, np.ndarray]:
    w = settings.MATCHING_WEIGHTS
    parts: dict[str, np.ndarray] = {}
    applicable = q.applicable()
    if "field" in applicable:
        parts["field"] = np.float32(w["field"]) * field_score
    if "text" in applicable:
        saturation = float(settings.MATCHING_BM25.get("saturation", 0.4))
        parts["text"] = np.float32(w["text"]) * np.minimum(1.0, bm25 / np.float32(q.ideal * saturation))
    if "degree" in applicable:
        degree = segment.degree[rows].astype(np.float32)
        gap = np.float32(q.min_degree) - degree
        value = np.where(gap <= 0, 1.0, np.where(degree == 0, 0.5, np.maximum(0.0, 1.0 - 0.5 * gap)))
        parts["degree"] = np.float32(w["degree"]) * value.astype(np.float32)
    if "experience" in applicable:
        years = segment.experience[rows].astype(np.float32)
        value = np.where(years < 0, 0.5, np.minimum(1.0, years / np.float32(q.min_experience)))
        parts["experience"] = np.float32(w["experience"]) * value.astype(np.float32)
    if "language" in applicable:
        known = segment.languages[rows]
        covered = POPCOUNT[known & q.languages] / POPCOUNT[q.languages]
        parts["language"] = np.float32(w["language"]) * np.where(known == 0, 0.5, covered).astype(np.float32)
    modes = segment.modes[rows]
    if "work_mode" in applicable:
        wanted = modes & ~index_module.HAS_PLACE
        value = np.where(wanted == 0, 0.5, (wanted & q.mode) > 0)
        parts["work_mode"] = np.float32(w["work_mode"]) * value.astype(np.float32)
    if "place" in applicable:
        marked = np.zeros(len(segment), bool)
        for word in q.places:
            docs, _w = segment.places.get(word)
            if docs is not None and len(docs):
                marked[docs] = True
        hit = marked[rows]
        value = np.where(hit, 1.0, np.where((modes & index_module.HAS_PLACE) > 0, 0.0, 0.5))
        parts["place"] = np.float32(w["place"]) * value.astype(np.float32)
    parts["engagement"] = np.float32(w["engagement"]) * np.minimum(1.0, segment.engagement[rows] / 3.0).astype(
        np.float32
    )
    parts["availability"] = np.float32(w["availability"]) * segment.availability[rows].astype(np.float32)
    if q.agreed or q.declined:
        people = segment.person[rows]
        outcome = np.zeros(len(rows), np.float32)
        if q.agreed:
            outcome += np.float32(w["outcome"]) * np.isin(people, list(q.agreed)).astype(np.float32)
        if q.declined:
            outcome -= np.float32(w["declined"]) * np.isin(people, list(q.declined)).astype(np.float32)
        parts["outcome"] = outcome
    return parts


def _top(scored: Scored, count: int) -> list[tuple[float, int, int]]:
    """(score, person, row) of the best `count`, best first (ties: the smaller person id)."""
    if not len(scored.rows):
        return []
    if len(scored.rows) > count:
        # ties at the cut: take every row as good as the count-th best, then sort
        cut = np.partition(scored.score, len(scored.score) - count)[len(scored.score) - count]
        chosen = np.flatnonzero(scored.score >= cut)
    else:
        chosen = np.arange(len(scored.rows))
    people = scored.segment.person[scored.rows[chosen]]
    order = np.lexsort((people, -scored.score[chosen]))[:count]
    return [(float(scored.score[chosen[i]]), int(people[i]), int(chosen[i])) for i in order]
