"""Rules for suggestions and proposals (建言献策) and the public roles of the people who make them.
Views, the API, the demo and imports all write through these functions; each is one transaction
that re-checks the user's scope inside it.

Proposals
- **Authors**: at least one. Every author the user names must be a person the user may see (through
  the owning unit or a share). On an update, authors the user cannot see are kept as they are: a
  user edits what they see and never silently removes a co-author of another unit.
- **Dates**: `submitted_on` is required, never in the future (the user's local day,
  qiao/core/days.py) and not before 1949-01-01 (a typo, not history).
- **Outcome** (models.Outcome, in order: submitted → adopted → endorsed by leaders). Each later
  outcome implies the earlier ones: an endorsed proposal counts as adopted too.
  - submitted: no adoption or endorsement date (a date without its outcome is refused, naming it);
  - adopted: needs `adopted_on`, on or after `submitted_on`, not in the future;
  - endorsed: needs `endorsed_on`, on or after `submitted_on`, not in the future. It is adopted too:
    `adopted_on` defaults to `endorsed_on` when not given, and must not be after `endorsed_on`.
  `set_outcome()` moves a proposal to any outcome (forward, or back to correct a mistake); going
  back clears the dates of the outcomes it leaves, and dates not given keep their stored values.
- **Deleting** is soft (managers); `restore()` brings a proposal back.

Public roles (deputy to a people's congress, CPPCC member, director of an association …)
- Kept on the person: adding, editing or deleting one needs the right to change that person (the
  owning unit with a staff role, or a share with "change" access), checked on the locked person row.
- `body` is required; the term (`starts_on`, `ends_on`) is optional at both ends, and when both are
  given the term cannot end before it starts. A term may end in the future (a term in office).
- `current(roles, on)`: the roles held on a day: begun on or before it (or no start) and not ended
  before it (or no end).

Figures: `figures()` for proposals and `role_figures()` for public roles (definitions in their
docstrings), computed by the database.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from qiao.core import history, services
from qiao.core.days import local_today
from qiao.people.models import Person

from .models import Channel, Outcome, Proposal, PublicRole, PublicRoleKind

FLOOR = datetime.date(1949, 1, 1)
ADOPTED_OR_LATER = [Outcome.ADOPTED, Outcome.ENDORSED]
KEEP = object()  # set_outcome(): leave this value as it is


def _label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _date(value, field: str, model=Proposal) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if not isinstance(value, datetime.date):
        raise ValidationError({field: _("%(field)s: enter a date.") % {"field": _label(model, field)}})
    if value < FLOOR:
        raise ValidationError(
            {
                field: _("%(field)s: %(date)s is before %(floor)s; check the year.")
                % {"field": _label(model, field), "date": value.isoformat(), "floor": FLOOR.isoformat()}
            }  # fmt: skip
        )
    return value


def _not_future(user, value: datetime.date, field: str) -> datetime.date:
    today = local_today(user)
    if value > today:
        raise ValidationError(
            {
                field: _("%(field)s: %(date)s is in the future (today is %(today)s).")
                % {"field": _label(Proposal, field), "date": value.isoformat(), "today": today.isoformat()}
            }  # fmt: skip
        )
    return value


# ---------------------------------------------------------------- proposals


def check_outcome(user, proposal: Proposal) -> None:
    """Check (and complete) the outcome and its dates of an unsaved proposal, by the rules above."""
    outcome = proposal.outcome or Outcome.SUBMITTED
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Unknown outcome “%(value)s”.") % {"value": str(outcome)[:40]}})
    proposal.outcome = outcome
    submitted = proposal.submitted_on
    if outcome == Outcome.SUBMITTED:
        for field in ("adopted_on", "endorsed_on"):
            if getattr(proposal, field) is not None:
                raise ValidationError(
                    {
                        field: _(
                            "%(field)s: a proposal that is only submitted has no such date. Set the outcome, or "
                            "clear the date."
                        )
                        % {"field": _label(Proposal, field)}
                    }  # fmt: skip
                )
        return
    if outcome == Outcome.ENDORSED:
        if proposal.endorsed_on is None:
            raise ValidationError({"endorsed_on": _("An endorsed proposal needs the date of the endorsement.")})
        proposal.endorsed_on = _not_future(user, _date(proposal.endorsed_on, "endorsed_on"), "endorsed_on")
        if submitted is not None and proposal.endorsed_on < submitted:
            raise ValidationError(
                {
                    "endorsed_on": _("Endorsed on (%(date)s) is before the proposal was submitted (%(submitted)s).")
                    % {"date": proposal.endorsed_on.isoformat(), "submitted": submitted.isoformat()}
                }  # fmt: skip
            )
        if proposal.adopted_on is None:
            proposal.adopted_on = proposal.endorsed_on
    else:
        if proposal.endorsed_on is not None:
            raise ValidationError(
                {
                    "endorsed_on": _(
                        "Endorsed on: only a proposal endorsed by leaders has this date. Set the outcome to "
                        "“%(endorsed)s”, or clear the date."
                    )
                    % {"endorsed": Outcome.ENDORSED.label}
                }  # fmt: skip
            )
        if proposal.adopted_on is None:
            raise ValidationError({"adopted_on": _("An adopted proposal needs the date of its adoption.")})
    proposal.adopted_on = _not_future(user, _date(proposal.adopted_on, "adopted_on"), "adopted_on")
    if submitted is not None and proposal.adopted_on < submitted:
        raise ValidationError(
            {
                "adopted_on": _("Adopted on (%(date)s) is before the proposal was submitted (%(submitted)s).")
                % {"date": proposal.adopted_on.isoformat(), "submitted": submitted.isoformat()}
            }  # fmt: skip
        )
    if outcome == Outcome.ENDORSED and proposal.adopted_on > proposal.endorsed_on:
        raise ValidationError(
            {
                "adopted_on": _(
                    "Adopted on (%(adopted)s) is after the endorsement (%(endorsed)s): an endorsed proposal "
                    "is adopted by then at the latest."
                )
                % {"adopted": proposal.adopted_on.isoformat(), "endorsed": proposal.endorsed_on.isoformat()}
            }  # fmt: skip
        )


def _clean(user, proposal: Proposal, stored_on: datetime.date | None = None) -> None:
    """Check and tidy a proposal; `stored_on` is its stored submission day (a day that does not change
    is not checked against the user's today again: another user may live in an earlier time zone)."""
    proposal.title = (proposal.title or "").strip()
    if not proposal.title:
        raise ValidationError({"title": _("Give the topic of the proposal.")})
    if len(proposal.title) > 300:
        raise ValidationError({"title": _("The topic is too long: at most 300 characters.")})
    if proposal.channel not in Channel.values:
        raise ValidationError({"channel": _("Choose the channel: proposal, motion, report or letter.")})
    if proposal.submitted_on is None:
        raise ValidationError({"submitted_on": _("Give the day the proposal was submitted.")})
    proposal.submitted_on = _date(proposal.submitted_on, "submitted_on")
    if proposal.submitted_on != stored_on:
        _not_future(user, proposal.submitted_on, "submitted_on")
    proposal.venue = (proposal.venue or "").strip()
    proposal.summary = (proposal.summary or "").strip()
    proposal.outcome_note = (proposal.outcome_note or "").strip()
    if len(proposal.venue) > 200:
        raise ValidationError({"venue": _("At most 200 characters.")})
    if len(proposal.outcome_note) > 300:
        raise ValidationError({"outcome_note": _("At most 300 characters.")})
    if proposal.unit_id is None:
        raise ValidationError({"unit": _("Choose the owning unit.")})
    check_outcome(user, proposal)


def _authors(user, proposal: Proposal, authors) -> list[int]:
    """The ids of the authors to keep: those named (each visible to the user) and, on an update, those
    already there that the user cannot see."""
    ids = []
    for author in authors or []:
        pk = getattr(author, "pk", author)
        if pk not in ids:
            ids.append(pk)
    visible = set(Person.objects.restrict(user).filter(pk__in=ids).values_list("pk", flat=True))
    unknown = [pk for pk in ids if pk not in visible]
    if unknown:
        raise ValidationError({"authors": _("Choose authors among the people you may see.")})
    hidden = []
    if proposal.pk is not None:
        stored = Proposal.authors.through.objects.filter(proposal_id=proposal.pk).values_list("person_id", flat=True)
        seen = set(Person.objects.restrict(user).filter(pk__in=stored).values_list("pk", flat=True))
        hidden = [pk for pk in stored if pk not in seen and pk not in ids]
    if not ids and not hidden:
        raise ValidationError({"authors": _("A proposal needs at least one author.")})
    return ids + hidden


def save_proposal(user, proposal: Proposal, *, authors=None) -> Proposal:
    """Create or update a proposal with its authors (people or ids), all or nothing. `authors=None`
    on an update keeps the authors as they are; on a create it is refused (at least one author)."""
    with services.writing():
        stored_on = None
        if proposal.pk is not None:
            stored_on = Proposal.objects.filter(pk=proposal.pk).values_list("submitted_on", flat=True).first()
        _clean(user, proposal, stored_on)
        if authors is None and proposal.pk is not None:
            return services.save(user, proposal)
        keep = _authors(user, proposal, authors)
        return services.save(user, proposal, m2m={"authors": keep})


def set_outcome(user, proposal: Proposal, outcome: str, *, adopted_on=KEEP, endorsed_on=KEEP, note=KEEP) -> Proposal:
    """Change a proposal's outcome with its dates (values not given keep their stored values; going
    back to an earlier outcome clears the later dates)."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Unknown outcome “%(value)s”.") % {"value": str(outcome)[:40]}})
    with services.writing():
        stored = Proposal.objects.restrict(user, "change").select_for_update().filter(pk=proposal.pk).first()
        if stored is None:
            raise PermissionDenied(_("You may not change this proposal."))
        if adopted_on is not KEEP:
            stored.adopted_on = adopted_on
        if endorsed_on is not KEEP:
            stored.endorsed_on = endorsed_on
        if note is not KEEP:
            stored.outcome_note = (note or "").strip()
        if outcome == Outcome.SUBMITTED:
            if adopted_on is KEEP:
                stored.adopted_on = None
            if endorsed_on is KEEP:
                stored.endorsed_on = None
        elif outcome == Outcome.ADOPTED and endorsed_on is KEEP:
            stored.endorsed_on = None
        stored.outcome = outcome
        _clean(user, stored, stored.submitted_on)
        return services.save(user, stored)


def delete_proposal(user, proposal: Proposal) -> None:
    services.delete(user, proposal)


def restore_proposal(user, proposal: Proposal) -> None:
    services.restore(user, proposal)


# ---------------------------------------------------------------- public roles


def _person_for_change(user, person_id) -> Person:
    person = Person.objects.restrict(user, "change").select_for_update().filter(pk=person_id).first()
    if person is None:
        raise PermissionDenied(_("You may not change this person's public roles."))
    return person


def _clean_role(role: PublicRole) -> None:
    if role.kind not in PublicRoleKind.values:
        raise ValidationError({"kind": _("Choose the kind of public role.")})
    role.body = (role.body or "").strip()
    role.title = (role.title or "").strip()
    if not role.body:
        raise ValidationError({"body": _("Give the body: the congress, the conference or the association.")})
    if len(role.body) > 200:
        raise ValidationError({"body": _("At most 200 characters.")})
    if len(role.title) > 100:
        raise ValidationError({"title": _("At most 100 characters.")})
    for field in ("starts_on", "ends_on"):
        value = getattr(role, field)
        if value is not None:
            setattr(role, field, _date(value, field, PublicRole))
    if role.starts_on and role.ends_on and role.ends_on < role.starts_on:
        raise ValidationError(
            {
                "ends_on": _("The term ends (%(end)s) before it starts (%(start)s).")
                % {"end": role.ends_on.isoformat(), "start": role.starts_on.isoformat()}
            }  # fmt: skip
        )


def save_role(user, role: PublicRole) -> PublicRole:
    """Add or edit a public role of a person the user may change."""
    with services.writing():
        if role.person_id is None:
            raise ValidationError({"person": _("Choose the person.")})
        if role.pk is not None:
            stored = PublicRole.objects.filter(pk=role.pk).values_list("person_id", flat=True).first()
            if stored is None:
                raise PermissionDenied(_("You may not change this person's public roles."))
            if stored != role.person_id:
                raise ValidationError({"person": _("A public role stays with its person; add a new one instead.")})
        _person_for_change(user, role.person_id)
        _clean_role(role)
        role.save()
    return role


def delete_role(user, role: PublicRole) -> None:
    with services.writing():
        stored = PublicRole.objects.filter(pk=role.pk).first()
        if stored is None:
            return
        person = _person_for_change(user, stored.person_id)
        history.touch(person)
        stored.delete()


def current(roles, on: datetime.date):
    """The roles of `roles` held on the day `on` (see the module's docstring)."""
    return roles.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=on), Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def _held_at_submission(kind: str | None = None):
    """An Exists() on the authors table: the author held a role (of `kind`) on the proposal's day."""
    roles = PublicRole.objects.filter(person=OuterRef("person_id")).filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=OuterRef("proposal__submitted_on")),
        Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("proposal__submitted_on")),
    )
    if kind:
        roles = roles.filter(kind=kind)
    return Exists(roles)


