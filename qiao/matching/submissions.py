"""Public forms (intakes) and what they receive: the rules. Views are in intake.py, forms in
intake_forms.py.

- An intake is a unit's public form link: enterprises send demands through a "demand" intake, people
  send their talent profile through a "profile" intake. Staff who may change records of the unit
  open, edit and close it; a closed intake's link answers like an unknown one.
- A demand sent through a demand form becomes a `Demand` with status "submitted", owned by the
  intake's unit, with no organisation: `submitted` keeps the organisation as sent. Matching ignores
  it until a reviewer links it to an organisation and opens it, or rejects it with a reason.
  Organisations are found as the organisations import finds them (`qiao.imports.kinds.organizations`:
  the registration number, then the name across scripts, then the name without its legal form),
  among the organisations the reviewer may see; or one is created from the submitted data.
- A talent profile sent through a profile form becomes a `ProfileSubmission` and touches nothing
  else. A reviewer links it to the registry as imports do (`qiao.people.linkage`, among the people
  the reviewer may see): "update this person" (what the form says fills empty fields and replaces
  changed ones; documents, phones, e-mails and education are added; the talent profile is created or
  updated; the consent is recorded on the person) or "a new person" in the intake's unit; or rejects
  it. A later form from the same person is linked again the same way.

Who writes: nobody is signed in when a form arrives, so its writes run as the "public_form" source
with no user (history shows them as made by the system). Reviews run as the reviewer, in one
transaction that holds the submission's row: two reviewers cannot accept the same form twice, and a
failure leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from qiao import identity, text
from qiao.core import context, services
from qiao.core.choices import Region
from qiao.core.models import ActionLog
from qiao.imports import values
from qiao.imports.kinds import organizations as organization_import
from qiao.imports.kinds import people as people_import
from qiao.imports.kinds.base import Match as Found
from qiao.imports.kinds.base import RowPlan
from qiao.orgs.models import Organization, OrganizationKind
from qiao.orgs.services import save_organization
from qiao.people import linkage
from qiao.people.models import Degree, DocumentKind, Gender, Person
from qiao.people.services import save_person

from . import services as matching
from .models import (
    Availability,
    Demand,
    DemandStatus,
    Field,
    Intake,
    IntakeKind,
    Language,
    ProfileSubmission,
    SubmissionStatus,
    WorkMode,
)

SOURCE = "public_form"
# what a reviewed form may set on a person: these replace the registry's value when the form gives one
PERSON_FIELDS = ("name", "name_latin", "gender", "birth_date", "region", "country", "employer", "title", "profile")


# ---------------------------------------------------------------- intakes


def find_intake(token: str, kind: str) -> Intake | None:
    """The open intake of `kind` whose link holds `token`; None for a closed or unknown one."""
    if not token or kind not in IntakeKind.values:
        return None
    return Intake.objects.filter(token=token, kind=kind, active=True).select_related("unit").first()


def save_intake(user, intake: Intake) -> Intake:
    """Create or edit a public form link; its kind is fixed once created (printed QR codes lead to it)."""
    intake.title = (intake.title or "").strip()
    if not intake.title:
        raise ValidationError({"title": _("A public form needs a title.")})
    if intake.kind not in IntakeKind.values:
        raise ValidationError({"kind": _("Choose what the form receives.")})
    if intake.pk:
        stored = Intake.objects.filter(pk=intake.pk).values_list("kind", flat=True).first()
        if stored and stored != intake.kind:
            raise ValidationError({"kind": _("What a form receives cannot change; open a new form instead.")})
    return services.save(user, intake)


def set_intake_open(user, intake: Intake, active: bool) -> Intake:
    """Open or close a public form link."""
    with services.writing():
        found = Intake.objects.restrict(user, "change").select_for_update().filter(pk=intake.pk).first()
        if found is None:
            raise PermissionDenied(_("You may not change this public form."))
        if found.active != active:
            found.active = active
            services.save(user, found)
            ActionLog.record("qiao.intake.opened" if active else "qiao.intake.closed", found)
    return found


def consent_statement(intake: Intake) -> str:
    """What a person agrees to on the form, in the visitor's language."""
    if intake.kind == IntakeKind.DEMAND:
        return _(
            "I agree that %(unit)s keeps the information on this form to handle this demand, to contact me "
            "about it and to compile statistics. It is not given to anyone else for other purposes."
        ) % {"unit": intake.unit.name}
    if intake.kind == IntakeKind.CASE:
        return _(
            "I agree that %(unit)s keeps the information on this form to handle this problem, to contact me "
            "about it and to compile statistics. It is not given to anyone else for other purposes."
        ) % {"unit": intake.unit.name}
    return _(
        "I agree that %(unit)s keeps the information on this form in its talent registry, to find jobs, "
        "internships, projects and policies that fit me, and to compile statistics. It is not given to anyone "
        "else for other purposes. I may ask at any time to see, correct or delete it."
    ) % {"unit": intake.unit.name}


