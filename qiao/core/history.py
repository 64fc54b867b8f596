"""Change history: every create, update and delete of a logged model, as before → after snapshots.

Signal handlers capture the "before" snapshot of the record whose history tab shows the change (the
root: the record itself or its parent), and write one ChangeRecord per root when the outermost
`capture()` block ends, still inside the caller's transaction. Saves outside any capture block
(a shell, a migration) are written at once.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import context

_pending: contextvars.ContextVar[dict | None] = contextvars.ContextVar("qiao_history", default=None)
FLUSH_BATCH = 1000


def _value(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, FieldFile):  # an uploaded file: its stored name
        return value.name or ""
    return value


def snapshot(obj: models.Model) -> dict:
    """The record's own fields plus its declared children, as JSON-ready values."""
    data = {}
    exclude = set(getattr(obj, "history_exclude", ()))
    for f in obj._meta.concrete_fields:
        if f.name in exclude or f.primary_key:
            continue
        data[f.attname] = _value(getattr(obj, f.attname))
    for f in obj._meta.many_to_many:
        if f.name not in exclude:
            data[f.name] = sorted(str(o) for o in getattr(obj, f.name).all())
    for name in getattr(obj, "history_children", ()):
        data[name] = [child.history_summary() for child in getattr(obj, name).all()]
    return data


def _fresh(root: models.Model) -> models.Model | None:
    return type(root)._base_manager.filter(pk=root.pk).first()


def _logged(instance) -> bool:
    from .models import ChangeLoggedModel

    return isinstance(instance, ChangeLoggedModel)


def _remember(root: models.Model, before: dict | None, pending: dict) -> None:
    key = (type(root), root.pk)
    if key not in pending:
        pending[key] = before


def _record(model, pk, before: dict | None, after_obj: models.Model | None, repr_hint: str = "", after=None):
    """The ChangeRecord (unsaved) for one change, or None when nothing changed."""
    from .models import ChangeAction, ChangeRecord

    if after_obj is None:
        after = None
    elif after is None:
        after = snapshot(after_obj)
    if before == after:
        return None
    if before is None:
        action = ChangeAction.CREATE
    elif after is None or (after.get("deleted_at") and not before.get("deleted_at")):
        action = ChangeAction.DELETE  # erased, or soft-deleted
    else:
        action = ChangeAction.UPDATE
    actor = context.current()
    return ChangeRecord(
        user_id=actor.user_id,
        user_name=actor.user_name,
        request_id=actor.request_id,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id=pk,
        object_repr=(str(after_obj) if after_obj is not None else repr_hint)[:200],
        action=action,
        before=before,
        after=after,
    )


def _write(model, pk, before: dict | None, after_obj: models.Model | None, repr_hint: str = "") -> None:
    record = _record(model, pk, before, after_obj, repr_hint)
    if record is not None:
        record.save()


@contextmanager
def capture():
    """Collect changes made inside the block and write one history entry per changed record."""
    if _pending.get() is not None:
        yield
        return
    pending: dict = {}
    token = _pending.set(pending)
    try:
        yield
        _flush(pending)
    finally:
        _pending.reset(token)


def touch(obj: models.Model) -> None:
    """Take `obj`'s before-state now: for changes that bypass signals (queryset updates)."""
    pending = _pending.get()
    if pending is not None and obj.pk is not None:
        root = obj.history_root()
        stored = _fresh(root)
        _remember(root, snapshot(stored) if stored is not None else None, pending)


def _flush(pending: dict) -> None:
    """One ChangeRecord per changed root, in the order the roots were first touched. The after-states
    are read in batches (a few queries per FLUSH_BATCH records, not a few per record)."""
    from .models import ChangeRecord

    by_model: dict = {}
    for model, pk in pending:
        by_model.setdefault(model, []).append(pk)
    fresh, after = {}, {}
    for model, pks in by_model.items():
        for start in range(0, len(pks), FLUSH_BATCH):
            objs = list(model._base_manager.filter(pk__in=pks[start : start + FLUSH_BATCH]))
            fresh.update({(model, obj.pk): obj for obj in objs})
            after.update({(model, pk): data for pk, data in _snapshots(model, objs).items()})
    records = []
    for (model, pk), before in pending.items():
        obj = fresh.get((model, pk))
        hint = ""
        if obj is None and before is not None:
            hint = str(before.get("name") or before.get("title") or f"#{pk}")
        record = _record(model, pk, before, obj, hint, after.get((model, pk)))
        if record is not None:
            records.append(record)
    ChangeRecord.objects.bulk_create(records, batch_size=FLUSH_BATCH)


