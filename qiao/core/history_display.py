"""History entries as people read them: field labels and choice labels instead of codes."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .models import ChangeRecord


def _field(model, name: str):
    lookup = name[:-3] if name.endswith("_id") else name
    try:
        return model._meta.get_field(lookup)
    except FieldDoesNotExist:
        return None


def _label(model, name: str) -> str:
    field = _field(model, name)
    if field is None:
        return name
    if field.is_relation and field.auto_created:  # a reverse relation such as a person's documents
        return str(field.related_model._meta.verbose_name_plural)
    return str(field.verbose_name)


def _text(value, field) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        return formats.date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else value
    if field is not None and getattr(field, "choices", None) and not isinstance(value, (list, dict)):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and isinstance(field, models.ForeignKey) and isinstance(value, int):
        target = field.related_model._base_manager.filter(pk=value).first()
        return str(target) if target is not None else f"#{value}"
    if isinstance(value, list):
        child_model = field.related_model if field is not None and field.auto_created else None
        return "；".join(_text(item, None) if child_model is None else _child_text(item, child_model) for item in value)
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v not in (None, ""))
    return str(value)


def _child_text(item, model) -> str:
    if not isinstance(item, dict):
        return str(item)
    parts = []
    for key, value in item.items():
        if value in (None, ""):
            continue
        field = _field(model, key)
        parts.append(_text(value, field))
    return " ".join(parts)


def describe(change: ChangeRecord) -> list[tuple[str, str, str]]:
    """(label, before, after) for every field the change touched."""
    model = change.content_type.model_class()
    rows = []
    for name, before, after in change.changes():
        field = _field(model, name) if model is not None else None
        rows.append((_label(model, name) if model else name, _text(before, field), _text(after, field)))
    return rows
