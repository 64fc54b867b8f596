"""Rules for internships: positions, applications, placements in batches.

The flow: an organisation offers a position (岗位) with a number of places; people apply (申请);
staff shortlist (入围), reject, or record a withdrawal; staff place (安排) an applied or shortlisted
person in a batch (批次); when the internship ends, staff record the outcome.

Decisions:
- A batch (第N批) is an activity of the kind "internship-batch"; its title says the batch number
  (第3批香港青年惠州实习). One batch may take the interns of many positions and enterprises; a
  programme (万名青年到惠州) or a series can group batches like any other activities.
- Placing someone puts them on the batch's list with the role "intern" and the status "attended"
  at once, through qiao.activities.services: a placement is a confirmed intern, and the batch's
  figures (batches, person-times, people, first-timers, by origin, by role) count them from that
  moment. An intern who never starts is taken off by cancelling the placement: the participation
  becomes "cancelled" (no longer counted) and the application goes back to "shortlisted". Every
  outcome (ongoing, completed, left early, offered a job) keeps the intern counted: they took part.
- Places: the placements of a position, whatever their outcome, may not outnumber its places;
  cancelling a placement frees its place. A closed position takes no new applications, but the
  people who applied before may still be shortlisted and placed.
- Scope: applications and placements belong to the unit owning the position. Placing also needs
  the right to change the batch (the activity's unit) and to see the person.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qiao.activities import services as activity_services
from qiao.activities.models import Activity, Participation, ParticipationRole, ParticipationStatus
from qiao.core import services
from qiao.core.models import Tag
from qiao.orgs.models import Organization
from qiao.people.models import Person

from .models import (
    BATCH_KIND,
    ApplicationStatus,
    InternshipApplication,
    InternshipPosition,
    Placement,
    PlacementOutcome,
    PositionStatus,
)

# which status an application may move to by hand, from each status ("placed" only through place())
TRANSITIONS = {
    ApplicationStatus.APPLIED: {ApplicationStatus.SHORTLISTED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.SHORTLISTED: {ApplicationStatus.APPLIED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.REJECTED: {ApplicationStatus.APPLIED, ApplicationStatus.SHORTLISTED},
    ApplicationStatus.WITHDRAWN: {ApplicationStatus.APPLIED},
    ApplicationStatus.PLACED: {ApplicationStatus.WITHDRAWN},  # withdrawing a placed intern cancels the placement
}
PLACEABLE = {ApplicationStatus.APPLIED, ApplicationStatus.SHORTLISTED}
KEEP = object()  # update_placement(): leave this value as it is


# ---------------------------------------------------------------- positions


def _check_dates(start, end, field: str = "end_date") -> None:
    if start and end and end < start:
        raise ValidationError({field: _("The end date is before the start date.")})


def save_position(user, position: InternshipPosition, *, skills=None) -> InternshipPosition:
    """Create or update a position, with its fields and skills when given (names; None leaves them)."""
    _check_dates(position.start_date, position.end_date)
    if not position.slots or position.slots < 1:
        raise ValidationError({"slots": _("A position offers at least one place.")})
    m2m = {"skills": Tag.for_names(skills)} if skills is not None else None
    with services.writing():
        stored = InternshipPosition.all_objects.filter(pk=position.pk).values_list("organization", flat=True).first()
        changed = position.pk is None or stored != position.organization_id
        if changed and not Organization.objects.restrict(user).filter(pk=position.organization_id).exists():
            raise ValidationError({"organization": _("Choose an organisation you may see.")})
        return services.save(user, position, m2m=m2m)


# ---------------------------------------------------------------- applications


def _locked_application(user, application: InternshipApplication) -> InternshipApplication:
    """The stored application, locked, if the user may change it (otherwise PermissionDenied)."""
    found = (
        InternshipApplication.objects.restrict(user, "change")
        .select_for_update()
        .filter(pk=application.pk, position__deleted_at__isnull=True)
        .first()
    )
    if found is None:
        raise PermissionDenied(_("You may not change this application."))
    return found


def apply(user, position: InternshipPosition, person: Person, *, notes: str = "", applied_at=None):
    """Record that `person` applies for `position`. A withdrawn application is reopened; any other
    earlier application is refused (one application per person and position)."""
    with services.writing():
        position = (
            InternshipPosition.objects.restrict(user, "change").select_for_update().filter(pk=position.pk).first()
        )
        if position is None:
            raise PermissionDenied(_("You may not change this position."))
        if not Person.objects.restrict(user).filter(pk=person.pk).exists():
            raise PermissionDenied(_("You may not see this person."))
        if position.status != PositionStatus.OPEN:
            raise ValidationError({"position": _("This position is closed: it takes no new applications.")})
        existing = InternshipApplication.objects.filter(position=position, person=person).first()
        if existing is not None:
            if existing.status != ApplicationStatus.WITHDRAWN:
                raise ValidationError(
                    {
                        "person": _("%(name)s has already applied for this position (%(status)s).")
                        % {"name": person, "status": existing.get_status_display()}
                    }
                )
            existing.status = ApplicationStatus.APPLIED
            if notes:
                existing.notes = notes
            return services.save(user, existing)
        application = InternshipApplication(position=position, person=person, notes=notes)
        if applied_at is not None:
            application.applied_at = applied_at
        return services.save(user, application)


def set_status(user, application: InternshipApplication, status: str, *, notes: str | None = None):
    """Move an application to `status` (shortlisted, rejected, withdrawn, back to applied). Placing
    goes through place(); withdrawing a placed application cancels its placement."""
    if status not in ApplicationStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == ApplicationStatus.PLACED:
        raise ValidationError({"status": _("To place an applicant, choose a batch: use “Place”.")})
    with services.writing():
        application = _locked_application(user, application)
        current = ApplicationStatus(application.status)
        if status != current and status not in TRANSITIONS[current]:
            raise ValidationError(
                {
                    "status": _("An application that is %(current)s cannot become %(new)s.")
                    % {"current": current.label, "new": ApplicationStatus(status).label}
                }
            )
        if current == ApplicationStatus.PLACED:
            _cancel(user, application.placement)
        application.status = status
        if notes is not None:
            application.notes = notes
        return services.save(user, application)


def shortlist(user, application):
    return set_status(user, application, ApplicationStatus.SHORTLISTED)


def reject(user, application):
    return set_status(user, application, ApplicationStatus.REJECTED)


def withdraw(user, application):
    return set_status(user, application, ApplicationStatus.WITHDRAWN)


# ---------------------------------------------------------------- placements


def _check_batch(user, batch: Activity) -> Activity:
    batch = Activity.objects.select_related("kind").filter(pk=batch.pk).first()
    if batch is None or batch.kind.code != BATCH_KIND:
        raise ValidationError({"batch": _("Choose an internship batch: an activity of the kind “Internship batch”.")})
    if not Activity.objects.restrict(user, "change").filter(pk=batch.pk).exists():
        raise PermissionDenied(_("You may not change this batch."))
    return batch


def _join_batch(user, batch: Activity, person: Person) -> Participation:
    """Put the person on the batch's list as an intern who took part (see the module)."""
    participation, created = activity_services.add_participant(
        user, batch, person, role=ParticipationRole.INTERN, status=ParticipationStatus.ATTENDED
    )
    if not created:
        if participation.role != ParticipationRole.INTERN:
            participation.role = ParticipationRole.INTERN
            services.save(user, participation)
        if participation.status != ParticipationStatus.ATTENDED:
            participation = activity_services.set_status(user, participation, ParticipationStatus.ATTENDED)
    return participation