def authored_with_role(kind: str | None = None):
    """An Exists() for a proposal queryset: an author held a role (of `kind`) on its submission day."""
    links = Proposal.authors.through.objects.filter(proposal_id=OuterRef("pk")).filter(_held_at_submission(kind))
    return Exists(links)


# ---------------------------------------------------------------- figures


def figures(queryset, start: datetime.date | None = None, end: datetime.date | None = None) -> dict:
    """Figures of a set of proposals (the caller restricts and filters `queryset`), in three queries.

    The period is the submission day: `start` <= submitted_on <= `end`, both ends included, either
    open when None. Of the proposals of the set submitted in the period:
    - `submitted`: how many (each proposal once, whatever its number of authors);
    - `by_channel`: {channel code: how many}, every channel present (0 when none);
    - `adopted`: how many are adopted now, an endorsed one included (outcome adopted or endorsed,
      whenever that happened);
    - `endorsed`: how many are endorsed by leaders now;
    - `authors`: distinct people among their authors (one person who wrote five counts once);
    - `authors_with_role`: of those, how many held any public role on the submission day of at least
      one of their proposals in the set (a role held that day: begun on or before it or with no start,
      not ended before it or with no end);
    - `authors_by_role`: {role kind: distinct authors who held a role of that kind on such a day},
      every kind present; a person with two kinds counts under each.
    """
    rows = Proposal._base_manager.filter(pk__in=queryset.order_by().values("pk"))
    if start is not None:
        rows = rows.filter(submitted_on__gte=start)
    if end is not None:
        rows = rows.filter(submitted_on__lte=end)
    result = rows.aggregate(
        submitted=Count("pk"),
        adopted=Count("pk", filter=Q(outcome__in=ADOPTED_OR_LATER)),
        endorsed=Count("pk", filter=Q(outcome=Outcome.ENDORSED)),
    )
    by_channel = dict.fromkeys(Channel.values, 0)
    for row in rows.order_by().values("channel").annotate(n=Count("pk")):
        by_channel[row["channel"]] = row["n"]
    result["by_channel"] = by_channel
    links = Proposal.authors.through.objects.filter(proposal__in=rows.values("pk"))
    people = links.aggregate(
        authors=Count("person_id", distinct=True),
        authors_with_role=Count("person_id", distinct=True, filter=_held_at_submission()),
        **{
            f"role_{kind}": Count("person_id", distinct=True, filter=_held_at_submission(kind))
            for kind in PublicRoleKind.values
        },
    )
    result["authors"] = people["authors"]
    result["authors_with_role"] = people["authors_with_role"]
    result["authors_by_role"] = {kind: people[f"role_{kind}"] for kind in PublicRoleKind.values}
    return result


def role_figures(roles_queryset, on: datetime.date) -> dict:
    """People holding public roles on the day `on`, in one query, among `roles_queryset` (the caller
    restricts and filters it): `people` (distinct people holding at least one role that day) and
    `by_kind` ({role kind: distinct people holding a role of that kind that day}, every kind present;
    a person with two kinds counts under each, a person with two roles of one kind once). A role is
    held on `on` when its term has begun by then (or has no start) and has not ended before it (or
    has no end)."""
    held = current(roles_queryset.order_by(), on)
    counts = held.aggregate(
        people=Count("person_id", distinct=True),
        **{kind: Count("person_id", distinct=True, filter=Q(kind=kind)) for kind in PublicRoleKind.values},
    )
    return {"on": on, "people": counts.pop("people"), "by_kind": counts}