# ---------------------------------------------------------------- what the public forms send


def submit_demand(
    intake_pk: int,
    demand: Demand,
    *,
    fields: list[Field],
    organization: dict,
    statement: str,
    language: str = "",
    request_id: str | None = None,
) -> Demand | None:
    """Keep a demand sent through a public form, owned by the intake's unit and waiting for review.
    None when the intake was closed meanwhile (nothing is written). The owning unit comes from the
    intake, never from the form."""
    with context.acting(user=None, source=SOURCE, request_id=request_id), services.writing():
        intake = Intake.objects.select_for_update().filter(pk=intake_pk, kind=IntakeKind.DEMAND, active=True).first()
        if intake is None:
            return None
        demand.pk = None
        demand.unit_id = intake.unit_id
        demand.organization = None
        demand.status = DemandStatus.SUBMITTED
        demand.degree_required = False  # the reviewer decides what is a hard condition
        demand.submitted = {
            "organization": organization,
            "intake": intake.pk,
            "intake_title": intake.title,
            "language": language,
            "consent": statement,
            "at": timezone.now().isoformat(),
        }
        matching.check_demand(demand)
        demand.save()
        demand.fields.set(fields)
        ActionLog.record("qiao.intake.demand_received", demand, intake=intake.pk)
    return demand


def submit_profile(
    intake_pk: int, data: dict, *, statement: str, language: str = "", request_id: str | None = None
) -> ProfileSubmission | None:
    """Keep a talent profile sent through a public form until staff review it; the registry is not
    touched. None when the intake was closed meanwhile (nothing is written)."""
    with context.acting(user=None, source=SOURCE, request_id=request_id), services.writing():
        intake = Intake.objects.select_for_update().filter(pk=intake_pk, kind=IntakeKind.PROFILE, active=True).first()
        if intake is None:
            return None
        data = {**data, "consent_statement": statement, "language": language, "intake_title": intake.title}
        submission = ProfileSubmission.objects.create(
            intake=intake, unit_id=intake.unit_id, data=data, consent_at=timezone.now()
        )
        ActionLog.record("qiao.intake.profile_received", submission, intake=intake.pk)
    return submission


# ---------------------------------------------------------------- the review queue


def pending_demands(user) -> QuerySet:
    """Submitted demands the user may review: staff of the owning unit or above."""
    return (
        Demand.objects.restrict(user, "change")
        .filter(status=DemandStatus.SUBMITTED)
        .select_related("unit")
        .order_by("created", "id")
    )


def pending_profiles(user) -> QuerySet:
    return (
        ProfileSubmission.objects.restrict(user, "change")
        .filter(status=SubmissionStatus.PENDING)
        .select_related("unit", "intake")
        .order_by("submitted_at", "id")
    )


def _reviewed(found, pending_value) -> None:
    if found.status != pending_value:
        raise ValidationError(
            _("This form was reviewed already (%(status)s).") % {"status": found.get_status_display()}
        )


# ---------------------------------------------------------------- demands: the organisation


def submitted_organization(demand: Demand) -> dict:
    """The organisation as the form sent it: name, registration type and number, region."""
    found = (demand.submitted or {}).get("organization") or {}
    return {key: str(found.get(key) or "") for key in ("name", "registration_kind", "registration_number", "region")}


def organization_candidates(user, demand: Demand) -> tuple[str, list[Found]]:
    """("same" | "review" | "new", organisations best first), found as the organisations import finds
    them among those `user` may see."""
    return find_organizations(user, submitted_organization(demand))


def find_organizations(user, data: dict) -> tuple[str, list[Found]]:
    """("same" | "review" | "new", organisations best first) that an organisation as a public form sent
    it (name, registration_number …) may be, among those `user` may see (also the service ledger's
    reported problems)."""
    data = {k: v for k, v in data.items() if v}
    if not data.get("name"):
        return "new", []
    visible = Organization.objects.restrict(user, "view")
    index = organization_import.Index.fetch([RowPlan(0, data)], visible)
    return organization_import._link(data, index)


