"""A list of participants (a delegation sheet) into an activity: each row is a person, linked to
the registry or created exactly as the people import does, then put on the activity's list once.

Rows already on the list stay as they are; the self-declared "first visit" column, when the list
has one, is kept on the participation. The role and status of the new participations are chosen
when the file is uploaded (participant, attended — a delegation received — by default)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.activities import aggregates
from qiao.activities.models import Activity, Participation, ParticipationStatus
from qiao.core import history, services
from qiao.people.signals import people_changed

from ..layout import Sheet
from . import people
from .base import Plan, Progress

KIND = "participations"
REASONS = people.REASONS
parse = people.parse


def plan(user, sheet: Sheet, mapping: list[str | None], progress: Progress = None, *, activity=None) -> Plan:
    """The people dry run, plus which known people are already on the activity's list."""
    report = people.plan(user, sheet, mapping, progress)
    report.kind = KIND
    if activity is not None:
        known = {row.target.pk for row in report.rows if row.outcome == "same"}
        listed = set(Participation.objects.filter(activity=activity, person__in=known).values_list("person", flat=True))
        for row in report.rows:
            row.data["on_list"] = row.outcome == "same" and row.target.pk in listed
    return report


def commit(
    user,
    unit,
    plan: Plan,
    *,
    skip_invalid: bool = False,
    source: str = "",
    progress: Progress = None,
    activity: Activity | None = None,
    role: str = "participant",
    status: str = "attended",
) -> dict[str, int]:
    """People first (all or nothing, as the people import), then one participation per person."""
    if activity is None:
        raise ValueError(_("Choose the activity the list belongs to."))
    if not Activity.objects.restrict(user, "change").filter(pk=activity.pk).exists():
        raise PermissionDenied(_("You may not change this activity."))
    with services.writing():
        for row in plan.rows:
            if row.outcome == "same":
                row.record = row.target
        written = people.commit(user, unit, plan, skip_invalid=skip_invalid, source=source, progress=progress)
        rows = {}
        for row in plan.rows:
            person = getattr(row, "record", None)
            if row.outcome != "error" and person is not None:
                rows.setdefault(person.pk, row)
        added = _add(user, Activity.objects.select_for_update().get(pk=activity.pk), rows, role, status)
    return {**written, "added": added, "already": len(rows) - added}


def _add(user, activity: Activity, rows: dict, role: str, status: str) -> int:
    """One participation per person not yet on the list, in bulk, as `add_participant` would write
    each (the people were just written or checked by the people import, in the user's scope)."""
    listed = set(
        Participation.objects.filter(activity=activity, person__in=list(rows)).values_list("person", flat=True)
    )
    now = timezone.now()
    fresh = [
        Participation(
            activity=activity,
            person_id=person_id,
            role=role,
            status=status,
            first_visit_declared=row.data.get("first_visit"),
            source="import",
            checked_in_at=now if status == ParticipationStatus.ATTENDED else None,
            unit_id=activity.unit_id,
            date=activity.start_date,
        )
        for person_id, row in rows.items()
        if person_id not in listed
    ]
    if fresh:
        Participation.objects.bulk_create(fresh, batch_size=500)
        for participation in fresh:  # the history entry a save would write
            history.remember(participation, None)
        # and the stored figures a save would bring up to date (see qiao.activities.aggregates)
        aggregates.refresh(activities=[activity.pk], people=[p.person_id for p in fresh if p.status == "attended"])
        people_changed.send(sender=Participation, person_ids=[p.person_id for p in fresh])
    return len(fresh)
