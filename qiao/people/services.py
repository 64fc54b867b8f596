"""Rules for keeping people: one implementation used by the web UI, the API and imports."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from qiao import identity
from qiao.core import scoping, search, services
from qiao.core.models import Tag

from .models import Education, IdentityDocument, Person, PersonShare


def document_error(code: str) -> str:
    messages = {
        "format": _("The number does not have the format of this document."),
        "checksum": _("The check digit is wrong: please check the number."),
        "unknown_kind": _("Unknown document type."),
        "empty": _("Enter a number."),
    }
    return messages.get(code, messages["format"])


def clean_document(kind: str, number: str) -> str:
    """The normalised number, or a ValidationError naming the problem in the user's language."""
    try:
        return identity.normalize_document(kind, number)
    except identity.NumberError as error:
        raise ValidationError(document_error(error.code), code=error.code) from error


def clean_phone(value: str, region: str = "") -> str:
    default = {"HK": "HK", "MO": "MO", "TW": "TW", "MAINLAND": "CN"}.get(region)
    try:
        return identity.normalize_phone(value, default)
    except identity.NumberError as error:
        raise ValidationError(
            _("“%(value)s” is not a phone number we can read.") % {"value": value}, code="phone"
        ) from error


def clean_phones(values, region: str = "") -> list[str]:
    """Phones in E.164, duplicates dropped; a ValidationError lists every unreadable one by position."""
    cleaned, errors = [], {}
    for index, value in enumerate(values):
        try:
            cleaned.append(clean_phone(value, region))
        except ValidationError as error:
            errors[index] = error.messages
    if errors:
        raise ValidationError({str(index): messages for index, messages in errors.items()})
    return list(dict.fromkeys(cleaned))


def check_origin(region: str, country: str) -> None:
    """An overseas person needs the country they live in."""
    if region == "OVERSEAS" and not country:
        raise ValidationError({"country": _("Give the country for an overseas person.")})


def save_person(
    user,
    person: Person,
    *,
    documents: Iterable[dict] | None = None,
    education: Iterable[dict] | None = None,
    tags: Iterable[str] | None = None,
    roles: Iterable | None = None,
) -> Person:
    """Create or update a person with their documents, education, tags and roles, all or nothing.

    None for a collection leaves it as it is; a list replaces it.
    """

    def children(saved: Person) -> None:
        if documents is not None:
            saved.documents.all().delete()
            IdentityDocument.objects.bulk_create(
                IdentityDocument(person=saved, kind=d["kind"], number=d["number"], country=d.get("country", ""))
                for d in documents
            )
        if education is not None:
            saved.education.all().delete()
            Education.objects.bulk_create(Education(person=saved, **e) for e in education)
        if tags is not None:
            saved.tags.set(Tag.for_names(tags))
        search.index([saved])

    if erased(person):
        raise ValidationError(ERASED_MESSAGE)
    m2m = {"roles": list(roles)} if roles is not None else None
    return services.save(user, person, m2m=m2m, after=children)


ERASED_MESSAGE = _lazy("This person's personal data have been erased; the record can no longer be edited.")


def erased(person: Person) -> bool:
    """Whether the person's personal data were erased (qiao/privacy): typing them back in would undo it."""
    return bool(person.pk) and Person.all_objects.filter(pk=person.pk, erasure__isnull=False).exists()


def share_person(user, person: Person, unit, access: str = "view", note: str = "") -> PersonShare:
    """Let `unit` (and the units above it) see `person`; managers of the owning unit only."""
    with services.writing():
        if not scoping.may(user, "share", person.unit_id):
            raise PermissionDenied(_("Only a manager of the owning unit can share this person."))
        if unit.pk == person.unit_id:
            raise ValidationError({"unit": _("The person already belongs to this unit.")})
        share, _created = PersonShare.objects.update_or_create(
            person=person, unit=unit, defaults={"access": access, "note": note}
        )
    return share


def unshare_person(user, share: PersonShare) -> None:
    with services.writing():
        if not scoping.may(user, "share", share.person.unit_id):
            raise PermissionDenied(_("Only a manager of the owning unit can change sharing."))
        share.delete()
