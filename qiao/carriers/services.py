"""Rules for carrier platforms (载体) and the teams and enterprises they host, and their figures.

Carriers
- A carrier has a name, a kind and an owning (managing) unit. Its floor area, when given, is more
  than zero (m², two decimals); its capacity, when given, is a whole number more than zero, and
  never below the number of residents it hosts today. Deleting is soft (managers) and restorable;
  a deleted carrier takes no new residents and its residents leave the lists.

Residencies (a team or an enterprise hosted by a carrier)
- Scoped through their carrier's unit (`Residency.scope_field = "carrier__unit"`): to add or change
  one, the user must be allowed to change records of the carrier's unit.
- The origin (HK, MO, TW, overseas, mainland) is required; overseas needs the country. The
  organisation is optional (the enterprise, or the company the team registered); it, the founders
  and the carrier must be records the user may see.
- `entered_on` is never in the user's future (their local day) nor before 1980, never after one
  of the residency's outcomes.

Occupancy (the one definition every page, check and figure uses)
- A residency is **hosted on day d** iff `entered_on <= d` and (`exited_on` is empty or
  `exited_on > d`): the day of entry counts, the day of exit does not. A residency that enters and
  leaves on the same day is hosted on no day.
- **Capacity**: an entry (a new residency, an earlier entry date, a move to another carrier, an
  undone exit) is refused when, on any day of its stay, the carrier would host more than its
  capacity; the message names the first such day and the numbers. Writes lock the carrier row, so
  two entries at once cannot both take the last place.

Exits and outcomes
- `exit_residency()` graduates (出孵) or lets a residency leave on a date: not before `entered_on`, not in the
  future; it sets `exited_on` and `exit_kind` and writes the GRADUATED or LEFT milestone, in one
  transaction. A residency exits once. `undo_exit()` (managers) reopens it: the exit milestone is
  removed, and the capacity is checked again.
- `add_milestone()`: "registered a company" (for an enterprise: landed, 落地), optionally linking
  the company (which also becomes the residency's organisation when it has none), at most once per
  residency; "raised funding" with an amount in yuan, more than zero, at most 1万亿元. Dated not
  before `entered_on` and not in the future. Graduating and leaving go through `exit_residency()` only.

Figures: `figures()` for residencies and `carrier_figures()` for carriers (definitions there).
"""

from __future__ import annotations

import calendar
import datetime
import decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from qiao.core import scoping, services
from qiao.core.amounts import check_bounds, user_unit
from qiao.core.choices import OrganizationRegion
from qiao.core.days import check_day, local_today
from qiao.orgs.models import Organization
from qiao.people.models import Person

from .models import (
    AREA_DIGITS,
    Carrier,
    CarrierKind,
    ExitKind,
    Milestone,
    MilestoneKind,
    Residency,
    ResidentKind,
)

MAX_AREA = decimal.Decimal(10) ** (AREA_DIGITS - 2) - decimal.Decimal("0.01")
ZERO = decimal.Decimal("0.00")
EXIT_MILESTONE = {ExitKind.GRADUATED: MilestoneKind.GRADUATED, ExitKind.LEFT: MilestoneKind.LEFT}
OUTCOME_KINDS = (MilestoneKind.REGISTERED, MilestoneKind.FUNDED)  # added by add_milestone()


def _label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


# ---------------------------------------------------------------- occupancy


def hosted_on(day: datetime.date, prefix: str = "") -> Q:
    """Residencies hosted on `day`: entered on or before it, and not exited on or before it."""
    return Q(**{f"{prefix}entered_on__lte": day}) & (
        Q(**{f"{prefix}exited_on__isnull": True}) | Q(**{f"{prefix}exited_on__gt": day})
    )


def occupancy(carrier: Carrier, on: datetime.date) -> int:
    """How many teams and enterprises `carrier` hosts on day `on` (see hosted_on())."""
    return Residency.objects.filter(hosted_on(on), carrier_id=carrier.pk).count()


