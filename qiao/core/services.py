"""Generic write services: every create, update and delete goes through here or a domain service
built on it, inside one transaction, with the scope re-checked and the history captured."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from . import history, scoping


@contextmanager
def writing() -> Iterator[None]:
    """One transaction with history capture: the unit of every write."""
    with transaction.atomic(), history.capture():
        yield


def save(
    user, instance: models.Model, *, m2m: dict | None = None, after: Callable[[models.Model], None] | None = None
) -> models.Model:
    """Create or update `instance` for `user`: scope checked, history kept, all or nothing."""
    action = "add" if instance.pk is None else "change"
    with writing():
        scoping.check(user, instance, action)
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
        if after is not None:
            after(instance)
    return instance


def delete(user, instance: models.Model) -> None:
    """Soft-delete where the model supports it, otherwise delete; managers and above only."""
    with writing():
        scoping.check(user, instance, "delete")
        if hasattr(instance, "soft_delete"):
            instance.soft_delete(user)
        else:
            instance.delete()


def restore(user, instance: models.Model) -> None:
    with writing():
        if not scoping.may(user, "delete", scoping._owning_unit_id(instance)):
            raise PermissionDenied(_("You do not have permission to restore this record."))
        instance.restore()
