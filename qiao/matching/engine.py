"""The matching engine: people for a demand, demands for a person, each with the reasons of its score.

How a score is made (docs/_matching_engine.md has the whole story and every default):

- Hard conditions: only people who may be proposed are in the index (talent profile, contact consent,
  not "unavailable", not deleted or merged, see index.py); a demand whose degree is a hard
  condition drops people below its minimum degree; only people the user may see (owning unit in
  the user's units, or shared with one of them) are ranked. The few results shown are read again
  from the database and checked again, so a change made seconds ago is never missed there.
- Relevance: closeness in the taxonomy (the best pair of the person's fields and the demand's, tagged
  or named in the text) and BM25 of the demand's title, skills and description against the profile's
  text. A person with neither is not a candidate at all.
- Then points for degree, experience, languages, work mode, place, past engagement, availability and
  the outcomes of earlier matches. Each part gives up to `settings.MATCHING_WEIGHTS[part]` points;
  parts the demand does not ask about (no minimum degree …) do not count, and the score is the share
  of the points that count, 0–100.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from . import index as index_module
from . import taxonomy as taxonomy_module
from .index import LANGUAGE_BITS, MODE_BITS, Segment
from .models import DEGREE_RANK, Availability, MatchStage
from .reasons import Reason, activity_label
from .scoring import Query, Scored, _top, make_query, score

__all__ = ["Ranked", "Reason", "activity_label", "candidates", "demand_gaps", "explain", "make_query",
           "opportunities", "profile_gaps", "rank_one", "score"]  # fmt: skip


RELATION_OK = {"exact": True, "child": True, "sibling": None, "parent": None, "branch": None}
SLACK = 5  # more people than asked for are read again from the database (some may be gone since the index)
MORE = 50  # people kept from the index beyond the page, in case many are gone


@dataclass
class Ranked:
    pk: int
    score: float
    reasons: list[Reason]
    stage: str = ""  # the stage of an existing match for this person and demand ("" when none)


# ------------------------------------------------------------------------------------------------------
# Scope


def _visible(user):
    """A function (segment, rows) → mask of the rows `user` may see: owning unit or a share."""
    from qiao.core import scoping
    from qiao.people.models import PersonShare

    units = scoping.unit_ids(user, "view")
    if units is scoping.ALL:
        return None
    units = np.asarray(sorted(units), np.int64)
    shared = np.asarray(
        sorted(set(PersonShare.objects.filter(unit_id__in=list(units)).values_list("person_id", flat=True))), np.int64
    )

    def visible(segment: Segment, rows: np.ndarray) -> np.ndarray:
        found = np.isin(segment.unit[rows], units)
        if len(shared):
            found |= np.isin(segment.person[rows], shared)
        return found

    return visible


# ------------------------------------------------------------------------------------------------------
# The public functions


def candidates(demand, user, *, limit: int = 20, offset: int = 0) -> list[Ranked]:
    """People for a demand, best first: only people `user` may see, hard conditions applied."""
    from qiao.core import scoping
    from qiao.people.models import Person

    limit, offset = max(int(limit), 0), max(int(offset), 0)
    if not limit:
        return []
    index = index_module.get_index()
    tax = taxonomy_module.get()
    stats = index.base.stats
    query = make_query(demand, stats, tax)
    if not query.relevant:
        return []
    visible = _visible(user)
    wanted = offset + limit
    best: list[tuple[float, int, int]] = []
    for segment, skip in index.segments():
        if len(segment):
            best += _top(score(segment, query, skip=skip, visible=visible, need=wanted + MORE), wanted + MORE)
    best.sort(key=lambda item: (-item[0], item[1]))
    # the people to show, read again: fresh data, hard conditions and scope checked against the database
    records: list = []
    start, step = 0, wanted + SLACK
    everything = scoping.unit_ids(user, "view") is scoping.ALL
    while start < len(best) and len(records) < wanted:
        people = [person for _s, person, _r in best[start : start + step]]
        start += step
        found = index_module.read(people, tax=tax)
        if not everything:
            allowed = set(Person.objects.restrict(user, "view").filter(pk__in=people).values_list("pk", flat=True))
            found = {pk: r for pk, r in found.items() if pk in allowed}
        records += [r for r in found.values() if r is not None]
        step = max(step, MORE)
    if not records:
        return []
    fresh = index_module.build_segment(records, stats)
    scored = score(fresh, query)
    return _ranked(scored, query, tax, _top(scored, wanted)[offset:])


_demand_queries: dict[tuple, Query] = {}


def opportunities(person, user, *, limit: int = 20) -> list[Ranked]:
    """Open, valid demands `user` may see that fit `person`, best first."""
    from .models import Demand, DemandStatus

    record = index_module.read([person.pk], everyone=True).get(person.pk)
    if record is None or not limit:
        return []
    index = index_module.get_index()
    tax = taxonomy_module.get()
    stats = index.base.stats
    segment = index_module.build_segment([record], stats)
    today = datetime.date.today()
    demands = (
        Demand.objects.restrict(user, "view")
        .filter(status=DemandStatus.OPEN)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("organization")
        .prefetch_related("fields")
    )
    history = _person_outcomes(person)
    scored_all: list[tuple[float, int, Query, Scored]] = []
    person_terms, person_fields = set(record.terms), set(record.tagged) | set(record.named)
    for demand in demands:
        key = (demand.pk, demand.updated, tax.signature, id(stats), tuple(f.pk for f in demand.fields.all()))
        query = _demand_queries.get(key)
        if query is None:
            if len(_demand_queries) > 20_000:
                _demand_queries.clear()
            query = _demand_queries[key] = make_query(demand, stats, tax, outcomes=False)
        if not query.relevant:
            continue
        if not person_fields.intersection(query.closeness) and person_terms.isdisjoint(query.terms):
            continue  # nothing in common: not an opportunity (saves scoring it)
        query = dataclasses.replace(query, stages={}, declined={}, agreed={})
        query.stages = {person.pk: history["stages"][demand.pk]} if demand.pk in history["stages"] else {}
        if demand.organization_id in history["declined"]:
            query.declined = {person.pk: history["declined"][demand.organization_id]}
        agreed = [f for f in history["agreed"] if f in query.fields]
        if agreed:
            query.agreed = {person.pk: agreed[0]}
        scored = score(segment, query)
        if len(scored.rows):
            scored_all.append((round(float(scored.score[0]), 1), demand.pk, query, scored))
    scored_all.sort(key=lambda item: (-item[0], item[1]))
    activities = _activities([person.pk])
    consents = record_consents(person)
    found = []
    for value, pk, query, scored in scored_all[:limit]:
        reasons = _reasons(scored, 0, query, tax, activities)
        if not consents:
            reasons.append(Reason("consent", False, {}, 0.0))
        found.append(Ranked(pk, value, reasons, _stage(query, person.pk)))
    return found


def rank_one(demand, person) -> Ranked | None:
    """The score and reasons of one person for one demand, as `candidates` would give them (the caller
    checked the scope). None when the person has no talent profile, nothing relevant, or is below a
    required degree; a person who would not be proposed (no consent, unavailable) is scored with a
    reason saying so."""
    record = index_module.read([person.pk], everyone=True).get(person.pk)
    if record is None:
        return None
    tax = taxonomy_module.get()
    stats = index_module.get_index().base.stats
    query = make_query(demand, stats, tax)
    if not query.relevant:
        return None
    scored = score(index_module.build_segment([record], stats), query)
    if not len(scored.rows):
        return None
    (ranked,) = _ranked(scored, query, tax, _top(scored, 1))
    if not record_consents(person):
        ranked.reasons.append(Reason("consent", False, {}, 0.0))
    return ranked


def record_consents(person) -> bool:
    talent = getattr(person, "talent", None)
    return bool(talent and talent.contact_consent)


def _person_outcomes(person) -> dict:
    from .models import Match

    stages, declined, agreed = {}, {}, []
    for pk, demand, stage, organization, name in Match.objects.filter(person=person).values_list(
        "pk", "demand_id", "stage", "demand__organization_id", "demand__organization__name"
    ):
        stages[demand] = (stage, pk)
        if stage == MatchStage.DECLINED and organization:
            declined[organization] = name
        if stage == MatchStage.AGREED:
            agreed += list(Match.objects.filter(pk=pk).values_list("demand__fields", flat=True))
    return {"stages": stages, "declined": declined, "agreed": [f for f in agreed if f]}


def _stage(query: Query, person: int) -> str:
    found = query.stages.get(person)
    return found[0] if found else ""


def _activities(people: list[int]) -> dict[int, dict]:
    """The latest activity each person attended (for the engagement reason)."""
    from qiao.activities.models import Participation

    found: dict[int, dict] = {}
    attended = (
        Participation.objects.filter(person_id__in=people, status="attended")
        .order_by("person_id", "-date", "-id")
        .values_list("person_id", "activity__title", "activity__series__name", "activity__edition")
    )
    for person, title, series, edition in attended:
        found.setdefault(person, {"title": title, "series": series or "", "edition": edition})
    return found


def _ranked(scored: Scored, query: Query, tax, top) -> list[Ranked]:
    activities = _activities([person for _s, person, _r in top])
    return [
        Ranked(person, round(value, 1), _reasons(scored, row, query, tax, activities), _stage(query, person))
        for value, person, row in top
    ]


def _reasons(scored: Scored, i: int, q: Query, tax, activities: dict) -> list[Reason]:
    """The reasons of row i of `scored`, with the facts to say them; points as in the score."""
    segment, row = scored.segment, int(scored.rows[i])
    person = int(segment.person[row])
    points = {name: float(values[i]) for name, values in scored.parts.items()}
    reasons: list[Reason] = []
    if person in q.stages:
        stage, match = q.stages[person]
        reasons.append(Reason("match", None, {"stage": stage, "match": match}, 0.0))
    if points.get("field", 0) > 0:
        text_factor = float(settings.MATCHING_CLOSENESS.get("text", 0.85))
        best_field, best_value, via = None, 0.0, "tag"
        for via_name, postings in (("tag", segment.tagged), ("text", segment.named)):
            for pk in postings.keys:
                docs, _w = postings.get(pk)
                if docs is not None and row in docs:
                    value = q.closeness.get(pk, 0.0) * (1.0 if via_name == "tag" else text_factor)
                    if value > best_value:
                        best_field, best_value, via = pk, value, via_name
        if best_field is not None:
            asked, relation = q.best[best_field]
            params = {
                "field": tax.nodes[best_field].names,
                "asked": tax.nodes[asked].names,
                "relation": relation,
                "via": via,
            }
            reasons.append(Reason("field", RELATION_OK.get(relation), params, points["field"]))
    if points.get("text", 0) > 0:
        matched = []
        for term, weight in q.terms.items():
            docs, weights = segment.terms.get(term)
            if docs is not None:
                hit = np.flatnonzero(docs == row)
                if len(hit):
                    matched.append((float(weights[hit[0]]) * weight, term))
        terms = [term for _v, term in sorted(matched, reverse=True)[:5]]
        reasons.append(Reason("text", True, {"terms": terms}, points["text"]))
    if "degree" in points:
        degree = int(segment.degree[row])
        code = next((c for c, r in DEGREE_RANK.items() if r == degree and c), "")
        ok = None if degree == 0 else degree >= q.min_degree
        reasons.append(Reason("degree", ok, {"degree": code, "min": q.degree_code}, points["degree"]))
    if "experience" in points:
        years = int(segment.experience[row])
        ok = None if years < 0 else years >= q.min_experience
        params = {"years": None if years < 0 else years, "min": q.min_experience}
        reasons.append(Reason("experience", ok, params, points["experience"]))
    if "language" in points:
        known = int(segment.languages[row])
        asked = [c for c, bit in LANGUAGE_BITS.items() if q.languages & bit]
        covered = [c for c in asked if known & LANGUAGE_BITS[c]]
        missing = [c for c in asked if c not in covered]
        ok = None if not known else (True if not missing else (None if covered else False))
        params = {"covered": covered, "missing": missing, "unknown": not known}
        reasons.append(Reason("language", ok, params, points["language"]))
    if "work_mode" in points:
        modes = int(segment.modes[row]) & ~index_module.HAS_PLACE
        wanted = [c for c, bit in MODE_BITS.items() if modes & bit]
        ok = None if not wanted else bool(modes & q.mode)
        reasons.append(Reason("work_mode", ok, {"asked": q.mode_code, "wanted": wanted}, points["work_mode"]))
    if "place" in points:
        places = [p for p in segment.places.keys if row in segment.places.get(p)[0]]
        ok = True if set(places) & set(q.places) else (False if places else None)
        reasons.append(Reason("place", ok, {"asked": q.place, "places": " ".join(places)}, points["place"]))
    if points.get("engagement", 0) > 0 and person in activities:
        params = dict(activities[person], count=int(segment.engagement[row]))
        reasons.append(Reason("engagement", True, params, points["engagement"]))
    elif points.get("engagement", 0) > 0:
        reasons.append(Reason("engagement", True, {"title": "", "count": int(segment.engagement[row])}, 0.0))
    if points.get("outcome", 0) > 0:
        field_pk = q.agreed.get(person)
        names = tax.nodes[field_pk].names if field_pk in tax.nodes else {}
        reasons.append(Reason("outcome", True, {"kind": "agreed", "field": names}, points["outcome"]))
    if person in q.declined:
        reasons.append(
            Reason("outcome", False, {"kind": "declined", "organization": q.declined[person]}, points.get("outcome", 0))
        )
    availability = float(segment.availability[row])
    code = Availability.AVAILABLE if availability >= 1 else (Availability.OPEN if availability > 0 else "unavailable")
    reasons.append(Reason("availability", availability >= 1 or None, {"availability": code}, points["availability"]))
    return reasons


def profile_gaps(person) -> list[str]:
    """What the person's profile lacks for matching; an empty list means enough to rank."""
    from .models import TalentProfile

    talent = TalentProfile.objects.filter(person=person).first()
    if talent is None:
        return [_("There is no talent profile yet: add fields, skills or a short profile first.")]
    gaps = []
    has_text = bool((person.profile or "").strip() or (talent.skills or "").strip())
    if not talent.fields.exists() and not has_text and not (person.title or "").strip():
        gaps.append(_("Add the person's fields, skills or a short profile: there is nothing to match on."))
    if not talent.contact_consent:
        gaps.append(_("The person has not agreed to be contacted, so they are never proposed for demands."))
    if talent.availability == Availability.UNAVAILABLE:
        gaps.append(_("The person is marked as not available, so they are not proposed for demands."))
    return gaps


def demand_gaps(demand) -> list[str]:
    """What a demand lacks for matching; an empty list means enough to rank."""
    gaps = []
    has_fields = bool(demand.pk) and demand.fields.exists()
    if not has_fields and not (demand.description or "").strip() and not (demand.skills or "").strip():
        tax = taxonomy_module.get()
        if not tax.fields_in_text(demand.title or ""):
            gaps.append(_("Add fields, skills or a description: the title alone is not enough to find people."))
    if demand.degree_required and not demand.min_degree:
        gaps.append(_("The degree is marked as a hard condition but no minimum degree is set."))
    return gaps


def explain(reasons) -> list[str]:
    """Texts of stored reasons (Match.reasons) in the active language."""
    return [str(Reason.from_dict(r) if isinstance(r, dict) else r) for r in reasons or []]
