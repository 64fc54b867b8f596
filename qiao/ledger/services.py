"""Rules of the service ledger: cases (问题台账), their tasks (任务清单) and timeline, service records,
and the problems enterprises report through a public form. Views, forms, serializers and commands
call these functions; each write is one transaction (`core.services.writing()`), with the scope
re-checked inside it.

Decisions:
- Dates are the user's own: "today" is the local date in the user's time zone (`user.time_zone`,
  else settings.TIME_ZONE). A case may not be raised in the future, and its due date may not come
  before the day it was raised.
- Status: open → in progress → resolved → closed; open or in progress → cannot resolve (a reason is
  required); resolved → in progress (reopening needs a note); cannot resolve → in progress. Closed is
  final. Resolving needs a resolution note; resolving or closing is refused while tasks are undone,
  naming them. `resolved_on` / `closed_on` are the user's local date. Status changes go through
  `set_status()` only: editing a case keeps its status.
- Owner and assignees: a member (any role) of the owning unit or of a unit above it. Choosing the
  owner of a new case, or of a case that has none, is part of recording it; changing an owner is a
  reassignment, which only managers of the owning unit (or of a unit above it) may do
  (`may_reassign`: the role that may delete the unit's records).
- Every status change and every reassignment also writes a "note" to the case's timeline, in the
  office's language (settings.LANGUAGE_CODE), so nothing is lost when a case is reopened.
- Tasks belong to the case: whoever may change the case adds, edits, ticks and deletes its tasks
  (a task is not soft-deleted; the case's history keeps it). A closed case's tasks no longer change.
- Actions (calls, visits, meetings, replies …) are added to the timeline by whoever may change the
  case, with an optional attachment (the activities' limits and safe serving: qiao/activities/attachments.py).
- Service records need a person or an organisation (one the user may see), at least one person
  served, a date not in the future.
- Reported problems: sent without login through a "case" public form (an Intake), kept as a
  CaseReport owned by the intake's unit; a reviewer (staff of that unit or above) accepts it — the
  organisation is one found in the registry or created from the report — which opens a case with
  source "public", or rejects it with a note.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qiao.core import context, scoping, services
from qiao.core.choices import OrganizationRegion
from qiao.core.days import local_today
from qiao.core.models import ActionLog, Membership, Unit, User
from qiao.imports import values
from qiao.orgs.models import Organization, OrganizationKind
from qiao.orgs.services import save_organization
from qiao.people.models import Person

from . import tally
from .models import (
    ACTIVE_STATUSES,
    ActionKind,
    Case,
    CaseAction,
    CaseReport,
    CaseSource,
    CaseStatus,
    CaseTask,
    Category,
    ReportStatus,
    ServiceRecord,
)

# which status a case may move to, from each status
TRANSITIONS = {
    CaseStatus.OPEN: {CaseStatus.IN_PROGRESS, CaseStatus.CANNOT_RESOLVE},
    CaseStatus.IN_PROGRESS: {CaseStatus.RESOLVED, CaseStatus.CANNOT_RESOLVE},
    CaseStatus.RESOLVED: {CaseStatus.CLOSED, CaseStatus.IN_PROGRESS},
    CaseStatus.CLOSED: set(),
    CaseStatus.CANNOT_RESOLVE: {CaseStatus.IN_PROGRESS},
}
REASSIGN_ACTION = "delete"  # the least role that reassigns: a manager (qiao/core/roles.py)
EARLIEST = datetime.date(1980, 1, 1)  # no date of the ledger is older
FURTHEST_YEARS = 20  # a due date further ahead than this is a typing mistake
SOURCE = "public_form"  # who writes what a public form sends (as qiao.matching.submissions)


# ---------------------------------------------------------------- dates and people


def unit_and_above(unit_id: int) -> list[int]:
    """The ids of a unit and of every unit above it (read from its materialised path)."""
    path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or ""
    return [int(part) for part in path.split(".") if part] or [unit_id]


def eligible_owners(unit_id: int) -> QuerySet:
    """Active users who are members of the unit or of a unit above it: who may own its cases and
    be assigned their tasks."""
    members = Membership.objects.filter(unit_id__in=unit_and_above(unit_id)).values("user")
    return User.objects.filter(is_active=True, pk__in=members)


def owner_choices(user, action: str = "view") -> QuerySet:
    """People a user may pick as owner or assignee (or filter on): members of the units the user may
    `action` in, and of the units above them. The service checks each case's own unit."""
    ids = scoping.unit_ids(user, action)
    users = User.objects.filter(is_active=True)
    if ids is scoping.ALL:
        return users.filter(pk__in=Membership.objects.values("user")).order_by("username")
    paths = Unit.objects.filter(pk__in=ids).values_list("path", flat=True)
    above = {int(part) for path in paths for part in path.split(".") if part}
    members = Membership.objects.filter(unit_id__in=above).values("user")
    return users.filter(Q(pk__in=members) | Q(pk=user.pk)).order_by("username")


