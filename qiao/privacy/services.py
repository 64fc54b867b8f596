"""Consents, cross-border transfers and the retention review: one implementation for the web UI, the API
and the command line. Exports are in export.py, erasures in erasure.py."""

from __future__ import annotations

import contextlib
import datetime
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import scoping, services
from qiao.core.context import acting, current
from qiao.core.models import ActionLog, Unit

from . import relations
from .models import (
    Consent,
    ConsentPurpose,
    DataCategory,
    ErasureRecord,
    LegalBasis,
    RetentionFlag,
    RetentionStatus,
    Transfer,
    TransferRegion,
    TransferSource,
    UnitLocation,
)

MAINLAND = "MAINLAND"


def as_actor(user):
    """Record history and events under `user` when the caller (a test, a shell) set no actor."""
    if current().user_id is None and getattr(user, "is_authenticated", False):
        return acting(user=user, source=current().source)
    return contextlib.nullcontext()


# ---------------------------------------------------------------------------------------------------------
# Who may do what with a person's rights


def people_for(user, action: str = "view"):
    """The people `user` may `action` (view, change): consents and transfers follow the person's scope,
    shares included, exactly as the person's page does."""
    from qiao.people.models import Person

    return Person.all_objects.all().restrict(user, action)


def person_for(user, pk, action: str = "view"):
    """The person with id `pk` if `user` may `action` them; otherwise a 404 (their existence is not told)."""
    person = people_for(user, action).filter(pk=pk).first() if str(pk).isdigit() else None
    if person is None:
        raise Http404(_("No such person."))
    return person


def may_manage(user, person) -> bool:
    """Managers (and administrators) of the person's owning unit: exports in full and erasures. A share
    never grants this."""
    return scoping.may(user, "delete", person.unit_id)


def managed_person(user, pk):
    """The person `pk` for a data export or an erasure: a 404 unless `user` manages the owning unit
    (someone who may see the person but not manage them gets a 403, with the reason)."""
    person = person_for(user, pk, "view")
    if not may_manage(user, person):
        raise PermissionDenied(_("Only a manager of the person's own unit can do this."))
    return person


def is_erased(person) -> bool:
    return ErasureRecord.objects.filter(person_id=person.pk).exists()


def _check_not_erased(person) -> None:
    if is_erased(person):
        raise ValidationError(_("This person's personal data have been erased."), code="erased")


# ---------------------------------------------------------------------------------------------------------
# Consents


def consents_of(person):
    return Consent.objects.filter(person=person).order_by("-given_on", "-id")


