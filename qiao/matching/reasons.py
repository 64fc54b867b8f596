"""Why a person ranks where they do: one `Reason` per part of the score, said in plain words in the
active language. Reasons are stored as dicts on `Match.reasons` and said again later, so their
params hold facts (codes, numbers, names in the three languages), never finished sentences."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from qiao.people.models import Degree

from .models import Availability, Language, MatchStage, WorkMode
from .taxonomy import pick_name


@dataclass
class Reason:
    code: str
    ok: bool | None
    params: dict = field(default_factory=dict)
    points: float = 0.0

    def __str__(self) -> str:
        render = _RENDER.get(self.code)
        try:
            return render(self) if render else self.code
        except (KeyError, TypeError, ValueError):  # a reason stored by an older version: say what it can
            return self.code

    def as_dict(self) -> dict:
        return {"code": self.code, "ok": self.ok, "params": self.params, "points": round(float(self.points), 2)}

    @classmethod
    def from_dict(cls, data: dict) -> Reason:
        return cls(
            code=str(data.get("code", "")),
            ok=data.get("ok"),
            params=dict(data.get("params") or {}),
            points=float(data.get("points") or 0.0),
        )


def _mark(ok: bool | None) -> str:
    return "✓" if ok else ("✗" if ok is False else "")


def _label(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


def _labels(choices, codes) -> str:
    return _separator().join(_label(choices, c) for c in codes)


def _separator() -> str:
    return pgettext("list separator", ", ")  # 、 in Chinese


def _render_field(r: Reason) -> str:
    p = r.params
    name = pick_name(p["field"])
    relation = p.get("relation", "exact")
    if relation == "exact":
        text = _("Field: %(field)s ✓") % {"field": name}
    else:
        labels = {
            "child": _("more specific"),
            "sibling": _("close"),
            "parent": _("broader"),
            "branch": _("same sector"),
        }
        text = _("Field: %(field)s ✓ (asked: %(asked)s, %(relation)s)") % {
            "field": name,
            "asked": pick_name(p["asked"]),
            "relation": labels.get(relation, relation),
        }
    if p.get("via") == "text":
        text += _(" — named in the profile")
    return text


def _render_text(r: Reason) -> str:
    return _("Profile text matches: %(terms)s") % {"terms": _separator().join(r.params.get("terms", []))}


def _render_degree(r: Reason) -> str:
    p = {"degree": _label(Degree, r.params.get("degree")), "min": _label(Degree, r.params.get("min"))}
    if r.ok is None:
        return _("Degree: unknown (asked: %(min)s)") % p
    if r.ok:
        return _("Degree: %(degree)s ≥ %(min)s ✓") % p
    return _("Degree: %(degree)s < %(min)s ✗") % p


def _render_experience(r: Reason) -> str:
    p = r.params
    if p.get("years") is None:
        return _("Experience: unknown (asked: %(min)d years)") % p
    if r.ok:
        return _("Experience: %(years)d years ≥ %(min)d ✓") % p
    return _("Experience: %(years)d years < %(min)d ✗") % p


def _render_language(r: Reason) -> str:
    p = r.params
    covered, missing = _labels(Language, p.get("covered", [])), _labels(Language, p.get("missing", []))
    if p.get("unknown"):
        return _("Languages: unknown (asked: %(asked)s)") % {"asked": missing}
    if r.ok:
        return _("Languages: %(covered)s ✓") % {"covered": covered}
    if covered:
        return _("Languages: %(covered)s ✓, missing %(missing)s") % {"covered": covered, "missing": missing}
    return _("Languages: missing %(missing)s ✗") % {"missing": missing}


def _render_work_mode(r: Reason) -> str:
    p = {"asked": _label(WorkMode, r.params.get("asked")), "wanted": _labels(WorkMode, r.params.get("wanted", []))}
    if r.ok is None:
        return _("Work mode: unknown (asked: %(asked)s)") % p
    if r.ok:
        return _("Work mode: %(asked)s ✓") % p
    return _("Work mode: wants %(wanted)s (asked: %(asked)s) ✗") % p


def _render_place(r: Reason) -> str:
    p = r.params
    if r.ok is None:
        return _("Place: unknown (asked: %(asked)s)") % p
    if r.ok:
        return _("Place: %(asked)s ✓") % p
    return _("Place: wants %(places)s (asked: %(asked)s) ✗") % p


def activity_label(p: dict) -> str:
    if p.get("series") and p.get("edition"):
        return _("%(series)s, edition %(edition)d") % {"series": p["series"], "edition": p["edition"]}
    return p.get("title", "")


def _render_engagement(r: Reason) -> str:
    p = r.params
    text = _("Took part in %(activity)s") % {"activity": activity_label(p)}
    more = int(p.get("count", 1)) - 1
    if more > 0:
        text += ngettext(" and %(n)d more activity", " and %(n)d more activities", more) % {"n": more}
    return text


def _render_outcome(r: Reason) -> str:
    p = r.params
    if p.get("kind") == "declined":
        return _("Declined before with %(organization)s ✗") % p
    return _("Agreed to an earlier match in %(field)s ✓") % {"field": pick_name(p.get("field") or {})}


def _render_availability(r: Reason) -> str:
    return _label(Availability, r.params.get("availability"))


def _render_consent(r: Reason) -> str:
    return _("Agrees to be contacted ✓") if r.ok else _("Has not agreed to be contacted ✗")


def _render_match(r: Reason) -> str:
    return _("Already followed: %(stage)s") % {"stage": _label(MatchStage, r.params.get("stage"))}


_RENDER = {
    "field": _render_field,
    "text": _render_text,
    "degree": _render_degree,
    "experience": _render_experience,
    "language": _render_language,
    "work_mode": _render_work_mode,
    "place": _render_place,
    "engagement": _render_engagement,
    "outcome": _render_outcome,
    "availability": _render_availability,
    "consent": _render_consent,
    "match": _render_match,
}
