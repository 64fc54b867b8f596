"""The one implementation of who may see and change what.

A member of a unit with a role may perform an action on records owned by that unit and every unit
below it when the role allows the action (see roles.ACTIONS). Superusers see everything. Lists,
details, search, exports, the API, bulk actions and tasks all go through `restrict()`; services
call `check()` inside their transaction before saving.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from .roles import ACTIONS, RANK, Role

if TYPE_CHECKING:
    from .models import User

ALL = None  # marker: no restriction


def unit_ids(user: User, action: str) -> frozenset[int] | None:
    """Ids of the units whose records `user` may `action`; None means every unit (superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL
    cache = user.__dict__.setdefault("_qiao_scope", {})
    if action not in cache:
        from .models import Membership, Unit

        if "memberships" not in cache:  # one query per request for the user's memberships, whatever the actions
            cache["memberships"] = list(Membership.objects.filter(user=user).values_list("unit__path", "role"))
        least = RANK[ACTIONS[action]]
        paths = tuple(sorted({path for path, role in cache["memberships"] if RANK[Role(role)] >= least}))
        if not paths:
            cache[action] = frozenset()
        elif paths in cache:  # another action reaching the same units
            cache[action] = cache[paths]
        else:
            subtree = reduce(or_, (Q(path__startswith=p) for p in paths))
            cache[action] = cache[paths] = frozenset(Unit.objects.filter(subtree).values_list("id", flat=True))
    return cache[action]


def forget(user: User) -> None:
    """Drop the cached scope after memberships change."""
    user.__dict__.pop("_qiao_scope", None)


def may(user: User, action: str, unit_id: int | None) -> bool:
    ids = unit_ids(user, action)
    return ids is ALL or (unit_id is not None and unit_id in ids)


def may_record(user: User, action: str, obj: models.Model) -> bool:
    """Whether `user` may `action` `obj` through the unit owning it; shares do not count."""
    return may(user, action, _owning_unit_id(obj))


def has_any(user: User, action: str) -> bool:
    ids = unit_ids(user, action)
    return ids is ALL or bool(ids)


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows how to cut itself down to what a user may touch."""

    def restrict(self, user: User, action: str = "view") -> RestrictedQuerySet:
        ids = unit_ids(user, action)
        if ids is ALL:
            return self
        model = self.model
        condition = Q(**{f"{model.scope_field}__in": ids})
        share_model = getattr(model, "share_model", None)
        if share_model is not None and action in ("view", "change", "export"):
            shares = share_model.objects.filter(**{share_model.shared_field: OuterRef("pk")}, unit_id__in=ids)
            if action == "change":
                shares = shares.filter(access="change")
            condition |= Exists(shares)
        return self.filter(condition)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass


def check(user: User, obj: models.Model, action: str) -> None:
    """Re-check inside the caller's transaction that `user` may `action` `obj`.

    For an existing record, the stored row must be reachable by the user (so a forged unit in the
    payload cannot pull a foreign record in); for the new owning unit, the user must be allowed to
    add or change records there.
    """
    model = type(obj)
    if obj.pk is not None and action != "add":
        reachable = model._default_manager.restrict(user, action).select_for_update().filter(pk=obj.pk)
        if not reachable.exists():
            raise PermissionDenied(_("You do not have permission to change this record."))
    unit_id = _owning_unit_id(obj)
    if action in ("add", "change") and not may(user, "add" if action == "add" else "change", unit_id):
        if action == "change" and _shared_for_change(user, obj):
            return
        raise PermissionDenied(_("You may not keep records for this unit."))


def _owning_unit_id(obj: models.Model) -> int | None:
    field = type(obj).scope_field
    target = obj
    parts = field.split("__")
    for part in parts[:-1]:
        target = getattr(target, part)
    return getattr(target, f"{parts[-1]}_id")


def _shared_for_change(user: User, obj: models.Model) -> bool:
    share_model = getattr(type(obj), "share_model", None)
    if share_model is None or obj.pk is None:
        return False
    stored_unit = type(obj)._base_manager.filter(pk=obj.pk).values_list(type(obj).scope_field, flat=True).first()
    if stored_unit != _owning_unit_id(obj):
        return False  # a shared record cannot be moved to another unit by the unit it is shared with
    ids = unit_ids(user, "change")
    return (
        ids is ALL
        or share_model.objects.filter(**{share_model.shared_field: obj.pk}, unit_id__in=ids, access="change").exists()
    )


def units_for_choice(user: User, action: str = "add"):
    """Units a user may pick as the owner of a new record."""
    from .models import Unit

    ids = unit_ids(user, action)
    units = Unit.objects.all()
    return units if ids is ALL else units.filter(id__in=ids)