def record_consent(user, person, *, purpose: str, given_on, method: str, purpose_other: str = "", note: str = ""):
    """Record that `person` consented to `purpose` on `given_on`: staff who may change the person."""
    errors = {}
    today = timezone.localdate()
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = _("Choose a purpose from the list.")
    elif purpose == ConsentPurpose.OTHER and not (purpose_other or "").strip():
        errors["purpose_other"] = _("Say which purpose the consent is for.")
    if given_on is None:
        errors["given_on"] = _("Give the date the consent was given.")
    elif given_on > today:
        errors["given_on"] = _("The date the consent was given cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with as_actor(user), services.writing():
        _check_person(user, person, "change")
        _check_not_erased(person)
        consent = Consent(
            person=person,
            unit_id=person.unit_id,
            purpose=purpose,
            purpose_other=(purpose_other or "").strip() if purpose == ConsentPurpose.OTHER else "",
            given_on=given_on,
            method=method,
            note=(note or "").strip(),
        )
        consent.full_clean(exclude=["unit", "person"])
        consent.save()
    return consent


def withdraw_consent(user, consent: Consent, *, on=None, note: str = "") -> Consent:
    """Mark a consent withdrawn (a change: the consent and its history stay)."""
    on = on or timezone.localdate()
    with as_actor(user), services.writing():
        stored = Consent.objects.select_for_update().get(pk=consent.pk)
        _check_person(user, stored.person, "change")
        if stored.withdrawn_on is not None:
            raise ValidationError(
                {"withdrawn_on": _("This consent was already withdrawn on %(date)s.") % {"date": stored.withdrawn_on}}
            )
        if on > timezone.localdate():
            raise ValidationError({"withdrawn_on": _("The date of withdrawal cannot be in the future.")})
        if on < stored.given_on:
            raise ValidationError({"withdrawn_on": _("The consent cannot be withdrawn before it was given.")})
        stored.withdrawn_on = on
        if note.strip():
            stored.note = (f"{stored.note}\n" if stored.note else "") + note.strip()
            stored.note = stored.note[:500]
        stored.save()
    return stored


def _check_person(user, person, action: str) -> None:
    """Re-checked inside the transaction: the person is still within `user`'s reach for `action`."""
    if not people_for(user, action).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You do not have permission to change this person."))


# ---------------------------------------------------------------------------------------------------------
# Where units are, and cross-border transfers

_NAMED = (
    ("HK", re.compile(r"香港|hong\s*kong|\bhk\b", re.I)),
    ("MO", re.compile(r"澳門|澳门|macao|macau", re.I)),
    ("TW", re.compile(r"台灣|臺灣|台湾|taiwan", re.I)),
)


def unit_region(unit) -> str:
    """MAINLAND, HK, MO, TW or OVERSEAS: the unit's own UnitLocation, else its name (香港工作站 is in Hong
    Kong), else its parent's place; a unit with none of these is on the mainland."""
    if unit is None:
        return MAINLAND
    chain = [unit, *reversed(unit.ancestors())]
    located = dict(UnitLocation.objects.filter(unit_id__in=[u.pk for u in chain]).values_list("unit_id", "region"))
    for node in chain:
        if node.pk in located:
            return located[node.pk]
        for region, pattern in _NAMED:
            if pattern.search(node.name or "") or pattern.search(node.code or ""):
                return region
    return MAINLAND


def set_unit_region(user, unit, region: str) -> UnitLocation:
    """Say where a unit is (administrators of the unit)."""
    if region not in (MAINLAND, *TransferRegion.values):
        raise ValidationError({"region": _("Choose one of MAINLAND, HK, MO, TW, OVERSEAS.")})
    if not scoping.may(user, "manage", unit.pk):
        raise PermissionDenied(_("Only an administrator of the unit can say where it is."))
    with as_actor(user):
        location, _created = UnitLocation.objects.update_or_create(unit=unit, defaults={"region": region})
        ActionLog.record("qiao.privacy.unit_located", unit, region=region)
    return location


def is_cross_border(from_unit, to_unit) -> str:
    """The destination region when data of `from_unit` going to `to_unit` leave the mainland, else ""."""
    source, target = unit_region(from_unit), unit_region(to_unit)
    if source == MAINLAND and target != MAINLAND:
        return target
    return ""


def record_transfer(
    user,
    person,
    *,
    region: str,
    purpose: str,
    legal_basis: str,
    categories=(),
    to_unit=None,
    to_text: str = "",
    date=None,
    source: str = TransferSource.MANUAL,
    note: str = "",
    check: bool = True,
) -> Transfer:
    """Add a transfer to the register. By hand: staff who may change the person; automatic ones
    (`check=False`) are written by the share and export services inside their own checks."""
    errors = {}
    if region not in TransferRegion.values:
        errors["region"] = _("Choose where the data went: Hong Kong, Macao, Taiwan or overseas.")
    if not (purpose or "").strip():
        errors["purpose"] = _("Say what the data were transferred for.")
    if legal_basis not in LegalBasis.values:
        errors["legal_basis"] = _("Choose the legal basis of the transfer.")
    categories = list(dict.fromkeys(categories or []))
    unknown = [c for c in categories if c not in DataCategory.values]
    if unknown:
        errors["categories"] = _("Unknown data category: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
    elif not categories:
        errors["categories"] = _("Choose at least one category of data.")
    if to_unit is None and not (to_text or "").strip():
        errors["to_text"] = _("Give the recipient: a unit of the network or a name.")
    date = date or timezone.localdate()
    if date > timezone.localdate():
        errors["date"] = _("The date of a transfer cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with as_actor(user), services.writing():
        if check:
            _check_person(user, person, "change")
            _check_not_erased(person)
        transfer = Transfer.objects.create(
            person=person,
            unit_id=person.unit_id,
            date=date,
            from_unit_id=person.unit_id,
            to_unit=to_unit,
            to_text=(to_text or "").strip(),
            region=region,
            purpose=purpose.strip(),
            categories=categories,
            legal_basis=legal_basis,
            source=source,
            by=user if getattr(user, "is_authenticated", False) else None,
            note=(note or "").strip(),
        )
    return transfer


def record_share_transfer(share) -> Transfer | None:
    """A person shared with a unit outside the mainland: their data now reach it (called on save)."""
    person = share.person
    region = is_cross_border(person.unit, share.unit)
    if not region:
        return None
    actor = current()
    return record_transfer(
        actor.user,
        person,
        region=region,
        purpose=_("Shared with %(unit)s") % {"unit": share.unit} + (f": {share.note}" if share.note else ""),
        legal_basis=_basis(person),
        categories=[DataCategory.ALL],
        to_unit=share.unit,
        source=TransferSource.SHARE,
        check=False,
    )


def record_export_transfer(user, person) -> list[Transfer]:
    """A user of a unit outside the mainland exported a mainland person's data: one transfer per such unit."""
    if not getattr(user, "is_authenticated", False) or unit_region(person.unit) != MAINLAND:
        return []
    made = []
    for unit in Unit.objects.filter(memberships__user=user).distinct():
        region = unit_region(unit)
        if region != MAINLAND:
            made.append(
                record_transfer(
                    user,
                    person,
                    region=region,
                    purpose=_("Export of the person's data by %(user)s") % {"user": user},
                    legal_basis=_basis(person),
                    categories=[DataCategory.ALL],
                    to_unit=unit,
                    source=TransferSource.EXPORT,
                    check=False,
                )
            )
    return made


def _basis(person) -> str:
    """Consent when the person has an active consent to cross-border transfer; otherwise to be reviewed."""
    consented = Consent.objects.filter(
        person=person, purpose=ConsentPurpose.CROSS_BORDER, withdrawn_on__isnull=True
    ).exists()
    return LegalBasis.CONSENT if consented else LegalBasis.OTHER


# ---------------------------------------------------------------------------------------------------------
# Retention


def retention_years(years=None) -> int:
    years = settings.QIAO_RETENTION_YEARS if years in (None, "") else years
    try:
        years = int(years)
    except (TypeError, ValueError):
        raise ValidationError({"years": _("Give the retention period as a whole number of years.")}) from None
    if years < 1 or years > 100:
        raise ValidationError({"years": _("The retention period must be between 1 and 100 years.")})
    return years


def _touch_date_fields(model) -> list[str]:
    """The fields telling when a linked record last changed or happened."""
    names = [f.name for f in model._meta.concrete_fields]
    return [name for name in ("updated", "date", "on", "raised_on") if name in names]


def untouched(years=None, unit=None, people=None, today: datetime.date | None = None):
    """The live, not erased people not touched for `years`: no change to them or the records about them
    (documents, participations, cases, matches, services … every model linked to Person) since."""
    from qiao.people.models import Person

    years = retention_years(years)
    today = today or timezone.localdate()
    try:
        cutoff_day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff_day = today.replace(year=today.year - years, day=28)
    cutoff = timezone.make_aware(datetime.datetime.combine(cutoff_day, datetime.time.min))
    queryset = Person.objects.all() if people is None else people
    queryset = queryset.filter(updated__lt=cutoff, merged_into__isnull=True).exclude(
        pk__in=ErasureRecord.objects.values("person_id")
    )
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    for link in relations.person_links():
        if link.model is Person:
            continue
        recent = Q()
        for name in _touch_date_fields(link.model):
            is_datetime = link.model._meta.get_field(name).get_internal_type() == "DateTimeField"
            recent |= Q(**{f"{name}__gte": cutoff if is_datetime else cutoff_day})
        if recent:
            touched = link.model._base_manager.filter(recent).values(link.field)
            queryset = queryset.exclude(pk__in=touched)
    return queryset, cutoff_day


def last_touched(ids) -> dict[int, datetime.date]:
    """{person id: the last day they or a record about them changed or happened}, a few queries per
    linked model for a thousand people at a time."""
    from qiao.people.models import Person

    ids = list(ids)
    found: dict[int, datetime.date] = {}

    def later(pk, value) -> None:
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date()
        if value and (pk not in found or value > found[pk]):
            found[pk] = value

    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        for pk, value in Person._base_manager.filter(pk__in=chunk).values_list("pk", "updated"):
            later(pk, value)
        for link in relations.person_links():
            if link.model is Person:
                continue
            for name in _touch_date_fields(link.model):
                rows = (
                    link.model._base_manager.filter(**{f"{link.field}__in": chunk})
                    .values(link.field)
                    .annotate(last=Max(name))
                    .values_list(link.field, "last")
                )
                for pk, value in rows:
                    later(pk, value)
    return found


def flag_untouched(user, years=None, unit=None) -> list[RetentionFlag]:
    """Flag for review the people not touched for `years` that `user` manages and that have no open flag."""
    years = retention_years(years)
    people, _cutoff = untouched(years, unit, people_for(user, "view").filter(deleted_at__isnull=True))
    managed = scoping.unit_ids(user, "delete")
    if managed is not scoping.ALL:
        people = people.filter(unit_id__in=managed)
    cutoff = timezone.make_aware(datetime.datetime.combine(_cutoff, datetime.time.min))
    decided = RetentionFlag.objects.filter(Q(status=RetentionStatus.OPEN) | Q(decided_at__gte=cutoff))
    people = people.exclude(pk__in=decided.values("person_id"))  # kept within the period: not asked again
    rows = list(people.order_by("pk").values_list("pk", "unit_id"))
    touched = last_touched(pk for pk, _unit in rows)
    with as_actor(user), services.writing():
        flags = RetentionFlag.objects.bulk_create(
            RetentionFlag(person_id=pk, unit_id=unit_id, years=years, last_touched=touched.get(pk))
            for pk, unit_id in rows
        )
        ActionLog.record("qiao.privacy.retention_flagged", None, years=years, people=len(flags))
    return flags


def keep_flagged(user, flag: RetentionFlag, note: str) -> RetentionFlag:
    """A manager decided to keep a flagged person's data: why, and the flag is closed."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the person's data are kept.")})
    with as_actor(user), services.writing():
        stored = RetentionFlag.objects.select_for_update().get(pk=flag.pk)
        if not may_manage(user, stored.person):
            raise PermissionDenied(_("Only a manager of the person's own unit can do this."))
        if stored.status != RetentionStatus.OPEN:
            raise ValidationError({"note": _("This flag was already decided.")})
        stored.status = RetentionStatus.KEPT
        stored.note = note.strip()[:500]
        stored.decided_by = user
        stored.decided_at = timezone.now()
        stored.save()
        ActionLog.record("qiao.privacy.retention_kept", stored.person, flag=stored.pk)
    return stored
