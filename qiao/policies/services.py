"""Rules of the policy navigator: saving policies and benefits (with their rules checked), and
which benefits a person qualifies for on a date.

Decisions:
- A policy is in force on a date when effective_from ≤ date ≤ effective_to (an empty end: no end
  yet; an empty start: in force since always). An expired policy counts on its end date and no
  longer the day after; a policy not yet in force does not count either.
- A benefit's rule is checked when saved (rules.check); a rule that can never be true is refused
  with the reason, never stored. An empty rule means "no conditions": everyone qualifies.
- Eligibility: "yes" when the rule holds; "nearly" when it does not, but would if at most
  rules.NEARLY conditions (failed or not recorded) were met — those conditions are listed;
  otherwise "no". A condition on something not recorded is unknown, which is never "no".
- Speed: a person's values are read once (attributes.facts_for, a few queries); rules are
  compiled once per process and benefit version (benefit id + its `updated` stamp) and evaluated
  in memory, so one person over 1,000 benefits stays well under 50 ms (bench/eligibility_bench.py).
- Counting activities for the rules: with a user, only the activities that user may see.
"""

from __future__ import annotations

import datetime
import gc
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao import text
from qiao.core import services

from . import attributes, rules
from .models import Benefit, Policy

STATUS_ORDER = {"yes": 0, "nearly": 1, "no": 2}
SHOWN_FIELDS = (
    "policy",
    "kind",
    "name",
    "amount",
    "amount_max",
    "amount_note",
    "policy__title",
    "policy__effective_to",
    "kind__code",
    "kind__name",
    "kind__name_hant",
    "kind__name_en",
)
PAGE_LIMIT = 100  # the person's page lists at most this many eligible and nearly eligible benefits each
_COMPILED: dict[int, tuple[datetime.datetime, rules.Compiled]] = {}
_COMPILED_LIMIT = 50_000
_CHUNK = 500


# ---------------------------------------------------------------- checking


def rule_problems(rule) -> list[str]:
    """What is wrong with a rule (messages naming the condition), checked against the taxonomy."""
    return rules.check(rule, taxonomy=attributes.taxonomy_ancestors())


def clean_rule(rule) -> dict:
    problems = rule_problems(rule)
    if problems:
        raise ValidationError({"rule": problems})
    return rule or {}


def _check_policy(policy: Policy) -> None:
    if policy.effective_from and policy.effective_to and policy.effective_to < policy.effective_from:
        raise ValidationError({"effective_to": _("The end date is before the start date.")})
    if not (policy.title or "").strip():
        raise ValidationError({"title": _("This field is required.")})


def benefit_problems(benefit: Benefit) -> dict[str, list[str]]:
    """Field → messages for a benefit's amounts and rule."""
    found: dict[str, list[str]] = {}
    for name in ("amount", "amount_max"):
        value = getattr(benefit, name)
        if value is not None and value < 0:
            found[name] = [_("An amount cannot be negative.")]
    if benefit.amount is not None and benefit.amount_max is not None and benefit.amount_max < benefit.amount:
        found.setdefault("amount_max", []).append(_("“Up to” is less than the amount."))
    if not (benefit.name or "").strip():
        found["name"] = [_("This field is required.")]
    if benefit.kind_id is None:
        found["kind"] = [_("This field is required.")]
    problems = rule_problems(benefit.rule)
    if problems:
        found["rule"] = problems
    return found


# ---------------------------------------------------------------- writing


def save_policy(user, policy: Policy, *, benefits: list[dict] | None = None) -> Policy:
    """Create or update a policy; with `benefits` (dicts of benefit fields, with "id" for those that
    stay), the policy's benefits become exactly those, all checked before anything is written."""
    _check_policy(policy)
    prepared = None
    if benefits is not None:
        prepared = _prepare_benefits(policy, benefits)
    with services.writing():
        services.save(user, policy)
        if prepared is not None:
            keep = set()
            for benefit in prepared:
                benefit.policy = policy
                services.save(user, benefit)
                keep.add(benefit.pk)
            for benefit in policy.benefits.exclude(pk__in=keep):
                benefit.delete()
    return policy


def _prepare_benefits(policy: Policy, items: list[dict]) -> list[Benefit]:
    existing = {b.pk: b for b in policy.benefits.all()} if policy.pk else {}
    prepared, errors = [], []
    for position, item in enumerate(items, 1):
        item = dict(item)
        pk = item.pop("id", None)
        if pk is not None and pk not in existing:
            message = _("Benefit %(position)d: this policy has no benefit %(id)s.")
            errors.append(message % {"position": position, "id": pk})
            continue
        benefit = existing[pk] if pk is not None else Benefit(policy=policy if policy.pk else None)
        for name, value in item.items():
            setattr(benefit, name, value)
        if benefit.rule is None:
            benefit.rule = {}
        for name, messages in benefit_problems(benefit).items():
            label = Benefit._meta.get_field(name).verbose_name
            errors += [
                _("Benefit %(position)d, %(field)s: %(message)s") % {"position": position, "field": label, "message": m}
                for m in messages
            ]
        prepared.append(benefit)
    if errors:
        raise ValidationError({"benefits": errors})
    return prepared


def save_benefit(user, benefit: Benefit) -> Benefit:
    """Create or update one benefit of a policy the user may change; its rule is checked first."""
    problems = benefit_problems(benefit)
    if problems:
        raise ValidationError(problems)
    with services.writing():
        policy = Policy.objects.restrict(user, "change").select_for_update().filter(pk=benefit.policy_id).first()
        if policy is None:
            raise PermissionDenied(_("You may not change this policy."))
        return services.save(user, benefit)