def _check_member(unit_id: int, person, field: str, message: str) -> None:
    if person is None:
        return
    if not eligible_owners(unit_id).filter(pk=person.pk).exists():
        raise ValidationError({field: message % {"name": person}})


def may_reassign(user, case: Case) -> bool:
    """Managers of the case's owning unit, or of a unit above it."""
    return scoping.may(user, REASSIGN_ACTION, case.unit_id)


def _office_language():
    return translation.override(settings.LANGUAGE_CODE)


def _note(user, case: Case, text: str, on: datetime.date | None = None) -> CaseAction:
    """A "note" on the case's timeline (status changes and reassignments)."""
    return CaseAction.objects.create(
        case=case, kind=ActionKind.NOTE, on=on or local_today(user), note=text, by=user if _signed_in(user) else None
    )


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _tell_assigned(person, obj) -> None:
    """Tell a new owner or assignee at once, in the same transaction (qiao/notifications; the
    reminder scan would catch it later otherwise)."""
    if person is None:
        return
    from qiao.notifications.scan import notify_assigned

    notify_assigned(person, obj)


# ---------------------------------------------------------------- cases


def check_case(user, case: Case) -> None:
    """The rules of a case's own fields (the form's and the serializer's validation call it too)."""
    errors = {}
    case.title = (case.title or "").strip()
    if not case.title:
        errors["title"] = _("Give the case a title: what the problem is, in a few words.")
    if case.category not in Category.values:
        errors["category"] = _("Choose a category.")
    today = local_today(user)
    if case.raised_on is None:
        errors["raised_on"] = _("Give the day the problem was raised.")
    elif case.raised_on > today:
        errors["raised_on"] = _("The date is in the future.")
    elif case.raised_on < EARLIEST:
        errors["raised_on"] = _("The date is too far in the past.")
    if case.due_date is not None and case.raised_on is not None:
        if case.due_date < case.raised_on:
            errors["due_date"] = _("The due date is before the day the problem was raised.")
        elif case.due_date > case.raised_on.replace(year=case.raised_on.year + FURTHEST_YEARS, day=1):
            errors["due_date"] = _("The due date is too far in the future.")
    if errors:
        raise ValidationError(errors)


def _check_links(user, case: Case, stored: Case | None) -> None:
    """Organisation, project and person the case points at: ones the user may see (checked when they
    change, so that a record moved out of reach does not block editing the case)."""

    def changed(name):
        return stored is None or getattr(stored, f"{name}_id") != getattr(case, f"{name}_id")

    if changed("organization") and not Organization.objects.restrict(user).filter(pk=case.organization_id).exists():
        raise ValidationError({"organization": _("Choose an organisation you may see.")})
    if case.project_id and (changed("project") or changed("organization")):
        from qiao.projects.models import Project

        project = Project.objects.restrict(user).filter(pk=case.project_id).values_list("investor", flat=True)
        if not project.exists():
            raise ValidationError({"project": _("Choose a project you may see.")})
        if project[0] != case.organization_id:
            raise ValidationError({"project": _("Choose a project of the case's organisation.")})
    people = Person.objects.restrict(user)
    if case.raised_by_id and changed("raised_by") and not people.filter(pk=case.raised_by_id).exists():
        raise ValidationError({"raised_by": _("Choose a person you may see.")})