def occupancy_series(carrier: Carrier, start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, int]]:
    """[(day, residents hosted that day)] for every day from `start` to `end` inclusive: the count on
    `start` and the entries and exits of each day after it, each read with one GROUP BY query."""
    if end < start:
        return []
    rows = Residency.objects.filter(carrier_id=carrier.pk).order_by()
    count = rows.filter(hosted_on(start)).count()
    entered = dict(
        rows.filter(entered_on__gt=start, entered_on__lte=end).values_list("entered_on").annotate(n=Count("pk"))
    )
    exited = dict(rows.filter(exited_on__gt=start, exited_on__lte=end).values_list("exited_on").annotate(n=Count("pk")))
    series = [(start, count)]
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        count += entered.get(day, 0) - exited.get(day, 0)
        series.append((day, count))
    return series


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def occupancy_by_month(carrier: Carrier, end: datetime.date, months: int = 12) -> list[dict]:
    """The last `months` calendar months up to `end`, oldest first: per month `month` (its first day),
    `hosted` (on its last day, or on `end` for the month of `end`), `peak` (the most hosted on any
    day of the month up to `end`), `entered` and `exited` (residencies entering / leaving in it)."""
    first = end.replace(day=1)
    for _step in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    series = occupancy_series(carrier, first, end)
    result, by_month = [], {}
    for day, count in series:
        key = day.replace(day=1)
        if key not in by_month:
            by_month[key] = {"month": key, "hosted": 0, "peak": 0, "entered": 0, "exited": 0}
            result.append(by_month[key])
        row = by_month[key]
        row["peak"] = max(row["peak"], count)
        if day == min(_month_end(day), end):
            row["hosted"] = count
    rows = Residency.objects.filter(carrier_id=carrier.pk).order_by()
    for name in ("entered", "exited"):
        field = f"{name}_on"
        counts = (
            rows.filter(**{f"{field}__gte": first, f"{field}__lte": end}).values_list(field).annotate(n=Count("pk"))
        )
        for day, n in counts:
            by_month[day.replace(day=1)][name] += n
    return result


def _check_capacity(carrier: Carrier, residency: Residency, start: datetime.date, end: datetime.date | None) -> None:
    """Refuse when hosting `residency` from `start` until `end` (exclusive; None: still there) would
    make `carrier` host more than its capacity on some day. Call with the carrier row locked."""
    capacity = carrier.capacity
    if capacity is None or (end is not None and end <= start):
        return
    others = Residency.objects.filter(carrier_id=carrier.pk).exclude(pk=residency.pk).order_by()
    overlapping = others.filter(Q(exited_on__isnull=True) | Q(exited_on__gt=start))
    if end is not None:
        overlapping = overlapping.filter(entered_on__lt=end)
    # the count only rises on an entry day: look at the first day of the stay and at each entry inside
    # it, sweeping the (entry, exit) pairs of the stays that overlap it (one query)
    stays = list(overlapping.values_list("entered_on", "exited_on"))
    for day in sorted({start} | {entered for entered, _left in stays if entered > start}):
        hosted = sum(1 for entered, left in stays if entered <= day and (left is None or left > day))
        if hosted + 1 > capacity:
            raise ValidationError(
                {
                    "entered_on": _(
                        "%(carrier)s is full on %(date)s: it already hosts %(hosted)d of its capacity of "
                        "%(capacity)d. Record an exit first, or raise the capacity."
                    )
                    % {"carrier": carrier.name, "date": day.isoformat(), "hosted": hosted, "capacity": capacity}
                }
            )


# ---------------------------------------------------------------- carriers