def _leave_batch(user, batch: Activity, person: Person) -> None:
    participation = Participation.objects.filter(activity=batch, person=person, role=ParticipationRole.INTERN).first()
    if participation is not None and participation.status != ParticipationStatus.CANCELLED:
        activity_services.set_status(user, participation, ParticipationStatus.CANCELLED)


def _check_places(position: InternshipPosition, *, placing_one_more: bool) -> None:
    taken = Placement.objects.filter(application__position=position).count()
    if placing_one_more and taken >= position.slots:
        raise ValidationError(
            ngettext(
                "This position has %(slots)d place and it is taken: no more interns can be placed.",
                "This position has %(slots)d places and all are taken: no more interns can be placed.",
                position.slots,
            )
            % {"slots": position.slots}
        )


def place(
    user,
    application: InternshipApplication,
    batch: Activity,
    *,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    outcome: str = PlacementOutcome.ONGOING,
    notes: str = "",
) -> Placement:
    """Place an applied or shortlisted applicant in a batch: the placement, the application marked
    "placed", and the person on the batch's list as an intern. Dates default to the batch's."""
    if outcome not in PlacementOutcome.values:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    with services.writing():
        application = _locked_application(user, application)
        if application.status == ApplicationStatus.PLACED:
            raise ValidationError(_("This applicant is already placed: change the placement instead."))
        if application.status not in PLACEABLE:
            raise ValidationError(
                _("Only applied or shortlisted applicants can be placed; this application is %(status)s.")
                % {"status": application.get_status_display()}
            )
        batch = _check_batch(user, batch)
        position = InternshipPosition.objects.select_for_update().get(pk=application.position_id)
        _check_places(position, placing_one_more=True)
        start_date = start_date or batch.start_date
        end_date = end_date or batch.end_date
        _check_dates(start_date, end_date)
        placement = services.save(
            user,
            Placement(
                application=application,
                batch=batch,
                start_date=start_date,
                end_date=end_date,
                outcome=outcome,
                notes=notes,
            ),
        )
        application.status = ApplicationStatus.PLACED
        services.save(user, application)
        _join_batch(user, batch, application.person)
    return placement


