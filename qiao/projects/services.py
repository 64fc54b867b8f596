"""Rules for investment projects: creating and editing them, moving them through the pipeline,
their tranches of landed funds, related people, and the figures of a set of projects.

The pipeline: lead → visited → negotiating → signed → landed → in production (models.PIPELINE).

- **Moving forward** may skip stages (a lead signed at a promotion event goes straight to "signed").
- **Going back** is refused: what was recorded stays recorded. The one way back is reopening a
  dropped project, and only to the stage it was dropped from.
- **Dropping** is possible from any stage but "in production", and needs a reason. "In production"
  is final.
- **Required data** per target stage: "signed" (and anything after it) needs a planned investment,
  and the move's date becomes the signing date; "landed" needs at least one tranche; "in production"
  needs landed funds. A move that lacks them is refused, naming what is missing.
- **Dates**: every move is dated (default: the user's local today, from `user.time_zone` or
  settings.TIME_ZONE), never in the future, never before the project's previous stage change, never
  before 1980-01-01. Each move writes a StageChange (from, to, date, note, by whom).
- **Kept consistent by every write here**: `stage` and `stage_on` (the date of the last move);
  `signed_on` (the first time "signed" or a later stage was reached; kept when later stages come,
  and when the project is dropped and reopened); `dropped_from` / `dropped_reason` (set while the
  project is dropped, cleared when it is reopened: the StageChange keeps the reason);
  `landed_amount` (the exact sum of the tranches, written in the same transaction as the tranche,
  with the project row locked by SELECT … FOR UPDATE, so two tranches added at once both count).
- **Amounts** are Decimal yuan. Planned investments and tranches must be more than zero and at most
  1万亿元 (1,000,000,000,000 yuan); so must the landed total. Landed funds above the planned
  investment are kept only when the user confirms it and says why (the note of the tranche, or the
  project's `over_plan_note` when the plan is lowered below the funds already landed); otherwise the
  write is refused with the excess, written in the user's unit.

Figures: `totals()` and `production_rate()` (definition in its docstring).
"""

from __future__ import annotations

import decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q, Sum
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from qiao.activities.models import Activity
from qiao.core import history, services
from qiao.core.amounts import MAX_AMOUNT, check_bounds, display_amount, user_unit
from qiao.core.choices import OrganizationRegion
from qiao.core.days import check_day, local_today
from qiao.core.models import Membership, User
from qiao.orgs.models import Organization
from qiao.people.models import Person

from .models import PIPELINE, SIGNED_OR_LATER, Project, ProjectKind, ProjectPerson, Stage, StageChange, Tranche

CREATE_STAGES = [Stage.LEAD, Stage.VISITED, Stage.NEGOTIATING, Stage.SIGNED]  # a new project starts here
KEEP = object()  # change_tranche(): leave this value as it is
ZERO = decimal.Decimal("0.00")


def _label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _stage_label(code) -> str:
    return str(Stage(code).label) if code in Stage.values else str(code)


def _amount(yuan, user) -> str:
    return display_amount(yuan, user_unit(user))


def _check_amount(user, value, field: str, label: str) -> decimal.Decimal:
    try:
        value = decimal.Decimal(value).quantize(decimal.Decimal("0.01"))
        check_bounds(value, label, unit=user_unit(user))
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    except (decimal.DecimalException, TypeError, ValueError):
        raise ValidationError({field: _("%(field)s: enter an amount.") % {"field": label}}) from None
    return value


# ---------------------------------------------------------------- projects


def _near_unit(liaison: User, unit) -> bool:
    """Whether the liaison is a member of the owning unit, a unit above it or a unit below it."""
    above = [int(part) for part in unit.path.split(".") if part]
    return (
        Membership.objects.filter(user=liaison)
        .filter(Q(unit_id__in=above) | Q(unit__path__startswith=unit.path))
        .exists()
    )