def _check_carrier(user, carrier: Carrier) -> None:
    errors = {}
    carrier.name = (carrier.name or "").strip()
    carrier.address = (carrier.address or "").strip()
    if not carrier.name:
        errors["name"] = _("%(field)s: enter the carrier's name.") % {"field": _label(Carrier, "name")}
    if carrier.kind not in CarrierKind.values:
        errors["kind"] = _("%(field)s: choose a kind.") % {"field": _label(Carrier, "kind")}
    if carrier.unit_id is None:
        errors["unit"] = _("%(field)s: choose the managing unit.") % {"field": _label(Carrier, "unit")}
    if carrier.floor_area is not None:
        label = _label(Carrier, "floor_area")
        try:
            area = decimal.Decimal(carrier.floor_area)
        except (decimal.DecimalException, TypeError, ValueError):
            errors["floor_area"] = _("%(field)s: enter a number of square metres.") % {"field": label}
        else:
            if not area.is_finite() or area <= 0:
                errors["floor_area"] = _("%(field)s: the floor area must be more than zero square metres.") % {
                    "field": label
                }
            elif area > MAX_AREA:
                errors["floor_area"] = _("%(field)s: %(value)s m² is not plausible; check the number.") % {
                    "field": label,
                    "value": area,
                }
            else:
                carrier.floor_area = area.quantize(decimal.Decimal("0.01"))
    if carrier.capacity is not None:
        label = _label(Carrier, "capacity")
        if isinstance(carrier.capacity, bool) or not isinstance(carrier.capacity, int):
            errors["capacity"] = _("%(field)s: enter a whole number.") % {"field": label}
        elif carrier.capacity <= 0:
            errors["capacity"] = _(
                "%(field)s: the capacity must be at least one (leave it empty when there is no limit)."
            ) % {"field": label}
        elif carrier.capacity > 1_000_000:
            errors["capacity"] = _("%(field)s: %(value)d is not plausible; check the number.") % {
                "field": label,
                "value": carrier.capacity,
            }
    if carrier.opened_on is not None:
        try:
            check_day(user, carrier.opened_on, "opened_on", _label(Carrier, "opened_on"))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


def save_carrier(user, carrier: Carrier) -> Carrier:
    """Create or edit a carrier. Its capacity cannot fall below the residents it hosts today."""
    _check_carrier(user, carrier)
    with services.writing():
        if carrier.pk is not None:
            stored = Carrier.objects.restrict(user, "change").select_for_update().filter(pk=carrier.pk).first()
            if stored is None:
                raise PermissionDenied(_("You may not change this carrier."))
            if carrier.capacity is not None:
                hosted = occupancy(stored, local_today(user))
                if carrier.capacity < hosted:
                    raise ValidationError(
                        {
                            "capacity": _(
                                "%(field)s: the carrier hosts %(hosted)d teams and enterprises today; "
                                "the capacity cannot be lower."
                            )
                            % {"field": _label(Carrier, "capacity"), "hosted": hosted}
                        }
                    )
        if carrier.operator_id is not None and not (
            Organization.objects.restrict(user).filter(pk=carrier.operator_id).exists()
        ):
            raise ValidationError({"operator": _("Choose an organisation you may see.")})
        return services.save(user, carrier)


def delete_carrier(user, carrier: Carrier) -> None:
    """Soft-delete (managers): the carrier and its residents leave the lists; restorable."""
    services.delete(user, carrier)


def restore_carrier(user, carrier: Carrier) -> None:
    services.restore(user, carrier)


# ---------------------------------------------------------------- residencies


def _locked_carrier(user, carrier_id, action: str = "change") -> Carrier:
    """The live carrier, locked for the rest of the transaction, if the user may `action` its records."""
    found = Carrier.objects.restrict(user, action).select_for_update().filter(pk=carrier_id).first()
    if found is None:
        raise ValidationError({"carrier": _("Choose a carrier you may add residents to.")})
    return found