def save_case(user, case: Case) -> Case:
    """Record a new case (status open) or edit one: its status stays as it is (see set_status); a
    changed owner is a reassignment (managers only), noted on the timeline."""
    check_case(user, case)
    with services.writing():
        stored = None
        if case.pk is not None:
            stored = Case.objects.restrict(user, "change").select_for_update().filter(pk=case.pk).first()
            if stored is None:
                raise PermissionDenied(_("You may not change this case."))
            for name in ("status", "status_note", "resolved_on", "closed_on", "source"):
                setattr(case, name, getattr(stored, name))
        else:
            case.status = CaseStatus.OPEN
            case.status_note = ""
            case.resolved_on = case.closed_on = None
        _check_links(user, case, stored)
        _check_member(
            case.unit_id,
            case.owner,
            "owner",
            _("%(name)s is not a member of the owning unit or of a unit above it."),
        )
        reassigned = stored is not None and stored.owner_id is not None and stored.owner_id != case.owner_id
        if reassigned and not may_reassign(user, stored):
            raise ValidationError({"owner": _("Only managers of the owning unit may reassign a case.")})
        services.save(user, case)
        if reassigned:
            _reassigned_note(user, case, stored.owner, case.owner, "")
        if case.owner_id and (stored is None or stored.owner_id != case.owner_id):
            _tell_assigned(case.owner, case)
    return case


def _reassigned_note(user, case: Case, before, after, note: str) -> None:
    with _office_language():
        if after is None:
            text = _("Owner removed (was %(before)s).") % {"before": before}
        else:
            text = _("Reassigned from %(before)s to %(after)s.") % {"before": before or "—", "after": after}
        if note:
            text = f"{text}\n{note}"
    _note(user, case, text)


def _locked_case(user, case: Case, action: str = "change") -> Case:
    found = Case.objects.restrict(user, action).select_for_update().filter(pk=case.pk).first()
    if found is None:
        raise PermissionDenied(_("You may not change this case."))
    return found


def undone_tasks(case: Case) -> list[CaseTask]:
    return list(CaseTask.objects.filter(case=case, done=False).order_by("due_date", "id"))


def _refuse_undone(case: Case, status: str) -> None:
    undone = undone_tasks(case)
    if not undone:
        return
    names = "; ".join(f"“{task.title}”" for task in undone[:10])
    if len(undone) > 10:
        names += " …"
    message = ngettext(
        "This case cannot become %(status)s while a task is not done: %(tasks)s.",
        "This case cannot become %(status)s while %(count)d tasks are not done: %(tasks)s.",
        len(undone),
    ) % {"status": CaseStatus(status).label, "count": len(undone), "tasks": names}
    raise ValidationError({"status": message})


def set_status(user, case: Case, status: str, note: str = "") -> Case:
    """Move a case to another status (see the module for the rules); the change is noted on the
    timeline with the note given."""
    if status not in CaseStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    note = (note or "").strip()
    with services.writing():
        found = _locked_case(user, case)
        current = CaseStatus(found.status)
        new = CaseStatus(status)
        if new == current:
            raise ValidationError({"status": _("The case is %(status)s already.") % {"status": current.label}})
        if new not in TRANSITIONS[current]:
            raise ValidationError(
                {
                    "status": _("A case that is %(current)s cannot become %(new)s.")
                    % {"current": current.label, "new": new.label}
                }
            )
        if new == CaseStatus.RESOLVED and not note:
            raise ValidationError({"note": _("Say how the problem was resolved.")})
        if new == CaseStatus.CANNOT_RESOLVE and not note:
            raise ValidationError({"note": _("Say why the problem cannot be resolved.")})
        if current == CaseStatus.RESOLVED and new == CaseStatus.IN_PROGRESS and not note:
            raise ValidationError({"note": _("Say why the case is reopened.")})
        if new in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
            _refuse_undone(found, new)
        today = local_today(user)
        if new == CaseStatus.RESOLVED:
            found.resolved_on = today
            found.status_note = note
        elif new == CaseStatus.CLOSED:
            found.closed_on = today
        elif new == CaseStatus.CANNOT_RESOLVE:
            found.status_note = note
            found.resolved_on = None
        elif new == CaseStatus.IN_PROGRESS and current in (CaseStatus.RESOLVED, CaseStatus.CANNOT_RESOLVE):
            found.status_note = ""  # the earlier resolution or reason stays on the timeline
            found.resolved_on = None
        found.status = new
        services.save(user, found)
        with _office_language():
            text = _("Status: %(before)s → %(after)s.") % {"before": current.label, "after": new.label}
        _note(user, found, f"{text}\n{note}" if note else text)
    return found


