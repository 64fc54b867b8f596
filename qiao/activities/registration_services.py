"""Public registration for an activity: whether it is open, whether places are left, and the
writing of one registration.

A registration is linked to the registry with the same rules as an imported row
(`qiao.people.linkage`, fed by `qiao.imports.kinds.people.incoming`), against every person — the
public form acts for the activity's owning unit, whoever reads the registry afterwards:

    link    the known person takes part; the form only adds phones and e-mails they lacked
    review  a new person in the activity's unit, and the pair goes to the review queue
    new     a new person in the activity's unit, with the consent just given

The person who sent the form always gets the same answer, whatever the outcome, and whether or
not they were already on the list: the page never tells anyone who is in the registry.

Nobody is signed in: the writes run as the "registration" source with no user (history shows
them as made by the system), inside one transaction that holds the activity's row, so two forms
sent at the same moment cannot take the last place twice.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from qiao.core import context, search, services
from qiao.core.models import ActionLog
from qiao.imports.kinds import people as people_import
from qiao.people import linkage
from qiao.people.models import DuplicateCandidate, IdentityDocument, Person

from .models import Activity, Participation, ParticipationSource, ParticipationStatus

REGISTERED, FULL, CLOSED = "registered", "full", "closed"
NAMES = {"name", "latin"}
STRONG = {"document", "phone", "email"}


def find(token: str) -> Activity | None:
    """The activity whose registration page `token` is, unless it was deleted."""
    if not token:
        return None
    return (
        Activity.all_objects.filter(registration_token=token, deleted_at__isnull=True)
        .select_related("unit", "kind")
        .first()
    )


def is_open(activity: Activity, now=None) -> bool:
    """Open for registration: opened by the organiser, not past its closing time, not over."""
    now = now or timezone.now()
    if activity.deleted_at is not None or not activity.registration_open or not activity.registration_token:
        return False
    if activity.registration_closes is not None and now >= activity.registration_closes:
        return False
    last_day = activity.end_date or activity.start_date
    return last_day is None or timezone.localdate(now) <= last_day


def places_taken(activity: Activity) -> int:
    return Participation.objects.filter(activity=activity).exclude(status=ParticipationStatus.CANCELLED).count()


def places_left(activity: Activity) -> int | None:
    """None when there is no limit."""
    if activity.capacity is None:
        return None
    return max(activity.capacity - places_taken(activity), 0)


def is_full(activity: Activity) -> bool:
    return activity.capacity is not None and places_taken(activity) >= activity.capacity


def _already_listed(activity: Activity, decision: linkage.Decision) -> Participation | None:
    """The participation of the person who sent the form, when they are on the list already: the
    person linkage found, or a candidate on the list with the same name and a shared document,
    phone or e-mail (the same form sent twice, whose first copy made a new record)."""
    ids = [decision.person.pk] if decision.outcome == "link" else []
    ids += [c.person.pk for c in decision.candidates if NAMES & set(c.reasons) and STRONG & set(c.reasons)]
    if not ids:
        return None
    return Participation.objects.filter(activity=activity, person_id__in=ids).order_by("id").first()


def _new_person(activity: Activity, data: dict, statement: str) -> Person:
    fields = ("name", "name_latin", "gender", "birth_date", "region", "country", "employer", "title")
    person = Person(unit_id=activity.unit_id, **{name: data[name] for name in fields if data.get(name)})
    person.phones, person.emails = list(data["phones"]), list(data["emails"])
    person.consent_date = timezone.localdate()
    person.consent_scope = Truncator(statement).chars(200)
    with translation.override(settings.LANGUAGE_CODE):  # for the office, in the office's language
        source = _("Public registration: %(activity)s") % {"activity": activity}
    person.consent_source = Truncator(source).chars(200)
    person.save()
    IdentityDocument.objects.bulk_create(
        IdentityDocument(person=person, kind=kind, number=number) for kind, number in data["documents"]
    )
    search.index([person])  # again, now with the documents' numbers
    return person


def register(activity_pk: int, data: dict, *, statement: str, request_id: str | None = None) -> str:
    """Put the person of a registration form (`data`, see RegistrationForm.registrant) on the
    activity's list. Returns REGISTERED (also when they were on it already), FULL or CLOSED;
    FULL and CLOSED write nothing. `statement` is the consent statement the person agreed to."""
    with context.acting(user=None, source="registration", request_id=request_id), services.writing():
        activity = Activity.all_objects.select_for_update().filter(pk=activity_pk).first()
        if activity is None or not is_open(activity):
            return CLOSED
        if is_full(activity):
            return FULL
        decision = linkage.link([people_import.incoming(data)], Person.objects.all())[0]
        listed = _already_listed(activity, decision)
        if listed is not None:
            if listed.status == ParticipationStatus.CANCELLED:  # signing up again after cancelling
                listed.status = ParticipationStatus.REGISTERED
                listed.save()
            ActionLog.record("qiao.registration.repeated", activity, participation=listed.pk, person=listed.person_id)
            return REGISTERED
        if decision.outcome == "link":
            person = Person.objects.get(pk=decision.person.pk)
            # only what a form may add to a known person: their new phones and e-mails
            only_contacts = {"phones": data["phones"], "emails": data["emails"], "documents": [], "education": {}}
            changed, _documents, _education = people_import._fill(person, only_contacts)
            if changed:
                person.save()
        else:
            person = _new_person(activity, data, statement)
            if decision.outcome == "review":
                best = decision.candidates[0]
                DuplicateCandidate.objects.get_or_create(
                    person=person,
                    other_id=best.person.pk,
                    defaults={"score": best.score, "reasons": best.reasons, "unit_id": activity.unit_id},
                )
        participation = Participation.objects.create(
            activity=activity,
            person=person,
            status=ParticipationStatus.REGISTERED,
            source=ParticipationSource.REGISTRATION,
            first_visit_declared=data.get("first_visit"),
        )
        ActionLog.record(
            "qiao.registration.received",
            activity,
            outcome=decision.outcome,
            participation=participation.pk,
            person=person.pk,
        )
    return REGISTERED
