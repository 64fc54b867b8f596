"""Rules for the contact log (interactions) and key contacts.

Interactions
- An interaction is one contact (call, visit 走访, meeting, message, letter, conversation at an
  event) with **at least one person or organisation**, each one the user may see. It needs a kind, a
  moment (`occurred_at`) and a summary. `occurred_at` is never in the future (five minutes of clock
  skew aside) nor before 1980. `occurred_on` is the local day of `occurred_at` in the time zone of
  whoever logged it (User.time_zone, else the server's): 23:30 in Hong Kong stays that day even when
  the server runs on UTC.
- A follow-up date needs a follow-up text and is not before the day of the contact. Marking the
  follow-up done records the user's local day.
- Our side (`staff`) are users the logging user may see; the activity and the agreement are ones the
  user may see.
- Deleting is soft (managers and above); a deleted interaction no longer counts for any key contact;
  restoring it counts again.

Key contacts
- A person or an organisation is a key contact (重点联系人/单位) of one unit, at most once at a time
  per unit (per unit and kind for organisations). Kind "liaison" (一对一挂点联系) is for
  organisations only. `cadence_days` is at least 1 and at most 3650. The responsible person must be
  an active user who may change records of the key contact's unit.
- **Cadence.** For an active key contact of unit U and party P: `last_contact_on` is the latest
  `occurred_on` of the live interactions with P owned by U or a unit below U (Unit.path prefix);
  `due_on` = (`last_contact_on` or `since`) + `cadence_days`. Both are computed again from scratch
  after every write that can change them (logging, editing, deleting or restoring an interaction,
  changing the cadence or `since`), so an interaction logged late for an old day never moves
  `last_contact_on` backwards, and deleting the latest one moves it back to the one before.
- **Overdue**: `due_on` < the local today of whoever looks (on the home page: the responsible
  person's). Reassigning the responsible person leaves `due_on` as it is. Ending a key contact keeps
  it (with its history) but it is no longer checked.

Figures: `interaction_figures()` and `key_contact_figures()` (definitions in their docstrings).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from qiao.activities.models import Activity
from qiao.core import scoping, services
from qiao.core.days import local_today, user_zone
from qiao.core.models import Unit, User
from qiao.orgs.models import Organization
from qiao.people.models import Person

from .models import Interaction, InteractionKind, KeyContact, KeyContactKind

FLOOR = datetime.date(1980, 1, 1)
SKEW = datetime.timedelta(minutes=5)  # a phone's clock a little ahead is not "the future"
MAX_CADENCE = 3650
KEEP = object()


def _label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def local_day(moment: datetime.datetime, user) -> datetime.date:
    """The day `moment` falls on for `user` (their time zone, else the server's)."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, user_zone(user))
    return moment.astimezone(user_zone(user)).date()


# ---------------------------------------------------------------- the cadence


def overdue_q(today: datetime.date) -> Q:
    """Active key contacts whose next contact was due before `today`."""
    return Q(ended_on__isnull=True, due_on__lt=today)


def _compute(key_contact: KeyContact) -> tuple[datetime.date | None, datetime.date]:
    unit_path = key_contact.unit.path
    interactions = Interaction.objects.filter(unit__path__startswith=unit_path)
    if key_contact.person_id:
        interactions = interactions.filter(people=key_contact.person_id)
    else:
        interactions = interactions.filter(organizations=key_contact.organization_id)
    last = interactions.order_by().aggregate(last=Max("occurred_on"))["last"]
    return last, (last or key_contact.since) + datetime.timedelta(days=key_contact.cadence_days)


def refresh(key_contacts) -> int:
    """Compute `last_contact_on` and `due_on` again from scratch for the given key contacts (a
    queryset or list); save those that changed. Returns how many changed."""
    changed = 0
    for key_contact in key_contacts:
        last, due = _compute(key_contact)
        if (last, due) != (key_contact.last_contact_on, key_contact.due_on):
            key_contact.last_contact_on, key_contact.due_on = last, due
            key_contact.save(update_fields=["last_contact_on", "due_on", "updated"])
            changed += 1
    return changed


def refresh_parties(person_ids=(), organization_ids=()) -> int:
    """Refresh every active key contact of these people and organisations."""
    person_ids, organization_ids = set(person_ids), set(organization_ids)
    if not person_ids and not organization_ids:
        return 0
    found = KeyContact.objects.filter(ended_on__isnull=True).filter(
        Q(person_id__in=person_ids) | Q(organization_id__in=organization_ids)
    )
    return refresh(found.select_related("unit").select_for_update())


def _parties(interaction: Interaction) -> tuple[set, set]:
    if interaction.pk is None:
        return set(), set()
    return (
        set(interaction.people.values_list("pk", flat=True)),
        set(interaction.organizations.values_list("pk", flat=True)),
    )


# ---------------------------------------------------------------- interactions


def _ids(values) -> list[int]:
    return [getattr(value, "pk", value) for value in (values or [])]


def _check_visible(user, model, ids, known, field: str, message: str) -> None:
    new = set(ids) - set(known)
    if new and model.objects.restrict(user).filter(pk__in=new).count() != len(new):
        raise ValidationError({field: message})


def _check_interaction(user, interaction: Interaction, people, organizations, stored) -> None:
    errors = {}
    if interaction.kind not in InteractionKind.values:
        errors["kind"] = _("%(field)s: choose a kind.") % {"field": _label(Interaction, "kind")}
    interaction.summary = (interaction.summary or "").strip()
    if not interaction.summary:
        errors["summary"] = _("%(field)s: say what was discussed.") % {"field": _label(Interaction, "summary")}
    if not people and not organizations:
        errors["people"] = _("Choose at least one person or organisation the contact was with.")
    moment = interaction.occurred_at
    if not isinstance(moment, datetime.datetime):
        errors["occurred_at"] = _("%(field)s: enter the date and time of the contact.") % {
            "field": _label(Interaction, "occurred_at")
        }
    else:
        if timezone.is_naive(moment):
            moment = interaction.occurred_at = timezone.make_aware(moment, user_zone(user))
        if moment > timezone.now() + SKEW:
            errors["occurred_at"] = _("%(field)s: the contact cannot be in the future.") % {
                "field": _label(Interaction, "occurred_at")
            }
        elif moment.date() < FLOOR:
            errors["occurred_at"] = _("%(field)s: %(date)s is before 1980; check the year.") % {
                "field": _label(Interaction, "occurred_at"),
                "date": moment.date().isoformat(),
            }
    interaction.follow_up = (interaction.follow_up or "").strip()
    if interaction.follow_up_on is not None:
        if not interaction.follow_up:
            errors["follow_up"] = _("%(field)s: say what is to be done by %(date)s.") % {
                "field": _label(Interaction, "follow_up"),
                "date": interaction.follow_up_on.isoformat(),
            }
        elif "occurred_at" not in errors and interaction.follow_up_on < local_day(moment, user):
            errors["follow_up_on"] = _("%(field)s: the follow-up date is before the day of the contact.") % {
                "field": _label(Interaction, "follow_up_on")
            }
    if errors:
        raise ValidationError(errors)


def _check_links(user, interaction: Interaction, people, organizations, staff, stored) -> None:
    known_people, known_orgs = _parties(stored) if stored is not None else (set(), set())
    _check_visible(user, Person, people, known_people, "people", _("Choose people you may see."))
    _check_visible(
        user, Organization, organizations, known_orgs, "organizations", _("Choose organisations you may see.")
    )
    known_staff = set(stored.staff.values_list("pk", flat=True)) if stored is not None else set()
    _check_visible(user, User, staff, known_staff, "staff", _("Choose colleagues you may see."))

    def changed(name):
        return stored is None or getattr(stored, f"{name}_id") != getattr(interaction, f"{name}_id")

    from qiao.agreements.models import Agreement

    for name, model, message in (
        ("activity", Activity, _("Choose an activity you may see.")),
        ("agreement", Agreement, _("Choose an agreement you may see.")),
    ):
        value = getattr(interaction, f"{name}_id")
        if value is not None and changed(name) and not model.objects.restrict(user).filter(pk=value).exists():
            raise ValidationError({name: message})


def save_interaction(user, interaction: Interaction, *, people=KEEP, organizations=KEEP, staff=KEEP) -> Interaction:
    """Log a contact (new `interaction`) or correct one, with the people, organisations and our staff
    (lists of records or ids; KEEP leaves an edited interaction's as they are; a new one defaults to
    none, and to the logging user for `staff`). Key contacts of every party before and after are
    computed again."""
    new = interaction.pk is None
    with services.writing():
        stored = None
        if not new:
            stored = Interaction.objects.restrict(user, "change").select_for_update().filter(pk=interaction.pk).first()
            if stored is None:
                raise PermissionDenied(_("You may not change this interaction."))
        before_people, before_orgs = _parties(stored) if stored is not None else (set(), set())
        if people is KEEP:
            people = list(before_people)
        if organizations is KEEP:
            organizations = list(before_orgs)
        if staff is KEEP:
            staff = list(stored.staff.values_list("pk", flat=True)) if stored is not None else [user.pk]
        people, organizations, staff = _ids(people), _ids(organizations), _ids(staff)
        _check_interaction(user, interaction, people, organizations, stored)
        _check_links(user, interaction, people, organizations, staff, stored)
        if new:
            interaction.logged_by = user
        else:
            interaction.logged_by_id = stored.logged_by_id
            interaction.deleted_at, interaction.deleted_by_id = stored.deleted_at, stored.deleted_by_id
        logger = interaction.logged_by if interaction.logged_by_id else user
        interaction.occurred_on = local_day(interaction.occurred_at, logger)
        if interaction.follow_up_on is None and not interaction.follow_up:
            interaction.follow_up_done_on = None
        services.save(user, interaction, m2m={"people": people, "organizations": organizations, "staff": staff})
        refresh_parties(before_people | set(people), before_orgs | set(organizations))
    return interaction


def log_interaction(user, *, unit, kind, occurred_at, summary, people=(), organizations=(), staff=None, **fields):
    """Shortcut: log a new contact from plain values (the demo, the synthesiser, tests)."""
    interaction = Interaction(unit=unit, kind=kind, occurred_at=occurred_at, summary=summary, **fields)
    return save_interaction(
        user,
        interaction,
        people=list(people),
        organizations=list(organizations),
        staff=KEEP if staff is None else list(staff),
    )


def delete_interaction(user, interaction: Interaction) -> None:
    """Soft-delete (managers and above); the key contacts of its parties are computed again."""
    with services.writing():
        people, orgs = _parties(interaction)
        services.delete(user, interaction)
        refresh_parties(people, orgs)


def restore_interaction(user, interaction: Interaction) -> None:
    with services.writing():
        services.restore(user, interaction)
        people, orgs = _parties(interaction)
        refresh_parties(people, orgs)


def follow_up_done(user, interaction: Interaction, *, on=None, done: bool = True) -> Interaction:
    """Mark the follow-up done on `on` (default the user's today), or not done again."""
    with services.writing():
        stored = Interaction.objects.restrict(user, "change").select_for_update().filter(pk=interaction.pk).first()
        if stored is None:
            raise PermissionDenied(_("You may not change this interaction."))
        if done:
            if not stored.follow_up and stored.follow_up_on is None:
                raise ValidationError({"follow_up": _("This interaction has no follow-up to mark done.")})
            on = on or local_today(user)
            if on > local_today(user):
                raise ValidationError({"follow_up_done_on": _("The follow-up cannot be done in the future.")})
            if on < stored.occurred_on:
                raise ValidationError(
                    {"follow_up_done_on": _("The follow-up cannot be done before the contact itself.")}
                )
            stored.follow_up_done_on = on
        else:
            stored.follow_up_done_on = None
        services.save(user, stored)
    return stored


def follow_ups_due(user, until: datetime.date, first: int | None = None):
    """Open follow-ups due by `until` of interactions the user logged or took part in; with `first`,
    only the `first` due soonest. Each side is read from its own index (the open follow-ups by who
    logged them; the user's links to interactions), so the cost does not grow with the contact log."""
    open_ = Interaction.objects.restrict(user).filter(
        follow_up_done_on__isnull=True, follow_up_on__isnull=False, follow_up_on__lte=until
    )
    if first is None:
        links = Interaction.staff.through.objects.filter(user=user).values("interaction_id")
        return open_.filter(Q(logged_by=user) | Q(pk__in=links))
    soonest = ("follow_up_on", "id")
    ids = set(open_.filter(logged_by=user).order_by(*soonest).values_list("pk", flat=True)[:first])
    with_me = open_.filter(staff=user).order_by(*soonest).values_list("pk", flat=True)[:first]
    return open_.filter(pk__in=ids | set(with_me))


# ---------------------------------------------------------------- key contacts


def may_be_responsible(user: User, unit: Unit) -> bool:
    return bool(user and user.is_active) and scoping.may(user, "change", unit.pk)


def _check_key_contact(user, key_contact: KeyContact, stored: KeyContact | None) -> None:
    errors = {}
    if key_contact.kind not in KeyContactKind.values:
        errors["kind"] = _("%(field)s: choose a kind.") % {"field": _label(KeyContact, "kind")}
    if key_contact.person_id and key_contact.organization_id:
        errors["person"] = _("A key contact is either a person or an organisation, not both.")
    elif not key_contact.person_id and not key_contact.organization_id:
        errors["person"] = _("Choose the person or the organisation to keep in touch with.")
    elif key_contact.kind == KeyContactKind.LIAISON and not key_contact.organization_id:
        errors["kind"] = _(
            "A one-to-one liaison (一对一挂点联系) is for an organisation (an enterprise), not a person."
        )
    cadence = key_contact.cadence_days
    if not isinstance(cadence, int) or isinstance(cadence, bool) or cadence < 1:
        errors["cadence_days"] = _("%(field)s: enter a number of days of at least 1 (for example 90).") % {
            "field": _label(KeyContact, "cadence_days")
        }
    elif cadence > MAX_CADENCE:
        errors["cadence_days"] = _("%(field)s: at most %(max)d days (ten years).") % {
            "field": _label(KeyContact, "cadence_days"),
            "max": MAX_CADENCE,
        }
    if key_contact.responsible_id is None:
        errors["responsible"] = _("Choose who is responsible for keeping in touch.")
    if key_contact.since is None:
        key_contact.since = local_today(user)
    elif not isinstance(key_contact.since, datetime.date):
        errors["since"] = _("%(field)s: enter a date.") % {"field": _label(KeyContact, "since")}
    elif key_contact.since > local_today(user):
        errors["since"] = _("%(field)s: the date is in the future.") % {"field": _label(KeyContact, "since")}
    elif key_contact.since < FLOOR:
        errors["since"] = _("%(field)s: the date is before 1980; check the year.") % {
            "field": _label(KeyContact, "since")
        }
    key_contact.reason = (key_contact.reason or "").strip()
    if errors:
        raise ValidationError(errors)


def _check_key_links(user, key_contact: KeyContact, stored: KeyContact | None) -> None:
    if stored is not None:
        if (key_contact.person_id, key_contact.organization_id) != (stored.person_id, stored.organization_id):
            raise ValidationError({"person": _("The party of a key contact does not change: end it and mark another.")})
        if key_contact.unit_id != stored.unit_id:
            raise ValidationError(
                {"unit": _("A key contact stays with its unit: end it and mark it in the other unit.")}
            )
    else:
        if key_contact.person_id and not Person.objects.restrict(user).filter(pk=key_contact.person_id).exists():
            raise ValidationError({"person": _("Choose a person you may see.")})
        if (
            key_contact.organization_id
            and not Organization.objects.restrict(user).filter(pk=key_contact.organization_id).exists()
        ):
            raise ValidationError({"organization": _("Choose an organisation you may see.")})
    unit = Unit.objects.get(pk=key_contact.unit_id)
    responsible = User.objects.filter(pk=key_contact.responsible_id).first()
    changed = stored is None or stored.responsible_id != key_contact.responsible_id
    if changed and not may_be_responsible(responsible, unit):
        raise ValidationError(
            {
                "responsible": _("%(name)s may not change records of %(unit)s: choose a staff member of that unit.")
                % {"name": responsible, "unit": unit}
            }
        )
    if key_contact.ended_on is None:
        twins = KeyContact.objects.filter(unit_id=key_contact.unit_id, ended_on__isnull=True)
        if key_contact.person_id:
            twins = twins.filter(person_id=key_contact.person_id)
        else:
            twins = twins.filter(organization_id=key_contact.organization_id, kind=key_contact.kind)
        if stored is not None:
            twins = twins.exclude(pk=stored.pk)
        if twins.exists():
            raise ValidationError(
                {
                    "person" if key_contact.person_id else "organization": _(
                        "%(party)s is already a key contact of %(unit)s."
                    )
                    % {"party": key_contact.party, "unit": unit}
                }
            )


def _notify(user: User, key_contact: KeyContact) -> None:
    """Tell the new responsible person (qiao.notifications: once per key contact and person)."""
    from qiao.notifications.scan import notify_assigned

    notify_assigned(user, key_contact)


def save_key_contact(user, key_contact: KeyContact) -> KeyContact:
    """Mark a key contact (new) or change one (cadence, responsible, since, kind, reason). `due_on` is
    computed again; a new responsible person leaves it as it is, and is told."""
    with services.writing():
        stored = None
        if key_contact.pk is not None:
            stored = KeyContact.objects.restrict(user, "change").select_for_update().filter(pk=key_contact.pk).first()
            if stored is None:
                raise PermissionDenied(_("You may not change this key contact."))
            key_contact.ended_on = stored.ended_on
        if key_contact.unit_id is None:
            raise ValidationError({"unit": _("Choose the unit that keeps in touch.")})
        if stored is None and not scoping.may(user, "add", key_contact.unit_id):
            raise PermissionDenied(_("You may not keep records for this unit."))
        _check_key_contact(user, key_contact, stored)
        _check_key_links(user, key_contact, stored)
        key_contact.last_contact_on, key_contact.due_on = _compute(key_contact)
        services.save(user, key_contact)
        if stored is not None and stored.responsible_id != key_contact.responsible_id:
            _notify(key_contact.responsible, key_contact)
    return key_contact


def mark_key_contact(
    user, *, unit, responsible, person=None, organization=None, kind=KeyContactKind.KEY, cadence_days=90, since=None,
    reason="",
) -> KeyContact:  # fmt: skip
    return save_key_contact(
        user,
        KeyContact(
            unit=unit,
            person=person,
            organization=organization,
            kind=kind,
            cadence_days=cadence_days,
            responsible=responsible,
            since=since,
            reason=reason,
        ),
    )


def _locked_key_contact(user, key_contact: KeyContact) -> KeyContact:
    stored = (
        KeyContact.objects.restrict(user, "change")
        .select_for_update()
        .select_related("unit")
        .filter(pk=key_contact.pk)
        .first()
    )
    if stored is None:
        raise PermissionDenied(_("You may not change this key contact."))
    return stored


def change_cadence(user, key_contact: KeyContact, cadence_days) -> KeyContact:
    with services.writing():
        stored = _locked_key_contact(user, key_contact)
        stored.cadence_days = cadence_days
        return save_key_contact(user, stored)


def reassign(user, key_contact: KeyContact, responsible: User) -> KeyContact:
    """Give the key contact to another responsible person; `due_on` stays as it is."""
    with services.writing():
        stored = _locked_key_contact(user, key_contact)
        stored.responsible = responsible
        return save_key_contact(user, stored)


def end_key_contact(user, key_contact: KeyContact, *, on=None, reason: str = "") -> KeyContact:
    """Stop keeping in touch on purpose: the key contact is kept, ended on `on` (default today)."""
    with services.writing():
        stored = _locked_key_contact(user, key_contact)
        if stored.ended_on is not None:
            raise ValidationError({"ended_on": _("This key contact has already ended.")})
        on = on or local_today(user)
        if on > local_today(user):
            raise ValidationError(
                {"ended_on": _("%(field)s: the date is in the future.") % {"field": _label(KeyContact, "ended_on")}}
            )
        if on < stored.since:
            raise ValidationError({"ended_on": _("A key contact cannot end before it started.")})
        stored.ended_on = on
        reason = (reason or "").strip()
        if reason:
            stored.reason = (f"{stored.reason}\n{reason}" if stored.reason else reason)[:300]
        services.save(user, stored)
    return stored


# ---------------------------------------------------------------- figures


def interaction_figures(queryset) -> dict:
    """Figures of a set of interactions (deleted ones are never in it), in the database:

    - `count`: interactions in the set;
    - `by_kind`: {kind code: interactions of that kind}, every kind listed (0 when none);
    - `people`: distinct people contacted in the set (a person in three interactions counts once);
    - `organizations`: distinct organisations contacted in the set;
    - `follow_ups_open`: interactions with a follow-up date not yet marked done.
    """
    base = queryset.order_by()
    ids = base.values("pk")
    once = bool(base.query.distinct)  # filtered through a many-to-many link: count each interaction once
    figures = base.aggregate(
        count=Count("pk", distinct=once),
        follow_ups_open=Count(
            "pk", distinct=once, filter=Q(follow_up_on__isnull=False, follow_up_done_on__isnull=True)
        ),
    )
    kinds = dict(base.values_list("kind").annotate(n=Count("pk", distinct=once)).values_list("kind", "n"))
    figures["by_kind"] = {code: kinds.get(code, 0) for code in InteractionKind.values}
    through_people = Interaction.people.through.objects.filter(interaction_id__in=ids)
    through_orgs = Interaction.organizations.through.objects.filter(interaction_id__in=ids)
    figures["people"] = through_people.aggregate(n=Count("person_id", distinct=True))["n"]
    figures["organizations"] = through_orgs.aggregate(n=Count("organization_id", distinct=True))["n"]
    return figures


def key_contact_figures(queryset, today: datetime.date) -> dict:
    """Figures of a set of key contacts, at the local day `today` of whoever reads them:

    - `active`: key contacts not ended;
    - `overdue`: active ones whose `due_on` is before `today` (the cadence has lapsed);
    - `due_today`: active ones due exactly `today` (not yet overdue);
    - `liaisons`: active one-to-one liaisons (kind "liaison");
    - `ended`: key contacts ended;
    - `by_unit`: [{unit, unit_name, active, overdue}] per owning unit with active key contacts,
      in the order of the unit tree.
    """
    base = queryset.order_by()
    active = Q(ended_on__isnull=True)
    figures = base.aggregate(
        active=Count("pk", filter=active),
        overdue=Count("pk", filter=overdue_q(today)),
        due_today=Count("pk", filter=active & Q(due_on=today)),
        liaisons=Count("pk", filter=active & Q(kind=KeyContactKind.LIAISON)),
        ended=Count("pk", filter=Q(ended_on__isnull=False)),
    )
    rows = (
        base.filter(active)
        .values("unit", "unit__name", "unit__path")
        .annotate(active=Count("pk"), overdue=Count("pk", filter=overdue_q(today)))
        .order_by("unit__path")
    )
    figures["by_unit"] = [
        {"unit": row["unit"], "unit_name": row["unit__name"], "active": row["active"], "overdue": row["overdue"]}
        for row in rows
    ]
    return figures