def reassign(user, case: Case, owner, note: str = "") -> Case:
    """Give the case another owner (or none): managers of the owning unit only; noted on the timeline."""
    note = (note or "").strip()
    with services.writing():
        found = _locked_case(user, case)
        if not may_reassign(user, found):
            raise PermissionDenied(_("Only managers of the owning unit may reassign a case."))
        if (owner.pk if owner else None) == found.owner_id:
            return found
        _check_member(
            found.unit_id, owner, "owner", _("%(name)s is not a member of the owning unit or of a unit above it.")
        )
        before = found.owner
        found.owner = owner
        services.save(user, found)
        _reassigned_note(user, found, before, owner, note)
        _tell_assigned(owner, found)
    return found


def reassign_many(user, ids: list[int], owner, note: str = "") -> list[Case]:
    """Reassign several cases at once: all or none (every case must be one the user may reassign, and
    the owner a member of each case's unit or of a unit above it)."""
    wanted = set(ids)
    with services.writing():
        cases = list(Case.objects.restrict(user, REASSIGN_ACTION).filter(pk__in=wanted).order_by("pk"))
        if len(cases) != len(wanted):
            raise PermissionDenied(_("Some selected cases are not yours to reassign."))
        return [reassign(user, case, owner, note) for case in cases]


def delete_case(user, case: Case) -> None:
    services.delete(user, case)


# ---------------------------------------------------------------- tasks


def _case_for_tasks(user, case_id: int) -> Case:
    found = Case.objects.restrict(user, "change").select_for_update().filter(pk=case_id).first()
    if found is None:
        raise PermissionDenied(_("You may not change this case."))
    if found.status == CaseStatus.CLOSED:
        raise ValidationError(_("This case is closed: its tasks no longer change."))
    return found


def check_task(user, task: CaseTask, case: Case) -> None:
    errors = {}
    task.title = (task.title or "").strip()
    if not task.title:
        errors["title"] = _("Say what is to be done.")
    if task.due_date is not None:
        if task.due_date < case.raised_on:
            errors["due_date"] = _("The due date is before the day the problem was raised.")
        elif task.due_date > case.raised_on.replace(year=case.raised_on.year + FURTHEST_YEARS, day=1):
            errors["due_date"] = _("The due date is too far in the future.")
    if errors:
        raise ValidationError(errors)
    _check_member(
        case.unit_id, task.assignee, "assignee", _("%(name)s is not a member of the case's unit or of a unit above it.")
    )


def save_task(user, task: CaseTask) -> CaseTask:
    """Add a task to a case's list or change one (title, assignee, due date; done through mark_task)."""
    with services.writing():
        assignee = None
        if task.pk is not None:
            stored = (
                CaseTask.objects.restrict(user, "change")
                .filter(pk=task.pk)
                .values_list("case", "done", "assignee")
                .first()
            )
            if stored is None:
                raise PermissionDenied(_("You may not change this task."))
            if stored[0] != task.case_id:
                raise ValidationError({"case": _("A task stays with its case.")})
            task.done, assignee = stored[1], stored[2]  # ticked through mark_task()
        case = _case_for_tasks(user, task.case_id)
        task.case = case
        check_task(user, task, case)
        task = services.save(user, task)
        if task.assignee_id and task.assignee_id != assignee:
            _tell_assigned(task.assignee, task)
        return task


def mark_task(user, task: CaseTask, done: bool) -> CaseTask:
    """Tick a task done (when and by whom is kept) or not done again."""
    with services.writing():
        case_id = CaseTask.objects.restrict(user, "change").filter(pk=task.pk).values_list("case", flat=True).first()
        if case_id is None:
            raise PermissionDenied(_("You may not change this task."))
        _case_for_tasks(user, case_id)
        found = CaseTask.objects.select_for_update().get(pk=task.pk)
        if found.done == done:
            return found
        found.done = done
        found.done_at = timezone.now() if done else None
        found.done_by = user if done and _signed_in(user) else None
        return services.save(user, found)


