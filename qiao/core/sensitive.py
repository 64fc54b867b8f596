"""Who sees a person's sensitive values in full, and what everybody else sees: the one decision.

Sensitive values are a person's identity document numbers, phones, e-mails and date of birth. They
are shown in full only

- to a user whose role in the unit owning the person (or a unit above it) allows `view_sensitive`
  (managers and administrators; a share with another unit never grants it), or
- once, on request, to a user whose role there allows `reveal` (staff and up; never viewers). Each
  reveal is logged (``qiao.person.revealed``).

Everybody else sees them masked by the rules of ``masking`` (``A123***(*)``, ``+852 ****4567``,
``c***@example.org``, the year of birth only). Every page, table, form, API serializer and review
screen that shows these values calls this module; exports decide with ``export_sensitive`` the same
way (``can_export``).

Writing back: a form or API client that sends a masked value unchanged (``+852 ****4567`` as it was
shown) must not replace the stored value with stars. ``restore_phones``, ``restore_emails``,
``restore_document`` and ``keep_birth_date`` turn such echoes back into the stored values.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from . import masking, scoping

FIELDS = ("documents", "phones", "emails", "birth_date")
VIEWED = "qiao.person.viewed"
REVEALED = "qiao.person.revealed"


def can_see(user, record) -> bool:
    """Whether `user` sees the sensitive values of `record` (a person) in full, without asking."""
    return scoping.may_record(user, "view_sensitive", record)


def can_reveal(user, record) -> bool:
    """Whether `user` may ask to see the masked values of `record` in full (a logged reveal)."""
    return scoping.may_record(user, "reveal", record)


def can_export(user, record) -> bool:
    """Whether an export by `user` carries the sensitive values of `record` in full."""
    return scoping.may_record(user, "export_sensitive", record)


@dataclass
class Document:
    kind: str
    kind_label: str
    number: str  # the stored (normalised) number, or its masked form
    display: str  # as printed on the document (A123456(3)), or its masked form
    country: str = ""


@dataclass
class PersonValues:
    """A person's sensitive values as one reader may see them."""

    masked: bool
    birth_date: datetime.date | None
    birth_year: int | None
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    @property
    def any(self) -> bool:
        """Whether there is anything sensitive to show (or to reveal)."""
        return bool(self.birth_year or self.phones or self.emails or self.documents)


def person_values(person, *, full: bool) -> PersonValues:
    """The values of `person`, in full or masked. Reads ``person.documents`` (prefetch it for lists)."""
    documents = []
    for document in person.documents.all():
        if full:
            number, display = document.number, document.display_number
        else:
            number = display = masking.mask_document(document.kind, document.number)
        documents.append(Document(document.kind, document.get_kind_display(), number, display, document.country))
    phones = [str(p) for p in person.phones or []]
    emails = [str(e) for e in person.emails or []]
    return PersonValues(
        masked=not full,
        birth_date=person.birth_date if full else None,
        birth_year=masking.mask_birth_date(person.birth_date),
        phones=phones if full else [masking.mask_phone(p) for p in phones],
        emails=emails if full else [masking.mask_email(e) for e in emails],
        documents=documents,
    )


def masked_person_values(user, person) -> PersonValues:
    """The values of `person` as `user` may see them without asking."""
    return person_values(person, full=can_see(user, person))


def reveal(user, person, fields=FIELDS) -> PersonValues:
    """The values of `person` in full for `user`, logged as a reveal; PermissionDenied when the
    role of `user` in the owning unit does not allow it (viewers, or a unit the person is shared with)."""
    from .models import ActionLog

    if not can_reveal(user, person):
        raise PermissionDenied(_("Your role does not allow showing these details in full."))
    values = person_values(person, full=True)
    shown = [name for name in fields if name in FIELDS]
    ActionLog.record(REVEALED, person, fields=shown, unit=person.unit_id, name=person.name)
    return values


def log_view(person, *, source: str, masked: bool) -> None:
    """One access-log row for one person's details opened (a page or an API retrieve)."""
    from .models import ActionLog

    ActionLog.record(VIEWED, person, unit=person.unit_id, name=person.name, source=source, masked=masked)


# ---------------------------------------------------------------------------------------------------------
# Masked values sent back


def _restore(submitted, stored, mask) -> list[str]:
    """`submitted` with every value equal to the masked form of a stored one replaced by that stored
    value (each stored value used once); anything else as it was sent."""
    unused = list(stored or [])
    restored = []
    for value in submitted:
        text = str(value).strip()
        if masking.MASK in text:
            found = next((s for s in unused if mask(s) == text), None)
            if found is not None:
                unused.remove(found)
                restored.append(found)
                continue
        restored.append(value)
    return restored


def restore_phones(submitted, stored) -> list[str]:
    return _restore(submitted, stored, masking.mask_phone)


def restore_emails(submitted, stored) -> list[str]:
    return _restore(submitted, stored, masking.mask_email)


def restore_document(kind: str, number: str, stored) -> str:
    """The stored number of a document of `kind` whose masked form is `number`, else `number`.
    `stored` holds (kind, number) pairs."""
    text = "".join(str(number or "").split())
    if masking.MASK not in text:
        return number
    for stored_kind, stored_number in stored:
        if stored_kind == kind and masking.mask_document(stored_kind, stored_number).replace(" ", "") == text:
            return stored_number
    return number


def still_masked(value) -> bool:
    """Whether a value sent back holds masking stars that matched no stored value."""
    return masking.MASK in str(value or "")


def keep_birth_date(sent: datetime.date | None, stored: datetime.date | None, *, seen: bool) -> datetime.date | None:
    """The date of birth to save. A reader who was shown only the year (`seen` false) could send
    nothing back but an empty date: that keeps the stored date. Anything else is taken as sent."""
    if sent is None and stored is not None and not seen:
        return stored
    return sent


# ---------------------------------------------------------------------------------------------------------
# History snapshots


def mask_snapshot(data: dict | None) -> dict | None:
    """A person's history snapshot with its sensitive values masked."""
    if not data:
        return data
    data = dict(data)
    if data.get("birth_date"):
        data["birth_date"] = str(data["birth_date"])[:4]
    if isinstance(data.get("phones"), list):
        data["phones"] = [masking.mask_phone(p) for p in data["phones"]]
    if isinstance(data.get("emails"), list):
        data["emails"] = [masking.mask_email(e) for e in data["emails"]]
    if isinstance(data.get("documents"), list):
        data["documents"] = [
            {**d, "number": masking.mask_document(d.get("kind", ""), d.get("number", ""))} if isinstance(d, dict) else d
            for d in data["documents"]
        ]
    return data


def masked_changes(user, person, changes):
    """The history entries of `person` as `user` may read them: unsaved copies with the sensitive
    values masked unless the user sees them in full."""
    if can_see(user, person):
        return list(changes)
    from .models import ChangeRecord

    masked = []
    for change in changes:
        copy = ChangeRecord(
            id=change.id,
            content_type=change.content_type,
            time=change.time,
            user_id=change.user_id,
            user_name=change.user_name,
            request_id=change.request_id,
            object_id=change.object_id,
            object_repr=change.object_repr,
            action=change.action,
            before=mask_snapshot(change.before),
            after=mask_snapshot(change.after),
        )
        masked.append(copy)
    return masked
