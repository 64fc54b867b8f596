"""Rules for cooperation agreements: recording them with their parties, ending and reopening them,
their commitments (a checklist with owners and due dates), sister-institution pairs and figures.

- **Parties**: at least one organisation, and at least two parties in all (organisations plus our
  own units). An organisation is a party once. Organisations, our units and the signing activity
  must be records the user may see (checked when they are added, so that an edit by someone who
  no longer sees an old party keeps it). A sister-school or sister-institution agreement
  (kind "sister") needs at least two organisations: each unordered pair of them is a sister pair.
- **Dates**: `signed_on` is required, not in the future (the user's local day, `local_today`) and
  not before 1980; `ends_on` is not before `starts_on` nor before `signed_on`.
- **Status** is derived, never stored: *ended* when the agreement was ended (`ended`), otherwise
  *expired* when its term is over (`ends_on` before today), otherwise *in force*. `with_status()`
  and `status_q()` compute it in the database for lists, filters and the API.
- **Ending** needs a date (not before the signing day, not in the future) and a reason; whoever may
  change the agreement may end it. Only managers reopen an ended agreement (the history keeps the
  ending).
- **Commitments**: a text, an owner (a member of the owning unit, a unit above or a unit below it),
  optionally the party responsible (one of the agreement's organisations), a due date (not before
  the signing day). Ticking one off keeps the day (the user's local day) and who; unticking clears
  both. A commitment is *overdue* when it is not done and its due date is before today (the
  reader's local day: `overdue_q(today)`).

Every write is one transaction (`services.writing()`), with the scope re-checked inside it; a refused
write leaves nothing behind (an agreement whose third commitment is bad is not saved at all).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from qiao.activities.models import Activity
from qiao.core import history, scoping, services
from qiao.core.days import check_day, local_today
from qiao.core.models import Membership, Unit, User
from qiao.orgs.models import Organization

from .models import Agreement, AgreementKind, AgreementParty, AgreementStatus, Commitment

MAX_PARTIES = 50
MAX_COMMITMENTS = 200


def _label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _today(user=None, today: datetime.date | None = None) -> datetime.date:
    return today or local_today(user)


# ---------------------------------------------------------------- status


def status_case(today: datetime.date) -> Case:
    """The derived status as a database expression (see the module's doc)."""
    return Case(
        When(ended=True, then=Value(AgreementStatus.ENDED.value)),
        When(ends_on__lt=today, then=Value(AgreementStatus.EXPIRED.value)),
        default=Value(AgreementStatus.IN_FORCE.value),
        output_field=CharField(),
    )


def with_status(queryset: QuerySet, today: datetime.date) -> QuerySet:
    """The agreements annotated with `status` (in_force / expired / ended) on `today`."""
    return queryset.annotate(status=status_case(today))


def status_q(status: str, today: datetime.date) -> Q:
    """Agreements whose status on `today` is `status` (a condition on stored columns, index-friendly)."""
    if status == AgreementStatus.ENDED:
        return Q(ended=True)
    if status == AgreementStatus.EXPIRED:
        return Q(ended=False, ends_on__lt=today)
    if status == AgreementStatus.IN_FORCE:
        return Q(ended=False) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    raise ValueError(status)


def filter_status(queryset: QuerySet, statuses, today: datetime.date) -> QuerySet:
    """Agreements whose status on `today` is any of `statuses` (all of them when empty)."""
    wanted = [s for s in statuses or () if s in AgreementStatus.values]
    if not wanted:
        return queryset
    condition = Q()
    for status in wanted:
        condition |= status_q(status, today)
    return queryset.filter(condition)


def status_of(agreement: Agreement, today: datetime.date) -> str:
    """The status of one agreement on `today` (the same rule as status_case())."""
    if agreement.ended:
        return AgreementStatus.ENDED.value
    if agreement.ends_on is not None and agreement.ends_on < today:
        return AgreementStatus.EXPIRED.value
    return AgreementStatus.IN_FORCE.value


# ---------------------------------------------------------------- checks


@dataclass
class Party:
    """One organisation party to an agreement, with its role."""

    organization: Organization | int | None
    role: str = ""

    @property
    def organization_id(self) -> int | None:
        return _id(self.organization)


def _id(value):
    """A record's id from a record, an int or a string of digits; anything else as it is."""
    value = getattr(value, "pk", value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None if isinstance(value, bool) else value


def _parties(rows) -> list[Party]:
    found = []
    for row in rows or ():
        if isinstance(row, Party):
            found.append(row)
        elif isinstance(row, dict):
            found.append(Party(row.get("organization"), row.get("role") or ""))
        elif isinstance(row, (tuple, list)):
            found.append(Party(row[0], row[1] if len(row) > 1 else ""))
        else:
            found.append(Party(row))
    return found


def _check_fields(user, agreement: Agreement) -> dict:
    errors = {}
    agreement.title = (agreement.title or "").strip()
    agreement.scope = (agreement.scope or "").strip()
    agreement.notes = (agreement.notes or "").strip()
    if not agreement.title:
        errors["title"] = _("%(field)s: name the agreement.") % {"field": _label(Agreement, "title")}
    if agreement.kind not in AgreementKind.values:
        errors["kind"] = _("%(field)s: choose a kind.") % {"field": _label(Agreement, "kind")}
    if agreement.unit_id is None:
        errors["unit"] = _("%(field)s: choose the unit that keeps the agreement.") % {
            "field": _label(Agreement, "unit")
        }
    signed = None
    if agreement.signed_on is None:
        errors["signed_on"] = _("%(field)s: enter the day it was signed.") % {"field": _label(Agreement, "signed_on")}
    else:
        try:
            signed = agreement.signed_on = check_day(
                user, agreement.signed_on, "signed_on", _label(Agreement, "signed_on")
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    for name in ("starts_on", "ends_on"):
        value = getattr(agreement, name)
        if value is not None:
            try:
                setattr(agreement, name, check_day(user, value, name, _label(Agreement, name), future=True))
            except ValidationError as error:
                errors.update(error.message_dict)
    starts, ends = agreement.starts_on, agreement.ends_on
    if "ends_on" not in errors and ends is not None:
        if starts is not None and "starts_on" not in errors and ends < starts:
            errors["ends_on"] = _("%(field)s: %(end)s is before the day it comes into force (%(start)s).") % {
                "field": _label(Agreement, "ends_on"),
                "end": ends.isoformat(),
                "start": starts.isoformat(),
            }
        elif signed is not None and ends < signed:
            errors["ends_on"] = _("%(field)s: %(end)s is before the day it was signed (%(signed)s).") % {
                "field": _label(Agreement, "ends_on"),
                "end": ends.isoformat(),
                "signed": signed.isoformat(),
            }
    return errors


def _check_parties(user, agreement: Agreement, parties: list[Party], units: list, stored_orgs: set, stored_units: set):
    """The parties' errors ({"parties": [...], "our_units": [...]}) and the checked values."""
    errors: dict[str, list[str]] = {}
    visible_orgs = Organization.objects.restrict(user)
    ids = [p.organization_id for p in parties]
    wanted = {i for i in ids if isinstance(i, int)}
    seen_orgs = Organization.all_objects.in_bulk(wanted) if wanted else {}
    may_see = set(visible_orgs.filter(pk__in=wanted - stored_orgs).values_list("pk", flat=True)) | (
        wanted & stored_orgs
    )
    checked: list[tuple[Organization, str]] = []
    seen: set[int] = set()
    if len(parties) > MAX_PARTIES:
        errors.setdefault("parties", []).append(
            _("At most %(count)d organisations are party to one agreement.") % {"count": MAX_PARTIES}
        )
        parties = parties[:MAX_PARTIES]
    for number, party in enumerate(parties, start=1):
        pk = party.organization_id
        role = " ".join(str(party.role or "").split())
        if pk is None or not isinstance(pk, int):
            errors.setdefault("parties", []).append(_("Party %(row)d: choose an organisation.") % {"row": number})
            continue
        org = seen_orgs.get(pk)
        if org is None or pk not in may_see or (org.is_deleted and pk not in stored_orgs):
            errors.setdefault("parties", []).append(
                _("Party %(row)d: choose an organisation you may see.") % {"row": number}
            )
            continue
        if pk in seen:
            errors.setdefault("parties", []).append(
                _("Party %(row)d: %(name)s is already a party.") % {"row": number, "name": org}
            )
            continue
        if len(role) > 100:
            errors.setdefault("parties", []).append(
                _("Party %(row)d: the role is longer than 100 characters.") % {"row": number}
            )
            continue
        seen.add(pk)
        checked.append((org, role))
    unit_ids = []
    for unit in units or ():
        pk = _id(unit)
        if isinstance(pk, int) and pk not in unit_ids:
            unit_ids.append(pk)
    visible_units = scoping.unit_ids(user, "view")
    found_units = Unit.objects.in_bulk(unit_ids)
    our_units = []
    for pk in unit_ids:
        allowed = visible_units is scoping.ALL or pk in visible_units or pk in stored_units
        if pk not in found_units or not allowed:
            errors.setdefault("our_units", []).append(_("Choose units of our network that you may see."))
            break
        our_units.append(found_units[pk])
    if "parties" not in errors and "our_units" not in errors:
        if not checked:
            errors["parties"] = [_("Name at least one organisation party to the agreement.")]
        elif len(checked) + len(our_units) < 2:
            errors["parties"] = [
                _("An agreement has at least two parties: add another organisation or one of our units.")
            ]
        elif agreement.kind == AgreementKind.SISTER and len(checked) < 2:
            errors["parties"] = [
                _(
                    "A sister-school or sister-institution agreement links two organisations: "
                    "name both (our units do not count here)."
                )
            ]
    return errors, checked, our_units


def _member_near(user_id: int, unit: Unit) -> bool:
    """Whether the user is a member of the unit, a unit above it or a unit below it."""
    above = [int(part) for part in unit.path.split(".") if part]
    return (
        Membership.objects.filter(user_id=user_id)
        .filter(Q(unit_id__in=above) | Q(unit__path__startswith=unit.path))
        .exists()
    )


def _owner_allowed(user_id, unit: Unit) -> bool:
    if not isinstance(user_id, int) or not User.objects.filter(pk=user_id, is_active=True).exists():
        return False
    return _member_near(user_id, unit)


def owner_choices(user, agreement: Agreement | None = None) -> QuerySet:
    """Users who may own a commitment: active users the user may see (near the agreement's unit)."""
    users = User.objects.restrict(user).filter(is_active=True)
    if agreement is not None and agreement.unit_id:
        unit = agreement.unit
        above = [int(part) for part in unit.path.split(".") if part]
        near = Membership.objects.filter(Q(unit_id__in=above) | Q(unit__path__startswith=unit.path))
        users = users.filter(pk__in=near.values("user_id"))
    return users.order_by("username")


def _check_commitment(agreement: Agreement, commitment: Commitment, stored: Commitment | None, org_ids) -> dict:
    errors = {}
    commitment.text = " ".join((commitment.text or "").split())
    commitment.note = (commitment.note or "").strip()
    if not commitment.text:
        errors["text"] = _("%(field)s: say what was committed.") % {"field": _label(Commitment, "text")}
    elif len(commitment.text) > 300:
        errors["text"] = _("%(field)s: at most 300 characters.") % {"field": _label(Commitment, "text")}
    if len(commitment.note) > 300:
        errors["note"] = _("%(field)s: at most 300 characters.") % {"field": _label(Commitment, "note")}
    if commitment.due_on is not None:
        due = commitment.due_on
        if isinstance(due, datetime.datetime):
            due = commitment.due_on = due.date()
        if not isinstance(due, datetime.date):
            errors["due_on"] = _("%(field)s: enter a date.") % {"field": _label(Commitment, "due_on")}
        elif due < agreement.signed_on:
            errors["due_on"] = _("%(field)s: %(due)s is before the agreement was signed (%(signed)s).") % {
                "field": _label(Commitment, "due_on"),
                "due": due.isoformat(),
                "signed": agreement.signed_on.isoformat(),
            }
        elif due.year > agreement.signed_on.year + 100:
            errors["due_on"] = _("%(field)s: %(due)s is too far away; check the year.") % {
                "field": _label(Commitment, "due_on"),
                "due": due.isoformat(),
            }
    owner_changed = stored is None or stored.owner_id != commitment.owner_id
    owner = commitment.owner_id
    if owner is not None and owner_changed and not _owner_allowed(owner, agreement.unit):
        errors["owner"] = _(
            "%(field)s: choose a member of the agreement's unit, of a unit above it or of a unit below it."
        ) % {"field": _label(Commitment, "owner")}
    if commitment.party_id is not None and commitment.party_id not in org_ids:
        errors["party"] = _("%(field)s: choose one of the organisations party to the agreement.") % {
            "field": _label(Commitment, "party")
        }
    return errors


def _commitment(row) -> Commitment:
    if isinstance(row, Commitment):
        return row
    row = dict(row)
    item = Commitment(text=row.get("text") or "", due_on=row.get("due_on"), note=row.get("note") or "")
    for name in ("owner", "party"):
        value = row.get(name)
        setattr(item, f"{name}_id", _id(value))
    return item


# ---------------------------------------------------------------- agreements


def save_agreement(user, agreement: Agreement, *, parties=None, our_units=None, commitments=None) -> Agreement:
    """Create or edit an agreement with its organisation parties (`parties`: Party, dicts
    {organization, role} or (organization, role) pairs) and our units (`our_units`), in one
    transaction. On an edit, `parties` or `our_units` left as None keep the stored ones. A new
    agreement may come with its first `commitments` (Commitment objects or dicts {text, owner,
    party, due_on, note}); a bad one refuses the whole agreement. `ended`, `ended_on` and
    `end_reason` change only through end_agreement() / reopen_agreement()."""
    errors = _check_fields(user, agreement)
    with services.writing():
        stored = None
        if agreement.pk is not None:
            stored = Agreement.objects.restrict(user, "change").select_for_update().filter(pk=agreement.pk).first()
            if stored is None:
                raise PermissionDenied(_("You may not change this agreement."))
            for name in ("ended", "ended_on", "end_reason"):
                setattr(agreement, name, getattr(stored, name))
        stored_orgs = set(stored.parties.values_list("organization_id", flat=True)) if stored else set()
        stored_units = set(stored.our_units.values_list("pk", flat=True)) if stored else set()
        if parties is None and stored is not None:
            party_rows = [Party(p.organization_id, p.role) for p in stored.parties.all()]
        else:
            party_rows = _parties(parties)
        units = list(stored_units) if our_units is None and stored is not None else list(our_units or ())
        party_errors, checked, unit_objects = _check_parties(
            user, agreement, party_rows, units, stored_orgs, stored_units
        )
        errors.update(party_errors)
        activity = agreement.signing_activity_id
        changed = stored is None or stored.signing_activity_id != activity
        if activity is not None and changed and not Activity.objects.restrict(user).filter(pk=activity).exists():
            errors["signing_activity"] = _("%(field)s: choose an activity you may see.") % {
                "field": _label(Agreement, "signing_activity")
            }
        if stored is not None and agreement.signed_on and "signed_on" not in errors:
            first_due = stored.commitments.filter(due_on__lt=agreement.signed_on).order_by("due_on").first()
            if first_due is not None:
                errors["signed_on"] = _(
                    "%(field)s: the commitment “%(text)s” is due on %(due)s, before this day; change it first."
                ) % {"field": _label(Agreement, "signed_on"), "text": first_due.text, "due": first_due.due_on}
            elif agreement.ended and agreement.ended_on and agreement.ended_on < agreement.signed_on:
                errors["signed_on"] = _("%(field)s: the agreement was ended on %(ended)s, before this day.") % {
                    "field": _label(Agreement, "signed_on"),
                    "ended": agreement.ended_on.isoformat(),
                }
        rows = [_commitment(row) for row in commitments or ()]
        if stored is not None and rows:
            raise ValidationError({"commitments": _("Add commitments to an existing agreement one by one.")})
        if len(rows) > MAX_COMMITMENTS:
            errors["commitments"] = [_("At most %(count)d commitments at once.") % {"count": MAX_COMMITMENTS}]
        elif rows and "signed_on" not in errors and "unit" not in errors:
            org_ids = {org.pk for org, _role in checked}
            for number, row in enumerate(rows, start=1):
                row_errors = _check_commitment(agreement, row, None, org_ids)
                for message in row_errors.values():
                    errors.setdefault("commitments", []).append(
                        _("Commitment %(row)d: %(message)s") % {"row": number, "message": message}
                    )
        if errors:
            raise ValidationError(errors)
        scoping.check(user, agreement, "add" if stored is None else "change")
        agreement.save()
        _write_parties(agreement, checked)
        if {u.pk for u in unit_objects} != stored_units or stored is None:
            agreement.our_units.set(unit_objects)
        for position, row in enumerate(rows):
            row.agreement, row.position = agreement, position
            row.save()
    return agreement


def _write_parties(agreement: Agreement, checked: list[tuple[Organization, str]]) -> None:
    current = {p.organization_id: p for p in agreement.parties.all()}
    wanted = {org.pk: role for org, role in checked}
    removed = [pk for pk in current if pk not in wanted]
    if removed:
        history.touch(agreement)
        # a commitment of a party that is no longer one stays, without its party
        Commitment.objects.filter(agreement=agreement, party_id__in=removed).update(party=None)
        AgreementParty.objects.filter(agreement=agreement, organization_id__in=removed).delete()
    for org, role in checked:
        party = current.get(org.pk)
        if party is None:
            AgreementParty.objects.create(agreement=agreement, organization=org, role=role)
        elif party.role != role:
            party.role = role
            party.save(update_fields=["role", "updated"])


def _locked(user, agreement: Agreement, action: str = "change") -> Agreement:
    found = (
        Agreement.objects.restrict(user, action)
        .select_for_update()
        .select_related("unit")
        .filter(pk=agreement.pk)
        .first()
    )
    if found is None:
        raise PermissionDenied(_("You may not change this agreement."))
    return found


def end_agreement(user, agreement: Agreement, *, on=None, reason: str = "") -> Agreement:
    """End (terminate) an agreement on the day `on` (default: the user's today) for `reason`."""
    reason = " ".join((reason or "").split())
    with services.writing():
        agreement = _locked(user, agreement)
        errors = {}
        if agreement.ended:
            raise ValidationError(
                _("This agreement was already ended on %(date)s.") % {"date": agreement.ended_on or "—"}
            )
        try:
            on = check_day(user, on or local_today(user), "ended_on", _label(Agreement, "ended_on"))
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            if on < agreement.signed_on:
                errors["ended_on"] = _("%(field)s: %(date)s is before the agreement was signed (%(signed)s).") % {
                    "field": _label(Agreement, "ended_on"),
                    "date": on.isoformat(),
                    "signed": agreement.signed_on.isoformat(),
                }
        if not reason:
            errors["end_reason"] = _("%(field)s: say why the agreement ends.") % {
                "field": _label(Agreement, "end_reason")
            }
        elif len(reason) > 300:
            errors["end_reason"] = _("%(field)s: at most 300 characters.") % {"field": _label(Agreement, "end_reason")}
        if errors:
            raise ValidationError(errors)
        agreement.ended, agreement.ended_on, agreement.end_reason = True, on, reason
        services.save(user, agreement)
    return agreement


def reopen_agreement(user, agreement: Agreement) -> Agreement:
    """Put an ended agreement back in force (or expired, by its term): managers only."""
    with services.writing():
        found = Agreement.objects.restrict(user, "delete").select_for_update().filter(pk=agreement.pk).first()
        if found is None:
            if Agreement.objects.restrict(user, "change").filter(pk=agreement.pk).exists():
                raise PermissionDenied(_("Only managers reopen an ended agreement."))
            raise PermissionDenied(_("You may not change this agreement."))
        if not found.ended:
            raise ValidationError(_("This agreement has not been ended."))
        found.ended, found.ended_on, found.end_reason = False, None, ""
        services.save(user, found)
    return found


def delete_agreement(user, agreement: Agreement) -> None:
    """Soft delete (managers); restorable from the deleted list."""
    services.delete(user, agreement)


# ---------------------------------------------------------------- commitments


def save_commitment(user, commitment: Commitment) -> Commitment:
    """Add a commitment to an agreement or change one (text, owner, party, due date, note); ticking
    it off goes through tick()."""
    with services.writing():
        stored = None
        if commitment.pk is not None:
            stored = Commitment.objects.restrict(user, "change").filter(pk=commitment.pk).first()
            if stored is None:
                raise PermissionDenied(_("You may not change this commitment."))
            if stored.agreement_id != commitment.agreement_id:
                raise ValidationError({"agreement": _("A commitment stays with its agreement.")})
            commitment.done_on, commitment.done_by_id = stored.done_on, stored.done_by_id
            commitment.position = stored.position
        if commitment.agreement_id is None:
            raise ValidationError({"agreement": _("Choose the agreement.")})
        agreement = _locked(user, Agreement(pk=commitment.agreement_id))
        commitment.agreement = agreement
        org_ids = set(agreement.parties.values_list("organization_id", flat=True))
        errors = _check_commitment(agreement, commitment, stored, org_ids)
        if errors:
            raise ValidationError(errors)
        if stored is None:
            last = agreement.commitments.order_by("-position").values_list("position", flat=True).first()
            commitment.position = min((last or 0) + 1, 32767) if last is not None else 0
        history.touch(agreement)
        commitment.save()
    return commitment


def _locked_commitment(user, commitment: Commitment) -> Commitment:
    agreement_id = (
        Commitment.objects.restrict(user, "change")
        .filter(pk=commitment.pk, agreement__deleted_at__isnull=True)
        .values_list("agreement_id", flat=True)
        .first()
    )
    if agreement_id is None:
        raise PermissionDenied(_("You may not change this commitment."))
    _locked(user, Agreement(pk=agreement_id))
    return Commitment.objects.select_for_update().select_related("agreement").get(pk=commitment.pk)


def tick(user, commitment: Commitment, done: bool = True) -> Commitment:
    """Tick a commitment off (done today, the user's local day, by the user) or untick it."""
    with services.writing():
        found = _locked_commitment(user, commitment)
        if (found.done_on is not None) == bool(done):
            return found
        history.touch(found.agreement)
        if done:
            found.done_on = local_today(user)
            found.done_by = user if getattr(user, "is_authenticated", False) else None
        else:
            found.done_on, found.done_by = None, None
        found.save(update_fields=["done_on", "done_by", "updated"])
    return found


def delete_commitment(user, commitment: Commitment) -> None:
    """Take a commitment off the list (whoever may change the agreement; the history keeps it)."""
    with services.writing():
        found = _locked_commitment(user, commitment)
        history.touch(found.agreement)
        found.delete()


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """Commitments not done whose due date is before `today` (`prefix` "commitments__" from an agreement)."""
    return Q(**{f"{prefix}done_on__isnull": True, f"{prefix}due_on__lt": today})


def live_commitments() -> QuerySet:
    """Commitments of agreements not deleted."""
    return Commitment.objects.filter(agreement__deleted_at__isnull=True)


# ---------------------------------------------------------------- sister institutions


def sister_pairs(queryset: QuerySet, *, today: datetime.date | None = None, in_force: bool = True) -> list:
    """The unordered organisation pairs (smaller id, larger id) linked by the sister agreements of
    `queryset`, each once; with `in_force`, only agreements in force on `today` (default: the
    server's day). Computed in the database (the parties joined with themselves)."""
    sisters = queryset.filter(kind=AgreementKind.SISTER)
    if in_force:
        sisters = sisters.filter(status_q(AgreementStatus.IN_FORCE, _today(None, today)))
    return list(_pairs(sisters).order_by("organization_id", "agreement__parties__organization_id"))


def _pairs(agreements: QuerySet) -> QuerySet:
    """Distinct (low, high) organisation id pairs among the parties of the sister agreements of `agreements`."""
    return (
        AgreementParty.objects.filter(
            agreement__in=agreements.filter(kind=AgreementKind.SISTER).order_by().values("pk"),
            agreement__parties__organization_id__gt=F("organization_id"),
        )
        .values_list("organization_id", "agreement__parties__organization_id")
        .distinct()
    )


def sister_institutions(user, organization, *, today: datetime.date | None = None, in_force: bool = False):
    """The organisations the user may see that are sister institutions of `organization`: party with
    it to a sister agreement the user may see (with `in_force`, one in force on `today`)."""
    sisters = Agreement.objects.restrict(user).filter(kind=AgreementKind.SISTER, parties__organization=organization)
    if in_force:
        sisters = sisters.filter(status_q(AgreementStatus.IN_FORCE, _today(user, today)))
    return (
        Organization.objects.restrict(user)
        .filter(agreement_parties__agreement__in=sisters.order_by().values("pk"))
        .exclude(pk=getattr(organization, "pk", organization))
        .distinct()
        .order_by("name", "id")
    )


# ---------------------------------------------------------------- figures


def figures(
    queryset: QuerySet,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    today: datetime.date | None = None,
) -> dict:
    """Figures of a set of agreements (already scoped and filtered), computed in the database.

    `today` is the reader's local day (default: the server's); `on` is the day the state is read:
    `end` when it is given and before `today`, otherwise `today`.

    - `count`: agreements in the set.
    - `signed`: agreements of the set signed in the period, `start` <= signed_on <= `end` (an
      open bound is no bound); `signed_by_kind`: the same by kind, every kind listed (0 when none).
    - `in_force`: signed on or before `on`, not ended on or before `on`, and whose term has not
      ended before `on` (`ends_on` empty or >= `on`).
    - `expired`: signed on or before `on`, not ended on or before `on`, and `ends_on` < `on`.
    - `ended`: ended (terminated) on or before `on`.
      On `today` these three are the statuses shown on the list, and add up to `count`.
    - `sister_pairs`: distinct unordered organisation pairs linked by the set's sister agreements in
      force on `on`.
    - `commitments`: commitments of the set's agreements; `commitments_done`: those ticked off;
      `commitments_overdue`: not done with a due date before `today`.
    """
    today = _today(None, today)
    on = end if end is not None and end < today else today
    rows = queryset.order_by()
    period = Q()
    if start is not None:
        period &= Q(signed_on__gte=start)
    if end is not None:
        period &= Q(signed_on__lte=end)
    ended_by = Q(ended=True) & (Q(ended_on__isnull=True) | Q(ended_on__lte=on))
    alive = Q(signed_on__lte=on) & ~ended_by
    by_kind = {f"kind_{kind}": Count("pk", filter=period & Q(kind=kind)) for kind in AgreementKind.values}
    found = rows.aggregate(
        count=Count("pk"),
        signed=Count("pk", filter=period),
        in_force=Count("pk", filter=alive & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))),
        expired=Count("pk", filter=alive & Q(ends_on__lt=on)),
        ended=Count("pk", filter=ended_by),
        **by_kind,
    )
    commitments = Commitment.objects.filter(agreement__in=rows.values("pk")).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(done_on__isnull=False)),
        overdue=Count("pk", filter=overdue_q(today)),
    )
    pairs = _pairs(rows.filter(alive & (Q(ends_on__isnull=True) | Q(ends_on__gte=on)))).order_by().count()
    return {
        "count": found["count"],
        "signed": found["signed"],
        "signed_by_kind": {kind: found[f"kind_{kind}"] for kind in AgreementKind.values},
        "in_force": found["in_force"],
        "expired": found["expired"],
        "ended": found["ended"],
        "sister_pairs": pairs,
        "commitments": commitments["total"],
        "commitments_done": commitments["done"],
        "commitments_overdue": commitments["overdue"],
        "on": on,
        "start": start,
        "end": end,
    }
