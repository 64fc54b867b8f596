"""Rules for demands, matches, talent profiles and plans (一人一策). The ranking is in engine.py;
public forms and their review in submissions.py.

Decisions:
- A demand is open only with an organisation. Its salary or budget range runs from low to high; a
  degree can be a hard condition only when a minimum degree is set. A demand past its "valid
  until" date stays in the registry but no longer gets candidates or appears as an opportunity.
- A match follows one person for one demand and belongs to the demand's unit. Its stages move
  proposed → contacted → interviewing → agreed, or to declined from any stage; a declined match may
  be reopened (back to proposed). Each move is a step with who, when and a note. When a demand's
  agreed matches reach its headcount, the demand is marked filled.
- Proposing needs the right to change the demand and to see the person; a person is proposed for
  a demand once.
- One plan per person (the plan is the person's, whichever unit keeps it). The plan's chosen
  demands are matches of that person; its benefits are benefits of policies; its tasks say who does
  what by when.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import scoping, services
from qiao.orgs.models import Organization
from qiao.people.models import Person

from .models import (
    DEGREE_RANK,
    Demand,
    DemandStatus,
    Language,
    Match,
    MatchStage,
    MatchStep,
    Plan,
    PlanTask,
    TalentProfile,
    WorkMode,
)

# which stage a match may move to, from each stage
TRANSITIONS = {
    MatchStage.PROPOSED: {MatchStage.CONTACTED, MatchStage.INTERVIEWING, MatchStage.AGREED, MatchStage.DECLINED},
    MatchStage.CONTACTED: {MatchStage.INTERVIEWING, MatchStage.AGREED, MatchStage.DECLINED},
    MatchStage.INTERVIEWING: {MatchStage.AGREED, MatchStage.DECLINED},
    MatchStage.AGREED: {MatchStage.DECLINED},
    MatchStage.DECLINED: {MatchStage.PROPOSED},
}
ACTIVE_STAGES = (MatchStage.PROPOSED, MatchStage.CONTACTED, MatchStage.INTERVIEWING)


def _codes(values, choices, field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    wrong = [str(v) for v in values if v not in choices.values]
    if wrong:
        raise ValidationError({field: _("Unknown value: %(values)s.") % {"values": ", ".join(wrong)}})
    return values


# ---------------------------------------------------------------- demands


def check_demand(demand: Demand) -> None:
    """The demand's own consistency; raises ValidationError naming each field."""
    errors = {}
    if not (demand.title or "").strip():
        errors["title"] = _("A demand needs a title.")
    if demand.status in (DemandStatus.OPEN, DemandStatus.FILLED) and not demand.organization_id:
        errors["organization"] = _("An open demand needs the organisation that asks for it.")
    if demand.amount_min is not None and demand.amount_min < 0:
        errors["amount_min"] = _("The amount cannot be negative.")
    if demand.amount_max is not None and demand.amount_max < 0:
        errors["amount_max"] = _("The amount cannot be negative.")
    if demand.amount_min is not None and demand.amount_max is not None and demand.amount_max < demand.amount_min:
        errors["amount_max"] = _("The upper end of the range is below the lower end.")
    if demand.degree_required and not demand.min_degree:
        errors["min_degree"] = _("Choose the minimum degree, or untick “the degree is a hard condition”.")
    if demand.headcount is not None and demand.headcount < 1:
        errors["headcount"] = _("A demand is for at least one person.")
    if demand.min_experience_years is not None and demand.min_experience_years > 60:
        errors["min_experience_years"] = _("More than 60 years of experience cannot be asked for.")
    try:
        demand.languages = _codes(demand.languages, Language, "languages")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


def save_demand(user, demand: Demand, *, fields=None) -> Demand:
    """Create or update a demand (with its taxonomy fields when given)."""
    check_demand(demand)
    with services.writing():
        stored = Demand.all_objects.filter(pk=demand.pk).values_list("organization", flat=True).first()
        changed = demand.organization_id and (demand.pk is None or stored != demand.organization_id)
        if changed and not Organization.objects.restrict(user).filter(pk=demand.organization_id).exists():
            raise ValidationError({"organization": _("Choose an organisation you may see.")})
        return services.save(user, demand, m2m={"fields": fields} if fields is not None else None)


def is_live(demand: Demand, today: datetime.date | None = None) -> bool:
    """Whether the demand takes candidates: open, not deleted, not past its date."""
    today = today or timezone.localdate()
    return (
        demand.status == DemandStatus.OPEN
        and demand.deleted_at is None
        and (demand.valid_until is None or demand.valid_until >= today)
    )


# ---------------------------------------------------------------- talent profiles


def profile_of(person: Person) -> TalentProfile:
    """The person's talent profile, unsaved and empty when there is none yet."""
    try:
        return person.talent
    except TalentProfile.DoesNotExist:
        return TalentProfile(person=person)


def save_profile(user, profile: TalentProfile, *, fields=None) -> TalentProfile:
    """Create or update a person's talent profile: needs the right to change the person."""
    profile.languages = _codes(profile.languages, Language, "languages")
    profile.work_modes = _codes(profile.work_modes, WorkMode, "work_modes")
    if profile.experience_years is not None and profile.experience_years > 70:
        raise ValidationError({"experience_years": _("More than 70 years of experience is not plausible.")})
    with services.writing():
        if not Person.objects.restrict(user, "change").filter(pk=profile.person_id).exists():
            raise PermissionDenied(_("You may not change this person."))
        profile.save()
        if fields is not None:
            profile.fields.set(fields)
        Person.objects.filter(pk=profile.person_id).update(updated=timezone.now())
    return profile