def _locked_placement(user, placement: Placement) -> Placement:
    found = (
        Placement.objects.restrict(user, "change")
        .select_for_update()
        .select_related("application", "application__person", "batch")
        .filter(pk=placement.pk)
        .first()
    )
    if found is None:
        raise PermissionDenied(_("You may not change this placement."))
    return found


def update_placement(
    user,
    placement: Placement,
    *,
    batch=KEEP,
    start_date=KEEP,
    end_date=KEEP,
    outcome=KEEP,
    notes=KEEP,
) -> Placement:
    """Change a placement's batch, dates, outcome or notes (values not given stay as they are; an end
    date may be cleared with None). Moving to another batch moves the intern's participation with it."""
    if outcome is not KEEP and outcome not in PlacementOutcome.values:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    with services.writing():
        stored = _locked_placement(user, placement)
        person = stored.application.person
        if batch is not KEEP and batch.pk != stored.batch_id:
            batch = _check_batch(user, batch)
            _leave_batch(user, stored.batch, person)
            stored.batch = batch
            _join_batch(user, batch, person)
        if start_date is not KEEP:
            stored.start_date = start_date or stored.batch.start_date
        if end_date is not KEEP:
            stored.end_date = end_date
        if outcome is not KEEP:
            stored.outcome = outcome
        if notes is not KEEP:
            stored.notes = notes or ""
        _check_dates(stored.start_date, stored.end_date)
        return services.save(user, stored)


def set_outcome(user, placement: Placement, outcome: str, *, end_date=KEEP, notes=KEEP) -> Placement:
    """Record how the internship ended: completed, left early (with the day they left), offered a job."""
    return update_placement(user, placement, outcome=outcome, end_date=end_date, notes=notes)


def _cancel(user, placement: Placement) -> None:
    _leave_batch(user, placement.batch, placement.application.person)
    placement.delete()


def cancel_placement(user, placement: Placement) -> InternshipApplication:
    """Undo a placement (the intern did not start, or it was a mistake): the place is freed, the
    participation in the batch is cancelled and the application goes back to "shortlisted"."""
    with services.writing():
        stored = _locked_placement(user, placement)
        application = _locked_application(user, stored.application)
        _cancel(user, stored)
        application.status = ApplicationStatus.SHORTLISTED
        return services.save(user, application)


# ---------------------------------------------------------------- figures


def totals(placements) -> dict:
    """The figures of a set of placements: batches, interns (distinct people), placements, by outcome,
    and one row per batch (newest first) with its interns by outcome."""
    figures = placements.aggregate(
        batches=Count("batch", distinct=True),
        interns=Count("application__person", distinct=True),
        placements=Count("pk"),
    )
    by_outcome = dict(placements.values_list("outcome").annotate(n=Count("pk")).order_by())
    figures["by_outcome"] = [(value, label, by_outcome.get(value, 0)) for value, label in PlacementOutcome.choices]
    per_outcome = {value: Count("pk", filter=Q(outcome=value)) for value in PlacementOutcome.values}
    figures["by_batch"] = list(
        placements.values("batch", "batch__title", "batch__start_date", "batch__end_date")
        .annotate(interns=Count("application__person", distinct=True), **per_outcome)
        .order_by("-batch__start_date", "-batch")
    )
    return figures