def delete_task(user, task: CaseTask) -> None:
    """Take a task off the list (whoever may change the case; the case's history keeps it)."""
    with services.writing():
        case_id = CaseTask.objects.restrict(user, "change").filter(pk=task.pk).values_list("case", flat=True).first()
        if case_id is None:
            raise PermissionDenied(_("You may not change this task."))
        _case_for_tasks(user, case_id)
        CaseTask.objects.filter(pk=task.pk).first().delete()


# ---------------------------------------------------------------- actions (the timeline)


def add_action(user, action: CaseAction) -> CaseAction:
    """Add a call, visit, meeting, reply, message or note to a case's timeline (with an optional
    attachment, already checked by attachments.check_file)."""
    errors = {}
    if action.kind not in ActionKind.values:
        errors["kind"] = _("Choose what was done.")
    action.note = (action.note or "").strip()
    if not action.note and not action.attachment:
        errors["note"] = _("Write what was done or said, or attach a file.")
    with services.writing():
        case = Case.objects.restrict(user, "change").select_for_update().filter(pk=action.case_id).first()
        if case is None:
            raise PermissionDenied(_("You may not change this case."))
        if action.on is None:
            action.on = local_today(user)
        elif action.on > local_today(user):
            errors["on"] = _("The date is in the future.")
        elif action.on < case.raised_on:
            errors["on"] = _("The date is before the day the problem was raised.")
        if errors:
            raise ValidationError(errors)
        if action.attachment and not action.attachment_name:
            action.attachment_name = str(action.attachment.name).rsplit("/", 1)[-1][:255]
        action.case = case
        action.by = user if _signed_in(user) else None
        action.save()
    return action


# ---------------------------------------------------------------- figures


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """Cases still being worked on whose due date has passed (`prefix` "case__" from a task)."""
    return Q(**{f"{prefix}status__in": ACTIVE_STATUSES, f"{prefix}due_date__lt": today})


def task_overdue_q(today: datetime.date) -> Q:
    """Undone tasks of active cases whose due date has passed."""
    return Q(done=False, due_date__lt=today, case__status__in=ACTIVE_STATUSES, case__deleted_at__isnull=True)


AGES = [  # (code, label, first day, last day) of the ageing buckets of active cases
    ("0-7", "0–7", 0, 7),
    ("8-30", "8–30", 8, 30),
    ("31-90", "31–90", 31, 90),
    ("90+", ">90", 91, None),
]


def age_q(code: str, today: datetime.date) -> Q | None:
    """Cases raised between the bucket's first and last day ago (from the user's local today)."""
    for key, _label, first, last in AGES:
        if key == code:
            condition = Q(raised_on__lte=today - datetime.timedelta(days=first))
            if last is not None:
                condition &= Q(raised_on__gte=today - datetime.timedelta(days=last))
            return condition
    return None


def case_totals(cases: QuerySet, today: datetime.date, by_status: dict[str, int] | None = None) -> dict:
    """How many cases of a set there are, by status, and how many are overdue. `by_status`: the
    counts by status when the caller knows them already (the stored tally of an unfiltered scope,
    tally.counts()); otherwise counted here (from the index case_live_status). The overdue cases are
    counted in any case (active cases only, from the same index)."""
    figures = dict.fromkeys(CaseStatus.values, 0)
    if by_status is None:
        by_status = dict(cases.order_by().values_list("status").annotate(n=Count("*")))
    figures.update(by_status)
    figures["total"] = sum(figures[s] for s in CaseStatus.values)
    figures["overdue"] = cases.filter(overdue_q(today)).order_by().count()
    figures["active"] = sum(figures[s] for s in ACTIVE_STATUSES)
    figures["by_status"] = [(value, label, figures[value]) for value, label in CaseStatus.choices]
    return figures


def managed_units(user) -> list[Unit]:
    """The units a user manages (manager or administrator), the topmost only (a unit below one already
    listed is part of it); every top unit for a superuser."""
    if user.is_superuser:
        units = list(Unit.objects.filter(parent__isnull=True))
    else:
        ids = scoping.unit_ids(user, REASSIGN_ACTION) or frozenset()
        units = list(Unit.objects.filter(pk__in=ids, memberships__user=user).distinct())
    units.sort(key=lambda u: u.path)
    top = []
    for unit in units:
        if not any(unit.path.startswith(t.path) for t in top):
            top.append(unit)
    return top