def _snapshots(model, objs: list) -> dict:
    """{pk: snapshot(obj)} for many records of one model, each relation read in one query for all
    of them (prefetch_related builds a queryset per record and relation: too slow for thousands)."""
    exclude = set(getattr(model, "history_exclude", ()))
    fields = [f for f in model._meta.concrete_fields if f.name not in exclude and not f.primary_key]
    found = {obj.pk: {f.attname: _value(getattr(obj, f.attname)) for f in fields} for obj in objs}
    pks = list(found)
    if not pks:
        return found
    try:
        for f in model._meta.many_to_many:
            if f.name in exclude:
                continue
            through = f.remote_field.through
            source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
            pairs = list(through._base_manager.filter(**{f"{source}__in": pks}).values_list(source, target))
            related = f.related_model._default_manager.in_bulk({t for _s, t in pairs})
            names: dict = {pk: [] for pk in pks}
            for s, t in pairs:
                if t in related:
                    names[s].append(str(related[t]))
            for pk in pks:
                found[pk][f.name] = sorted(names[pk])
        for name in getattr(model, "history_children", ()):
            relation = model._meta.get_field(name)
            children: dict = {pk: [] for pk in pks}
            manager = relation.related_model._default_manager
            for child in manager.filter(**{f"{relation.field.name}__in": pks}):
                children[getattr(child, relation.field.attname)].append(child.history_summary())
            for pk in pks:
                found[pk][name] = children[pk]
    except (AttributeError, ValueError, LookupError):  # an unusual relation: one record at a time
        return {obj.pk: snapshot(obj) for obj in objs}
    return found


def snapshots(model, pks) -> dict:
    """{pk: snapshot} of stored records, read in batches: the before-state of a bulk change."""
    found = {}
    pks = list(pks)
    for start in range(0, len(pks), FLUSH_BATCH):
        found.update(_snapshots(model, list(model._base_manager.filter(pk__in=pks[start : start + FLUSH_BATCH]))))
    return found


def remember(obj: models.Model, before: dict | None) -> None:
    """For writes that bypass signals (bulk_create, bulk_update): `obj` changed inside the current
    capture block, from `before` (None: just created). Its entry is written when the block ends,
    exactly as a save would have written it."""
    pending = _pending.get()
    if pending is None:
        raise RuntimeError("history.remember() needs a capture() block (services.writing()).")
    _remember(obj, before, pending)


@receiver(pre_save)
def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not _logged(instance):
        return
    root = instance.history_root()
    if root is None or root.pk is None:
        return  # a new root: it has no before-state
    pending = _pending.get()
    if pending is not None and (type(root), root.pk) in pending:
        return  # its before-state is already taken: the first one counts
    stored = _fresh(root)  # the database still holds the old values of the record and its children
    before = snapshot(stored) if stored is not None else None
    if pending is not None:
        _remember(root, before, pending)
    else:
        instance.__dict__["_history_before"] = (root, before)


@receiver(post_save)
def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _logged(instance):
        return
    root = instance.history_root()
    if root is None:
        return
    pending = _pending.get()
    if pending is not None:
        if created and root is instance:
            _remember(root, None, pending)
        return
    saved = instance.__dict__.pop("_history_before", None)
    before = saved[1] if saved else None
    _write(type(root), root.pk, before, _fresh(root))


@receiver(pre_delete)
def _before_delete(sender, instance, **kwargs):
    if not _logged(instance):
        return
    root = instance.history_root()
    if root is None or root.pk is None:
        return
    pending = _pending.get()
    if pending is not None and (type(root), root.pk) in pending:
        return  # its before-state is already taken: the first one counts
    before = snapshot(_fresh(root) or root)
    if pending is not None:
        _remember(root, before, pending)
    else:
        instance.__dict__["_history_before"] = (root, before)


@receiver(post_delete)
def _after_delete(sender, instance, **kwargs):
    if not _logged(instance) or _pending.get() is not None:
        return
    saved = instance.__dict__.pop("_history_before", None)
    if saved:
        root, before = saved
        _write(type(root), root.pk, before, _fresh(root), str(root))


@receiver(m2m_changed)
def _m2m(sender, instance, action, reverse, **kwargs):
    if reverse or not _logged(instance) or instance.pk is None:
        return
    pending = _pending.get()
    if action.startswith("pre_"):
        if pending is not None and (type(instance), instance.pk) in pending:
            return  # its before-state is already taken: the first one counts
        before = snapshot(_fresh(instance) or instance)
        if pending is not None:
            _remember(instance, before, pending)
        else:
            instance.__dict__["_history_m2m_before"] = before
    elif action.startswith("post_") and pending is None:
        before = instance.__dict__.pop("_history_m2m_before", None)
        _write(type(instance), instance.pk, before, _fresh(instance))