def delete_benefit(user, benefit: Benefit) -> None:
    """Remove a benefit (editing its policy: the "change" right); the policy's history keeps it."""
    with services.writing():
        found = Benefit.objects.restrict(user, "change").select_for_update().filter(pk=benefit.pk).first()
        if found is None:
            raise PermissionDenied(_("You may not change this policy."))
        found.delete()


# ---------------------------------------------------------------- reading


def in_force(on: datetime.date, prefix: str = "") -> Q:
    """Policies (or, with prefix "policy__", benefits) in force on `on`, ends included."""
    start, end = f"{prefix}effective_from", f"{prefix}effective_to"
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": on})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": on})
    )


def search(queryset, query: str):
    """Policies whose title, issuer, document number or summary contains the words (either script)."""
    for word in query.split()[:8]:
        forms = {word, text.to_simplified(word)}
        condition = Q()
        for form in forms:
            for name in ("title", "issuer", "document_number", "summary", "region", "benefits__name"):
                condition |= Q(**{f"{name}__icontains": form})
        everything = getattr(queryset.model, "all_objects", queryset.model.objects)  # the trash searches too
        queryset = queryset.filter(pk__in=everything.filter(condition).values("pk"))
    return queryset


@dataclass
class Eligibility:
    """One benefit for one person on a date."""

    benefit_id: int
    policy_id: int
    evaluation: rules.Evaluation
    benefit: Benefit | None = field(default=None, repr=False)

    @property
    def status(self) -> str:
        return self.evaluation.status

    @property
    def eligible(self) -> bool:
        return self.evaluation.verdict is rules.YES

    @property
    def verdict(self):
        return self.evaluation.verdict

    @property
    def conditions(self) -> list[rules.ConditionResult]:
        return self.evaluation.results

    @property
    def missing(self) -> list[rules.ConditionResult]:
        return self.evaluation.missing

    @property
    def reasons(self) -> list[str]:
        return [result.reason for result in self.evaluation.results]


def compiled(benefit_id: int, updated, rule=None) -> rules.Compiled:
    """The compiled rule of a benefit version, compiled at most once per process."""
    cached = _COMPILED.get(benefit_id)
    if cached is not None and cached[0] == updated:
        return cached[1]
    if rule is None:
        rule = Benefit.objects.filter(pk=benefit_id).values_list("rule", flat=True).first() or {}
    # a stamp is the benefit's `updated` as the database writes it as text (see benefits_for)
    result = rules.compile_rule(rule)
    if len(_COMPILED) >= _COMPILED_LIMIT:
        _COMPILED.clear()
    _COMPILED[benefit_id] = (updated, result)
    return result


def _compile_stale(rows) -> None:
    stale = [pk for pk, _policy, updated in rows if (_COMPILED.get(pk) or (None,))[0] != updated]
    for start in range(0, len(stale), _CHUNK):
        chunk = stale[start : start + _CHUNK]
        stamped = Benefit.objects.filter(pk__in=chunk).annotate(stamp=Cast("updated", CharField()))
        for pk, updated, rule in stamped.values_list("id", "stamp", "rule"):
            compiled(pk, updated, rule)


def benefits_for(person, *, on: datetime.date | None = None, user=None) -> list[Eligibility]:
    """Every benefit of a policy in force on `on` (default today) with this person's verdict:
    eligible first, then nearly eligible, then the rest. Benefits are not loaded (see attach())."""
    on = on or timezone.localdate()
    facts = attributes.facts_for(person, on=on, user=user)
    benefits = Benefit.objects.restrict(user) if user is not None else Benefit.objects.all()
    rows = list(
        benefits.filter(in_force(on, "policy__"), policy__deleted_at__isnull=True)
        .order_by("policy_id", "id")
        .annotate(stamp=Cast("updated", CharField()))  # a version stamp, without parsing 1,000 datetimes
        .values_list("id", "policy_id", "stamp")
    )
    _compile_stale(rows)
    found = []
    # The loop allocates thousands of small, acyclic objects (freed by reference counting): left on,
    # the cycle collector would run several times per call and now and then walk the whole heap,
    # which is what made the slowest calls slow. It is switched back on right after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for pk, policy_id, updated in rows:
            entry = _COMPILED.get(pk)
            rule = entry[1] if entry is not None and entry[0] == updated else compiled(pk, updated)
            found.append(Eligibility(pk, policy_id, rule.evaluate(facts)))
    finally:
        if collecting:
            gc.enable()
    found.sort(key=lambda item: (STATUS_ORDER[item.status], len(item.evaluation.missing)))
    return found


def attach(found: list[Eligibility]) -> list[Eligibility]:
    """Load the benefits (with their policy and kind) of the given results, in one query."""
    by_id = (
        Benefit.objects.select_related("policy", "kind")
        .only(*SHOWN_FIELDS)
        .in_bulk([item.benefit_id for item in found])
    )
    for item in found:
        item.benefit = by_id.get(item.benefit_id)
    return [item for item in found if item.benefit is not None]


def person_benefits(user, person, *, on: datetime.date | None = None) -> dict:
    """What the person page shows: eligible and nearly eligible benefits (loaded), and how many others."""
    found = benefits_for(person, on=on, user=user)
    eligible = [item for item in found if item.status == "yes"]
    nearly = [item for item in found if item.status == "nearly"]
    attach(eligible[:PAGE_LIMIT] + nearly[:PAGE_LIMIT])
    return {
        "eligible": [item for item in eligible[:PAGE_LIMIT] if item.benefit is not None],
        "nearly": [item for item in nearly[:PAGE_LIMIT] if item.benefit is not None],
        "eligible_count": len(eligible),
        "nearly_count": len(nearly),
        "others": len(found) - len(eligible) - len(nearly),
        "total": len(found),
    }