def ledger(unit: Unit, today: datetime.date) -> dict:
    """A manager's view of one unit's ledger (its subtree): cases by status, active cases by age,
    overdue cases and tasks, and active cases per owner. A few grouped queries, whatever the size."""
    ids = list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    cases = Case.objects.filter(unit_id__in=ids)
    by_status = tally.counts(ids)  # the stored counts, not a count of every case of the subtree
    active = cases.filter(status__in=ACTIVE_STATUSES)
    ages = {code: Count("pk", filter=age_q(code, today)) for code, *_rest in AGES}
    figures = active.order_by().aggregate(overdue=Count("pk", filter=Q(due_date__lt=today)), **ages)
    owners = list(
        active.order_by()
        .values("owner")
        .annotate(n=Count("*"), overdue=Count("pk", filter=Q(due_date__lt=today)))
        .order_by("-n", "owner")
    )
    people = User.objects.in_bulk([row["owner"] for row in owners if row["owner"]])
    for row in owners:
        row["user"] = people.get(row["owner"])
    tasks = CaseTask.objects.filter(case__unit_id__in=ids).filter(task_overdue_q(today)).count()
    return {
        "unit": unit,
        "by_status": [(value, label, by_status.get(value, 0)) for value, label in CaseStatus.choices],
        "active": sum(by_status.get(s, 0) for s in ACTIVE_STATUSES),
        "ages": [(code, label, figures[code]) for code, label, *_rest in AGES],
        "overdue": figures["overdue"],
        "overdue_tasks": tasks,
        "owners": owners,
    }


# ---------------------------------------------------------------- service records


def save_service_record(user, record: ServiceRecord) -> ServiceRecord:
    """Record a service given (or change one): to a person or an organisation the user may see, to at
    least one person, on a day not in the future."""
    errors = {}
    if record.person_id is None and record.organization_id is None:
        errors["person"] = _("Say whom the service was for: a person or an organisation.")
    if record.people_served is None or record.people_served < 1:
        errors["people_served"] = _("At least one person was served.")
    elif record.people_served > 1_000_000:
        errors["people_served"] = _("The number is too large.")
    if record.on is None:
        errors["on"] = _("Give the day of the service.")
    elif record.on > local_today(user):
        errors["on"] = _("The date is in the future.")
    elif record.on < EARLIEST:
        errors["on"] = _("The date is too far in the past.")
    if record.kind_id is None:
        errors["kind"] = _("Choose the kind of service.")
    if errors:
        raise ValidationError(errors)
    with services.writing():
        stored = None
        if record.pk is not None:
            stored = ServiceRecord.objects.filter(pk=record.pk).values("person", "organization", "case").first()

        def changed(name):
            return stored is None or stored[name] != getattr(record, f"{name}_id")

        people = Person.objects.restrict(user)
        if record.person_id and changed("person") and not people.filter(pk=record.person_id).exists():
            raise ValidationError({"person": _("Choose a person you may see.")})
        if (
            record.organization_id
            and changed("organization")
            and not Organization.objects.restrict(user).filter(pk=record.organization_id).exists()
        ):
            raise ValidationError({"organization": _("Choose an organisation you may see.")})
        if record.case_id and changed("case") and not Case.objects.restrict(user).filter(pk=record.case_id).exists():
            raise ValidationError({"case": _("Choose a case you may see.")})
        if record.pk is None and record.by_id is None and _signed_in(user):
            record.by = user
        return services.save(user, record)


def service_totals(records: QuerySet) -> dict:
    """Records and people served (人次) of a set, in one query."""
    from django.db.models import Sum

    figures = records.order_by().aggregate(records=Count("*"), people_served=Sum("people_served"))
    figures["people_served"] = figures["people_served"] or 0
    return figures


# ---------------------------------------------------------------- reported problems (public form)