def _check_residency(user, residency: Residency, founders) -> list:
    errors = {}
    residency.name = (residency.name or "").strip()
    residency.notes = (residency.notes or "").strip()
    if not residency.name:
        errors["name"] = _("%(field)s: enter the team's or enterprise's name.") % {"field": _label(Residency, "name")}
    if residency.kind not in ResidentKind.values:
        errors["kind"] = _("%(field)s: choose a team or an enterprise.") % {"field": _label(Residency, "kind")}
    if residency.carrier_id is None:
        errors["carrier"] = _("%(field)s: choose the carrier.") % {"field": _label(Residency, "carrier")}
    if residency.origin not in OrganizationRegion.values:
        errors["origin"] = _("%(field)s: choose where the team or enterprise comes from.") % {
            "field": _label(Residency, "origin")
        }
    elif residency.origin == OrganizationRegion.OVERSEAS:
        residency.origin_country = (residency.origin_country or "").strip()
        if not residency.origin_country:
            errors["origin_country"] = _("%(field)s: for an overseas team or enterprise, name the country.") % {
                "field": _label(Residency, "origin_country")
            }
    else:
        residency.origin_country = ""
    if residency.entered_on is None:
        errors["entered_on"] = _("%(field)s: enter the date it entered.") % {"field": _label(Residency, "entered_on")}
    else:
        try:
            residency.entered_on = check_day(user, residency.entered_on, "entered_on", _label(Residency, "entered_on"))
        except ValidationError as error:
            errors.update(error.message_dict)
    if residency.organization_id is not None and not (
        Organization.objects.restrict(user).filter(pk=residency.organization_id).exists()
    ):
        errors["organization"] = _("Choose an organisation you may see.")
    founder_ids = None
    if founders is not None:
        founder_ids = sorted({getattr(person, "pk", person) for person in founders})
        if founder_ids and Person.objects.restrict(user).filter(pk__in=founder_ids).count() != len(founder_ids):
            errors["founders"] = _("%(field)s: choose people you may see.") % {"field": _label(Residency, "founders")}
    if errors:
        raise ValidationError(errors)
    return founder_ids


def save_residency(user, residency: Residency, *, founders=None) -> Residency:
    """Add a team or enterprise to a carrier, or edit it (exit dates change only through exit_residency()).

    `founders`: people (or ids) replacing the founders; None keeps them as they are.
    """
    founder_ids = _check_residency(user, residency, founders)
    with services.writing():
        stored = None
        if residency.pk is not None:
            stored = Residency.objects.restrict(user, "change").select_for_update().filter(pk=residency.pk).first()
            if stored is None:
                raise PermissionDenied(_("You may not change this team or enterprise."))
            residency.exited_on, residency.exit_kind = stored.exited_on, stored.exit_kind
        carrier = _locked_carrier(user, residency.carrier_id)
        residency.carrier = carrier
        if stored is not None and stored.carrier_id != carrier.pk:
            _locked_carrier(user, stored.carrier_id)  # moving away is a change of the old carrier too
        if residency.exited_on is not None and residency.entered_on > residency.exited_on:
            raise ValidationError(
                {
                    "entered_on": _("%(field)s: %(date)s is after the day it left (%(exit)s).")
                    % {
                        "field": _label(Residency, "entered_on"),
                        "date": residency.entered_on.isoformat(),
                        "exit": residency.exited_on.isoformat(),
                    }
                }
            )
        if stored is not None:
            first = stored.milestones.order_by("on").values_list("on", flat=True).first()
            if first is not None and residency.entered_on > first:
                raise ValidationError(
                    {
                        "entered_on": _("%(field)s: %(date)s is after its first recorded outcome (%(first)s).")
                        % {
                            "field": _label(Residency, "entered_on"),
                            "date": residency.entered_on.isoformat(),
                            "first": first.isoformat(),
                        }
                    }
                )
        grows = stored is None or stored.carrier_id != carrier.pk or residency.entered_on < stored.entered_on
        if grows:
            _check_capacity(carrier, residency, residency.entered_on, residency.exited_on)
        m2m = {"founders": founder_ids} if founder_ids is not None else None
        return services.save(user, residency, m2m=m2m)


def _locked_residency(user, residency: Residency, action: str = "change") -> Residency:
    found = (
        Residency.objects.restrict(user, action)
        .select_for_update()
        .filter(pk=residency.pk, carrier__deleted_at__isnull=True)
        .first()
    )
    if found is None:
        raise PermissionDenied(_("You may not change this team or enterprise."))
    return found