def new_organization(demand: Demand) -> Organization:
    """An organisation made from what the form sent (unsaved), owned by the demand's unit."""
    data = submitted_organization(demand)
    kind = values.guess_organization_kind(data["name"]) or OrganizationKind.ENTERPRISE
    return Organization(
        unit_id=demand.unit_id,
        name=data["name"],
        kind=kind,
        region=data["region"],
        registration_kind=data["registration_kind"] if data["registration_number"] else "",
        registration_number=data["registration_number"],
    )


def _demand_for_review(user, demand: Demand) -> Demand:
    found = Demand.objects.restrict(user, "change").select_for_update().filter(pk=demand.pk).first()
    if found is None:
        raise PermissionDenied(_("You may not review this demand."))
    _reviewed(found, DemandStatus.SUBMITTED)
    return found


def open_demand(user, demand: Demand, *, organization: Organization | None = None) -> Demand:
    """Link a submitted demand to `organization` (None: a new one made from the submitted data) and
    open it for matching. All or nothing."""
    with services.writing():
        found = _demand_for_review(user, demand)
        created = organization is None
        if created:
            organization = save_organization(user, new_organization(found))
        elif not Organization.objects.restrict(user).filter(pk=organization.pk).exists():
            raise ValidationError({"organization": _("Choose an organisation you may see.")})
        found.organization = organization
        found.status = DemandStatus.OPEN
        found.review_note = ""
        matching.save_demand(user, found)
        ActionLog.record("qiao.intake.demand_opened", found, organization=organization.pk, organization_created=created)
    return found


def reject_demand(user, demand: Demand, reason: str) -> Demand:
    """Turn a submitted demand down, with the reason (kept on the demand and in its history)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the demand is rejected.")})
    with services.writing():
        found = _demand_for_review(user, demand)
        found.status = DemandStatus.REJECTED
        found.review_note = reason
        services.save(user, found)
        ActionLog.record("qiao.intake.demand_rejected", found, reason=reason)
    return found


# ---------------------------------------------------------------- talent profiles: the person


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date) or value is None:
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def incoming_row(data: dict) -> dict:
    """The submission as an imported row's data (what `qiao.imports.kinds.people.incoming` reads)."""
    return {
        "name": data.get("name", ""),
        "name_latin": data.get("name_latin", ""),
        "birth_date": _date(data.get("birth_date")),
        "gender": data.get("gender", ""),
        "region": data.get("region", ""),
        "documents": [tuple(d) for d in data.get("documents") or []],
        "phones": list(data.get("phones") or []),
        "emails": list(data.get("emails") or []),
    }


def person_candidates(user, submission: ProfileSubmission) -> linkage.Decision:
    """Who in the registry the submission may be, best first with score and reasons, among the
    people `user` may see (the same linkage as imports and public registration)."""
    incoming = people_import.incoming(incoming_row(submission.data))
    return linkage.link([incoming], Person.objects.restrict(user, "view"))[0]


@dataclass
class Change:
    """One thing accepting a submission would change on a person."""

    field: str
    label: str
    before: str
    after: str


def _same(name: str, old, new) -> bool:
    """Values that say the same thing: one name in two scripts, one romanised name in another order."""
    if name == "name":
        return text.compact(old or "") == text.compact(new or "")
    if name == "name_latin":
        return sorted(text.latin_tokens(old or "")) == sorted(text.latin_tokens(new or ""))
    return old == new


def _scalars(person: Person, data: dict) -> dict:
    """The person's fields the submission sets: the values it gives that differ from the registry's."""
    found = {}
    region = data.get("region") or ""
    for name in PERSON_FIELDS:
        new = _date(data.get(name)) if name == "birth_date" else data.get(name)
        if name == "country" and region and region != "OVERSEAS":
            new = ""  # a region of origin other than overseas has no country: an old one goes
            if person.country:
                found[name] = new
            continue
        if not new:
            continue
        old = getattr(person, name)
        if old and _same(name, old, new):
            continue
        if new != old:
            found[name] = new
    return found


def _education(person: Person | None, data: dict) -> dict | None:
    """The submission's education, unless the person has it already."""
    wanted = {k: v for k, v in (data.get("education") or {}).items() if v not in (None, "")}
    if not wanted:
        return None
    if person is not None and person.pk:
        for item in person.education.all():
            if all(getattr(item, k) == v for k, v in wanted.items()):
                return None
    return {"degree": "", "institution": "", "country": "", "field": "", "year": None, **wanted}


def _display(name: str, value) -> str:
    if value in (None, ""):
        return ""
    if name == "gender":
        return str(Gender(value).label) if value in Gender.values else str(value)
    if name == "region":
        return str(Region(value).label) if value in Region.values else str(value)
    return str(value)


