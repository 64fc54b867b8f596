"""Concurrent edits are detected, not lost: a record's `updated` stamp travels with the form (signed) or the
API's ETag, and a save is refused when the stored stamp differs from the one the editor started from.

The check runs inside the saving transaction with the record's row locked (SELECT … FOR UPDATE on
PostgreSQL; on SQLite every write transaction starts IMMEDIATE and so holds the database's write lock),
so two saves that both started from the same version cannot both pass it.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

FIELD = "_version"  # the hidden form field
SALT = "qiao.core.concurrency.version"


def versioned(obj: models.Model | None) -> bool:
    """Whether edits of `obj` can be checked: a saved record with an `updated` stamp."""
    return obj is not None and obj.pk is not None and isinstance(getattr(obj, "updated", None), datetime.datetime)


def stamp(updated: datetime.datetime) -> str:
    return updated.astimezone(datetime.UTC).isoformat()


def token(obj: models.Model) -> str:
    """The signed version of `obj` for a form's hidden field ("" when the record has none)."""
    if not versioned(obj):
        return ""
    return signing.dumps([obj._meta.label_lower, str(obj.pk), stamp(obj.updated)], salt=SALT, compress=True)


def etag(obj: models.Model, updated: datetime.datetime | None = None) -> str:
    """A strong ETag for the record's version (a hash of its type, id and `updated`)."""
    text = f"{obj._meta.label_lower}:{obj.pk}:{stamp(updated or obj.updated)}"
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


@dataclass
class Conflict:
    """The record changed after the editor opened it (or is gone)."""

    obj: models.Model
    updated: datetime.datetime | None
    user_name: str

    def message(self) -> str:
        if self.updated is None:
            return _("This record was deleted after you opened it. Your changes were not saved.")
        when = formats.date_format(timezone.localtime(self.updated), "DATETIME_FORMAT")
        who = self.user_name or _("someone else")
        return _(
            "This record was changed by %(user)s at %(time)s after you opened it. Your changes were not saved; "
            "here is the current version. Check it, make your changes again and save."
        ) % {"user": who, "time": when}


def current_stamp(obj: models.Model, lock: bool = True) -> datetime.datetime | None:
    """The stored `updated` of `obj`, read with its row locked (call inside a transaction); None when gone."""
    queryset = type(obj)._base_manager.filter(pk=obj.pk)
    if lock:
        queryset = queryset.select_for_update()
    return queryset.values_list("updated", flat=True).first()


def last_editor(obj: models.Model) -> str:
    from .models import ChangeRecord

    record = (
        ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj), for_concrete_model=False), object_id=obj.pk
        )
        .order_by("-time", "-id")
        .first()
    )
    return record.user_name if record is not None else ""


def _conflict(obj: models.Model, updated: datetime.datetime | None) -> Conflict:
    return Conflict(obj=obj, updated=updated, user_name=last_editor(obj) if updated is not None else "")


def check_token(obj: models.Model, signed: str | None) -> Conflict | None:
    """Inside the saving transaction: a Conflict when the record changed since the form carrying
    `signed` was shown. No token (an old page, a script posting the form) means no check."""
    if not versioned(obj) or not signed:
        return None
    try:
        label, pk, opened = signing.loads(signed, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        opened = label = pk = None
    updated = current_stamp(obj)
    if label != obj._meta.label_lower or pk != str(obj.pk):
        return _conflict(obj, updated)  # a forged or foreign token never passes
    if updated is None or stamp(updated) != opened:
        return _conflict(obj, updated)
    return None


def save_unless_changed(obj: models.Model, request, save):
    """Call `save()` in a transaction unless `obj` changed since the form that `request` posts was shown
    (its hidden `_version` field); returns (Conflict or None, what `save()` returned)."""
    with transaction.atomic():
        conflict = check_token(obj, request.POST.get(FIELD))
        if conflict is not None:
            return conflict, None
        return None, save()


def check_etag(obj: models.Model, if_match: str | None, if_unmodified_since: datetime.datetime | None) -> bool:
    """Inside the saving transaction: whether an API write's preconditions hold (True when none was given)."""
    if not versioned(obj) or (not if_match and if_unmodified_since is None):
        return True
    updated = current_stamp(obj)
    if updated is None:
        return False
    if if_match:
        tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
        if "*" not in tags and etag(obj, updated) not in tags:
            return False
    # HTTP dates have whole seconds: the record must not have changed after that second
    return not (if_unmodified_since is not None and updated.replace(microsecond=0) > if_unmodified_since)


def _display(bound_field) -> str:
    """What the user typed or chose in a field, as text (a choice by its label)."""
    value = bound_field.value()
    values = value if isinstance(value, (list, tuple)) else [value]
    choices = getattr(bound_field.field, "choices", None)
    if choices is not None:
        labels = {}
        for key, label in choices:
            if isinstance(label, (list, tuple)):  # grouped choices
                labels.update({str(k): str(v) for k, v in label})
            else:
                labels[str(getattr(key, "value", key))] = str(label)
        values = [labels.get(str(v), v) for v in values]
    return ", ".join(str(v) for v in values if v not in (None, ""))


def submitted_values(form) -> list[tuple[str, str]]:
    """(label, value) of each field where what the user sent differs from the current record, so that a
    refused edit can be made again by hand. Files are left out (they were not kept)."""
    from django import forms

    rows = []
    for name in form.changed_data:
        field = form[name]
        if isinstance(field.field, forms.FileField) or isinstance(field.field.widget, forms.HiddenInput):
            continue
        rows.append((str(field.label), _display(field)))
    return rows