def exit_residency(user, residency: Residency, kind: str, on=None, *, note: str = "") -> Residency:
    """Graduate (kind "graduated") or let leave (kind "left") a residency on `on` (default: today)."""
    if kind not in ExitKind.values:
        raise ValidationError({"kind": _("Choose how it left: graduated or left.")})
    note = (note or "").strip()[:300]
    with services.writing():
        stored = _locked_residency(user, residency)
        if stored.exited_on is not None:
            raise ValidationError(
                {
                    "kind": _("%(name)s already left on %(date)s (%(how)s).")
                    % {"name": stored.name, "date": stored.exited_on.isoformat(), "how": stored.get_exit_kind_display()}
                }
            )
        label = _label(Residency, "exited_on")
        on = check_day(user, on or local_today(user), "on", label)
        if on < stored.entered_on:
            raise ValidationError(
                {
                    "on": _("%(field)s: %(date)s is before the day it entered (%(entered)s).")
                    % {"field": label, "date": on.isoformat(), "entered": stored.entered_on.isoformat()}
                }
            )
        stored.exited_on, stored.exit_kind = on, kind
        services.save(user, stored)
        Milestone.objects.create(residency=stored, kind=EXIT_MILESTONE[ExitKind(kind)], on=on, note=note)
    return stored


def undo_exit(user, residency: Residency) -> Residency:
    """Reopen a residency that graduated or left (managers): its exit milestone is removed."""
    with services.writing():
        stored = _locked_residency(user, residency, "delete")
        if stored.exited_on is None:
            raise ValidationError({"kind": _("%(name)s has not left: there is no exit to undo.") % {"name": stored}})
        carrier = _locked_carrier(user, stored.carrier_id)
        _check_capacity(carrier, stored, stored.entered_on, None)
        stored.exited_on, stored.exit_kind = None, ""
        services.save(user, stored)
        stored.milestones.filter(kind__in=list(EXIT_MILESTONE.values())).delete()
    return stored


def delete_residency(user, residency: Residency) -> None:
    """Remove a residency recorded by mistake (managers), with its outcomes; the history keeps it."""
    with services.writing():
        stored = _locked_residency(user, residency, "delete")
        stored.delete()


def add_milestone(user, residency: Residency, kind: str, on, *, amount=None, organization=None, note="") -> Milestone:
    """Record an outcome: "registered" (a company; optionally which) or "funded" (an amount in yuan)."""
    errors = {}
    if kind not in [k.value for k in OUTCOME_KINDS]:
        if kind in (MilestoneKind.GRADUATED, MilestoneKind.LEFT):
            errors["kind"] = _("Graduating and leaving are recorded with “Graduate” or “Leave”.")
        else:
            errors["kind"] = _("Choose an outcome: registered a company or raised funding.")
    label = _label(Milestone, "amount")
    if kind == MilestoneKind.FUNDED:
        if amount in (None, ""):
            errors["amount"] = _("%(field)s: enter the amount raised.") % {"field": label}
        else:
            try:
                amount = decimal.Decimal(amount).quantize(decimal.Decimal("0.01"))
                check_bounds(amount, label, unit=user_unit(user))
            except ValidationError as error:
                errors["amount"] = error.messages
            except (decimal.DecimalException, TypeError, ValueError):
                errors["amount"] = _("%(field)s: enter an amount.") % {"field": label}
    else:
        amount = None
    if kind == MilestoneKind.FUNDED:
        organization = None
    if organization is not None and not Organization.objects.restrict(user).filter(pk=organization.pk).exists():
        errors["organization"] = _("Choose an organisation you may see.")
    try:
        on = check_day(user, on, "on", _label(Milestone, "on"))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with services.writing():
        stored = _locked_residency(user, residency)
        if on < stored.entered_on:
            raise ValidationError(
                {
                    "on": _("%(field)s: %(date)s is before the day it entered (%(entered)s).")
                    % {"field": _label(Milestone, "on"), "date": on.isoformat(), "entered": stored.entered_on}
                }
            )
        if kind == MilestoneKind.REGISTERED and stored.milestones.filter(kind=MilestoneKind.REGISTERED).exists():
            raise ValidationError({"kind": _("%(name)s has already registered its company.") % {"name": stored}})
        milestone = Milestone(
            residency=stored, kind=kind, on=on, amount=amount, organization=organization, note=(note or "")[:300]
        )
        milestone.save()
        if organization is not None and stored.organization_id is None:
            stored.organization = organization
        services.save(user, stored)  # the residency's history shows the new outcome
    return milestone