def highest_degree(person: Person) -> str:
    degrees = [e.degree for e in person.education.all()]
    return max(degrees, key=lambda d: DEGREE_RANK.get(d, 0), default="")


# ---------------------------------------------------------------- matches


def _demand_for_change(user, demand: Demand) -> Demand:
    found = Demand.objects.restrict(user, "change").select_for_update().filter(pk=demand.pk).first()
    if found is None:
        raise PermissionDenied(_("You may not change this demand."))
    return found


def propose(user, demand: Demand, person: Person, *, score=None, reasons=None, note: str = "") -> Match:
    """Put `person` forward for `demand`. Proposing someone already followed for it returns that
    match unchanged."""
    with services.writing():
        demand = _demand_for_change(user, demand)
        if not Person.objects.restrict(user).filter(pk=person.pk).exists():
            raise PermissionDenied(_("You may not see this person."))
        existing = Match.objects.filter(demand=demand, person=person).first()
        if existing is not None:
            return existing
        if not is_live(demand):
            raise ValidationError({"demand": _("This demand is not open: no one can be proposed for it.")})
        match = Match(
            demand=demand,
            person=person,
            unit_id=demand.unit_id,
            score=score,
            reasons=list(reasons or []),
            notes=note,
            proposed_by=user,
        )
        services.save(user, match)
        MatchStep.objects.create(match=match, stage=MatchStage.PROPOSED, note=note, by=user)
    return match


def move(user, match: Match, stage: str, *, note: str = "") -> Match:
    """Move a match to `stage`, with a note; the demand is marked filled when its agreed matches
    reach its headcount."""
    if stage not in MatchStage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    with services.writing():
        found = Match.objects.restrict(user, "change").select_for_update().filter(pk=match.pk).first()
        if found is None:
            raise PermissionDenied(_("You may not change this match."))
        if stage == found.stage:
            raise ValidationError({"stage": _("The match is already at this stage.")})
        if stage not in TRANSITIONS[found.stage]:
            raise ValidationError(
                {
                    "stage": _("A match cannot go from “%(old)s” to “%(new)s”.")
                    % {"old": found.get_stage_display(), "new": MatchStage(stage).label}
                }
            )
        found.stage = stage
        note = (note or "").strip()
        if note:
            stamp = timezone.localtime().strftime("%Y-%m-%d")
            found.notes = (found.notes + "\n" if found.notes else "") + f"{stamp} {MatchStage(stage).label}：{note}"
        services.save(user, found)
        MatchStep.objects.create(match=found, stage=stage, note=note, by=user)
        demand = found.demand
        if stage == MatchStage.AGREED and demand.status == DemandStatus.OPEN:
            agreed = Match.objects.filter(demand=demand, stage=MatchStage.AGREED).count()
            if agreed >= demand.headcount:
                demand.status = DemandStatus.FILLED
                services.save(user, demand)
    return found


# ---------------------------------------------------------------- plans


def plan_unit(user, person: Person):
    """The unit that keeps a new plan: the person's own unit when the user may change there, else the
    user's first unit where they may add records."""
    if scoping.may(user, "add", person.unit_id):
        return person.unit
    return scoping.units_for_choice(user, "add").first()


def plan_for(user, person: Person, *, create: bool = False) -> Plan | None:
    """The person's plan if the user may see it; with `create`, a new draft when there is none.
    A plan kept by a unit the user may not see is reported, never revealed."""
    if not Person.objects.restrict(user).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You may not see this person."))
    plan = Plan.objects.filter(person=person).select_related("unit").first()
    if plan is not None:
        if not Plan.objects.restrict(user).filter(pk=plan.pk).exists():
            raise PermissionDenied(_("%(unit)s keeps this person's plan; ask them to share it.") % {"unit": plan.unit})
        return plan
    if not create:
        return None
    unit = plan_unit(user, person)
    if unit is None:
        raise PermissionDenied(_("Your role does not allow this."))
    with services.writing():
        if Plan.objects.select_for_update().filter(person=person).exists():  # created meanwhile
            return Plan.objects.get(person=person)
        plan = Plan(person=person, unit=unit, responsible=user)
        return services.save(user, plan)


def _plan_for_change(user, plan: Plan) -> Plan:
    found = Plan.objects.restrict(user, "change").select_for_update().filter(pk=plan.pk).first()
    if found is None:
        raise PermissionDenied(_("You may not change this plan."))
    return found


def save_plan(user, plan: Plan, *, matches=None, benefits=None) -> Plan:
    """Save the plan; its chosen demands must be matches of its own person."""
    m2m = {}
    if matches is not None:
        matches = list(matches)
        if any(m.person_id != plan.person_id for m in matches):
            raise ValidationError({"matches": _("A plan can only hold this person's own matches.")})
        m2m["matches"] = matches
    if benefits is not None:
        m2m["benefits"] = list(benefits)
    with services.writing():
        if plan.pk:
            _plan_for_change(user, plan)
        return services.save(user, plan, m2m=m2m)


def save_task(user, task: PlanTask) -> PlanTask:
    if not (task.what or "").strip():
        raise ValidationError({"what": _("Say what is to be done.")})
    if task.assignee_id and task.assignee_text:
        raise ValidationError({"assignee_text": _("Choose a user or write a name, not both.")})
    with services.writing():
        _plan_for_change(user, task.plan)
        task.save()
        Plan.objects.filter(pk=task.plan_id).update(updated=timezone.now())
    return task


def delete_task(user, task: PlanTask) -> None:
    with services.writing():
        _plan_for_change(user, task.plan)
        task.delete()


@transaction.atomic
def mark_task(user, task: PlanTask, done: bool) -> PlanTask:
    task.done = timezone.localdate() if done else None
    return save_task(user, task)