def document_label(kind: str, number: str) -> str:
    """A document as people read it: its kind and its number as printed (A123456(3))."""
    kind_label = str(DocumentKind(kind).label) if kind in DocumentKind.values else kind
    with contextlib.suppress(Exception):  # a stored number must always display
        number = identity.format_document(kind, number)
    return f"{kind_label} {number}"


def _education_label(item: dict) -> str:
    degree = str(Degree(item["degree"]).label) if item.get("degree") in Degree.values else ""
    return " · ".join(str(v) for v in (degree, item.get("institution"), item.get("field"), item.get("year")) if v)


def planned_changes(person: Person, data: dict, shown=None) -> list[Change]:
    """What accepting the submission as an update of `person` would change, for the reviewer: each
    field with its value now and after (phones, e-mails, documents and education are added to).
    `shown` (qiao.core.sensitive.PersonValues) is how the reviewer may see the person's sensitive
    values now: masked ones are shown masked; the form's own values are shown as sent."""
    masked = shown is not None and shown.masked
    changes = []
    for name, new in _scalars(person, data).items():
        label = str(Person._meta.get_field(name).verbose_name)
        now = _display(name, getattr(person, name))
        if masked and name == "birth_date":
            now = str(shown.birth_year or "")
        changes.append(Change(name, label, now, _display(name, new)))
    for name in ("phones", "emails"):
        had = list(getattr(person, name) or [])
        added = [v for v in data.get(name) or [] if v not in had]
        if added:
            label = str(Person._meta.get_field(name).verbose_name)
            had = list(getattr(shown, name)) if masked else had
            changes.append(Change(name, label, ", ".join(had), ", ".join(had + added)))
    known = [(d.kind, d.number) for d in person.documents.all()]
    added = [tuple(d) for d in data.get("documents") or [] if tuple(d) not in known]
    if added:
        if masked:
            before = [f"{d.kind_label} {d.display}" for d in shown.documents]
        else:
            before = [document_label(k, n) for k, n in known]
        after = before + [document_label(k, n) for k, n in added]
        changes.append(Change("documents", str(_("identity documents")), "; ".join(before), "; ".join(after)))
    education = _education(person, data)
    if education:
        before = [_education_label(e.history_summary()) for e in person.education.all()]
        after = [*before, _education_label(education)]
        changes.append(Change("education", str(_("education")), "; ".join(before), "; ".join(after)))
    return changes


def _consent(person: Person, submission: ProfileSubmission) -> None:
    """The consent given on the form, on the person's record (in the office's language, whatever the
    visitor's): the history then shows that the change came from the public form."""
    data = submission.data
    title = data.get("intake_title") or (submission.intake.title if submission.intake_id else "")
    with translation.override(settings.LANGUAGE_CODE):
        if data.get("contact_consent"):
            scope = _("talent registry and matching; may be contacted about opportunities")
        else:
            scope = _("talent registry and matching; not to be contacted about opportunities")
        source = _("Public form: %(title)s") % {"title": title}
    person.consent_date = timezone.localdate(submission.consent_at)
    person.consent_scope = Truncator(scope).chars(200)
    person.consent_source = Truncator(source).chars(200)


def _new_person(submission: ProfileSubmission) -> tuple[Person, list[dict], list[dict]]:
    data = submission.data
    person = Person(unit_id=submission.unit_id)
    for name, value in _scalars(person, data).items():
        setattr(person, name, value)
    person.name = person.name or person.name_latin
    person.phones, person.emails = list(data.get("phones") or []), list(data.get("emails") or [])
    documents = [{"kind": k, "number": n} for k, n in data.get("documents") or []]
    education = _education(None, data)
    return person, documents, [education] if education else []


def _updated_person(user, person: Person, data: dict) -> tuple[Person, list[dict] | None, list[dict] | None]:
    found = Person.objects.restrict(user, "change").select_for_update().filter(pk=person.pk).first()
    if found is None:
        raise PermissionDenied(_("You may not change this person."))
    for name, value in _scalars(found, data).items():
        setattr(found, name, value)
    for name in ("phones", "emails"):
        had = list(getattr(found, name) or [])
        setattr(found, name, had + [v for v in data.get(name) or [] if v not in had])
    known = [(d.kind, d.number, d.country) for d in found.documents.all()]
    added = [tuple(d) for d in data.get("documents") or [] if tuple(d) not in {(k, n) for k, n, _c in known}]
    documents = None
    if added:
        documents = [{"kind": k, "number": n, "country": c} for k, n, c in known]
        documents += [{"kind": k, "number": n} for k, n in added]
    new = _education(found, data)
    education = ([e.history_summary() for e in found.education.all()] + [new]) if new else None
    return found, documents, education