def delete_milestone(user, milestone: Milestone) -> None:
    """Remove an outcome recorded by mistake; exits are undone with undo_exit() instead."""
    with services.writing():
        stored = _locked_residency(user, Residency(pk=milestone.residency_id))
        if milestone.kind in (MilestoneKind.GRADUATED, MilestoneKind.LEFT):
            raise ValidationError({"kind": _("An exit is undone with “Undo exit” (managers).")})
        stored.milestones.filter(pk=milestone.pk).delete()
        services.save(user, stored)


# ---------------------------------------------------------------- figures


def _live(queryset):
    return queryset.order_by().filter(carrier__deleted_at__isnull=True)


FIGURES = (
    "in_incubation",
    "ever_hosted",
    "entered",
    "graduated",
    "graduated_ever",
    "left",
    "enterprises_introduced",
    "landed",
    "funded",
)


def _counts(on, start, end) -> dict:
    period = Q(entered_on__lte=end) & (Q(entered_on__gte=start) if start else Q())
    exit_period = Q(exited_on__lte=end) & (Q(exited_on__gte=start) if start else Q())
    return {
        "in_incubation": Count("pk", filter=hosted_on(on)),
        "ever_hosted": Count("pk", filter=Q(entered_on__lte=end)),
        "entered": Count("pk", filter=period),
        "graduated": Count("pk", filter=Q(exit_kind=ExitKind.GRADUATED) & exit_period),
        "graduated_ever": Count("pk", filter=Q(exit_kind=ExitKind.GRADUATED, exited_on__lte=end)),
        "left": Count("pk", filter=Q(exit_kind=ExitKind.LEFT) & exit_period),
        "enterprises_introduced": Count("pk", filter=Q(kind=ResidentKind.ENTERPRISE) & period),
        "landed": Count("pk", filter=Q(_registered=True)),
        "funded": Count("pk", filter=Q(_funded=True)),
    }


def figures(residencies, on=None, start=None, end=None) -> dict:
    """The figures of a set of residencies (already scoped and filtered by the caller), computed in
    the database (two aggregate queries and one GROUP BY on milestones). Residencies of deleted
    carriers do not count. `on` defaults to the server's today; `end` defaults to `on`; `start`
    empty means "since the beginning". Dates are inclusive.

    - `in_incubation`: hosted on `on` (entered_on <= on, and not exited or exited_on > on).
    - `ever_hosted`: entered on or before `end` (teams and enterprises ever hosted).
    - `entered`: entered in the period (start <= entered_on <= end).
    - `graduated`: graduated (exit "graduated") in the period; `graduated_ever`: graduated on or
      before `end`. `left`: left (exit "left") in the period.
    - `enterprises_introduced`: enterprises (kind "enterprise") that entered in the period (引进).
    - `landed`: residencies with a "registered a company" milestone dated in the period (for an
      enterprise: landed, 落地; for a team: registered its company).
    - `funded`: residencies with at least one "raised funding" milestone in the period;
      `funding_total`: the exact sum (Decimal yuan) of those milestones' amounts.
    - `by_origin`: {origin code: the same figures} for every origin (HK, MO, TW, OVERSEAS, MAINLAND),
      zeros included. `by_kind`: {"team"/"enterprise": the same figures}.
    The period is also returned (`on`, `start`, `end`, ISO dates).
    """
    on = on or local_today()
    end = end or on
    rows = _live(residencies)
    milestone_period = Q(on__lte=end) & (Q(on__gte=start) if start else Q())
    milestones = Milestone.objects.filter(milestone_period, residency=OuterRef("pk"))
    rows = rows.annotate(
        _registered=Exists(milestones.filter(kind=MilestoneKind.REGISTERED)),
        _funded=Exists(milestones.filter(kind=MilestoneKind.FUNDED)),
    )
    counts = _counts(on, start, end)
    totals = rows.aggregate(**counts)
    funding = Milestone.objects.filter(
        milestone_period, kind=MilestoneKind.FUNDED, residency__in=_live(residencies).values("pk")
    ).order_by()
    totals["funding_total"] = funding.aggregate(total=Sum("amount"))["total"] or ZERO

    def breakdown(field: str, codes) -> dict:
        found = {row[field]: row for row in rows.values(field).annotate(**counts)}
        money = dict(funding.values_list(f"residency__{field}").annotate(total=Sum("amount")))
        result = {}
        for code in codes:
            row = found.get(code, {})
            result[code] = {name: row.get(name, 0) for name in FIGURES}
            result[code]["funding_total"] = money.get(code) or ZERO
        return result

    totals["by_origin"] = breakdown("origin", OrganizationRegion.values)
    totals["by_kind"] = breakdown("kind", ResidentKind.values)
    totals.update(on=on, start=start, end=end)
    return totals