def _check_links(user, project: Project, stored: Project | None) -> None:
    """Related records may only be records the user may see (checked when they change)."""

    def changed(name):
        return stored is None or getattr(stored, f"{name}_id") != getattr(project, f"{name}_id")

    checks = [
        ("investor", Organization, _("Choose an investor organisation you may see.")),
        ("referral_organization", Organization, _("Choose an organisation you may see.")),
        ("referral_person", Person, _("Choose a person you may see.")),
        ("signing_activity", Activity, _("Choose an activity you may see.")),
    ]
    for name, model, message in checks:
        value = getattr(project, f"{name}_id")
        if value is not None and changed(name) and not model.objects.restrict(user).filter(pk=value).exists():
            raise ValidationError({name: message})
    moved = changed("liaison") or changed("unit")
    if project.liaison_id is not None and moved and not _near_unit(project.liaison, project.unit):
        raise ValidationError(
            {"liaison": _("The liaison must be a member of the owning unit, of a unit above it or of a unit below it.")}
        )


def _check_fields(user, project: Project) -> None:
    errors = {}
    project.name = (project.name or "").strip()
    if not project.name:
        errors["name"] = _("%(field)s: enter the project's name.") % {"field": _label(Project, "name")}
    if project.investor_id is None:
        errors["investor"] = _("%(field)s: choose the investor.") % {"field": _label(Project, "investor")}
    if project.kind not in ProjectKind.values:
        errors["kind"] = _("%(field)s: choose a kind.") % {"field": _label(Project, "kind")}
    if project.origin not in OrganizationRegion.values:
        errors["origin"] = _("%(field)s: choose where the capital comes from.") % {"field": _label(Project, "origin")}
    elif project.origin == OrganizationRegion.OVERSEAS:
        project.origin_country = (project.origin_country or "").strip()
        if not project.origin_country:
            errors["origin_country"] = _("For overseas capital, name the country or territory.")
    else:
        project.origin_country = ""
    if project.planned_amount is not None:
        try:
            project.planned_amount = _check_amount(
                user, project.planned_amount, "planned_amount", _label(Project, "planned_amount")
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


def save_project(
    user, project: Project, *, note: str = "", confirm_over_plan: bool = False, over_plan_note: str = ""
) -> Project:
    """Create or edit a project (its fields; the stage moves only through `move()`).

    A new project starts at lead, visited, negotiating or signed, dated `stage_on` (default today);
    a StageChange records it (with `note`). Starting at "signed" needs the planned investment and
    makes `stage_on` the signing date. An edit keeps the stage and its dates as stored; lowering the
    planned investment below the funds already landed needs `confirm_over_plan` and `over_plan_note`.
    """
    _check_fields(user, project)
    with services.writing():
        stored = None
        if project.pk is not None:
            stored = Project.objects.restrict(user, "change").select_for_update().filter(pk=project.pk).first()
            if stored is None:
                raise PermissionDenied(_("You may not change this project."))
        _check_links(user, project, stored)
        if stored is None:
            return _create(user, project, note)
        if project.stage != stored.stage:
            raise ValidationError(
                {"stage": _("The stage changes only by moving the project (with its date): use “Move”.")}
            )
        for name in ("stage_on", "signed_on", "dropped_from", "dropped_reason", "landed_amount"):
            setattr(project, name, getattr(stored, name))
        planned = project.planned_amount
        if planned is None and (stored.signed_on is not None or stored.stage in SIGNED_OR_LATER):
            raise ValidationError(
                {"planned_amount": _("A signed project keeps its planned investment: it cannot be emptied.")}
            )
        lowered = planned is not None and planned != stored.planned_amount and planned < stored.landed_amount
        if lowered:
            over = stored.landed_amount - planned
            if not confirm_over_plan:
                raise ValidationError(
                    {
                        "planned_amount": _(
                            "The funds already landed (%(landed)s) would exceed this planned investment by %(over)s. "
                            "Confirm that the landed funds exceed the plan, and say why, to keep it."
                        )
                        % {"landed": _amount(stored.landed_amount, user), "over": _amount(over, user)}
                    }  # fmt: skip
                )
            if not (over_plan_note or "").strip():
                raise ValidationError({"over_plan_note": _("Say why the landed funds exceed the planned investment.")})
            project.over_plan_note = over_plan_note.strip()
        return services.save(user, project)


def _create(user, project: Project, note: str) -> Project:
    stage = project.stage or Stage.LEAD
    if stage not in CREATE_STAGES:
        raise ValidationError(
            {
                "stage": _("A new project starts at “%(stage)s” at the latest; add its tranches, then move it on.")
                % {"stage": Stage.SIGNED.label}
            }  # fmt: skip
        )
    on = check_day(user, project.stage_on or local_today(user), "stage_on", _label(Project, "stage_on"))
    if stage == Stage.SIGNED and project.planned_amount is None:
        raise ValidationError({"planned_amount": _("A signed project needs its planned investment.")})
    project.stage, project.stage_on = stage, on
    project.signed_on = on if stage == Stage.SIGNED else None
    project.landed_amount = ZERO
    project.dropped_from, project.dropped_reason = "", ""
    services.save(user, project)
    StageChange.objects.create(project=project, from_stage="", to_stage=stage, on=on, note=note or "", by=user)
    return project


def _locked(user, project: Project) -> Project:
    """The stored project, locked for the rest of the transaction, if the user may change it."""
    found = (
        Project.objects.restrict(user, "change")
        .select_for_update()
        .select_related("unit")
        .filter(pk=project.pk)
        .first()
    )
    if found is None:
        raise PermissionDenied(_("You may not change this project."))
    return found


def missing_for(project: Project, stage: str) -> list[str]:
    """What the project lacks to be at `stage` (empty: nothing)."""
    missing = []
    if stage in SIGNED_OR_LATER and project.planned_amount is None:
        missing.append(_("a planned investment (edit the project)"))
    if stage in (Stage.LANDED, Stage.PRODUCTION) and not project.tranches.exists():
        missing.append(_("at least one tranche of landed funds"))
    elif stage == Stage.PRODUCTION and not project.landed_amount:
        missing.append(_("landed funds"))
    return missing


def allowed_moves(project: Project) -> list[str]:
    """The stages the project may be moved to now (the data each needs is checked when moving)."""
    current = project.stage
    if current == Stage.PRODUCTION:
        return []
    if current == Stage.DROPPED:
        return [project.dropped_from] if project.dropped_from in PIPELINE else []
    return list(PIPELINE[PIPELINE.index(current) + 1 :]) + [Stage.DROPPED]


def move(user, project: Project, stage: str, *, on=None, note: str = "", reason: str = "") -> Project:
    """Move a project to `stage` on the date `on` (default: the user's today), by the rules above."""
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage “%(stage)s”.") % {"stage": str(stage)[:40]}})
    stage = Stage(stage)
    note, reason = (note or "").strip(), (reason or "").strip()
    with services.writing():
        project = _locked(user, project)
        current = project.stage
        if stage == current:
            raise ValidationError({"stage": _("The project is already at “%(stage)s”.") % {"stage": stage.label}})
        if current == Stage.PRODUCTION:
            raise ValidationError({"stage": _("A project in production is final: it does not move any more.")})
        if stage == Stage.DROPPED:
            if not reason:
                raise ValidationError({"reason": _("Say why the project is dropped.")})
        elif current == Stage.DROPPED:
            if stage != project.dropped_from:
                raise ValidationError(
                    {
                        "stage": _("A dropped project is reopened only at the stage it was dropped from: “%(stage)s”.")
                        % {"stage": _stage_label(project.dropped_from)}
                    }  # fmt: skip
                )
        elif PIPELINE.index(stage) < PIPELINE.index(current):
            raise ValidationError(
                {
                    "stage": _(
                        "A project does not go back from “%(current)s” to “%(stage)s”: stage changes are kept as "
                        "they happened. Only a dropped project is reopened, at the stage it was dropped from."
                    )
                    % {"current": _stage_label(current), "stage": stage.label}
                }  # fmt: skip
            )
        missing = missing_for(project, stage) if stage != Stage.DROPPED else []
        if missing:
            raise ValidationError(
                {
                    "stage": _("To move to “%(stage)s”, the project needs %(missing)s.")
                    % {"stage": stage.label, "missing": _("; ").join(missing)}
                }  # fmt: skip
            )
        on = check_day(user, on or local_today(user), "on", _("Date"))
        previous = max(project.stage_on, project.stage_changes.aggregate(last=Max("on"))["last"] or project.stage_on)
        if on < previous:
            raise ValidationError(
                {
                    "on": _("The date (%(date)s) is before the project's previous stage change (%(previous)s).")
                    % {"date": on.isoformat(), "previous": previous.isoformat()}
                }  # fmt: skip
            )
        if stage == Stage.DROPPED:
            project.dropped_from, project.dropped_reason = current, reason
        elif current == Stage.DROPPED:
            project.dropped_from, project.dropped_reason = "", ""
        if stage in SIGNED_OR_LATER and project.signed_on is None:
            project.signed_on = on
        project.stage, project.stage_on = stage, on
        services.save(user, project)
        text = "\n".join(part for part in (reason, note) if part)
        StageChange.objects.create(project=project, from_stage=current, to_stage=stage, on=on, note=text, by=user)
    return project


# ---------------------------------------------------------------- tranches


def _landed_after(project: Project, tranche: Tranche | None, amount: decimal.Decimal | None) -> decimal.Decimal:
    others = project.tranches.all()
    if tranche is not None and tranche.pk is not None:
        others = others.exclude(pk=tranche.pk)
    total = others.aggregate(total=Sum("amount"))["total"] or ZERO
    return total + (amount or ZERO)


def _check_landed(user, project: Project, landed, *, confirm: bool, note: str) -> None:
    if landed > MAX_AMOUNT:
        raise ValidationError(
            {
                "amount": _("The landed total would be %(total)s: more than %(max)s is not plausible. Check the unit.")
                % {"total": _amount(landed, user), "max": _amount(MAX_AMOUNT, user)}
            }  # fmt: skip
        )
    planned = project.planned_amount
    if planned is None or landed <= planned or landed <= project.landed_amount:
        return  # within the plan, or not more than before
    if not confirm:
        raise ValidationError(
            {
                "amount": _(
                    "The landed total would be %(total)s, above the planned investment (%(planned)s) by %(over)s. "
                    "To keep it, confirm that the landed funds exceed the plan and say why in the note."
                )
                % {
                    "total": _amount(landed, user),
                    "planned": _amount(planned, user),
                    "over": _amount(landed - planned, user),
                }
            }  # fmt: skip
        )
    if not note:
        raise ValidationError({"note": _("Say why the landed funds exceed the planned investment.")})


def _sync_landed(user, project: Project) -> None:
    project.landed_amount = project.tranches.aggregate(total=Sum("amount"))["total"] or ZERO
    services.save(user, project)


def add_tranche(user, project: Project, *, amount, on, note: str = "", confirm: bool = False) -> Tranche:
    """Record funds put in place on a date; the project's landed amount becomes the new sum."""
    note = (note or "").strip()
    amount = _check_amount(user, amount, "amount", _label(Tranche, "amount"))
    with services.writing():
        project = _locked(user, project)
        on = check_day(user, on, "on", _label(Tranche, "on"))
        _check_landed(user, project, _landed_after(project, None, amount), confirm=confirm, note=note)
        tranche = services.save(user, Tranche(project=project, on=on, amount=amount, note=note, by=user))
        _sync_landed(user, project)
    return tranche


def _locked_tranche(user, tranche: Tranche) -> tuple[Tranche, Project]:
    project = _locked(user, Project(pk=tranche.project_id))
    stored = Tranche.objects.restrict(user, "change").filter(pk=tranche.pk, project=project).first()
    if stored is None:
        raise PermissionDenied(_("You may not change this tranche."))
    return stored, project


def change_tranche(user, tranche: Tranche, *, amount=KEEP, on=KEEP, note=KEEP, confirm: bool = False) -> Tranche:
    """Correct a tranche's amount, date or note (values not given stay as they are)."""
    if amount is not KEEP:
        amount = _check_amount(user, amount, "amount", _label(Tranche, "amount"))
    with services.writing():
        stored, project = _locked_tranche(user, tranche)
        if amount is not KEEP:
            stored.amount = amount
        if on is not KEEP:
            stored.on = check_day(user, on, "on", _label(Tranche, "on"))
        if note is not KEEP:
            stored.note = (note or "").strip()
        _check_landed(user, project, _landed_after(project, stored, stored.amount), confirm=confirm, note=stored.note)
        services.save(user, stored)
        _sync_landed(user, project)
    return stored


def delete_tranche(user, tranche: Tranche) -> None:
    """Remove a tranche recorded by mistake. A landed project keeps at least one."""
    with services.writing():
        stored, project = _locked_tranche(user, tranche)
        if project.stage in (Stage.LANDED, Stage.PRODUCTION) and project.tranches.count() == 1:
            raise ValidationError(
                _(
                    "This is the only tranche of a project that has landed: a landed project keeps at least one. "
                    "Correct it instead."
                )  # fmt: skip
            )
        history.touch(project)
        stored.delete()
        _sync_landed(user, project)


# ---------------------------------------------------------------- related people


def add_person(user, project: Project, person: Person, *, role: str = "") -> ProjectPerson:
    with services.writing():
        project = _locked(user, project)
        if not Person.objects.restrict(user).filter(pk=person.pk).exists():
            raise ValidationError({"person": _("Choose a person you may see.")})
        if ProjectPerson.objects.filter(project=project, person=person).exists():
            raise ValidationError({"person": _("%(name)s is already related to this project.") % {"name": person}})
        history.touch(project)
        return ProjectPerson.objects.create(project=project, person=person, role=(role or "").strip()[:100])


def remove_person(user, link: ProjectPerson) -> None:
    with services.writing():
        project = _locked(user, Project(pk=link.project_id))
        history.touch(project)
        ProjectPerson.objects.filter(pk=link.pk, project=project).delete()


# ---------------------------------------------------------------- figures


def _figures(queryset) -> dict:
    # counted by the stage (never null), not the id: the covering index project_live_totals answers
    # without reading the table (PostgreSQL)
    return queryset.order_by().aggregate(
        count=Count("stage"),
        planned=Sum("planned_amount"),
        landed=Sum("landed_amount"),
        signed=Count("stage", filter=Q(signed_on__isnull=False)),
        in_production=Count("stage", filter=Q(stage=Stage.PRODUCTION, signed_on__isnull=False)),
    )


def _rate(in_production: int, signed: int) -> decimal.Decimal | None:
    if not signed:
        return None
    return (decimal.Decimal(100 * in_production) / signed).quantize(decimal.Decimal("0.1"), decimal.ROUND_HALF_UP)


def production_rate(queryset) -> decimal.Decimal | None:
    """The production rate (投产率) of a set of projects, in percent.

    Definition: of the projects in the set that were ever signed — those with a signing date
    (`signed_on`), whatever their stage now: signed, landed, in production, and also those dropped
    after signing — the share that is in production now. As a Decimal percentage rounded half up
    (四舍五入) to one decimal place: 4 in production of 5 signed → Decimal("80.0"). None when no
    project of the set was signed (the rate is undefined, not 0 %).
    """
    figures = _figures(queryset)
    return _rate(figures["in_production"], figures["signed"])


def totals(queryset) -> dict:
    """Figures of a set of projects, in one aggregate query: `count`, `planned` and `landed` (exact
    Decimal yuan sums; 0 for an empty set), `signed` (ever signed), `in_production` and
    `production_rate` (see production_rate())."""
    figures = _figures(queryset)
    figures["planned"] = figures["planned"] or ZERO
    figures["landed"] = figures["landed"] or ZERO
    figures["production_rate"] = _rate(figures["in_production"], figures["signed"])
    return figures


def totals_by_stage(queryset) -> dict:
    """{stage: {count, planned, landed}} in one GROUP BY (the board's column heads)."""
    rows = (
        queryset.order_by()
        .values("stage")
        .annotate(count=Count("pk"), planned=Sum("planned_amount"), landed=Sum("landed_amount"))
    )
    found = {row["stage"]: row for row in rows}
    return {
        stage: {
            "count": found.get(stage, {}).get("count", 0),
            "planned": found.get(stage, {}).get("planned") or ZERO,
            "landed": found.get(stage, {}).get("landed") or ZERO,
        }
        for stage in Stage.values
    }