def _talent(user, person: Person, data: dict) -> None:
    """Create or update the person's talent profile from the submission: given values replace."""
    profile = matching.profile_of(person)
    for name in ("skills", "residence", "availability"):
        if data.get(name):
            setattr(profile, name, data[name])
    if data.get("experience_years") is not None:
        profile.experience_years = data["experience_years"]
    for name in ("languages", "work_modes"):
        if data.get(name):
            setattr(profile, name, list(data[name]))
    profile.contact_consent = bool(data.get("contact_consent"))
    fields = None
    if data.get("fields"):
        fields = list(Field.objects.filter(code__in=data["fields"]))
    matching.save_profile(user, profile, fields=fields)


def _submission_for_review(user, submission: ProfileSubmission) -> ProfileSubmission:
    found = ProfileSubmission.objects.restrict(user, "change").select_for_update().filter(pk=submission.pk).first()
    if found is None:
        raise PermissionDenied(_("You may not review this form."))
    _reviewed(found, SubmissionStatus.PENDING)
    return found


def accept_profile(user, submission: ProfileSubmission, person: Person | None = None) -> Person:
    """Link a submitted profile to the registry: update `person`, or create a new person in the
    intake's unit when None; then the talent profile and the consent. All or nothing."""
    with services.writing():
        found = _submission_for_review(user, submission)
        data = found.data
        if person is None:
            record, documents, education = _new_person(found)
        else:
            record, documents, education = _updated_person(user, person, data)
        _consent(record, found)
        record = save_person(user, record, documents=documents, education=education)
        _talent(user, record, data)
        found.status = SubmissionStatus.ACCEPTED
        found.person = record
        found.reviewed_by = user
        found.reviewed_at = timezone.now()
        found.save()
        ActionLog.record(
            "qiao.intake.profile_accepted",
            record,
            submission=found.pk,
            intake=found.intake_id,
            created=person is None,
        )
    return record


def reject_profile(user, submission: ProfileSubmission, reason: str) -> ProfileSubmission:
    """Turn a submitted profile down, with the reason; the registry is not touched."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the form is rejected.")})
    with services.writing():
        found = _submission_for_review(user, submission)
        found.status = SubmissionStatus.REJECTED
        found.reviewed_by = user
        found.reviewed_at = timezone.now()
        found.review_note = reason
        found.save()
        ActionLog.record("qiao.intake.profile_rejected", found, reason=reason)
    return found


# ---------------------------------------------------------------- for display


def describe_profile(data: dict) -> list[tuple[str, str]]:
    """(label, value) of what a submitted profile says, in the reader's language."""

    def choice(enum, value):
        return str(enum(value).label) if value in enum.values else str(value or "")

    education = data.get("education") or {}
    fields = Field.objects.filter(code__in=data.get("fields") or [])
    rows = [
        (_("full name"), data.get("name", "")),
        (_("name in Latin letters"), data.get("name_latin", "")),
        (_("gender"), choice(Gender, data.get("gender"))),
        (_("date of birth"), data.get("birth_date") or ""),
        (_("region of origin"), choice(Region, data.get("region"))),
        (_("country"), data.get("country", "")),
        (_("phones"), ", ".join(data.get("phones") or [])),
        (_("e-mails"), ", ".join(data.get("emails") or [])),
        (
            _("identity documents"),
            ", ".join(document_label(k, n) for k, n in data.get("documents") or []),
        ),
        (_("employer"), data.get("employer", "")),
        (_("job title"), data.get("title", "")),
        (_("highest degree"), choice(Degree, education.get("degree"))),
        (_("institution"), education.get("institution", "")),
        (_("field of study"), education.get("field", "")),
        (_("year of graduation"), str(education.get("year") or "")),
        (_("fields"), ", ".join(str(f) for f in fields)),
        (_("skills"), data.get("skills", "")),
        (_("years of experience"), "" if data.get("experience_years") is None else str(data["experience_years"])),
        (_("languages"), ", ".join(choice(Language, v) for v in data.get("languages") or [])),
        (_("work modes wanted"), ", ".join(choice(WorkMode, v) for v in data.get("work_modes") or [])),
        (_("availability"), choice(Availability, data.get("availability"))),
        (_("place of residence"), data.get("residence", "")),
        (_("profile"), data.get("profile", "")),
        (_("agrees to be contacted about opportunities"), _("yes") if data.get("contact_consent") else _("no")),
    ]
    return [(label, value) for label, value in rows if value]