def submit_report(
    intake_pk: int, data: dict, *, statement: str, language: str = "", request_id: str | None = None
) -> CaseReport | None:
    """Keep a problem an enterprise reported through a public form, owned by the intake's unit, until
    staff review it. None when the form was closed meanwhile (nothing is written)."""
    from qiao.matching.models import Intake, IntakeKind

    with context.acting(user=None, source=SOURCE, request_id=request_id), services.writing():
        intake = Intake.objects.select_for_update().filter(pk=intake_pk, kind=IntakeKind.CASE, active=True).first()
        if intake is None:
            return None
        data = {
            **data,
            "consent_statement": statement,
            "consent_at": timezone.now().isoformat(),
            "language": language,
            "intake_title": intake.title,
        }
        report = CaseReport.objects.create(intake=intake, unit_id=intake.unit_id, data=data)
        ActionLog.record("qiao.intake.case_received", report, intake=intake.pk)
    return report


def pending_reports(user) -> QuerySet:
    """Reported problems waiting for the user's review: staff of the owning unit or above."""
    return (
        CaseReport.objects.restrict(user, "change")
        .filter(status=ReportStatus.PENDING)
        .select_related("unit", "intake")
        .order_by("submitted_at", "id")
    )


def reported_organization(report: CaseReport) -> dict:
    """The organisation as the report names it: its name, and where it is based when said."""
    region = str(report.data.get("region") or "")
    return {"name": str(report.data.get("organization") or ""), "region": region}


def organization_candidates(user, report: CaseReport):
    """("same" | "review" | "new", organisations best first) the reporting organisation may be, among
    those the reviewer may see: the public demand form's search (cross-script names)."""
    from qiao.matching.submissions import find_organizations

    return find_organizations(user, reported_organization(report))


def new_organization(report: CaseReport) -> Organization:
    """An organisation made from the report (unsaved), owned by the report's unit."""
    found = reported_organization(report)
    kind = values.guess_organization_kind(found["name"]) or OrganizationKind.ENTERPRISE
    region = found["region"] if found["region"] in OrganizationRegion.values else ""
    return Organization(unit_id=report.unit_id, name=found["name"], kind=kind, region=region)


def _report_for_review(user, report: CaseReport) -> CaseReport:
    found = CaseReport.objects.restrict(user, "change").select_for_update().filter(pk=report.pk).first()
    if found is None:
        raise PermissionDenied(_("You may not review this report."))
    if found.status != ReportStatus.PENDING:
        raise ValidationError(
            _("This report was reviewed already (%(status)s).") % {"status": found.get_status_display()}
        )
    return found


def accept_report(
    user, report: CaseReport, *, organization: Organization | None = None, owner=None, priority: str = ""
) -> Case:
    """Open a case from a reported problem: about `organization` (None: a new one made from the
    report), in the report's unit, raised by the contact person on the day it was sent. All or nothing."""
    with services.writing():
        found = _report_for_review(user, report)
        data = found.data
        created = organization is None
        if created:
            organization = save_organization(user, new_organization(found))
        elif not Organization.objects.restrict(user).filter(pk=organization.pk).exists():
            raise ValidationError({"organization": _("Choose an organisation you may see.")})
        category = data.get("category") if data.get("category") in Category.values else Category.OTHER
        case = Case(
            unit_id=found.unit_id,
            organization=organization,
            category=category,
            title=str(data.get("title") or "")[:200],
            description=str(data.get("description") or ""),
            raised_by_name=str(data.get("contact_name") or "")[:100],
            raised_on=local_today(user, found.submitted_at),
            owner=owner,
            source=CaseSource.PUBLIC,
        )
        if priority:
            case.priority = priority
        case = save_case(user, case)
        found.status = ReportStatus.ACCEPTED
        found.case = case
        found.reviewed_by = user
        found.reviewed_at = timezone.now()
        found.save()
        with _office_language():
            text = _("Reported through the public form “%(form)s”.") % {"form": data.get("intake_title") or ""}
        _note(user, case, text)
        ActionLog.record(
            "qiao.intake.case_accepted",
            case,
            report=found.pk,
            organization=organization.pk,
            organization_created=created,
        )
    return case


def reject_report(user, report: CaseReport, note: str) -> CaseReport:
    """Turn a reported problem down, with a note (kept on the report)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"reason": _("Say why the report is rejected.")})
    with services.writing():
        found = _report_for_review(user, report)
        found.status = ReportStatus.REJECTED
        found.review_note = note
        found.reviewed_by = user
        found.reviewed_at = timezone.now()
        found.save()
        ActionLog.record("qiao.intake.case_rejected", found, reason=note)
    return found