def carrier_figures(carriers, on=None) -> dict:
    """Figures of a set of carriers (live ones; scoped and filtered by the caller), in the database:

    - `count`: carriers; `by_kind`: {kind: carriers of that kind} for every kind.
    - `floor_area`: the sum of the floor areas given (Decimal m²; carriers without one add nothing).
    - `capacity`: the sum of the capacities given; `with_capacity`: carriers that have one.
    - `hosted`: residents hosted on `on` (default: the server's today) by these carriers;
      `hosted_where_capacity`: those of them in carriers with a capacity, and `occupancy_rate`
      = hosted_where_capacity ÷ capacity in percent, one decimal rounded half up (None without
      capacity).
    """
    on = on or local_today()
    rows = carriers.order_by().filter(deleted_at__isnull=True)
    sums = rows.aggregate(
        n=Count("pk"),
        area=Sum("floor_area"),
        places=Sum("capacity"),
        limited=Count("pk", filter=Q(capacity__isnull=False)),
    )
    totals = {"count": sums["n"], "floor_area": sums["area"], "capacity": sums["places"]}
    totals["with_capacity"] = sums["limited"]
    kinds = dict(rows.values_list("kind").annotate(n=Count("pk")))
    totals["by_kind"] = {kind: kinds.get(kind, 0) for kind in CarrierKind.values}
    totals["floor_area"] = totals["floor_area"] or ZERO
    totals["capacity"] = totals["capacity"] or 0
    hosted = Residency.objects.filter(hosted_on(on), carrier__in=rows.values("pk")).order_by()
    numbers = hosted.aggregate(
        hosted=Count("pk"), hosted_where_capacity=Count("pk", filter=Q(carrier__capacity__isnull=False))
    )
    totals.update(numbers)
    rate = None
    if totals["capacity"]:
        rate = (decimal.Decimal(100 * numbers["hosted_where_capacity"]) / totals["capacity"]).quantize(
            decimal.Decimal("0.1"), decimal.ROUND_HALF_UP
        )
    totals["occupancy_rate"] = rate
    totals["on"] = on
    return totals


def annotate_occupancy(carriers, on):
    """Carriers with `hosted_now`: residents hosted on `on` (one subquery, for lists)."""
    hosted = (
        Residency.objects.filter(hosted_on(on), carrier=OuterRef("pk"))
        .order_by()
        .values("carrier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return carriers.annotate(hosted_now=Coalesce(Subquery(hosted, output_field=IntegerField()), 0))


def may_add_to(user, carrier: Carrier) -> bool:
    return scoping.may(user, "change", carrier.unit_id) and not carrier.is_deleted
